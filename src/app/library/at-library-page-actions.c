/* at-library-page-actions.c — what the keys do on the Library page: culling
 * on the selection, and keywords. The loupe and compare are in
 * at-library-page-viewer.c. */
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

/* ---- keywords on the selection ---- */

typedef struct
{
  char     **ids;
  char      *keyword;
  gboolean   present;
} KeywordJob;

static void
keyword_job_free (KeywordJob *job)
{
  g_strfreev (job->ids);
  g_free (job->keyword);
  g_free (job);
}

static void
keyword_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  AtLibraryPage *self = source;
  KeywordJob *job = data;
  GError *error = NULL;

  /* a write round trip: off the main thread */
  if (at_keywords_set_sync (at_photo_list_get_catalog (self->photos), (const char *const *) job->ids, job->keyword,
                            job->present, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
_at_library_page_toast (AtLibraryPage *self,
                        const char    *text)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (text));
}

static void
keyword_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  AtLibraryPage *self = AT_LIBRARY_PAGE (object);
  KeywordJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  guint n = g_strv_length (job->ids);

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      _at_library_page_toast (self, error->message);
      return;
    }
  if (self->xmp_writer != NULL)
    at_xmp_writer_queue (self->xmp_writer, (const char *const *) job->ids);
  text = job->present
    ? g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "“%s” added to %u photo", "“%s” added to %u photos", n), job->keyword, n)
    : g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "“%s” taken off %u photo", "“%s” taken off %u photos", n), job->keyword, n);
  _at_library_page_toast (self, text);
  gtk_editable_set_text (GTK_EDITABLE (self->keyword_entry), "");
}

static void
set_keyword (AtLibraryPage *self,
             gboolean       present)
{
  g_autoptr(GPtrArray) photos = _at_library_page_selected_photos (self);
  g_autofree char *keyword = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->keyword_entry))));
  g_autoptr(GTask) task = NULL;
  KeywordJob *job;

  if (photos->len == 0 || *keyword == '\0')
    {
      _at_library_page_toast (self, photos->len == 0 ? _("Select photos first") : _("Type a keyword first"));
      return;
    }
  job = g_new0 (KeywordJob, 1);
  job->ids = g_new0 (char *, photos->len + 1);
  for (guint i = 0; i < photos->len; i++)
    job->ids[i] = g_strdup (at_photo_get_id (g_ptr_array_index (photos, i)));
  job->keyword = g_steal_pointer (&keyword);
  job->present = present;
  task = g_task_new (self, NULL, keyword_done_cb, NULL);
  g_task_set_task_data (task, job, (GDestroyNotify) keyword_job_free);
  g_task_run_in_thread (task, keyword_thread);
}

static void
keyword_add_cb (AtLibraryPage *self)
{
  set_keyword (self, TRUE);
}

static void
keyword_remove_cb (AtLibraryPage *self)
{
  set_keyword (self, FALSE);
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
  gtk_widget_class_bind_template_callback (widget_class, keyword_add_cb);
  gtk_widget_class_bind_template_callback (widget_class, keyword_remove_cb);
}
