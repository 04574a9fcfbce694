/* at-ingest-page.c — AtIngestPage: choose cards, copy them, watch them land.
 *
 * The ingest runs on a worker thread (at_ingest_run); its progress and
 * each new thumbnail are handed to the main thread as copies, so the page
 * only ever changes on the main thread. Stopping is a clean stop: what is
 * verified stays, and Import again resumes the journal.
 */
#define G_LOG_DOMAIN "atelier"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "at-ingest-page-private.h"
#include "at-landed-photo.h"
#include "at-source-row.h"


G_DEFINE_FINAL_TYPE (AtIngestPage, at_ingest_page, ADW_TYPE_BIN)

/* ---- running ---- */

typedef struct
{
  AtIngestPage     *self;
  AtIngestProgress  p;
  char             *current;
} ProgressUpdate;

static gboolean
apply_progress (gpointer data)
{
  ProgressUpdate *u = data;
  AtIngestPage *self = u->self;
  double secs = (g_get_monotonic_time () - self->started) / 1e6;
  double rate = secs > 0.5 ? u->p.bytes_done / secs : 0;
  g_autofree char *done = g_format_size (u->p.bytes_done);
  g_autofree char *total = g_format_size (u->p.bytes_total);
  g_autofree char *speed = g_format_size ((guint64) rate);
  g_autofree char *left = NULL;
  g_autofree char *text = NULL;

  if (!self->running)
    return G_SOURCE_REMOVE;
  if (u->p.bytes_total > 0)
    gtk_progress_bar_set_fraction (self->progress_bar, (double) u->p.bytes_done / u->p.bytes_total);
  if (rate > 0 && u->p.bytes_total > u->p.bytes_done)
    {
      guint s = (guint) ((u->p.bytes_total - u->p.bytes_done) / rate);
      left = s >= 60 ? g_strdup_printf (_("%u min left"), (s + 59) / 60) : g_strdup_printf (_("%u s left"), s);
    }
  if (rate > 0)
    /* Translators: "120 of 480 files · 1.2 GB of 4.8 GB · 85 MB/s · 2 min left" */
    text = g_strdup_printf (_("%u of %u files · %s of %s · %s/s%s%s"), u->p.files_done, u->p.files_total,
                            done, total, speed, left ? " · " : "", left ? left : "");
  else
    text = g_strdup_printf (_("%u of %u files · %s of %s"), u->p.files_done, u->p.files_total, done, total);
  gtk_label_set_label (self->progress_label, text);
  return G_SOURCE_REMOVE;
}

static void
progress_update_free (gpointer data)
{
  ProgressUpdate *u = data;

  g_object_unref (u->self);
  g_free (u->current);
  g_free (u);
}

/* on the ingest thread */
static void
progress_cb (const AtIngestProgress *p,
             gpointer                user_data)
{
  ProgressUpdate *u = g_new0 (ProgressUpdate, 1);

  u->self = g_object_ref (user_data);
  u->p = *p;
  u->current = g_strdup (p->current);
  u->p.current = u->current;
  g_idle_add_full (G_PRIORITY_DEFAULT, apply_progress, u, progress_update_free);
}

typedef struct
{
  AtIngestPage *self;
  char         *name;
  char         *thumb;
} Landed;

static gboolean
apply_landed (gpointer data)
{
  Landed *l = data;
  g_autoptr(AtLandedPhoto) photo = at_landed_photo_new (l->name, l->thumb);

  g_list_store_append (l->self->landed, photo);
  return G_SOURCE_REMOVE;
}

static void
landed_free (gpointer data)
{
  Landed *l = data;

  g_object_unref (l->self);
  g_free (l->name);
  g_free (l->thumb);
  g_free (l);
}

/* on the preview thread */
static void
preview_ready_cb (const char *hash,
                  const char *file_name,
                  gpointer    user_data)
{
  AtIngestPage *self = user_data;
  Landed *l = g_new0 (Landed, 1);

  l->self = g_object_ref (self);
  l->name = g_strdup (file_name);
  l->thumb = at_preview_path (self->cache_dir, hash, AT_PREVIEW_THUMB);
  /* the same priority as the end of the run, so every photo lands before it */
  g_idle_add_full (G_PRIORITY_DEFAULT, apply_landed, l, landed_free);
}

typedef struct
{
  char           **sources;
  AtIngestOptions  options;
  AtIngestSummary  summary;
} IngestTask;

static void
ingest_task_free (IngestTask *t)
{
  g_strfreev (t->sources);
  at_ingest_options_clear (&t->options);
  at_ingest_summary_clear (&t->summary);
  g_free (t);
}

static void
ingest_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  AtIngestPage *self = source_object;
  IngestTask *t = task_data;
  GError *error = NULL;

  if (at_ingest_run (self->catalog, (const char *const *) t->sources, &t->options, progress_cb, self,
                     &t->summary, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
add_problem (AtIngestPage *self,
             const char   *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_widget_set_margin_start (label, 24);
  gtk_widget_set_margin_end (label, 24);
  gtk_widget_set_margin_top (label, 4);
  gtk_widget_set_margin_bottom (label, 4);
  gtk_list_box_append (self->problems_list, label);
  gtk_widget_set_visible (self->problems_scroller, TRUE);
}

static void
ingest_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  AtIngestPage *self = AT_INGEST_PAGE (object);
  IngestTask *t = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autoptr(GNotification) notification = NULL;
  gboolean ok = g_task_propagate_boolean (G_TASK (result), &error);
  gboolean any_mount = FALSE;
  GApplication *app = g_application_get_default ();

  self->running = FALSE;
  self->stopped_early = !ok;
  g_free (self->result);
  /* Translators: the summary after an import */
  self->result = g_strdup_printf (_("%u photos copied and verified, %u files already in the library, %u failed."),
                                  t->summary.photos, t->summary.skipped_duplicate, t->summary.failed);
  if (!ok)
    {
      guint settled = t->summary.copied + t->summary.skipped_duplicate + t->summary.failed;
      guint left = t->summary.files_total > settled ? t->summary.files_total - settled : 0;
      g_autofree char *with_left = NULL;

      /* the bar showed bytes read; what counts now is what is safe */
      if (t->summary.files_total > 0)
        gtk_progress_bar_set_fraction (self->progress_bar, (double) (settled) / t->summary.files_total);
      if (left > 0)
        {
          with_left = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s %u file is still to be copied: Resume picks up there.",
                                                    "%s %u files are still to be copied: Resume picks up there.", left),
                                       self->result, left);
          g_free (self->result);
          self->result = g_steal_pointer (&with_left);
        }
    }
  gtk_label_set_label (self->running_title,
                       ok ? _("Import Finished")
                          : g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ? _("Import Stopped")
                                                                                       : _("Import Stopped Early"));
  gtk_label_set_label (self->progress_label, self->result);
  if (ok)
    gtk_progress_bar_set_fraction (self->progress_bar, 1.0);
  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    add_problem (self, error->message);
  for (guint i = 0; i < t->summary.problems->len; i++)
    add_problem (self, g_ptr_array_index (t->summary.problems, i));

  for (guint i = 0; i < self->running_sources->len; i++)
    {
      AtIngestSource *s = g_ptr_array_index (self->running_sources, i);
      any_mount |= at_ingest_source_get_mount (s) != NULL;
      at_ingest_source_recount (s, self->catalog);
    }
  gtk_widget_set_visible (self->cancel_button, FALSE);
  gtk_widget_set_visible (self->done_button, TRUE);
  gtk_widget_set_visible (self->eject_button, any_mount && ok);
  gtk_widget_set_visible (self->resume_button, !ok);

  if (app != NULL)
    {
      notification = g_notification_new (ok ? _("Import finished") : _("Import stopped"));
      g_notification_set_body (notification, self->result);
      g_application_send_notification (app, "ingest", notification);
    }
  g_clear_object (&self->cancellable);
}

void
at_ingest_page_start (AtIngestPage *self)
{
  g_autoptr(GPtrArray) sources = NULL;
  g_autoptr(GTask) task = NULL;
  g_autofree char *backup = NULL;
  IngestTask *t;
  const char *project;

  g_return_if_fail (AT_IS_INGEST_PAGE (self));

  sources = _at_ingest_page_active_sources (self);
  if (self->running || sources->len == 0 || self->catalog == NULL)
    return;

  /* The default library (Pictures/Atelier) is made on first use; a folder
   * the user chose must exist, or an unplugged drive would silently become
   * a folder on the system disk. */
  {
    g_autofree char *default_library = at_paths_default_library ();
    if (g_strcmp0 (self->library, default_library) == 0)
      g_mkdir_with_parents (default_library, 0755);
  }

  t = g_new0 (IngestTask, 1);
  t->sources = g_new0 (char *, sources->len + 1);
  for (guint i = 0; i < sources->len; i++)
    t->sources[i] = g_strdup (at_ingest_source_get_path (g_ptr_array_index (sources, i)));
  at_ingest_options_init (&t->options);
  t->options.library = g_strdup (self->library);
  backup = self->settings ? g_settings_get_string (self->settings, "backup-folder") : NULL;
  t->options.backup = backup && *backup ? g_strdup (backup) : NULL;
  project = gtk_editable_get_text (GTK_EDITABLE (self->project_row));
  t->options.project = project && *project ? g_strdup (project) : NULL;
  t->options.file_template = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->template_row)));
  t->options.folder_template = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->folder_template_row)));
  t->options.cache_dir = g_strdup (self->cache_dir);
  t->options.clock_offsets = g_hash_table_ref (self->clock_offsets);
  t->options.preview_ready = preview_ready_cb;
  t->options.preview_data = self;

  g_clear_pointer (&self->running_sources, g_ptr_array_unref);
  self->running_sources = g_ptr_array_ref (sources);
  g_list_store_remove_all (self->landed);
  while (gtk_list_box_get_row_at_index (self->problems_list, 0) != NULL)
    gtk_list_box_remove (self->problems_list, GTK_WIDGET (gtk_list_box_get_row_at_index (self->problems_list, 0)));
  gtk_widget_set_visible (self->problems_scroller, FALSE);
  {
    g_autofree char *title = sources->len == 1
      ? g_strdup_printf (_("Importing from %s"), at_ingest_source_get_label (g_ptr_array_index (sources, 0)))
      : g_strdup_printf (_("Importing from %u sources"), sources->len);
    gtk_label_set_label (self->running_title, title);
  }
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_label_set_label (self->progress_label, _("Reading the cards…"));
  gtk_widget_set_visible (self->cancel_button, TRUE);
  gtk_widget_set_visible (self->done_button, FALSE);
  gtk_widget_set_visible (self->eject_button, FALSE);
  gtk_widget_set_visible (self->resume_button, FALSE);
  gtk_stack_set_visible_child_name (self->stack, "running");

  self->running = TRUE;
  self->started = g_get_monotonic_time ();
  self->cancellable = g_cancellable_new ();
  task = g_task_new (self, self->cancellable, ingest_done_cb, NULL);
  g_task_set_task_data (task, t, (GDestroyNotify) ingest_task_free);
  g_task_run_in_thread (task, ingest_thread);
  _at_ingest_page_update_start (self);
}

static void
start_cb (AtIngestPage *self)
{
  at_ingest_page_start (self);
}

static void
cancel_cb (AtIngestPage *self)
{
  g_cancellable_cancel (self->cancellable);
  gtk_label_set_label (self->progress_label, _("Stopping after the current file…"));
}

/* The journal knows where the last import stopped: starting again with the
 * same cards picks up there. A pulled card must come back first. */
static void
resume_cb (AtIngestPage *self)
{
  g_autoptr(GPtrArray) sources = _at_ingest_page_active_sources (self);

  if (sources->len == 0)
    {
      gtk_label_set_label (self->progress_label,
                           _("Insert the card again to resume. Everything copied and verified so far is safe."));
      return;
    }
  at_ingest_page_start (self);
}

static void
done_cb (AtIngestPage *self)
{
  gtk_stack_set_visible_child_name (self->stack, "setup");
  _at_ingest_page_update_start (self);
}

static void
ejected_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(AtIngestPage) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok = g_mount_can_eject (G_MOUNT (object))
    ? g_mount_eject_with_operation_finish (G_MOUNT (object), result, &error)
    : g_mount_unmount_with_operation_finish (G_MOUNT (object), result, &error);

  if (!ok)
    add_problem (self, error->message);
  else
    gtk_widget_set_visible (self->eject_button, FALSE);
}

static void
eject_cb (AtIngestPage *self)
{
  for (guint i = 0; self->running_sources != NULL && i < self->running_sources->len; i++)
    {
      GMount *mount = at_ingest_source_get_mount (g_ptr_array_index (self->running_sources, i));
      if (mount == NULL)
        continue;
      if (g_mount_can_eject (mount))
        g_mount_eject_with_operation (mount, G_MOUNT_UNMOUNT_NONE, NULL, NULL, ejected_cb, g_object_ref (self));
      else
        g_mount_unmount_with_operation (mount, G_MOUNT_UNMOUNT_NONE, NULL, NULL, ejected_cb, g_object_ref (self));
    }
}

/* ---- the incoming grid ---- */

static void
landed_setup_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *item)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *picture = gtk_picture_new ();
  GtkWidget *label = gtk_label_new (NULL);

  gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
  gtk_widget_set_size_request (picture, 176, 118);
  gtk_widget_add_css_class (picture, "photo-thumbnail");
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_MIDDLE);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 20);
  gtk_widget_add_css_class (label, "caption");
  gtk_box_append (GTK_BOX (box), picture);
  gtk_box_append (GTK_BOX (box), label);
  gtk_list_item_set_child (item, box);
}

static void
landed_bind_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item)
{
  AtLandedPhoto *photo = gtk_list_item_get_item (item);
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *picture = gtk_widget_get_first_child (box);
  GtkWidget *label = gtk_widget_get_next_sibling (picture);

  gtk_picture_set_filename (GTK_PICTURE (picture), at_landed_photo_get_thumbnail (photo));
  gtk_label_set_label (GTK_LABEL (label), at_landed_photo_get_file_name (photo));
}

/* ---- object ---- */

static void
at_ingest_page_dispose (GObject *object)
{
  AtIngestPage *self = AT_INGEST_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->monitor);
  g_clear_object (&self->landed);
  g_clear_object (&self->catalog);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->running_sources, g_ptr_array_unref);
  g_clear_pointer (&self->clock_offsets, g_hash_table_unref);
  G_OBJECT_CLASS (at_ingest_page_parent_class)->dispose (object);
}

static void
at_ingest_page_finalize (GObject *object)
{
  AtIngestPage *self = AT_INGEST_PAGE (object);

  g_free (self->library);
  g_free (self->cache_dir);
  g_free (self->result);
  G_OBJECT_CLASS (at_ingest_page_parent_class)->finalize (object);
}

static void
at_ingest_page_class_init (AtIngestPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = at_ingest_page_dispose;
  object_class->finalize = at_ingest_page_finalize;
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ingest/at-ingest-page.ui");
  gtk_widget_class_bind_template_child (widget_class, AtIngestPage, stack);
  gtk_widget_class_bind_template_child (widget_class, AtIngestPage, sources_list);
  gtk_widget_class_bind_template_child (widget_class, AtIngestPage, library_row);
  gtk_widget_class_bind_template_child (widget_class, AtIngestPage, backup_row);
  gtk_widget_class_bind_template_child (widget_class, AtIngestPage, project_row);
  gtk_widget_class_bind_template_child (widget_class, AtIngestPage, template_row);
  gtk_widget_class_bind_template_child (widget_class, AtIngestPage, folder_template_row);
  gtk_widget_class_bind_template_child (widget_class, AtIngestPage, example_row);
  gtk_widget_class_bind_template_child (widget_class, AtIngestPage, start_button);
  gtk_widget_class_bind_template_child (widget_class, AtIngestPage, clocks_group);
  gtk_widget_class_bind_template_child (widget_class, AtIngestPage, clocks_list);
  gtk_widget_class_bind_template_child (widget_class, AtIngestPage, running_title);
  gtk_widget_class_bind_template_child (widget_class, AtIngestPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, AtIngestPage, progress_label);
  gtk_widget_class_bind_template_child (widget_class, AtIngestPage, landed_grid);
  gtk_widget_class_bind_template_child (widget_class, AtIngestPage, problems_scroller);
  gtk_widget_class_bind_template_child (widget_class, AtIngestPage, problems_list);
  gtk_widget_class_bind_template_child (widget_class, AtIngestPage, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, AtIngestPage, done_button);
  gtk_widget_class_bind_template_child (widget_class, AtIngestPage, eject_button);
  gtk_widget_class_bind_template_child (widget_class, AtIngestPage, resume_button);
  gtk_widget_class_bind_template_callback_full (widget_class, "add_folder_cb", G_CALLBACK (_at_ingest_page_add_folder_clicked));
  gtk_widget_class_bind_template_callback_full (widget_class, "template_changed_cb", G_CALLBACK (_at_ingest_page_template_changed));
  gtk_widget_class_bind_template_callback (widget_class, start_cb);
  gtk_widget_class_bind_template_callback (widget_class, cancel_cb);
  gtk_widget_class_bind_template_callback (widget_class, done_cb);
  gtk_widget_class_bind_template_callback (widget_class, eject_cb);
  gtk_widget_class_bind_template_callback (widget_class, resume_cb);
}

static void
at_ingest_page_init (AtIngestPage *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkNoSelection) selection = NULL;
  GtkWidget *placeholder;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->clock_offsets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->landed = g_list_store_new (AT_TYPE_LANDED_PHOTO);
  selection = gtk_no_selection_new (G_LIST_MODEL (g_object_ref (self->landed)));
  g_signal_connect (factory, "setup", G_CALLBACK (landed_setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (landed_bind_cb), NULL);
  gtk_grid_view_set_factory (self->landed_grid, factory);
  gtk_grid_view_set_model (self->landed_grid, GTK_SELECTION_MODEL (selection));

  placeholder = gtk_label_new (_("Insert a memory card, or add a folder to import from."));
  gtk_widget_add_css_class (placeholder, "dim-label");
  gtk_widget_set_margin_top (placeholder, 18);
  gtk_widget_set_margin_bottom (placeholder, 18);
  gtk_label_set_wrap (GTK_LABEL (placeholder), TRUE);
  gtk_list_box_set_placeholder (self->sources_list, placeholder);
  gtk_editable_set_text (GTK_EDITABLE (self->template_row), AT_INGEST_DEFAULT_FILE_TEMPLATE);
  gtk_editable_set_text (GTK_EDITABLE (self->folder_template_row), AT_INGEST_DEFAULT_FOLDER_TEMPLATE);
}

void
at_ingest_page_setup (AtIngestPage *self,
                      AtCatalog    *catalog,
                      GSettings    *settings,
                      const char   *library,
                      const char   *cache_dir)
{
  g_return_if_fail (AT_IS_INGEST_PAGE (self));

  g_set_object (&self->catalog, catalog);
  g_set_object (&self->settings, settings);
  g_free (self->library);
  self->library = g_strdup (library);
  g_free (self->cache_dir);
  self->cache_dir = cache_dir ? g_strdup (cache_dir) : at_preview_default_cache_dir ();
  g_clear_object (&self->monitor);
  self->monitor = at_card_monitor_new (catalog);
  _at_ingest_page_bind_sources (self);
  if (settings != NULL)
    g_signal_connect_object (settings, "changed::backup-folder", G_CALLBACK (_at_ingest_page_update_destinations), self,
                             G_CONNECT_SWAPPED);
  _at_ingest_page_update_destinations (self);
  _at_ingest_page_template_changed (self);
}

void
at_ingest_page_add_folder (AtIngestPage *self,
                           const char   *path)
{
  g_autoptr(AtIngestSource) source = NULL;

  g_return_if_fail (AT_IS_INGEST_PAGE (self));
  if (self->monitor != NULL)
    source = at_card_monitor_add_folder (self->monitor, path);
  _at_ingest_page_update_start (self);
}

gboolean
at_ingest_page_is_running (AtIngestPage *self)
{
  return self->running;
}

GListModel *
at_ingest_page_get_landed (AtIngestPage *self)
{
  return G_LIST_MODEL (self->landed);
}

guint
at_ingest_page_get_n_sources (AtIngestPage *self)
{
  return self->monitor ? g_list_model_get_n_items (G_LIST_MODEL (self->monitor)) : 0;
}

const char *
at_ingest_page_get_result (AtIngestPage *self)
{
  return self->result;
}
