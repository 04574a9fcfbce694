/* test-upload-queue.c — AtUploadQueue against the S3 test server: a
 * project's originals all go, under studios/{studio}/projects/{project}/;
 * paused halfway they go on where they stopped; the per-project switch
 * queues originals as they arrive; a queue let go mid-run loses nothing;
 * and `atelier-cli upload`. */
#include "config.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>
#include <sys/wait.h>

#include <glib/gstdio.h>

#include "at-test-cli.h"
#include "at-test-s3.h"
#include "at-test-util.h"

#define MIB (1024 * 1024)

static AtTestS3 *s3;

static void
drained_cb (AtUploadQueue *queue, gboolean *done)
{
  *done = TRUE;
}

/* Paused once the server holds a part (an AtTestS3Parts). */
static void
pause_once_a_part_is_stored (AtUploadQueue *queue, gpointer data)
{
  if (at_test_s3_more_parts (data))
    at_upload_queue_pause (queue);
}

/* How long the main loop stops at most, from ticks_begin() to ticks_end(). */
typedef struct
{
  gint64 last;     /* µs, the last tick */
  gint64 longest;  /* µs between two */
  guint  id;
} Ticks;

static gboolean
tick (gpointer data)
{
  Ticks *t = data;
  gint64 now = g_get_monotonic_time ();

  t->longest = MAX (t->longest, now - t->last);
  t->last = now;
  return G_SOURCE_CONTINUE;
}

static void
ticks_begin (Ticks *t)
{
  t->last = g_get_monotonic_time ();
  t->longest = 0;
  t->id = g_timeout_add (20, tick, t);
}

/* The catalog's writer was held 1.5 s meanwhile: the main loop must not
 * have stopped for it. */
static void
ticks_end (Ticks *t)
{
  tick (t);   /* (a stop before the end is a gap too) */
  g_source_remove (t->id);
  g_test_message ("longest stop of the main loop: %" G_GINT64_FORMAT " ms", t->longest / 1000);
  g_assert_cmpint (t->longest, <, 1000 * 1000);
}

/* What an _async call of the queue answered. */
typedef struct
{
  gboolean answered;
  gboolean ok;
  guint    queued;
  GError  *error;
} Answer;

static void
added_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Answer *a = data;

  a->ok = at_upload_queue_add_project_finish (AT_UPLOAD_QUEUE (source), result, &a->queued, &a->error);
  a->answered = TRUE;
}

static void
switched_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Answer *a = data;

  a->ok = at_upload_queue_set_project_backup_finish (AT_UPLOAD_QUEUE (source), result, &a->queued, &a->error);
  a->answered = TRUE;
}

static void
retried_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Answer *a = data;

  a->ok = at_upload_queue_retry_failed_finish (AT_UPLOAD_QUEUE (source), result, &a->error);
  a->answered = TRUE;
}

/* Waits for @a, with the writer held meanwhile (see ticks_end). */
static void
wait_for_answer (Answer *a, Ticks *ticks)
{
  at_test_wait_until (at_test_flag_is_set, &a->answered, 30);
  ticks_end (ticks);
  g_assert_no_error (a->error);
  g_assert_true (a->ok);
}

/* A project's originals through the queue: all of them, under
 * studios/{studio}/projects/{project}/originals/; paused halfway, the
 * queue goes on where it stopped (only the parts not yet there are sent);
 * queued again, nothing is sent twice. */
static void
test_queue (void)
{
  g_autoptr(GError) error = NULL;
  AtTestS3 *slow = at_test_s3_proxy (s3, 0, 0, 300);
  g_autoptr(AtS3Client) direct = at_test_s3_client (s3->endpoint, "studio", AT_TEST_S3_SECRET);
  g_autoptr(AtS3Client) c = at_test_s3_client (slow->endpoint, "studio", AT_TEST_S3_SECRET);
  g_autofree char *dir = at_test_make_tmpdir ();
  g_autoptr(AtCatalog) catalog = at_test_demo_catalog (dir, 8);
  g_autofree char *library = g_build_filename (dir, "library", NULL);
  g_autofree char *prefix = NULL;
  g_autofree char *big_path = NULL;
  g_autoptr(GBytes) big = NULL;
  g_autoptr(AtUploadQueue) queue = at_upload_queue_new (catalog, c, library);
  g_autoptr(GPtrArray) objects = NULL;
  gint64 before, after, parts_before, parts_after, files;
  AtTestS3Parts first_part = { s3, 0 };
  gboolean done = FALSE;
  guint queued = 0;
  gulong pauser;

  at_test_s3_make_bucket (direct);
  files = at_test_sql_int (catalog, "SELECT count(*) FROM photo_files WHERE role IN ('raw', 'jpeg')");
  /* two originals become big enough to go in parts */
  {
    g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
    g_autofree char *first = at_test_sql_text (catalog, "SELECT library_path FROM photo_files WHERE role IN ('raw', 'jpeg') "
                                                        "ORDER BY library_path LIMIT 1");
    g_autofree char *second = at_test_sql_text (catalog, "SELECT library_path FROM photo_files WHERE role IN ('raw', 'jpeg') "
                                                         "ORDER BY library_path LIMIT 1 OFFSET 1");
    g_autofree char *second_path = g_build_filename (library, second, NULL);
    g_autoptr(GBytes) other = at_test_random_file (second_path, 12 * MIB);
    big_path = g_build_filename (library, first, NULL);
    big = at_test_random_file (big_path, 20 * MIB + 3);
    prefix = at_test_sql_text (catalog, "SELECT 'studios/' || studio_id || '/projects/' || id || '/originals/' FROM projects "
                                        "WHERE project_number = 'P-2026-001'");
    g_free (big_path);
    big_path = g_strconcat (prefix, first, NULL);
  }
  g_assert_true (at_upload_queue_add_project (queue, "P-2026-001", &queued, &error));
  g_assert_no_error (error);
  g_assert_cmpint (queued, ==, files);

  g_signal_connect (queue, "drained", G_CALLBACK (drained_cb), &done);
  at_test_s3_part_bytes (s3, &first_part.parts);
  pauser = g_signal_connect (queue, "changed", G_CALLBACK (pause_once_a_part_is_stored), &first_part);
  at_upload_queue_start (queue);
  at_test_wait_until (at_test_flag_is_set, &done, 60);
  g_assert_true (at_catalog_flush (catalog, NULL));
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM uploads WHERE status = 'paused'"), >, 0);
  /* (the server's list of parts wins over the record, which a pause may cut short) */
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM uploads WHERE multipart_id IS NOT NULL"), >, 0);

  /* on again, straight to the server */
  g_signal_handler_disconnect (queue, pauser);
  g_clear_object (&queue);
  queue = at_upload_queue_new (catalog, direct, library);
  g_signal_connect (queue, "drained", G_CALLBACK (drained_cb), &done);
  done = FALSE;
  before = at_test_s3_part_bytes (s3, &parts_before);
  at_upload_queue_start (queue);
  at_test_wait_until (at_test_flag_is_set, &done, 60);
  after = at_test_s3_part_bytes (s3, &parts_after);
  g_assert_true (at_catalog_flush (catalog, NULL));
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM uploads WHERE status = 'completed'"), ==, files);
  /* the parts the pause kept were not sent again: less than the two files' 32 MiB in parts */
  g_assert_cmpint (after - before, <, 32 * MIB + 3);
  g_test_message ("after the pause: %" G_GINT64_FORMAT " parts, %" G_GINT64_FORMAT " bytes in parts", parts_after - parts_before,
                  after - before);
  {
    g_autoptr(GAsyncResult) r = NULL;
    at_s3_client_list (direct, prefix, NULL, at_test_async_done, &r);
    objects = at_s3_client_list_finish (direct, at_test_async_wait (&r), &error);
    g_assert_no_error (error);
    g_assert_cmpint (objects->len, ==, files);
  }
  at_test_s3_assert_stored (direct, big_path, big, dir);

  /* again: nothing new */
  g_assert_true (at_upload_queue_add_project (queue, "P-2026-001", &queued, &error));
  g_assert_cmpuint (queued, ==, 0);
  at_test_s3_stop (slow);
  at_test_rm_rf (dir);
}

/* An original of @size bytes arriving in project @number (as an ingest
 * files it), catalogued as @name at the library's top. */
static void
add_original (AtCatalog *catalog, const char *number, const char *name, gint64 size)
{
  g_autofree char *sql = g_strdup_printf (
    "INSERT INTO photos (id, content_hash, file_size, original_name, file_name, library_path, project_id) "
    "SELECT 'photo-%1$s', 'h-%1$s', %2$" G_GINT64_FORMAT ", '%1$s', '%1$s', '%1$s', id FROM projects "
    "WHERE project_number = '%3$s';"
    "INSERT INTO photo_files (id, photo_id, role, file_name, library_path, file_size) "
    "VALUES ('file-%1$s', 'photo-%1$s', 'jpeg', '%1$s', '%1$s', %2$" G_GINT64_FORMAT ");", name, size, number);

  at_test_sql_exec (catalog, sql);
}

static gboolean
new_original_sent (gpointer catalog)
{
  return at_test_sql_int (catalog, "SELECT count(*) FROM uploads WHERE object_key LIKE '%/late.jpg' AND status = 'completed'")
         == 1;
}

/* The per-project switch: on, the project's originals go now, and one that
 * arrives later (an ingest) goes a moment after; another project's does
 * not. */
static void
test_keep_backed_up (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AtS3Client) c = at_test_s3_client (s3->endpoint, "kept", AT_TEST_S3_SECRET);
  g_autofree char *dir = at_test_make_tmpdir ();
  g_autoptr(AtCatalog) catalog = at_test_demo_catalog (dir, 4);
  g_autofree char *library = g_build_filename (dir, "library", NULL);
  g_autoptr(AtUploadQueue) queue = at_upload_queue_new (catalog, c, library);
  g_autofree char *late = g_build_filename (library, "late.jpg", NULL);
  g_autofree char *other = g_build_filename (library, "other.jpg", NULL);
  g_autoptr(GBytes) late_bytes = at_test_random_file (late, 300000);
  g_autoptr(GBytes) other_bytes = at_test_random_file (other, 1000);
  gboolean done = FALSE;
  guint queued = 0;

  at_test_s3_make_bucket (c);
  g_signal_connect (queue, "drained", G_CALLBACK (drained_cb), &done);
  /* switched on from the window while the catalog's writer is busy (a
   * sync's page): the window goes on, the originals are queued once the
   * writer is free, and go */
  {
    Answer answer = { 0 };
    Ticks ticks;

    at_test_hold_writer_for (catalog, 1500);
    ticks_begin (&ticks);
    at_upload_queue_set_project_backup_async (queue, "P-2026-001", TRUE, NULL, switched_cb, &answer);
    wait_for_answer (&answer, &ticks);
    g_assert_cmpuint (answer.queued, ==, 4);
  }
  at_test_wait_until (at_test_flag_is_set, &done, 30);
  g_assert_true (at_catalog_flush (catalog, NULL));
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM uploads WHERE status = 'completed'"), ==, 4);
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT backup_originals FROM projects WHERE project_number = 'P-2026-001'"),
                   ==, 1);

  /* an original arrives in the project, another in a project not kept */
  at_upload_queue_watch (queue);
  add_original (catalog, "P-2026-001", "late.jpg", 300000);
  add_original (catalog, "P-2026-002", "other.jpg", 1000);
  at_test_wait_until (new_original_sent, catalog, 30);
  at_test_run_main_loop (500);
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM uploads WHERE object_key LIKE '%/other.jpg'"), ==, 0);
  {
    g_autofree char *key = at_test_sql_text (catalog, "SELECT object_key FROM uploads WHERE object_key LIKE '%/late.jpg'");
    at_test_s3_assert_stored (c, key, late_bytes, dir);
  }
  /* off: nothing more is queued for it */
  g_assert_true (at_upload_queue_set_project_backup (queue, "P-2026-001", FALSE, &queued, &error));
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT backup_originals FROM projects WHERE project_number = 'P-2026-001'"),
                   ==, 0);
  at_test_rm_rf (dir);
}

/* Runs @queue until it has nothing left. */
static void
run_to_the_end (AtUploadQueue *queue)
{
  gboolean done = FALSE;
  gulong id = g_signal_connect (queue, "drained", G_CALLBACK (drained_cb), &done);

  at_upload_queue_start (queue);
  at_test_wait_until (at_test_flag_is_set, &done, 60);
  g_signal_handler_disconnect (queue, id);
}

static guint
count_objects (AtS3Client *client, const char *prefix)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) r = NULL;
  g_autoptr(GPtrArray) objects = NULL;

  at_s3_client_list (client, prefix, NULL, at_test_async_done, &r);
  objects = at_s3_client_list_finish (client, at_test_async_wait (&r), &error);
  g_assert_no_error (error);
  return objects->len;
}

/* Puts @size other bytes under @key, as someone or something else might. */
static void
put_other_bytes (AtS3Client *client, const char *key, gsize size, const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "other-bytes", NULL);
  g_autoptr(GBytes) bytes = at_test_random_file (path, size);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GAsyncResult) r = NULL;
  g_autoptr(GError) error = NULL;

  at_s3_client_put_file (client, file, key, NULL, NULL, NULL, at_test_async_done, &r);
  g_assert_true (at_s3_client_put_file_finish (client, at_test_async_wait (&r), &error));
  g_assert_no_error (error);
}

static void
remove_object (AtS3Client *client, const char *key)
{
  g_autoptr(GAsyncResult) r = NULL;
  g_autoptr(GError) error = NULL;

  at_s3_client_delete (client, key, NULL, at_test_async_done, &r);
  g_assert_true (at_s3_client_delete_finish (client, at_test_async_wait (&r), &error));
}

/* What the audits recorded, as a day later: every project is due again. */
static void
a_day_later (AtCatalog *catalog)
{
  g_assert_true (at_catalog_flush (catalog, NULL));
  at_test_sql_exec (catalog, "UPDATE upload_audits SET audited_at = strftime('%Y-%m-%dT%H:%M:%fZ', audited_at, '-25 hours')");
}
/* Backed up, then: the same server by another address (a proxy's) sends
 * nothing again, each object found and compared (one whose bytes differ,
 * at the same size, goes again); a bucket of the same name at another
 * provider gets everything; uploads recorded before endpoints were are
 * looked for in the bucket at the first run (found: this endpoint's; not
 * found, after a move: sent); an object gone from the bucket goes again. */
static void
test_another_endpoint (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AtS3Client) c = at_test_s3_client (s3->endpoint, "moved", AT_TEST_S3_SECRET);
  AtTestS3 *alias = at_test_s3_proxy (s3, 0, 0, 0);
  AtTestS3 *other = at_test_s3_start ();
  AtTestS3 *fresh = at_test_s3_start ();
  g_autoptr(AtS3Client) by_alias = at_test_s3_client (alias->endpoint, "moved", AT_TEST_S3_SECRET);
  g_autoptr(AtS3Client) at_other = at_test_s3_client (other->endpoint, "moved", AT_TEST_S3_SECRET);
  g_autoptr(AtS3Client) at_fresh = at_test_s3_client (fresh->endpoint, "moved", AT_TEST_S3_SECRET);
  g_autofree char *dir = at_test_make_tmpdir ();
  g_autoptr(AtCatalog) catalog = at_test_demo_catalog (dir, 4);
  g_autofree char *library = g_build_filename (dir, "library", NULL);
  g_autofree char *prefix = NULL;
  g_autofree char *changed_key = NULL;
  g_autofree char *changed_path = NULL;
  g_autoptr(AtUploadQueue) queue = at_upload_queue_new (catalog, c, library);
  gint64 files, put_bytes, puts, changed_size;
  guint queued = 0;

  at_test_s3_make_bucket (c);
  at_test_s3_make_bucket (at_other);
  at_test_s3_make_bucket (at_fresh);
  files = at_test_sql_int (catalog, "SELECT count(*) FROM photo_files WHERE role IN ('raw', 'jpeg')");
  prefix = at_test_sql_text (catalog, "SELECT 'studios/' || studio_id || '/projects/' || id || '/originals/' FROM projects "
                                      "WHERE project_number = 'P-2026-001'");
  /* (sizes the catalog does not know: the uploads learn them) */
  at_test_sql_exec (catalog, "UPDATE photo_files SET file_size = NULL");
  g_assert_true (at_upload_queue_add_project (queue, "P-2026-001", &queued, &error));
  g_assert_cmpint (queued, ==, files);
  run_to_the_end (queue);
  g_assert_true (at_catalog_flush (catalog, NULL));
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM uploads WHERE status = 'completed'"), ==, files);

  /* the same server by another address: looked at, nothing sent but the
   * one file whose object has other bytes now, of its size */
  changed_key = at_test_sql_text (catalog, "SELECT object_key FROM uploads ORDER BY object_key LIMIT 1");
  changed_path = at_test_sql_text (catalog, "SELECT local_path FROM uploads ORDER BY object_key LIMIT 1");
  changed_size = at_test_sql_int (catalog, "SELECT size_bytes FROM uploads ORDER BY object_key LIMIT 1");
  put_other_bytes (c, changed_key, (gsize) changed_size, dir);
  g_clear_object (&queue);
  queue = at_upload_queue_new (catalog, by_alias, library);
  g_assert_true (at_upload_queue_add_project (queue, "P-2026-001", &queued, &error));
  g_assert_cmpint (queued, ==, files);
  put_bytes = at_test_s3_stat (s3, "put_bytes");
  run_to_the_end (queue);
  g_assert_true (at_catalog_flush (catalog, NULL));
  g_assert_cmpint (at_test_s3_stat (s3, "put_bytes") - put_bytes, ==, changed_size);
  {
    g_autoptr(GBytes) file = NULL;
    g_autofree char *data = NULL;
    gsize length;

    g_assert_true (g_file_get_contents (changed_path, &data, &length, NULL));
    file = g_bytes_new_take (g_steal_pointer (&data), length);
    at_test_s3_assert_stored (c, changed_key, file, dir);
  }
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM uploads WHERE status = 'completed' AND endpoint = "
                                             "(SELECT endpoint FROM uploads WHERE check_first = 1 LIMIT 1)"), ==, files);
  {
    AtUploadProgress progress;

    at_upload_queue_get_progress (queue, &progress);
    g_assert_cmpint (progress.files_done, ==, files);
    g_assert_cmpint (progress.bytes_done, ==, progress.bytes_total);
  }

  /* another provider, a bucket of the same name: everything goes there */
  g_clear_object (&queue);
  queue = at_upload_queue_new (catalog, at_other, library);
  g_assert_true (at_upload_queue_add_project (queue, "P-2026-001", &queued, &error));
  g_assert_cmpint (queued, ==, files);
  puts = at_test_s3_stat (other, "puts");
  run_to_the_end (queue);
  g_assert_cmpuint (count_objects (at_other, prefix), ==, files);
  g_assert_cmpint (at_test_s3_stat (other, "puts") - puts, ==, files);
  /* and back: all there */
  g_clear_object (&queue);
  queue = at_upload_queue_new (catalog, c, library);
  g_assert_true (at_upload_queue_add_project (queue, "P-2026-001", &queued, &error));
  g_assert_cmpuint (queued, ==, 0);

  /* uploads recorded before endpoints were, at a server that has them:
   * found by the first run, and this endpoint's */
  g_assert_true (at_catalog_flush (catalog, NULL));
  at_test_sql_exec (catalog, "DELETE FROM uploads WHERE check_first = 1");
  at_test_sql_exec (catalog, "UPDATE uploads SET endpoint = NULL");
  g_clear_object (&queue);
  queue = at_upload_queue_new (catalog, at_other, library);
  g_assert_true (at_upload_queue_add_project (queue, "P-2026-001", &queued, &error));
  g_assert_cmpuint (queued, ==, 0);
  puts = at_test_s3_stat (other, "puts");
  run_to_the_end (queue);
  g_assert_true (at_catalog_flush (catalog, NULL));
  g_assert_cmpint (at_test_s3_stat (other, "puts"), ==, puts);
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM uploads WHERE endpoint IS NULL"), ==, 0);

  /* one recorded at another size than its object's (a size the catalog
   * did not know when it was queued): looked at, not sent, its size learnt */
  {
    g_autofree char *sql = g_strdup_printf ("UPDATE uploads SET size_bytes = 0 WHERE object_key = '%s'", changed_key);
    at_test_sql_exec (catalog, sql);
  }
  a_day_later (catalog);
  g_clear_object (&queue);
  queue = at_upload_queue_new (catalog, at_other, library);
  run_to_the_end (queue);
  g_assert_true (at_catalog_flush (catalog, NULL));
  g_assert_cmpint (at_test_s3_stat (other, "puts"), ==, puts);
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM uploads WHERE size_bytes = 0"), ==, 0);

  /* ...and at one that does not (moved to before they were recorded): sent */
  at_test_sql_exec (catalog, "UPDATE uploads SET endpoint = NULL");
  g_clear_object (&queue);
  queue = at_upload_queue_new (catalog, at_fresh, library);
  g_assert_true (at_upload_queue_add_project (queue, "P-2026-001", &queued, &error));
  g_assert_cmpuint (queued, ==, 0);
  run_to_the_end (queue);
  g_assert_cmpuint (count_objects (at_fresh, prefix), ==, files);

  /* paused while it looks in the bucket: the run ends as a paused one
   * does (the CLI waits for that) */
  a_day_later (catalog);
  g_clear_object (&queue);
  queue = at_upload_queue_new (catalog, at_fresh, library);
  {
    gboolean done = FALSE;

    g_signal_connect (queue, "drained", G_CALLBACK (drained_cb), &done);
    at_upload_queue_start (queue);
    g_assert_true (at_upload_queue_is_checking (queue));
    at_upload_queue_pause (queue);
    at_test_wait_until (at_test_flag_is_set, &done, 10);
    g_assert_false (at_upload_queue_is_checking (queue));
  }

  /* an object gone from the bucket (a lifecycle rule, a hand) goes again,
   * and only it, from where the library is now */
  remove_object (at_fresh, changed_key);
  g_assert_cmpuint (count_objects (at_fresh, prefix), ==, files - 1);
  {
    g_autofree char *moved = g_build_filename (dir, "library-moved", NULL);

    g_assert_cmpint (g_rename (library, moved), ==, 0);
    g_free (library);
    library = g_steal_pointer (&moved);
  }
  a_day_later (catalog);
  g_clear_object (&queue);
  queue = at_upload_queue_new (catalog, at_fresh, library);
  puts = at_test_s3_stat (fresh, "puts");
  run_to_the_end (queue);
  g_assert_cmpint (at_test_s3_stat (fresh, "puts") - puts, ==, 1);
  g_assert_cmpuint (count_objects (at_fresh, prefix), ==, files);
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM uploads WHERE status = 'failed'"), ==, 0);

  /* the bucket out of reach: nothing to send, but the check is owed */
  at_test_s3_stop (fresh);
  a_day_later (catalog);
  g_clear_object (&queue);
  queue = at_upload_queue_new (catalog, at_fresh, library);
  at_s3_client_set_retries (at_fresh, 1, 10);
  run_to_the_end (queue);
  g_assert_nonnull (at_upload_queue_get_waiting (queue, NULL));
  g_assert_nonnull (strstr (at_upload_queue_get_waiting (queue, NULL), "could not be checked"));
  at_test_s3_stop (alias);
  at_test_s3_stop (other);
  at_test_rm_rf (dir);
}

/* The key of an original of project @number that the catalog has as backed up. */
static char *
project_key (AtCatalog *catalog, const char *number)
{
  g_autofree char *sql = g_strdup_printf ("SELECT u.object_key FROM uploads u JOIN photos ph ON ph.id = u.photo_id "
                                          "JOIN projects p ON p.id = ph.project_id WHERE p.project_number = '%s' "
                                          "AND u.status = 'completed' ORDER BY u.object_key LIMIT 1", number);
  return at_test_sql_text (catalog, sql);
}

/* Runs @queue to its end with the catalog's writer held for its first
 * 1.5 s (a sync's page, an ingest's writes): the main loop must not stop
 * for it. */
static void
run_while_writer_held (AtUploadQueue *queue, AtCatalog *catalog)
{
  Ticks ticks;

  at_test_hold_writer_for (catalog, 1500);
  ticks_begin (&ticks);
  run_to_the_end (queue);
  ticks_end (&ticks);
}

/* The audit over several projects (listed at once): an object gone from
 * each goes again, and nothing else. */
static void
test_audit_projects (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AtS3Client) c = at_test_s3_client (s3->endpoint, "audited", AT_TEST_S3_SECRET);
  g_autofree char *dir = at_test_make_tmpdir ();
  g_autoptr(AtCatalog) catalog = at_test_demo_catalog (dir, 3);
  g_autofree char *library = g_build_filename (dir, "library", NULL);
  g_autoptr(AtUploadQueue) queue = at_upload_queue_new (catalog, c, library);
  const char *projects[] = { "P-2026-001", "P-2026-002", "P-2026-003" };
  gint64 files, puts;

  at_test_s3_make_bucket (c);
  for (guint i = 1; i < G_N_ELEMENTS (projects); i++)
    {
      g_autofree char *name = g_strdup_printf ("other-%u.jpg", i);
      g_autofree char *path = g_build_filename (library, name, NULL);

      g_bytes_unref (at_test_random_file (path, 1000 + i));
      add_original (catalog, projects[i], name, 1000 + i);
    }
  files = at_test_sql_int (catalog, "SELECT count(*) FROM photo_files WHERE role IN ('raw', 'jpeg')");
  for (guint i = 0; i < G_N_ELEMENTS (projects); i++)
    g_assert_true (at_upload_queue_add_project (queue, projects[i], NULL, &error));
  run_to_the_end (queue);
  g_assert_true (at_catalog_flush (catalog, NULL));
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM uploads WHERE status = 'completed'"), ==, files);
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(DISTINCT substr(object_key, 1, instr(object_key, '/originals/'))) "
                                             "FROM uploads"), ==, G_N_ELEMENTS (projects));

  /* one object gone from each of two projects */
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *key = project_key (catalog, projects[i]);

      remove_object (c, key);
    }
  g_clear_object (&queue);
  queue = at_upload_queue_new (catalog, c, library);
  puts = at_test_s3_stat (s3, "puts");
  /* the catalog's writer busy a while (a sync's page) as the audit ends:
   * its verdicts wait for the writer, the main loop does not */
  run_while_writer_held (queue, catalog);
  g_assert_cmpint (at_test_s3_stat (s3, "puts") - puts, ==, 2);
  g_assert_true (at_catalog_flush (catalog, NULL));
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM uploads WHERE status = 'completed'"), ==, files);

  /* listed within the day: not listed again at the next start; a day
   * later, it is, and only what is due is judged */
  {
    g_autofree char *key1 = project_key (catalog, "P-2026-001");
    g_autofree char *key3 = project_key (catalog, "P-2026-003");
    g_autofree char *back = g_strdup_printf ("UPDATE upload_audits SET audited_at = strftime('%%Y-%%m-%%dT%%H:%%M:%%fZ', "
                                             "'now', '-25 hours') WHERE prefix = substr('%s', 1, instr('%s', '/originals/') + 10)",
                                             key3, key3);

    g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM upload_audits"), ==, G_N_ELEMENTS (projects));
    remove_object (c, key1);
    remove_object (c, key3);
    g_clear_object (&queue);
    queue = at_upload_queue_new (catalog, c, library);
    puts = at_test_s3_stat (s3, "puts");
    /* (and the run's start, nothing to audit, does not wait on a busy writer either) */
    run_while_writer_held (queue, catalog);
    g_assert_cmpint (at_test_s3_stat (s3, "puts") - puts, ==, 0);

    at_test_sql_exec (catalog, back);
    g_clear_object (&queue);
    queue = at_upload_queue_new (catalog, c, library);
    run_to_the_end (queue);
    g_assert_cmpint (at_test_s3_stat (s3, "puts") - puts, ==, 1);

    /* an audit dated ahead of the clock (set wrong then) does not count */
    at_test_sql_exec (catalog, "UPDATE upload_audits SET audited_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '+1 day')");
    g_clear_object (&queue);
    queue = at_upload_queue_new (catalog, c, library);
    run_to_the_end (queue);
    g_assert_cmpint (at_test_s3_stat (s3, "puts") - puts, ==, 2);
    g_assert_true (at_catalog_flush (catalog, NULL));
    g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM uploads WHERE status = 'completed'"), ==, files);
  }
  at_test_rm_rf (dir);
}

static gboolean
none_under_way (gpointer catalog)
{
  return at_test_sql_int (catalog, "SELECT count(*) FROM uploads WHERE status = 'uploading'") == 0;
}

static gboolean
queue_gone (gpointer slot)
{
  return *(gpointer *) slot == NULL;
}

/* The queue let go while files are under way (a window closed): they pause,
 * their ends still find what they need, and nothing is lost. */
static void
test_queue_dropped_mid_run (void)
{
  g_autoptr(GError) error = NULL;
  AtTestS3 *slow = at_test_s3_proxy (s3, 0, 0, 300);
  g_autoptr(AtS3Client) direct = at_test_s3_client (s3->endpoint, "dropped", AT_TEST_S3_SECRET);
  g_autoptr(AtS3Client) c = at_test_s3_client (slow->endpoint, "dropped", AT_TEST_S3_SECRET);
  g_autofree char *dir = at_test_make_tmpdir ();
  g_autoptr(AtCatalog) catalog = at_test_demo_catalog (dir, 3);
  g_autofree char *library = g_build_filename (dir, "library", NULL);
  AtUploadQueue *queue = at_upload_queue_new (catalog, c, library);
  g_autofree char *rel = at_test_sql_text (catalog, "SELECT library_path FROM photo_files ORDER BY library_path LIMIT 1");
  g_autofree char *path = g_build_filename (library, rel, NULL);
  g_autoptr(GBytes) big = at_test_random_file (path, 20 * MIB);

  at_test_s3_make_bucket (direct);
  g_assert_true (at_upload_queue_add_project (queue, "P-2026-001", NULL, &error));
  at_upload_queue_start (queue);
  at_test_run_main_loop (400);
  at_upload_queue_pause (queue);
  /* (each file under way holds the queue: gone once every one has ended
   * and asked for its last record) */
  g_object_add_weak_pointer (G_OBJECT (queue), (gpointer *) &queue);
  g_object_unref (queue);
  at_test_wait_until (queue_gone, &queue, 30);
  at_test_wait_until (none_under_way, catalog, 30);
  g_assert_true (at_catalog_flush (catalog, NULL));
  /* paused, done, or not started yet: none half-way, none lost */
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM uploads WHERE status IN ('paused', 'completed', 'queued')"),
                   ==, at_test_sql_int (catalog, "SELECT count(*) FROM uploads"));
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM uploads"), ==, 3);
  at_test_s3_stop (slow);
  at_test_rm_rf (dir);
}

/* The CLI's upload: the whole project, then its exit codes. */
static void
test_cli_upload (void)
{
  g_autofree char *dir = at_test_make_tmpdir ();
  g_autoptr(AtCatalog) catalog = at_test_demo_catalog (dir, 5);
  g_autofree char *library = g_build_filename (dir, "library", NULL);
  g_autoptr(AtS3Client) direct = at_test_s3_client (s3->endpoint, "cli-upload", AT_TEST_S3_SECRET);
  g_autofree char *path = g_build_filename (dir, "catalog.atelier", NULL);
  AtTestRun r;

  at_test_s3_make_bucket (direct);
  at_test_s3_set_env (s3->endpoint);
  g_clear_object (&catalog);
  r = at_test_cli ("upload", "--quiet", "--catalog", path, "--library", library,
                   "--project", "P-2026-001", "--bucket", "cli-upload", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "5 of 5 sent"));
  at_test_run_clear (&r);
  r = at_test_cli ("upload", "--quiet", "--catalog", path, "--library", library,
                   "--project", "P-2026-404", "--bucket", "cli-upload", NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "no project"));
  at_test_run_clear (&r);
  r = at_test_cli ("upload", "--catalog", path, "--project", "P-2026-001", NULL);
  g_assert_cmpint (r.status, ==, 2);
  at_test_run_clear (&r);
  at_test_rm_rf (dir);
}

/* The CLI's upload stopped with Ctrl-C (SIGINT) once a part is on the
 * server: it pauses, says so, and the same command sends the rest. */
static void
test_cli_upload_interrupted (void)
{
  g_autoptr(GError) error = NULL;
  AtTestS3 *slow = at_test_s3_proxy (s3, 0, 0, 300);
  g_autofree char *dir = at_test_make_tmpdir ();
  g_autoptr(AtCatalog) catalog = at_test_demo_catalog (dir, 3);
  g_autofree char *library = g_build_filename (dir, "library", NULL);
  g_autoptr(AtS3Client) direct = at_test_s3_client (s3->endpoint, "cli-interrupted", AT_TEST_S3_SECRET);
  g_autofree char *path = g_build_filename (dir, "catalog.atelier", NULL);
  g_autofree char *err_path = g_build_filename (dir, "stderr.txt", NULL);
  g_autofree char *said = NULL;
  AtTestS3Parts before = { s3, 0 };
  int fd, status;
  GPid pid;
  AtTestRun r;

  {
    g_autofree char *rel = at_test_sql_text (catalog, "SELECT library_path FROM photo_files WHERE role IN ('raw', 'jpeg') "
                                                      "ORDER BY library_path LIMIT 1");
    g_autofree char *big = g_build_filename (library, rel, NULL);
    g_bytes_unref (at_test_random_file (big, 30 * MIB));
  }
  at_test_s3_make_bucket (direct);
  at_test_s3_set_env (NULL);
  g_clear_object (&catalog);
  {
    const char *argv[] = { g_getenv ("AT_CLI"), "upload", "--quiet", "--catalog", path, "--library", library, "--project",
                           "P-2026-001", "--files", "1", "--endpoint", slow->endpoint, "--bucket", "cli-interrupted", NULL };

    fd = g_open (err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    g_assert_cmpint (fd, >=, 0);
    at_test_s3_part_bytes (s3, &before.parts);
    g_assert_true (g_spawn_async_with_fds (NULL, (char **) argv, NULL,
                                           G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, &pid, -1,
                                           -1, fd, &error));
    g_assert_no_error (error);
    close (fd);
  }
  at_test_wait_until (at_test_s3_more_parts, &before, 60);
  /* (as a session's end or systemd stops it: the same clean pause) */
  kill (pid, SIGTERM);
  waitpid (pid, &status, 0);
  g_spawn_close_pid (pid);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 143);
  g_assert_true (g_file_get_contents (err_path, &said, NULL, NULL));
  g_assert_nonnull (strstr (said, "Paused"));
  catalog = at_catalog_open (path, AT_CATALOG_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM uploads WHERE status = 'paused'"), >=, 1);
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM uploads WHERE status = 'uploading'"), ==, 0);
  g_clear_object (&catalog);

  r = at_test_cli ("upload", "--quiet", "--catalog", path, "--library", library, "--project", "P-2026-001",
                   "--endpoint", s3->endpoint, "--bucket", "cli-interrupted", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "failed"));
  g_assert_nonnull (strstr (r.out, ", 0 failed"));
  at_test_run_clear (&r);
  catalog = at_catalog_open (path, AT_CATALOG_OPEN_DEFAULT, &error);
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM uploads WHERE status <> 'completed'"), ==, 0);
  at_test_s3_stop (slow);
  at_test_rm_rf (dir);
}

/* A file that could not go (missing) waits for Retry: originals that
 * arrive meanwhile are still queued, the failed one is not queued twice,
 * and Retry sends it once it is back. */
static void
test_failed_waits_for_retry (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AtS3Client) c = at_test_s3_client (s3->endpoint, "failing", AT_TEST_S3_SECRET);
  g_autofree char *dir = at_test_make_tmpdir ();
  g_autoptr(AtCatalog) catalog = at_test_demo_catalog (dir, 3);
  g_autofree char *library = g_build_filename (dir, "library", NULL);
  g_autoptr(AtUploadQueue) queue = at_upload_queue_new (catalog, c, library);
  g_autofree char *rel = at_test_sql_text (catalog, "SELECT library_path FROM photo_files ORDER BY library_path LIMIT 1");
  g_autofree char *missing = g_build_filename (library, rel, NULL);
  g_autofree char *late = g_build_filename (library, "late.jpg", NULL);
  g_autoptr(GBytes) late_bytes = at_test_random_file (late, 2000);
  g_autoptr(GBytes) back = NULL;
  AtUploadProgress p;
  gboolean done = FALSE;
  guint queued = 0;

  at_test_s3_make_bucket (c);
  g_signal_connect (queue, "drained", G_CALLBACK (drained_cb), &done);
  g_assert_cmpint (g_unlink (missing), ==, 0);
  g_assert_true (at_upload_queue_add_project (queue, "P-2026-001", &queued, &error));
  g_assert_cmpuint (queued, ==, 3);
  at_upload_queue_start (queue);
  at_test_wait_until (at_test_flag_is_set, &done, 30);
  at_upload_queue_get_progress (queue, &p);
  g_assert_cmpuint (p.files_failed, ==, 1);
  /* it names the file, once */
  {
    const char *said = at_upload_queue_get_last_error (queue);
    g_autofree char *name = g_path_get_basename (missing);
    const char *at = said != NULL ? strstr (said, name) : NULL;

    g_assert_nonnull (at);
    g_assert_null (strstr (at + strlen (name), name));
  }
  g_assert_true (at_catalog_flush (catalog, NULL));
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM uploads WHERE status = 'failed'"), ==, 1);

  add_original (catalog, "P-2026-001", "late.jpg", 2000);
  done = FALSE;
  {
    Answer answer = { 0 };
    Ticks ticks;

    at_test_hold_writer_for (catalog, 1500);
    ticks_begin (&ticks);
    at_upload_queue_add_project_async (queue, "P-2026-001", NULL, added_cb, &answer);
    wait_for_answer (&answer, &ticks);
    g_assert_cmpuint (answer.queued, ==, 1);
  }
  at_upload_queue_start (queue);
  at_test_wait_until (at_test_flag_is_set, &done, 30);
  g_assert_true (at_catalog_flush (catalog, NULL));
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM uploads WHERE status = 'completed'"), ==, 3);
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM uploads WHERE status = 'failed'"), ==, 1);
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM uploads"), ==, 4);

  back = at_test_random_file (missing, 5000);
  done = FALSE;
  {
    Answer answer = { 0 };
    Ticks ticks;

    at_test_hold_writer_for (catalog, 1500);
    ticks_begin (&ticks);
    at_upload_queue_retry_failed_async (queue, NULL, retried_cb, &answer);
    wait_for_answer (&answer, &ticks);
    /* (the file's error goes with it) */
    g_assert_null (at_upload_queue_get_last_error (queue));
  }
  at_test_wait_until (at_test_flag_is_set, &done, 30);
  g_assert_true (at_catalog_flush (catalog, NULL));
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM uploads WHERE status = 'completed'"), ==, 4);
  {
    g_autofree char *sql = g_strdup_printf ("SELECT object_key FROM uploads WHERE object_key LIKE '%%/%s'", rel);
    g_autofree char *key = at_test_sql_text (catalog, sql);
    at_test_s3_assert_stored (c, key, back, dir);
  }
  at_test_rm_rf (dir);
}

typedef struct
{
  const char *path;
  GBytes     *saved;   /* what the file became */
} Save;

static void
save_while_sending (AtUploadQueue *queue, gpointer data)
{
  Save *save = data;
  AtUploadProgress p;

  at_upload_queue_get_progress (queue, &p);
  if (save->saved == NULL && p.bytes_done > 0)
    save->saved = at_test_random_file (save->path, 600000);
}

/* An original saved again while it goes up (a single PUT, slowed by the
 * bandwidth limit): it goes again at once, and what the bucket keeps is
 * the file as saved; nothing counts as failed. */
static void
test_changed_goes_again (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AtS3Client) c = at_test_s3_client (s3->endpoint, "saved-again", AT_TEST_S3_SECRET);
  g_autofree char *dir = at_test_make_tmpdir ();
  g_autoptr(AtCatalog) catalog = at_test_demo_catalog (dir, 1);
  g_autofree char *library = g_build_filename (dir, "library", NULL);
  g_autoptr(AtUploadQueue) queue = at_upload_queue_new (catalog, c, library);
  g_autofree char *rel = at_test_sql_text (catalog, "SELECT library_path FROM photo_files LIMIT 1");
  g_autofree char *path = g_build_filename (library, rel, NULL);
  g_autoptr(GBytes) first = at_test_random_file (path, 500000);
  Save save = { path, NULL };
  AtUploadProgress p;
  gboolean done = FALSE;

  at_test_s3_make_bucket (c);
  at_s3_client_set_upload_limit (c, 400000);
  g_signal_connect (queue, "drained", G_CALLBACK (drained_cb), &done);
  g_signal_connect (queue, "changed", G_CALLBACK (save_while_sending), &save);
  g_assert_true (at_upload_queue_add_project (queue, "P-2026-001", NULL, &error));
  g_assert_no_error (error);
  at_upload_queue_start (queue);
  at_test_wait_until (at_test_flag_is_set, &done, 30);
  g_assert_nonnull (save.saved);
  at_upload_queue_get_progress (queue, &p);
  g_assert_cmpuint (p.files_failed, ==, 0);
  g_assert_cmpuint (p.files_done, ==, 1);
  g_assert_true (at_catalog_flush (catalog, NULL));
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM uploads WHERE status = 'completed'"), ==, 1);
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM uploads"), ==, 1);
  {
    g_autofree char *key = at_test_sql_text (catalog, "SELECT object_key FROM uploads");
    at_test_s3_assert_stored (c, key, save.saved, dir);
  }
  g_bytes_unref (save.saved);
  at_test_rm_rf (dir);
}

typedef struct
{
  AtCatalog  *catalog;
  const char *library;
  gboolean    added;
  double      fastest;
  gboolean    known_early;   /* a speed known before the end */
} Running;

/* Once bytes go: two originals of another project are queued. */
static void
add_while_running (AtUploadQueue *queue, gpointer data)
{
  Running *r = data;
  g_autoptr(GError) error = NULL;
  AtUploadProgress p;

  at_upload_queue_get_progress (queue, &p);
  if (r->added || p.bytes_done == 0)
    return;
  r->added = TRUE;
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *name = g_strdup_printf ("late-%u.jpg", i);
      g_autofree char *path = g_build_filename (r->library, name, NULL);

      g_bytes_unref (at_test_random_file (path, 300000));
      add_original (r->catalog, "P-2026-002", name, 300000);
    }
  g_assert_true (at_upload_queue_add_project (queue, "P-2026-002", NULL, &error));
  g_assert_no_error (error);
  at_upload_queue_start (queue);
}

/* Files queued while the queue runs join its totals: its end reads "5 of
 * 5 files", all bytes, not "5 of 3". */
static void
test_added_while_running (void)
{
  g_autoptr(GError) error = NULL;
  AtTestS3 *slow = at_test_s3_proxy (s3, 0, 0, 300);
  g_autoptr(AtS3Client) c = at_test_s3_client (slow->endpoint, "added", AT_TEST_S3_SECRET);
  g_autofree char *dir = at_test_make_tmpdir ();
  g_autoptr(AtCatalog) catalog = at_test_demo_catalog (dir, 3);
  g_autofree char *library = g_build_filename (dir, "library", NULL);
  g_autoptr(AtUploadQueue) queue = at_upload_queue_new (catalog, c, library);
  Running r = { catalog, library, FALSE, 0, FALSE };
  AtUploadProgress p;
  gboolean done = FALSE;

  at_test_s3_make_bucket (c);
  g_signal_connect (queue, "drained", G_CALLBACK (drained_cb), &done);
  g_signal_connect (queue, "changed", G_CALLBACK (add_while_running), &r);
  g_assert_true (at_upload_queue_add_project (queue, "P-2026-001", NULL, &error));
  at_upload_queue_start (queue);
  at_test_wait_until (at_test_flag_is_set, &done, 30);
  g_assert_true (r.added);
  at_upload_queue_get_progress (queue, &p);
  g_assert_cmpuint (p.files_done, ==, 5);
  g_assert_cmpuint (p.files_total, ==, 5);
  g_assert_cmpint (p.bytes_done, ==, p.bytes_total);
  g_assert_cmpint (p.bytes_total, ==, at_test_sql_int (catalog, "SELECT sum(size_bytes) FROM uploads"));
  at_test_s3_stop (slow);
  at_test_rm_rf (dir);
}

static void
fastest_seen (AtUploadQueue *queue, gpointer data)
{
  Running *r = data;
  AtUploadProgress p;

  at_upload_queue_get_progress (queue, &p);
  r->fastest = MAX (r->fastest, p.bytes_per_second);
  r->known_early |= p.bytes_per_second > 0 && p.bytes_done < p.bytes_total;
}

/* A resumed file: the parts the server has are in the totals, not in the
 * speed (which would say "0 s left" at first); and the speed is known
 * while a part goes, not only when it ends. */
static void
test_speed_after_resume (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AtS3Client) c = at_test_s3_client (s3->endpoint, "resumed-speed", AT_TEST_S3_SECRET);
  g_autofree char *dir = at_test_make_tmpdir ();
  g_autoptr(AtCatalog) catalog = at_test_demo_catalog (dir, 1);
  g_autofree char *library = g_build_filename (dir, "library", NULL);
  g_autofree char *rel = at_test_sql_text (catalog, "SELECT library_path FROM photo_files LIMIT 1");
  g_autofree char *path = g_build_filename (library, rel, NULL);
  g_autoptr(GBytes) bytes = at_test_random_file (path, 12 * MIB);
  g_autoptr(AtUploadQueue) queue = at_upload_queue_new (catalog, c, library);
  Running r = { 0 };
  AtTestS3Parts before = { s3, 0 };
  AtUploadProgress p;
  gboolean done = FALSE;
  gulong pauser;

  at_test_s3_make_bucket (c);
  /* (its parts, 8 and 4 MiB, go at once: the 4 MiB one is stored first) */
  at_s3_client_set_upload_limit (c, 2000000);
  g_signal_connect (queue, "drained", G_CALLBACK (drained_cb), &done);
  at_test_s3_part_bytes (s3, &before.parts);
  pauser = g_signal_connect (queue, "changed", G_CALLBACK (pause_once_a_part_is_stored), &before);
  g_assert_true (at_upload_queue_add_project (queue, "P-2026-001", NULL, &error));
  at_upload_queue_start (queue);
  at_test_wait_until (at_test_flag_is_set, &done, 60);
  g_assert_true (at_catalog_flush (catalog, NULL));
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM uploads WHERE multipart_id IS NOT NULL"), ==, 1);
  g_signal_handler_disconnect (queue, pauser);

  g_signal_connect (queue, "changed", G_CALLBACK (fastest_seen), &r);
  done = FALSE;
  at_upload_queue_start (queue);
  at_test_wait_until (at_test_flag_is_set, &done, 60);
  at_upload_queue_get_progress (queue, &p);
  g_assert_cmpuint (p.files_done, ==, 1);
  g_test_message ("fastest: %.1f MB/s under a 2 MB/s limit", r.fastest / 1e6);
  g_assert_cmpfloat (r.fastest, <, 2 * 2000000);
  /* and it was known while the last 8 MiB part went: parts tell their progress as they go */
  g_assert_true (r.known_early);
  {
    g_autofree char *key = at_test_sql_text (catalog, "SELECT object_key FROM uploads");
    at_test_s3_assert_stored (c, key, bytes, dir);
  }
  at_test_rm_rf (dir);
}

typedef struct
{
  AtTestS3  *proxy;
  AtCatalog *catalog;   /* its writer held as the link goes */
} Cut;

static void
cut_link_once_sending (AtUploadQueue *queue, gpointer data)
{
  Cut *cut = data;
  AtUploadProgress p;

  at_upload_queue_get_progress (queue, &p);
  if (cut->proxy != NULL && p.bytes_done > 0)
    {
      at_test_hold_writer_for (cut->catalog, 1500);
      at_test_s3_stop (g_steal_pointer (&cut->proxy));
    }
}

/* The link, the server or the setup stopping a queue is not the files'
 * fault: none is marked failed, they wait (paused), and the queue tries
 * again by itself. A bucket missing (then made): all go on the next try,
 * with nobody pressing anything. The link cut mid-run: the run stops at
 * once, its files paused, and says why. */
static void
test_waits_for_the_link (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AtS3Client) c = at_test_s3_client (s3->endpoint, "made-later", AT_TEST_S3_SECRET);
  g_autofree char *dir = at_test_make_tmpdir ();
  g_autoptr(AtCatalog) catalog = at_test_demo_catalog (dir, 3);
  g_autofree char *library = g_build_filename (dir, "library", NULL);
  g_autoptr(AtUploadQueue) queue = at_upload_queue_new (catalog, c, library);
  AtTestS3 *slow = at_test_s3_proxy (s3, 0, 0, 300);
  g_autoptr(AtS3Client) cut_client = at_test_s3_client (slow->endpoint, "cut", AT_TEST_S3_SECRET);
  g_autoptr(AtS3Client) direct = at_test_s3_client (s3->endpoint, "cut", AT_TEST_S3_SECRET);
  g_autoptr(AtCatalog) other = NULL;
  g_autoptr(AtUploadQueue) cut_queue = NULL;
  g_autofree char *other_dir = at_test_make_tmpdir ();
  g_autofree char *other_library = g_build_filename (other_dir, "library", NULL);
  Cut cut = { slow, NULL };
  Ticks ticks;
  AtUploadProgress p;
  gboolean done = FALSE;
  gint64 seconds = 0;

  at_s3_client_set_retries (c, 2, 10);
  at_upload_queue_set_retry (queue, 1);
  g_signal_connect (queue, "drained", G_CALLBACK (drained_cb), &done);
  g_assert_true (at_upload_queue_add_project (queue, "P-2026-001", NULL, &error));
  g_assert_no_error (error);
  at_upload_queue_start (queue);
  at_test_wait_until (at_test_flag_is_set, &done, 30);
  g_assert_nonnull (at_upload_queue_get_waiting (queue, &seconds));
  g_assert_nonnull (strstr (at_upload_queue_get_waiting (queue, NULL), "no bucket"));
  g_assert_cmpint (seconds, >=, 0);
  g_assert_cmpint (seconds, <=, 1);
  at_upload_queue_get_progress (queue, &p);
  g_assert_cmpuint (p.files_failed, ==, 0);
  g_assert_true (at_catalog_flush (catalog, NULL));
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM uploads WHERE status = 'failed'"), ==, 0);
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM uploads WHERE status = 'paused'"), >=, 1);
  /* the bucket made: the next try, by itself, sends them all */
  at_test_s3_make_bucket (c);
  done = FALSE;
  at_test_wait_until (at_test_flag_is_set, &done, 30);
  if (at_upload_queue_get_waiting (queue, NULL) != NULL)
    {
      /* (a try that began before the bucket was there) */
      done = FALSE;
      at_test_wait_until (at_test_flag_is_set, &done, 30);
    }
  g_assert_null (at_upload_queue_get_waiting (queue, NULL));
  at_upload_queue_get_progress (queue, &p);
  g_assert_cmpuint (p.files_done, ==, 3);
  g_assert_cmpuint (p.files_failed, ==, 0);
  g_assert_true (at_catalog_flush (catalog, NULL));
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM uploads WHERE status = 'completed'"), ==, 3);

  /* the link cut while a file goes in parts: paused, not failed, and why */
  other = at_test_demo_catalog (other_dir, 3);
  cut.catalog = other;
  {
    g_autofree char *rel = at_test_sql_text (other, "SELECT library_path FROM photo_files ORDER BY library_path LIMIT 1");
    g_autofree char *big = g_build_filename (other_library, rel, NULL);
    g_bytes_unref (at_test_random_file (big, 20 * MIB));
  }
  at_test_s3_make_bucket (direct);
  at_s3_client_set_retries (cut_client, 2, 10);
  cut_queue = at_upload_queue_new (other, cut_client, other_library);
  g_signal_connect (cut_queue, "drained", G_CALLBACK (drained_cb), &done);
  g_signal_connect (cut_queue, "changed", G_CALLBACK (cut_link_once_sending), &cut);
  g_assert_true (at_upload_queue_add_project (cut_queue, "P-2026-001", NULL, &error));
  done = FALSE;
  /* the catalog's writer busy as the link goes (a sync's page): the file
   * goes to the back of the line without the main loop waiting for it */
  ticks_begin (&ticks);
  at_upload_queue_start (cut_queue);
  at_test_wait_until (at_test_flag_is_set, &done, 60);
  ticks_end (&ticks);
  g_assert_null (cut.proxy);
  g_assert_nonnull (strstr (at_upload_queue_get_waiting (cut_queue, &seconds), "cannot be reached"));
  g_assert_cmpint (seconds, ==, -1);
  at_upload_queue_get_progress (cut_queue, &p);
  g_assert_cmpuint (p.files_failed, ==, 0);
  g_assert_true (at_catalog_flush (other, NULL));
  g_assert_cmpint (at_test_sql_int (other, "SELECT count(*) FROM uploads WHERE status = 'failed'"), ==, 0);
  g_assert_cmpint (at_test_sql_int (other, "SELECT count(*) FROM uploads WHERE status = 'paused'"), >=, 1);
  at_test_rm_rf (other_dir);
  at_test_rm_rf (dir);
}

/* A queue that waits for its next try is not started by an edit of a
 * photo (a rating, as culling makes): the try waits for its time. And a
 * queue paused before it ran says how much waits. */
static void
test_waiting_ignores_edits (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AtS3Client) c = at_test_s3_client (s3->endpoint, "not-made", AT_TEST_S3_SECRET);
  g_autofree char *dir = at_test_make_tmpdir ();
  g_autoptr(AtCatalog) catalog = at_test_demo_catalog (dir, 3);
  g_autofree char *library = g_build_filename (dir, "library", NULL);
  g_autoptr(AtUploadQueue) queue = at_upload_queue_new (catalog, c, library);
  g_autoptr(AtUploadQueue) held = NULL;
  AtUploadProgress p;
  gboolean done = FALSE;
  gint64 seconds = 0;

  at_s3_client_set_retries (c, 2, 10);
  at_upload_queue_set_retry (queue, 30);
  g_signal_connect (queue, "drained", G_CALLBACK (drained_cb), &done);
  g_assert_true (at_upload_queue_set_project_backup (queue, "P-2026-001", TRUE, NULL, &error));
  g_assert_no_error (error);
  at_test_wait_until (at_test_flag_is_set, &done, 30);
  g_assert_nonnull (at_upload_queue_get_waiting (queue, &seconds));
  g_assert_cmpint (seconds, >, 25);
  at_upload_queue_watch (queue);
  at_test_sql_exec (catalog, "UPDATE photos SET rating = 3");
  at_test_run_main_loop (3000);
  /* (started again, it would have failed at once and waited twice as long) */
  g_assert_false (at_upload_queue_is_running (queue));
  g_assert_nonnull (at_upload_queue_get_waiting (queue, &seconds));
  g_assert_cmpint (seconds, <=, 30);
  g_assert_true (at_catalog_flush (catalog, NULL));

  held = at_upload_queue_new (catalog, c, library);
  at_upload_queue_pause (held);
  at_upload_queue_get_progress (held, &p);
  g_assert_cmpuint (p.files_total, ==, 3);
  g_assert_cmpint (p.bytes_total, ==, at_test_sql_int (catalog, "SELECT sum(size_bytes) FROM uploads"));
  at_upload_queue_pause (queue);
  at_test_rm_rf (dir);
}

static void
pause_and_resume (AtUploadQueue *queue, gpointer data)
{
  gboolean *resumed = data;
  AtUploadProgress p;

  at_upload_queue_get_progress (queue, &p);
  if (!*resumed && p.bytes_done >= 5 * MIB)
    {
      *resumed = TRUE;
      at_upload_queue_pause (queue);
      at_upload_queue_start (queue);
    }
}

/* Resume pressed while the pause is still stopping the files under way:
 * once they have stopped, they go on, to the end. */
static void
test_resume_while_pausing (void)
{
  g_autoptr(GError) error = NULL;
  AtTestS3 *slow = at_test_s3_proxy (s3, 0, 0, 300);
  g_autoptr(AtS3Client) c = at_test_s3_client (slow->endpoint, "resumed", AT_TEST_S3_SECRET);
  g_autofree char *dir = at_test_make_tmpdir ();
  g_autoptr(AtCatalog) catalog = at_test_demo_catalog (dir, 2);
  g_autofree char *library = g_build_filename (dir, "library", NULL);
  g_autoptr(AtUploadQueue) queue = at_upload_queue_new (catalog, c, library);
  g_autofree char *rel = at_test_sql_text (catalog, "SELECT library_path FROM photo_files ORDER BY library_path LIMIT 1");
  g_autofree char *path = g_build_filename (library, rel, NULL);
  g_autoptr(GBytes) big = at_test_random_file (path, 20 * MIB);
  gboolean done = FALSE, resumed = FALSE;

  at_test_s3_make_bucket (c);
  g_signal_connect (queue, "drained", G_CALLBACK (drained_cb), &done);
  g_signal_connect (queue, "changed", G_CALLBACK (pause_and_resume), &resumed);
  g_assert_true (at_upload_queue_add_project (queue, "P-2026-001", NULL, &error));
  g_assert_no_error (error);
  at_upload_queue_start (queue);
  at_test_wait_until (at_test_flag_is_set, &done, 60);
  g_assert_true (resumed);
  g_assert_true (at_catalog_flush (catalog, NULL));
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM uploads WHERE status = 'completed'"), ==, 2);
  {
    g_autofree char *sql = g_strdup_printf ("SELECT object_key FROM uploads WHERE object_key LIKE '%%/%s'", rel);
    g_autofree char *key = at_test_sql_text (catalog, sql);
    at_test_s3_assert_stored (c, key, big, dir);
  }
  at_test_s3_stop (slow);
  at_test_rm_rf (dir);
}

/* A library named relative to the working folder (`--library Photos`):
 * each upload still finds its queue row, so every file ends completed, once. */
static void
test_relative_library (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AtS3Client) c = at_test_s3_client (s3->endpoint, "relative", AT_TEST_S3_SECRET);
  g_autofree char *dir = at_test_make_tmpdir ();
  g_autoptr(AtCatalog) catalog = at_test_demo_catalog (dir, 3);
  g_autofree char *cwd = g_get_current_dir ();
  g_autoptr(AtUploadQueue) queue = NULL;
  gboolean done = FALSE;
  guint queued = 0;

  at_test_s3_make_bucket (c);
  g_assert_cmpint (g_chdir (dir), ==, 0);
  queue = at_upload_queue_new (catalog, c, "./library/");
  g_signal_connect (queue, "drained", G_CALLBACK (drained_cb), &done);
  g_assert_true (at_upload_queue_add_project (queue, "P-2026-001", &queued, &error));
  g_assert_cmpuint (queued, ==, 3);
  at_upload_queue_start (queue);
  at_test_wait_until (at_test_flag_is_set, &done, 30);
  g_assert_cmpint (g_chdir (cwd), ==, 0);
  g_assert_true (at_catalog_flush (catalog, NULL));
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM uploads WHERE status = 'completed'"), ==, 3);
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM uploads"), ==, 3);
  g_assert_true (at_upload_queue_add_project (queue, "P-2026-001", &queued, &error));
  g_assert_cmpuint (queued, ==, 0);
  at_test_rm_rf (dir);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  s3 = at_test_s3_start ();
  g_test_add_func ("/upload-queue/project", test_queue);
  g_test_add_func ("/upload-queue/keep-backed-up", test_keep_backed_up);
  g_test_add_func ("/upload-queue/another-endpoint", test_another_endpoint);
  g_test_add_func ("/upload-queue/audit-projects", test_audit_projects);
  g_test_add_func ("/upload-queue/dropped-mid-run", test_queue_dropped_mid_run);
  g_test_add_func ("/upload-queue/cli", test_cli_upload);
  g_test_add_func ("/upload-queue/cli-interrupted", test_cli_upload_interrupted);
  g_test_add_func ("/upload-queue/failed-waits-for-retry", test_failed_waits_for_retry);
  g_test_add_func ("/upload-queue/changed-goes-again", test_changed_goes_again);
  g_test_add_func ("/upload-queue/waits-for-the-link", test_waits_for_the_link);
  g_test_add_func ("/upload-queue/waiting-ignores-edits", test_waiting_ignores_edits);
  g_test_add_func ("/upload-queue/added-while-running", test_added_while_running);
  g_test_add_func ("/upload-queue/speed-after-resume", test_speed_after_resume);
  g_test_add_func ("/upload-queue/resume-while-pausing", test_resume_while_pausing);
  g_test_add_func ("/upload-queue/relative-library", test_relative_library);
  status = g_test_run ();
  at_test_s3_stop (s3);
  return status;
}
