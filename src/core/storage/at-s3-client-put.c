/* at-s3-client-put.c — AtS3Client's single PUT: the file read once, on a
 * worker, for its SHA-256 (and into memory when it is small enough), then
 * sent in one signed request; a file changed meanwhile is reported. */
#define G_LOG_DOMAIN "atelier-storage"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "at-s3-client-private.h"

/* ---- PUT ---- */

typedef struct
{
  GFile        *file;
  char         *key;
  goffset       size;
  char         *sha256_hex;
  char         *sha256_b64;
  AtS3Progress  progress;
  gpointer      progress_data;
  goffset       sent;
  char         *stamp;    /* size and modification time when hashed */
  GBytes       *bytes;    /* the file as read, when it is small enough */
} Put;

/* A file up to this size is read once, into memory, as it is hashed, and
 * sent from there (libsoup sends memory more than twice as fast as a file
 * stream); bigger ones are streamed. */
#define IN_MEMORY_MAX (256 * 1024 * 1024)

/* "size:mtime" of @file, or NULL. */
static char *
file_stamp (GFile *file, GCancellable *cancellable, GError **error)
{
  g_autoptr(GFileInfo) info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE "," G_FILE_ATTRIBUTE_TIME_MODIFIED ","
                                                 G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC, G_FILE_QUERY_INFO_NONE, cancellable,
                                                 error);

  if (info == NULL)
    return NULL;
  return g_strdup_printf ("%" G_GINT64_FORMAT ":%" G_GUINT64_FORMAT ".%u", (gint64) g_file_info_get_size (info),
                          g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED),
                          g_file_info_get_attribute_uint32 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC));
}

static void
put_free (gpointer data)
{
  Put *p = data;

  g_object_unref (p->file);
  g_free (p->key);
  g_free (p->sha256_hex);
  g_free (p->sha256_b64);
  g_free (p->stamp);
  g_clear_pointer (&p->bytes, g_bytes_unref);
  g_free (p);
}

/* On a worker: the file's size and SHA-256, read once. */
static void
put_hash_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Put *p = data;
  g_autoptr(GFileInputStream) in = NULL;
  AtS3Sha256 *sum = at_s3_sha256_new ();
  g_autofree guint8 *buffer = g_malloc (1 << 20);
  guint8 digest[32];
  GError *error = NULL;
  gssize n = 0;

  if ((p->stamp = file_stamp (p->file, cancellable, &error)) == NULL ||
      (in = g_file_read (p->file, cancellable, &error)) == NULL)
    {
      at_s3_sha256_finish (sum, digest);
      g_task_return_error (task, error);
      return;
    }
  {
    g_autoptr(GFileInfo) info = g_file_input_stream_query_info (in, G_FILE_ATTRIBUTE_STANDARD_SIZE, cancellable, NULL);
    if (info != NULL && g_file_info_get_size (info) <= IN_MEMORY_MAX)
      {
        g_autoptr(GByteArray) all = g_byte_array_sized_new ((guint) g_file_info_get_size (info));
        while ((n = g_input_stream_read (G_INPUT_STREAM (in), buffer, 1 << 20, cancellable, &error)) > 0 &&
               all->len + n <= IN_MEMORY_MAX)
          g_byte_array_append (all, buffer, (guint) n);
        if (n == 0)
          p->bytes = g_byte_array_free_to_bytes (g_steal_pointer (&all));
        /* it grew past the limit meanwhile: hashed from the start, as a stream */
        else if (n > 0 && !g_seekable_seek (G_SEEKABLE (in), 0, G_SEEK_SET, cancellable, &error))
          n = -1;
      }
  }
  if (n < 0)
    ;   /* a read failed: reported below */
  else if (p->bytes != NULL)
    {
      gsize size = 0;
      const void *mem = g_bytes_get_data (p->bytes, &size);
      at_s3_sha256_update (sum, mem, size);
      p->size = (goffset) size;
    }
  else
    while ((n = g_input_stream_read (G_INPUT_STREAM (in), buffer, 1 << 20, cancellable, &error)) > 0)
      {
        at_s3_sha256_update (sum, buffer, n);
        p->size += n;
      }
  at_s3_sha256_finish (sum, digest);
  if (n < 0)
    {
      g_task_return_error (task, error);
      return;
    }
  p->sha256_hex = at_s3_hex (digest, 32);
  p->sha256_b64 = g_base64_encode (digest, 32);
  g_task_return_boolean (task, TRUE);
}

static void
put_wrote (SoupMessage *msg, guint chunk, gpointer data)
{
  Put *p = data;

  p->sent += chunk;
  if (p->progress != NULL)
    p->progress (p->sent, p->size, p->progress_data);
}

static void
put_sent (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GTask) task = data;
  Put *p = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(GBytes) body = _at_s3_call_finish (AT_S3_CLIENT (source), result, NULL, &error);
  g_autofree char *stamp = NULL;

  if (body == NULL)
    g_task_return_error (task, error);
  else if (p->bytes != NULL && (stamp = file_stamp (p->file, NULL, NULL)) != NULL && !g_str_equal (stamp, p->stamp))
    {
      /* what went up is the file as it was read: whole, but no longer the file */
      g_autofree char *name = g_file_get_parse_name (p->file);
      g_task_return_new_error (task, AT_S3_ERROR, AT_S3_ERROR_INTEGRITY,
                               _("“%s” changed while it was uploading: the copy stored is the file as it was when the "
                                 "upload began; it will go again"), name);
    }
  else
    g_task_return_boolean (task, TRUE);
}

/* Each attempt: the file from its start (if it is still the file that was
 * hashed), and the progress with it. */
static SoupMessage *
put_build (AtS3Client *self, gpointer data, GError **error)
{
  Put *p = data;
  g_autofree char *stamp = file_stamp (p->file, NULL, error);
  g_autoptr(GFileInputStream) in = NULL;
  const AtS3Pair with_sum[] = { { "x-amz-checksum-sha256", p->sha256_b64 } };
  SoupMessage *msg;

  if (stamp == NULL)
    return NULL;
  if (!g_str_equal (stamp, p->stamp))
    {
      g_autofree char *name = g_file_get_parse_name (p->file);
      g_set_error (error, AT_S3_ERROR, AT_S3_ERROR_INTEGRITY,
                   _("“%s” changed while it was uploading: nothing was stored; it will go again"), name);
      return NULL;
    }
  msg = _at_s3_request_new (self, "PUT", p->key, NULL, 0, p->sha256_hex, with_sum, 1);
  if (p->bytes != NULL)
    _at_s3_set_upload_body (self, msg, p->bytes, NULL, 0);
  else if ((in = g_file_read (p->file, NULL, error)) != NULL)
    _at_s3_set_upload_body (self, msg, NULL, G_INPUT_STREAM (in), p->size);
  else
    {
      g_object_unref (msg);
      return NULL;
    }
  g_signal_connect (msg, "wrote-body-data", G_CALLBACK (put_wrote), p);
  p->sent = 0;
  return msg;
}

static void
put_hashed (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GTask) task = data;
  AtS3Client *self = g_task_get_source_object (task);
  Put *p = g_task_get_task_data (task);
  GError *error = NULL;
  GCancellable *cancellable = g_task_get_cancellable (task);

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }
  _at_s3_call (self, TRUE, put_build, p, NULL, cancellable, put_sent, g_steal_pointer (&task));
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
  g_autoptr(GTask) hash = NULL;
  Put *p = g_new0 (Put, 1);

  p->file = g_object_ref (file);
  p->key = g_strdup (key);
  p->progress = progress;
  p->progress_data = progress_data;
  g_task_set_source_tag (task, at_s3_client_put_file);
  g_task_set_task_data (task, p, put_free);
  hash = g_task_new (self, cancellable, put_hashed, task);
  g_task_set_task_data (hash, p, NULL);
  g_task_run_in_thread (hash, put_hash_thread);
}

gboolean
at_s3_client_put_file_finish (AtS3Client    *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

