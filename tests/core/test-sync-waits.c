/* test-sync-waits.c — a sync that must wait or stop, against a real
 * PostgreSQL 15: another sync of the same catalog under way, a lock held on
 * the server, a sync cancelled, and the background service stopped as its
 * window closes mid-sync. None loses an edit or leaves the catalog in use. */
#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "at-sync-service.h"
#include "at-test-pg.h"
#include "at-test-sync.h"
#include "at-test-util.h"

static AtTestSyncServer *server;
static AtTestPg *pg;
static const char *url_a1;

typedef AtTestSyncPair Fixture;

static gboolean
cancel_at (const char *point, gpointer cancellable)
{
  if (g_str_equal (point, "before-commit"))
    g_cancellable_cancel (cancellable);
  return FALSE;
}

/* A sync cancelled (the app closing) stops before its batch is committed:
 * the answer says cancelled, nothing of it is on the server, and the next
 * sync sends it all. */
static void
test_cancelled (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  AtSyncReport r;

  at_sync_set_fault_func (cancel_at, cancellable);
  g_assert_false (at_sync_once (f->a, url_a1, &r, cancellable, &error));
  at_sync_set_fault_func (NULL, NULL);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (at_test_sync_server_int (server, "SELECT count(*) FROM sync_cell"), ==, 0);
  /* (and it is not recorded as the catalog's last problem) */
  g_assert_cmpint (at_test_sql_int (f->a, "SELECT last_error IS NULL FROM sync_state"), ==, 1);
  g_assert_cmpuint (r.pending, >, 0);
  r = at_test_sync_ok (f->a, url_a1);
  g_assert_cmpuint (r.pushed, >, 0);
  g_assert_cmpuint (r.pending, ==, 0);
}

static gpointer
release_later (gpointer data)
{
  g_usleep (G_USEC_PER_SEC);
  close (GPOINTER_TO_INT (data));   /* (and with it the lock) */
  return NULL;
}

/* One sync of a catalog at a time, whichever process runs it: a sync that
 * finds another holding the catalog waits for it to end (two at once could
 * acknowledge an edit neither had sent). The lock is a file of its own:
 * one taken on the catalog took SQLite's with it when it was let go, and
 * another process closing the catalog then deleted its write-ahead log. */
static void
test_one_sync_at_a_time (Fixture *f, gconstpointer data)
{
  g_autofree char *lock = g_strconcat (at_catalog_get_path (f->a), "-sync-lock", NULL);
  int fd = open (lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  GThread *holder;
  gint64 t0;

  g_assert_true (at_test_sqlite_holds (at_catalog_get_path (f->a)));
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (flock (fd, LOCK_EX), ==, 0);
  holder = g_thread_new ("holder", release_later, GINT_TO_POINTER (fd));
  t0 = g_get_monotonic_time ();
  at_test_sync_ok (f->a, url_a1);
  g_assert_cmpint (g_get_monotonic_time () - t0, >=, G_USEC_PER_SEC * 9 / 10);
  g_thread_join (holder);
  g_assert_true (at_test_sqlite_holds (at_catalog_get_path (f->a)));
}

/* A sync that meets a lock another session holds on the server (a
 * transaction left open in psql, say) gives up after a while and says so,
 * instead of showing "Syncing…" for as long as the lock is held; once it
 * is let go, the next sync goes through. */
static void
test_server_lock (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *p = at_test_photo_id (f->a, 1);
  g_autoptr(PGconn) holder = at_pg_connect (pg->admin, &error);
  AtSyncReport r;

  at_test_sync_ok (f->a, url_a1);
  g_assert_true (at_pg_exec (holder, "BEGIN; LOCK TABLE sync_client IN EXCLUSIVE MODE", &error));
  at_pg_set_lock_timeout (300);
  at_test_set_rating (f->a, p, 5);
  g_assert_false (at_sync_once (f->a, url_a1, &r, NULL, &error));
  at_pg_set_lock_timeout (0);
  g_assert_error (error, AT_SYNC_ERROR, AT_SYNC_ERROR_BUSY);
  g_assert_nonnull (strstr (error->message, "Another session on the server"));
  g_clear_error (&error);
  g_assert_cmpint (at_test_sql_int (f->a, "SELECT count(*) FROM sync_outbox WHERE col = 'rating'"), ==, 1);
  g_assert_true (at_pg_exec (holder, "ROLLBACK", &error));
  r = at_test_sync_ok (f->a, url_a1);
  g_assert_cmpuint (r.pushed, ==, 1);
}

static void
count_call (gpointer data)
{
  (*(int *) data)++;
}

static gboolean
called (gpointer data)
{
  return *(int *) data > 0;
}

static gboolean
state_is_not_syncing (gpointer service)
{
  return at_sync_service_get_state (service) != AT_SYNC_STATE_SYNCING;
}

/* In the app, something in the way for a while (here a lock held on the
 * server) is a wait, not a problem: the header does not turn red, the
 * changes to send still show, and the next sync goes through. */
static void
test_service_waits (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *p = at_test_photo_id (f->a, 1);
  g_autoptr(PGconn) holder = at_pg_connect (pg->admin, &error);
  g_autoptr(AtSyncService) service = at_sync_service_new (f->a);
  int stopped = 0;

  at_test_sync_ok (f->a, url_a1);
  g_assert_true (at_pg_exec (holder, "BEGIN; LOCK TABLE sync_client IN EXCLUSIVE MODE", &error));
  at_pg_set_lock_timeout (300);
  at_test_set_rating (f->a, p, 5);
  at_sync_service_set_server (service, url_a1, NULL);
  at_test_wait_until (state_is_not_syncing, service, 30);
  at_pg_set_lock_timeout (0);
  g_assert_cmpint (at_sync_service_get_state (service), ==, AT_SYNC_STATE_WAITING);
  g_assert_nonnull (strstr (at_sync_service_get_last_error (service), "Another session on the server"));
  g_assert_cmpuint (at_sync_service_get_pending (service), ==, 1);

  g_assert_true (at_pg_exec (holder, "ROLLBACK", &error));
  at_sync_service_sync_now (service);
  at_test_wait_until (state_is_not_syncing, service, 30);
  g_assert_cmpint (at_sync_service_get_state (service), ==, AT_SYNC_STATE_SYNCED);
  g_assert_cmpuint (at_sync_service_get_pending (service), ==, 0);
  /* (its count after the sync may still read the catalog) */
  at_sync_service_stop (service, count_call, &stopped);
  at_test_wait_until (called, &stopped, 30);
}

/* (in the child: it goes with the test, even one that failed) */
static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static gboolean
file_has_text (gpointer path)
{
  g_autofree char *text = NULL;

  return g_file_get_contents (path, &text, NULL, NULL) && *text != '\0';
}

/* `sync --watch` keeps watching when the catalog stays busy for a while
 * (another program holding its write lock longer than SQLite waits): it
 * says so and tries again, as it does offline, instead of ending. */
static void
test_watch_catalog_busy (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *p = at_test_photo_id (f->a, 1);
  g_autofree char *out = g_build_filename (f->dir, "watch.out", NULL);
  g_autofree char *err = g_build_filename (f->dir, "watch.err", NULL);
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr(GSubprocess) cli = NULL;
  sqlite3 *holder = NULL;

  at_test_sync_ok (f->a, url_a1);
  at_test_sync_ok (f->b, server->desk);
  g_subprocess_launcher_set_stdout_file_path (launcher, out);
  g_subprocess_launcher_set_stderr_file_path (launcher, err);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  cli = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("AT_CLI"), "sync", "--watch", "--interval", "1",
                                     "--catalog", at_catalog_get_path (f->a), "--server", url_a1, NULL);
  g_assert_no_error (error);
  at_test_wait_until (file_has_text, out, 30);

  /* another program writes to the catalog longer than SQLite waits (10 s),
   * while the desk's change waits to be pulled */
  g_assert_cmpint (sqlite3_open (at_catalog_get_path (f->a), &holder), ==, SQLITE_OK);
  /* (the watch's own writes hold the lock a moment) */
  sqlite3_busy_timeout (holder, 30000);
  g_assert_cmpint (sqlite3_exec (holder, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);
  at_test_set_rating (f->b, p, 4);
  at_test_sync_ok (f->b, server->desk);
  at_test_wait_until (file_has_text, err, 60);
  g_assert_nonnull (g_subprocess_get_identifier (cli));
  g_assert_cmpint (sqlite3_exec (holder, "ROLLBACK", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (holder);

  /* the next try pulls it (the watch had ended on the busy catalog) */
  for (gint64 until = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
       g_subprocess_get_identifier (cli) != NULL && at_test_photo_rating (f->a, p) != 4 && g_get_monotonic_time () < until;)
    at_test_run_main_loop (100);
  g_assert_nonnull (g_subprocess_get_identifier (cli));   /* still watching */
  g_assert_cmpint (at_test_photo_rating (f->a, p), ==, 4);
  g_subprocess_force_exit (cli);
  g_assert_true (g_subprocess_wait (cli, NULL, NULL));
}

static int at_commit, let_go;

/* (on the sync's thread) holds the sync before its commit until let go */
static gboolean
hold_at_commit (const char *point, gpointer data)
{
  if (!g_str_equal (point, "before-commit"))
    return FALSE;
  g_atomic_int_set (&at_commit, 1);
  while (!g_atomic_int_get (&let_go))
    g_usleep (G_USEC_PER_SEC / 100);
  return FALSE;
}

/* The background service stopped (its window closed) in the middle of a
 * sync: the sync is cancelled before its commit, so its edit still waits to
 * be sent, and the caller hears that the service is done only once its
 * worker no longer uses the catalog, which may then close; after, nothing
 * starts. (The window closed, the catalog was closed under a running sync.) */
static void
test_service_stop (Fixture *f, gconstpointer data)
{
  g_autofree char *p = at_test_photo_id (f->a, 1);
  g_autoptr(AtSyncService) service = NULL;
  int stopped = 0;

  at_test_sync_ok (f->a, url_a1);
  at_test_set_rating (f->a, p, 5);
  service = at_sync_service_new (f->a);
  at_sync_set_fault_func (hold_at_commit, NULL);
  at_sync_service_set_server (service, url_a1, NULL);
  at_test_wait_until (at_test_flag_is_set, &at_commit, 30);
  g_assert_cmpint (at_sync_service_get_state (service), ==, AT_SYNC_STATE_SYNCING);

  at_sync_service_stop (service, count_call, &stopped);
  at_test_run_main_loop (200);
  g_assert_cmpint (stopped, ==, 0);   /* (its worker is still at the commit) */
  g_atomic_int_set (&let_go, 1);
  at_test_wait_until (called, &stopped, 30);
  at_sync_set_fault_func (NULL, NULL);
  g_assert_cmpint (stopped, ==, 1);
  g_assert_cmpint (at_test_sql_int (f->a, "SELECT count(*) FROM sync_outbox WHERE col = 'rating'"), ==, 1);
  g_assert_cmpint (at_test_sync_server_int (server, "SELECT count(*) FROM sync_cell WHERE col = 'rating'"), ==, 0);

  /* (a sync takes a tenth of that here) */
  at_sync_service_sync_now (service);
  at_test_run_main_loop (1000);
  g_assert_cmpint (at_test_sync_server_int (server, "SELECT count(*) FROM sync_cell WHERE col = 'rating'"), ==, 0);
  g_assert_cmpint (stopped, ==, 1);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  server = at_test_sync_server_start ();
  pg = server->pg;
  url_a1 = server->laptop;

#define ADD(path, fn) g_test_add (path, Fixture, server, at_test_sync_pair_setup, fn, at_test_sync_pair_teardown)
  ADD ("/sync/cancelled", test_cancelled);
  ADD ("/sync/one-at-a-time", test_one_sync_at_a_time);
  ADD ("/sync/server-lock", test_server_lock);
  ADD ("/sync/service-stop", test_service_stop);
  ADD ("/sync/service-waits", test_service_waits);
  ADD ("/sync/watch-catalog-busy", test_watch_catalog_busy);
  status = g_test_run ();
  at_test_sync_server_stop (server);
  return status;
}
