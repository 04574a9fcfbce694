/* test-sync.c — push and pull between catalogs through a real PostgreSQL
 * 15, and the faults the design is for: the link cut in the middle of a
 * COPY, the answer to a COMMIT lost, a transaction that commits late.
 * Each ends synced or with a clear error, and nothing lost, doubled or
 * resurrected. (A workstation's clock ahead or behind: test-sync-clock.c;
 * a sync that waits or stops: test-sync-waits.c; a catalog restored from a
 * backup or copied: test-sync-identity.c; what wins when edits meet:
 * test-sync-conflicts.c; workstations of other versions:
 * test-sync-versions.c.) */
#include "config.h"

#include <string.h>

#include "at-sync-history.h"
#include "at-test-cli.h"
#include "at-test-pg.h"
#include "at-test-sync.h"
#include "at-test-util.h"

static AtTestSyncServer *server;
static AtTestPg *pg;
static const char *url_a1, *url_a2, *url_b;

typedef AtTestSyncPair Fixture;

static void
test_push_pull (Fixture *f, gconstpointer data)
{
  AtSyncReport r;
  g_autofree char *p = at_test_photo_id (f->a, 2);
  g_autofree char *k = NULL;

  /* the laptop's whole catalog goes up; the empty desk catalog gets it all */
  r = at_test_sync_ok (f->a, url_a1);
  g_assert_cmpuint (r.pushed, >, 6);
  g_assert_cmpuint (r.pending, ==, 0);
  r = at_test_sync_ok (f->b, url_a2);
  g_assert_cmpuint (r.applied, >, 6);
  at_test_sync_assert_same (f->a, f->b);
  g_assert_cmpint (at_test_sql_int (f->b, "SELECT count(*) FROM photos"), ==, 6);
  /* what came in is not sent back, nor applied twice */
  g_assert_cmpint (at_test_sql_int (f->b, "SELECT count(*) FROM sync_outbox"), ==, 0);
  r = at_test_sync_ok (f->b, url_a2);
  g_assert_cmpuint (r.pushed, ==, 0);
  g_assert_cmpuint (r.applied, ==, 0);
  r = at_test_sync_ok (f->a, url_a1);
  g_assert_cmpuint (r.pushed, ==, 0);

  /* an edit on the desk reaches the laptop */
  at_test_set_rating (f->b, p, 4);
  at_test_sync_ok (f->b, url_a2);
  r = at_test_sync_ok (f->a, url_a1);
  g_assert_cmpint (at_test_photo_rating (f->a, p), ==, 4);

  /* a keyword taken off on the laptop is off on the desk; a deleted row stays deleted */
  {
    g_autofree char *add = g_strdup_printf ("INSERT INTO photo_keywords (id, photo_id, keyword) VALUES ('kw-1', '%s', 'Ceremony')", p);
    at_test_sql_exec (f->a, add);
  }
  at_test_sync_ok (f->a, url_a1);
  at_test_sync_ok (f->b, url_a2);
  g_assert_cmpint (at_test_sql_int (f->b, "SELECT count(*) FROM photo_keywords WHERE id = 'kw-1'"), ==, 1);
  at_test_sql_exec (f->a, "DELETE FROM photo_keywords WHERE id = 'kw-1'");
  at_test_sync_ok (f->a, url_a1);
  at_test_sync_ok (f->b, url_a2);
  g_assert_cmpint (at_test_sql_int (f->b, "SELECT count(*) FROM photo_keywords WHERE id = 'kw-1'"), ==, 0);
  at_test_sync_ok (f->a, url_a1);
  at_test_sync_assert_same (f->a, f->b);
  k = at_test_sql_text (f->a, "SELECT count(*) FROM sync_outbox");
  g_assert_cmpstr (k, ==, "0");
  /* the report views see it as the workstations do */
  {
    g_autofree char *sql = g_strdup_printf ("SELECT rating FROM atelier_photos WHERE id = '%s'", p);
    g_assert_cmpint (at_test_sync_server_int (server, sql), ==, 4);
  }
}

/* COMMIT went through, its answer did not: the batch is not merged twice,
 * and the next sync knows it is done. */
static void
test_lost_ack (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  AtSyncReport r;
  gint64 cells, seq;

  at_sync_set_fault_func (at_test_sync_fail_at, (gpointer) "after-commit");
  g_assert_false (at_sync_once (f->a, url_a1, &r, NULL, &error));
  g_assert_error (error, AT_SYNC_ERROR, AT_SYNC_ERROR_OFFLINE);
  at_sync_set_fault_func (NULL, NULL);
  cells = at_test_sync_server_int (server, "SELECT count(*) FROM sync_cell");
  seq = at_test_sync_server_int (server, "SELECT max(seq) FROM sync_cell");
  g_assert_cmpint (cells, >, 0);
  g_assert_cmpint (at_test_sql_int (f->a, "SELECT count(*) FROM sync_outbox WHERE batch = 1"), >, 0);

  /* (the batch recorded is known by its token too) */
  g_assert_cmpint (at_test_sync_server_int (server, "SELECT count(*) FROM sync_client WHERE length(last_token) = 36"), ==, 1);

  r = at_test_sync_ok (f->a, url_a1);
  g_assert_true (r.recovered);
  g_assert_false (r.reregistered);
  g_assert_cmpuint (r.pushed, ==, 0);
  g_assert_cmpint (at_test_sync_server_int (server, "SELECT count(*) FROM sync_cell"), ==, cells);
  g_assert_cmpint (at_test_sync_server_int (server, "SELECT max(seq) FROM sync_cell"), ==, seq);
  g_assert_cmpint (at_test_sql_int (f->a, "SELECT count(*) FROM sync_outbox"), ==, 0);
  at_test_sync_ok (f->b, url_a2);
  at_test_sync_assert_same (f->a, f->b);
}

/* An edit while the batch before it waits for its answer goes into the
 * next batch, and is sent after it; edits left beyond an emptied batch (a
 * catalog edited by hand) are sent too, not kept for ever. */
static void
test_next_batch (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = at_test_photo_id (f->a, 0);
  g_autofree char *set = NULL;
  AtSyncReport r;

  at_sync_set_fault_func (at_test_sync_fail_at, (gpointer) "after-commit");
  g_assert_false (at_sync_once (f->a, url_a1, &r, NULL, &error));
  g_clear_error (&error);
  at_sync_set_fault_func (NULL, NULL);
  set = g_strdup_printf ("UPDATE photos SET rating = 4 WHERE id = '%s'", id);
  at_test_sql_exec (f->a, set);
  g_assert_cmpint (at_test_sql_int (f->a, "SELECT count(*) FROM sync_outbox WHERE batch = 2 AND col = 'rating'"), ==, 1);
  r = at_test_sync_ok (f->a, url_a1);
  g_assert_true (r.recovered);
  g_assert_cmpuint (r.pushed, ==, 1);
  g_assert_cmpint (at_test_sql_int (f->a, "SELECT count(*) FROM sync_outbox"), ==, 0);

  g_free (set);
  set = g_strdup_printf ("UPDATE photos SET rating = 2 WHERE id = '%s'", id);
  at_test_sql_exec (f->a, set);
  at_test_sql_exec (f->a, "UPDATE sync_outbox SET batch = batch + 1; UPDATE sync_state SET next_batch = next_batch + 1");
  r = at_test_sync_ok (f->a, url_a1);
  g_assert_cmpuint (r.pushed, ==, 1);
  g_assert_cmpint (at_test_sql_int (f->a, "SELECT count(*) FROM sync_outbox"), ==, 0);
  at_test_sync_ok (f->b, url_a2);
  g_assert_cmpint (at_test_photo_rating (f->b, id), ==, 2);
  at_test_sync_assert_same (f->a, f->b);
}

/* The link dies after the first row of the COPY: nothing of the batch is on
 * the server, all of it is still here, and the next sync sends it. */
static void
test_cut_mid_copy (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  AtSyncReport r;
  gint64 waiting = at_test_sql_int (f->a, "SELECT count(*) FROM sync_outbox");

  at_sync_set_fault_func (at_test_sync_fail_at, (gpointer) "copy");
  g_assert_false (at_sync_once (f->a, url_a1, &r, NULL, &error));
  g_assert_error (error, AT_SYNC_ERROR, AT_SYNC_ERROR_OFFLINE);
  at_sync_set_fault_func (NULL, NULL);
  g_assert_cmpint (at_test_sync_server_int (server, "SELECT count(*) FROM sync_cell"), ==, 0);
  g_assert_cmpint (at_test_sql_int (f->a, "SELECT count(*) FROM sync_outbox"), ==, waiting);
  {
    g_autofree char *problem = at_test_sql_text (f->a, "SELECT last_error FROM sync_state");
    g_assert_nonnull (strstr (problem, "broke"));
  }
  r = at_test_sync_ok (f->a, url_a1);
  g_assert_cmpuint (r.pushed, ==, waiting);
  at_test_sync_ok (f->b, url_a2);
  at_test_sync_assert_same (f->a, f->b);
}

/* A transaction that began before the laptop's push and commits after it:
 * a pull in between must not move past it (a plain sequence cursor would,
 * and never see its rows). */
static void
test_late_commit (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) slow = at_pg_connect (url_b == NULL ? NULL : url_a2, &error);
  g_autofree char *p = at_test_photo_id (f->a, 0);
  g_autofree char *late = NULL;
  AtSyncReport r;

  g_assert_no_error (error);
  at_test_sync_ok (f->a, url_a1);
  at_test_sync_ok (f->b, url_a2);
  /* the slow writer takes its xid first */
  late = g_strdup_printf ("BEGIN; INSERT INTO sync_cell (tbl, pk, col, val, hlc, node) VALUES "
                          "('photos', '%s', 'color_label', '\"purple\"', %" G_GINT64_FORMAT ", 7)",
                          p, (g_get_real_time () / 1000 + 1000) << 16);
  g_assert_true (at_pg_exec (slow, late, &error));
  at_test_set_rating (f->a, p, 1);
  at_test_sync_ok (f->a, url_a1);
  r = at_test_sync_ok (f->b, url_a2);
  /* held back behind the open transaction: neither its row nor the later
   * one yet, and the report says one waits */
  g_assert_cmpint (at_test_photo_rating (f->b, p), !=, 1);
  g_assert_cmpuint (r.held_back, ==, 1);
  g_assert_cmpuint (r.fence, >, 0);
  g_assert_true (at_pg_exec (slow, "COMMIT", &error));
  r = at_test_sync_ok (f->b, url_a2);
  g_assert_cmpint (at_test_photo_rating (f->b, p), ==, 1);
  g_assert_cmpuint (r.held_back, ==, 0);
  {
    g_autofree char *sql = g_strdup_printf ("SELECT color_label FROM photos WHERE id = '%s'", p);
    g_autofree char *label = at_test_sql_text (f->b, sql);
    g_assert_cmpstr (label, ==, "purple");
  }
}

/* A workstation that hears from no one moves its cursor past its own
 * cells (the feed leaves them out): else every sync read on the server,
 * again, all it had ever pushed. What others write after goes on coming. */
static void
test_own_cells_passed (Fixture *f, gconstpointer data)
{
  g_autofree char *p = at_test_photo_id (f->a, 1);
  gint64 own, cursor;

  at_test_sync_ok (f->a, url_a1);
  at_test_set_rating (f->a, p, 3);
  at_test_sync_ok (f->a, url_a1);
  own = at_test_sync_server_int (server, "SELECT max(xid::text::bigint) FROM sync_cell");
  cursor = at_test_sql_int (f->a, "SELECT CAST(cursor_xid AS INTEGER) FROM sync_buckets WHERE bucket = ''");
  g_assert_cmpint (own, >, 0);
  g_assert_cmpint (cursor, >=, own);
  /* (and stays short of the server's next xid, which would mean a server put back) */
  g_assert_false (at_test_sync_ok (f->a, url_a1).read_again);

  at_test_sync_ok (f->b, url_a2);
  at_test_set_rating (f->b, p, 5);
  at_test_sync_ok (f->b, url_a2);
  at_test_sync_ok (f->a, url_a1);
  g_assert_cmpint (at_test_photo_rating (f->a, p), ==, 5);
  g_assert_cmpint (at_test_sql_int (f->a, "SELECT CAST(cursor_xid AS INTEGER) FROM sync_buckets WHERE bucket = ''"), >,
                   cursor);
}

/* The server's owner given as the workstation's login: said plainly (it
 * was a raw statement failure). */
static void
test_login_of_no_studio (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  AtSyncReport r;

  g_assert_false (at_sync_once (f->a, pg->admin, &r, NULL, &error));
  g_assert_error (error, AT_SYNC_ERROR, AT_SYNC_ERROR_AUTH);
  g_assert_nonnull (strstr (error->message, "belongs to no studio"));
}

/* Transactions on the server until the next is numbered @until (xid8). */
static void
use_xids_up_to (gint64 until)
{
  g_autofree char *sql = g_strdup_printf ("DO $$ BEGIN WHILE pg_current_xact_id ()::text::bigint < %" G_GINT64_FORMAT " - 1 "
                                          "LOOP COMMIT; END LOOP; END $$", until);

  /* (each COMMIT ends the transaction that took the number) */
  g_free (at_test_pg_psql (pg, sql));
}

/* The feed is read in transaction order, 9,999 before 10,000: compared as
 * text, a full page that held both ended at the earlier, and the next
 * round read the later ones again. (First of this file: the server's
 * transactions are still below 9,990.) */
static void
test_xid_order (Fixture *f, gconstpointer data)
{
  g_autofree char *p = at_test_photo_id (f->a, 1);
  g_autofree char *below = NULL, *above = NULL, *cells = NULL;
  /* (a newer Atelier's table: cheap to pull, noted and passed) */
#define MORE "INSERT INTO sync_cell (studio_id, tbl, pk, col, val, hlc, node, bucket) " \
             "SELECT studio_id, 'later_things', pk || '-%s-' || n, '*', '{}', hlc, 99, bucket " \
             "FROM sync_cell, generate_series (1, %d) n WHERE pk = '%s' AND col = '*'"
  g_autofree char *before = NULL;
  g_autofree char *after = g_strdup_printf (MORE, "late", 20, p);
  g_autofree char *bucket = NULL, *in_bucket = NULL;
  AtSyncReport r;

  use_xids_up_to (9990);
  at_test_sync_ok (f->a, url_a1);
  /* enough in the photo's project for its first page to end 10 cells past 10,000 */
  bucket = g_strdup_printf ("SELECT count(*) FROM sync_cell WHERE bucket = (SELECT bucket FROM sync_cell WHERE pk = '%s' "
                            "AND col = '*')", p);
  in_bucket = at_test_pg_psql (pg, bucket);
  before = g_strdup_printf (MORE, "early", 4990 - atoi (in_bucket), p);
#undef MORE
  g_free (at_test_pg_psql (pg, before));
  below = at_test_pg_psql (pg, "SELECT max(xid::text::bigint) < 10000 FROM sync_cell");
  g_assert_cmpstr (below, ==, "t");
  use_xids_up_to (10000);
  g_free (at_test_pg_psql (pg, after));
  at_test_set_rating (f->a, p, 4);
  at_test_sync_ok (f->a, url_a1);
  above = at_test_pg_psql (pg, "SELECT count(*) FROM sync_cell WHERE xid::text::bigint >= 10000");
  g_assert_cmpstr (above, ==, "21");

  r = at_test_sync_ok (f->b, url_a2);
  cells = at_test_pg_psql (pg, "SELECT count(*) FROM sync_cell");
  g_assert_cmpuint (r.pulled, ==, g_ascii_strtoull (cells, NULL, 10));
  g_assert_cmpint (at_test_photo_rating (f->b, p), ==, 4);
}

/* Another studio's workstation pulls nothing of studio A's. */
static void
test_other_studio (Fixture *f, gconstpointer data)
{
  AtSyncReport r;

  at_test_sync_ok (f->a, url_a1);
  r = at_test_sync_ok (f->b, url_b);
  g_assert_cmpuint (r.pulled, ==, 0);
  g_assert_cmpint (at_test_sql_int (f->b, "SELECT count(*) FROM photos"), ==, 0);
}

/* Each sync's end is kept in the catalog: what it sent and received, or
 * why it failed. Syncs in a row that end alike share a row; the newest
 * 200 rows are kept. */
static void
test_history (Fixture *f, gconstpointer data)
{
  g_autofree char *wrong = at_test_pg_conninfo (pg, "laptop", "wrong-password");
  g_autofree char *first = NULL;
  g_autoptr(GPtrArray) h = NULL;
  g_autoptr(GError) error = NULL;
  AtSyncHistoryEntry *e;
  AtSyncReport r = at_test_sync_ok (f->a, url_a1);

  first = g_strdup_printf ("%u fields sent, %u received, %u written here", r.pushed, r.pulled, r.applied);
  g_assert_cmpuint (r.pushed, >, 0);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GError) refused = NULL;
      g_assert_false (at_sync_once (f->a, wrong, &r, NULL, &refused));
    }
  at_test_sync_ok (f->a, url_a1);
  at_test_sync_ok (f->a, url_a1);
  h = at_sync_list_history (f->a, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (h->len, ==, 3);
  e = h->pdata[0];
  g_assert_cmpstr (e->what, ==, "Nothing to send, nothing new");
  g_assert_cmpuint (e->times, ==, 2);
  g_assert_false (e->failed);
  g_assert_cmpint (g_date_time_compare (e->first, e->last), <=, 0);
  e = h->pdata[1];
  g_assert_true (e->failed);
  g_assert_cmpuint (e->times, ==, 2);
  g_assert_nonnull (strstr (e->what, "refused the login"));
  e = h->pdata[2];
  g_assert_cmpstr (e->what, ==, first);
  g_assert_cmpuint (e->times, ==, 1);

  at_test_sql_exec (f->a, "WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300) "
                          "INSERT INTO sync_history (first_at, last_at, error) "
                          "SELECT '2026-01-01T10:00:00Z', '2026-01-01T10:00:00Z', 'old ' || i FROM n");
  at_test_sync_ok (f->a, url_a1);
  g_assert_cmpint (at_test_sql_int (f->a, "SELECT count(*) FROM sync_history"), ==, 200);
  g_assert_cmpint (at_test_sql_int (f->a, "SELECT count(*) FROM sync_history WHERE error IS NULL"), ==, 1);
  g_assert_cmpint (at_test_sql_int (f->a, "SELECT min(CAST(substr(error, 5) AS INTEGER)) FROM sync_history"), ==, 102);
}

/* The command line: what it prints, and its exit status on a refused login. */
static void
test_cli (Fixture *f, gconstpointer data)
{
  g_autofree char *wrong = at_test_pg_conninfo (pg, "laptop", "wrong-password");
  AtTestRun r;

  g_clear_object (&f->b);
  r = at_test_cli ("sync", "--catalog", at_catalog_get_path (f->a), "--server", url_a1, NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "Pushed"));
  g_assert_nonnull (strstr (r.out, "0 waiting to push"));
  at_test_run_clear (&r);
  r = at_test_cli ("sync", "--catalog", at_catalog_get_path (f->a), "--server", wrong, NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "refused the login (password authentication failed for user \"laptop\"): check"));
  g_assert_null (strstr (r.err, "wrong-password"));
  /* (the command line's syncs are in the history the Sync page shows) */
  g_assert_cmpint (at_test_sql_int (f->a, "SELECT count(*) FROM sync_history WHERE error LIKE '%refused the login%'"), ==, 1);
  at_test_run_clear (&r);
  r = at_test_cli ("sync", "history", "--catalog", at_catalog_get_path (f->a), NULL);
  g_assert_cmpint (r.status, ==, 0);
  {
    /* oldest first: the sync that went through, then the refused one */
    const char *sent = strstr (r.out, "✓ ");
    const char *refused = strstr (r.out, "✗ ");

    g_assert_nonnull (sent);
    g_assert_nonnull (refused);
    g_assert_true (sent < refused);
    g_assert_nonnull (strstr (sent, "fields sent"));
    g_assert_nonnull (strstr (refused, "refused the login"));
  }
  at_test_run_clear (&r);
  r = at_test_cli ("server", "migrate", "--server", pg->admin, NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "nothing to do"));
  at_test_run_clear (&r);
  r = at_test_cli ("sync", "--catalog", at_catalog_get_path (f->a), NULL);
  g_assert_cmpint (r.status, ==, 2);
  at_test_run_clear (&r);

  /* no server there: a failure that says so, and the changes wait */
  {
    const char *nowhere = "host=127.0.0.1 port=1 dbname=postgres user=laptop connect_timeout=3";
    g_autofree char *p = at_test_photo_id (f->a, 0);
    at_test_set_rating (f->a, p, 5);
    r = at_test_cli ("sync", "--catalog", at_catalog_get_path (f->a), "--server", nowhere, NULL);
    g_assert_cmpint (r.status, ==, 1);
    g_assert_nonnull (strstr (r.err, "cannot be reached"));
    g_assert_cmpint (at_test_sql_int (f->a, "SELECT count(*) FROM sync_outbox"), ==, 1);
    at_test_run_clear (&r);
  }

  /* a malformed address: said, without the password it holds; a setting
   * libpq does not know is named */
  r = at_test_cli ("sync", "--catalog", at_catalog_get_path (f->a), "--server",
                   "postgresql://laptop:se%zzcret@127.0.0.1/postgres", NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "malformed"));
  g_assert_null (strstr (r.err, "se%zzcret"));
  at_test_run_clear (&r);
  r = at_test_cli ("sync", "--catalog", at_catalog_get_path (f->a), "--server",
                   "host=127.0.0.1 sslmod=require password=secret", NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "“sslmod”"));
  g_assert_null (strstr (r.err, "secret"));
  at_test_run_clear (&r);

  /* a studio and its workstation made from the command line, and in use */
  r = at_test_cli ("server", "add-studio", "--server", pg->admin, "--name", "Command Line Studio", NULL);
  g_assert_cmpint (r.status, ==, 0);
  at_test_run_clear (&r);
  r = at_test_cli ("server", "add-workstation", "--server", pg->admin, "--studio", "Command Line Studio", "--name", "cli_desk",
                   "--password", "pw-cli", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "cli_desk"));
  at_test_run_clear (&r);
  {
    g_autofree char *desk = at_test_pg_conninfo (pg, "cli_desk", "pw-cli");
    g_autofree char *dir = at_test_make_tmpdir ();
    g_autofree char *fresh = g_build_filename (dir, "cli.atelier", NULL);
    /* this catalog is studio A's: refused, and told why */
    r = at_test_cli ("sync", "--catalog", at_catalog_get_path (f->a), "--server", desk, NULL);
    g_assert_cmpint (r.status, ==, 1);
    g_assert_nonnull (strstr (r.err, "syncs with another studio"));
    at_test_run_clear (&r);
    r = at_test_cli ("catalog", "init", "--catalog", fresh, NULL);
    g_assert_cmpint (r.status, ==, 0);
    at_test_run_clear (&r);
    r = at_test_cli ("sync", "--catalog", fresh, "--server", desk, NULL);
    g_assert_cmpint (r.status, ==, 0);
    g_assert_nonnull (strstr (r.out, "0 waiting to push"));
    at_test_run_clear (&r);
    at_test_rm_rf (dir);
  }
}

static gboolean
write_page_limit (AtSqlConn *conn, gpointer data, GError **error)
{
  g_autofree char *sql = g_strdup_printf ("PRAGMA max_page_count = %d", GPOINTER_TO_INT (data));

  return at_sql_conn_exec (conn, sql, error);
}

/* The desk's disk fills up during its first pull (SQLite's page limit on
 * its writer stands for it): the sync fails and says so, and nothing of the
 * page stays half done: once there is room, the next sync brings it all.
 * (The bulk apply now fails the page at such an error; it took any failure
 * for a row in the way and went on row by row, which after an error that
 * undoes the transaction would write the rest outside it.) */
static void
test_disk_full_mid_pull (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  AtSyncReport r;
  int pages;

  at_test_sync_ok (f->a, url_a1);
  at_test_sync_ok (f->b, url_a2);
  at_test_sql_exec (f->a, "UPDATE photos SET rating = 5, color_label = 'green', picked = 1");
  at_test_sql_exec (f->a, "INSERT INTO photo_keywords (id, photo_id, keyword) "
                          "SELECT 'kw-' || id, id, 'Full disk ' || printf('%05000d', 0) FROM photos");
  at_test_sync_ok (f->a, url_a1);

  pages = at_test_sql_int (f->b, "PRAGMA page_count");
  g_assert_true (at_catalog_write_sync (f->b, "photos", write_page_limit, GINT_TO_POINTER (pages), &error));
  g_assert_no_error (error);
  g_assert_false (at_sync_once (f->b, url_a2, &r, NULL, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "full"));
  g_clear_error (&error);
  g_assert_cmpint (at_test_sql_int (f->b, "SELECT count(*) FROM photo_keywords"), ==, 0);

  g_assert_true (at_catalog_write_sync (f->b, "photos", write_page_limit, GINT_TO_POINTER (1073741823), &error));
  g_assert_no_error (error);
  at_test_sync_ok (f->b, url_a2);
  at_test_sync_assert_same (f->a, f->b);
  g_assert_cmpint (at_test_sql_int (f->b, "SELECT count(*) FROM photo_keywords"), ==, 6);
  g_assert_cmpint (at_test_sql_int (f->b, "SELECT count(*) FROM sync_outbox"), ==, 0);
}

/* Whole rows written on the server by hand that are no rows (no JSON
 * object, or an empty one): the desk's pull leaves them out and goes on,
 * where one crashed the app and another failed every pull after. */
static void
test_row_that_is_no_row (Fixture *f, gconstpointer data)
{
  g_autofree char *p = at_test_photo_id (f->a, 1);
  AtSyncReport r;

  at_test_sync_ok (f->a, url_a1);
  at_test_sync_ok (f->b, url_a2);
  g_free (at_test_pg_psql (pg, "INSERT INTO sync_cell (studio_id, tbl, pk, col, val, hlc, node, bucket) "
                               "SELECT studio_id, 'photos', 'no-row-' || n, '*', v, hlc, node, bucket "
                               "FROM sync_cell, (VALUES (1, NULL), (2, 'null'::jsonb), (3, '[1, 2]'), (4, '\"text\"'), "
                               "(5, '{}')) AS bad (n, v) WHERE tbl = 'photos' AND col = '*' ORDER BY pk LIMIT 5"));
  at_test_set_rating (f->a, p, 1);
  at_test_sync_ok (f->a, url_a1);
  r = at_test_sync_ok (f->b, url_a2);
  g_assert_cmpuint (r.pulled, >=, 6);
  g_assert_cmpint (at_test_photo_rating (f->b, p), ==, 1);
  g_assert_cmpint (at_test_sql_int (f->b, "SELECT count(*) FROM photos WHERE id LIKE 'no-row-%'"), ==, 0);
  at_test_sync_ok (f->b, url_a2);
}

/* A page of fields is written in bulk, with the triggers a column needs
 * and without those it does not: a photo renamed elsewhere is found here
 * by its new name (photo_search), its rating and label come too and fire
 * a trigger on any update, nothing of it is sent back, and an edit made
 * here after is captured again. */
static void
test_pulled_in_bulk (Fixture *f, gconstpointer data)
{
  AtSyncReport r;

  at_test_sync_ok (f->a, url_a1);
  at_test_sync_ok (f->b, url_a2);
  /* a trigger of the desk's own on any update, written over lines */
  at_test_sql_exec (f->b, "CREATE TABLE seen (id TEXT); CREATE TRIGGER seen_update AFTER\n  UPDATE\n  ON photos "
                          "BEGIN INSERT INTO seen VALUES (NEW.id); END");
  at_test_sql_exec (f->a, "UPDATE photos SET file_name = 'renamed-' || rowid || '.jpg', rating = 2, color_label = 'red'");
  at_test_sync_ok (f->a, url_a1);
  r = at_test_sync_ok (f->b, url_a2);
  g_assert_cmpuint (r.applied, >=, 18);
  g_assert_cmpint (at_test_sql_int (f->b, "SELECT count(*) FROM photo_search WHERE photo_search MATCH 'renamed'"), ==, 6);
  g_assert_cmpint (at_test_sql_int (f->b, "SELECT count(*) FROM photos WHERE rating = 2 AND color_label = 'red'"), ==, 6);
  g_assert_cmpint (at_test_sql_int (f->b, "SELECT count(*) FROM seen"), >=, 18);
  g_assert_cmpint (at_test_sql_int (f->b, "SELECT count(*) FROM sync_outbox"), ==, 0);
  at_test_sql_exec (f->b, "UPDATE photos SET rating = 4");
  g_assert_cmpint (at_test_sql_int (f->b, "SELECT count(*) FROM sync_outbox WHERE col = 'rating'"), ==, 6);
}

/* A server transaction larger than a page (24,000 customers in one push):
 * the desk applies it whole, the rest read in chunks while the page is
 * written. A link cut while the rest is read, or a write that fails after
 * some chunks, leaves none of it here; the next sync brings it all. */
static void
test_transaction_larger_than_a_page (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  AtSyncReport r;
  const char *const faults[] = { "mid-rest", "mid-transaction" };
  gint64 before;

  at_test_sync_ok (f->a, url_a1);
  at_test_sync_ok (f->b, url_a2);
  before = at_test_sql_int (f->a, "SELECT count(*) FROM customers");
  at_test_sql_exec (f->a, "WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 24000) "
                          "INSERT INTO customers (id, studio_id, primary_name) SELECT printf ('cu-%05d', i), "
                          "(SELECT id FROM studios), 'Customer ' || i FROM n");
  r = at_test_sync_ok (f->a, url_a1);
  g_assert_cmpuint (r.pushed, >=, 24000);
  for (guint i = 0; i < G_N_ELEMENTS (faults); i++)
    {
      at_sync_set_fault_func (at_test_sync_fail_at, (gpointer) faults[i]);
      g_assert_false (at_sync_once (f->b, url_a2, &r, NULL, &error));
      at_sync_set_fault_func (NULL, NULL);
      g_assert_nonnull (error);
      g_assert_nonnull (strstr (error->message, faults[i]));
      g_clear_error (&error);
      g_assert_cmpint (at_test_sql_int (f->b, "SELECT count(*) FROM customers"), ==, before);
      g_assert_cmpint (at_test_sql_int (f->b, "SELECT count(*) FROM sync_clock WHERE pk LIKE 'cu-%'"), ==, 0);
    }
  r = at_test_sync_ok (f->b, url_a2);
  g_assert_cmpuint (r.pulled, ==, 24000);
  g_assert_cmpuint (r.applied, ==, 24000);
  g_assert_cmpint (at_test_sql_int (f->b, "SELECT count(*) FROM customers"), ==, before + 24000);
  g_assert_cmpint (at_test_sql_int (f->b, "SELECT count(*) FROM customers c WHERE primary_name = 'Customer ' || "
                                          "CAST (substr (id, 4) AS INTEGER)"), ==, 24000);
  at_test_sync_assert_same (f->a, f->b);
  r = at_test_sync_ok (f->b, url_a2);
  g_assert_cmpuint (r.pulled, ==, 0);
  g_assert_cmpint (at_test_sql_int (f->b, "SELECT count(*) FROM sync_outbox"), ==, 0);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  server = at_test_sync_server_start ();
  pg = server->pg;
  url_a1 = server->laptop;
  url_a2 = server->desk;
  url_b = server->other;

#define ADD(path, fn) g_test_add (path, Fixture, server, at_test_sync_pair_setup, fn, at_test_sync_pair_teardown)
  ADD ("/sync/xid-order", test_xid_order);
  ADD ("/sync/push-pull", test_push_pull);
  ADD ("/sync/lost-ack", test_lost_ack);
  ADD ("/sync/next-batch", test_next_batch);
  ADD ("/sync/cut-mid-copy", test_cut_mid_copy);
  ADD ("/sync/late-commit", test_late_commit);
  ADD ("/sync/own-cells-passed", test_own_cells_passed);
  ADD ("/sync/login-of-no-studio", test_login_of_no_studio);
  ADD ("/sync/other-studio", test_other_studio);
  ADD ("/sync/cli", test_cli);
  ADD ("/sync/history", test_history);
  ADD ("/sync/disk-full-mid-pull", test_disk_full_mid_pull);
  ADD ("/sync/row-that-is-no-row", test_row_that_is_no_row);
  ADD ("/sync/pulled-in-bulk", test_pulled_in_bulk);
  ADD ("/sync/transaction-larger-than-a-page", test_transaction_larger_than_a_page);
  status = g_test_run ();
  at_test_sync_server_stop (server);
  return status;
}
