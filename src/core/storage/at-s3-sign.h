/* at-s3-sign.h — AWS Signature Version 4 for S3: the Authorization header
 * of a request, and presigned query strings. Pure computation (GLib's
 * SHA-256 and HMAC); at-s3-client.c puts it on the wire. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The hash that says "the body is not signed" (streamed uploads whose
 * integrity Content-MD5 or x-amz-checksum-sha256 carries instead). */
#define AT_S3_UNSIGNED_PAYLOAD "UNSIGNED-PAYLOAD"
/* SHA-256 of nothing, for requests without a body. */
#define AT_S3_EMPTY_SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
/* The longest a presigned link may live: seven days. */
#define AT_S3_PRESIGN_MAX_SECONDS (7 * 24 * 3600)

typedef struct
{
  const char *access_key;
  const char *secret_key;
  const char *region;
} AtS3Signer;

/* A header or query parameter, as given (names of headers in any case). */
typedef struct
{
  const char *name;
  const char *value;
} AtS3Pair;

/* Percent-encoding as SigV4 wants it: everything but A-Z a-z 0-9 - _ . ~
 * (and '/' when @keep_slash, for paths). */
char *at_s3_uri_encode       (const char        *text,
                              gboolean           keep_slash);
/* "a=1&b=2": names and values encoded, sorted, as SigV4 signs them (and
 * so as a request should carry them). */
char *at_s3_query_string     (const AtS3Pair    *query,
                              guint              n);
/* "20130524T000000Z" for @when (UTC). */
char *at_s3_amz_date         (GDateTime         *when);
/* The Authorization header's value for a request whose headers are
 * @headers (they must include host, x-amz-date and x-amz-content-sha256,
 * and every other header that is to be signed), @path the object's path
 * as sent (unencoded), @query its parameters (unencoded). */
char *at_s3_authorization    (const AtS3Signer  *signer,
                              const char        *method,
                              const char        *path,
                              const AtS3Pair    *query,
                              guint              n_query,
                              const AtS3Pair    *headers,
                              guint              n_headers,
                              const char        *payload_sha256);
/* The query string of a presigned link ("X-Amz-Algorithm=...&X-Amz-Signature=..."),
 * signing only the host header, valid for @expires seconds from @amz_date. */
char *at_s3_presign_query    (const AtS3Signer  *signer,
                              const char        *method,
                              const char        *host,
                              const char        *path,
                              const char        *amz_date,
                              guint              expires);
/* Lower-case hex SHA-256 of @data. */
char *at_s3_sha256_hex       (const guint8      *data,
                              gsize              length);

/* SHA-256 by OpenSSL's libcrypto: with the CPU's SHA extensions it runs
 * four to five times faster than GLib's GChecksum, and every body is hashed
 * before it is sent. */
typedef struct _AtS3Sha256 AtS3Sha256;

AtS3Sha256 *at_s3_sha256_new    (void);
void        at_s3_sha256_update (AtS3Sha256        *hash,
                                 const void        *data,
                                 gsize              length);
/* Writes the digest and frees @hash. */
void        at_s3_sha256_finish (AtS3Sha256        *hash,
                                 guint8             digest[32]);
void        at_s3_sha256        (const void        *data,
                                 gsize              length,
                                 guint8             digest[32]);
char       *at_s3_hex           (const guint8      *bytes,
                                 gsize              length);

G_END_DECLS
