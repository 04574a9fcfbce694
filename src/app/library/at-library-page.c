/* at-library-page.c — AtLibraryPage: the photo grid, or an empty state.
 *
 * Model chain: AtPhotoList (pages rows from SQLite) → GtkMultiSelection →
 * GtkGridView, so the grid only ever asks for the rows it shows.
 *
 * Culling: the "library.*" actions, bound to the keys photographers know
 * (0–5 stars, 6–9 colour labels, P pick, X reject, U unflag, Ctrl+Z undo,
 * Shift+Ctrl+Z redo), act on the selection through AtCulling: the cells
 * show the change at once, the catalog gets it behind.
 */
#define G_LOG_DOMAIN "atelier"

#include "config.h"

#include <glib/gi18n.h>

#include "at-library-page.h"
#include "at-loupe.h"
#include "at-photo-cell.h"

struct _AtLibraryPage
{
  AdwBin       parent_instance;
  AtPhotoList *photos;
  AtCulling   *culling;
  AtXmpWriter *xmp_writer;   /* NULL: sidecars are not kept */
  AtThumbnailLoader *loader;
  GtkSelectionModel *selection;
  gboolean     auto_advance;
  gboolean     filtered;     /* some filter is set */
  GtkStack    *stack;
  GtkGridView *grid;
  GtkStack    *results_stack;
  GtkSearchEntry *search_entry;
  GtkDropDown *rating_filter;
  GtkDropDown *label_filter;
  GtkDropDown *flag_filter;
  GtkDropDown *sort_order;
  GtkLabel    *count_label;
  AtLoupe     *loupe;
  guint        loupe_position;
  char        *library;
};

enum { PROP_0, PROP_AUTO_ADVANCE, N_PROPS };
static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (AtLibraryPage, at_library_page, ADW_TYPE_BIN)

static void
setup_cb (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          AtLibraryPage            *self)
{
  gtk_list_item_set_child (item, at_photo_cell_new (self->loader));
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
  g_autofree char *count = NULL;

  /* an empty catalog says how to fill it; an empty filter result how to widen it */
  gtk_stack_set_visible_child_name (self->stack, n > 0 || self->filtered ? "grid" : "empty");
  if (!g_str_equal (gtk_stack_get_visible_child_name (self->results_stack), "loupe") || n == 0)
    gtk_stack_set_visible_child_name (self->results_stack, n > 0 ? "photos" : "no-match");
  count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u photo", "%u photos", n), n);
  gtk_label_set_label (self->count_label, count);
}

/* The filter bar, read into an AtPhotoFilter for the list. */
static void
filter_changed_cb (AtLibraryPage *self)
{
  static const AtFlag flags[] = { AT_FLAG_NONE, AT_FLAG_PICKED, AT_FLAG_REJECTED, AT_FLAG_NONE };
  static const AtPhotoSort sorts[] = { AT_PHOTO_SORT_CAPTURE_TIME, AT_PHOTO_SORT_NAME, AT_PHOTO_SORT_RATING };
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  guint label = gtk_drop_down_get_selected (self->label_filter);
  guint flag = gtk_drop_down_get_selected (self->flag_filter);
  guint sort = gtk_drop_down_get_selected (self->sort_order);
  AtPhotoFilter filter;

  if (self->photos == NULL)
    return;
  at_photo_filter_init (&filter);
  filter.rating_min = (int) MIN (gtk_drop_down_get_selected (self->rating_filter), 5);
  /* the list: Any, Red … Purple, No Label */
  filter.has_label = label > 0 && label != GTK_INVALID_LIST_POSITION;
  filter.label = label >= 1 && label <= 5 ? (AtLabel) label : AT_LABEL_NONE;
  filter.has_flag = flag > 0 && flag < G_N_ELEMENTS (flags);
  filter.flag = filter.has_flag ? flags[flag] : AT_FLAG_NONE;
  filter.text = text != NULL && *text != '\0' ? g_strdup (text) : NULL;
  self->filtered = filter.rating_min > 0 || filter.has_label || filter.has_flag || filter.text != NULL;
  at_photo_list_set_sort (self->photos, sort < G_N_ELEMENTS (sorts) ? sorts[sort] : AT_PHOTO_SORT_CAPTURE_TIME);
  at_photo_list_set_filter (self->photos, &filter);
  at_photo_filter_clear (&filter);
  update_stack (self);
}

static void
clear_filters_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  AtLibraryPage *self = AT_LIBRARY_PAGE (widget);

  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  gtk_drop_down_set_selected (self->rating_filter, 0);
  gtk_drop_down_set_selected (self->label_filter, 0);
  gtk_drop_down_set_selected (self->flag_filter, 0);
  filter_changed_cb (self);
}

static void
culling_changed_cb (AtCulling     *culling,
                    char         **ids,
                    AtCullState   *states,
                    AtLibraryPage *self)
{
  at_photo_list_apply_states (self->photos, (const char *const *) ids, states);
  if (self->xmp_writer != NULL)
    at_xmp_writer_queue (self->xmp_writer, (const char *const *) ids);
}

/* Culling decisions reach sidecars through @writer from now on. */
void
at_library_page_set_xmp_writer (AtLibraryPage *self,
                                AtXmpWriter   *writer)
{
  g_return_if_fail (AT_IS_LIBRARY_PAGE (self));
  g_set_object (&self->xmp_writer, writer);
}

AtXmpWriter *
at_library_page_get_xmp_writer (AtLibraryPage *self)
{
  g_return_val_if_fail (AT_IS_LIBRARY_PAGE (self), NULL);
  return self->xmp_writer;
}

static void
history_changed_cb (AtLibraryPage *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "library.undo", self->culling && at_culling_can_undo (self->culling));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "library.redo", self->culling && at_culling_can_redo (self->culling));
}

/**
 * at_library_page_set_catalog:
 * @library: (nullable): the library folder, to make thumbnails the cache lacks
 */
void
at_library_page_set_catalog (AtLibraryPage *self,
                             AtCatalog     *catalog,
                             const char    *library)
{
  g_return_if_fail (AT_IS_LIBRARY_PAGE (self));
  g_return_if_fail (AT_IS_CATALOG (catalog));

  if (self->photos != NULL)
    g_signal_handlers_disconnect_by_data (self->photos, self);
  if (self->culling != NULL)
    g_signal_handlers_disconnect_by_data (self->culling, self);
  g_clear_object (&self->photos);
  g_clear_object (&self->culling);
  g_clear_object (&self->selection);
  g_set_object (&self->loader, NULL);
  self->loader = at_thumbnail_loader_new (library, NULL);
  g_free (self->library);
  self->library = g_strdup (library);
  self->photos = at_photo_list_new (catalog);
  self->culling = at_culling_new (catalog);
  g_signal_connect_swapped (self->photos, "notify::n-items", G_CALLBACK (update_stack), self);
  g_signal_connect (self->culling, "changed", G_CALLBACK (culling_changed_cb), self);
  g_signal_connect_swapped (self->culling, "notify::can-undo", G_CALLBACK (history_changed_cb), self);
  g_signal_connect_swapped (self->culling, "notify::can-redo", G_CALLBACK (history_changed_cb), self);
  self->selection = GTK_SELECTION_MODEL (gtk_multi_selection_new (G_LIST_MODEL (g_object_ref (self->photos))));
  gtk_grid_view_set_model (self->grid, self->selection);
  filter_changed_cb (self);
  update_stack (self);
  history_changed_cb (self);
}

/* ---- the loupe ---- */

static void
set_loupe_actions (AtLibraryPage *self,
                   gboolean       open)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "library.loupe-next", open);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "library.loupe-previous", open);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "library.loupe-close", open);
}

/* Shows the photo at @position in the loupe; the selection follows, so the
 * culling keys act on it, and its neighbours' previews are read ahead. */
static void
show_in_loupe (AtLibraryPage *self,
               guint          position)
{
  GListModel *model = G_LIST_MODEL (self->selection);
  g_autoptr(AtPhoto) photo = g_list_model_get_item (model, position);
  guint n = g_list_model_get_n_items (model);

  if (photo == NULL)
    return;
  self->loupe_position = position;
  gtk_selection_model_select_item (self->selection, position, TRUE);
  at_loupe_set_photo (self->loupe, photo, self->loader, self->library);
  for (int d = -3; d <= 3; d++)
    if (d != 0 && (int) position + d >= 0 && (guint) ((int) position + d) < n)
      {
        g_autoptr(AtPhoto) near = g_list_model_get_item (model, (guint) ((int) position + d));
        if (near != NULL)
          at_thumbnail_loader_prefetch (self->loader, near);
      }
  gtk_stack_set_visible_child_name (self->results_stack, "loupe");
  gtk_widget_grab_focus (GTK_WIDGET (self->loupe));
  set_loupe_actions (self, TRUE);
}

static void
grid_activate_cb (AtLibraryPage *self,
                  guint          position)
{
  show_in_loupe (self, position);
}

static void
loupe_step_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  AtLibraryPage *self = AT_LIBRARY_PAGE (widget);
  gboolean next = g_str_equal (action_name, "library.loupe-next");
  guint n = self->selection ? g_list_model_get_n_items (G_LIST_MODEL (self->selection)) : 0;

  if (next && self->loupe_position + 1 < n)
    show_in_loupe (self, self->loupe_position + 1);
  else if (!next && self->loupe_position > 0)
    show_in_loupe (self, self->loupe_position - 1);
}

static void
loupe_close_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  AtLibraryPage *self = AT_LIBRARY_PAGE (widget);

  at_loupe_set_photo (self->loupe, NULL, self->loader, NULL);
  set_loupe_actions (self, FALSE);
  update_stack (self);
  gtk_widget_activate_action (GTK_WIDGET (self->grid), "list.scroll-to-item", "u", self->loupe_position);
  gtk_widget_grab_focus (GTK_WIDGET (self->grid));
}

/**
 * at_library_page_open_loupe:
 *
 * What Enter or a double click on a photo does.
 */
void
at_library_page_open_loupe (AtLibraryPage *self,
                            guint          position)
{
  g_return_if_fail (AT_IS_LIBRARY_PAGE (self));
  show_in_loupe (self, position);
}

AtLoupe *
at_library_page_get_loupe (AtLibraryPage *self)
{
  g_return_val_if_fail (AT_IS_LIBRARY_PAGE (self), NULL);
  return self->loupe;
}

/* The selected photos, in grid order. */
static GPtrArray *
selected_photos (AtLibraryPage *self)
{
  GPtrArray *photos = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GtkBitset) set = NULL;
  GtkBitsetIter iter;
  guint position;

  if (self->selection == NULL)
    return photos;
  set = gtk_selection_model_get_selection (self->selection);
  for (gboolean ok = gtk_bitset_iter_init_first (&iter, set, &position); ok;
       ok = gtk_bitset_iter_next (&iter, &position))
    {
      AtPhoto *photo = g_list_model_get_item (G_LIST_MODEL (self->selection), position);
      if (photo != NULL)
        g_ptr_array_add (photos, photo);
    }
  return photos;
}

/* With one photo selected, auto-advance moves on to the next. */
static void
advance (AtLibraryPage *self)
{
  g_autoptr(GtkBitset) set = NULL;
  guint next;

  if (!self->auto_advance || self->selection == NULL)
    return;
  set = gtk_selection_model_get_selection (self->selection);
  if (gtk_bitset_get_size (set) != 1)
    return;
  next = gtk_bitset_get_minimum (set) + 1;
  if (next >= g_list_model_get_n_items (G_LIST_MODEL (self->selection)))
    return;
  gtk_selection_model_select_item (self->selection, next, TRUE);
  gtk_widget_activate_action (GTK_WIDGET (self->grid), "list.scroll-to-item", "u", next);
}

static void
cull (AtLibraryPage      *self,
      const AtCullChange *change)
{
  g_autoptr(GPtrArray) photos = selected_photos (self);

  if (self->culling == NULL || photos->len == 0)
    return;
  at_culling_apply (self->culling, (AtPhoto *const *) photos->pdata, photos->len, change);
  advance (self);
}

static void
rate_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  AtCullChange change = { AT_CULL_RATING, g_variant_get_int32 (parameter), AT_LABEL_NONE, AT_FLAG_NONE };
  cull (AT_LIBRARY_PAGE (widget), &change);
}

static void
label_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  AtCullChange change = { AT_CULL_LABEL, 0, AT_LABEL_NONE, AT_FLAG_NONE };

  if (at_label_parse (g_variant_get_string (parameter, NULL), &change.label))
    cull (AT_LIBRARY_PAGE (widget), &change);
}

static void
flag_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  AtCullChange change = { AT_CULL_FLAG, 0, AT_LABEL_NONE, AT_FLAG_NONE };

  if (at_flag_parse (g_variant_get_string (parameter, NULL), &change.flag))
    cull (AT_LIBRARY_PAGE (widget), &change);
}

static void
undo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  AtLibraryPage *self = AT_LIBRARY_PAGE (widget);

  if (self->culling != NULL)
    at_culling_undo (self->culling);
}

static void
redo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  AtLibraryPage *self = AT_LIBRARY_PAGE (widget);

  if (self->culling != NULL)
    at_culling_redo (self->culling);
}

AtCulling *
at_library_page_get_culling (AtLibraryPage *self)
{
  g_return_val_if_fail (AT_IS_LIBRARY_PAGE (self), NULL);
  return self->culling;
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
at_library_page_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  AtLibraryPage *self = AT_LIBRARY_PAGE (object);

  switch (prop_id)
    {
    case PROP_AUTO_ADVANCE: g_value_set_boolean (value, self->auto_advance); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
at_library_page_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  AtLibraryPage *self = AT_LIBRARY_PAGE (object);

  switch (prop_id)
    {
    case PROP_AUTO_ADVANCE:
      if (self->auto_advance != g_value_get_boolean (value))
        {
          self->auto_advance = g_value_get_boolean (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
at_library_page_dispose (GObject *object)
{
  AtLibraryPage *self = AT_LIBRARY_PAGE (object);

  if (self->photos != NULL)
    g_signal_handlers_disconnect_by_data (self->photos, self);
  if (self->culling != NULL)
    g_signal_handlers_disconnect_by_data (self->culling, self);
  g_clear_object (&self->photos);
  g_clear_object (&self->culling);
  g_clear_object (&self->selection);
  g_clear_object (&self->loader);
  g_clear_object (&self->xmp_writer);
  g_clear_pointer (&self->library, g_free);
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
  object_class->get_property = at_library_page_get_property;
  object_class->set_property = at_library_page_set_property;
  properties[PROP_AUTO_ADVANCE] = g_param_spec_boolean ("auto-advance", NULL, NULL, FALSE,
                                                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                                                        G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "library.rate", "i", rate_action);
  gtk_widget_class_install_action (widget_class, "library.label", "s", label_action);
  gtk_widget_class_install_action (widget_class, "library.flag", "s", flag_action);
  gtk_widget_class_install_action (widget_class, "library.undo", NULL, undo_action);
  gtk_widget_class_install_action (widget_class, "library.redo", NULL, redo_action);
  gtk_widget_class_install_property_action (widget_class, "library.auto-advance", "auto-advance");
  for (int n = 0; n <= 5; n++)
    {
      gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0 + n, 0, "library.rate", "i", n);
      gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_0 + n, 0, "library.rate", "i", n);
    }
  {
    static const char *const labels[] = { "red", "yellow", "green", "blue" };
    for (int n = 0; n < 4; n++)
      {
        gtk_widget_class_add_binding_action (widget_class, GDK_KEY_6 + n, 0, "library.label", "s", labels[n]);
        gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_6 + n, 0, "library.label", "s", labels[n]);
      }
  }
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, 0, "library.flag", "s", "picked");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_x, 0, "library.flag", "s", "rejected");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_u, 0, "library.flag", "s", "none");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK, "library.undo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "library.redo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Z, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "library.redo", NULL);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/library/at-library-page.ui");
  gtk_widget_class_bind_template_child (widget_class, AtLibraryPage, stack);
  gtk_widget_class_bind_template_child (widget_class, AtLibraryPage, grid);
  gtk_widget_class_bind_template_child (widget_class, AtLibraryPage, results_stack);
  gtk_widget_class_bind_template_child (widget_class, AtLibraryPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, AtLibraryPage, rating_filter);
  gtk_widget_class_bind_template_child (widget_class, AtLibraryPage, label_filter);
  gtk_widget_class_bind_template_child (widget_class, AtLibraryPage, flag_filter);
  gtk_widget_class_bind_template_child (widget_class, AtLibraryPage, sort_order);
  gtk_widget_class_bind_template_child (widget_class, AtLibraryPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, AtLibraryPage, loupe);
  gtk_widget_class_install_action (widget_class, "library.loupe-next", NULL, loupe_step_action);
  gtk_widget_class_install_action (widget_class, "library.loupe-previous", NULL, loupe_step_action);
  gtk_widget_class_install_action (widget_class, "library.loupe-close", NULL, loupe_close_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Right, 0, "library.loupe-next", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, 0, "library.loupe-previous", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "library.loupe-close", NULL);
  gtk_widget_class_bind_template_callback (widget_class, filter_changed_cb);
  gtk_widget_class_install_action (widget_class, "library.clear-filters", NULL, clear_filters_action);
}

static void
at_library_page_init (AtLibraryPage *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  g_type_ensure (AT_TYPE_LOUPE);
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_swapped (self->grid, "activate", G_CALLBACK (grid_activate_cb), self);
  set_loupe_actions (self, FALSE);
  g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cb), NULL);
  gtk_grid_view_set_factory (self->grid, factory);
}
