/* at-s3-client.c — AtS3Client: S3 requests over libsoup 3; this file holds
 * the object, its signed requests and the calls with retries. The requests
 * themselves: at-s3-client-put.c (a file in one PUT), -objects.c (GET, HEAD,
 * DELETE, listings, buckets), -multipart.c; S3's XML in at-s3-xml.c.
 *
 * Every request is path-style (endpoint/bucket/key), signed with SigV4 over
 * the exact path and query it carries, with its body's SHA-256, so the
 * server stores nothing but those bytes. S3's XML errors become
 * AT_S3_ERROR codes with the server's message.
 */
#define G_LOG_DOMAIN "atelier-storage"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "at-s3-client-private.h"
#include "at-bytes-stream.h"
#include "at-soup-splice.h"
#include "at-throttled-stream.h"

G_DEFINE_QUARK (at-s3-error-quark, at_s3_error)

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
  g_free (object->sha256);
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
             guint           n_extra,
             GError        **error)
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

  if (key != NULL && !at_s3_key_check (key, error))
    return NULL;
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

gboolean
at_s3_key_check (const char  *key,
                 GError     **error)
{
  g_auto(GStrv) steps = NULL;

  g_return_val_if_fail (key != NULL, FALSE);
  if (*key == '\0' || strlen (key) > 1024 || !g_utf8_validate (key, -1, NULL))
    {
      g_set_error (error, AT_S3_ERROR, AT_S3_ERROR_BAD_KEY,
                   _("An object key is 1 to 1024 bytes of UTF-8 text; “%s” is not"), g_utf8_validate (key, -1, NULL) ? key : "?");
      return FALSE;
    }
  steps = g_strsplit (key, "/", -1);
  for (guint i = 0; steps[i] != NULL; i++)
    if (g_str_equal (steps[i], ".") || g_str_equal (steps[i], ".."))
      {
        g_set_error (error, AT_S3_ERROR, AT_S3_ERROR_BAD_KEY,
                     _("“%s” cannot be an object key here: “.” and “..” between slashes would be read as steps between "
                       "folders"), key);
        return FALSE;
      }
  return TRUE;
}

/* S3's rule (3 to 63 characters, lowercase letters, digits, dots and
 * hyphens, a letter or digit at each end), with the capitals and
 * underscores older buckets and some S3-compatible servers allow. */
static gboolean
bucket_is_valid (const char *bucket)
{
  gsize n = strlen (bucket);

  if (n < 3 || n > 63 || !g_ascii_isalnum (bucket[0]) || !g_ascii_isalnum (bucket[n - 1]))
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isalnum (bucket[i]) && strchr (".-_", bucket[i]) == NULL)
      return FALSE;
  return TRUE;
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

/* Again after @ms, or at once if the call is cancelled meanwhile (a pause
 * does not wait out a backoff of many seconds). */
static void
wait_then_call_again (GTask *task, guint ms)
{
  GSource *wait = g_timeout_source_new (ms);
  GCancellable *cancellable = g_task_get_cancellable (task);

  if (cancellable != NULL)
    {
      /* (a child ready makes its parent dispatch) */
      GSource *cancelled = g_cancellable_source_new (cancellable);

      g_source_set_dummy_callback (cancelled);
      g_source_add_child_source (wait, cancelled);
      g_source_unref (cancelled);
    }
  g_source_set_callback (wait, call_again, task, NULL);
  g_source_attach (wait, g_task_get_context (task));
  g_source_unref (wait);
}

/* Whether @body is an S3 error document: S3 may answer 200 and then fail
 * (a CompleteMultipartUpload that takes long, a copy), putting the error
 * in the body after white space it sent to keep the link alive, however
 * much. No successful answer of a call has an <Error> root. */
static gboolean
body_is_error (GBytes *body)
{
  gsize size = 0;
  const char *text = g_bytes_get_data (body, &size);
  const char *end = text + size;

  /* past the XML declaration, comments and white space */
  while (text != NULL && text < end)
    {
      const char *lt = memchr (text, '<', end - text);

      if (lt == NULL || lt + 1 >= end)
        return FALSE;
      if (lt[1] != '?' && lt[1] != '!')
        return end - lt >= 7 && memcmp (lt, "<Error", 6) == 0 && (lt[6] == '>' || g_ascii_isspace (lt[6]));
      text = lt + 1;
    }
  return FALSE;
}

guint
_at_s3_backoff_ms (AtS3Client *self,
                   guint       attempt)
{
  guint pause = MIN (MAX_BACKOFF_MS, self->backoff_ms << MIN (attempt, 16u));

  /* with jitter: many clients that failed together do not come back together */
  return pause / 2 + g_random_int_range (0, pause / 2 + 1);
}

gboolean
_at_s3_sleep (guint         ms,
              GCancellable *cancellable)
{
  gint64 until = g_get_monotonic_time () + (gint64) ms * 1000;
  gint64 now;

  while ((now = g_get_monotonic_time ()) < until && !g_cancellable_is_cancelled (cancellable))
    g_usleep (MIN (until - now, 50000));
  return !g_cancellable_is_cancelled (cancellable);
}

/* One answer (or transport failure) of an attempt: done, or again later. */
static void
call_answered (GTask *task, GBytes *body, GError *cause)
{
  AtS3Client *self = g_task_get_source_object (task);
  Call *c = g_task_get_task_data (task);
  GError *error = NULL;

  if (body == NULL)
    _at_s3_set_transport_error (&error, cause);
  else if (!SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (c->msg)) || body_is_error (body))
    _at_s3_set_refusal (&error, c->msg, body);
  if (error == NULL)
    {
      g_task_return_pointer (task, body, (GDestroyNotify) g_bytes_unref);
      g_object_unref (task);
      return;
    }
  g_clear_pointer (&body, g_bytes_unref);
  if ((_at_s3_error_is_transient (error) || (c->replay && g_error_matches (error, AT_S3_ERROR, AT_S3_ERROR_INTEGRITY))) &&
      c->attempt + 1 < self->attempts)
    {
      guint pause = _at_s3_backoff_ms (self, c->attempt);

      g_debug ("%s failed (%s): again in %u ms", soup_message_get_method (c->msg), error->message, pause);
      g_error_free (error);
      c->attempt++;
      wait_then_call_again (task, pause);
      return;
    }
  g_task_return_error (task, error);
  g_object_unref (task);
}

static void
call_done (GObject *source, GAsyncResult *result, gpointer data)
{
  GError *cause = NULL;
  GBytes *body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &cause);

  call_answered (data, body, cause);
}

/* A request with a body is sent from a thread of the client's own: libsoup's
 * asynchronous writer moves a body 8 KiB and two main-loop turns at a time
 * (GIO's splice), which cost a photo upload a fifth of its speed; a blocking
 * send moves it without the main loop, as curl does, and in pieces as big
 * as curl's (at-soup-splice.c). Since libsoup 3.2 any thread may send on the
 * session; the answer comes back to the caller's context. */
static void
send_thread (gpointer data, gpointer pool_data)
{
  GTask *send = data;   /* its reference goes on to call_sent: the last one is dropped there */
  AtS3Client *self = g_task_get_source_object (send);
  GError *error = NULL;
  GBytes *body;

  at_soup_splice_widen ();
  body = soup_session_send_and_read (self->session, g_task_get_task_data (send), g_task_get_cancellable (send), &error);
  if (body == NULL)
    g_task_return_error (send, error);
  else
    g_task_return_pointer (send, body, (GDestroyNotify) g_bytes_unref);
}

static void
call_sent (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GTask) send = G_TASK (result);   /* send_thread's reference */
  GError *cause = NULL;
  GBytes *body = g_task_propagate_pointer (send, &cause);

  call_answered (data, body, cause);
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
  if (soup_message_headers_get_content_length (soup_message_get_request_headers (c->msg)) > 0)
    {
      GTask *send = g_task_new (self, g_task_get_cancellable (task), call_sent, task);

      g_task_set_task_data (send, g_object_ref (c->msg), g_object_unref);
      g_thread_pool_push (self->senders, send, NULL);
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
  /* an answer that came is given even if the cancel came after it: a
   * multipart upload the server has started must be known to be aborted,
   * a part it has taken to be counted (a cancel before the answer still
   * ends the call as cancelled) */
  g_task_set_check_cancellable (task, FALSE);
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

  return _at_s3_request_new (self, p->method, p->key, p->query, p->n_query, AT_S3_EMPTY_SHA256, NULL, 0, error);
}

void
_at_s3_call_plain (AtS3Client          *self,
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
_at_s3_set_upload_body (AtS3Client   *self,
                        SoupMessage  *msg,
                        GBytes       *bytes,
                        GInputStream *stream,
                        goffset       size)
{
  g_autoptr(GInputStream) memory = NULL;
  g_autoptr(GInputStream) throttled = NULL;

  if (at_rate_limit_get_rate (self->limit) == 0)
    {
      /* (bytes as an AtBytesStream: the splice sends them from where they are) */
      if (bytes != NULL)
        {
          stream = memory = at_bytes_stream_new (bytes);
          size = (goffset) g_bytes_get_size (bytes);
        }
      soup_message_set_request_body (msg, "application/octet-stream", stream, size);
      return;
    }
  if (bytes != NULL)
    {
      stream = memory = g_memory_input_stream_new_from_bytes (bytes);
      size = g_bytes_get_size (bytes);
    }
  throttled = at_throttled_stream_new (stream, self->limit);
  soup_message_set_request_body (msg, "application/octet-stream", throttled, size);
}

void
at_s3_client_set_upload_limit (AtS3Client *self,
                               guint64     bytes_per_second)
{
  g_return_if_fail (AT_IS_S3_CLIENT (self));
  at_rate_limit_set_rate (self->limit, bytes_per_second);
}

guint64
at_s3_client_get_upload_limit (AtS3Client *self)
{
  g_return_val_if_fail (AT_IS_S3_CLIENT (self), 0);
  return at_rate_limit_get_rate (self->limit);
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
  g_autofree char *host = NULL;
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
  if (!bucket_is_valid (bucket))
    {
      g_set_error (error, AT_S3_ERROR, AT_S3_ERROR_CONFIG,
                   _("“%s” is not a bucket name: 3 to 63 letters, digits, dots and hyphens, with a letter or digit at each "
                     "end"), bucket);
      return NULL;
    }
  self = g_object_new (AT_TYPE_S3_CLIENT, NULL);
  port = g_uri_get_port (uri);
  /* (an IPv6 address is written in brackets, in the URL and the Host header) */
  host = strchr (g_uri_get_host (uri), ':') != NULL ? g_strdup_printf ("[%s]", g_uri_get_host (uri))
                                                    : g_strdup (g_uri_get_host (uri));
  self->host = port > 0 ? g_strdup_printf ("%s:%d", host, port) : g_strdup (host);
  self->base = g_strdup_printf ("%s://%s", g_uri_get_scheme (uri), self->host);
  {
    g_autofree char *lower = g_ascii_strdown (host, -1);
    gboolean own_port = port == (g_str_equal (g_uri_get_scheme (uri), "https") ? 443 : 80);

    self->endpoint = port > 0 && !own_port ? g_strdup_printf ("%s:%d", lower, port) : g_steal_pointer (&lower);
  }
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

const char *
at_s3_client_get_endpoint (AtS3Client *self)
{
  g_return_val_if_fail (AT_IS_S3_CLIENT (self), NULL);
  return self->endpoint;
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

  if (!at_s3_key_check (key, error))
    return NULL;
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

static void
at_s3_client_finalize (GObject *object)
{
  AtS3Client *self = AT_S3_CLIENT (object);

  /* (a send in flight holds the client: none is left) */
  g_thread_pool_free (self->senders, FALSE, FALSE);
  g_clear_object (&self->session);
  g_clear_object (&self->limit);
  g_free (self->base);
  g_free (self->host);
  g_free (self->endpoint);
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
  self->limit = at_rate_limit_new (0);
  self->session = soup_session_new_with_options ("user-agent", "Atelier/" PACKAGE_VERSION, "timeout", 60, NULL);
  /* as many threads as sends at once (the upload queue's files times their parts) */
  self->senders = g_thread_pool_new (send_thread, NULL, -1, FALSE, NULL);
}
