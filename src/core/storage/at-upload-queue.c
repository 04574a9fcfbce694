/* at-upload-queue.c — AtUploadQueue (see at-upload-queue.h).
 *
 * The queue is the uploads table (what goes in it: see
 * at-upload-queue-projects.c). It takes the oldest rows queued, under way
 * or paused, a few at a time, each an AtS3Upload that pauses instead of
 * aborting, and reads the next when one ends. Progress is summed here:
 * bytes, files, a speed over the last seconds and the time left at that
 * speed. The link, the server or the setup stopping a file stops the run
 * instead of failing its files, and it is tried again later
 * (at-upload-queue-retry.c).
 */
#define G_LOG_DOMAIN "atelier-storage"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "at-s3-upload.h"
#include "at-transfer.h"
#include "at-upload-queue-private.h"


G_DEFINE_FINAL_TYPE (AtUploadQueue, at_upload_queue, G_TYPE_OBJECT)

/* A file that changed under its upload goes again at once this many times
 * in a run. */
#define CHANGES_MAX 3

enum { CHANGED, DRAINED, N_SIGNALS };
static guint signals[N_SIGNALS];

typedef struct _Job
{
  AtUploadQueue *self;        /* held once the job runs */
  char          *id;
  AtS3Upload    *upload;
  AtTransfer    *transfer;
  gint64         counted;     /* bytes of it counted in progress.bytes_done */
  gboolean       reported;    /* its first progress came */
} Job;

static void
job_free (gpointer data)
{
  Job *j = data;

  if (j->self != NULL)
    g_object_unref (j->self);
  g_free (j->id);
  g_clear_object (&j->upload);
  g_clear_object (&j->transfer);
  g_free (j);
}

AtUploadQueue *
at_upload_queue_new (AtCatalog  *catalog,
                     AtS3Client *client,
                     const char *library)
{
  AtUploadQueue *self = g_object_new (AT_TYPE_UPLOAD_QUEUE, NULL);

  self->catalog = g_object_ref (catalog);
  self->client = g_object_ref (client);
  /* as AtS3Upload will name its file (GFile's path), so that it finds its row */
  self->library = g_canonicalize_filename (library, NULL);
  self->root = g_str_has_suffix (self->library, "/") ? g_strdup (self->library) : g_strconcat (self->library, "/", NULL);
  return self;
}

static void fill (AtUploadQueue *self);

void
at_upload_queue_set_concurrency (AtUploadQueue *self,
                                 guint          files)
{
  self->concurrency = CLAMP (files, 1, 8);
  /* more at once from now on (fewer: as files end) */
  fill (self);
}

guint
at_upload_queue_get_concurrency (AtUploadQueue *self)
{
  return self->concurrency;
}

gboolean
at_upload_queue_is_running (AtUploadQueue *self)
{
  return self->running;
}

gboolean
at_upload_queue_is_checking (AtUploadQueue *self)
{
  return self->auditing != NULL;
}

gboolean
at_upload_queue_is_held (AtUploadQueue *self)
{
  return self->held;
}

AtS3Client *
at_upload_queue_get_client (AtUploadQueue *self)
{
  g_return_val_if_fail (AT_IS_UPLOAD_QUEUE (self), NULL);
  return self->client;
}

GListModel *
at_upload_queue_get_transfers (AtUploadQueue *self)
{
  return G_LIST_MODEL (self->transfers);
}

void
at_upload_queue_get_progress (AtUploadQueue    *self,
                              AtUploadProgress *progress)
{
  *progress = self->progress;
}

/* ---- running ---- */

static void
job_progress (goffset done, goffset total, gpointer data)
{
  Job *j = data;
  AtUploadQueue *self = j->self;
  gint64 now = g_get_monotonic_time ();

  /* (what the server had already of a resumed file is in the totals, not
   * in the speed) */
  if (!j->reported)
    {
      self->rate_bytes += MIN (done, at_s3_upload_get_resumed_bytes (j->upload)) - j->counted;
      j->reported = TRUE;
    }
  /* the file as it is, not as the catalog last saw it */
  if (total != at_transfer_get_size (j->transfer))
    {
      self->progress.bytes_total += total - at_transfer_get_size (j->transfer);
      at_transfer_set_size (j->transfer, total);
    }
  self->progress.bytes_done += done - j->counted;
  j->counted = done;
  /* libsoup reports every 8 KiB: the rows and the totals are told ten
   * times a second, and at a file's end */
  if (now - self->told_at < G_USEC_PER_SEC / 10 && done < total)
    return;
  self->told_at = now;
  at_transfer_set_sent (j->transfer, done);
  if (now - self->rate_at >= G_USEC_PER_SEC)
    {
      double rate = (self->progress.bytes_done - self->rate_bytes) * (double) G_USEC_PER_SEC / (now - self->rate_at);

      /* smoothed, so the time left does not jump with every part */
      self->progress.bytes_per_second = self->progress.bytes_per_second > 0
                                        ? 0.7 * self->progress.bytes_per_second + 0.3 * rate : rate;
      self->rate_at = now;
      self->rate_bytes = self->progress.bytes_done;
    }
  self->progress.seconds_left = self->progress.bytes_per_second > 0
                                ? MAX (0, self->progress.bytes_total - self->progress.bytes_done) /
                                  self->progress.bytes_per_second
                                : -1;
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
remove_transfer (AtUploadQueue *self, AtTransfer *transfer)
{
  guint position;

  if (g_list_store_find (self->transfers, transfer, &position))
    g_list_store_remove (self->transfers, position);
}

static gboolean
write_to_back (AtSqlConn *conn, gpointer id, GError **error)
{
  return at_sql_exec_bound (conn, error, "UPDATE uploads SET created_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?1",
                            "t", (const char *) id);
}

/* (on the writer's thread, after what was queued before: the next run's
 * start, which reads the line, comes after it) */
static void
sent_to_back (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GError) error = NULL;

  if (!at_catalog_write_finish (AT_CATALOG (source), result, &error))
    g_warning ("upload queue: %s", error->message);
}

static void
job_done (GObject *source, GAsyncResult *result, gpointer data)
{
  Job *j = data;
  /* (the job's own hold on the queue goes with it below) */
  g_autoptr(AtUploadQueue) self = g_object_ref (j->self);
  g_autoptr(GError) error = NULL;
  gboolean again = FALSE;

  if (at_s3_upload_run_finish (AT_S3_UPLOAD (source), result, &error))
    {
      self->retry_seconds = 0;
      self->progress.files_done++;
      self->progress.bytes_total += at_s3_upload_get_size (j->upload) - at_transfer_get_size (j->transfer);
      self->progress.bytes_done += at_s3_upload_get_size (j->upload) - j->counted;
      /* (a file found on the server, nothing sent: in the totals, not the speed) */
      if (!j->reported)
        self->rate_bytes += at_s3_upload_get_resumed_bytes (j->upload) - j->counted;
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("%s: paused", at_transfer_get_name (j->transfer));
  else if (g_error_matches (error, AT_S3_ERROR, AT_S3_ERROR_CHANGED) &&
           (again = GPOINTER_TO_UINT (g_hash_table_lookup (self->changes, j->id)) < CHANGES_MAX))
    {
      /* saved while it went (its record says queued): it goes again now,
       * and its bytes count again; a file that never stops changing is
       * left for the next run */
      g_debug ("%s: %s", at_transfer_get_name (j->transfer), error->message);
      g_hash_table_insert (self->changes, g_strdup (j->id),
                           GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (self->changes, j->id)) + 1));
      self->progress.bytes_done -= j->counted;
    }
  else if (at_s3_error_stops_all (error))
    {
      /* the link, the server or the setup: every file would fail alike.
       * This one waits (paused, its parts kept), the others pause, and the
       * queue tries again later */
      g_debug ("%s: %s", at_transfer_get_name (j->transfer), error->message);
      if (self->waiting == NULL)
        self->waiting = g_strdup (error->message);
      self->progress.bytes_done -= j->counted;
      /* to the back of the line: a refusal of this file alone (a policy on
       * its key, say) does not stop the others at every try */
      at_catalog_write_async (self->catalog, "uploads", write_to_back, g_strdup (j->id), g_free, NULL, sent_to_back, NULL);
      g_cancellable_cancel (self->pause);
      g_clear_pointer (&self->ahead, job_free);
    }
  else
    {
      g_debug ("%s: %s", at_transfer_get_name (j->transfer), error->message);
      g_free (self->last_error);
      /* (most messages name the file already: not twice) */
      self->last_error = strstr (error->message, at_transfer_get_name (j->transfer)) != NULL
                           ? g_strdup (error->message)
                           : g_strdup_printf ("%s: %s", at_transfer_get_name (j->transfer), error->message);
      self->progress.files_failed++;
      /* what it did not send is not to come */
      self->progress.bytes_total -= at_transfer_get_size (j->transfer) - j->counted;
    }
  remove_transfer (self, j->transfer);
  if (!again)
    g_hash_table_add (self->ended, g_strdup (j->id));
  g_hash_table_remove (self->busy, j->id);
  g_signal_emit (self, signals[CHANGED], 0);
  fill (self);
}

/* The next job not under way, or NULL. */
static Job *
next_job (AtUploadQueue *self)
{
  g_autoptr(GError) error = NULL;
  AtSqlConn *conn = at_catalog_get_reader (self->catalog, &error);
  sqlite3_stmt *stmt = conn ? at_sql_conn_prepare (conn, "SELECT id, local_path, object_key, size_bytes FROM uploads "
                                                         "WHERE bucket = ?1 AND status IN ('queued', 'uploading', 'paused') "
                                                         "ORDER BY status = 'uploading' DESC, created_at, rowid", &error)
                            : NULL;
  Job *j = NULL;

  if (stmt == NULL)
    {
      g_warning ("upload queue: %s", error->message);
      return NULL;
    }
  at_sql_bind_text (stmt, 1, at_s3_client_get_bucket (self->client));
  while (j == NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *id = (const char *) sqlite3_column_text (stmt, 0);
      g_autoptr(GFile) file = NULL;
      g_autofree char *name = NULL;

      if (g_hash_table_contains (self->busy, id) || g_hash_table_contains (self->ended, id) ||
          (self->ahead != NULL && g_str_equal (self->ahead->id, id)))
        continue;
      file = g_file_new_for_path ((const char *) sqlite3_column_text (stmt, 1));
      name = g_file_get_basename (file);
      j = g_new0 (Job, 1);
      j->id = g_strdup (id);
      j->upload = at_s3_upload_new (self->client, self->catalog, file, (const char *) sqlite3_column_text (stmt, 2));
      j->transfer = at_transfer_new (name, sqlite3_column_int64 (stmt, 3));
    }
  at_sql_stmt_release (stmt);
  return j;
}

static void
fill (AtUploadQueue *self)
{
  Job *j;

  /* (nor while a run's start queues again what a pause left: a run with
   * nothing queued yet would end there) */
  if (!self->running || self->unpausing)
    return;
  while (!g_cancellable_is_cancelled (self->pause) && g_hash_table_size (self->busy) < self->concurrency &&
         ((j = g_steal_pointer (&self->ahead)) != NULL || (j = next_job (self)) != NULL))
    {
      g_debug ("%s: starts", at_transfer_get_name (j->transfer));
      /* a job keeps the queue: closing the window while files are under way
       * pauses them, and their ends still find it */
      j->self = g_object_ref (self);
      g_hash_table_insert (self->busy, j->id, j);
      g_list_store_append (self->transfers, j->transfer);
      at_s3_upload_set_keep_on_cancel (j->upload, TRUE);
      at_s3_upload_set_progress (j->upload, job_progress, j);
      at_s3_upload_run (j->upload, self->pause, job_done, j);
    }
  /* the next file is read (and hashed) while these go, so it leaves the
   * moment one of them is done */
  if (self->ahead == NULL && !g_cancellable_is_cancelled (self->pause) && g_hash_table_size (self->busy) > 0 &&
      (self->ahead = next_job (self)) != NULL)
    at_s3_upload_read_ahead (self->ahead->upload);
  if (g_hash_table_size (self->busy) == 0)
    {
      self->running = FALSE;
      /* the files went, but the bucket was not checked: to be tried again */
      if (self->waiting == NULL && self->unchecked != NULL && !self->audited)
        self->waiting = g_strdup (self->unchecked);
      if (self->restart)
        {
          /* resumed before the pause had ended: the run begins anew */
          self->restart = FALSE;
          at_upload_queue_start (self);
          return;
        }
      if (self->waiting != NULL && self->retry_first > 0 && !self->held)
        _at_upload_queue_try_later (self);
      g_signal_emit (self, signals[DRAINED], 0);
    }
}

static gboolean
write_unpause (AtSqlConn *conn, gpointer data, GError **error)
{
  return at_sql_exec_bound (conn, error, "UPDATE uploads SET status = 'queued' WHERE status = 'paused' AND bucket = ?1", "t",
                            (const char *) data);
}

/* Adds to the totals the rows this run has not counted: all of them when it
 * starts, and then the files queued while it goes. (Files that failed
 * before stay counted, as failed, until they are retried.) */
static void
count_new (AtUploadQueue *self)
{
  g_autoptr(GError) error = NULL;
  AtSqlConn *conn = at_catalog_get_reader (self->catalog, &error);
  sqlite3_stmt *stmt = conn ? at_sql_conn_prepare (conn, "SELECT id, size_bytes, status = 'failed' FROM uploads "
                                                         "WHERE bucket = ?1 AND status IN ('queued', 'uploading', "
                                                         "'paused', 'failed')", &error)
                            : NULL;

  if (stmt == NULL)
    {
      g_warning ("upload queue: %s", error->message);
      return;
    }
  at_sql_bind_text (stmt, 1, at_s3_client_get_bucket (self->client));
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *id = (const char *) sqlite3_column_text (stmt, 0);

      if (!g_hash_table_add (self->counted, g_strdup (id)))
        continue;
      if (sqlite3_column_int (stmt, 2))
        self->progress.files_failed++;
      else
        {
          self->progress.files_total++;
          self->progress.bytes_total += sqlite3_column_int64 (stmt, 1);
        }
    }
  at_sql_stmt_release (stmt);
}

static void begin_run (AtUploadQueue *self);

void
at_upload_queue_start (AtUploadQueue *self)
{
  g_debug ("queue starts (%s)", self->running ? "running already" : "from rest");
  self->held = FALSE;
  g_clear_handle_id (&self->retry_id, g_source_remove);
  if (self->running)
    {
      /* a pause still ending: the files it stops start again once it has */
      if (g_cancellable_is_cancelled (self->pause))
        self->restart = TRUE;
      else
        {
          count_new (self);
          g_signal_emit (self, signals[CHANGED], 0);
          fill (self);
        }
      return;
    }
  /* a queue's first run begins with a look at what the bucket holds */
  if (!self->audited)
    {
      if (self->auditing == NULL)
        {
          self->auditing = g_cancellable_new ();
          g_signal_emit (self, signals[CHANGED], 0);
          _at_upload_queue_audit (self);
        }
      return;
    }
  begin_run (self);
}

void
_at_upload_queue_audited (AtUploadQueue *self,
                          const GError  *error)
{
  gboolean cancelled = g_cancellable_is_cancelled (self->auditing);

  g_clear_object (&self->auditing);
  /* (one that could not list is tried again at the next start, one a pause
   * stopped when resumed; offline, the run waits and tries again) */
  self->audited = error == NULL;
  if (self->held)
    {
      /* paused before it ran: said as a run's end is (the CLI waits for it) */
      g_signal_emit (self, signals[CHANGED], 0);
      g_signal_emit (self, signals[DRAINED], 0);
    }
  else if (cancelled)
    at_upload_queue_start (self);
  else
    {
      /* the files go all the same; a listing refused as a file's upload
       * would be (offline, no bucket...) is said at the run's end and tried
       * again. (Keys that may upload but not list are refused without end:
       * nothing said.) */
      g_clear_pointer (&self->unchecked, g_free);
      if (error != NULL && at_s3_error_stops_all (error) && !g_error_matches (error, AT_S3_ERROR, AT_S3_ERROR_AUTH))
        self->unchecked = g_strdup_printf (_("The bucket could not be checked for what was backed up before: %s"),
                                           error->message);
      begin_run (self);
    }
}

static void
unpaused (GObject *source, GAsyncResult *result, gpointer data)
{
  AtUploadQueue *self = data;
  g_autoptr(GError) error = NULL;

  if (!at_catalog_write_finish (AT_CATALOG (source), result, &error))
    g_warning ("upload queue: %s", error->message);
  self->unpausing = FALSE;
  fill (self);
  g_object_unref (self);
}

/* A run from rest. What a pause left goes again, queued on the catalog's
 * writer thread (the window does not wait for it behind an ingest's or a
 * sync's writes); the files are taken once that is done. */
static void
begin_run (AtUploadQueue *self)
{
  self->unpausing = TRUE;
  at_catalog_write_async (self->catalog, "uploads", write_unpause, (gpointer) at_s3_client_get_bucket (self->client),
                          NULL, NULL, unpaused, g_object_ref (self));
  g_clear_object (&self->pause);
  self->pause = g_cancellable_new ();
  g_hash_table_remove_all (self->ended);
  g_hash_table_remove_all (self->changes);
  g_hash_table_remove_all (self->counted);
  g_clear_pointer (&self->waiting, g_free);
  memset (&self->progress, 0, sizeof self->progress);
  self->progress.seconds_left = -1;
  count_new (self);
  self->rate_at = g_get_monotonic_time ();
  self->rate_bytes = 0;
  self->running = TRUE;
  g_signal_emit (self, signals[CHANGED], 0);
}

const char *
at_upload_queue_get_last_error (AtUploadQueue *self)
{
  return self->last_error;
}

void
at_upload_queue_pause (AtUploadQueue *self)
{
  self->held = TRUE;
  self->restart = FALSE;
  g_clear_handle_id (&self->retry_id, g_source_remove);
  /* paused before it ran (a pause kept across a restart): what waits is
   * counted, so that it can be said */
  if (!self->running)
    {
      g_hash_table_remove_all (self->counted);
      memset (&self->progress, 0, sizeof self->progress);
      self->progress.seconds_left = -1;
      count_new (self);
    }
  if (self->pause != NULL)
    g_cancellable_cancel (self->pause);
  if (self->auditing != NULL)
    g_cancellable_cancel (self->auditing);
  g_clear_pointer (&self->ahead, job_free);
}

static void
at_upload_queue_dispose (GObject *object)
{
  AtUploadQueue *self = AT_UPLOAD_QUEUE (object);

  if (self->pause != NULL)
    g_cancellable_cancel (self->pause);
  g_clear_object (&self->pause);
  g_clear_pointer (&self->ahead, job_free);
  g_clear_handle_id (&self->look_id, g_source_remove);
  g_clear_handle_id (&self->retry_id, g_source_remove);
  G_OBJECT_CLASS (at_upload_queue_parent_class)->dispose (object);
}

static void
at_upload_queue_finalize (GObject *object)
{
  AtUploadQueue *self = AT_UPLOAD_QUEUE (object);

  g_hash_table_unref (self->busy);
  g_hash_table_unref (self->ended);
  g_hash_table_unref (self->changes);
  g_hash_table_unref (self->counted);
  g_object_unref (self->transfers);
  g_clear_object (&self->catalog);
  g_clear_object (&self->client);
  g_free (self->library);
  g_free (self->root);
  g_free (self->last_error);
  g_free (self->waiting);
  g_free (self->unchecked);
  G_OBJECT_CLASS (at_upload_queue_parent_class)->finalize (object);
}

static void
at_upload_queue_class_init (AtUploadQueueClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = at_upload_queue_dispose;
  object_class->finalize = at_upload_queue_finalize;
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE,
                                   0);
  signals[DRAINED] = g_signal_new ("drained", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE,
                                   0);
}

static void
at_upload_queue_init (AtUploadQueue *self)
{
  self->concurrency = 2;
  self->busy = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, job_free);
  self->ended = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->changes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->counted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->transfers = g_list_store_new (AT_TYPE_TRANSFER);
  self->progress.seconds_left = -1;
}
