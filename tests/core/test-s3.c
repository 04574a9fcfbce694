/* test-s3.c — AtS3Client and `atelier-cli s3` against a real S3-compatible
 * server on loopback (s3rver behind the project's verifying front, which
 * checks every signature and body hash as AWS does): objects with hostile
 * names go up and come back byte for byte, ranges, listings, presigned
 * links (and tampered ones refused), wrong keys, a missing bucket, a file
 * changed while it uploads (refused, nothing stored). */
#include "config.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "at-test-cli.h"
#include "at-test-s3.h"
#include "at-test-util.h"
#include "at-soup-splice.h"

static AtTestS3 *s3;

#define HOSTILE "studios/s1/projects/p1/Ünï code & ‘quote’ + 100%.jpg"

static gboolean
put (AtS3Client *c, const char *path, const char *key, AtS3Progress progress, gpointer data, GError **error)
{
  g_autoptr(GAsyncResult) r = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (path);

  at_s3_client_put_file (c, file, key, progress, data, NULL, at_test_async_done, &r);
  return at_s3_client_put_file_finish (c, at_test_async_wait (&r), error);
}

static gboolean
get (AtS3Client *c, const char *key, goffset from, goffset to, const char *path, GError **error)
{
  g_autoptr(GAsyncResult) r = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (path);

  at_s3_client_get_file (c, key, from, to, file, NULL, at_test_async_done, &r);
  return at_s3_client_get_file_finish (c, at_test_async_wait (&r), error);
}

static AtS3Object *
head (AtS3Client *c, const char *key, GError **error)
{
  g_autoptr(GAsyncResult) r = NULL;

  at_s3_client_head (c, key, NULL, at_test_async_done, &r);
  return at_s3_client_head_finish (c, at_test_async_wait (&r), error);
}

static GPtrArray *
list (AtS3Client *c, const char *prefix, GError **error)
{
  g_autoptr(GAsyncResult) r = NULL;

  at_s3_client_list (c, prefix, NULL, at_test_async_done, &r);
  return at_s3_client_list_finish (c, at_test_async_wait (&r), error);
}

typedef struct
{
  const char *path;
  goffset     size;
} Halfway;

/* @path holds @size bytes at least */
static gboolean
partial_reached (gpointer data)
{
  Halfway *h = data;
  GStatBuf st;

  return g_stat (h->path, &st) == 0 && st.st_size >= h->size;
}

static GBytes *
contents (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *data = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &data, &len, &error));
  return g_bytes_new_take (data, len);
}

/* Up, listed, described, down whole and in part, deleted. */
static void
test_round_trip (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AtS3Client) c = at_test_s3_client (s3->endpoint, "photos", AT_TEST_S3_SECRET);
  g_autofree char *dir = at_test_make_tmpdir ();
  g_autofree char *src = g_build_filename (dir, "original.cr3", NULL);
  g_autofree char *back = g_build_filename (dir, "back.cr3", NULL);
  g_autofree char *part = g_build_filename (dir, "part.bin", NULL);
  g_autoptr(GBytes) sent = at_test_random_file (src, 3 * 1024 * 1024 + 17);
  g_autoptr(GBytes) got = NULL;
  g_autoptr(GBytes) slice = NULL;
  g_autoptr(GPtrArray) objects = NULL;
  g_autoptr(AtS3Object) o = NULL;

  at_test_s3_make_bucket (c);
  g_assert_no_error (error);
  g_assert_true (put (c, src, HOSTILE, NULL, NULL, &error));
  g_assert_no_error (error);

  objects = list (c, "studios/s1/", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (objects->len, ==, 1);
  g_assert_cmpstr (((AtS3Object *) objects->pdata[0])->key, ==, HOSTILE);
  g_assert_cmpint (((AtS3Object *) objects->pdata[0])->size, ==, g_bytes_get_size (sent));
  o = head (c, HOSTILE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (o->size, ==, g_bytes_get_size (sent));
  g_assert_cmpstr (o->key, ==, HOSTILE);

  g_assert_true (get (c, HOSTILE, 0, -1, back, &error));
  g_assert_no_error (error);
  got = contents (back);
  g_assert_true (g_bytes_equal (got, sent));
  {
    g_autofree char *partial = g_strconcat (back, ".part", NULL);
    g_assert_false (g_file_test (partial, G_FILE_TEST_EXISTS));
  }
  g_assert_true (get (c, HOSTILE, 1000, 1999, part, &error));
  slice = contents (part);
  g_assert_cmpuint (g_bytes_get_size (slice), ==, 1000);
  g_assert_cmpmem (g_bytes_get_data (slice, NULL), 1000, (const guint8 *) g_bytes_get_data (sent, NULL) + 1000, 1000);
  /* a download refused once with SlowDown is asked again; one whose link
   * breaks halfway goes on from the byte where it broke (If-Match: the
   * same object), the whole and a range alike */
  for (guint i = 0; i < 3; i++)
    {
      AtTestS3 *flaky = at_test_s3_proxy_doing (s3, i == 0 ? "--refuse-gets" : "--cut-gets");
      g_autoptr(AtS3Client) through = at_test_s3_client (flaky->endpoint, "photos", AT_TEST_S3_SECRET);
      g_autofree char *again = g_build_filename (dir, "again.jpg", NULL);
      g_autoptr(GBytes) read_back = NULL;

      at_s3_client_set_retries (through, 3, 20);
      g_assert_true (get (through, HOSTILE, i == 2 ? 1000 : 0, i == 2 ? 1999999 : -1, again, &error));
      g_assert_no_error (error);
      read_back = contents (again);
      if (i < 2)
        g_assert_true (g_bytes_equal (read_back, sent));
      else
        {
          g_assert_cmpuint (g_bytes_get_size (read_back), ==, 1999000);
          g_assert_cmpmem (g_bytes_get_data (read_back, NULL), 1999000, (const guint8 *) g_bytes_get_data (sent, NULL) + 1000,
                           1999000);
        }
      at_test_s3_stop (flaky);
    }
  /* the object replaced while a download waits to go on after a broken
   * link: not made of the two (If-Match), the download fails, nothing kept */
  {
    AtTestS3 *flaky = at_test_s3_proxy_doing (s3, "--cut-gets");
    g_autoptr(AtS3Client) through = at_test_s3_client (flaky->endpoint, "photos", AT_TEST_S3_SECRET);
    g_autofree char *again = g_build_filename (dir, "again.jpg", NULL);
    g_autofree char *partial = g_strconcat (again, ".part", NULL);
    g_autofree char *other = g_build_filename (dir, "other.jpg", NULL);
    g_autoptr(GBytes) replacement = at_test_random_file (other, g_bytes_get_size (sent));
    g_autoptr(GAsyncResult) r = NULL;
    g_autoptr(GFile) file = g_file_new_for_path (again);
    Halfway halfway = { partial, (goffset) g_bytes_get_size (sent) / 2 };

    at_s3_client_set_retries (through, 3, 3000);
    at_s3_client_get_file (through, HOSTILE, 0, -1, file, NULL, at_test_async_done, &r);
    at_test_wait_until (partial_reached, &halfway, 30);
    g_assert_true (put (c, other, HOSTILE, NULL, NULL, &error));
    g_assert_no_error (error);
    g_assert_false (at_s3_client_get_file_finish (through, at_test_async_wait (&r), &error));
    g_assert_error (error, AT_S3_ERROR, AT_S3_ERROR_CHANGED);
    g_clear_error (&error);
    g_assert_false (g_file_test (partial, G_FILE_TEST_EXISTS));
    at_test_s3_stop (flaky);
    /* the object as it was, for what follows; the client's bodies now go
     * in big writes (at-soup-splice.c), and the front checks their hash */
    g_assert_true (put (c, src, HOSTILE, NULL, NULL, &error));
    g_assert_no_error (error);
    g_assert_true (at_soup_splice_is_wide ());
  }
  /* a 200 for a range (a server or cache that sends whole objects only) is
   * not taken for the bytes asked */
  {
    AtTestS3 *cache = at_test_s3_proxy_doing (s3, "--ignore-range");
    g_autoptr(AtS3Client) through = at_test_s3_client (cache->endpoint, "photos", AT_TEST_S3_SECRET);
    g_autofree char *whole = g_build_filename (dir, "whole.jpg", NULL);

    g_assert_false (get (through, HOSTILE, 1000, 1999, whole, &error));
    g_assert_error (error, AT_S3_ERROR, AT_S3_ERROR_FAILED);
    g_assert_nonnull (strstr (error->message, "other bytes than were asked"));
    g_clear_error (&error);
    g_assert_false (g_file_test (whole, G_FILE_TEST_EXISTS));
    at_test_s3_stop (cache);
  }

  {
    g_autoptr(GAsyncResult) r = NULL;
    at_s3_client_delete (c, HOSTILE, NULL, at_test_async_done, &r);
    g_assert_true (at_s3_client_delete_finish (c, at_test_async_wait (&r), &error));
  }
  g_clear_pointer (&objects, g_ptr_array_unref);
  objects = list (c, "studios/", &error);
  g_assert_cmpuint (objects->len, ==, 0);
  g_assert_null (head (c, HOSTILE, &error));
  g_assert_error (error, AT_S3_ERROR, AT_S3_ERROR_NOT_FOUND);
  at_test_rm_rf (dir);
}

/* Many objects: the listing follows its continuation tokens. */
static void
test_list_pages (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AtS3Client) c = at_test_s3_client (s3->endpoint, "many", AT_TEST_S3_SECRET);
  g_autofree char *dir = at_test_make_tmpdir ();
  g_autofree char *src = g_build_filename (dir, "small.jpg", NULL);
  g_autoptr(GBytes) sent = at_test_random_file (src, 100);
  g_autoptr(GPtrArray) objects = NULL;

  at_test_s3_make_bucket (c);
  for (int i = 0; i < 1005; i++)
    {
      g_autofree char *key = g_strdup_printf ("p/%04d.jpg", i);
      g_assert_true (put (c, src, key, NULL, NULL, &error));
      g_assert_no_error (error);
    }
  objects = list (c, "p/", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (objects->len, ==, 1005);
  at_test_rm_rf (dir);
}

static guint
http_get_status (const char *url, GBytes **body)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = soup_session_send_and_read (session, msg, NULL, &error);

  g_assert_no_error (error);
  if (body != NULL)
    *body = g_steal_pointer (&bytes);
  return soup_message_get_status (msg);
}

/* A presigned link downloads without keys; altered, it is refused. */
static void
test_presign (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AtS3Client) c = at_test_s3_client (s3->endpoint, "links", AT_TEST_S3_SECRET);
  g_autofree char *dir = at_test_make_tmpdir ();
  g_autofree char *src = g_build_filename (dir, "proof.jpg", NULL);
  g_autoptr(GBytes) sent = at_test_random_file (src, 200000);
  g_autoptr(GBytes) got = NULL;
  g_autofree char *url = NULL;
  g_autofree char *tampered = NULL;
  g_autofree char *repointed = NULL;
  char *sig;

  at_test_s3_make_bucket (c);
  g_assert_true (put (c, src, "proofs/a b.jpg", NULL, NULL, &error));
  g_assert_true (put (c, src, "proofs/other.jpg", NULL, NULL, &error));
  url = at_s3_client_presign (c, "proofs/a b.jpg", 600, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (http_get_status (url, &got), ==, 200);
  g_assert_true (g_bytes_equal (got, sent));

  tampered = g_strdup (url);
  sig = strstr (tampered, "X-Amz-Signature=") + strlen ("X-Amz-Signature=");
  sig[0] = sig[0] == 'a' ? 'b' : 'a';
  g_assert_cmpuint (http_get_status (tampered, NULL), ==, 403);
  {
    g_auto(GStrv) parts = g_strsplit (url, "a%20b.jpg", 2);
    repointed = g_strjoinv ("other.jpg", parts);
  }
  g_assert_cmpuint (http_get_status (repointed, NULL), ==, 403);
  /* a week at most */
  g_assert_null (at_s3_client_presign (c, "proofs/a b.jpg", 8 * 24 * 3600, &error));
  g_assert_error (error, AT_S3_ERROR, AT_S3_ERROR_CONFIG);
  at_test_rm_rf (dir);
}

/* Wrong secret, unknown bucket: clear errors, nothing stored. */
static void
test_refusals (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AtS3Client) wrong = at_test_s3_client (s3->endpoint, "refusals", "not-the-secret");
  g_autoptr(AtS3Client) missing = at_test_s3_client (s3->endpoint, "no-such-bucket", AT_TEST_S3_SECRET);
  g_autoptr(AtS3Client) right = at_test_s3_client (s3->endpoint, "refusals", AT_TEST_S3_SECRET);
  g_autofree char *dir = at_test_make_tmpdir ();
  g_autofree char *src = g_build_filename (dir, "a.jpg", NULL);
  g_autoptr(GBytes) sent = at_test_random_file (src, 5000);

  at_test_s3_make_bucket (right);
  g_assert_false (put (wrong, src, "refused.jpg", NULL, NULL, &error));
  g_assert_error (error, AT_S3_ERROR, AT_S3_ERROR_AUTH);
  g_assert_nonnull (strstr (error->message, "refused the keys"));
  g_clear_error (&error);
  g_assert_null (head (right, "refused.jpg", &error));
  g_assert_error (error, AT_S3_ERROR, AT_S3_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (put (missing, src, "a.jpg", NULL, NULL, &error));
  g_assert_error (error, AT_S3_ERROR, AT_S3_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "bucket"));
  g_clear_error (&error);
  g_assert_null (at_s3_client_new ("ftp://example.org", NULL, "bucket", "k", "s", &error));
  g_assert_error (error, AT_S3_ERROR, AT_S3_ERROR_CONFIG);
  g_clear_error (&error);
  /* an IPv6 endpoint keeps its brackets (without them no request could be made) */
  {
    g_autoptr(AtS3Client) six = at_s3_client_new ("http://[::1]:9", NULL, "bucket", "k", "s", &error);
    g_autofree char *link = NULL;

    g_assert_no_error (error);
    link = at_s3_client_presign (six, "a.jpg", 60, &error);
    g_assert_no_error (error);
    g_assert_true (g_str_has_prefix (link, "http://[::1]:9/bucket/a.jpg?"));
    at_s3_client_set_retries (six, 1, 1);
    g_assert_null (head (six, "a.jpg", &error));
    g_assert_error (error, AT_S3_ERROR, AT_S3_ERROR_OFFLINE);
    g_clear_error (&error);
  }
  /* bucket names S3 refuses, or that would read as a step between folders */
  for (guint i = 0; i < 4; i++)
    {
      const char *bad[] = { "b", "..", "-studio", "studio/originals" };
      g_assert_null (at_s3_client_new (s3->endpoint, NULL, bad[i], "k", "s", &error));
      g_assert_error (error, AT_S3_ERROR, AT_S3_ERROR_CONFIG);
      g_assert_nonnull (strstr (error->message, "bucket name"));
      g_clear_error (&error);
    }
  /* Keys that cannot be sent as they are: refused before anything goes
   * (HTTP resolves "a/./b" to "a/b", which the signature does not cover;
   * an empty key is the bucket itself). */
  {
    const char *bad[] = { "a/./b.jpg", "../../etc/passwd", "studios/..", ".", "" };
    gint64 puts = at_test_s3_stat (s3, "puts");
    g_autofree char *long_key = g_strnfill (1025, 'k');
    g_autofree char *got = g_build_filename (dir, "got.jpg", NULL);

    for (guint i = 0; i <= G_N_ELEMENTS (bad); i++)
      {
        const char *key = i < G_N_ELEMENTS (bad) ? bad[i] : long_key;
        g_autofree char *link = NULL;

        g_assert_false (put (right, src, key, NULL, NULL, &error));
        g_assert_error (error, AT_S3_ERROR, AT_S3_ERROR_BAD_KEY);
        g_clear_error (&error);
        g_assert_null (head (right, key, &error));
        g_assert_error (error, AT_S3_ERROR, AT_S3_ERROR_BAD_KEY);
        g_clear_error (&error);
        g_assert_false (get (right, key, 0, -1, got, &error));
        g_assert_error (error, AT_S3_ERROR, AT_S3_ERROR_BAD_KEY);
        g_assert_false (g_file_test (got, G_FILE_TEST_EXISTS));
        g_clear_error (&error);
        g_assert_null ((link = at_s3_client_presign (right, key, 60, &error)));
        g_assert_error (error, AT_S3_ERROR, AT_S3_ERROR_BAD_KEY);
        g_clear_error (&error);
      }
    g_assert_cmpint (at_test_s3_stat (s3, "puts"), ==, puts);
    /* dots within a name are a name */
    g_assert_true (put (right, src, "a/.hidden/..b/x..jpg", NULL, NULL, &error));
    g_assert_no_error (error);
  }
  at_test_rm_rf (dir);
}

typedef struct
{
  const char *path;
  gboolean    changed;
} Change;

/* The first bytes are on their way: change the rest of the file. */
static void
change_file (goffset done, goffset total, gpointer data)
{
  Change *ch = data;
  FILE *f;

  if (ch->changed)
    return;
  ch->changed = TRUE;
  f = fopen (ch->path, "r+b");
  g_assert_nonnull (f);
  fseek (f, -4096, SEEK_END);
  for (int i = 0; i < 4096; i++)
    fputc ('X', f);
  fclose (f);
}

/* A file changed while it uploads: the upload fails as "changed" (it will
 * go again), and what the server has is the file as it was read, whole,
 * never a mix of the two. */
static void
test_changed_during_upload (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AtS3Client) c = at_test_s3_client (s3->endpoint, "changing", AT_TEST_S3_SECRET);
  g_autofree char *dir = at_test_make_tmpdir ();
  g_autofree char *src = g_build_filename (dir, "moving.nef", NULL);
  g_autofree char *back = g_build_filename (dir, "back.nef", NULL);
  g_autoptr(GBytes) sent = at_test_random_file (src, 8 * 1024 * 1024);
  g_autoptr(GBytes) got = NULL;
  Change ch = { src, FALSE };

  at_test_s3_make_bucket (c);
  g_assert_false (put (c, src, "moving.nef", change_file, &ch, &error));
  g_assert_true (ch.changed);
  g_assert_error (error, AT_S3_ERROR, AT_S3_ERROR_CHANGED);
  g_assert_nonnull (strstr (error->message, "changed while it was uploading"));
  g_clear_error (&error);
  g_assert_true (get (c, "moving.nef", 0, -1, back, &error));
  got = contents (back);
  g_assert_true (g_bytes_equal (got, sent));
  at_test_rm_rf (dir);
}

/* The CLI: put, ls, get, presign, rm, and its exit codes. */
static void
test_cli (void)
{
  g_autofree char *dir = at_test_make_tmpdir ();
  g_autofree char *src = g_build_filename (dir, "cli.jpg", NULL);
  g_autofree char *back = g_build_filename (dir, "back.jpg", NULL);
  g_autoptr(GBytes) sent = at_test_random_file (src, 70000);
  g_autoptr(GBytes) got = NULL;
  AtTestRun r;

  at_test_s3_set_env (s3->endpoint);
  r = at_test_cli ("s3", "mb", "--bucket", "cli", NULL);
  g_assert_cmpint (r.status, ==, 0);
  at_test_run_clear (&r);
  r = at_test_cli ("s3", "put", "--bucket", "cli", "--quiet", src, "a/cli.jpg", NULL);
  g_assert_cmpint (r.status, ==, 0);
  at_test_run_clear (&r);
  {
    /* 70 kB at 0.2 Mbit/s (25 kB/s): no less than two seconds, less the burst */
    gint64 t0 = g_get_monotonic_time ();

    r = at_test_cli ("s3", "put", "--bucket", "cli", "--quiet", "--limit", "0.2", src, "a/slow.jpg", NULL);
    g_assert_cmpint (r.status, ==, 0);
    g_assert_cmpint (g_get_monotonic_time () - t0, >=, 2 * G_USEC_PER_SEC);
    at_test_run_clear (&r);
    /* no limit that is no number, or that would round to none */
    {
      const char *bad[] = { "-1", "inf", "nan", "0.000001", "1e30" };

      for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
        {
          r = at_test_cli ("s3", "put", "--bucket", "cli", "--limit", bad[i], src, "a/slow.jpg", NULL);
          g_assert_cmpint (r.status, ==, 2);
          g_assert_nonnull (strstr (r.err, "--limit"));
          at_test_run_clear (&r);
        }
    }
  }
  r = at_test_cli ("s3", "ls", "--bucket", "cli", "a/", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "70000"));
  g_assert_nonnull (strstr (r.out, "a/cli.jpg"));
  at_test_run_clear (&r);
  r = at_test_cli ("s3", "get", "--bucket", "cli", "a/cli.jpg", back, NULL);
  g_assert_cmpint (r.status, ==, 0);
  got = contents (back);
  g_assert_true (g_bytes_equal (got, sent));
  at_test_run_clear (&r);
  /* a range is decimal: 0100 is a hundred; 0x10, junk or a backward range is refused */
  r = at_test_cli ("s3", "get", "--bucket", "cli", "--range", "0100-0199", "a/cli.jpg", back, NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_clear_pointer (&got, g_bytes_unref);
  got = contents (back);
  g_assert_cmpuint (g_bytes_get_size (got), ==, 100);
  g_assert_cmpmem (g_bytes_get_data (got, NULL), 100, (const guint8 *) g_bytes_get_data (sent, NULL) + 100, 100);
  at_test_run_clear (&r);
  for (guint i = 0; i < 4; i++)
    {
      const char *bad[] = { "0x10-0x20", "10-20junk", "20-10", "-5" };
      r = at_test_cli ("s3", "get", "--bucket", "cli", "--range", bad[i], "a/cli.jpg", back, NULL);
      g_assert_cmpint (r.status, ==, 2);
      at_test_run_clear (&r);
    }
  r = at_test_cli ("s3", "presign", "--bucket", "cli", "--expires", "60", "a/cli.jpg", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpuint (http_get_status (g_strstrip (r.out), NULL), ==, 200);
  at_test_run_clear (&r);
  r = at_test_cli ("s3", "presign", "--bucket", "cli", "--expires", "700000", "a/cli.jpg", NULL);
  g_assert_cmpint (r.status, ==, 2);
  at_test_run_clear (&r);
  r = at_test_cli ("s3", "rm", "--bucket", "cli", "a/cli.jpg", NULL);
  g_assert_cmpint (r.status, ==, 0);
  at_test_run_clear (&r);
  r = at_test_cli ("s3", "get", "--bucket", "cli", "a/cli.jpg", back, NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "no such object"));
  at_test_run_clear (&r);
  g_setenv ("AWS_SECRET_ACCESS_KEY", "wrong", TRUE);
  r = at_test_cli ("s3", "ls", "--bucket", "cli", NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "refused the keys"));
  at_test_run_clear (&r);
  g_unsetenv ("AWS_SECRET_ACCESS_KEY");
  r = at_test_cli ("s3", "ls", "--bucket", "cli", NULL);
  g_assert_cmpint (r.status, ==, 1);
  at_test_run_clear (&r);
  r = at_test_cli ("s3", "put", "--bucket", "cli", src, NULL);
  g_assert_cmpint (r.status, ==, 2);
  at_test_run_clear (&r);
  at_test_rm_rf (dir);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  s3 = at_test_s3_start ();
  g_test_add_func ("/s3/round-trip", test_round_trip);
  g_test_add_func ("/s3/list-pages", test_list_pages);
  g_test_add_func ("/s3/presign", test_presign);
  g_test_add_func ("/s3/refusals", test_refusals);
  g_test_add_func ("/s3/changed-during-upload", test_changed_during_upload);
  g_test_add_func ("/s3/cli", test_cli);
  status = g_test_run ();
  at_test_s3_stop (s3);
  return status;
}
