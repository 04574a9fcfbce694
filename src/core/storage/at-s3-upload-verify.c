/* at-s3-upload-verify.c — is the file's object on the server already? Asked
 * of a multipart upload completed after all, and of a file backed up before
 * at another endpoint (check_first), before anything of it is sent.
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

typedef struct
{
  GFile *file;
  gsize  part_size;   /* 0: the whole file's MD5; else the ETag of its parts of this size */
} Md5;

static void
md5_free (gpointer data)
{
  Md5 *m = data;

  g_object_unref (m->file);
  g_free (m);
}

char *
at_s3_file_etag (GFile         *file,
                 gsize          part_size,
                 GCancellable  *cancellable,
                 GError       **error)
{
  g_autoptr(GFileInputStream) in = g_file_read (file, cancellable, error);
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_MD5);
  g_autoptr(GChecksum) parts = g_checksum_new (G_CHECKSUM_MD5);
  g_autofree guint8 *buffer = g_malloc (1 << 20);
  guint8 digest[16];
  gsize in_part = 0, len;
  guint n_parts = 0;
  gssize n = 0;

  if (in == NULL)
    return NULL;
  while ((n = g_input_stream_read (G_INPUT_STREAM (in), buffer, part_size > 0 ? MIN (1 << 20, part_size - in_part) : 1 << 20,
                                   cancellable, error)) > 0)
    {
      g_checksum_update (sum, buffer, n);
      in_part += (gsize) n;
      if (part_size > 0 && in_part == part_size)
        {
          len = sizeof digest;
          g_checksum_get_digest (sum, digest, &len);
          g_checksum_update (parts, digest, len);
          g_checksum_reset (sum);
          in_part = 0;
          n_parts++;
        }
    }
  if (n < 0)
    return NULL;
  if (part_size == 0)
    return g_strdup (g_checksum_get_string (sum));
  /* the last part, shorter (or the only one, of an empty file) */
  if (in_part > 0 || n_parts == 0)
    {
      len = sizeof digest;
      g_checksum_get_digest (sum, digest, &len);
      g_checksum_update (parts, digest, len);
      n_parts++;
    }
  return g_strdup_printf ("%s-%u", g_checksum_get_string (parts), n_parts);
}

static void
md5_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Md5 *m = data;
  GError *error = NULL;
  char *etag = at_s3_file_etag (m->file, m->part_size, cancellable, &error);

  if (etag == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, etag, g_free);
}

static void
md5_done (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GTask) task = data;
  const char *etag = g_task_get_task_data (task);
  g_autofree char *md5 = g_task_propagate_pointer (G_TASK (result), NULL);

  g_task_return_boolean (task, md5 != NULL && g_ascii_strcasecmp (md5, etag) == 0);
}

/* A part size that cuts @size bytes into @n parts, @ours first; 0: none
 * likely. (Hashing the file costs a read of it: one guess is tried.) */
static gsize
part_size_for (goffset size, guint64 n, gsize ours)
{
  const gsize mib = 1 << 20;
  const gsize usual[] = { 8 * mib, 16 * mib, 5 * mib, 32 * mib, 64 * mib, 100 * mib, 128 * mib };

  if (n == 0 || size <= 0)
    return 0;
  if ((guint64) ((size + ours - 1) / ours) == n)
    return ours;
  for (guint i = 0; i < G_N_ELEMENTS (usual); i++)
    if ((guint64) ((size + usual[i] - 1) / usual[i]) == n)
      return usual[i];
  {
    gsize fewest = (gsize) (((guint64) size + n - 1) / n + mib - 1) / mib * mib;

    return (guint64) ((size + fewest - 1) / fewest) == n ? fewest : 0;
  }
}

static gboolean
has_all (GPtrArray *etags, guint n)
{
  if (etags == NULL || etags->len < n)
    return FALSE;
  for (guint i = 0; i < n; i++)
    if (etags->pdata[i] == NULL)
      return FALSE;
  return TRUE;
}

static void
head_done (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GTask) task = data;
  AtS3Upload *self = g_task_get_source_object (task);
  g_autoptr(AtS3Object) object = at_s3_client_head_finish (AT_S3_CLIENT (source), result, NULL);
  g_autofree char *etag = NULL;
  g_autofree char *composite = NULL;
  gsize part_size = 0;
  const char *dash;
  Md5 *m;
  GTask *md5;

  if (object == NULL || object->etag == NULL || object->size != self->size)
    {
      g_task_return_boolean (task, FALSE);
      return;
    }
  etag = g_strdup (object->etag + (object->etag[0] == '"'));
  etag[strcspn (etag, "\"")] = '\0';
  if ((dash = strchr (etag, '-')) != NULL)
    {
      guint64 n = g_ascii_strtoull (dash + 1, NULL, 10);

      /* the parts this run sent, if it has them all (ETags that are not
       * MD5s, encrypted ones, make one the file cannot match) */
      if (has_all (self->etags, self->n_parts))
        {
          composite = composite_etag (self->etags, self->n_parts);
          g_task_return_boolean (task, composite != NULL && g_ascii_strcasecmp (composite, etag) == 0);
          return;
        }
      /* else the file's, in parts of a size that makes that many: this
       * upload's, one that tools often use, or the fewest whole MiB */
      if ((part_size = part_size_for (self->size, n, self->part_size)) == 0)
        {
          g_task_return_boolean (task, FALSE);
          return;
        }
    }
  /* the whole object's MD5, or its parts' MD5s: the file's, read on a worker */
  m = g_new0 (Md5, 1);
  m->file = g_object_ref (self->file);
  m->part_size = part_size;
  md5 = g_task_new (self, g_task_get_cancellable (task), md5_done, g_object_ref (task));
  g_task_set_task_data (task, g_steal_pointer (&etag), g_free);
  g_task_set_task_data (md5, m, md5_free);
  g_task_run_in_thread (md5, md5_thread);
  g_object_unref (md5);
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
