/* at-library-page.c — AtLibraryPage: the photo grid, or an empty state.
 *
 * Model chain: AtPhotoList (pages rows from SQLite) → GtkMultiSelection →
 * GtkGridView, so the grid only ever asks for the rows it shows.
 */
#define G_LOG_DOMAIN "atelier"

#include "config.h"

#include "at-library-page.h"
#include "at-photo-cell.h"

struct _AtLibraryPage
{
  AdwBin       parent_instance;
  AtPhotoList *photos;
  GtkStack    *stack;
  GtkGridView *grid;
};

G_DEFINE_FINAL_TYPE (AtLibraryPage, at_library_page, ADW_TYPE_BIN)

static void
setup_cb (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          gpointer                  user_data)
{
  gtk_list_item_set_child (item, at_photo_cell_new ());
}

static void
bind_cb (GtkSignalListItemFactory *factory,
         GtkListItem              *item,
         gpointer                  user_data)
{
  at_photo_cell_set_photo (AT_PHOTO_CELL (gtk_list_item_get_child (item)),
                           gtk_list_item_get_item (item));
}

static void
unbind_cb (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  user_data)
{
  at_photo_cell_set_photo (AT_PHOTO_CELL (gtk_list_item_get_child (item)), NULL);
}

static void
update_stack (AtLibraryPage *self)
{
  guint n = self->photos ? g_list_model_get_n_items (G_LIST_MODEL (self->photos)) : 0;

  gtk_stack_set_visible_child_name (self->stack, n > 0 ? "grid" : "empty");
}

void
at_library_page_set_catalog (AtLibraryPage *self,
                             AtCatalog     *catalog)
{
  g_autoptr(GtkMultiSelection) selection = NULL;

  g_return_if_fail (AT_IS_LIBRARY_PAGE (self));
  g_return_if_fail (AT_IS_CATALOG (catalog));

  if (self->photos != NULL)
    g_signal_handlers_disconnect_by_data (self->photos, self);
  g_clear_object (&self->photos);
  self->photos = at_photo_list_new (catalog);
  g_signal_connect_swapped (self->photos, "notify::n-items", G_CALLBACK (update_stack), self);
  selection = gtk_multi_selection_new (G_LIST_MODEL (g_object_ref (self->photos)));
  gtk_grid_view_set_model (self->grid, GTK_SELECTION_MODEL (selection));
  update_stack (self);
}

GListModel *
at_library_page_get_photos (AtLibraryPage *self)
{
  g_return_val_if_fail (AT_IS_LIBRARY_PAGE (self), NULL);
  return G_LIST_MODEL (self->photos);
}

GtkGridView *
at_library_page_get_grid (AtLibraryPage *self)
{
  g_return_val_if_fail (AT_IS_LIBRARY_PAGE (self), NULL);
  return self->grid;
}

static void
at_library_page_dispose (GObject *object)
{
  AtLibraryPage *self = AT_LIBRARY_PAGE (object);

  if (self->photos != NULL)
    g_signal_handlers_disconnect_by_data (self->photos, self);
  g_clear_object (&self->photos);
  /* AdwBin unparents its child itself; disposing the template too would
   * unparent it twice. */
  G_OBJECT_CLASS (at_library_page_parent_class)->dispose (object);
}

static void
at_library_page_class_init (AtLibraryPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = at_library_page_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/library/at-library-page.ui");
  gtk_widget_class_bind_template_child (widget_class, AtLibraryPage, stack);
  gtk_widget_class_bind_template_child (widget_class, AtLibraryPage, grid);
}

static void
at_library_page_init (AtLibraryPage *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cb), NULL);
  gtk_grid_view_set_factory (self->grid, factory);
}
