/* at-library-page-keywords.c — keywords on the Library's selection: the
 * Keywords popover adds or takes off what is typed, and lists the keywords
 * the selected photos carry, each a button that takes it off. Writes and
 * reads run on workers. */
#define G_LOG_DOMAIN "atelier"

#include "config.h"

#include <glib/gi18n.h>

#include "at-library-page-private.h"

/* A worker's own reference on the catalog: the page may be disposed
 * before the worker ends. */
typedef struct
{
  AtCatalog *catalog;
  char     **ids;
  char      *keyword;
  gboolean   present;
} KeywordJob;

static void
keyword_job_free (KeywordJob *job)
{
  g_clear_object (&job->catalog);
  g_strfreev (job->ids);
  g_free (job->keyword);
  g_free (job);
}

static void
keyword_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  KeywordJob *job = data;
  GError *error = NULL;

  /* a write round trip: off the main thread */
  if (at_keywords_set_sync (job->catalog, (const char *const *) job->ids, job->keyword,
                            job->present, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
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
  _at_library_page_reload_keyword_chips (self);
}

static void
set_keyword (AtLibraryPage *self,
             const char    *text,
             gboolean       present)
{
  g_autoptr(GPtrArray) photos = _at_library_page_selected_photos (self);
  g_autofree char *keyword = g_strstrip (g_strdup (text));
  g_autoptr(GTask) task = NULL;
  KeywordJob *job;

  if (photos->len == 0 || *keyword == '\0')
    {
      _at_library_page_toast (self, photos->len == 0 ? _("Select photos first") : _("Type a keyword first"));
      return;
    }
  job = g_new0 (KeywordJob, 1);
  job->catalog = g_object_ref (at_photo_list_get_catalog (self->photos));
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
  set_keyword (self, gtk_editable_get_text (GTK_EDITABLE (self->keyword_entry)), TRUE);
}

static void
keyword_remove_cb (AtLibraryPage *self)
{
  set_keyword (self, gtk_editable_get_text (GTK_EDITABLE (self->keyword_entry)), FALSE);
}

/* ---- the selection's keywords, to take off with a click ---- */

static void
chip_clicked_cb (GtkButton     *chip,
                 AtLibraryPage *self)
{
  set_keyword (self, g_object_get_data (G_OBJECT (chip), "keyword"), FALSE);
}

static void
chips_loaded_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  AtLibraryPage *self = AT_LIBRARY_PAGE (object);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) keywords = g_task_propagate_pointer (G_TASK (result), &error);

  if (keywords == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        _at_library_page_toast (self, error->message);
      return;
    }
  /* GTK 4.8 has no gtk_flow_box_remove_all */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self->keyword_chips))) != NULL;)
    gtk_flow_box_remove (self->keyword_chips, child);
  for (guint i = 0; i < keywords->len; i++)
    {
      const char *keyword = g_ptr_array_index (keywords, i);
      GtkWidget *chip = gtk_button_new ();
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
      GtkWidget *label = gtk_label_new (keyword);

      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_MIDDLE);
      gtk_box_append (GTK_BOX (box), label);
      gtk_box_append (GTK_BOX (box), gtk_image_new_from_icon_name ("window-close-symbolic"));
      gtk_button_set_child (GTK_BUTTON (chip), box);
      gtk_widget_set_tooltip_text (chip, _("Take this keyword off the selected photos"));
      gtk_widget_add_css_class (chip, "keyword-chip");
      g_object_set_data_full (G_OBJECT (chip), "keyword", g_strdup (keyword), g_free);
      g_signal_connect (chip, "clicked", G_CALLBACK (chip_clicked_cb), self);
      gtk_flow_box_append (self->keyword_chips, chip);
    }
  gtk_widget_set_visible (self->keyword_chips_title, keywords->len > 0);
}

static void
chips_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  KeywordJob *job = data;
  GError *error = NULL;
  AtSqlConn *conn = at_catalog_get_reader (job->catalog, &error);
  GPtrArray *keywords = conn ? at_keywords_of_photos (conn, (const char *const *) job->ids, &error) : NULL;

  if (keywords == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, keywords, (GDestroyNotify) g_ptr_array_unref);
}

/* The keywords on the selection, read off the main thread; what the
 * popover lists under the entry. */
void
_at_library_page_reload_keyword_chips (AtLibraryPage *self)
{
  g_autoptr(GPtrArray) photos = _at_library_page_selected_photos (self);
  g_autoptr(GTask) task = NULL;
  KeywordJob *job;

  if (self->photos == NULL)
    return;
  g_cancellable_cancel (self->chips_cancellable);
  g_clear_object (&self->chips_cancellable);
  self->chips_cancellable = g_cancellable_new ();
  job = g_new0 (KeywordJob, 1);
  job->catalog = g_object_ref (at_photo_list_get_catalog (self->photos));
  job->ids = g_new0 (char *, photos->len + 1);
  for (guint i = 0; i < photos->len; i++)
    job->ids[i] = g_strdup (at_photo_get_id (g_ptr_array_index (photos, i)));
  task = g_task_new (self, self->chips_cancellable, chips_loaded_cb, NULL);
  g_task_set_task_data (task, job, (GDestroyNotify) keyword_job_free);
  g_task_run_in_thread (task, chips_thread);
}

void
_at_library_page_setup_keywords (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_callback (widget_class, keyword_add_cb);
  gtk_widget_class_bind_template_callback (widget_class, keyword_remove_cb);
  gtk_widget_class_bind_template_callback (widget_class, _at_library_page_reload_keyword_chips);
}

