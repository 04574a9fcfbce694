/* at-s3-client-private.h — what the files of AtS3Client share: signed
 * requests, calls with retries, and S3's XML. */
#pragma once

#include <libsoup/soup.h>

#include "at-s3-client.h"
#include "at-rate-limit.h"
#include "at-s3-sign.h"

G_BEGIN_DECLS

/* (the object is one; its requests live in several files) */
struct _AtS3Client
{
  GObject      parent_instance;
  SoupSession *session;
  char        *base;       /* scheme://host[:port] */
  char        *host;       /* host[:port], as the Host header says */
  char        *endpoint;   /* host[:port] lowercased, without its scheme's own port */
  char        *region;
  char        *bucket;
  char        *access_key;
  char        *secret_key;
  guint        attempts;   /* per call, the first included */
  guint        backoff_ms; /* the first pause; each next one doubles */
  AtRateLimit *limit;      /* what every upload body shares */
  GThreadPool *senders;    /* requests with a body (see send_thread) */
};


typedef struct
{
  GString    *text;
  char       *code;
  char       *message;
  char       *upload_id;     /* InitiateMultipartUploadResult */
  GPtrArray  *objects;       /* of AtS3Object, when listing */
  AtS3Object *current;
  gboolean    truncated;
  char       *token;
} AtS3Xml;

#define AT_S3_XML_INIT { g_string_new (NULL) }

gboolean  _at_s3_xml_parse           (GBytes       *body,
                                      AtS3Xml      *xml,
                                      GError      **error);
void      _at_s3_xml_clear           (AtS3Xml      *xml);
/* The server said no: its Code and Message as an AT_S3_ERROR. */
void      _at_s3_set_refusal         (GError      **error,
                                      SoupMessage  *msg,
                                      GBytes       *body);
/* The link failed: AT_S3_ERROR_OFFLINE (cancelled stays cancelled). Takes @cause. */
void      _at_s3_set_transport_error (GError      **error,
                                      GError       *cause);
/* Whether a failed call may succeed if made again (the link, 5xx, SlowDown). */
gboolean  _at_s3_error_is_transient  (const GError *error);
/* The pause before try @attempt + 2: exponential from the client's first
 * pause, up to 20 s, with jitter. */
guint     _at_s3_backoff_ms          (AtS3Client   *self,
                                      guint         attempt);
/* On a worker: waits @ms; FALSE at once if @cancellable is cancelled. */
gboolean  _at_s3_sleep               (guint         ms,
                                      GCancellable *cancellable);

/* A signed request; @key NULL for the bucket itself. NULL for a key
 * at_s3_key_check refuses. */
SoupMessage *_at_s3_request_new      (AtS3Client     *self,
                                      const char     *method,
                                      const char     *key,
                                      const AtS3Pair *query,
                                      guint           n_query,
                                      const char     *payload_sha256,
                                      const AtS3Pair *extra,
                                      guint           n_extra,
                                      GError        **error);

/* Builds the message of one attempt (again for each retry: a new date and
 * signature, the body from the start). */
typedef SoupMessage *(*AtS3Build) (AtS3Client *self,
                                   gpointer    data,
                                   GError    **error);

/* Sends what @build makes; a transient failure is retried after an
 * exponential, jittered pause, up to the client's attempts. With @replay,
 * a body the server received otherwise than signed is sent again too:
 * libsoup itself resends a request whose kept-alive connection died, and
 * then sends it without its body (the build must then fail if the source
 * changed). The result is the answer's body (and its message, for headers). */
void      _at_s3_call                (AtS3Client          *self,
                                      gboolean             replay,
                                      AtS3Build            build,
                                      gpointer             data,
                                      GDestroyNotify       destroy,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
GBytes   *_at_s3_call_finish         (AtS3Client          *self,
                                      GAsyncResult        *result,
                                      SoupMessage        **msg,
                                      GError             **error);
/* Sets an upload's body (@bytes, or @stream of @size bytes), read no faster
 * than the client's upload limit allows when there is one. */
void      _at_s3_set_upload_body     (AtS3Client          *self,
                                      SoupMessage         *msg,
                                      GBytes              *bytes,
                                      GInputStream        *stream,
                                      goffset              size);
/* A call without a body (HEAD, DELETE, GET of a listing). */
void      _at_s3_call_plain          (AtS3Client          *self,
                                      const char          *method,
                                      const char          *key,
                                      const AtS3Pair      *query,
                                      guint                n_query,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);

G_END_DECLS
