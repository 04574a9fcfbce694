/* at-s3-client.h — an S3 client over libsoup 3: any S3-compatible service
 * (configurable endpoint and region, path-style addressing), SigV4 on every
 * request, bodies streamed from and to disk, the body's SHA-256 checked by
 * the server. Asynchronous; results on the thread-default main context of
 * the caller that made the client. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define AT_S3_ERROR (at_s3_error_quark ())
GQuark at_s3_error_quark (void);

typedef enum {
  AT_S3_ERROR_OFFLINE,      /* no answer: the network or the server is down */
  AT_S3_ERROR_AUTH,         /* wrong key or secret, or not allowed */
  AT_S3_ERROR_NOT_FOUND,    /* no such bucket or key */
  AT_S3_ERROR_CLOCK,        /* this computer's clock is too far off */
  AT_S3_ERROR_INTEGRITY,    /* the server received other bytes than were sent */
  AT_S3_ERROR_SERVER,       /* the server failed (5xx, SlowDown) */
  AT_S3_ERROR_CONFIG,       /* endpoint, bucket or keys missing or malformed */
  AT_S3_ERROR_UPLOAD_GONE,  /* the multipart upload is no longer on the server */
  AT_S3_ERROR_CHANGED,      /* the file changed while it was uploading: not stored as done, to go again */
  AT_S3_ERROR_FAILED,
  AT_S3_ERROR_BAD_KEY,      /* an object key that cannot be sent as it is (empty, too long, a "." or ".." step) */
} AtS3Error;

/* Whether @error is one every transfer would meet now, not this file's
 * own: the link or the server down, or the setup wrong (keys, bucket,
 * clock, endpoint). A queue waits on it instead of failing its files. */
gboolean at_s3_error_stops_all (const GError *error);

/* An object of a listing, or a part of a multipart upload (@part its
 * number, @key NULL). */
typedef struct
{
  char   *key;
  gint64  size;
  char   *etag;
  char   *last_modified;
  guint   part;
  char   *sha256;   /* a part's ChecksumSHA256 (base64), if the server gave it */
} AtS3Object;

void        at_s3_object_free (AtS3Object *object);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtS3Object, at_s3_object_free)

#define AT_TYPE_S3_CLIENT (at_s3_client_get_type ())
G_DECLARE_FINAL_TYPE (AtS3Client, at_s3_client, AT, S3_CLIENT, GObject)

/* @endpoint: "https://s3.eu-central-1.amazonaws.com", "http://127.0.0.1:9000";
 * NULL on a malformed endpoint or a missing field. */
AtS3Client *at_s3_client_new          (const char           *endpoint,
                                       const char           *region,
                                       const char           *bucket,
                                       const char           *access_key,
                                       const char           *secret_key,
                                       GError              **error);
/* From AWS_ENDPOINT_URL, AWS_REGION (or AWS_DEFAULT_REGION, else us-east-1),
 * AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, each unless given. */
AtS3Client *at_s3_client_new_from_env (const char           *endpoint,
                                       const char           *region,
                                       const char           *bucket,
                                       GError              **error);
const char *at_s3_client_get_bucket   (AtS3Client           *self);
/* The server, as uploads record where they went: "host[:port]", lowercased,
 * without the scheme's own port ("s3.eu-central-1.amazonaws.com",
 * "127.0.0.1:9000"). */
const char *at_s3_client_get_endpoint (AtS3Client           *self);
/* How often a call is tried when the link or the server fails (default 6),
 * and the first pause between tries (default 250 ms; it doubles, with
 * jitter, up to 20 s). */
void        at_s3_client_set_retries  (AtS3Client           *self,
                                       guint                 attempts,
                                       guint                 backoff_ms);

/* At most @bytes_per_second (0: no limit) for all the client's uploads
 * together, files and parts alike; a change holds from the next read. */
void        at_s3_client_set_upload_limit (AtS3Client       *self,
                                           guint64           bytes_per_second);
guint64     at_s3_client_get_upload_limit (AtS3Client       *self);

/* Whether @key can name an object: not empty, at most 1024 bytes of UTF-8,
 * and no "." or ".." between slashes (HTTP libraries resolve those as
 * folder steps, so the object reached would not be the one signed for). */
gboolean    at_s3_key_check           (const char           *key,
                                       GError              **error);

/* A link anyone can GET for @expires seconds (1 .. 7 days). */
char       *at_s3_client_presign      (AtS3Client           *self,
                                       const char           *key,
                                       guint                 expires,
                                       GError              **error);

typedef void (*AtS3Progress) (goffset done, goffset total, gpointer data);

/* A file read for one PUT: its SHA-256 and, up to 256 MiB, its bytes, with
 * the size and modification time it had then. */
typedef struct _AtS3Body AtS3Body;

/* Blocking (for a worker): reads @file. */
AtS3Body   *at_s3_body_read           (GFile                *file,
                                       GCancellable         *cancellable,
                                       GError              **error);
AtS3Body   *at_s3_body_ref            (AtS3Body             *body);
void        at_s3_body_unref          (AtS3Body             *body);
/* Whether @body was read from a file of this size and mtime (µs). */
gboolean    at_s3_body_is             (AtS3Body             *body,
                                       goffset               size,
                                       gint64                mtime);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtS3Body, at_s3_body_unref)

/* Uploads @body as @key in one PUT; the server refuses it if it is not
 * those bytes, and a file changed since it was read fails (it is never
 * stored half-new). */
void        at_s3_client_put_body     (AtS3Client           *self,
                                       AtS3Body             *body,
                                       const char           *key,
                                       AtS3Progress          progress,
                                       gpointer              progress_data,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data);
gboolean    at_s3_client_put_body_finish (AtS3Client        *self,
                                       GAsyncResult         *result,
                                       GError              **error);
/* Reads @file on a worker (at_s3_body_read), then puts it. */
void        at_s3_client_put_file     (AtS3Client           *self,
                                       GFile                *file,
                                       const char           *key,
                                       AtS3Progress          progress,
                                       gpointer              progress_data,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data);
gboolean    at_s3_client_put_file_finish (AtS3Client        *self,
                                       GAsyncResult         *result,
                                       GError              **error);
/* Downloads @key (bytes @from .. @to inclusive when @to >= 0) into @file,
 * through a temporary file renamed at the end. */
void        at_s3_client_get_file     (AtS3Client           *self,
                                       const char           *key,
                                       goffset               from,
                                       goffset               to,
                                       GFile                *file,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data);
gboolean    at_s3_client_get_file_finish (AtS3Client        *self,
                                       GAsyncResult         *result,
                                       GError              **error);
void        at_s3_client_head         (AtS3Client           *self,
                                       const char           *key,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data);
AtS3Object *at_s3_client_head_finish  (AtS3Client           *self,
                                       GAsyncResult         *result,
                                       GError              **error);
void        at_s3_client_delete       (AtS3Client           *self,
                                       const char           *key,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data);
gboolean    at_s3_client_delete_finish (AtS3Client          *self,
                                       GAsyncResult         *result,
                                       GError              **error);
/* Every object under @prefix (ListObjectsV2, following continuation tokens). */
void        at_s3_client_list         (AtS3Client           *self,
                                       const char           *prefix,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data);
GPtrArray  *at_s3_client_list_finish  (AtS3Client           *self,
                                       GAsyncResult         *result,
                                       GError              **error);
/* Multipart uploads (AtS3Upload drives them): start returns the UploadId
 * of an upload whose parts carry a SHA-256 (x-amz-checksum-algorithm
 * SHA256, as AWS wants it declared); a part's @bytes go with theirs
 * (@sha256, 32 bytes, or NULL to work it out here) and it returns the
 * part's ETag (@sent, if not NULL, counts the bytes written, atomically,
 * from 0 at each try); complete takes the ETags and the SHA-256s (base64) of parts
 * 1..@n_parts. */
void        at_s3_client_multipart_start (AtS3Client        *self,
                                       const char           *key,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data);
char       *at_s3_client_multipart_start_finish (AtS3Client *self,
                                       GAsyncResult         *result,
                                       GError              **error);
void        at_s3_client_multipart_put_part (AtS3Client     *self,
                                       const char           *key,
                                       const char           *upload_id,
                                       guint                 number,
                                       GBytes               *bytes,
                                       const guint8         *sha256,
                                       gssize               *sent,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data);
char       *at_s3_client_multipart_put_part_finish (AtS3Client *self,
                                       GAsyncResult         *result,
                                       GError              **error);
void        at_s3_client_multipart_complete (AtS3Client     *self,
                                       const char           *key,
                                       const char           *upload_id,
                                       const char *const    *etags,
                                       const char *const    *sha256s,
                                       guint                 n_parts,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data);
gboolean    at_s3_client_multipart_complete_finish (AtS3Client *self,
                                       GAsyncResult         *result,
                                       GError              **error);
/* The parts the server holds of an unfinished upload (ListParts), as
 * AtS3Object with their numbers, every page of them. */
void        at_s3_client_multipart_list_parts (AtS3Client   *self,
                                       const char           *key,
                                       const char           *upload_id,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data);
GPtrArray  *at_s3_client_multipart_list_parts_finish (AtS3Client *self,
                                       GAsyncResult         *result,
                                       GError              **error);
void        at_s3_client_multipart_abort (AtS3Client        *self,
                                       const char           *key,
                                       const char           *upload_id,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data);
gboolean    at_s3_client_multipart_abort_finish (AtS3Client *self,
                                       GAsyncResult         *result,
                                       GError              **error);
/* Creates the bucket (an existing one of ours is fine). */
void        at_s3_client_create_bucket (AtS3Client          *self,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data);
gboolean    at_s3_client_create_bucket_finish (AtS3Client   *self,
                                       GAsyncResult         *result,
                                       GError              **error);

G_END_DECLS
