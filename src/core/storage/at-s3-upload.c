/* at-s3-upload.c — AtS3Upload (see at-s3-upload.h).
 *
 * A run: on a worker, the file's size and modification time, and the
 * catalog's record of an unfinished upload of the same file to the same key
 * (kept only if the file is unchanged and the part size the same; else the
 * old upload is aborted). Then the multipart upload is started (and
 * recorded) unless resumed; parts not yet taken are read on workers (bytes
 * and SHA-256) and sent, @parallel at a time, each recorded as the server
 * takes it; the file is checked again before the parts are put together,
 * so a file changed meanwhile is never stored as a mix. A file no bigger
 * than one part goes in one PUT.
 */
#define G_LOG_DOMAIN "atelier-storage"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "at-s3-sign.h"
#include "at-s3-upload.h"
#include "at-uuid.h"

struct _AtS3Upload
{
  GObject       parent_instance;
  AtS3Client   *client;
  AtCatalog    *catalog;
  GFile        *file;
  char         *path;
  char         *key;
  gsize         part_size;
  guint         parallel;
  AtS3Progress  progress;
  gpointer      progress_data;

  /* one run */
  GTask        *task;
  GCancellable *stop;        /* ends the parts in flight when one fails for good */
  goffset       size;
  gint64        mtime;
  char          id[AT_UUID_STRING_LEN + 1];
  char         *upload_id;
  char         *stale_upload_id;
  gboolean      has_row;     /* the catalog has a record of this file and key (a queued one, say) */
  gboolean      keep_on_cancel;
  GPtrArray    *etags;       /* by part number - 1; NULL while not taken */
  guint         n_parts;
  guint         next;        /* the next part to look at, from 0 */
  guint         in_flight;
  guint         resumed;
  goffset       sent_now;
  goffset       done_bytes;  /* of parts taken, this run or before */
  GError       *failure;
};

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

static const char *
bucket_of (AtS3Upload *self)
{
  return at_s3_client_get_bucket (self->client);
}

/* ---- the catalog's record ---- */

typedef struct
{
  AtS3Upload *self;
  guint       number;
  gsize       size;
  char       *etag;
  char       *status;
  char       *message;
} Record;

static void
record_free (gpointer data)
{
  Record *r = data;

  g_object_unref (r->self);
  g_free (r->etag);
  g_free (r->status);
  g_free (r->message);
  g_free (r);
}

static Record *
record_new (AtS3Upload *self)
{
  Record *r = g_new0 (Record, 1);

  r->self = g_object_ref (self);
  return r;
}

static gboolean
write_started (AtSqlConn *conn, gpointer data, GError **error)
{
  AtS3Upload *self = ((Record *) data)->self;

  if (self->has_row)
    return at_sql_exec_bound (conn, error, "UPDATE uploads SET size_bytes = ?2, multipart_id = ?3, part_size = ?4, "
                                           "status = 'uploading', file_mtime = ?5, bytes_sent = 0, "
                                           "started_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?1",
                              "tltll", self->id, (gint64) self->size, self->upload_id, (gint64) self->part_size,
                              self->mtime) &&
           at_sql_exec_bound (conn, error, "DELETE FROM upload_parts WHERE upload_id = ?1", "t", self->id);
  return at_sql_exec_bound (conn, error, "INSERT INTO uploads (id, local_path, bucket, object_key, size_bytes, multipart_id, "
                                         "part_size, status, file_mtime, started_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
                                         "'uploading', ?8, strftime('%Y-%m-%dT%H:%M:%fZ','now'))",
                            "ttttltll", self->id, self->path, bucket_of (self), self->key, (gint64) self->size,
                            self->upload_id, (gint64) self->part_size, self->mtime);
}

static gboolean
write_part (AtSqlConn *conn, gpointer data, GError **error)
{
  Record *r = data;

  return at_sql_exec_bound (conn, error, "INSERT OR REPLACE INTO upload_parts (upload_id, part_number, size_bytes, etag) "
                                         "VALUES (?1, ?2, ?3, ?4)", "tilt", r->self->id, (int) r->number, (gint64) r->size,
                            r->etag) &&
         at_sql_exec_bound (conn, error, "UPDATE uploads SET bytes_sent = ?2 WHERE id = ?1", "tl", r->self->id,
                            (gint64) r->self->done_bytes);
}

static gboolean
write_end (AtSqlConn *conn, gpointer data, GError **error)
{
  Record *r = data;
  gboolean gone = g_str_equal (r->status, "completed") || g_str_equal (r->status, "cancelled");

  return at_sql_exec_bound (conn, error, "UPDATE uploads SET status = ?2, last_error = ?3, attempts = attempts + 1, "
                                         "completed_at = CASE WHEN ?2 = 'completed' THEN strftime('%Y-%m-%dT%H:%M:%fZ','now') "
                                         "END WHERE id = ?1", "ttt", r->self->id, r->status, r->message) &&
         (!gone || at_sql_exec_bound (conn, error, "DELETE FROM upload_parts WHERE upload_id = ?1", "t", r->self->id));
}

static void
record_end (AtS3Upload *self, const char *status, const char *message)
{
  Record *r;

  if (self->catalog == NULL || self->id[0] == '\0')
    return;
  r = record_new (self);
  r->status = g_strdup (status);
  r->message = g_strdup (message);
  at_catalog_write_detached (self->catalog, "uploads", write_end, r, record_free);
}

/* ---- a run ---- */

static void finish (AtS3Upload *self);
static void schedule (AtS3Upload *self);

static gboolean
stat_file (AtS3Upload *self, goffset *size, gint64 *mtime, GError **error)
{
  GStatBuf st;

  if (g_stat (self->path, &st) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), _("Cannot read “%s”: %s"), self->path,
                   g_strerror (saved));
      return FALSE;
    }
  *size = st.st_size;
  *mtime = (gint64) st.st_mtim.tv_sec * G_USEC_PER_SEC + st.st_mtim.tv_nsec / 1000;
  return TRUE;
}

/* On a worker: the file, and what the catalog kept of an earlier run. */
static void
prepare_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  AtS3Upload *self = source;
  GError *error = NULL;
  AtSqlConn *conn;
  sqlite3_stmt *stmt;

  if (!stat_file (self, &self->size, &self->mtime, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  self->n_parts = self->size == 0 ? 1 : (guint) ((self->size + self->part_size - 1) / self->part_size);
  self->etags = g_ptr_array_new_full (self->n_parts, g_free);
  g_ptr_array_set_size (self->etags, self->n_parts);
  if (self->catalog == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  if ((conn = at_catalog_get_reader (self->catalog, &error)) == NULL ||
      (stmt = at_sql_conn_prepare (conn, "SELECT id, multipart_id, part_size = ?4 AND size_bytes = ?5 AND file_mtime = ?6 "
                                         "FROM uploads WHERE local_path = ?1 AND bucket = ?2 AND object_key = ?3 "
                                         "AND status NOT IN ('completed', 'cancelled')", &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  at_sql_bind_text (stmt, 1, self->path);
  at_sql_bind_text (stmt, 2, bucket_of (self));
  at_sql_bind_text (stmt, 3, self->key);
  sqlite3_bind_int64 (stmt, 4, self->part_size);
  sqlite3_bind_int64 (stmt, 5, self->size);
  sqlite3_bind_int64 (stmt, 6, self->mtime);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_strlcpy (self->id, (const char *) sqlite3_column_text (stmt, 0), sizeof self->id);
      self->has_row = TRUE;
      if (sqlite3_column_text (stmt, 1) != NULL && sqlite3_column_int (stmt, 2) && self->n_parts >= 2)
        self->upload_id = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      /* the file or the part size changed: that upload is of no use */
      else if (sqlite3_column_text (stmt, 1) != NULL)
        self->stale_upload_id = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
    }
  at_sql_stmt_release (stmt);
  if (self->upload_id != NULL &&
      (stmt = at_sql_conn_prepare (conn, "SELECT part_number, size_bytes, etag FROM upload_parts WHERE upload_id = ?1",
                                   &error)) != NULL)
    {
      at_sql_bind_text (stmt, 1, self->id);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          guint n = (guint) sqlite3_column_int (stmt, 0);
          if (n >= 1 && n <= self->n_parts && self->etags->pdata[n - 1] == NULL)
            {
              self->etags->pdata[n - 1] = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
              self->done_bytes += sqlite3_column_int64 (stmt, 1);
              self->resumed++;
            }
        }
      at_sql_stmt_release (stmt);
    }
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
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
  schedule (self);
}

static void
started_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  AtS3Upload *self = data;
  GError *error = NULL;

  if ((self->upload_id = at_s3_client_multipart_start_finish (self->client, result, &error)) == NULL)
    {
      self->failure = error;
      finish (self);
      return;
    }
  if (self->catalog == NULL)
    {
      schedule (self);
      return;
    }
  if (!self->has_row)
    at_uuid_v7_generate (self->id);
  at_catalog_write_async (self->catalog, "uploads", write_started, record_new (self), record_free, NULL, started_recorded,
                          self);
}

static void
single_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  AtS3Upload *self = data;

  if (!at_s3_client_put_file_finish (self->client, result, &self->failure))
    {
      finish (self);
      return;
    }
  self->sent_now = self->size;
  finish (self);
}

static void
single_progress (goffset done, goffset total, gpointer data)
{
  AtS3Upload *self = data;

  if (self->progress != NULL)
    self->progress (done, total, self->progress_data);
}

static void
prepared_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  AtS3Upload *self = data;
  GCancellable *cancellable = g_task_get_cancellable (self->task);

  if (!g_task_propagate_boolean (G_TASK (result), &self->failure))
    {
      finish (self);
      return;
    }
  if (self->stale_upload_id != NULL)
    {
      at_s3_client_multipart_abort (self->client, self->key, self->stale_upload_id, NULL, aborted_cb, NULL);
    }
  if (self->n_parts < 2)
    at_s3_client_put_file (self->client, self->file, self->key, single_progress, self, cancellable, single_cb, self);
  else if (self->upload_id == NULL)
    at_s3_client_multipart_start (self->client, self->key, cancellable, started_cb, self);
  else
    {
      g_debug ("%s: resuming, %u of %u parts on the server", self->key, self->resumed, self->n_parts);
      if (self->progress != NULL)
        self->progress (self->done_bytes, self->size, self->progress_data);
      schedule (self);
    }
}

/* ---- parts ---- */

typedef struct
{
  AtS3Upload *self;
  guint       number;
  GBytes     *bytes;
  guint8      sha256[32];
} Part;

static void
part_free (gpointer data)
{
  Part *p = data;

  g_object_unref (p->self);
  g_clear_pointer (&p->bytes, g_bytes_unref);
  g_free (p);
}

typedef struct
{
  void   *addr;
  size_t  length;
} Mapping;

static void
unmap (gpointer data)
{
  Mapping *m = data;

  munmap (m->addr, m->length);
  g_free (m);
}

/* On a worker: the part's bytes and their SHA-256. The buffer is mapped
 * memory of its own, given back whole when the part is sent: from malloc,
 * parts of 8 MiB stay resident in the threads' arenas. */
static void
read_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Part *p = data;
  AtS3Upload *self = p->self;
  goffset offset = (goffset) (p->number - 1) * self->part_size;
  gsize want = (gsize) MIN ((goffset) self->part_size, self->size - offset), got = 0;
  Mapping *map = g_new0 (Mapping, 1);
  guint8 *buffer;
  int fd = open (self->path, O_RDONLY | O_CLOEXEC);

  map->length = MAX (want, 1);
  map->addr = mmap (NULL, map->length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (map->addr == MAP_FAILED)
    {
      g_free (map);
      if (fd >= 0)
        close (fd);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NO_SPACE, _("Out of memory for a part of “%s”"), self->path);
      return;
    }
  buffer = map->addr;
  while (fd >= 0 && got < want)
    {
      ssize_t n = pread (fd, buffer + got, want - got, offset + got);
      if (n <= 0 && !(n < 0 && errno == EINTR))
        break;
      got += MAX (n, 0);
    }
  if (fd >= 0)
    close (fd);
  if (got < want)
    {
      unmap (map);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED, _("Cannot read “%s” (did it shrink?)"), self->path);
      return;
    }
  at_s3_sha256 (buffer, want, p->sha256);
  p->bytes = g_bytes_new_with_free_func (buffer, want, unmap, map);
  g_task_return_boolean (task, TRUE);
}

static void
part_done (AtS3Upload *self, GError *error)
{
  self->in_flight--;
  if (error != NULL)
    {
      if (self->failure == NULL)
        self->failure = error;
      else
        g_error_free (error);
      /* one part failed for good: the others stop, the record stays for a resume */
      g_cancellable_cancel (self->stop);
    }
  schedule (self);
}

static void
part_sent (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GTask) task = data;
  Part *p = g_task_get_task_data (task);
  AtS3Upload *self = p->self;
  GError *error = NULL;
  char *etag = at_s3_client_multipart_put_part_finish (self->client, result, &error);

  if (etag != NULL)
    {
      gsize size = g_bytes_get_size (p->bytes);

      self->etags->pdata[p->number - 1] = etag;
      self->sent_now += size;
      self->done_bytes += size;
      if (self->catalog != NULL)
        {
          Record *r = record_new (self);
          r->number = p->number;
          r->size = size;
          r->etag = g_strdup (etag);
          at_catalog_write_detached (self->catalog, "upload_parts", write_part, r, record_free);
        }
      if (self->progress != NULL)
        self->progress (self->done_bytes, self->size, self->progress_data);
    }
  part_done (self, error);
}

static void
part_read (GObject *source, GAsyncResult *result, gpointer data)
{
  GTask *task = G_TASK (result);
  Part *p = g_task_get_task_data (task);
  AtS3Upload *self = p->self;
  GError *error = NULL;

  if (!g_task_propagate_boolean (task, &error))
    {
      part_done (self, error);
      return;
    }
  at_s3_client_multipart_put_part (self->client, self->key, self->upload_id, p->number, p->bytes, p->sha256, self->stop,
                                   part_sent, g_object_ref (task));
}

static void
checked_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  AtS3Upload *self = data;

  if (!at_s3_client_multipart_complete_finish (self->client, result, &self->failure))
    {
      finish (self);
      return;
    }
  finish (self);
}

static void
complete (AtS3Upload *self)
{
  goffset size;
  gint64 mtime;

  /* the parts are as they were read; the file must still be that file */
  if (!stat_file (self, &size, &mtime, &self->failure))
    {
      finish (self);
      return;
    }
  if (size != self->size || mtime != self->mtime)
    {
      g_set_error (&self->failure, AT_S3_ERROR, AT_S3_ERROR_INTEGRITY,
                   _("“%s” changed while it was uploading: it will go again from the start"), self->path);
      at_s3_client_multipart_abort (self->client, self->key, self->upload_id, NULL, aborted_cb, NULL);
      record_end (self, "cancelled", self->failure->message);
      g_clear_pointer (&self->upload_id, g_free);
      finish (self);
      return;
    }
  at_s3_client_multipart_complete (self->client, self->key, self->upload_id, (const char *const *) self->etags->pdata,
                                   self->n_parts, g_task_get_cancellable (self->task), checked_cb, self);
}

static void
schedule (AtS3Upload *self)
{
  if (self->failure != NULL || g_cancellable_is_cancelled (g_task_get_cancellable (self->task)))
    {
      if (self->in_flight == 0)
        finish (self);
      return;
    }
  while (self->in_flight < self->parallel && self->next < self->n_parts)
    {
      guint i = self->next++;
      Part *p;
      g_autoptr(GTask) read = NULL;

      if (self->etags->pdata[i] != NULL)
        continue;
      p = g_new0 (Part, 1);
      p->self = g_object_ref (self);
      p->number = i + 1;
      read = g_task_new (self, self->stop, part_read, NULL);
      g_task_set_task_data (read, p, part_free);
      self->in_flight++;
      g_task_run_in_thread (read, read_thread);
    }
  if (self->in_flight == 0 && self->next >= self->n_parts)
    complete (self);
}

/* The run's end: its record, then its answer. */
static void
finish (AtS3Upload *self)
{
  GTask *task = g_steal_pointer (&self->task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  if (self->failure == NULL && !g_cancellable_is_cancelled (cancellable))
    {
      record_end (self, "completed", NULL);
      g_task_return_boolean (task, TRUE);
    }
  else if (g_cancellable_is_cancelled (cancellable) && self->keep_on_cancel)
    {
      /* paused: the parts stay, for the next run */
      record_end (self, "paused", NULL);
      g_clear_error (&self->failure);
      g_task_return_error_if_cancelled (task);
    }
  else if (g_cancellable_is_cancelled (cancellable))
    {
      /* asked to stop: nothing half-done is left on the server */
      if (self->upload_id != NULL)
        at_s3_client_multipart_abort (self->client, self->key, self->upload_id, NULL, aborted_cb, NULL);
      record_end (self, "cancelled", NULL);
      g_clear_error (&self->failure);
      g_task_return_error_if_cancelled (task);
    }
  else
    {
      record_end (self, "failed", self->failure->message);
      g_task_return_error (task, g_steal_pointer (&self->failure));
    }
  g_object_unref (task);
}

static void
on_cancelled (GCancellable *cancellable, gpointer data)
{
  g_cancellable_cancel (G_CANCELLABLE (data));
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
  g_clear_object (&self->stop);
  self->stop = g_cancellable_new ();
  if (cancellable != NULL)
    g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled), g_object_ref (self->stop), g_object_unref);
  self->id[0] = '\0';
  self->has_row = FALSE;
  g_clear_pointer (&self->upload_id, g_free);
  g_clear_pointer (&self->stale_upload_id, g_free);
  g_clear_pointer (&self->etags, g_ptr_array_unref);
  self->next = self->in_flight = self->resumed = 0;
  self->sent_now = self->done_bytes = 0;
  prepare = g_task_new (self, cancellable, prepared_cb, self);
  g_task_run_in_thread (prepare, prepare_thread);
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
  g_free (self->path);
  g_free (self->key);
  g_free (self->upload_id);
  g_free (self->stale_upload_id);
  g_clear_pointer (&self->etags, g_ptr_array_unref);
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
}
