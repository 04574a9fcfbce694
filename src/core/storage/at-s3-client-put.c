/* at-s3-client-put.c — AtS3Client's single PUT: the file read once, on a
 * worker, for its SHA-256 (and into memory when it is small enough), then
 * sent in one signed request; a file changed meanwhile is reported. The
 * reading (an AtS3Body) may run ahead, while the file before it is sent. */
#define G_LOG_DOMAIN "atelier-storage"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "at-s3-client-private.h"
#include "at-s3-memory.h"

struct _AtS3Body
{
  gatomicrefcount ref;
  GFile          *file;
  goffset         size;
  gint64          mtime;      /* µs, when it was read */
  char           *sha256_hex;
  char           *sha256_b64;
  GBytes         *bytes;      /* the file as read, when it is small enough */
};

typedef struct
{
  AtS3Body     *body;
  char         *key;
  AtS3Progress  progress;
  gpointer      progress_data;
  GTask        *task;        /* (unowned) the put's, alive while its request is */
  gssize        sent;        /* (atomic) written by the sending thread */
  gint64        told_at;     /* (sending thread) when progress was last passed on */
  int           telling;     /* (atomic) a tell_progress is on its way */
} Put;

/* At most this often (µs) progress goes to the caller's context. */
#define PROGRESS_EVERY (G_USEC_PER_SEC / 20)

/* A file up to this size is read once, into memory, as it is hashed, and
 * sent from there (the disk is read once, not twice); bigger ones are
 * streamed. */
#define IN_MEMORY_MAX (256 * 1024 * 1024)

/* Read and hashed this much at a time, while it is in the cache. */
#define CHUNK (1 << 20)

/* The size and modification time (µs) of @file. */
static gboolean
file_stamp (GFile *file, goffset *size, gint64 *mtime, GCancellable *cancellable, GError **error)
{
  g_autoptr(GFileInfo) info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE "," G_FILE_ATTRIBUTE_TIME_MODIFIED ","
                                                 G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC, G_FILE_QUERY_INFO_NONE, cancellable,
                                                 error);

  if (info == NULL)
    return FALSE;
  *size = g_file_info_get_size (info);
  *mtime = (gint64) g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED) * G_USEC_PER_SEC +
           g_file_info_get_attribute_uint32 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC);
  return TRUE;
}

/* Whether @file is still as @body read it. */
static gboolean
still_as_read (AtS3Body *body)
{
  goffset size;
  gint64 mtime;

  return file_stamp (body->file, &size, &mtime, NULL, NULL) && at_s3_body_is (body, size, mtime);
}

AtS3Body *
at_s3_body_ref (AtS3Body *body)
{
  g_atomic_ref_count_inc (&body->ref);
  return body;
}

void
at_s3_body_unref (AtS3Body *body)
{
  if (body == NULL || !g_atomic_ref_count_dec (&body->ref))
    return;
  g_object_unref (body->file);
  g_free (body->sha256_hex);
  g_free (body->sha256_b64);
  g_clear_pointer (&body->bytes, g_bytes_unref);
  g_free (body);
}

gboolean
at_s3_body_is (AtS3Body *body,
               goffset   size,
               gint64    mtime)
{
  return body->size == size && body->mtime == mtime;
}

AtS3Body *
at_s3_body_read (GFile         *file,
                 GCancellable  *cancellable,
                 GError       **error)
{
  g_autoptr(AtS3Body) body = g_new0 (AtS3Body, 1);
  g_autoptr(GFileInputStream) in = NULL;
  AtS3Sha256 *sum = NULL;
  g_autofree guint8 *buffer = g_malloc (CHUNK);
  guint8 digest[32];
  goffset size;
  gssize n = 0;

  g_atomic_ref_count_init (&body->ref);
  body->file = g_object_ref (file);
  if (!file_stamp (file, &size, &body->mtime, cancellable, error) ||
      (in = g_file_read (file, cancellable, error)) == NULL)
    return NULL;
  sum = at_s3_sha256_new ();
  if (size <= IN_MEMORY_MAX)
    {
      gsize capacity = 0, got = 0;
      guint8 *all = at_s3_memory_take ((gsize) size, &capacity);

      if (all == NULL)
        {
          at_s3_sha256_finish (sum, digest);
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE, _("Out of memory for “%s”"), g_file_peek_path (file));
          return NULL;
        }
      while (got < (gsize) size &&
             (n = g_input_stream_read (G_INPUT_STREAM (in), all + got, MIN ((gsize) size - got, CHUNK), cancellable,
                                       error)) > 0)
        {
          at_s3_sha256_update (sum, all + got, (gsize) n);
          got += (gsize) n;
        }
      /* at its end, or grown meanwhile? */
      if (n >= 0 && got == (gsize) size)
        n = g_input_stream_read (G_INPUT_STREAM (in), buffer, 1, cancellable, error);
      if (n == 0)
        {
          body->bytes = at_s3_memory_bytes (all, capacity, got);
          body->size = (goffset) got;
        }
      else
        at_s3_memory_give (all, capacity);
      /* it changed size meanwhile: hashed again from the start, as a stream */
      if (n > 0)
        {
          at_s3_sha256_finish (sum, digest);
          sum = at_s3_sha256_new ();
          if (!g_seekable_seek (G_SEEKABLE (in), 0, G_SEEK_SET, cancellable, error))
            n = -1;
        }
    }
  if (n < 0 || body->bytes != NULL)
    ;   /* a read failed (reported below), or the file is in memory */
  else
    while ((n = g_input_stream_read (G_INPUT_STREAM (in), buffer, CHUNK, cancellable, error)) > 0)
      {
        at_s3_sha256_update (sum, buffer, n);
        body->size += n;
      }
  at_s3_sha256_finish (sum, digest);
  if (n < 0)
    return NULL;
  body->sha256_hex = at_s3_hex (digest, 32);
  body->sha256_b64 = g_base64_encode (digest, 32);
  return g_steal_pointer (&body);
}

static void
put_free (gpointer data)
{
  Put *p = data;

  at_s3_body_unref (p->body);
  g_free (p->key);
  g_free (p);
}

static gboolean
tell_progress (gpointer data)
{
  GTask *task = data;
  Put *p = g_task_get_task_data (task);

  g_atomic_int_set (&p->telling, 0);
  if (!g_task_get_completed (task))
    p->progress ((goffset) g_atomic_pointer_get (&p->sent), p->body->size, p->progress_data);
  return G_SOURCE_REMOVE;
}

/* Called on the thread that sends (see send_thread in at-s3-client.c). */
static void
put_wrote (SoupMessage *msg, guint chunk, gpointer data)
{
  Put *p = data;
  gint64 now = g_get_monotonic_time ();

  g_atomic_pointer_add (&p->sent, (gssize) chunk);
  if (p->progress != NULL && now - p->told_at >= PROGRESS_EVERY && g_atomic_int_compare_and_exchange (&p->telling, 0, 1))
    {
      p->told_at = now;
      g_main_context_invoke_full (g_task_get_context (p->task), G_PRIORITY_DEFAULT, tell_progress, g_object_ref (p->task),
                                  g_object_unref);
    }
}

static void
put_sent (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GTask) task = data;
  Put *p = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(GBytes) body = _at_s3_call_finish (AT_S3_CLIENT (source), result, NULL, &error);

  if (body == NULL)
    g_task_return_error (task, error);
  else if (p->body->bytes != NULL && !still_as_read (p->body))
    {
      /* what went up is the file as it was read: whole, but no longer the file */
      g_autofree char *name = g_file_get_parse_name (p->body->file);
      g_task_return_new_error (task, AT_S3_ERROR, AT_S3_ERROR_CHANGED,
                               _("“%s” changed while it was uploading: the copy stored is the file as it was when the "
                                 "upload began; it will go again"), name);
    }
  else
    {
      /* (the sending thread tells at most every PROGRESS_EVERY: the end is told here) */
      if (p->progress != NULL)
        p->progress (p->body->size, p->body->size, p->progress_data);
      g_task_return_boolean (task, TRUE);
    }
}

/* Each attempt: the file from its start (if it is still the file that was
 * hashed), and the progress with it. */
static SoupMessage *
put_build (AtS3Client *self, gpointer data, GError **error)
{
  Put *p = data;
  AtS3Body *body = p->body;
  g_autoptr(GFileInputStream) in = NULL;
  const AtS3Pair with_sum[] = { { "x-amz-checksum-sha256", body->sha256_b64 } };
  SoupMessage *msg;
  goffset size;
  gint64 mtime;

  if (!file_stamp (body->file, &size, &mtime, NULL, error))
    return NULL;
  if (!at_s3_body_is (body, size, mtime))
    {
      g_autofree char *name = g_file_get_parse_name (body->file);
      g_set_error (error, AT_S3_ERROR, AT_S3_ERROR_CHANGED,
                   _("“%s” changed while it was uploading: nothing was stored; it will go again"), name);
      return NULL;
    }
  if ((msg = _at_s3_request_new (self, "PUT", p->key, NULL, 0, body->sha256_hex, with_sum, 1, error)) == NULL)
    return NULL;
  if (body->bytes != NULL)
    _at_s3_set_upload_body (self, msg, body->bytes, NULL, 0);
  else if ((in = g_file_read (body->file, NULL, error)) != NULL)
    _at_s3_set_upload_body (self, msg, NULL, G_INPUT_STREAM (in), body->size);
  else
    {
      g_object_unref (msg);
      return NULL;
    }
  g_signal_connect (msg, "wrote-body-data", G_CALLBACK (put_wrote), p);
  g_atomic_pointer_set (&p->sent, 0);
  return msg;
}

void
at_s3_client_put_body (AtS3Client          *self,
                       AtS3Body            *body,
                       const char          *key,
                       AtS3Progress         progress,
                       gpointer             progress_data,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Put *p = g_new0 (Put, 1);

  p->body = at_s3_body_ref (body);
  p->key = g_strdup (key);
  p->progress = progress;
  p->progress_data = progress_data;
  p->task = task;
  g_task_set_source_tag (task, at_s3_client_put_body);
  g_task_set_task_data (task, p, put_free);
  _at_s3_call (self, TRUE, put_build, p, NULL, cancellable, put_sent, task);
}

gboolean
at_s3_client_put_body_finish (AtS3Client    *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- a file: read, then put ---- */

typedef struct
{
  char         *key;
  AtS3Progress  progress;
  gpointer      progress_data;
} PutFile;

static void
put_file_free (gpointer data)
{
  PutFile *f = data;

  g_free (f->key);
  g_free (f);
}

static void
read_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  GError *error = NULL;
  AtS3Body *body = at_s3_body_read (G_FILE (data), cancellable, &error);

  if (body == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, body, (GDestroyNotify) at_s3_body_unref);
}

static void
put_file_sent (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GTask) task = data;
  GError *error = NULL;

  if (at_s3_client_put_body_finish (AT_S3_CLIENT (source), result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
put_file_read (GObject *source, GAsyncResult *result, gpointer data)
{
  GTask *task = data;
  PutFile *f = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(AtS3Body) body = g_task_propagate_pointer (G_TASK (result), &error);

  if (body == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  at_s3_client_put_body (AT_S3_CLIENT (source), body, f->key, f->progress, f->progress_data, g_task_get_cancellable (task),
                         put_file_sent, task);
}

void
at_s3_client_put_file (AtS3Client          *self,
                       GFile               *file,
                       const char          *key,
                       AtS3Progress         progress,
                       gpointer             progress_data,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GTask) read = g_task_new (self, cancellable, put_file_read, task);
  PutFile *f = g_new0 (PutFile, 1);

  f->key = g_strdup (key);
  f->progress = progress;
  f->progress_data = progress_data;
  g_task_set_source_tag (task, at_s3_client_put_file);
  g_task_set_task_data (task, f, put_file_free);
  g_task_set_task_data (read, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (read, read_thread);
}

gboolean
at_s3_client_put_file_finish (AtS3Client    *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}
