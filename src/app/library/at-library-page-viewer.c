/* at-library-page-viewer.c — the Library page's large views: the loupe (one
 * photo, Enter) and compare (two to four, C). Both take the culling keys;
 * Escape goes back to the grid. */
#define G_LOG_DOMAIN "atelier"

#include "config.h"

#include <glib/gi18n.h>

#include "at-library-page-private.h"

static gboolean
showing (AtLibraryPage *self,
         const char    *view)
{
  return g_str_equal (gtk_stack_get_visible_child_name (self->results_stack), view);
}

void
_at_library_page_set_loupe_actions (AtLibraryPage *self,
                                    gboolean       open)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "library.loupe-next", open);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "library.loupe-previous", open);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "library.loupe-close", open);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "library.loupe-zoom", open);
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
  _at_library_page_set_loupe_actions (self, TRUE);
}

void
_at_library_page_open_loupe_at (AtLibraryPage *self,
                                guint          position)
{
  show_in_loupe (self, position);
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

AtCompareView *
at_library_page_get_compare_view (AtLibraryPage *self)
{
  g_return_val_if_fail (AT_IS_LIBRARY_PAGE (self), NULL);
  return self->compare_view;
}

/**
 * at_library_page_compare:
 *
 * Compares the selected photos (the first four), or the one selected and the
 * next. Returns FALSE, with a toast, when there is nothing to compare.
 */
gboolean
at_library_page_compare (AtLibraryPage *self)
{
  g_autoptr(GtkBitset) set = NULL;
  g_autoptr(GPtrArray) photos = g_ptr_array_new_with_free_func (g_object_unref);
  GListModel *model;
  GtkBitsetIter iter;
  guint position, first;

  g_return_val_if_fail (AT_IS_LIBRARY_PAGE (self), FALSE);
  if (self->selection == NULL)
    return FALSE;
  model = G_LIST_MODEL (self->selection);
  set = gtk_selection_model_get_selection (self->selection);
  if (showing (self, "loupe"))
    {
      gtk_bitset_remove_all (set);
      gtk_bitset_add (set, self->loupe_position);
    }
  for (gboolean ok = gtk_bitset_iter_init_first (&iter, set, &position); ok && photos->len < AT_COMPARE_VIEW_MAX_PANES;
       ok = gtk_bitset_iter_next (&iter, &position))
    g_ptr_array_add (photos, g_list_model_get_item (model, position));
  first = gtk_bitset_is_empty (set) ? 0 : gtk_bitset_get_minimum (set);
  if (photos->len == 1 && first + 1 < g_list_model_get_n_items (model))
    {
      /* one photo: it and the frame after it, both selected */
      g_ptr_array_add (photos, g_list_model_get_item (model, first + 1));
      gtk_selection_model_select_range (self->selection, first, 2, TRUE);
    }
  if (photos->len < 2)
    {
      _at_library_page_toast (self, _("Select two to four photos to compare"));
      return FALSE;
    }
  self->loupe_position = first;
  at_loupe_set_photo (self->loupe, NULL, self->loader, NULL);
  at_compare_view_set_photos (self->compare_view, (AtPhoto *const *) photos->pdata, photos->len, self->loader,
                              self->library);
  gtk_stack_set_visible_child_name (self->results_stack, "compare");
  _at_library_page_set_loupe_actions (self, TRUE);
  return TRUE;
}

static void
compare_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  at_library_page_compare (AT_LIBRARY_PAGE (widget));
}

/* In the loupe, the next or previous photo; in compare, the next or
 * previous pane. */
static void
loupe_step_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  AtLibraryPage *self = AT_LIBRARY_PAGE (widget);
  gboolean next = g_str_equal (action_name, "library.loupe-next");
  guint n = self->selection ? g_list_model_get_n_items (G_LIST_MODEL (self->selection)) : 0;

  if (showing (self, "compare"))
    {
      guint active = at_compare_view_get_active (self->compare_view);
      guint panes = at_compare_view_get_n_panes (self->compare_view);
      at_compare_view_set_active (self->compare_view, next ? (active + 1) % panes : (active + panes - 1) % panes);
    }
  else if (next && self->loupe_position + 1 < n)
    show_in_loupe (self, self->loupe_position + 1);
  else if (!next && self->loupe_position > 0)
    show_in_loupe (self, self->loupe_position - 1);
}

static void
loupe_zoom_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  AtLibraryPage *self = AT_LIBRARY_PAGE (widget);

  if (showing (self, "compare"))
    at_loupe_toggle_zoom (at_compare_view_get_pane (self->compare_view, at_compare_view_get_active (self->compare_view)));
  else
    at_loupe_toggle_zoom (self->loupe);
}

static void
loupe_close_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  AtLibraryPage *self = AT_LIBRARY_PAGE (widget);

  at_loupe_set_photo (self->loupe, NULL, self->loader, NULL);
  at_compare_view_set_photos (self->compare_view, NULL, 0, NULL, NULL);
  _at_library_page_set_loupe_actions (self, FALSE);
  gtk_stack_set_visible_child_name (self->results_stack, "photos");
  _at_library_page_update_stack (self);
  gtk_widget_activate_action (GTK_WIDGET (self->grid), "list.scroll-to-item", "u", self->loupe_position);
  gtk_widget_grab_focus (GTK_WIDGET (self->grid));
}

void
_at_library_page_install_viewer_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "library.loupe-next", NULL, loupe_step_action);
  gtk_widget_class_install_action (widget_class, "library.loupe-previous", NULL, loupe_step_action);
  gtk_widget_class_install_action (widget_class, "library.loupe-close", NULL, loupe_close_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Right, 0, "library.loupe-next", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, 0, "library.loupe-previous", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "library.loupe-close", NULL);
  gtk_widget_class_install_action (widget_class, "library.loupe-zoom", NULL, loupe_zoom_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, 0, "library.loupe-zoom", NULL);
  gtk_widget_class_install_action (widget_class, "library.compare", NULL, compare_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c, 0, "library.compare", NULL);
}
