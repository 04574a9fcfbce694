/* test-s3-sign.c — SigV4 against the worked examples of AWS's S3
 * documentation ("Signature Calculations for the Authorization Header:
 * Transferring Payload in a Single Chunk", and "Authenticating Requests:
 * Using Query Parameters"), whose signatures are published. */
#include "config.h"

#include "at-core.h"

static const AtS3Signer example = {
  "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "us-east-1",
};

#define HOST "examplebucket.s3.amazonaws.com"
#define DATE "20130524T000000Z"
#define CREDENTIAL "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"

static void
test_get_object (void)
{
  const AtS3Pair headers[] = {
    { "Host", HOST }, { "Range", "bytes=0-9" }, { "x-amz-content-sha256", AT_S3_EMPTY_SHA256 }, { "x-amz-date", DATE },
  };
  g_autofree char *auth = at_s3_authorization (&example, "GET", "/test.txt", NULL, 0, headers, G_N_ELEMENTS (headers),
                                               AT_S3_EMPTY_SHA256);

  g_assert_cmpstr (auth, ==, CREDENTIAL "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
                             "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

static void
test_put_object (void)
{
  const char *body = "Welcome to Amazon S3.";
  g_autofree char *hash = at_s3_sha256_hex ((const guint8 *) body, strlen (body));
  const AtS3Pair headers[] = {
    { "Host", HOST }, { "Date", "Fri, 24 May 2013 00:00:00 GMT" }, { "x-amz-date", DATE },
    { "x-amz-storage-class", "REDUCED_REDUNDANCY" }, { "x-amz-content-sha256", hash },
  };
  g_autofree char *auth = NULL;

  g_assert_cmpstr (hash, ==, "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  /* the key has a '$', which the path encodes */
  auth = at_s3_authorization (&example, "PUT", "/test$file.text", NULL, 0, headers, G_N_ELEMENTS (headers), hash);
  g_assert_cmpstr (auth, ==, CREDENTIAL "SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class,"
                             "Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
}

static void
test_get_lifecycle (void)
{
  const AtS3Pair query[] = { { "lifecycle", "" } };
  const AtS3Pair headers[] = {
    { "Host", HOST }, { "x-amz-date", DATE }, { "x-amz-content-sha256", AT_S3_EMPTY_SHA256 },
  };
  g_autofree char *auth = at_s3_authorization (&example, "GET", "/", query, 1, headers, G_N_ELEMENTS (headers),
                                               AT_S3_EMPTY_SHA256);

  g_assert_cmpstr (auth, ==, CREDENTIAL "SignedHeaders=host;x-amz-content-sha256;x-amz-date,"
                             "Signature=fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
}

static void
test_list_objects (void)
{
  /* given out of order: the canonical query sorts them */
  const AtS3Pair query[] = { { "prefix", "J" }, { "max-keys", "2" } };
  const AtS3Pair headers[] = {
    { "Host", HOST }, { "x-amz-date", DATE }, { "x-amz-content-sha256", AT_S3_EMPTY_SHA256 },
  };
  g_autofree char *auth = at_s3_authorization (&example, "GET", "/", query, 2, headers, G_N_ELEMENTS (headers),
                                               AT_S3_EMPTY_SHA256);

  g_assert_cmpstr (auth, ==, CREDENTIAL "SignedHeaders=host;x-amz-content-sha256;x-amz-date,"
                             "Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
}

static void
test_presign (void)
{
  g_autofree char *query = at_s3_presign_query (&example, "GET", HOST, "/test.txt", DATE, 86400);

  g_assert_cmpstr (query, ==, "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2F"
                              "us-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&"
                              "X-Amz-SignedHeaders=host&X-Amz-Signature="
                              "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
}

/* The encoding: unreserved bytes stay, the rest (UTF-8 bytes too) become %XX. */
static void
test_encode (void)
{
  g_autofree char *path = at_s3_uri_encode ("/studios/a b/Ünïcode+&=.jpg", TRUE);
  g_autofree char *value = at_s3_uri_encode ("a/b~c_d-e.f", FALSE);

  g_assert_cmpstr (path, ==, "/studios/a%20b/%C3%9Cn%C3%AFcode%2B%26%3D.jpg");
  g_assert_cmpstr (value, ==, "a%2Fb~c_d-e.f");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/s3/sign/get-object", test_get_object);
  g_test_add_func ("/s3/sign/put-object", test_put_object);
  g_test_add_func ("/s3/sign/get-lifecycle", test_get_lifecycle);
  g_test_add_func ("/s3/sign/list-objects", test_list_objects);
  g_test_add_func ("/s3/sign/presign", test_presign);
  g_test_add_func ("/s3/sign/encode", test_encode);
  return g_test_run ();
}
