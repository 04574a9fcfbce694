/* test-s3-upload.c — AtS3Upload against the S3 test server: multipart
 * uploads that come back byte for byte; through a proxy that answers 503
 * SlowDown and cuts connections mid-part, still identical; killed in the
 * middle (SIGKILL of `atelier-cli s3 put`) and run again, only the parts
 * the server lacks are sent (counted by the server; one it took unrecorded
 * is not sent again, one it lost is); a file changed between parts is
 * never stored as a mix; a cancel leaves the record cancelled. */
#include "config.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/wait.h>
#include <utime.h>

#include <glib/gstdio.h>

#include "at-test-cli.h"
#include "at-test-s3.h"
#include "at-test-util.h"

#define MIB (1024 * 1024)

static AtTestS3 *s3;

static gboolean
upload (AtS3Upload *u, GCancellable *cancellable, GError **error)
{
  g_autoptr(GAsyncResult) r = NULL;

  at_s3_upload_run (u, cancellable, at_test_async_done, &r);
  return at_s3_upload_run_finish (u, at_test_async_wait (&r), error);
}

static void
test_multipart (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AtS3Client) c = at_test_s3_client (s3->endpoint, "multipart", AT_TEST_S3_SECRET);
  g_autofree char *dir = at_test_make_tmpdir ();
  g_autofree char *src = g_build_filename (dir, "video.mov", NULL);
  g_autoptr(GBytes) sent = at_test_random_file (src, 37 * MIB + 123);
  g_autoptr(GFile) file = g_file_new_for_path (src);
  g_autoptr(AtS3Upload) u = at_s3_upload_new (c, NULL, file, "projects/p/video.mov");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  gint64 parts_before, parts_after;

  at_test_s3_make_bucket (c);
  at_test_s3_part_bytes (s3, &parts_before);
  at_s3_upload_set_parallel (u, 3);
  g_assert_true (upload (u, cancellable, &error));
  g_assert_no_error (error);
  /* the run let go of the cancellable (a queue's serves thousands of runs) */
  g_assert_false (g_signal_has_handler_pending (cancellable, g_signal_lookup ("cancelled", G_TYPE_CANCELLABLE), 0, TRUE));
  at_test_s3_part_bytes (s3, &parts_after);
  g_assert_cmpint (parts_after - parts_before, ==, 5);
  g_assert_cmpint (at_s3_upload_get_sent_now (u), ==, (gint64) g_bytes_get_size (sent));
  at_test_s3_assert_stored (c, "projects/p/video.mov", sent, dir);
  at_test_rm_rf (dir);
}

/* Every 3rd part refused (503 SlowDown, 400 RequestTimeout, 429 in turn:
 * eleven tries for six parts meet all three), a connection cut halfway on
 * every 4th: retried, and the object is still the file. */
static void
test_faults (void)
{
  g_autoptr(GError) error = NULL;
  AtTestS3 *proxy = at_test_s3_proxy (s3, 3, 4, 0);
  g_autoptr(AtS3Client) direct = at_test_s3_client (s3->endpoint, "faults", AT_TEST_S3_SECRET);
  g_autoptr(AtS3Client) c = at_test_s3_client (proxy->endpoint, "faults", AT_TEST_S3_SECRET);
  g_autofree char *dir = at_test_make_tmpdir ();
  g_autofree char *src = g_build_filename (dir, "raw.cr3", NULL);
  g_autoptr(GBytes) sent = at_test_random_file (src, 6 * 5 * MIB + 77);
  g_autoptr(GFile) file = g_file_new_for_path (src);
  g_autoptr(AtS3Upload) u = at_s3_upload_new (c, NULL, file, "raw.cr3");

  at_test_s3_make_bucket (direct);
  at_s3_client_set_retries (c, 8, 20);
  at_s3_upload_set_part_size (u, 5 * MIB);
  at_s3_upload_set_parallel (u, 2);
  upload (u, NULL, &error);
  g_assert_no_error (error);
  at_test_s3_assert_stored (direct, "raw.cr3", sent, dir);
  at_test_s3_stop (proxy);
  at_test_rm_rf (dir);
}

/* A limit holds for all parts in flight together: 12 MiB in three parallel
 * parts at 32 Mbit/s (4 MB/s) take at least the time the limit allows, the
 * same file without it a fraction of that; both arrive whole. */
static void
test_bandwidth_limit (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AtS3Client) c = at_test_s3_client (s3->endpoint, "limited", AT_TEST_S3_SECRET);
  g_autofree char *dir = at_test_make_tmpdir ();
  g_autofree char *src = g_build_filename (dir, "limited.cr3", NULL);
  g_autoptr(GBytes) sent = at_test_random_file (src, 12 * MIB);
  g_autoptr(GFile) file = g_file_new_for_path (src);
  gint64 bytes = (gint64) g_bytes_get_size (sent), rate = (gint64) at_rate_limit_bytes_from_mbit (16);
  gint64 t0;
  double limited = 0, free_s = 0;

  at_test_s3_make_bucket (c);
  for (int pass = 0; pass < 2; pass++)
    {
      g_autoptr(AtS3Upload) u = at_s3_upload_new (c, NULL, file, pass ? "free.cr3" : "limited.cr3");

      at_s3_client_set_upload_limit (c, pass ? 0 : (guint64) rate);
      at_s3_upload_set_part_size (u, 4 * MIB);
      at_s3_upload_set_parallel (u, 3);
      t0 = g_get_monotonic_time ();
      g_assert_true (upload (u, NULL, &error));
      g_assert_no_error (error);
      *(pass ? &free_s : &limited) = (g_get_monotonic_time () - t0) / 1e6;
      at_test_s3_assert_stored (c, pass ? "free.cr3" : "limited.cr3", sent, dir);
    }
  /* (16 Mbit/s: 6 s, far from an unlimited run's time even under ASan) */
  g_test_message ("12 MiB at 16 Mbit/s: %.2f s; without the limit: %.2f s", limited, free_s);
  /* (less a quarter second's burst) */
  g_assert_cmpfloat (limited, >=, (double) bytes / rate - 0.3);
  g_assert_cmpfloat (free_s, <, limited / 2);
  at_test_rm_rf (dir);
}

/* A file read ahead and then changed before its turn goes up as it is now,
 * not as it was read; one read ahead and left alone goes as read. */
static void
test_read_ahead (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AtS3Client) c = at_test_s3_client (s3->endpoint, "ahead", AT_TEST_S3_SECRET);
  g_autofree char *dir = at_test_make_tmpdir ();
  g_autofree char *changed = g_build_filename (dir, "changed.jpg", NULL);
  g_autofree char *kept = g_build_filename (dir, "kept.jpg", NULL);
  g_autoptr(GBytes) first = at_test_random_file (changed, 3 * MIB + 5);
  g_autoptr(GBytes) same = at_test_random_file (kept, 2 * MIB + 9);
  g_autoptr(GBytes) now = NULL;
  g_autoptr(GFile) changed_file = g_file_new_for_path (changed);
  g_autoptr(GFile) kept_file = g_file_new_for_path (kept);
  g_autoptr(AtS3Upload) a = at_s3_upload_new (c, NULL, changed_file, "changed.jpg");
  g_autoptr(AtS3Upload) b = at_s3_upload_new (c, NULL, kept_file, "kept.jpg");

  at_test_s3_make_bucket (c);
  at_s3_upload_read_ahead (a);
  at_s3_upload_read_ahead (b);
  at_test_run_main_loop (300);
  now = at_test_random_file (changed, 3 * MIB + 5);
  {
    struct utimbuf times = { time (NULL) + 5, time (NULL) + 5 };
    g_utime (changed, &times);
  }
  g_assert_false (g_bytes_equal (first, now));
  g_assert_true (upload (a, NULL, &error));
  g_assert_no_error (error);
  at_test_s3_assert_stored (c, "changed.jpg", now, dir);
  g_assert_true (upload (b, NULL, &error));
  g_assert_no_error (error);
  at_test_s3_assert_stored (c, "kept.jpg", same, dir);
  at_test_rm_rf (dir);
}

static gboolean
some_parts_recorded (gpointer catalog_path)
{
  g_autofree char *out = NULL;
  const char *argv[] = { "sqlite3", catalog_path, "SELECT count(*) FROM upload_parts", NULL };

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL,
                     NULL, NULL))
    return FALSE;
  return out != NULL && atoi (out) >= 2;
}

/* The UploadId of the one unfinished upload of @catalog_path. */
static char *
upload_id_of (const char *catalog_path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AtCatalog) catalog = at_catalog_open (catalog_path, AT_CATALOG_OPEN_DEFAULT, &error);
  char *id;

  g_assert_no_error (error);
  id = at_test_sql_text (catalog, "SELECT multipart_id FROM uploads WHERE status <> 'completed'");
  g_assert_nonnull (id);
  return id;
}

/* The folder where s3rver keeps the parts of that upload: N (the bytes)
 * and N.md5 (once whole). */
static char *
parts_dir (const char *catalog_path)
{
  g_autofree char *id = upload_id_of (catalog_path);

  return g_build_filename (s3->dir, "data", "resume", "._S3rver_uploads", id, NULL);
}

/* How many parts the server holds (read from its files, not asked through
 * the client under test), and their bytes. */
static gint64
parts_held (const char *catalog_path, gint64 *bytes)
{
  g_autofree char *dir = parts_dir (catalog_path);
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  gint64 n = 0;

  *bytes = 0;
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (name, ".md5"))
      {
        g_autofree char *number = g_strndup (name, strlen (name) - 4);
        g_autofree char *part = g_build_filename (dir, number, NULL);
        GStatBuf st;

        g_assert_cmpint (g_stat (part, &st), ==, 0);
        *bytes += st.st_size;
        n++;
      }
  return n;
}

/* The first part the server lacks, put straight to it: as if the killed
 * process had sent it and died before its answer. */
static void
put_unrecorded_part (AtS3Client *client, const char *catalog_path, GBytes *file, gsize part_size)
{
  g_autofree char *dir = parts_dir (catalog_path);
  g_autofree char *id = upload_id_of (catalog_path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) r = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *etag = NULL;
  guint n = 1;

  for (;; n++)
    {
      g_autofree char *md5 = g_strdup_printf ("%s/%u.md5", dir, n);
      if (!g_file_test (md5, G_FILE_TEST_EXISTS))
        break;
    }
  bytes = g_bytes_new_from_bytes (file, (n - 1) * part_size, MIN (part_size, g_bytes_get_size (file) - (n - 1) * part_size));
  at_s3_client_multipart_put_part (client, "big/wedding.tif", id, n, bytes, NULL, NULL, NULL, at_test_async_done, &r);
  etag = at_s3_client_multipart_put_part_finish (client, at_test_async_wait (&r), &error);
  g_assert_no_error (error);
  g_assert_nonnull (etag);
}

/* SIGKILL in the middle, then the same command again: it says how many
 * parts the server had, and the server receives only the others. */
static void
test_resume_after_kill (void)
{
  g_autoptr(GError) error = NULL;
  AtTestS3 *slow = at_test_s3_proxy (s3, 0, 0, 400);
  g_autoptr(AtS3Client) direct = at_test_s3_client (s3->endpoint, "resume", AT_TEST_S3_SECRET);
  g_autofree char *dir = at_test_make_tmpdir ();
  g_autofree char *src = g_build_filename (dir, "wedding.tif", NULL);
  g_autofree char *catalog_path = g_build_filename (dir, "catalog.atelier", NULL);
  g_autoptr(GBytes) sent = at_test_random_file (src, 8 * 5 * MIB + 999);
  const char *cli = g_getenv ("AT_CLI");
  gint64 bytes_before = 0, bytes_after, parts_before = 0, parts_after, recorded, held, held_bytes;
  GPid pid;
  int status;
  AtTestRun r;

  at_test_s3_make_bucket (direct);
  g_object_unref (at_catalog_open (catalog_path, AT_CATALOG_OPEN_CREATE, &error));
  g_assert_no_error (error);
  at_test_s3_set_env (NULL);
  {
    const char *argv[] = { cli, "s3", "put", "--quiet", "--endpoint", slow->endpoint, "--bucket", "resume", "--catalog",
                           catalog_path, "--part-size", "5", "--parallel", "1", src, "big/wedding.tif", NULL };
    g_assert_true (g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL, NULL,
                                  NULL, &pid, &error));
  }
  at_test_wait_until (some_parts_recorded, catalog_path, 30);
  kill (pid, SIGKILL);
  waitpid (pid, &status, 0);
  g_spawn_close_pid (pid);
  g_assert_true (WIFSIGNALED (status));
  {
    g_autoptr(AtCatalog) catalog = at_catalog_open (catalog_path, AT_CATALOG_OPEN_DEFAULT, &error);
    g_assert_no_error (error);
    recorded = at_test_sql_int (catalog, "SELECT count(*) FROM upload_parts");
    g_assert_cmpint (recorded, >=, 2);
    g_assert_cmpint (recorded, <, 8);
  }

  /* a part the killed process had sent whole still reaches the server,
   * after the proxy's delay; and one more part lands whose answer never
   * came back (put here by the test, unrecorded): the resume asks the
   * server which parts it holds and sends only the others, no byte twice */
  for (int quiet = 0; quiet < 3;)
    {
      gint64 parts_now, bytes_now;

      g_usleep (500 * 1000);
      bytes_now = at_test_s3_part_bytes (s3, &parts_now);
      quiet = bytes_now == bytes_before && parts_now == parts_before ? quiet + 1 : 0;
      bytes_before = bytes_now;
      parts_before = parts_now;
    }
  put_unrecorded_part (direct, catalog_path, sent, 5 * MIB);
  /* and the server has lost part 1, which the catalog recorded: it goes again */
  {
    g_autofree char *parts = parts_dir (catalog_path);
    g_autofree char *part = g_build_filename (parts, "1", NULL);
    g_autofree char *md5 = g_build_filename (parts, "1.md5", NULL);
    g_assert_cmpint (g_unlink (md5), ==, 0);
    g_assert_cmpint (g_unlink (part), ==, 0);
  }
  bytes_before = at_test_s3_part_bytes (s3, &parts_before);
  held = parts_held (catalog_path, &held_bytes);
  g_assert_cmpint (held, >=, recorded);
  r = at_test_cli ("s3", "put", "--quiet", "--endpoint", s3->endpoint, "--bucket", "resume", "--catalog", catalog_path,
                   "--part-size", "5", src, "big/wedding.tif", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "were on the server already"));
  at_test_run_clear (&r);
  bytes_after = at_test_s3_part_bytes (s3, &parts_after);
  g_test_message ("%" G_GINT64_FORMAT " of 9 parts recorded before the kill, %" G_GINT64_FORMAT " on the server; the "
                  "resume sent %" G_GINT64_FORMAT " parts, %" G_GINT64_FORMAT " bytes", recorded, held,
                  parts_after - parts_before, bytes_after - bytes_before);
  g_assert_cmpint (parts_after - parts_before, ==, 9 - held);
  g_assert_cmpint (bytes_after - bytes_before, ==, (gint64) g_bytes_get_size (sent) - held_bytes);
  at_test_s3_assert_stored (direct, "big/wedding.tif", sent, dir);
  {
    g_autoptr(AtCatalog) catalog = at_catalog_open (catalog_path, AT_CATALOG_OPEN_DEFAULT, &error);
    g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM upload_parts"), ==, 0);
    g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM uploads WHERE status = 'completed'"), ==, 1);
  }
  at_test_s3_stop (slow);
  at_test_rm_rf (dir);
}

typedef struct
{
  const char *path;
  gboolean    changed;
  gboolean    replace;   /* by another file of its size, its time kept (cp -p) */
} Change;

static void
change_after_first_part (goffset done, goffset total, gpointer data)
{
  Change *ch = data;
  g_autoptr(GError) error = NULL;
  FILE *f;

  if (ch->changed || done == 0)
    return;
  ch->changed = TRUE;
  if (ch->replace)
    {
      g_autofree char *other = g_strconcat (ch->path, ".new", NULL);
      GStatBuf st;

      g_assert_cmpint (g_stat (ch->path, &st), ==, 0);
      g_bytes_unref (at_test_random_file (other, (gsize) st.st_size));
      g_assert_cmpint (g_rename (other, ch->path), ==, 0);
      g_assert_cmpint (utimensat (AT_FDCWD, ch->path, (struct timespec[2]) { st.st_atim, st.st_mtim }, 0), ==, 0);
      return;
    }
  f = fopen (ch->path, "r+b");
  fseek (f, 0, SEEK_SET);
  fputs ("edited", f);
  fclose (f);
  /* (a write within the same second keeps the size; the time tells) */
  g_usleep (10000);
  {
    struct utimbuf times = { time (NULL) + 5, time (NULL) + 5 };
    g_utime (ch->path, &times);
  }
}

/* Changed after its first part went, in place or @replaced by another file
 * (of its size, its time kept): not stored, to go again. */
static void
test_changed_between_parts (gconstpointer replaced)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AtS3Client) c = at_test_s3_client (s3->endpoint, replaced ? "replacing" : "changing", AT_TEST_S3_SECRET);
  g_autofree char *dir = at_test_make_tmpdir ();
  g_autofree char *src = g_build_filename (dir, "edit.psd", NULL);
  g_autoptr(GBytes) sent = at_test_random_file (src, 3 * 5 * MIB + 5);
  g_autoptr(GFile) file = g_file_new_for_path (src);
  g_autoptr(AtS3Upload) u = at_s3_upload_new (c, NULL, file, "edit.psd");
  Change ch = { src, FALSE, GPOINTER_TO_INT (replaced) };
  g_autoptr(GAsyncResult) r = NULL;

  at_test_s3_make_bucket (c);
  at_s3_upload_set_part_size (u, 5 * MIB);
  at_s3_upload_set_parallel (u, 1);
  at_s3_upload_set_progress (u, change_after_first_part, &ch);
  g_assert_false (upload (u, NULL, &error));
  g_assert_true (ch.changed);
  g_assert_error (error, AT_S3_ERROR, AT_S3_ERROR_CHANGED);
  g_clear_error (&error);
  at_s3_client_head (c, "edit.psd", NULL, at_test_async_done, &r);
  g_assert_null (at_s3_client_head_finish (c, at_test_async_wait (&r), &error));
  g_assert_error (error, AT_S3_ERROR, AT_S3_ERROR_NOT_FOUND);
  at_test_rm_rf (dir);
}

static void
cancel_after_first_part (goffset done, goffset total, gpointer data)
{
  if (done > 0)
    g_cancellable_cancel (data);
}

/* Multipart uploads the server holds unfinished in @bucket (s3rver keeps
 * one folder each). */
static guint
unfinished_uploads (const char *bucket)
{
  g_autofree char *path = g_build_filename (s3->dir, "data", bucket, "._S3rver_uploads", NULL);
  g_autoptr(GDir) folder = g_dir_open (path, 0, NULL);
  guint n = 0;

  while (folder != NULL && g_dir_read_name (folder) != NULL)
    n++;
  return n;
}

static gboolean
started_on_server (gpointer bucket)
{
  return unfinished_uploads (bucket) == 1;
}

static gboolean
aborted_upload (gpointer at_least)
{
  return at_test_s3_stat (s3, "aborted") >= GPOINTER_TO_INT (at_least);
}

/* An upload of @file in 5 MiB parts, one at a time, cancelled (or, with
 * @keep, paused) once its first part is on the server. */
static void
cancel_after_a_part (AtS3Client *c, AtCatalog *catalog, GFile *file, const char *key, gboolean keep)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AtS3Upload) u = at_s3_upload_new (c, catalog, file, key);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();

  at_s3_upload_set_part_size (u, 5 * MIB);
  at_s3_upload_set_parallel (u, 1);
  at_s3_upload_set_keep_on_cancel (u, keep);
  at_s3_upload_set_progress (u, cancel_after_first_part, cancellable);
  g_assert_false (upload (u, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_true (at_catalog_flush (catalog, NULL));
}

static void
test_cancel (void)
{
  gint64 aborted = at_test_s3_stat (s3, "aborted");
  g_autoptr(GError) error = NULL;
  g_autoptr(AtS3Client) c = at_test_s3_client (s3->endpoint, "cancel", AT_TEST_S3_SECRET);
  g_autofree char *dir = at_test_make_tmpdir ();
  g_autofree char *src = g_build_filename (dir, "big.nef", NULL);
  g_autofree char *catalog_path = g_build_filename (dir, "catalog.atelier", NULL);
  g_autoptr(GBytes) sent = at_test_random_file (src, 4 * 5 * MIB);
  g_autoptr(GFile) file = g_file_new_for_path (src);
  g_autoptr(AtCatalog) catalog = at_catalog_open (catalog_path, AT_CATALOG_OPEN_CREATE, &error);

  at_test_s3_make_bucket (c);
  cancel_after_a_part (c, catalog, file, "big.nef", FALSE);
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM uploads WHERE status = 'cancelled'"), ==, 1);
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM upload_parts"), ==, 0);
  /* and the server keeps nothing of it: the upload was aborted before the
   * run ended (a process that ends with it has sent the abort) */
  g_assert_cmpint (at_test_s3_stat (s3, "aborted"), ==, aborted + 1);
  g_assert_cmpuint (unfinished_uploads ("cancel"), ==, 0);
  at_test_rm_rf (dir);
}

/* Killed just after the server put the parts together, before the catalog
 * recorded it (the upload is still "uploading", its parts listed): the next
 * run finds the upload gone, and the object under the key made of those
 * parts, so it sends nothing again. */
static void
test_completed_before_its_record (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AtS3Client) c = at_test_s3_client (s3->endpoint, "unrecorded", AT_TEST_S3_SECRET);
  g_autofree char *dir = at_test_make_tmpdir ();
  g_autofree char *src = g_build_filename (dir, "done.nef", NULL);
  g_autofree char *catalog_path = g_build_filename (dir, "catalog.atelier", NULL);
  g_autoptr(GBytes) sent = at_test_random_file (src, 3 * 5 * MIB);
  g_autoptr(GFile) file = g_file_new_for_path (src);
  g_autoptr(AtCatalog) catalog = at_catalog_open (catalog_path, AT_CATALOG_OPEN_CREATE, &error);
  g_autoptr(AtS3Upload) first = at_s3_upload_new (c, catalog, file, "done.nef");
  g_autoptr(AtS3Upload) again = at_s3_upload_new (c, catalog, file, "done.nef");
  const guint8 *data = g_bytes_get_data (sent, NULL);

  at_test_s3_make_bucket (c);
  at_s3_upload_set_part_size (first, 5 * MIB);
  g_assert_true (upload (first, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (at_catalog_flush (catalog, NULL));
  /* the record as it stood a moment before */
  at_test_sql_exec (catalog, "UPDATE uploads SET status = 'uploading', completed_at = NULL");
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *md5 = g_compute_checksum_for_data (G_CHECKSUM_MD5, data + i * 5 * MIB, 5 * MIB);
      guint8 digest[32];
      gsize len = sizeof digest;
      g_autoptr(GChecksum) sha = g_checksum_new (G_CHECKSUM_SHA256);
      g_autofree char *b64 = NULL;
      g_autofree char *sql = NULL;

      g_checksum_update (sha, data + i * 5 * MIB, 5 * MIB);
      g_checksum_get_digest (sha, digest, &len);
      b64 = g_base64_encode (digest, len);
      sql = g_strdup_printf ("INSERT INTO upload_parts (upload_id, part_number, size_bytes, etag, sha256) "
                             "SELECT id, %u, %d, '\"%s\"', '%s' FROM uploads", i + 1, 5 * MIB, md5, b64);
      at_test_sql_exec (catalog, sql);
    }

  at_s3_upload_set_part_size (again, 5 * MIB);
  g_assert_true (upload (again, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (at_s3_upload_get_sent_now (again), ==, 0);
  g_assert_true (at_catalog_flush (catalog, NULL));
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM uploads WHERE status = 'completed'"), ==, 1);
  at_test_s3_assert_stored (c, "done.nef", sent, dir);
  at_test_rm_rf (dir);
}

/* An unfinished upload recorded before parts carried a checksum (schema
 * v10) cannot be completed as AWS wants it: the next run aborts it and
 * sends the file in a new one, which records its parts with their sums. */
static void
test_upload_from_before_checksums (void)
{
  gint64 aborted = at_test_s3_stat (s3, "aborted");
  g_autoptr(GError) error = NULL;
  g_autoptr(AtS3Client) c = at_test_s3_client (s3->endpoint, "legacy", AT_TEST_S3_SECRET);
  g_autofree char *dir = at_test_make_tmpdir ();
  g_autofree char *src = g_build_filename (dir, "old.nef", NULL);
  g_autofree char *catalog_path = g_build_filename (dir, "catalog.atelier", NULL);
  g_autoptr(GBytes) sent = at_test_random_file (src, 3 * 5 * MIB);
  g_autoptr(GFile) file = g_file_new_for_path (src);
  g_autoptr(AtCatalog) catalog = at_catalog_open (catalog_path, AT_CATALOG_OPEN_CREATE, &error);
  g_autoptr(AtS3Upload) u = NULL;
  g_autofree char *first = NULL;

  at_test_s3_make_bucket (c);
  cancel_after_a_part (c, catalog, file, "old.nef", TRUE);
  first = at_test_sql_text (catalog, "SELECT multipart_id FROM uploads");
  g_assert_nonnull (first);
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM upload_parts WHERE sha256 IS NOT NULL"), >=, 1);
  /* as an Atelier of schema v10 left it: started with no checksum type,
   * its parts sent without one */
  at_test_sql_exec (catalog, "UPDATE uploads SET part_checksums = 0; UPDATE upload_parts SET sha256 = NULL");
  {
    g_autofree char *held = g_build_filename (s3->dir, "data", "legacy", "._S3rver_uploads", first, NULL);
    g_autoptr(GDir) d = g_dir_open (held, 0, NULL);
    const char *name;

    g_assert_nonnull (d);
    while ((name = g_dir_read_name (d)) != NULL)
      if (g_str_equal (name, "checksum-algorithm") || g_str_has_suffix (name, ".sha256"))
        {
          g_autofree char *path = g_build_filename (held, name, NULL);
          g_assert_cmpint (g_unlink (path), ==, 0);
        }
  }

  u = at_s3_upload_new (c, catalog, file, "old.nef");
  at_s3_upload_set_part_size (u, 5 * MIB);
  g_assert_true (upload (u, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (at_s3_upload_get_sent_now (u), ==, 3 * 5 * MIB);
  at_test_wait_until (aborted_upload, GINT_TO_POINTER (aborted + 1), 10);
  g_assert_cmpuint (unfinished_uploads ("legacy"), ==, 0);
  g_assert_true (at_catalog_flush (catalog, NULL));
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT part_checksums FROM uploads WHERE status = 'completed'"), ==, 1);
  at_test_s3_assert_stored (c, "old.nef", sent, dir);
  at_test_rm_rf (dir);
}

/* Paused after a part; then the file is replaced by another of the same
 * size, its modification time kept (cp -p, rsync -a): the next run does not
 * resume into a mix of the two, it sends the new file whole. */
static void
test_replaced_keeping_time (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AtS3Client) c = at_test_s3_client (s3->endpoint, "replaced", AT_TEST_S3_SECRET);
  g_autofree char *dir = at_test_make_tmpdir ();
  g_autofree char *src = g_build_filename (dir, "shot.nef", NULL);
  g_autofree char *other = g_build_filename (dir, "other.nef", NULL);
  g_autofree char *catalog_path = g_build_filename (dir, "catalog.atelier", NULL);
  g_autoptr(GBytes) first = at_test_random_file (src, 3 * 5 * MIB);
  g_autoptr(GBytes) second = at_test_random_file (other, 3 * 5 * MIB);
  g_autoptr(GFile) file = g_file_new_for_path (src);
  g_autoptr(AtCatalog) catalog = at_catalog_open (catalog_path, AT_CATALOG_OPEN_CREATE, &error);
  g_autoptr(AtS3Upload) u = NULL;
  GStatBuf st;

  at_test_s3_make_bucket (c);
  cancel_after_a_part (c, catalog, file, "shot.nef", TRUE);
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM upload_parts"), >=, 1);
  g_assert_cmpint (g_stat (src, &st), ==, 0);
  {
    struct timespec times[2] = { st.st_atim, st.st_mtim };

    g_assert_cmpint (g_rename (other, src), ==, 0);
    g_assert_cmpint (utimensat (AT_FDCWD, src, times, 0), ==, 0);
  }
  u = at_s3_upload_new (c, catalog, file, "shot.nef");
  at_s3_upload_set_part_size (u, 5 * MIB);
  g_assert_true (upload (u, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (at_s3_upload_get_sent_now (u), ==, 3 * 5 * MIB);
  at_test_s3_assert_stored (c, "shot.nef", second, dir);
  at_test_rm_rf (dir);
}

/* A file that would need more than S3's 10,000 parts (a sparse one of
 * 10,000 × 5 MiB and a byte) goes in parts of 6 MiB, recorded so. */
static void
test_ten_thousand_parts (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AtS3Client) c = at_test_s3_client (s3->endpoint, "huge", AT_TEST_S3_SECRET);
  g_autofree char *dir = at_test_make_tmpdir ();
  g_autofree char *src = g_build_filename (dir, "huge.mov", NULL);
  g_autofree char *catalog_path = g_build_filename (dir, "catalog.atelier", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (src);
  g_autoptr(AtCatalog) catalog = at_catalog_open (catalog_path, AT_CATALOG_OPEN_CREATE, &error);
  gint64 before, after;
  FILE *f = fopen (src, "wb");

  g_assert_nonnull (f);
  g_assert_cmpint (ftruncate (fileno (f), (off_t) AT_S3_MAX_PARTS * 5 * MIB + 1), ==, 0);
  fclose (f);
  at_test_s3_make_bucket (c);
  before = at_test_s3_part_bytes (s3, NULL);
  cancel_after_a_part (c, catalog, file, "huge.mov", TRUE);
  after = at_test_s3_part_bytes (s3, NULL);
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT part_size FROM uploads"), ==, 6 * MIB);
  g_assert_cmpint (after - before, >, 0);
  g_assert_cmpint ((after - before) % (6 * MIB), ==, 0);
  at_test_rm_rf (dir);
}

/* Parts are held whole while they go: big ones go fewer at a time, so
 * that --part-size 5120 --parallel 4 does not take 20 GiB. */
static void
test_big_parts_fewer_at_once (void)
{
  g_autoptr(AtS3Client) c = at_test_s3_client (s3->endpoint, "memory", AT_TEST_S3_SECRET);
  g_autoptr(GFile) file = g_file_new_for_path ("/nowhere/huge.mov");
  g_autoptr(AtS3Upload) u = at_s3_upload_new (c, NULL, file, "huge.mov");
  const struct { gsize part_mib; guint parallel, at_once; } cases[] = {
    { 8, 4, 4 }, { 8, 16, 16 }, { 100, 4, 2 }, { 512, 4, 1 }, { 5120, 4, 1 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      at_s3_upload_set_part_size (u, cases[i].part_mib * MIB);
      at_s3_upload_set_parallel (u, cases[i].parallel);
      g_assert_cmpuint (at_s3_upload_get_parts_at_once (u), ==, cases[i].at_once);
      g_assert_cmpuint (at_s3_upload_get_parts_at_once (u) * cases[i].part_mib * MIB, <=,
                        MAX (AT_S3_PARTS_MEMORY, cases[i].part_mib * MIB));
    }
}

/* Paused after a part; meanwhile the upload is aborted on the server (by
 * another workstation, or a lifecycle rule): the next run finds its parts
 * gone and sends the file again, all of it, in a new upload. */
static void
test_upload_gone (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AtS3Client) c = at_test_s3_client (s3->endpoint, "gone", AT_TEST_S3_SECRET);
  g_autofree char *dir = at_test_make_tmpdir ();
  g_autofree char *src = g_build_filename (dir, "gone.nef", NULL);
  g_autofree char *catalog_path = g_build_filename (dir, "catalog.atelier", NULL);
  g_autoptr(GBytes) sent = at_test_random_file (src, 4 * 5 * MIB);
  g_autoptr(GFile) file = g_file_new_for_path (src);
  g_autoptr(AtCatalog) catalog = at_catalog_open (catalog_path, AT_CATALOG_OPEN_CREATE, &error);
  g_autoptr(GAsyncResult) r = NULL;
  g_autofree char *upload_id = NULL;
  gint64 parts_before;

  at_test_s3_make_bucket (c);
  cancel_after_a_part (c, catalog, file, "gone.nef", TRUE);
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM upload_parts"), >=, 1);
  upload_id = at_test_sql_text (catalog, "SELECT multipart_id FROM uploads");
  at_s3_client_multipart_abort (c, "gone.nef", upload_id, NULL, at_test_async_done, &r);
  g_assert_true (at_s3_client_multipart_abort_finish (c, at_test_async_wait (&r), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (unfinished_uploads ("gone"), ==, 0);

  at_test_s3_part_bytes (s3, &parts_before);
  {
    g_autoptr(AtS3Upload) u = at_s3_upload_new (c, catalog, file, "gone.nef");
    at_s3_upload_set_part_size (u, 5 * MIB);
    at_s3_upload_set_parallel (u, 1);
    g_assert_true (upload (u, NULL, &error));
    g_assert_no_error (error);
  }
  {
    gint64 parts_after;
    at_test_s3_part_bytes (s3, &parts_after);
    g_assert_cmpint (parts_after - parts_before, ==, 4);
  }
  at_test_s3_assert_stored (c, "gone.nef", sent, dir);
  g_assert_true (at_catalog_flush (catalog, NULL));
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM uploads WHERE status = 'completed'"), ==, 1);
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM upload_parts"), ==, 0);
  g_assert_cmpuint (unfinished_uploads ("gone"), ==, 0);
  at_test_rm_rf (dir);
}

typedef struct
{
  AtS3Client *client;
  AtCatalog  *catalog;
  gboolean    aborted;
} Abort;

static void
abort_once_sending (goffset done, goffset total, gpointer data)
{
  Abort *a = data;
  g_autofree char *id = NULL;

  if (a->aborted || done == 0)
    return;
  a->aborted = TRUE;
  id = at_test_sql_text (a->catalog, "SELECT multipart_id FROM uploads");
  at_s3_client_multipart_abort (a->client, "lost.nef", id, NULL, NULL, NULL);
}

/* The server loses the upload while this run, which made its record, is
 * sending it: the run begins it again under the same record, and the file
 * arrives whole. */
static void
test_upload_gone_mid_run (void)
{
  g_autoptr(GError) error = NULL;
  AtTestS3 *slow = at_test_s3_proxy (s3, 0, 0, 300);
  g_autoptr(AtS3Client) c = at_test_s3_client (slow->endpoint, "lost", AT_TEST_S3_SECRET);
  g_autofree char *dir = at_test_make_tmpdir ();
  g_autofree char *src = g_build_filename (dir, "lost.nef", NULL);
  g_autofree char *catalog_path = g_build_filename (dir, "catalog.atelier", NULL);
  g_autoptr(GBytes) sent = at_test_random_file (src, 3 * 5 * MIB);
  g_autoptr(GFile) file = g_file_new_for_path (src);
  g_autoptr(AtCatalog) catalog = at_catalog_open (catalog_path, AT_CATALOG_OPEN_CREATE, &error);
  g_autoptr(AtS3Upload) u = at_s3_upload_new (c, catalog, file, "lost.nef");
  Abort a = { c, catalog, FALSE };

  at_test_s3_make_bucket (c);
  at_s3_upload_set_part_size (u, 5 * MIB);
  at_s3_upload_set_parallel (u, 1);
  at_s3_upload_set_progress (u, abort_once_sending, &a);
  g_assert_true (upload (u, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (a.aborted);
  at_test_s3_assert_stored (c, "lost.nef", sent, dir);
  g_assert_true (at_catalog_flush (catalog, NULL));
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM uploads"), ==, 1);
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM uploads WHERE status = 'completed'"), ==, 1);
  at_test_s3_stop (slow);
  at_test_rm_rf (dir);
}

/* The first CompleteMultipartUpload goes wrong, as @fault says:
 * - its answer is lost after the server put the parts together: the retry
 *   hears NoSuchUpload, and the upload, finding its object there, whole,
 *   is done;
 * - it is answered 200 with an InternalError inside (S3 may, once the
 *   answer has begun): asked again, as a 500 would be.
 * Either way no part goes twice. */
static void
test_completion_fault (gconstpointer fault)
{
  g_autoptr(GError) error = NULL;
  AtTestS3 *proxy = at_test_s3_proxy_doing (s3, fault);
  g_autoptr(AtS3Client) c = at_test_s3_client (proxy->endpoint, g_str_equal (fault, "--fail-completes") ? "error-in-200"
                                                                                                  : "lost-answer",
                                                AT_TEST_S3_SECRET);
  g_autofree char *dir = at_test_make_tmpdir ();
  g_autofree char *src = g_build_filename (dir, "wedding.mov", NULL);
  g_autofree char *catalog_path = g_build_filename (dir, "catalog.atelier", NULL);
  g_autoptr(GBytes) sent = at_test_random_file (src, 3 * 5 * MIB + 9);
  g_autoptr(GFile) file = g_file_new_for_path (src);
  g_autoptr(AtCatalog) catalog = at_catalog_open (catalog_path, AT_CATALOG_OPEN_CREATE, &error);
  g_autoptr(AtS3Upload) u = at_s3_upload_new (c, catalog, file, "wedding.mov");
  gint64 before, after;

  at_test_s3_make_bucket (c);
  at_s3_client_set_retries (c, 4, 20);
  at_s3_upload_set_part_size (u, 5 * MIB);
  before = at_test_s3_part_bytes (s3, NULL);
  g_assert_true (upload (u, NULL, &error));
  g_assert_no_error (error);
  after = at_test_s3_part_bytes (s3, NULL);
  g_assert_cmpint (after - before, ==, (gint64) g_bytes_get_size (sent));
  at_test_s3_assert_stored (c, "wedding.mov", sent, dir);
  g_assert_true (at_catalog_flush (catalog, NULL));
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM uploads WHERE status = 'completed'"), ==, 1);
  at_test_s3_stop (proxy);
  at_test_rm_rf (dir);
}

/* Cancelled while the answer to its start is on the way (the server has
 * started the upload): the answer is still read, and the upload aborted. */
static void
test_cancelled_while_starting (void)
{
  g_autoptr(GError) error = NULL;
  AtTestS3 *proxy = at_test_s3_proxy_doing (s3, "--slow-starts=1000");
  g_autoptr(AtS3Client) c = at_test_s3_client (proxy->endpoint, "starting", AT_TEST_S3_SECRET);
  g_autofree char *dir = at_test_make_tmpdir ();
  g_autofree char *src = g_build_filename (dir, "start.cr3", NULL);
  g_autoptr(GBytes) sent = at_test_random_file (src, 2 * 5 * MIB);
  g_autoptr(GFile) file = g_file_new_for_path (src);
  g_autoptr(AtS3Upload) u = at_s3_upload_new (c, NULL, file, "start.cr3");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) r = NULL;

  at_test_s3_make_bucket (c);
  at_s3_upload_set_part_size (u, 5 * MIB);
  at_s3_upload_run (u, cancellable, at_test_async_done, &r);
  /* (the proxy holds the answer a second after the server has begun) */
  at_test_wait_until (started_on_server, "starting", 10);
  g_assert_cmpuint (unfinished_uploads ("starting"), ==, 1);
  g_cancellable_cancel (cancellable);
  g_assert_false (at_s3_upload_run_finish (u, at_test_async_wait (&r), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (unfinished_uploads ("starting"), ==, 0);
  at_test_s3_stop (proxy);
  at_test_rm_rf (dir);
}

/* Without a catalog there is nothing to resume from: an upload that fails
 * for good (every part refused) is aborted before the run ends. */
static void
test_failed_without_catalog (void)
{
  g_autoptr(GError) error = NULL;
  AtTestS3 *proxy = at_test_s3_proxy (s3, 1, 0, 0);
  g_autoptr(AtS3Client) c = at_test_s3_client (proxy->endpoint, "refused", AT_TEST_S3_SECRET);
  g_autofree char *dir = at_test_make_tmpdir ();
  g_autofree char *src = g_build_filename (dir, "refused.cr3", NULL);
  g_autoptr(GBytes) sent = at_test_random_file (src, 2 * 5 * MIB);
  g_autoptr(GFile) file = g_file_new_for_path (src);
  g_autoptr(AtS3Upload) u = at_s3_upload_new (c, NULL, file, "refused.cr3");
  gint64 aborted = at_test_s3_stat (s3, "aborted");

  at_test_s3_make_bucket (c);
  at_s3_client_set_retries (c, 2, 5);
  at_s3_upload_set_part_size (u, 5 * MIB);
  g_assert_false (upload (u, NULL, &error));
  g_assert_error (error, AT_S3_ERROR, AT_S3_ERROR_SERVER);
  g_assert_cmpint (at_test_s3_stat (s3, "aborted"), ==, aborted + 1);
  g_assert_cmpuint (unfinished_uploads ("refused"), ==, 0);
  at_test_s3_stop (proxy);
  at_test_rm_rf (dir);
}

/* `s3 put` through @proxy stopped with Ctrl-C (SIGINT) once a part is on
 * the server: what it says on stderr; its exit status, or -1 if the signal
 * ended it. With --catalog it pauses. @dead: the link is gone first (the
 * proxy stopped); @twice: Ctrl-C again a moment later. */
static int
interrupt_put (AtTestS3 *proxy, const char *catalog_path, const char *src, const char *key, gboolean dead, gboolean twice,
               char **said)
{
  const char *endpoint = proxy->endpoint;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_path_get_dirname (src);
  g_autofree char *err_path = g_build_filename (dir, "stderr.txt", NULL);
  const char *argv[] = { g_getenv ("AT_CLI"), "s3", "put", "--quiet", "--endpoint", endpoint, "--bucket", "interrupted",
                         "--part-size", "5", "--parallel", "1", src, key, catalog_path ? "--catalog" : NULL, catalog_path,
                         NULL };
  int fd = g_open (err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  AtTestS3Parts before = { s3, 0 };
  GPid pid;
  int status;

  g_assert_cmpint (fd, >=, 0);
  at_test_s3_part_bytes (s3, &before.parts);
  g_assert_true (g_spawn_async_with_fds (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL,
                                         NULL, NULL, &pid, -1, -1, fd, &error));
  g_assert_no_error (error);
  close (fd);
  at_test_wait_until (at_test_s3_more_parts, &before, 30);
  if (dead)
    at_test_s3_stop (proxy);
  kill (pid, SIGINT);
  if (twice)
    {
      g_usleep (300 * 1000);
      kill (pid, SIGINT);
    }
  waitpid (pid, &status, 0);
  g_spawn_close_pid (pid);
  g_assert_true (g_file_get_contents (err_path, said, NULL, NULL));
  if (WIFSIGNALED (status))
    return -1;
  g_assert_true (WIFEXITED (status));
  return WEXITSTATUS (status);
}

static void
test_cli_interrupted (void)
{
  g_autoptr(GError) error = NULL;
  AtTestS3 *slow = at_test_s3_proxy (s3, 0, 0, 300);
  g_autoptr(AtS3Client) direct = at_test_s3_client (s3->endpoint, "interrupted", AT_TEST_S3_SECRET);
  g_autofree char *dir = at_test_make_tmpdir ();
  g_autofree char *src = g_build_filename (dir, "ceremony.mov", NULL);
  g_autofree char *catalog_path = g_build_filename (dir, "catalog.atelier", NULL);
  g_autoptr(GBytes) sent = at_test_random_file (src, 6 * 5 * MIB);
  g_autofree char *said = NULL;
  AtTestRun r;

  at_test_s3_make_bucket (direct);
  at_test_s3_set_env (NULL);
  /* without a catalog nothing could resume it: taken off the server before the process ends */
  g_assert_cmpint (interrupt_put (slow, NULL, src, "gone.mov", FALSE, FALSE, &said), ==, 130);
  g_assert_nonnull (strstr (said, "nothing of it is left on the server"));
  g_assert_cmpuint (unfinished_uploads ("interrupted"), ==, 0);
  g_clear_pointer (&said, g_free);

  /* with one it pauses, and the same command sends the rest */
  g_object_unref (at_catalog_open (catalog_path, AT_CATALOG_OPEN_CREATE, &error));
  g_assert_no_error (error);
  g_assert_cmpint (interrupt_put (slow, catalog_path, src, "kept.mov", FALSE, FALSE, &said), ==, 130);
  g_assert_nonnull (strstr (said, "Paused"));
  g_assert_cmpuint (unfinished_uploads ("interrupted"), ==, 1);
  {
    g_autoptr(AtCatalog) catalog = at_catalog_open (catalog_path, AT_CATALOG_OPEN_DEFAULT, &error);
    g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM uploads WHERE status = 'paused'"), ==, 1);
  }
  r = at_test_cli ("s3", "put", "--quiet", "--endpoint", s3->endpoint, "--bucket", "interrupted", "--catalog", catalog_path,
                   "--part-size", "5", src, "kept.mov", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "on the server already"));
  at_test_run_clear (&r);
  at_test_s3_assert_stored (direct, "kept.mov", sent, dir);
  at_test_s3_stop (slow);
  g_clear_pointer (&said, g_free);

  /* the link gone: the abort fails after its retries, and it says so; a
   * second Ctrl-C does not wait for them */
  slow = at_test_s3_proxy (s3, 0, 0, 300);
  g_assert_cmpint (interrupt_put (slow, NULL, src, "cut.mov", TRUE, FALSE, &said), ==, 130);
  g_assert_nonnull (strstr (said, "could not be taken off the server"));
  g_clear_pointer (&said, g_free);
  slow = at_test_s3_proxy (s3, 0, 0, 300);
  g_assert_cmpint (interrupt_put (slow, NULL, src, "quit.mov", TRUE, TRUE, &said), ==, -1);
  g_assert_nonnull (strstr (said, "again to quit at once"));
  at_test_rm_rf (dir);
}

/* A pause while a part waits out a long backoff (the server refusing every
 * part) ends the run at once, not when the backoff is over. */
static void
test_pause_during_backoff (void)
{
  g_autoptr(GError) error = NULL;
  AtTestS3 *proxy = at_test_s3_proxy (s3, 1, 0, 0);
  g_autoptr(AtS3Client) c = at_test_s3_client (proxy->endpoint, "backoff", AT_TEST_S3_SECRET);
  g_autofree char *dir = at_test_make_tmpdir ();
  g_autofree char *src = g_build_filename (dir, "slow.cr3", NULL);
  g_autoptr(GBytes) sent = at_test_random_file (src, 2 * 5 * MIB);
  g_autoptr(GFile) file = g_file_new_for_path (src);
  g_autoptr(AtS3Upload) u = at_s3_upload_new (c, NULL, file, "slow.cr3");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) r = NULL;
  gint64 t0;

  at_test_s3_make_bucket (c);
  at_s3_client_set_retries (c, 8, 10000);
  at_s3_upload_set_part_size (u, 5 * MIB);
  at_s3_upload_run (u, cancellable, at_test_async_done, &r);
  at_test_run_main_loop (1000);
  t0 = g_get_monotonic_time ();
  g_cancellable_cancel (cancellable);
  g_assert_false (at_s3_upload_run_finish (u, at_test_async_wait (&r), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  /* (the backoff is 10 s; the abort's round trip may take a while under load) */
  g_assert_cmpint (g_get_monotonic_time () - t0, <, 5 * G_USEC_PER_SEC);
  at_test_s3_stop (proxy);
  at_test_rm_rf (dir);
}

/* The ETag S3 gives a file: its MD5 in one PUT; in parts, the MD5 of the
 * parts' MD5s and their number (worked out here from the bytes, apart). */
static void
test_file_etag (void)
{
  g_autofree char *dir = at_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "IMG_0001.CR3", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  const gsize sizes[] = { 20 * MIB + 3, 16 * MIB, 0 };

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autoptr(GBytes) bytes = at_test_random_file (path, sizes[i]);
      const guint8 *data = g_bytes_get_data (bytes, NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(GChecksum) parts = g_checksum_new (G_CHECKSUM_MD5);
      g_autofree char *whole = g_compute_checksum_for_bytes (G_CHECKSUM_MD5, bytes);
      g_autofree char *want = NULL;
      g_autofree char *got = NULL;
      guint n = 0;

      for (gsize at = 0; at < sizes[i] || n == 0; at += 8 * MIB, n++)
        {
          g_autoptr(GChecksum) part = g_checksum_new (G_CHECKSUM_MD5);
          guint8 digest[16];
          gsize len = sizeof digest;

          g_checksum_update (part, data + at, MIN (8 * MIB, sizes[i] - at));
          g_checksum_get_digest (part, digest, &len);
          g_checksum_update (parts, digest, len);
        }
      want = g_strdup_printf ("%s-%u", g_checksum_get_string (parts), n);
      got = at_s3_file_etag (file, 0, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (got, ==, whole);
      g_free (got);
      got = at_s3_file_etag (file, 8 * MIB, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (got, ==, want);
    }
  {
    g_autoptr(GFile) missing = g_file_new_for_path ("/nonexistent/IMG.CR3");
    g_assert_null (at_s3_file_etag (missing, 0, NULL, NULL));
  }
  at_test_rm_rf (dir);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  /* ListParts pages of one part, as S3 pages a thousand: a resume reads
   * every page */
  g_setenv ("S3_FRONT_MAX_PARTS", "1", TRUE);
  s3 = at_test_s3_start ();
  g_test_add_func ("/s3/upload/multipart", test_multipart);
  g_test_add_func ("/s3/upload/file-etag", test_file_etag);
  g_test_add_func ("/s3/upload/faults", test_faults);
  g_test_add_func ("/s3/upload/bandwidth-limit", test_bandwidth_limit);
  g_test_add_func ("/s3/upload/read-ahead", test_read_ahead);
  g_test_add_func ("/s3/upload/resume-after-kill", test_resume_after_kill);
  g_test_add_data_func ("/s3/upload/changed-between-parts", GINT_TO_POINTER (FALSE), test_changed_between_parts);
  g_test_add_data_func ("/s3/upload/replaced-between-parts", GINT_TO_POINTER (TRUE), test_changed_between_parts);
  g_test_add_func ("/s3/upload/cancel", test_cancel);
  g_test_add_func ("/s3/upload/failed-without-catalog", test_failed_without_catalog);
  g_test_add_func ("/s3/upload/cancelled-while-starting", test_cancelled_while_starting);
  g_test_add_func ("/s3/upload/cli-interrupted", test_cli_interrupted);
  g_test_add_func ("/s3/upload/ten-thousand-parts", test_ten_thousand_parts);
  g_test_add_func ("/s3/upload/big-parts-fewer-at-once", test_big_parts_fewer_at_once);
  g_test_add_func ("/s3/upload/from-before-checksums", test_upload_from_before_checksums);
  g_test_add_func ("/s3/upload/replaced-keeping-time", test_replaced_keeping_time);
  g_test_add_func ("/s3/upload/completed-before-its-record", test_completed_before_its_record);
  g_test_add_func ("/s3/upload/upload-gone", test_upload_gone);
  g_test_add_func ("/s3/upload/upload-gone-mid-run", test_upload_gone_mid_run);
  g_test_add_data_func ("/s3/upload/completion-answer-lost", "--lose-complete-answers", test_completion_fault);
  g_test_add_data_func ("/s3/upload/completion-error-in-200", "--fail-completes", test_completion_fault);
  g_test_add_func ("/s3/upload/pause-during-backoff", test_pause_during_backoff);
  status = g_test_run ();
  at_test_s3_stop (s3);
  return status;
}
