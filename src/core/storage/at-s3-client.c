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

#include "at-s3-client-private.h"

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
  guint        attempts;   /* per call, the first included */
  guint        backoff_ms; /* the first pause; each next one doubles */
};

#define MAX_BACKOFF_MS 20000

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

/* ---- requests ---- */

SoupMessage *
_at_s3_request_new (AtS3Client     *self,
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

/* ---- calls, with retries ---- */

typedef struct
{
  gboolean        replay;
  AtS3Build       build;
  gpointer        data;
  GDestroyNotify  destroy;
  SoupMessage    *msg;
  guint           attempt;
} Call;

static void
call_free (gpointer data)
{
  Call *c = data;

  if (c->destroy != NULL)
    c->destroy (c->data);
  g_clear_object (&c->msg);
  g_free (c);
}

static void call_attempt (GTask *task);

static gboolean
call_again (gpointer data)
{
  GTask *task = data;

  if (g_task_return_error_if_cancelled (task))
    g_object_unref (task);
  else
    call_attempt (task);
  return G_SOURCE_REMOVE;
}

static void
call_done (GObject *source, GAsyncResult *result, gpointer data)
{
  GTask *task = data;
  AtS3Client *self = g_task_get_source_object (task);
  Call *c = g_task_get_task_data (task);
  GError *cause = NULL, *error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &cause);

  if (body == NULL)
    _at_s3_set_transport_error (&error, cause);
  else if (!SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (c->msg)))
    _at_s3_set_refusal (&error, c->msg, body);
  if (error == NULL)
    {
      g_task_return_pointer (task, g_steal_pointer (&body), (GDestroyNotify) g_bytes_unref);
      g_object_unref (task);
      return;
    }
  if ((_at_s3_error_is_transient (error) || (c->replay && g_error_matches (error, AT_S3_ERROR, AT_S3_ERROR_INTEGRITY))) &&
      c->attempt + 1 < self->attempts)
    {
      /* exponential, with jitter: many clients that failed together do not come back together */
      guint pause = MIN (MAX_BACKOFF_MS, self->backoff_ms << MIN (c->attempt, 16u));

      pause = pause / 2 + g_random_int_range (0, pause / 2 + 1);
      g_debug ("%s failed (%s): again in %u ms", soup_message_get_method (c->msg), error->message, pause);
      g_error_free (error);
      c->attempt++;
      g_timeout_add (pause, call_again, task);
      return;
    }
  g_task_return_error (task, error);
  g_object_unref (task);
}

static void
call_attempt (GTask *task)
{
  AtS3Client *self = g_task_get_source_object (task);
  Call *c = g_task_get_task_data (task);
  GError *error = NULL;

  g_clear_object (&c->msg);
  if ((c->msg = c->build (self, c->data, &error)) == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  soup_session_send_and_read_async (self->session, c->msg, G_PRIORITY_DEFAULT, g_task_get_cancellable (task), call_done,
                                    task);
}

void
_at_s3_call (AtS3Client          *self,
             gboolean             replay,
             AtS3Build            build,
             gpointer             data,
             GDestroyNotify       destroy,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Call *c = g_new0 (Call, 1);

  c->replay = replay;
  c->build = build;
  c->data = data;
  c->destroy = destroy;
  g_task_set_source_tag (task, _at_s3_call);
  g_task_set_task_data (task, c, call_free);
  call_attempt (task);
}

GBytes *
_at_s3_call_finish (AtS3Client    *self,
                    GAsyncResult  *result,
                    SoupMessage  **msg,
                    GError       **error)
{
  Call *c = g_task_get_task_data (G_TASK (result));

  if (msg != NULL)
    *msg = c->msg ? g_object_ref (c->msg) : NULL;
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* A call with no body: method, key and query. */
typedef struct
{
  char     *method;
  char     *key;
  AtS3Pair  query[3];
  guint     n_query;
  char     *strings[6];
} Plain;

static void
plain_free (gpointer data)
{
  Plain *p = data;

  g_free (p->method);
  g_free (p->key);
  for (guint i = 0; i < G_N_ELEMENTS (p->strings); i++)
    g_free (p->strings[i]);
  g_free (p);
}

static SoupMessage *
plain_build (AtS3Client *self, gpointer data, GError **error)
{
  Plain *p = data;

  return _at_s3_request_new (self, p->method, p->key, p->query, p->n_query, AT_S3_EMPTY_SHA256, NULL, 0);
}

static void
call_plain (AtS3Client          *self,
            const char          *method,
            const char          *key,
            const AtS3Pair      *query,
            guint                n_query,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  Plain *p = g_new0 (Plain, 1);

  g_assert (n_query <= G_N_ELEMENTS (p->query));
  p->method = g_strdup (method);
  p->key = g_strdup (key);
  for (guint i = 0; i < n_query; i++)
    {
      p->strings[2 * i] = g_strdup (query[i].name);
      p->strings[2 * i + 1] = g_strdup (query[i].value);
      p->query[i] = (AtS3Pair) { p->strings[2 * i], p->strings[2 * i + 1] };
    }
  p->n_query = n_query;
  _at_s3_call (self, FALSE, plain_build, p, plain_free, cancellable, callback, user_data);
}

void
at_s3_client_set_retries (AtS3Client *self,
                          guint       attempts,
                          guint       backoff_ms)
{
  g_return_if_fail (AT_IS_S3_CLIENT (self));
  self->attempts = MAX (attempts, 1);
  self->backoff_ms = MAX (backoff_ms, 1);
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
    soup_message_set_request_body_from_bytes (msg, "application/octet-stream", p->bytes);
  else if ((in = g_file_read (p->file, NULL, error)) != NULL)
    soup_message_set_request_body (msg, "application/octet-stream", G_INPUT_STREAM (in), p->size);
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
          _at_s3_set_transport_error (&offline, error);
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

  _at_s3_set_refusal (&error, g->msg, body);
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
      _at_s3_set_transport_error (&error, cause);
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
  g->msg = _at_s3_request_new (self, "GET", key, NULL, 0, AT_S3_EMPTY_SHA256, extra, range ? 1 : 0);
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
  call_plain (self, "HEAD", key, NULL, 0, cancellable, callback, user_data);
}

AtS3Object *
at_s3_client_head_finish (AtS3Client    *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) body = _at_s3_call_finish (self, result, &msg, error);
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
  call_plain (self, "DELETE", key, NULL, 0, cancellable, callback, user_data);
}

gboolean
at_s3_client_delete_finish (AtS3Client    *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_autoptr(GBytes) body = _at_s3_call_finish (self, result, NULL, error);

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
  AtS3Xml x = AT_S3_XML_INIT;

  if (body == NULL)
    _at_s3_set_transport_error (&error, cause);
  else if (!SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (msg)) &&
           !(_at_s3_xml_parse (body, &x, NULL) && g_strcmp0 (x.code, "BucketAlreadyOwnedByYou") == 0))
    _at_s3_set_refusal (&error, msg, body);
  _at_s3_xml_clear (&x);
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
  g_autoptr(SoupMessage) msg = _at_s3_request_new (self, "PUT", NULL, NULL, 0, AT_S3_EMPTY_SHA256, NULL, 0);

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
  g_autoptr(GBytes) body = _at_s3_call_finish (AT_S3_CLIENT (source), result, NULL, &error);
  AtS3Xml x = AT_S3_XML_INIT;

  x.objects = g_ptr_array_ref (l->objects);
  if (body == NULL || !_at_s3_xml_parse (body, &x, &error))
    {
      _at_s3_xml_clear (&x);
      g_task_return_error (task, error);
      return;
    }
  g_clear_pointer (&l->token, g_free);
  if (x.truncated && x.token != NULL)
    {
      l->token = g_steal_pointer (&x.token);
      _at_s3_xml_clear (&x);
      list_next (g_steal_pointer (&task));
      return;
    }
  _at_s3_xml_clear (&x);
  g_task_return_pointer (task, g_ptr_array_ref (l->objects), (GDestroyNotify) g_ptr_array_unref);
}

static void
list_next (GTask *task)
{
  AtS3Client *self = g_task_get_source_object (task);
  List *l = g_task_get_task_data (task);
  AtS3Pair query[3] = { { "list-type", "2" }, { "prefix", l->prefix } };
  guint n = 2;

  if (l->token != NULL)
    query[n++] = (AtS3Pair) { "continuation-token", l->token };
  call_plain (self, "GET", NULL, query, n, g_task_get_cancellable (task), list_page, task);
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
  self->attempts = 6;
  self->backoff_ms = 250;
  self->session = soup_session_new_with_options ("user-agent", "Atelier/" PACKAGE_VERSION, "timeout", 60, NULL);
}
