/* test-sync-versions.c — workstations of different Atelier versions
 * syncing through one real PostgreSQL 15: a row from an older one, without
 * a column added since, and the tables, columns and values of a newer one,
 * which an older workstation keeps until an upgrade brings them. */
#include "config.h"

#include "at-test-pg.h"
#include "at-test-sync.h"
#include "at-test-util.h"

static AtTestSyncServer *server;
static AtTestPg *pg;
static const char *url_a1, *url_a2;

typedef AtTestSyncPair Fixture;

/* A row from an older workstation, without a column added since (here
 * projects.face_processing, NOT NULL DEFAULT 0): it goes in with that
 * column's default instead of failing the pull. */
static void
test_row_from_older_workstation (Fixture *f, gconstpointer data)
{
  g_autofree char *stripped = NULL;

  at_test_sync_ok (f->a, url_a1);
  stripped = at_test_pg_psql (pg, "UPDATE sync_cell SET val = val - 'face_processing', hlc = hlc + 1 "
                                  "WHERE tbl = 'projects' AND col = '*'");
  at_test_sync_ok (f->b, url_a2);
  g_assert_cmpint (at_test_sql_int (f->b, "SELECT count(*) FROM projects"), ==, at_test_sql_int (f->a, "SELECT count(*) FROM projects"));
  g_assert_cmpint (at_test_sql_int (f->b, "SELECT count(*) FROM projects WHERE face_processing = 0"), ==,
                   at_test_sql_int (f->b, "SELECT count(*) FROM projects"));
}

/* A field this workstation does not have (a newer Atelier's column) is
 * not lost: once the column is here (an upgrade), the next sync reads the
 * feed again from the start and the value arrives. */
static void
test_unknown_column_later_known (Fixture *f, gconstpointer data)
{
  g_autofree char *p = at_test_photo_id (f->a, 1);
  g_autofree char *sql = NULL;
  g_autofree char *injected = NULL;

  at_test_sync_ok (f->a, url_a1);
  at_test_sync_ok (f->b, url_a2);
  sql = g_strdup_printf ("INSERT INTO sync_cell (studio_id, tbl, pk, col, val, hlc, node, bucket) SELECT studio_id, tbl, pk, "
                         "'sharpness', '7', hlc + 1000, 99, bucket FROM sync_cell WHERE pk = '%s' AND col = '*'", p);
  injected = at_test_pg_psql (pg, sql);
  at_test_sync_ok (f->b, url_a2);
  g_assert_cmpint (at_test_sql_int (f->b, "SELECT count(*) FROM sync_unknown WHERE tbl = 'photos' AND col = 'sharpness'"), ==, 1);

  at_test_sql_exec (f->b, "ALTER TABLE photos ADD COLUMN sharpness INTEGER");
  at_test_sync_ok (f->b, url_a2);
  g_free (sql);
  sql = g_strdup_printf ("SELECT sharpness FROM photos WHERE id = '%s'", p);
  g_assert_cmpint (at_test_sql_int (f->b, sql), ==, 7);
  g_assert_cmpint (at_test_sql_int (f->b, "SELECT count(*) FROM sync_unknown"), ==, 0);
  at_test_sync_assert_same (f->a, f->b);
}

/* A newer Atelier's columns inside whole rows, the way it writes them: in
 * a row this workstation has (a newer value of it) and in rows new to it,
 * enough of them (3 copies of each photo) for a page to go the bulk way.
 * The values are kept as they came (a float to its last digit, a string
 * with quotes), and once the columns are here (an upgrade) they are in
 * them; those of a row deleted meanwhile go with it. (Before, they were
 * dropped, and the feed read again skipped the rows' cells as seen.) */
static void
test_unknown_column_in_rows (Fixture *f, gconstpointer data)
{
  g_autofree char *p = at_test_photo_id (f->a, 1);
  g_autofree char *sql = NULL;
  g_autofree char *injected = NULL;
  int photos;

  at_test_sync_ok (f->a, url_a1);
  at_test_sync_ok (f->b, url_a2);
  photos = at_test_sql_int (f->b, "SELECT count(*) FROM photos");
  sql = g_strdup_printf ("INSERT INTO sync_cell (studio_id, tbl, pk, col, val, hlc, node, bucket) "
                         "SELECT studio_id, tbl, pk || '-copy' || n, col, val || jsonb_build_object ('id', pk || '-copy' || n, 'sharpness', 3, "
                         "'library_path', (val ->> 'library_path') || '-copy' || n), hlc + 1000, 99, bucket "
                         "FROM sync_cell, generate_series (1, 3) n WHERE tbl = 'photos' AND col = '*';"
                         "UPDATE sync_cell SET val = val || '{\"sharpness\": 7, \"rating\": 4, \"score\": 0.12345678901234568, "
                         "\"note\": \"it''s \\\"sharp\\\"\"}', hlc = hlc + 1000, node = 99, "
                         "xid = pg_current_xact_id (), seq = nextval ('sync_seq') WHERE pk = '%s' AND col = '*';"
                         "INSERT INTO sync_cell (studio_id, tbl, pk, col, val, hlc, node, bucket) SELECT studio_id, tbl, pk, "
                         "'_deleted', 'true', hlc + 1, 99, bucket FROM sync_cell WHERE pk LIKE '%%-copy1' AND col = '*'", p);
  injected = at_test_pg_psql (pg, sql);
  at_test_sync_ok (f->b, url_a2);
  g_assert_cmpint (at_test_sql_int (f->b, "SELECT count(*) FROM photos"), ==, 3 * photos);
  g_assert_cmpint (at_test_photo_rating (f->b, p), ==, 4);

  at_test_sql_exec (f->b, "ALTER TABLE photos ADD COLUMN sharpness INTEGER; ALTER TABLE photos ADD COLUMN score REAL; "
                          "ALTER TABLE photos ADD COLUMN note TEXT");
  at_test_sync_ok (f->b, url_a2);
  g_free (sql);
  sql = g_strdup_printf ("SELECT sharpness FROM photos WHERE id = '%s'", p);
  g_assert_cmpint (at_test_sql_int (f->b, sql), ==, 7);
  g_assert_cmpint (at_test_sql_int (f->b, "SELECT count(*) FROM photos WHERE id LIKE '%-copy_' AND sharpness = 3"), ==, 2 * photos);
  g_free (sql);
  /* (the float as a value read from JSON here is: SQLite's own reading) */
  sql = g_strdup_printf ("SELECT (score = json_extract('0.12345678901234568', '$')) || ' ' || note FROM photos "
                         "WHERE id = '%s'", p);
  {
    g_autofree char *both = at_test_sql_text (f->b, sql);
    g_assert_cmpstr (both, ==, "1 it's \"sharp\"");
  }
  g_assert_cmpint (at_test_sql_int (f->b, "SELECT count(*) FROM sync_unknown_values"), ==, 0);
  g_assert_cmpint (at_test_sql_int (f->b, "SELECT count(*) FROM sync_inbox"), ==, 0);
  g_free (sql);
  sql = g_strdup_printf ("SELECT sharpness FROM photos WHERE id = '%s'", p);
  /* and what was in it stays on: a later sync changes nothing */
  at_test_sync_ok (f->b, url_a2);
  g_assert_cmpint (at_test_sql_int (f->b, sql), ==, 7);
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

#define ADD(path, fn) g_test_add (path, Fixture, server, at_test_sync_pair_setup, fn, at_test_sync_pair_teardown)
  ADD ("/sync/row-from-older-workstation", test_row_from_older_workstation);
  ADD ("/sync/unknown-column-later-known", test_unknown_column_later_known);
  ADD ("/sync/unknown-column-in-rows", test_unknown_column_in_rows);
  status = g_test_run ();
  at_test_sync_server_stop (server);
  return status;
}
