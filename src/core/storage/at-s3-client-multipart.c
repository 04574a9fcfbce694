/* at-s3-client-multipart.c — S3 multipart uploads: start (UploadId, the
 * parts' checksum declared SHA256), one part (its bytes in memory, their
 * SHA-256 signed and sent as x-amz-checksum-sha256), complete (the parts'
 * ETags and SHA-256s in order), abort.
 * Each is a retried call; AtS3Upload drives them. */
#define G_LOG_DOMAIN "atelier-storage"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "at-s3-client-private.h"

typedef struct
{
  char   *key;
  char   *upload_id;
  char   *number;
  GBytes *body;
  char   *sha256_hex;
  char   *sha256_b64;
  gssize *sent;        /* (atomic) a part's bytes written, for its progress; may be NULL */
} Multi;

static void
multi_free (gpointer data)
{
  Multi *m = data;

  g_free (m->key);
  g_free (m->upload_id);
  g_free (m->number);
  g_clear_pointer (&m->body, g_bytes_unref);
  g_free (m->sha256_hex);
  g_free (m->sha256_b64);
  g_free (m);
}

/* The body's SHA-256 as hex and base64: @digest if given (worked out where
 * the bytes were read), else now. */
static void
multi_hash (Multi *m, const guint8 *digest)
{
  guint8 own[32];

  if (digest == NULL)
    {
      gsize size = 0;
      const guint8 *data = g_bytes_get_data (m->body, &size);

      at_s3_sha256 (data, size, own);
      digest = own;
    }
  m->sha256_hex = at_s3_hex (digest, 32);
  m->sha256_b64 = g_base64_encode (digest, 32);
}

/* ---- start ---- */

static SoupMessage *
start_build (AtS3Client *self, gpointer data, GError **error)
{
  Multi *m = data;
  const AtS3Pair query[] = { { "uploads", "" } };
  /* AWS refuses a part's checksum of a type the upload did not declare */
  const AtS3Pair extra[] = { { "x-amz-checksum-algorithm", "SHA256" } };

  return _at_s3_request_new (self, "POST", m->key, query, 1, AT_S3_EMPTY_SHA256, extra, 1, error);
}

void
at_s3_client_multipart_start (AtS3Client          *self,
                              const char          *key,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  Multi *m = g_new0 (Multi, 1);

  m->key = g_strdup (key);
  _at_s3_call (self, FALSE, start_build, m, multi_free, cancellable, callback, user_data);
}

char *
at_s3_client_multipart_start_finish (AtS3Client    *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  g_autoptr(GBytes) body = _at_s3_call_finish (self, result, NULL, error);
  AtS3Xml x = AT_S3_XML_INIT;
  char *id = NULL;

  if (body != NULL && _at_s3_xml_parse (body, &x, error))
    {
      id = g_steal_pointer (&x.upload_id);
      if (id == NULL)
        g_set_error (error, AT_S3_ERROR, AT_S3_ERROR_FAILED, _("The storage server started no multipart upload"));
    }
  _at_s3_xml_clear (&x);
  return id;
}

/* ---- one part ---- */

/* On the thread that sends (see send_thread in at-s3-client.c). */
static void
part_wrote (SoupMessage *msg, guint chunk, gpointer sent)
{
  g_atomic_pointer_add ((gssize *) sent, (gssize) chunk);
}

static SoupMessage *
part_build (AtS3Client *self, gpointer data, GError **error)
{
  Multi *m = data;
  const AtS3Pair query[] = { { "partNumber", m->number }, { "uploadId", m->upload_id } };
  const AtS3Pair extra[] = { { "x-amz-checksum-sha256", m->sha256_b64 } };
  SoupMessage *msg = _at_s3_request_new (self, "PUT", m->key, query, 2, m->sha256_hex, extra, 1, error);

  if (msg != NULL)
    {
      _at_s3_set_upload_body (self, msg, m->body, NULL, 0);
      if (m->sent != NULL)
        {
          /* each try counts from 0 */
          g_atomic_pointer_set (m->sent, 0);
          g_signal_connect (msg, "wrote-body-data", G_CALLBACK (part_wrote), m->sent);
        }
    }
  return msg;
}

void
at_s3_client_multipart_put_part (AtS3Client          *self,
                                 const char          *key,
                                 const char          *upload_id,
                                 guint                number,
                                 GBytes              *bytes,
                                 const guint8        *sha256,
                                 gssize              *sent,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  Multi *m = g_new0 (Multi, 1);

  m->key = g_strdup (key);
  m->upload_id = g_strdup (upload_id);
  m->sent = sent;
  m->number = g_strdup_printf ("%u", number);
  m->body = g_bytes_ref (bytes);
  multi_hash (m, sha256);
  _at_s3_call (self, TRUE, part_build, m, multi_free, cancellable, callback, user_data);
}

char *
at_s3_client_multipart_put_part_finish (AtS3Client    *self,
                                        GAsyncResult  *result,
                                        GError       **error)
{
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) body = _at_s3_call_finish (self, result, &msg, error);
  const char *etag;

  if (body == NULL)
    return NULL;
  etag = soup_message_headers_get_one (soup_message_get_response_headers (msg), "ETag");
  if (etag == NULL)
    {
      g_set_error (error, AT_S3_ERROR, AT_S3_ERROR_FAILED, _("The storage server took a part but gave no ETag"));
      return NULL;
    }
  return g_strdup (etag);
}

/* ---- complete, abort ---- */

static SoupMessage *
complete_build (AtS3Client *self, gpointer data, GError **error)
{
  Multi *m = data;
  const AtS3Pair query[] = { { "uploadId", m->upload_id } };
  SoupMessage *msg = _at_s3_request_new (self, "POST", m->key, query, 1, m->sha256_hex, NULL, 0, error);

  if (msg != NULL)
    soup_message_set_request_body_from_bytes (msg, "application/xml", m->body);
  return msg;
}

void
at_s3_client_multipart_complete (AtS3Client          *self,
                                 const char          *key,
                                 const char          *upload_id,
                                 const char *const   *etags,
                                 const char *const   *sha256s,
                                 guint                n_parts,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  Multi *m = g_new0 (Multi, 1);
  GString *xml = g_string_new ("<CompleteMultipartUpload>");

  for (guint i = 0; i < n_parts; i++)
    {
      g_autofree char *etag = g_markup_escape_text (etags[i], -1);
      g_autofree char *sum = g_markup_escape_text (sha256s[i], -1);

      g_string_append_printf (xml, "<Part><PartNumber>%u</PartNumber><ETag>%s</ETag><ChecksumSHA256>%s</ChecksumSHA256></Part>",
                              i + 1, etag, sum);
    }
  g_string_append (xml, "</CompleteMultipartUpload>");
  m->key = g_strdup (key);
  m->upload_id = g_strdup (upload_id);
  m->body = g_string_free_to_bytes (xml);
  multi_hash (m, NULL);
  _at_s3_call (self, TRUE, complete_build, m, multi_free, cancellable, callback, user_data);
}

gboolean
at_s3_client_multipart_complete_finish (AtS3Client    *self,
                                        GAsyncResult  *result,
                                        GError       **error)
{
  /* (an error inside a 200, as S3 may answer when completing takes long,
   * is one of the call's: asked again if it may pass) */
  g_autoptr(GBytes) body = _at_s3_call_finish (self, result, NULL, error);

  return body != NULL;
}

static SoupMessage *
abort_build (AtS3Client *self, gpointer data, GError **error)
{
  Multi *m = data;
  const AtS3Pair query[] = { { "uploadId", m->upload_id } };

  return _at_s3_request_new (self, "DELETE", m->key, query, 1, AT_S3_EMPTY_SHA256, NULL, 0, error);
}

void
at_s3_client_multipart_abort (AtS3Client          *self,
                              const char          *key,
                              const char          *upload_id,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  Multi *m = g_new0 (Multi, 1);

  m->key = g_strdup (key);
  m->upload_id = g_strdup (upload_id);
  _at_s3_call (self, FALSE, abort_build, m, multi_free, cancellable, callback, user_data);
}

gboolean
at_s3_client_multipart_abort_finish (AtS3Client    *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  g_autoptr(GBytes) body = _at_s3_call_finish (self, result, NULL, error);

  return body != NULL;
}
