/* at-transfers-button.c — AtTransfersButton: the header's Uploads button
 * and its popover. It owns the workstation's upload queue, made from the
 * storage settings (endpoint, bucket, region, access key; each falls back
 * to its AWS_* variable) and the secret key from the keyring; the queue
 * resumes what a pause or a crash left as soon as it exists. The popover
 * shows the totals (files, megabytes, speed, time left), a row per file
 * under way, Pause / Resume, and a project to back up. */
#define G_LOG_DOMAIN "atelier"

#include "config.h"

#include <glib/gi18n.h>

#include "at-application.h"
#include "at-choice-list.h"
#include "at-credentials.h"
#include "at-transfers-button.h"

struct _AtTransfersButton
{
  AdwBin          parent_instance;
  GtkMenuButton  *button;
  GtkPopover     *popover;
  GtkLabel       *status_label;
  GtkProgressBar *total_bar;
  GtkListBox     *list;
  GtkDropDown    *project_drop;
  GtkButton      *backup_button;
  GtkButton      *pause_button;
  GtkCheckButton *keep_check;
  GtkButton      *retry_button;

  AtCatalog      *catalog;
  GSettings      *settings;
  char           *library;
  GCancellable   *lookup;
  AtUploadQueue  *queue;
  GPtrArray      *project_ids;
  char           *problem;
  gboolean        updating;    /* the check set from the catalog, not by a person */
};

G_DEFINE_FINAL_TYPE (AtTransfersButton, at_transfers_button, ADW_TYPE_BIN)

/* The first wait after the link or the server stopped the queue (then
 * longer, up to 20 times that) */
#define RETRY_SECONDS 15

static char *
setting_or_env (GSettings *settings, const char *key, const char *env)
{
  g_autofree char *value = g_settings_get_string (settings, key);

  return *value ? g_steal_pointer (&value) : g_strdup (g_getenv (env));
}

/* "3 of 12 files · 45 of 120 MB · 12.3 MB/s · about 2 min left" */
static char *
describe (AtUploadProgress *p)
{
  GString *s = g_string_new (NULL);

  g_string_append_printf (s, g_dngettext (GETTEXT_PACKAGE, "%u of %u file", "%u of %u files", p->files_total), p->files_done,
                          p->files_total);
  g_string_append_printf (s, _(" · %.0f of %.0f MB"), p->bytes_done / 1e6, p->bytes_total / 1e6);
  if (p->bytes_per_second > 0)
    g_string_append_printf (s, _(" · %.1f MB/s"), p->bytes_per_second / 1e6);
  if (p->seconds_left >= 60)
    g_string_append_printf (s, _(" · about %.0f min left"), p->seconds_left / 60);
  else if (p->seconds_left >= 0)
    g_string_append_printf (s, _(" · %.0f s left"), p->seconds_left);
  if (p->files_failed > 0)
    g_string_append_printf (s, g_dngettext (GETTEXT_PACKAGE, " · %u failed", " · %u failed", p->files_failed),
                            p->files_failed);
  return g_string_free (s, FALSE);
}

/* Paused by a person (and so across restarts, see remember_pause). */
static gboolean
is_paused (AtTransfersButton *self)
{
  return self->queue != NULL && at_upload_queue_is_held (self->queue);
}

static void
remember_pause (AtTransfersButton *self)
{
  if (self->queue != NULL)
    g_settings_set_boolean (self->settings, "uploads-paused", at_upload_queue_is_held (self->queue));
}

static void
update (AtTransfersButton *self)
{
  AtUploadProgress p = { 0 };
  gboolean running = self->queue != NULL && at_upload_queue_is_running (self->queue);
  gboolean paused = is_paused (self);
  gboolean checking = self->queue != NULL && !paused && at_upload_queue_is_checking (self->queue);
  const char *waiting = self->queue != NULL && !paused ? at_upload_queue_get_waiting (self->queue, NULL) : NULL;
  g_autofree char *text = NULL;

  if (self->queue != NULL)
    at_upload_queue_get_progress (self->queue, &p);
  if (self->queue == NULL)
    text = g_strdup (self->problem ? self->problem
                                   : _("Set the studio’s storage in Preferences (or AWS_* variables) to back up originals."));
  else if (running)
    text = describe (&p);
  else if (checking)
    text = g_strdup (_("Looking in the bucket for the files backed up before…"));
  else if (waiting != NULL && p.files_done == p.files_total)
    /* every file went; something else waits (the bucket's check) */
    text = g_strdup_printf (_("%s\nAtelier tries again by itself, and as soon as the network is back."), waiting);
  else if (waiting != NULL)
    /* not a failure: the files wait, and the queue tries again by itself */
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "%s\nNothing failed: %u of %u file is sent, the rest waits. Atelier tries "
                                         "again by itself, and as soon as the network is back.",
                                         "%s\nNothing failed: %u of %u files are sent, the rest wait. Atelier tries "
                                         "again by itself, and as soon as the network is back.", p.files_total),
                            waiting, p.files_done, p.files_total);
  else if (paused)
    text = g_strdup_printf (_("Paused · %u of %u files sent. Resume to send the rest: what the server has already is not sent again."),
                            p.files_done, p.files_total);
  else if (p.files_failed > 0)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u file could not be sent. %s", "%u files could not be sent. %s",
                                         p.files_failed), p.files_failed,
                            at_upload_queue_get_last_error (self->queue) ? at_upload_queue_get_last_error (self->queue) : "");
  else if (p.files_total > 0)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "The file is in the bucket.", "All %u files are in the bucket.",
                                         p.files_total), p.files_total);
  else
    text = g_strdup (_("Nothing is waiting. Choose a project to back up its originals."));
  gtk_label_set_label (self->status_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->total_bar), running);
  gtk_progress_bar_set_fraction (self->total_bar, p.bytes_total > 0 ? (double) p.bytes_done / p.bytes_total : 0);
  gtk_widget_set_visible (GTK_WIDGET (self->list), running);
  gtk_widget_set_visible (GTK_WIDGET (self->pause_button), running || paused || checking || waiting != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->retry_button), !running && !paused && (p.files_failed > 0 || waiting != NULL));
  gtk_button_set_label (self->retry_button, waiting != NULL ? _("_Try Now") : _("_Try the Failed Files Again"));
  gtk_button_set_label (self->pause_button, paused ? _("_Resume") : _("_Pause"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->backup_button), self->queue != NULL && self->project_ids->len > 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->project_drop), self->project_ids->len > 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->keep_check), self->queue != NULL && self->project_ids->len > 0);
  gtk_menu_button_set_icon_name (self->button,
                                 running || checking ? "emblem-synchronizing-symbolic" : "document-send-symbolic");
}

static void
sent_cb (AtTransfer *t, GParamSpec *pspec, GtkProgressBar *bar)
{
  gtk_progress_bar_set_fraction (bar, at_transfer_get_size (t) > 0
                                      ? MIN (1.0, (double) at_transfer_get_sent (t) / at_transfer_get_size (t)) : 0);
}

/* A file under way: its name, its own bar. */
static GtkWidget *
make_row (gpointer item, gpointer data)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *name = gtk_label_new (at_transfer_get_name (item));
  GtkWidget *bar = gtk_progress_bar_new ();

  /* (nothing to do with a row: the keyboard does not stop on it) */
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_set_focusable (row, FALSE);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (bar), GTK_ACCESSIBLE_RELATION_LABELLED_BY, name, NULL, -1);

  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 8);
  gtk_widget_set_margin_start (box, 10);
  gtk_widget_set_margin_end (box, 10);
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_MIDDLE);
  gtk_box_append (GTK_BOX (box), name);
  gtk_box_append (GTK_BOX (box), bar);
  sent_cb (item, NULL, GTK_PROGRESS_BAR (bar));
  g_signal_connect_object (item, "notify::sent", G_CALLBACK (sent_cb), bar, 0);
  g_signal_connect_object (item, "notify::size", G_CALLBACK (sent_cb), bar, 0);
  return row;
}

static void project_selected_cb (AtTransfersButton *self);

/* The projects, again each time the popover opens (one made or synced
 * since shows up), the chosen one kept. */
static void
load_projects (AtTransfersButton *self)
{
  guint i = gtk_drop_down_get_selected (self->project_drop);
  g_autofree char *chosen = i < self->project_ids->len ? g_strdup (self->project_ids->pdata[i]) : NULL;

  at_choice_list_fill_projects (self->project_drop, self->project_ids, self->catalog);
  for (i = 0; chosen != NULL && i < self->project_ids->len; i++)
    if (g_str_equal (self->project_ids->pdata[i], chosen))
      gtk_drop_down_set_selected (self->project_drop, i);
  project_selected_cb (self);
}

static void
popover_shown_cb (AtTransfersButton *self)
{
  if (self->catalog != NULL)
    load_projects (self);
  update (self);
}

/* The check shows the chosen project's switch. */
static void
project_selected_cb (AtTransfersButton *self)
{
  guint i = gtk_drop_down_get_selected (self->project_drop);

  self->updating = TRUE;
  gtk_check_button_set_active (self->keep_check, self->queue != NULL && i < self->project_ids->len &&
                                                 at_upload_queue_get_project_backup (self->queue, self->project_ids->pdata[i]));
  self->updating = FALSE;
}

/* The end of a change to the queue made on the catalog's writer thread
 * (the window does not wait for it behind an ingest's or a sync's writes).
 * @ok FALSE: @error says why. */
static void
queue_changed (AtTransfersButton *self, gboolean ok, const GError *error)
{
  remember_pause (self);
  update (self);
  /* (after the status: it would say over it) */
  if (!ok)
    gtk_label_set_label (self->status_label, error->message);
}

static void
switched_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(AtTransfersButton) self = data;
  g_autoptr(GError) error = NULL;
  gboolean ok = at_upload_queue_set_project_backup_finish (AT_UPLOAD_QUEUE (source), result, NULL, &error);

  queue_changed (self, ok, error);
}

static void
keep_toggled_cb (AtTransfersButton *self)
{
  guint i = gtk_drop_down_get_selected (self->project_drop);

  if (self->updating || self->queue == NULL || i >= self->project_ids->len)
    return;
  at_upload_queue_set_project_backup_async (self->queue, self->project_ids->pdata[i],
                                            gtk_check_button_get_active (self->keep_check), NULL, switched_cb,
                                            g_object_ref (self));
}

static void
secret_cb (GObject *object, GAsyncResult *result, gpointer data)
{
  g_autoptr(AtTransfersButton) self = data;
  gboolean cancelled;
  g_autofree char *secret = at_credentials_lookup_finish (result, &cancelled);
  g_autofree char *endpoint = NULL, *bucket = NULL, *region = NULL, *access = NULL;
  g_autoptr(AtS3Client) client = NULL;
  g_autoptr(GError) error = NULL;

  /* (a lookup cancelled when a setting changed again, or the button went:
   * a newer one answers, or none) */
  if (cancelled)
    return;
  endpoint = setting_or_env (self->settings, "storage-endpoint", "AWS_ENDPOINT_URL");
  bucket = setting_or_env (self->settings, "storage-bucket", "ATELIER_S3_BUCKET");
  region = setting_or_env (self->settings, "storage-region", "AWS_REGION");
  access = setting_or_env (self->settings, "storage-access-key", "AWS_ACCESS_KEY_ID");
  if ((client = at_s3_client_new (endpoint, region, bucket, access, secret, &error)) == NULL)
    {
      /* nothing set is a choice, not a problem */
      g_free (self->problem);
      self->problem = endpoint != NULL && *endpoint ? g_strdup (error->message) : NULL;
      update (self);
      return;
    }
  at_s3_client_set_upload_limit (client, at_rate_limit_bytes_from_mbit (g_settings_get_double (self->settings,
                                                                                               "upload-limit")));
  self->queue = at_upload_queue_new (self->catalog, client, self->library);
  at_upload_queue_set_concurrency (self->queue, (guint) g_settings_get_int (self->settings, "upload-files"));
  /* the link down, the server or the setup wrong: tried again by itself */
  at_upload_queue_set_retry (self->queue, RETRY_SECONDS);
  g_signal_connect_object (self->queue, "changed", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->queue, "drained", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  gtk_list_box_bind_model (self->list, at_upload_queue_get_transfers (self->queue), make_row, NULL, NULL);
  /* what a crash left goes on, unless a person paused it (before the
   * restart too); switched-on projects are watched */
  if (g_settings_get_boolean (self->settings, "uploads-paused"))
    at_upload_queue_pause (self->queue);
  else
    at_upload_queue_start (self->queue);
  at_upload_queue_watch (self->queue);
  project_selected_cb (self);
  update (self);
}

/* What the storage's secret key is saved for in the keyring. */
static char *
storage_key (AtTransfersButton *self)
{
  g_autofree char *endpoint = setting_or_env (self->settings, "storage-endpoint", "AWS_ENDPOINT_URL");
  g_autofree char *access = setting_or_env (self->settings, "storage-access-key", "AWS_ACCESS_KEY_ID");

  return g_strdup_printf ("%s %s", endpoint ? endpoint : "", access ? access : "");
}

/* (Again) the queue from the settings: what runs pauses, its parts kept. */
static void
configure (AtTransfersButton *self)
{
  g_autofree char *key = storage_key (self);

  g_cancellable_cancel (self->lookup);
  g_clear_object (&self->lookup);
  if (self->queue != NULL)
    {
      at_upload_queue_pause (self->queue);
      g_signal_handlers_disconnect_by_data (self->queue, self);
      gtk_list_box_bind_model (self->list, NULL, NULL, NULL, NULL);
      g_clear_object (&self->queue);
    }
  g_clear_pointer (&self->problem, g_free);
  self->lookup = g_cancellable_new ();
  at_credentials_lookup_async (AT_CREDENTIAL_STORAGE, key, self->lookup, secret_cb, g_object_ref (self));
  update (self);
}

static void
setting_changed_cb (AtTransfersButton *self, const char *key)
{
  /* a new limit holds from the next read of what is under way */
  if (g_str_equal (key, "upload-limit") && self->queue != NULL)
    at_s3_client_set_upload_limit (at_upload_queue_get_client (self->queue),
                                   at_rate_limit_bytes_from_mbit (g_settings_get_double (self->settings, key)));
  if (g_str_equal (key, "upload-files") && self->queue != NULL)
    at_upload_queue_set_concurrency (self->queue, (guint) g_settings_get_int (self->settings, key));
  if (g_str_has_prefix (key, "storage-") || g_str_equal (key, "library-folder"))
    {
      if (g_str_equal (key, "library-folder"))
        {
          /* (empty means the default folder, which the application knows) */
          g_free (self->library);
          self->library = at_application_dup_library_folder (AT_APPLICATION (g_application_get_default ()));
        }
      configure (self);
    }
}

/* A secret key saved for the storage set: the queue made again with it. */
static void
credentials_stored_cb (AtTransfersButton *self, int kind, const char *key)
{
  g_autofree char *now = storage_key (self);

  if (kind == AT_CREDENTIAL_STORAGE && g_str_equal (key, now))
    configure (self);
}

void
at_transfers_button_setup (AtTransfersButton *self,
                           AtCatalog         *catalog,
                           GSettings         *settings,
                           const char        *library)
{
  g_return_if_fail (AT_IS_TRANSFERS_BUTTON (self));
  g_set_object (&self->catalog, catalog);
  g_set_object (&self->settings, settings);
  g_free (self->library);
  self->library = g_strdup (library);
  load_projects (self);
  g_signal_connect_object (settings, "changed", G_CALLBACK (setting_changed_cb), self, G_CONNECT_SWAPPED);
  if (AT_IS_APPLICATION (g_application_get_default ()))
    g_signal_connect_object (g_application_get_default (), "credentials-stored", G_CALLBACK (credentials_stored_cb), self,
                             G_CONNECT_SWAPPED);
  configure (self);
}

AtUploadQueue *
at_transfers_button_get_queue (AtTransfersButton *self)
{
  g_return_val_if_fail (AT_IS_TRANSFERS_BUTTON (self), NULL);
  return self->queue;
}

static void
added_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(AtTransfersButton) self = data;
  g_autoptr(GError) error = NULL;
  gboolean ok = at_upload_queue_add_project_finish (AT_UPLOAD_QUEUE (source), result, NULL, &error);

  /* (not a queue given up meanwhile, the storage set anew) */
  if (ok && AT_UPLOAD_QUEUE (source) == self->queue)
    at_upload_queue_start (self->queue);
  queue_changed (self, ok, error);
}

void
at_transfers_button_back_up (AtTransfersButton *self,
                             const char        *project)
{
  g_return_if_fail (AT_IS_TRANSFERS_BUTTON (self));
  if (self->queue == NULL)
    {
      gtk_label_set_label (self->status_label, _("The studio’s storage is not set"));
      return;
    }
  at_upload_queue_add_project_async (self->queue, project, NULL, added_cb, g_object_ref (self));
}

static void
backup_clicked_cb (AtTransfersButton *self)
{
  guint i = gtk_drop_down_get_selected (self->project_drop);

  if (i < self->project_ids->len)
    at_transfers_button_back_up (self, self->project_ids->pdata[i]);
}

static void
retried_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(AtTransfersButton) self = data;
  g_autoptr(GError) error = NULL;
  gboolean ok = at_upload_queue_retry_failed_finish (AT_UPLOAD_QUEUE (source), result, &error);

  queue_changed (self, ok, error);
}

/* "Try Now" while the queue waits on the link; else the failed files go again. */
static void
retry_clicked_cb (AtTransfersButton *self)
{
  if (self->queue == NULL)
    return;
  if (at_upload_queue_get_waiting (self->queue, NULL) != NULL)
    {
      at_upload_queue_start (self->queue);
      queue_changed (self, TRUE, NULL);
    }
  else
    at_upload_queue_retry_failed_async (self->queue, NULL, retried_cb, g_object_ref (self));
}

static void
pause_clicked_cb (AtTransfersButton *self)
{
  if (self->queue == NULL)
    return;
  if (is_paused (self))
    at_upload_queue_start (self->queue);
  else
    at_upload_queue_pause (self->queue);
  remember_pause (self);
  update (self);
}

static void
at_transfers_button_dispose (GObject *object)
{
  AtTransfersButton *self = AT_TRANSFERS_BUTTON (object);

  g_cancellable_cancel (self->lookup);
  g_clear_object (&self->lookup);
  if (self->queue != NULL)
    {
      /* files under way pause (their parts kept); their ends no longer reach this */
      g_signal_handlers_disconnect_by_data (self->queue, self);
      at_upload_queue_pause (self->queue);
    }
  g_clear_object (&self->queue);
  g_clear_object (&self->catalog);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (at_transfers_button_parent_class)->dispose (object);
}

static void
at_transfers_button_finalize (GObject *object)
{
  AtTransfersButton *self = AT_TRANSFERS_BUTTON (object);

  g_free (self->library);
  g_free (self->problem);
  g_ptr_array_unref (self->project_ids);
  G_OBJECT_CLASS (at_transfers_button_parent_class)->finalize (object);
}

static void
at_transfers_button_class_init (AtTransfersButtonClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = at_transfers_button_dispose;
  object_class->finalize = at_transfers_button_finalize;
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/storage/at-transfers-button.ui");
  gtk_widget_class_bind_template_child (widget_class, AtTransfersButton, button);
  gtk_widget_class_bind_template_child (widget_class, AtTransfersButton, popover);
  gtk_widget_class_bind_template_child (widget_class, AtTransfersButton, status_label);
  gtk_widget_class_bind_template_child (widget_class, AtTransfersButton, total_bar);
  gtk_widget_class_bind_template_child (widget_class, AtTransfersButton, list);
  gtk_widget_class_bind_template_child (widget_class, AtTransfersButton, project_drop);
  gtk_widget_class_bind_template_child (widget_class, AtTransfersButton, backup_button);
  gtk_widget_class_bind_template_child (widget_class, AtTransfersButton, pause_button);
  gtk_widget_class_bind_template_child (widget_class, AtTransfersButton, keep_check);
  gtk_widget_class_bind_template_child (widget_class, AtTransfersButton, retry_button);
  gtk_widget_class_bind_template_callback (widget_class, retry_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, project_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, keep_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, backup_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, pause_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, popover_shown_cb);
}

static void
at_transfers_button_init (AtTransfersButton *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->project_ids = g_ptr_array_new_with_free_func (g_free);
}
