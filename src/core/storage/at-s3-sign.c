/* at-s3-sign.c — AWS Signature Version 4 (see at-s3-sign.h).
 *
 * canonical request = method, encoded path, sorted encoded query, sorted
 * lower-case headers with trimmed values, the signed header names, the
 * payload hash; string to sign = algorithm, date, scope, SHA-256 of that;
 * key = HMAC chain of "AWS4" + secret over date, region, "s3",
 * "aws4_request". The tests check it against the worked examples in AWS's
 * S3 documentation. (HMAC stays GLib's: it only ever hashes a few lines.)
 */
#define G_LOG_DOMAIN "atelier-storage"

#include "config.h"

#include <string.h>

#include <openssl/evp.h>

#include "at-s3-sign.h"

#define ALGORITHM "AWS4-HMAC-SHA256"

char *
at_s3_uri_encode (const char *text,
                  gboolean    keep_slash)
{
  GString *out = g_string_sized_new (strlen (text) + 16);

  for (const guchar *p = (const guchar *) text; *p; p++)
    {
      if (g_ascii_isalnum (*p) || *p == '-' || *p == '_' || *p == '.' || *p == '~' || (keep_slash && *p == '/'))
        g_string_append_c (out, (char) *p);
      else
        g_string_append_printf (out, "%%%02X", *p);
    }
  return g_string_free (out, FALSE);
}

char *
at_s3_amz_date (GDateTime *when)
{
  g_autoptr(GDateTime) utc = g_date_time_to_utc (when);

  return g_date_time_format (utc, "%Y%m%dT%H%M%SZ");
}

AtS3Sha256 *
at_s3_sha256_new (void)
{
  EVP_MD_CTX *ctx = EVP_MD_CTX_new ();

  g_assert (ctx != NULL && EVP_DigestInit_ex (ctx, EVP_sha256 (), NULL) == 1);
  return (AtS3Sha256 *) ctx;
}

void
at_s3_sha256_update (AtS3Sha256 *hash,
                     const void *data,
                     gsize       length)
{
  EVP_DigestUpdate ((EVP_MD_CTX *) hash, data, length);
}

void
at_s3_sha256_finish (AtS3Sha256 *hash,
                     guint8      digest[32])
{
  unsigned int len = 32;

  EVP_DigestFinal_ex ((EVP_MD_CTX *) hash, digest, &len);
  EVP_MD_CTX_free ((EVP_MD_CTX *) hash);
}

void
at_s3_sha256 (const void *data,
              gsize       length,
              guint8      digest[32])
{
  AtS3Sha256 *hash = at_s3_sha256_new ();

  at_s3_sha256_update (hash, data, length);
  at_s3_sha256_finish (hash, digest);
}

char *
at_s3_hex (const guint8 *bytes,
           gsize         length)
{
  static const char digits[] = "0123456789abcdef";
  char *out = g_malloc (2 * length + 1);

  for (gsize i = 0; i < length; i++)
    {
      out[2 * i] = digits[bytes[i] >> 4];
      out[2 * i + 1] = digits[bytes[i] & 15];
    }
  out[2 * length] = '\0';
  return out;
}

char *
at_s3_sha256_hex (const guint8 *data,
                  gsize         length)
{
  guint8 digest[32];

  at_s3_sha256 (data, length, digest);
  return at_s3_hex (digest, 32);
}

static void
hmac (const guint8 *key, gsize key_len, const char *data, guint8 out[32])
{
  g_autoptr(GHmac) h = g_hmac_new (G_CHECKSUM_SHA256, key, key_len);
  gsize len = 32;

  g_hmac_update (h, (const guchar *) data, -1);
  g_hmac_get_digest (h, out, &len);
}

typedef struct
{
  char *name;
  char *value;
} Entry;

static int
entry_cmp (gconstpointer a, gconstpointer b)
{
  const Entry *x = a, *y = b;
  int c = strcmp (x->name, y->name);

  return c != 0 ? c : strcmp (x->value, y->value);
}

static void
entry_clear (gpointer data)
{
  Entry *e = data;

  g_free (e->name);
  g_free (e->value);
}

char *
at_s3_query_string (const AtS3Pair *query,
                    guint           n)
{
  g_autoptr(GArray) entries = g_array_new (FALSE, FALSE, sizeof (Entry));
  GString *out = g_string_new (NULL);

  g_array_set_clear_func (entries, entry_clear);
  for (guint i = 0; i < n; i++)
    {
      Entry e = { at_s3_uri_encode (query[i].name, FALSE), at_s3_uri_encode (query[i].value ? query[i].value : "", FALSE) };
      g_array_append_val (entries, e);
    }
  g_array_sort (entries, entry_cmp);
  for (guint i = 0; i < entries->len; i++)
    {
      Entry *e = &g_array_index (entries, Entry, i);
      g_string_append_printf (out, "%s%s=%s", i ? "&" : "", e->name, e->value);
    }
  return g_string_free (out, FALSE);
}

/* A header value with its ends trimmed and inner runs of spaces made one. */
static char *
trim_value (const char *value)
{
  g_autofree char *copy = g_strstrip (g_strdup (value));
  GString *out = g_string_new (NULL);

  for (const char *p = copy; *p; p++)
    if (*p != ' ' || (out->len > 0 && out->str[out->len - 1] != ' '))
      g_string_append_c (out, *p);
  return g_string_free (out, FALSE);
}

static char *
signature (const AtS3Signer *signer, const char *amz_date, const char *scope, const char *canonical)
{
  g_autofree char *secret = g_strconcat ("AWS4", signer->secret_key, NULL);
  g_autofree char *date = g_strndup (amz_date, 8);
  g_autofree char *hashed = at_s3_sha256_hex ((const guint8 *) canonical, strlen (canonical));
  g_autofree char *to_sign = g_strdup_printf (ALGORITHM "\n%s\n%s\n%s", amz_date, scope, hashed);
  guint8 k[32];
  GString *hex = g_string_sized_new (64);

  hmac ((const guint8 *) secret, strlen (secret), date, k);
  hmac (k, 32, signer->region, k);
  hmac (k, 32, "s3", k);
  hmac (k, 32, "aws4_request", k);
  hmac (k, 32, to_sign, k);
  for (int i = 0; i < 32; i++)
    g_string_append_printf (hex, "%02x", k[i]);
  return g_string_free (hex, FALSE);
}

static char *
scope_of (const AtS3Signer *signer, const char *amz_date)
{
  return g_strdup_printf ("%.8s/%s/s3/aws4_request", amz_date, signer->region);
}

char *
at_s3_authorization (const AtS3Signer *signer,
                     const char       *method,
                     const char       *path,
                     const AtS3Pair   *query,
                     guint             n_query,
                     const AtS3Pair   *headers,
                     guint             n_headers,
                     const char       *payload_sha256)
{
  g_autoptr(GArray) entries = g_array_new (FALSE, FALSE, sizeof (Entry));
  g_autoptr(GString) canonical = g_string_new (NULL);
  g_autoptr(GString) names = g_string_new (NULL);
  g_autofree char *uri = at_s3_uri_encode (path, TRUE);
  g_autofree char *qs = at_s3_query_string (query, n_query);
  g_autofree char *scope = NULL;
  g_autofree char *sig = NULL;
  const char *amz_date = NULL;

  g_array_set_clear_func (entries, entry_clear);
  for (guint i = 0; i < n_headers; i++)
    {
      Entry e = { g_ascii_strdown (headers[i].name, -1), trim_value (headers[i].value) };
      if (g_str_equal (e.name, "x-amz-date"))
        amz_date = headers[i].value;
      g_array_append_val (entries, e);
    }
  g_return_val_if_fail (amz_date != NULL, NULL);
  g_array_sort (entries, entry_cmp);
  g_string_append_printf (canonical, "%s\n%s\n%s\n", method, uri, qs);
  for (guint i = 0; i < entries->len; i++)
    {
      Entry *e = &g_array_index (entries, Entry, i);
      g_string_append_printf (canonical, "%s:%s\n", e->name, e->value);
      g_string_append_printf (names, "%s%s", i ? ";" : "", e->name);
    }
  g_string_append_printf (canonical, "\n%s\n%s", names->str, payload_sha256);
  scope = scope_of (signer, amz_date);
  sig = signature (signer, amz_date, scope, canonical->str);
  return g_strdup_printf (ALGORITHM " Credential=%s/%s,SignedHeaders=%s,Signature=%s", signer->access_key, scope, names->str,
                          sig);
}

char *
at_s3_presign_query (const AtS3Signer *signer,
                     const char       *method,
                     const char       *host,
                     const char       *path,
                     const char       *amz_date,
                     guint             expires)
{
  g_autofree char *scope = scope_of (signer, amz_date);
  g_autofree char *credential = g_strdup_printf ("%s/%s", signer->access_key, scope);
  g_autofree char *seconds = g_strdup_printf ("%u", expires);
  const AtS3Pair query[] = {
    { "X-Amz-Algorithm", ALGORITHM },
    { "X-Amz-Credential", credential },
    { "X-Amz-Date", amz_date },
    { "X-Amz-Expires", seconds },
    { "X-Amz-SignedHeaders", "host" },
  };
  g_autofree char *qs = at_s3_query_string (query, G_N_ELEMENTS (query));
  g_autofree char *uri = at_s3_uri_encode (path, TRUE);
  g_autofree char *value = trim_value (host);
  g_autofree char *canonical = g_strdup_printf ("%s\n%s\n%s\nhost:%s\n\nhost\n" AT_S3_UNSIGNED_PAYLOAD, method, uri, qs, value);
  g_autofree char *sig = signature (signer, amz_date, scope, canonical);

  return g_strdup_printf ("%s&X-Amz-Signature=%s", qs, sig);
}
