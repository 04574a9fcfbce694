/* at-s3-upload.c — AtS3Upload (see at-s3-upload.h).
 *
 * (The catalog's record of a run is at-s3-upload-record.c.)
 *
 * A run: on a worker, the file's size and modification time, and the
 * catalog's record of an unfinished upload of the same file to the same key
 * (kept only if the file is unchanged and the part size the same; else the
 * old upload is aborted). Then the multipart upload is started (and
 * recorded), or resumed: the server lists the parts it holds, and its list
 * wins over the record. Parts not yet taken are read on workers (bytes and
 * SHA-256) and sent, @parallel at a time, each recorded as the server takes
 * it; the file is checked again before the parts are put together, so a
 * file changed meanwhile is never stored as a mix. A file no bigger than
 * one part goes in one PUT (at-s3-upload-single.c).
 */
#define G_LOG_DOMAIN "atelier-storage"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "at-s3-memory.h"
#include "at-s3-sign.h"
#include "at-s3-upload-private.h"
#include "at-uuid.h"

G_DEFINE_FINAL_TYPE (AtS3Upload, at_s3_upload, G_TYPE_OBJECT)

AtS3Upload *
at_s3_upload_new (AtS3Client *client,
                  AtCatalog  *catalog,
                  GFile      *file,
                  const char *key)
{
  AtS3Upload *self = g_object_new (AT_TYPE_S3_UPLOAD, NULL);

  self->client = g_object_ref (client);
  self->catalog = catalog ? g_object_ref (catalog) : NULL;
  self->file = g_object_ref (file);
  self->path = g_file_get_path (file);
  self->key = g_strdup (key);
  return self;
}

void
at_s3_upload_set_part_size (AtS3Upload *self,
                            gsize       bytes)
{
  self->part_size = MAX (bytes, AT_S3_MIN_PART_SIZE);
}

void
at_s3_upload_set_parallel (AtS3Upload *self,
                           guint       parts)
{
  self->parallel = CLAMP (parts, 1, 16);
}

void
at_s3_upload_set_progress (AtS3Upload   *self,
                           AtS3Progress  progress,
                           gpointer      data)
{
  self->progress = progress;
  self->progress_data = data;
}

void
at_s3_upload_set_keep_on_cancel (AtS3Upload *self,
                                 gboolean    keep)
{
  self->keep_on_cancel = keep;
}

goffset
at_s3_upload_get_size (AtS3Upload *self)
{
  return self->size;
}

goffset
at_s3_upload_get_sent_now (AtS3Upload *self)
{
  return self->sent_now;
}

guint
at_s3_upload_get_parts_resumed (AtS3Upload *self)
{
  return self->resumed;
}

guint
at_s3_upload_get_parts_at_once (AtS3Upload *self)
{
  return (guint) CLAMP (AT_S3_PARTS_MEMORY / self->part_size, 1, self->parallel);
}

goffset
at_s3_upload_get_resumed_bytes (AtS3Upload *self)
{
  return self->resumed_bytes;
}

gboolean
at_s3_upload_get_left_on_server (AtS3Upload *self)
{
  g_return_val_if_fail (AT_IS_S3_UPLOAD (self), FALSE);
  return self->left_on_server;
}

/* ---- a run ---- */


static void
on_cancelled (GCancellable *cancellable, gpointer data)
{
  g_cancellable_cancel (G_CANCELLABLE (data));
}

static void
unwatch_stop (AtS3Upload *self, GCancellable *cancellable)
{
  /* (once cancelled, the handler may be running on this very stack: it is
   * left to go with the cancellable) */
  if (self->stop_watch != 0 && cancellable != NULL && !g_cancellable_is_cancelled (cancellable))
    g_cancellable_disconnect (cancellable, self->stop_watch);
  self->stop_watch = 0;
}

/* A new stop for the parts, which the run's cancellable cancels. The watch
 * ends with the run: a queue's cancellable outlives thousands of runs. */
static void
watch_stop (AtS3Upload *self, GCancellable *cancellable)
{
  unwatch_stop (self, cancellable);
  g_clear_object (&self->stop);
  self->stop = g_cancellable_new ();
  if (cancellable != NULL)
    self->stop_watch = g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled), g_object_ref (self->stop),
                                              g_object_unref);
}

static void
aborted_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GError) error = NULL;

  /* best effort: a bucket lifecycle rule removes what is left */
  if (!at_s3_client_multipart_abort_finish (AT_S3_CLIENT (source), result, &error))
    g_debug ("could not abort an upload: %s", error->message);
}

static void
started_recorded (GObject *source, GAsyncResult *result, gpointer data)
{
  AtS3Upload *self = data;
  GError *error = NULL;

  if (!at_catalog_write_finish (AT_CATALOG (source), result, &error))
    self->failure = error;
  else
    self->has_row = TRUE;   /* begun again (start_again), the record is updated, not made twice */
  _at_s3_upload_schedule (self);
}

/* The start is let finish a while after a cancel: its answer names an
 * upload the server has begun, to be aborted or kept paused (cut, it
 * would stay there, unseen). A start that takes longer is cut. */
#define START_GRACE_SECONDS 5

static gboolean
start_grace_over (gpointer data)
{
  AtS3Upload *self = data;

  self->start_grace = 0;
  g_cancellable_cancel (self->starting);
  return G_SOURCE_REMOVE;
}

static void
cancelled_while_starting (GCancellable *cancellable, gpointer data)
{
  AtS3Upload *self = data;

  if (self->start_grace == 0)
    self->start_grace = g_timeout_add_seconds (START_GRACE_SECONDS, start_grace_over, self);
}

static void started_cb (GObject *source, GAsyncResult *result, gpointer data);

static void
start_multipart (AtS3Upload *self)
{
  GCancellable *cancellable = g_task_get_cancellable (self->task);

  g_clear_object (&self->starting);
  self->starting = g_cancellable_new ();
  if (cancellable != NULL)
    self->start_watch = g_cancellable_connect (cancellable, G_CALLBACK (cancelled_while_starting), self, NULL);
  at_s3_client_multipart_start (self->client, self->key, self->starting, started_cb, self);
}

static void
started_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  AtS3Upload *self = data;
  GCancellable *cancellable = g_task_get_cancellable (self->task);
  GError *error = NULL;

  /* (disconnected from here, never from within the handler: it may have run) */
  if (self->start_watch != 0)
    g_cancellable_disconnect (cancellable, self->start_watch);
  self->start_watch = 0;
  g_clear_handle_id (&self->start_grace, g_source_remove);

  /* (begun here: this endpoint's) */
  self->foreign_upload = FALSE;
  if ((self->upload_id = at_s3_client_multipart_start_finish (self->client, result, &error)) == NULL)
    {
      self->failure = error;
      _at_s3_upload_finish (self);
      return;
    }
  if (self->catalog == NULL)
    {
      _at_s3_upload_schedule (self);
      return;
    }
  if (!self->has_row)
    at_uuid_v7_generate (self->id);
  _at_s3_upload_record_started (self, started_recorded);
}

static void verified_cb (GObject *source, GAsyncResult *result, gpointer data);
static void gone_verified_cb (GObject *source, GAsyncResult *result, gpointer data);

/* Resuming: the server says which parts it holds (see
 * _at_s3_upload_reconcile); a server that cannot list them leaves the
 * catalog's word. */
static void
listed_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  AtS3Upload *self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) parts = at_s3_client_multipart_list_parts_finish (self->client, result, &error);

  if (parts != NULL)
    _at_s3_upload_reconcile (self, parts);
  else if (g_error_matches (error, AT_S3_ERROR, AT_S3_ERROR_UPLOAD_GONE) ||
           (self->foreign_upload && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
            !g_error_matches (error, AT_S3_ERROR, AT_S3_ERROR_OFFLINE) &&
            !g_error_matches (error, AT_S3_ERROR, AT_S3_ERROR_SERVER) &&
            !g_error_matches (error, AT_S3_ERROR, AT_S3_ERROR_CLOCK)))
    {
      /* put together, perhaps, just before the process died, its record not
       * yet written: not sent again if the object is the file (else begun
       * again by finish); so too another endpoint's upload this server will
       * not list (a refusal that is this server's shows again on the way) */
      if (!g_error_matches (error, AT_S3_ERROR, AT_S3_ERROR_UPLOAD_GONE))
        {
          g_debug ("%s: upload %s is not this server's (%s)", self->key, self->upload_id, error->message);
          g_clear_error (&error);
          g_set_error_literal (&error, AT_S3_ERROR, AT_S3_ERROR_UPLOAD_GONE, _("The upload is not this server’s"));
        }
      self->failure = g_steal_pointer (&error);
      _at_s3_upload_check_completed (self, g_task_get_cancellable (self->task), gone_verified_cb, self);
      return;
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->foreign_upload)
    {
      self->failure = g_steal_pointer (&error);
      _at_s3_upload_finish (self);
      return;
    }
  else
    g_debug ("%s: the server did not list the parts (%s): the catalog's record stands", self->key, error->message);
  g_debug ("%s: resuming, %u of %u parts on the server", self->key, self->resumed, self->n_parts);
  self->resumed_bytes = self->done_bytes;
  _at_s3_upload_tell_parts (self, TRUE);
  _at_s3_upload_schedule (self);
}

static void send_prepared (AtS3Upload *self);

/* A file backed up before at another endpoint: there already, it is not sent. */
static void
found_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  AtS3Upload *self = data;

  if (_at_s3_upload_check_completed_finish (self, result))
    {
      g_debug ("%s: already on the server", self->key);
      self->completed = TRUE;
      self->resumed_bytes = self->size;
      if (self->stale_upload_id != NULL)
        at_s3_client_multipart_abort (self->client, self->key, self->stale_upload_id, NULL, aborted_cb, NULL);
      _at_s3_upload_finish (self);
      return;
    }
  if (g_cancellable_set_error_if_cancelled (g_task_get_cancellable (self->task), &self->failure))
    {
      _at_s3_upload_finish (self);
      return;
    }
  send_prepared (self);
}

static void
prepared_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  AtS3Upload *self = data;

  if (!g_task_propagate_boolean (G_TASK (result), &self->failure))
    {
      _at_s3_upload_finish (self);
      return;
    }
  if (self->check_first && self->upload_id == NULL)
    _at_s3_upload_check_completed (self, g_task_get_cancellable (self->task), found_cb, self);
  else
    send_prepared (self);
}

static void
send_prepared (AtS3Upload *self)
{
  GCancellable *cancellable = g_task_get_cancellable (self->task);

  if (self->stale_upload_id != NULL)
    {
      at_s3_client_multipart_abort (self->client, self->key, self->stale_upload_id, NULL, aborted_cb, NULL);
    }
  if (self->n_parts < 2 && self->reading_ahead)
    self->waiting_ahead = TRUE;
  else if (self->n_parts < 2)
    _at_s3_upload_send_single (self);
  else if (self->upload_id == NULL)
    start_multipart (self);
  else
    at_s3_client_multipart_list_parts (self->client, self->key, self->upload_id, cancellable, listed_cb, self);
}

static void
verified (AtS3Upload *self, gboolean there)
{
  if (there)
    {
      g_debug ("%s: completed by a try whose answer was lost", self->key);
      g_clear_error (&self->failure);
      self->completed = TRUE;
    }
  _at_s3_upload_finish (self);
}

static void
verified_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  verified (data, _at_s3_upload_check_completed_finish (data, result));
}

/* The same, for an upload found gone before this run sent anything: what
 * the server has is in the totals, not the speed. */
static void
gone_verified_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  AtS3Upload *self = data;
  gboolean there = _at_s3_upload_check_completed_finish (self, result);

  if (there)
    self->resumed_bytes = self->size;
  verified (self, there);
}

static void
checked_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  AtS3Upload *self = data;

  if (at_s3_client_multipart_complete_finish (self->client, result, &self->failure))
    self->completed = TRUE;
  else if (g_error_matches (self->failure, AT_S3_ERROR, AT_S3_ERROR_UPLOAD_GONE))
    {
      /* perhaps put together by an earlier try whose answer was lost: not sent again if so */
      _at_s3_upload_check_completed (self, g_task_get_cancellable (self->task), verified_cb, self);
      return;
    }
  _at_s3_upload_finish (self);
}

void
_at_s3_upload_complete (AtS3Upload *self)
{
  goffset size;
  gint64 mtime;
  g_autofree char *identity = NULL;

  /* the parts are as they were read; the file must still be that file (not
   * another put in its place, even of its size and time: each part was
   * read from the path anew) */
  if (!_at_s3_upload_stat (self, &size, &mtime, &identity, &self->failure))
    {
      _at_s3_upload_finish (self);
      return;
    }
  if (size != self->size || mtime != self->mtime || g_strcmp0 (identity, self->identity) != 0)
    {
      g_set_error (&self->failure, AT_S3_ERROR, AT_S3_ERROR_CHANGED,
                   _("“%s” changed while it was uploading: it will go again from the start"), self->path);
      _at_s3_upload_finish (self);   /* (which aborts the upload) */
      return;
    }
  /* (a pause arriving now does not cut it short: one short request, and
   * cut, the server might have put the parts together or not) */
  at_s3_client_multipart_complete (self->client, self->key, self->upload_id, (const char *const *) self->etags->pdata,
                                   (const char *const *) self->sums->pdata,
                                   self->n_parts, NULL, checked_cb, self);
}


/* The server has forgotten the multipart upload this run went on with (it
 * was aborted elsewhere, or a lifecycle rule cleared it): the parts it had
 * are gone, so the file goes again from its first part, in a new upload,
 * once a run. */
static gboolean
start_again (AtS3Upload *self)
{
  GCancellable *cancellable = g_task_get_cancellable (self->task);

  if (self->restarted || self->upload_id == NULL || g_cancellable_is_cancelled (cancellable) ||
      !g_error_matches (self->failure, AT_S3_ERROR, AT_S3_ERROR_UPLOAD_GONE))
    return FALSE;
  g_debug ("%s: the server no longer has upload %s; starting again", self->key, self->upload_id);
  self->restarted = TRUE;
  g_clear_error (&self->failure);
  g_clear_pointer (&self->upload_id, g_free);
  g_ptr_array_set_size (self->etags, 0);
  g_ptr_array_set_size (self->etags, self->n_parts);
  g_ptr_array_set_size (self->sums, 0);
  g_ptr_array_set_size (self->sums, self->n_parts);
  self->next = self->resumed = 0;
  self->done_bytes = self->resumed_bytes = 0;
  /* the stop of the parts that failed has fired: a new one for the new parts */
  watch_stop (self, cancellable);
  _at_s3_upload_tell_parts (self, TRUE);
  start_multipart (self);
  return TRUE;
}

typedef struct
{
  GTask        *task;
  GError       *error;     /* the run's answer; NULL: done */
  GCancellable *deadline;  /* the abort gives up after ABORT_SECONDS */
  guint         timer;
} Ending;

/* An abort tried for longer is left to the bucket's lifecycle rule: a
 * stopped upload does not hang a dead link's retries (minutes) */
#define ABORT_SECONDS 20

static gboolean
abort_deadline_cb (gpointer data)
{
  Ending *e = data;

  e->timer = 0;
  g_cancellable_cancel (e->deadline);
  return G_SOURCE_REMOVE;
}

static void
ended_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Ending *e = data;
  AtS3Upload *self = g_task_get_source_object (e->task);
  g_autoptr(GError) error = NULL;

  if (!at_s3_client_multipart_abort_finish (AT_S3_CLIENT (source), result, &error))
    {
      g_debug ("%s: could not abort the upload: %s", self->key, error->message);
      self->left_on_server = TRUE;
    }
  g_clear_handle_id (&e->timer, g_source_remove);
  g_object_unref (e->deadline);
  if (e->error != NULL)
    g_task_return_error (e->task, e->error);
  else
    g_task_return_boolean (e->task, TRUE);
  g_object_unref (e->task);
  g_free (e);
}

/* Answers @task with @error (taken; NULL: done), once the multipart upload
 * is aborted if the run leaves it of no use: cancelled, the file changed,
 * or nothing to resume it from (no catalog). Waited for, so that a process
 * that ends with the run has sent the abort. */
static void
answer (AtS3Upload *self, GTask *task, GError *error, gboolean abort_upload)
{
  Ending *e;

  if (!abort_upload || self->upload_id == NULL)
    {
      if (error != NULL)
        g_task_return_error (task, error);
      else
        g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  e = g_new0 (Ending, 1);
  e->task = task;
  e->error = error;
  e->deadline = g_cancellable_new ();
  e->timer = g_timeout_add_seconds (ABORT_SECONDS, abort_deadline_cb, e);
  at_s3_client_multipart_abort (self->client, self->key, self->upload_id, e->deadline, ended_cb, e);
  g_clear_pointer (&self->upload_id, g_free);
}

/* The run's end: its record, then its answer. */
void
_at_s3_upload_finish (AtS3Upload *self)
{
  GTask *task;
  GCancellable *cancellable;
  GError *error = NULL;

  if (start_again (self))
    return;
  task = g_steal_pointer (&self->task);
  cancellable = g_task_get_cancellable (task);
  unwatch_stop (self, cancellable);

  g_clear_pointer (&self->ahead, at_s3_body_unref);

  if (self->failure == NULL && (self->completed || !g_cancellable_is_cancelled (cancellable)))
    {
      _at_s3_upload_record_end (self, "completed", NULL);
      answer (self, task, NULL, FALSE);
    }
  else if (g_cancellable_is_cancelled (cancellable) && self->keep_on_cancel)
    {
      /* paused: the parts stay, for the next run */
      _at_s3_upload_record_end (self, "paused", NULL);
      g_clear_error (&self->failure);
      g_cancellable_set_error_if_cancelled (cancellable, &error);
      answer (self, task, error, FALSE);
    }
  else if (g_cancellable_is_cancelled (cancellable))
    {
      /* asked to stop: nothing half-done is left on the server */
      _at_s3_upload_record_end (self, "cancelled", NULL);
      g_clear_error (&self->failure);
      g_cancellable_set_error_if_cancelled (cancellable, &error);
      answer (self, task, error, TRUE);
    }
  else
    {
      /* a file changed meanwhile is not a failure: it waits to go again,
       * whole; nor is the link or the server down, or the setup wrong: it
       * waits, paused; another failure keeps the parts for a resume, if
       * there is a catalog to resume from */
      gboolean changed = g_error_matches (self->failure, AT_S3_ERROR, AT_S3_ERROR_CHANGED);
      gboolean gone = g_error_matches (self->failure, AT_S3_ERROR, AT_S3_ERROR_UPLOAD_GONE);

      _at_s3_upload_record_end (self, changed ? "queued" : at_s3_error_stops_all (self->failure) ? "paused" : "failed",
                                self->failure->message);
      answer (self, task, g_steal_pointer (&self->failure), (changed || self->catalog == NULL) && !gone);
    }
}

void
at_s3_upload_run (AtS3Upload          *self,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  g_autoptr(GTask) prepare = NULL;

  g_return_if_fail (self->task == NULL);
  self->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (self->task, at_s3_upload_run);
  /* (finish says what a cancel meant: paused, cancelled, or too late, done) */
  g_task_set_check_cancellable (self->task, FALSE);
  watch_stop (self, cancellable);
  self->id[0] = '\0';
  self->has_row = self->check_first = self->foreign_upload = FALSE;
  self->resumed_bytes = 0;
  g_clear_pointer (&self->upload_id, g_free);
  g_clear_pointer (&self->stale_upload_id, g_free);
  g_clear_pointer (&self->etags, g_ptr_array_unref);
  g_clear_pointer (&self->sums, g_ptr_array_unref);
  self->next = self->in_flight = self->resumed = 0;
  self->sent_now = self->done_bytes = 0;
  self->restarted = self->completed = self->left_on_server = FALSE;
  prepare = g_task_new (self, cancellable, prepared_cb, self);
  g_task_run_in_thread (prepare, _at_s3_upload_prepare_thread);
}

gboolean
at_s3_upload_run_finish (AtS3Upload    *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
at_s3_upload_finalize (GObject *object)
{
  AtS3Upload *self = AT_S3_UPLOAD (object);

  g_clear_object (&self->client);
  g_clear_object (&self->catalog);
  g_clear_object (&self->file);
  g_clear_object (&self->stop);
  g_clear_object (&self->starting);
  g_clear_pointer (&self->ahead, at_s3_body_unref);
  g_free (self->path);
  g_free (self->key);
  g_free (self->upload_id);
  g_free (self->stale_upload_id);
  g_free (self->identity);
  g_clear_pointer (&self->etags, g_ptr_array_unref);
  g_clear_pointer (&self->sums, g_ptr_array_unref);
  g_ptr_array_unref (self->sending);   /* (empty: each part holds the upload) */
  g_clear_error (&self->failure);
  G_OBJECT_CLASS (at_s3_upload_parent_class)->finalize (object);
}

static void
at_s3_upload_class_init (AtS3UploadClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = at_s3_upload_finalize;
}

static void
at_s3_upload_init (AtS3Upload *self)
{
  self->part_size = AT_S3_DEFAULT_PART_SIZE;
  self->parallel = 4;
  self->sending = g_ptr_array_new ();
}
