/* at-s3-upload-record.c — what the catalog keeps of an AtS3Upload: the
 * uploads row (its UploadId, the file's size and time), one upload_parts row
 * per part the server took, the end (completed, paused, failed, cancelled);
 * and, before a run, reading it back to resume. */
#define G_LOG_DOMAIN "atelier-storage"

#include "config.h"

#include <errno.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "at-s3-upload-private.h"

const char *
_at_s3_upload_bucket (AtS3Upload *self)
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
  char       *sha256;
  char       *status;
  char       *message;
} Record;

static void
record_free (gpointer data)
{
  Record *r = data;

  g_object_unref (r->self);
  g_free (r->etag);
  g_free (r->sha256);
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
                                           "status = 'uploading', file_mtime = ?5, bytes_sent = 0, part_checksums = 1, "
                                           "file_identity = ?6, endpoint = ?7, "
                                           "started_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?1",
                              "tltlltt", self->id, (gint64) self->size, self->upload_id, (gint64) self->part_size,
                              self->mtime, self->identity, at_s3_client_get_endpoint (self->client)) &&
           at_sql_exec_bound (conn, error, "DELETE FROM upload_parts WHERE upload_id = ?1", "t", self->id);
  return at_sql_exec_bound (conn, error, "INSERT INTO uploads (id, local_path, bucket, object_key, size_bytes, multipart_id, "
                                         "part_size, status, file_mtime, started_at, part_checksums, file_identity, endpoint) "
                                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'uploading', ?8, "
                                         "strftime('%Y-%m-%dT%H:%M:%fZ','now'), 1, ?9, ?10)",
                            "ttttltlltt", self->id, self->path, _at_s3_upload_bucket (self), self->key, (gint64) self->size,
                            self->upload_id, (gint64) self->part_size, self->mtime, self->identity,
                            at_s3_client_get_endpoint (self->client));
}

static gboolean
write_part (AtSqlConn *conn, gpointer data, GError **error)
{
  Record *r = data;

  return at_sql_exec_bound (conn, error, "INSERT OR REPLACE INTO upload_parts (upload_id, part_number, size_bytes, etag, "
                                         "sha256) VALUES (?1, ?2, ?3, ?4, ?5)", "tiltt", r->self->id, (int) r->number,
                            (gint64) r->size, r->etag, r->sha256) &&
         at_sql_exec_bound (conn, error, "UPDATE uploads SET bytes_sent = ?2 WHERE id = ?1", "tl", r->self->id,
                            (gint64) r->self->done_bytes);
}

static gboolean
write_end (AtSqlConn *conn, gpointer data, GError **error)
{
  Record *r = data;
  /* (queued again: the file changed, so its parts and its upload are no use) */
  gboolean gone = g_str_equal (r->status, "completed") || g_str_equal (r->status, "cancelled") ||
                  g_str_equal (r->status, "queued");

  /* (the endpoint it ended at, if it was this one's or is done: one resumed
   * by another address of its server) */
  return at_sql_exec_bound (conn, error, "UPDATE uploads SET status = ?2, last_error = ?3, attempts = attempts + 1, "
                                         "completed_at = CASE WHEN ?2 = 'completed' THEN strftime('%Y-%m-%dT%H:%M:%fZ','now') "
                                         "END, multipart_id = CASE WHEN ?2 = 'queued' THEN NULL ELSE multipart_id END, "
                                         "endpoint = CASE WHEN ?2 = 'completed' OR NOT ?6 THEN ?4 ELSE endpoint END, "
                                         "size_bytes = CASE WHEN ?2 = 'completed' THEN ?5 ELSE size_bytes END "
                                         "WHERE id = ?1", "ttttli", r->self->id, r->status, r->message,
                            at_s3_client_get_endpoint (r->self->client), (gint64) r->self->size,
                            r->self->foreign_upload ? 1 : 0) &&
         (!gone || at_sql_exec_bound (conn, error, "DELETE FROM upload_parts WHERE upload_id = ?1", "t", r->self->id));
}

void
_at_s3_upload_record_end (AtS3Upload *self, const char *status, const char *message)
{
  Record *r;

  if (self->catalog == NULL || self->id[0] == '\0')
    return;
  r = record_new (self);
  r->status = g_strdup (status);
  r->message = g_strdup (message);
  at_catalog_write_detached (self->catalog, "uploads", write_end, r, record_free);
}

void
_at_s3_upload_record_started (AtS3Upload *self, GAsyncReadyCallback callback)
{
  at_catalog_write_async (self->catalog, "uploads", write_started, record_new (self), record_free, NULL, callback, self);
}

void
_at_s3_upload_record_part (AtS3Upload *self, guint number, gsize size, const char *etag, const char *sha256)
{
  Record *r;

  if (self->catalog == NULL)
    return;
  r = record_new (self);
  r->number = number;
  r->size = size;
  r->etag = g_strdup (etag);
  r->sha256 = g_strdup (sha256);
  at_catalog_write_detached (self->catalog, "upload_parts", write_part, r, record_free);
}

/* The server's parts over the catalog's record, on a resume: a part it
 * holds whole counts as sent (recorded now if the record lacked it: the
 * server took it but its answer never came back, the process was killed
 * first); one the record has and the server not goes again. So does one
 * whose SHA-256 neither knows: the completion must name it. */
void
_at_s3_upload_reconcile (AtS3Upload *self, GPtrArray *parts)
{
  g_autofree AtS3Object **held = g_new0 (AtS3Object *, self->n_parts);
  guint found = 0, lost = 0;

  for (guint i = 0; i < parts->len; i++)
    {
      AtS3Object *p = parts->pdata[i];
      goffset offset = (goffset) (p->part - 1) * (goffset) self->part_size;

      if (p->part >= 1 && p->part <= self->n_parts && p->etag != NULL &&
          p->size == MIN ((goffset) self->part_size, self->size - offset))
        held[p->part - 1] = p;
    }
  for (guint i = 0; i < self->n_parts; i++)
    {
      char **etag = (char **) &self->etags->pdata[i];
      char **sum = (char **) &self->sums->pdata[i];
      goffset size = MIN ((goffset) self->part_size, self->size - (goffset) i * (goffset) self->part_size);
      gboolean same = held[i] != NULL && g_strcmp0 (*etag, held[i]->etag) == 0;
      g_autofree char *held_sum = held[i] == NULL ? NULL : g_strdup (same && *sum != NULL ? *sum : held[i]->sha256);

      if (held_sum != NULL && (!same || g_strcmp0 (*sum, held_sum) != 0))
        {
          if (*etag == NULL)
            {
              self->resumed++;
              self->done_bytes += size;
              found++;
            }
          g_free (*etag);
          *etag = g_strdup (held[i]->etag);
          g_free (*sum);
          *sum = g_steal_pointer (&held_sum);
          _at_s3_upload_record_part (self, i + 1, size, *etag, *sum);
        }
      else if (held_sum == NULL && *etag != NULL)
        {
          g_clear_pointer (etag, g_free);
          g_clear_pointer (sum, g_free);
          self->resumed--;
          self->done_bytes -= size;
          lost++;
        }
    }
  if (found > 0 || lost > 0)
    g_debug ("%s: the server holds %u parts the catalog did not know of, and lacks %u it had", self->key, found, lost);
}

gboolean
_at_s3_upload_stat (AtS3Upload *self, goffset *size, gint64 *mtime, char **identity, GError **error)
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
  /* (the change time also moves on a chmod or a new hard link, and an
   * inode may not hold on some network shares: then a resume starts over,
   * the safe way to be wrong) */
  if (identity != NULL)
    {
      g_free (*identity);
      *identity = g_strdup_printf ("%" G_GUINT64_FORMAT "/%" G_GINT64_FORMAT ".%09ld", (guint64) st.st_ino,
                                   (gint64) st.st_ctim.tv_sec, (long) st.st_ctim.tv_nsec);
    }
  return TRUE;
}

/* On a worker: the file, and what the catalog kept of an earlier run. */
void
_at_s3_upload_prepare_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  AtS3Upload *self = source;
  GError *error = NULL;
  AtSqlConn *conn;
  sqlite3_stmt *stmt;

  if (!_at_s3_upload_stat (self, &self->size, &self->mtime, &self->identity, &error))
    {
      /* (a queued file that cannot be read ends as failed, with the reason) */
      if (self->catalog != NULL && (conn = at_catalog_get_reader (self->catalog, NULL)) != NULL &&
          (stmt = at_sql_conn_prepare (conn, "SELECT id FROM uploads WHERE local_path = ?1 AND bucket = ?2 "
                                             "AND object_key = ?3 AND status NOT IN ('completed', 'cancelled')", NULL)) != NULL)
        {
          at_sql_bind_text (stmt, 1, self->path);
          at_sql_bind_text (stmt, 2, _at_s3_upload_bucket (self));
          at_sql_bind_text (stmt, 3, self->key);
          if (sqlite3_step (stmt) == SQLITE_ROW)
            {
              g_strlcpy (self->id, (const char *) sqlite3_column_text (stmt, 0), sizeof self->id);
              self->has_row = TRUE;
            }
          at_sql_stmt_release (stmt);
        }
      g_task_return_error (task, error);
      return;
    }
  /* S3 takes 10,000 parts at most: beyond, bigger parts (whole mebibytes;
   * a 100 GB video goes in 10 MiB ones), else part 10,001 would be refused
   * after all the others had gone */
  if (self->size > (goffset) self->part_size * AT_S3_MAX_PARTS)
    self->part_size = (gsize) (((self->size + AT_S3_MAX_PARTS - 1) / AT_S3_MAX_PARTS + (1 << 20) - 1) >> 20 << 20);
  self->n_parts = self->size == 0 ? 1 : (guint) ((self->size + self->part_size - 1) / self->part_size);
  self->etags = g_ptr_array_new_full (self->n_parts, g_free);
  g_ptr_array_set_size (self->etags, self->n_parts);
  self->sums = g_ptr_array_new_full (self->n_parts, g_free);
  g_ptr_array_set_size (self->sums, self->n_parts);
  if (self->catalog == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  if ((conn = at_catalog_get_reader (self->catalog, &error)) == NULL ||
      (stmt = at_sql_conn_prepare (conn, "SELECT id, multipart_id, part_size = ?4 AND size_bytes = ?5 AND file_mtime = ?6 "
                                         "AND file_identity IS ?7 AND part_checksums = 1, check_first, endpoint IS ?8 "
                                         "FROM uploads "
                                         "WHERE local_path = ?1 AND bucket = ?2 AND object_key = ?3 "
                                         "AND status NOT IN ('completed', 'cancelled')", &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  at_sql_bind_text (stmt, 1, self->path);
  at_sql_bind_text (stmt, 2, _at_s3_upload_bucket (self));
  at_sql_bind_text (stmt, 3, self->key);
  sqlite3_bind_int64 (stmt, 4, self->part_size);
  sqlite3_bind_int64 (stmt, 5, self->size);
  sqlite3_bind_int64 (stmt, 6, self->mtime);
  at_sql_bind_text (stmt, 7, self->identity);
  at_sql_bind_text (stmt, 8, at_s3_client_get_endpoint (self->client));
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_strlcpy (self->id, (const char *) sqlite3_column_text (stmt, 0), sizeof self->id);
      self->has_row = TRUE;
      self->check_first = sqlite3_column_int (stmt, 3) != 0;
      /* one begun at another endpoint (or before endpoints were recorded)
       * goes on only if this one lists its parts (the same server, perhaps
       * by another address) */
      self->foreign_upload = !sqlite3_column_int (stmt, 4);
      if (sqlite3_column_text (stmt, 1) != NULL && sqlite3_column_int (stmt, 2) && self->n_parts >= 2)
        self->upload_id = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      /* the file or the part size changed, or the upload is from before
       * parts had a checksum (it could not be completed with one): of no
       * use (aborted here: a server that does not know it says so) */
      else if (sqlite3_column_text (stmt, 1) != NULL)
        self->stale_upload_id = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
    }
  at_sql_stmt_release (stmt);
  if (self->upload_id != NULL &&
      (stmt = at_sql_conn_prepare (conn, "SELECT part_number, size_bytes, etag, sha256 FROM upload_parts "
                                         "WHERE upload_id = ?1 AND sha256 IS NOT NULL", &error)) != NULL)
    {
      at_sql_bind_text (stmt, 1, self->id);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          guint n = (guint) sqlite3_column_int (stmt, 0);
          if (n >= 1 && n <= self->n_parts && self->etags->pdata[n - 1] == NULL)
            {
              self->etags->pdata[n - 1] = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
              self->sums->pdata[n - 1] = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
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
