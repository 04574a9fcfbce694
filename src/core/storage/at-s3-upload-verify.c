/* at-s3-upload-verify.c — was the multipart upload completed after all?
 *
 * A CompleteMultipartUpload whose answer was lost is sent again, and the
 * server, which did complete it the first time, answers NoSuchUpload.
 * Rather than send the whole file again, the object under the key is
 * compared with what was sent: its size, and its ETag, which S3 makes from
 * the parts' MD5s ("md5-of-md5s-N"), or which some servers (s3rver among
 * them) make from the whole object: then the file's own MD5, worked out on
 * a worker, is compared. Another object under the key (an earlier version
 * of the file, the same size) does not pass.
 */
#define G_LOG_DOMAIN "atelier-storage"

#include "config.h"

#include <string.h>

#include "at-s3-upload-private.h"

/* The ETag S3 gives an object put together from @n parts of these ETags;
 * NULL if one of them is not an MD5. */
static char *
composite_etag (GPtrArray *etags, guint n)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_MD5);

  for (guint i = 0; i < n; i++)
    {
      const char *etag = etags->pdata[i];
      guint8 digest[16];
      gsize len;

      if (etag == NULL)
        return NULL;
      etag += etag[0] == '"';
      len = strcspn (etag, "\"");
      if (len != 32)
        return NULL;
      for (guint b = 0; b < 16; b++)
        {
          int hi = g_ascii_xdigit_value (etag[2 * b]), lo = g_ascii_xdigit_value (etag[2 * b + 1]);
          if (hi < 0 || lo < 0)
            return NULL;
          digest[b] = (guint8) (hi << 4 | lo);
        }
      g_checksum_update (sum, digest, sizeof digest);
    }
  return g_strdup_printf ("%s-%u", g_checksum_get_string (sum), n);
}

static void
md5_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  GError *error = NULL;
  g_autoptr(GFileInputStream) in = g_file_read (G_FILE (data), cancellable, &error);
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_MD5);
  g_autofree guint8 *buffer = g_malloc (1 << 20);
  gssize n = 0;

  while (in != NULL && (n = g_input_stream_read (G_INPUT_STREAM (in), buffer, 1 << 20, cancellable, &error)) > 0)
    g_checksum_update (sum, buffer, n);
  if (in == NULL || n < 0)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_strdup (g_checksum_get_string (sum)), g_free);
}

static void
md5_done (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GTask) task = data;
  const char *etag = g_task_get_task_data (task);
  g_autofree char *md5 = g_task_propagate_pointer (G_TASK (result), NULL);

  g_task_return_boolean (task, md5 != NULL && g_str_equal (md5, etag));
}

static void
head_done (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GTask) task = data;
  AtS3Upload *self = g_task_get_source_object (task);
  g_autoptr(AtS3Object) object = at_s3_client_head_finish (AT_S3_CLIENT (source), result, NULL);
  g_autofree char *etag = NULL;
  g_autofree char *composite = NULL;

  if (object == NULL || object->etag == NULL || object->size != self->size)
    {
      g_task_return_boolean (task, FALSE);
      return;
    }
  etag = g_strdup (object->etag + (object->etag[0] == '"'));
  etag[strcspn (etag, "\"")] = '\0';
  if (strchr (etag, '-') != NULL)
    {
      composite = composite_etag (self->etags, self->n_parts);
      g_task_return_boolean (task, composite != NULL && g_ascii_strcasecmp (composite, etag) == 0);
      return;
    }
  /* the whole object's MD5: the file's, then */
  {
    GTask *md5 = g_task_new (self, g_task_get_cancellable (task), md5_done, g_object_ref (task));

    g_task_set_task_data (task, g_ascii_strdown (etag, -1), g_free);
    g_task_set_task_data (md5, g_object_ref (self->file), g_object_unref);
    g_task_run_in_thread (md5, md5_thread);
    g_object_unref (md5);
  }
}

void
_at_s3_upload_check_completed (AtS3Upload          *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  at_s3_client_head (self->client, self->key, cancellable, head_done, task);
}

gboolean
_at_s3_upload_check_completed_finish (AtS3Upload    *self,
                                      GAsyncResult  *result)
{
  return g_task_propagate_boolean (G_TASK (result), NULL);
}
