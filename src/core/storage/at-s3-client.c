/* at-s3-client.c — AtS3Client: S3 requests over libsoup 3.
 *
 * Every request is path-style (endpoint/bucket/key), signed with SigV4 over
 * the exact path and query it carries. A PUT signs the body's SHA-256
 * (read once, on a worker, before the upload) and also sends it as
 * x-amz-checksum-sha256, so the server stores nothing but those bytes; the
 * body itself is streamed from the file. A GET streams into FILE.part and
 * renames it when complete. S3's XML errors become AT_S3_ERROR codes with
 * the server's message.
 */
#define G_LOG_DOMAIN "atelier-storage"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "at-s3-client.h"
#include "at-s3-sign.h"

G_DEFINE_QUARK (at-s3-error-quark, at_s3_error)

struct _AtS3Client
{
  GObject      parent_instance;
  SoupSession *session;
  char        *base;       /* scheme://host[:port] */
  char        *host;       /* host[:port], as the Host header says */
  char        *region;
  char        *bucket;
  char        *access_key;
  char        *secret_key;
};

G_DEFINE_FINAL_TYPE (AtS3Client, at_s3_client, G_TYPE_OBJECT)

void
at_s3_object_free (AtS3Object *object)
{
  if (object == NULL)
    return;
  g_free (object->key);
  g_free (object->etag);
  g_free (object->last_modified);
  g_free (object);
}

/* ---- XML answers: errors and listings ---- */

typedef struct
{
  GString    *text;
  char       *code;
  char       *message;
  GPtrArray  *objects;      /* of AtS3Object, when listing */
  AtS3Object *current;
  gboolean    truncated;
  char       *token;
} Xml;

/* (g_set_str() is GLib 2.76) */
static void
set_text (char **to, const char *text)
{
  g_free (*to);
  *to = g_strdup (text);
}

static void
xml_start (GMarkupParseContext *context, const char *name, const char **attr_names, const char **attr_values,
           gpointer data, GError **error)
{
  Xml *x = data;

  g_string_truncate (x->text, 0);
  if (g_str_equal (name, "Contents") && x->objects != NULL)
    x->current = g_new0 (AtS3Object, 1);
}

static void
xml_end (GMarkupParseContext *context, const char *name, gpointer data, GError **error)
{
  Xml *x = data;
  const char *t = x->text->str;

  if (g_str_equal (name, "Code"))
    set_text (&x->code, t);
  else if (g_str_equal (name, "Message"))
    set_text (&x->message, t);
  else if (g_str_equal (name, "IsTruncated"))
    x->truncated = g_str_equal (t, "true");
  else if (g_str_equal (name, "NextContinuationToken"))
    set_text (&x->token, t);
  else if (x->current != NULL && g_str_equal (name, "Key"))
    set_text (&x->current->key, t);
  else if (x->current != NULL && g_str_equal (name, "Size"))
    x->current->size = g_ascii_strtoll (t, NULL, 10);
  else if (x->current != NULL && g_str_equal (name, "ETag"))
    set_text (&x->current->etag, t);
  else if (x->current != NULL && g_str_equal (name, "LastModified"))
    set_text (&x->current->last_modified, t);
  else if (x->current != NULL && g_str_equal (name, "Contents"))
    g_ptr_array_add (x->objects, g_steal_pointer (&x->current));
  g_string_truncate (x->text, 0);
}

static void
xml_text (GMarkupParseContext *context, const char *text, gsize len, gpointer data, GError **error)
{
  g_string_append_len (((Xml *) data)->text, text, len);
}

static const GMarkupParser xml_parser = { xml_start, xml_end, xml_text, NULL, NULL };

static void
xml_clear (Xml *x)
{
  g_string_free (x->text, TRUE);
  g_free (x->code);
  g_free (x->message);
  g_free (x->token);
  at_s3_object_free (x->current);
  g_clear_pointer (&x->objects, g_ptr_array_unref);
}

static gboolean
xml_parse (GBytes *body, Xml *x, GError **error)
{
  g_autoptr(GMarkupParseContext) context = g_markup_parse_context_new (&xml_parser, 0, x, NULL);
  gsize len = 0;
  const char *data = body ? g_bytes_get_data (body, &len) : NULL;

  return len == 0 || (g_markup_parse_context_parse (context, data, len, error) &&
                      g_markup_parse_context_end_parse (context, error));
}

/* A refusal as the user can act on it. */
static void
set_refusal (GError **error, SoupMessage *msg, GBytes *body)
{
  Xml x = { g_string_new (NULL) };
  guint status = soup_message_get_status (msg);
  const char *code, *message;
  int kind;

  xml_parse (body, &x, NULL);
  code = x.code ? x.code : "";
  message = x.message ? x.message : soup_message_get_reason_phrase (msg);
  if (g_str_equal (code, "SignatureDoesNotMatch") || g_str_equal (code, "InvalidAccessKeyId") ||
      g_str_equal (code, "AccessDenied") || status == 401 || (status == 403 && *code == '\0'))
    kind = AT_S3_ERROR_AUTH;
  else if (g_str_equal (code, "NoSuchBucket") || g_str_equal (code, "NoSuchKey") || status == 404)
    kind = AT_S3_ERROR_NOT_FOUND;
  else if (g_str_equal (code, "RequestTimeTooSkewed"))
    kind = AT_S3_ERROR_CLOCK;
  else if (g_str_equal (code, "BadDigest") || g_str_equal (code, "XAmzContentSHA256Mismatch") ||
           g_str_equal (code, "InvalidDigest"))
    kind = AT_S3_ERROR_INTEGRITY;
  else if (status >= 500 || g_str_equal (code, "SlowDown"))
    kind = AT_S3_ERROR_SERVER;
  else
    kind = AT_S3_ERROR_FAILED;

  switch (kind)
    {
    case AT_S3_ERROR_AUTH:
      g_set_error (error, AT_S3_ERROR, kind, _("The storage server refused the keys (%s): check the access key and secret"),
                   message);
      break;
    case AT_S3_ERROR_NOT_FOUND:
      g_set_error (error, AT_S3_ERROR, kind, g_str_equal (code, "NoSuchBucket")
                   ? _("There is no bucket by that name on the storage server (%s)")
                   : _("There is no such object on the storage server (%s)"), message);
      break;
    case AT_S3_ERROR_CLOCK:
      g_set_error (error, AT_S3_ERROR, kind, _("This computer’s clock is too far from the storage server’s: set the date "
                                               "and time right (%s)"), message);
      break;
    case AT_S3_ERROR_INTEGRITY:
      g_set_error (error, AT_S3_ERROR, kind, _("The storage server received other bytes than were sent (a file changed "
                                               "while uploading?): nothing was stored (%s)"), message);
      break;
    default:
      g_set_error (error, AT_S3_ERROR, kind, _("The storage server answered %u %s"), status, message);
    }
  xml_clear (&x);
}

static void
set_transport_error (GError **error, GError *cause)
{
  if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_propagate_error (error, cause);
  else
    {
      g_set_error (error, AT_S3_ERROR, AT_S3_ERROR_OFFLINE, _("The storage server cannot be reached: %s"), cause->message);
      g_error_free (cause);
    }
}

/* ---- requests ---- */

static SoupMessage *
request_new (AtS3Client     *self,
             const char     *method,
             const char     *key,
             const AtS3Pair *query,
             guint           n_query,
             const char     *payload_sha256,
             const AtS3Pair *extra,
             guint           n_extra)
{
  g_autofree char *path = key ? g_strdup_printf ("/%s/%s", self->bucket, key) : g_strdup_printf ("/%s", self->bucket);
  g_autofree char *encoded = at_s3_uri_encode (path, TRUE);
  g_autofree char *qs = at_s3_query_string (query, n_query);
  g_autofree char *url = g_strdup_printf ("%s%s%s%s", self->base, encoded, *qs ? "?" : "", qs);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *amz_date = at_s3_amz_date (now);
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, NULL);
  g_autofree AtS3Pair *headers = g_new0 (AtS3Pair, 3 + n_extra);
  g_autofree char *auth = NULL;
  SoupMessage *msg;
  SoupMessageHeaders *h;

  g_return_val_if_fail (uri != NULL, NULL);
  msg = soup_message_new_from_uri (method, uri);
  h = soup_message_get_request_headers (msg);
  headers[0] = (AtS3Pair) { "host", self->host };
  headers[1] = (AtS3Pair) { "x-amz-date", amz_date };
  headers[2] = (AtS3Pair) { "x-amz-content-sha256", payload_sha256 };
  for (guint i = 0; i < n_extra; i++)
    {
      headers[3 + i] = extra[i];
      soup_message_headers_replace (h, extra[i].name, extra[i].value);
    }
  auth = at_s3_authorization (&(AtS3Signer) { self->access_key, self->secret_key, self->region }, method, path, query,
                              n_query, headers, 3 + n_extra, payload_sha256);
  soup_message_headers_replace (h, "Host", self->host);
  soup_message_headers_replace (h, "x-amz-date", amz_date);
  soup_message_headers_replace (h, "x-amz-content-sha256", payload_sha256);
  soup_message_headers_replace (h, "Authorization", auth);
  return msg;
}

/* A request with no streamed body and a small answer: the answer's bytes,
 * or the refusal. */
static void
simple_done (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GTask) task = data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  GError *cause = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &cause);
  GError *error = NULL;

  if (body == NULL)
    {
      set_transport_error (&error, cause);
      g_task_return_error (task, error);
    }
  else if (!SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (msg)))
    {
      set_refusal (&error, msg, body);
      g_task_return_error (task, error);
    }
  else
    g_task_return_pointer (task, g_bytes_ref (body), (GDestroyNotify) g_bytes_unref);
}

static void
send_simple (AtS3Client *self, SoupMessage *msg, GTask *task)
{
  g_task_set_task_data (task, g_object_ref (msg), g_object_unref);
  soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT, g_task_get_cancellable (task), simple_done,
                                    task);
}

/* ---- the client ---- */

AtS3Client *
at_s3_client_new (const char  *endpoint,
                  const char  *region,
                  const char  *bucket,
                  const char  *access_key,
                  const char  *secret_key,
                  GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  AtS3Client *self;
  int port;

  if (endpoint == NULL || *endpoint == '\0' || bucket == NULL || *bucket == '\0' || access_key == NULL ||
      *access_key == '\0' || secret_key == NULL || *secret_key == '\0')
    {
      g_set_error (error, AT_S3_ERROR, AT_S3_ERROR_CONFIG,
                   _("The storage server needs an endpoint, a bucket, an access key and a secret key"));
      return NULL;
    }
  uri = g_uri_parse (endpoint, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL ||
      (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0 && g_strcmp0 (g_uri_get_scheme (uri), "https") != 0))
    {
      g_set_error (error, AT_S3_ERROR, AT_S3_ERROR_CONFIG, _("“%s” is not an http:// or https:// address"), endpoint);
      return NULL;
    }
  if (strchr (bucket, '/') != NULL)
    {
      g_set_error (error, AT_S3_ERROR, AT_S3_ERROR_CONFIG, _("“%s” is not a bucket name"), bucket);
      return NULL;
    }
  self = g_object_new (AT_TYPE_S3_CLIENT, NULL);
  port = g_uri_get_port (uri);
  self->host = port > 0 ? g_strdup_printf ("%s:%d", g_uri_get_host (uri), port) : g_strdup (g_uri_get_host (uri));
  self->base = g_strdup_printf ("%s://%s", g_uri_get_scheme (uri), self->host);
  self->region = g_strdup (region && *region ? region : "us-east-1");
  self->bucket = g_strdup (bucket);
  self->access_key = g_strdup (access_key);
  self->secret_key = g_strdup (secret_key);
  return self;
}

AtS3Client *
at_s3_client_new_from_env (const char  *endpoint,
                           const char  *region,
                           const char  *bucket,
                           GError     **error)
{
  if (region == NULL)
    region = g_getenv ("AWS_REGION") ? g_getenv ("AWS_REGION") : g_getenv ("AWS_DEFAULT_REGION");
  return at_s3_client_new (endpoint ? endpoint : g_getenv ("AWS_ENDPOINT_URL"), region, bucket,
                           g_getenv ("AWS_ACCESS_KEY_ID"), g_getenv ("AWS_SECRET_ACCESS_KEY"), error);
}

const char *
at_s3_client_get_bucket (AtS3Client *self)
{
  g_return_val_if_fail (AT_IS_S3_CLIENT (self), NULL);
  return self->bucket;
}

char *
at_s3_client_presign (AtS3Client  *self,
                      const char  *key,
                      guint        expires,
                      GError     **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *amz_date = at_s3_amz_date (now);
  g_autofree char *path = g_strdup_printf ("/%s/%s", self->bucket, key);
  g_autofree char *encoded = at_s3_uri_encode (path, TRUE);
  g_autofree char *query = NULL;

  if (expires < 1 || expires > AT_S3_PRESIGN_MAX_SECONDS)
    {
      g_set_error (error, AT_S3_ERROR, AT_S3_ERROR_CONFIG, _("A link lasts from one second to seven days (%u seconds)"),
                   (guint) AT_S3_PRESIGN_MAX_SECONDS);
      return NULL;
    }
  query = at_s3_presign_query (&(AtS3Signer) { self->access_key, self->secret_key, self->region }, "GET", self->host, path,
                               amz_date, expires);
  return g_strdup_printf ("%s%s?%s", self->base, encoded, query);
}

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
  SoupMessage  *msg;
} Put;

static void
put_free (gpointer data)
{
  Put *p = data;

  g_object_unref (p->file);
  g_free (p->key);
  g_free (p->sha256_hex);
  g_free (p->sha256_b64);
  g_clear_object (&p->msg);
  g_free (p);
}

/* On a worker: the file's size and SHA-256, read once. */
static void
put_hash_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Put *p = data;
  g_autoptr(GFileInputStream) in = NULL;
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guint8 *buffer = g_malloc (1 << 20);
  guint8 digest[32];
  gsize len = sizeof digest;
  GError *error = NULL;
  gssize n;

  if ((in = g_file_read (p->file, cancellable, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  while ((n = g_input_stream_read (G_INPUT_STREAM (in), buffer, 1 << 20, cancellable, &error)) > 0)
    {
      g_checksum_update (sum, buffer, n);
      p->size += n;
    }
  if (n < 0)
    {
      g_task_return_error (task, error);
      return;
    }
  g_checksum_get_digest (sum, digest, &len);
  p->sha256_hex = g_strdup (g_checksum_get_string (sum));
  p->sha256_b64 = g_base64_encode (digest, len);
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
  GError *cause = NULL, *error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &cause);

  if (body == NULL)
    {
      set_transport_error (&error, cause);
      g_task_return_error (task, error);
    }
  else if (!SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (p->msg)))
    {
      set_refusal (&error, p->msg, body);
      g_task_return_error (task, error);
    }
  else
    g_task_return_boolean (task, TRUE);
}

static void
put_hashed (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GTask) task = data;
  AtS3Client *self = g_task_get_source_object (task);
  Put *p = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(GFileInputStream) in = NULL;
  GCancellable *cancellable;
  AtS3Pair with_sum[1];

  if (!g_task_propagate_boolean (G_TASK (result), &error) ||
      (in = g_file_read (p->file, g_task_get_cancellable (task), &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  with_sum[0] = (AtS3Pair) { "x-amz-checksum-sha256", p->sha256_b64 };
  p->msg = request_new (self, "PUT", p->key, NULL, 0, p->sha256_hex, with_sum, 1);
  soup_message_set_request_body (p->msg, "application/octet-stream", G_INPUT_STREAM (in), p->size);
  g_signal_connect (p->msg, "wrote-body-data", G_CALLBACK (put_wrote), p);
  /* (the cancellable first: arguments are evaluated in any order) */
  cancellable = g_task_get_cancellable (task);
  soup_session_send_and_read_async (self->session, p->msg, G_PRIORITY_DEFAULT, cancellable, put_sent, g_steal_pointer (&task));
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

/* ---- GET ---- */

typedef struct
{
  GFile       *file;
  GFile       *partial;
  SoupMessage *msg;
} Get;

static void
get_free (gpointer data)
{
  Get *g = data;

  g_object_unref (g->file);
  g_object_unref (g->partial);
  g_clear_object (&g->msg);
  g_free (g);
}

static void
get_spliced (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GTask) task = data;
  Get *g = g_task_get_task_data (task);
  GError *error = NULL;

  if (g_output_stream_splice_finish (G_OUTPUT_STREAM (source), result, &error) < 0 ||
      !g_file_move (g->partial, g->file, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &error))
    {
      g_file_delete (g->partial, NULL, NULL);
      /* the disk's own troubles as they are; anything else broke the link */
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE) ||
          g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED) ||
          g_error_matches (error, G_IO_ERROR, G_IO_ERROR_READ_ONLY))
        g_task_return_error (task, error);
      else
        {
          GError *offline = NULL;
          set_transport_error (&offline, error);
          g_task_return_error (task, offline);
        }
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
get_refused (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GTask) task = data;
  Get *g = g_task_get_task_data (task);
  g_autoptr(GBytes) body = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, NULL);
  GError *error = NULL;

  set_refusal (&error, g->msg, body);
  g_task_return_error (task, error);
}

static void
get_answered (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GTask) task = data;
  Get *g = g_task_get_task_data (task);
  GError *cause = NULL, *error = NULL;
  g_autoptr(GInputStream) in = soup_session_send_finish (SOUP_SESSION (source), result, &cause);
  g_autoptr(GFileOutputStream) out = NULL;
  GCancellable *cancellable = g_task_get_cancellable (task);

  if (in == NULL)
    {
      set_transport_error (&error, cause);
      g_task_return_error (task, error);
      return;
    }
  if (!SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (g->msg)))
    {
      g_input_stream_read_bytes_async (in, 65536, G_PRIORITY_DEFAULT, cancellable, get_refused, g_steal_pointer (&task));
      return;
    }
  if ((out = g_file_replace (g->partial, NULL, FALSE, G_FILE_CREATE_NONE, cancellable, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_output_stream_splice_async (G_OUTPUT_STREAM (out), in,
                                G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE | G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
                                G_PRIORITY_DEFAULT, cancellable, get_spliced, g_steal_pointer (&task));
}

void
at_s3_client_get_file (AtS3Client          *self,
                       const char          *key,
                       goffset              from,
                       goffset              to,
                       GFile               *file,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Get *g = g_new0 (Get, 1);
  g_autofree char *range = to >= 0 ? g_strdup_printf ("bytes=%" G_GINT64_FORMAT "-%" G_GINT64_FORMAT, (gint64) from,
                                                      (gint64) to) : NULL;
  g_autofree char *name = g_strconcat (g_file_peek_path (file), ".part", NULL);
  const AtS3Pair extra[] = { { "range", range } };

  g->file = g_object_ref (file);
  g->partial = g_file_new_for_path (name);
  g->msg = request_new (self, "GET", key, NULL, 0, AT_S3_EMPTY_SHA256, extra, range ? 1 : 0);
  g_task_set_source_tag (task, at_s3_client_get_file);
  g_task_set_task_data (task, g, get_free);
  soup_session_send_async (self->session, g->msg, G_PRIORITY_DEFAULT, cancellable, get_answered, task);
}

gboolean
at_s3_client_get_file_finish (AtS3Client    *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- HEAD, DELETE, bucket ---- */

void
at_s3_client_head (AtS3Client          *self,
                   const char          *key,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(SoupMessage) msg = request_new (self, "HEAD", key, NULL, 0, AT_S3_EMPTY_SHA256, NULL, 0);

  g_task_set_source_tag (task, at_s3_client_head);
  send_simple (self, msg, task);
}

AtS3Object *
at_s3_client_head_finish (AtS3Client    *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_autoptr(GBytes) body = g_task_propagate_pointer (G_TASK (result), error);
  SoupMessage *msg = g_task_get_task_data (G_TASK (result));
  SoupMessageHeaders *h;
  AtS3Object *o;

  if (body == NULL)
    return NULL;
  h = soup_message_get_response_headers (msg);
  o = g_new0 (AtS3Object, 1);
  /* the path is /bucket/key, encoded */
  o->key = g_uri_unescape_string (g_uri_get_path (soup_message_get_uri (msg)) + strlen (self->bucket) + 2, NULL);
  o->size = soup_message_headers_get_content_length (h);
  o->etag = g_strdup (soup_message_headers_get_one (h, "ETag"));
  o->last_modified = g_strdup (soup_message_headers_get_one (h, "Last-Modified"));
  return o;
}

void
at_s3_client_delete (AtS3Client          *self,
                     const char          *key,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(SoupMessage) msg = request_new (self, "DELETE", key, NULL, 0, AT_S3_EMPTY_SHA256, NULL, 0);

  g_task_set_source_tag (task, at_s3_client_delete);
  send_simple (self, msg, task);
}

gboolean
at_s3_client_delete_finish (AtS3Client    *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_autoptr(GBytes) body = g_task_propagate_pointer (G_TASK (result), error);

  return body != NULL;
}

/* A bucket that is ours already is what was asked for. */
static void
bucket_done (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GTask) task = data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  GError *cause = NULL, *error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &cause);
  Xml x = { g_string_new (NULL) };

  if (body == NULL)
    set_transport_error (&error, cause);
  else if (!SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (msg)) &&
           !(xml_parse (body, &x, NULL) && g_strcmp0 (x.code, "BucketAlreadyOwnedByYou") == 0))
    set_refusal (&error, msg, body);
  xml_clear (&x);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_bytes_new (NULL, 0), (GDestroyNotify) g_bytes_unref);
}

void
at_s3_client_create_bucket (AtS3Client          *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(SoupMessage) msg = request_new (self, "PUT", NULL, NULL, 0, AT_S3_EMPTY_SHA256, NULL, 0);

  g_task_set_source_tag (task, at_s3_client_create_bucket);
  g_task_set_task_data (task, g_object_ref (msg), g_object_unref);
  soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT, cancellable, bucket_done, task);
}

gboolean
at_s3_client_create_bucket_finish (AtS3Client    *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_autoptr(GBytes) body = g_task_propagate_pointer (G_TASK (result), error);

  return body != NULL;
}

/* ---- ListObjectsV2 ---- */

typedef struct
{
  char      *prefix;
  char      *token;
  GPtrArray *objects;
} List;

static void
list_free (gpointer data)
{
  List *l = data;

  g_free (l->prefix);
  g_free (l->token);
  g_ptr_array_unref (l->objects);
  g_free (l);
}

static void list_next (GTask *task);

static void
list_page (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GTask) task = data;
  List *l = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(GBytes) body = g_task_propagate_pointer (G_TASK (result), &error);
  Xml x = { g_string_new (NULL) };

  x.objects = g_ptr_array_ref (l->objects);
  if (body == NULL || !xml_parse (body, &x, &error))
    {
      xml_clear (&x);
      g_task_return_error (task, error);
      return;
    }
  g_clear_pointer (&l->token, g_free);
  if (x.truncated && x.token != NULL)
    {
      l->token = g_steal_pointer (&x.token);
      xml_clear (&x);
      list_next (g_steal_pointer (&task));
      return;
    }
  xml_clear (&x);
  g_task_return_pointer (task, g_ptr_array_ref (l->objects), (GDestroyNotify) g_ptr_array_unref);
}

static void
list_next (GTask *task)
{
  AtS3Client *self = g_task_get_source_object (task);
  List *l = g_task_get_task_data (task);
  AtS3Pair query[3] = { { "list-type", "2" }, { "prefix", l->prefix } };
  guint n = 2;
  GTask *page = g_task_new (self, g_task_get_cancellable (task), list_page, task);
  g_autoptr(SoupMessage) msg = NULL;

  if (l->token != NULL)
    query[n++] = (AtS3Pair) { "continuation-token", l->token };
  msg = request_new (self, "GET", NULL, query, n, AT_S3_EMPTY_SHA256, NULL, 0);
  send_simple (self, msg, page);
}

void
at_s3_client_list (AtS3Client          *self,
                   const char          *prefix,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  List *l = g_new0 (List, 1);

  l->prefix = g_strdup (prefix ? prefix : "");
  l->objects = g_ptr_array_new_with_free_func ((GDestroyNotify) at_s3_object_free);
  g_task_set_source_tag (task, at_s3_client_list);
  g_task_set_task_data (task, l, list_free);
  list_next (task);
}

GPtrArray *
at_s3_client_list_finish (AtS3Client    *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
at_s3_client_finalize (GObject *object)
{
  AtS3Client *self = AT_S3_CLIENT (object);

  g_clear_object (&self->session);
  g_free (self->base);
  g_free (self->host);
  g_free (self->region);
  g_free (self->bucket);
  g_free (self->access_key);
  g_free (self->secret_key);
  G_OBJECT_CLASS (at_s3_client_parent_class)->finalize (object);
}

static void
at_s3_client_class_init (AtS3ClientClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = at_s3_client_finalize;
}

static void
at_s3_client_init (AtS3Client *self)
{
  self->session = soup_session_new_with_options ("user-agent", "Atelier/" PACKAGE_VERSION, "timeout", 60, NULL);
}
