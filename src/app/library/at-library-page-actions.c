/* at-library-page-actions.c — what the keys do on the Library page: culling
 * on the selection. The loupe and compare are in at-library-page-viewer.c,
 * keywords in at-library-page-keywords.c. */
#define G_LOG_DOMAIN "atelier"

#include "config.h"

#include <glib/gi18n.h>

#include "at-library-page-private.h"

/* The selected photos, in grid order; in compare, the active pane's. */
GPtrArray *
_at_library_page_selected_photos (AtLibraryPage *self)
{
  GPtrArray *photos = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GtkBitset) set = NULL;
  GtkBitsetIter iter;
  guint position;

  if (self->selection == NULL)
    return photos;
  if (g_str_equal (gtk_stack_get_visible_child_name (self->results_stack), "compare"))
    {
      AtPhoto *active = at_compare_view_get_active_photo (self->compare_view);
      if (active != NULL)
        g_ptr_array_add (photos, g_object_ref (active));
      return photos;
    }
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
  g_autoptr(GPtrArray) photos = _at_library_page_selected_photos (self);

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


void
_at_library_page_install_actions (GtkWidgetClass *widget_class)
{
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
  _at_library_page_install_viewer_actions (widget_class);
}
