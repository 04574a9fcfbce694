/* test-sync-conflicts.c — what wins when the same row or field comes from
 * more than one place, in whatever order the pull brings them: the later
 * edit of a field, a deletion before its row, a field before or older than
 * its row, a restore under a newer field, a row value lacking a column.
 * (What does not fit with what is here: test-sync-kept-aside.c; the faults
 * of the link and the clock: test-sync.c.) */
#include "config.h"

#include "at-test-pg.h"
#include "at-test-sync.h"
#include "at-test-util.h"

static AtTestSyncServer *server;
static AtTestPg *pg;
static const char *url_a1, *url_a2;

typedef AtTestSyncPair Fixture;


/* The server's clock now, kept for the test's cells to be stamped from:
 * each a set distance from it, so their order holds however slowly the
 * test runs (under a sanitizer, say). */
static void
start_test_clock (void)
{
  g_free (at_test_pg_psql (pg, "DROP TABLE IF EXISTS test_clock; "
                               "CREATE TABLE test_clock AS SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint AS ms"));
}

/* A row's deletion can reach a workstation before the row itself: a server
 * put back from a backup takes both again, in whichever order their
 * workstations push them. The older row must not bring the deleted face
 * back; a row newer than the deletion (a restore) does, and a deletion
 * older than that restore, made elsewhere and come late, leaves it. */
static void
test_tombstone_before_its_row (Fixture *f, gconstpointer data)
{
  g_autofree char *p = at_test_photo_id (f->a, 2);
  g_autofree char *sql = NULL;
  const char *face = "0190aaaa-0000-7000-8000-00000000face";

  start_test_clock ();

  at_test_sync_ok (f->a, url_a1);
  at_test_sync_ok (f->b, url_a2);
  /* (clocks a second or two from now: the server refuses any far ahead) */
#define FACE_CELL(col, val, ms) \
  "INSERT INTO sync_cell (studio_id, tbl, pk, col, val, hlc, node, bucket) SELECT studio_id, 'faces', '%s', " col ", " val \
  ", ((SELECT ms FROM test_clock) + " ms ") << 16, 99, bucket FROM sync_cell " \
  "WHERE tbl = 'photos' AND pk = '%s' AND col = '*'"
#define FACE_ROW "jsonb_build_object('id', '%s', 'photo_id', '%s', 'box_x', 0.25, 'box_y', 0.25, 'box_w', 0.5, " \
                 "'box_h', 0.5, 'detector_score', 0.5)"
  sql = g_strdup_printf (FACE_CELL ("'_deleted'", "'true'", "2000"), face, p);
  g_free (at_test_pg_psql (pg, sql));
  at_test_sync_ok (f->b, url_a2);
  g_free (sql);
  sql = g_strdup_printf (FACE_CELL ("'*'", FACE_ROW, "1000"), face, face, p, p);
  g_free (at_test_pg_psql (pg, sql));
  at_test_sync_ok (f->b, url_a2);
  g_assert_cmpint (at_test_sql_int (f->b, "SELECT count(*) FROM faces WHERE id = '0190aaaa-0000-7000-8000-00000000face'"), ==,
                   0);
  g_assert_cmpint (at_test_sync_server_int (server, "SELECT count(*) FROM atelier_rows WHERE tbl = 'faces' "
                                                    "AND pk = '0190aaaa-0000-7000-8000-00000000face'"), ==, 0);
  g_free (sql);
  sql = g_strdup_printf (FACE_CELL ("'*'", FACE_ROW, "3000") " ON CONFLICT (studio_id, tbl, pk, col) DO UPDATE SET "
                         "val = EXCLUDED.val, hlc = EXCLUDED.hlc", face, face, p, p);
  g_free (at_test_pg_psql (pg, sql));
  at_test_sync_ok (f->b, url_a2);
  g_assert_cmpint (at_test_sql_int (f->b, "SELECT count(*) FROM faces WHERE id = '0190aaaa-0000-7000-8000-00000000face'"), ==,
                   1);
  g_assert_cmpint (at_test_sync_server_int (server, "SELECT count(*) FROM atelier_rows WHERE tbl = 'faces' "
                                                    "AND pk = '0190aaaa-0000-7000-8000-00000000face'"), ==, 1);
  /* a deletion made elsewhere before that restore, come late, leaves it */
  g_free (sql);
  sql = g_strdup_printf (FACE_CELL ("'_deleted'", "'true'", "2500") " ON CONFLICT (studio_id, tbl, pk, col) DO UPDATE SET "
                         "hlc = EXCLUDED.hlc", face, p);
  g_free (at_test_pg_psql (pg, sql));
  at_test_sync_ok (f->b, url_a2);
  g_assert_cmpint (at_test_sql_int (f->b, "SELECT count(*) FROM faces WHERE id = '0190aaaa-0000-7000-8000-00000000face'"), ==,
                   1);
  g_assert_cmpint (at_test_sync_server_int (server, "SELECT count(*) FROM atelier_rows WHERE tbl = 'faces' "
                                                    "AND pk = '0190aaaa-0000-7000-8000-00000000face'"), ==, 1);
#undef FACE_CELL
#undef FACE_ROW
}

/* A whole row newer than a field edit made elsewhere (a row put back,
 * with its values of then) keeps its value when the older edit comes, also
 * when a page of many fields takes the fast path. */
static void
test_field_older_than_its_row (Fixture *f, gconstpointer data)
{
  g_autofree char *p = at_test_photo_id (f->a, 4);
  g_autofree char *sql = NULL;

  start_test_clock ();

  at_test_sync_ok (f->a, url_a1);
  at_test_sync_ok (f->b, url_a2);
  sql = g_strdup_printf ("UPDATE sync_cell SET val = jsonb_set (val, '{rating}', '4'), "
                         "hlc = ((SELECT ms FROM test_clock) + 3000) << 16, node = 99 "
                         "WHERE tbl = 'photos' AND pk = '%s' AND col = '*'", p);
  g_free (at_test_pg_psql (pg, sql));
  at_test_sync_ok (f->b, url_a2);
  g_assert_cmpint (at_test_photo_rating (f->b, p), ==, 4);
  /* (three fields of every photo: enough for the fast path) */
  g_free (at_test_pg_psql (pg, "INSERT INTO sync_cell (studio_id, tbl, pk, col, val, hlc, node, bucket) "
                               "SELECT studio_id, 'photos', pk, c.col, c.val, "
                               "((SELECT ms FROM test_clock) + 1000) << 16, 98, bucket "
                               "FROM sync_cell, (VALUES ('rating', '1'::jsonb), ('color_label', '\"red\"'), ('picked', '1')) "
                               "AS c (col, val) WHERE tbl = 'photos' AND sync_cell.col = '*' "
                               "ON CONFLICT (studio_id, tbl, pk, col) DO UPDATE SET val = EXCLUDED.val, hlc = EXCLUDED.hlc, "
                               "node = EXCLUDED.node"));
  at_test_sync_ok (f->b, url_a2);
  g_assert_cmpint (at_test_photo_rating (f->b, p), ==, 4);
  g_assert_cmpint (at_test_sql_int (f->b, "SELECT count(*) FROM photos WHERE rating = 1 AND color_label = 'red'"), ==,
                   at_test_sql_int (f->b, "SELECT count(*) FROM photos") - 1);
}

/* A field can reach a workstation before its row (a server put back from a
 * backup takes a workstation's fields again in no set order): it waits, and
 * comes in with the row. */
static void
test_field_before_its_row (Fixture *f, gconstpointer data)
{
  g_autofree char *p = at_test_photo_id (f->a, 0);
  g_autofree char *sql = NULL;
  const char *x = "0190bbbb-0000-7000-8000-0000000000aa";

  start_test_clock ();

  at_test_sync_ok (f->a, url_a1);
  at_test_sync_ok (f->b, url_a2);
  sql = g_strdup_printf ("INSERT INTO sync_cell (studio_id, tbl, pk, col, val, hlc, node, bucket) SELECT studio_id, 'photos', "
                         "'%s', 'rating', '5', ((SELECT ms FROM test_clock) + 2000) << 16, 99, "
                         "bucket FROM sync_cell WHERE tbl = 'photos' AND pk = '%s' AND col = '*'", x, p);
  g_free (at_test_pg_psql (pg, sql));
  at_test_sync_ok (f->b, url_a2);
  g_assert_cmpint (at_test_sql_int (f->b, "SELECT count(*) FROM photos WHERE id = '0190bbbb-0000-7000-8000-0000000000aa'"), ==,
                   0);
  g_free (sql);
  sql = g_strdup_printf ("INSERT INTO sync_cell (studio_id, tbl, pk, col, val, hlc, node, bucket) SELECT studio_id, 'photos', "
                         "'%s', '*', val || jsonb_build_object ('id', '%s', 'library_path', 'later/%s.cr3', 'content_hash', "
                         "'%s', 'rating', 1), ((SELECT ms FROM test_clock) + 1000) << 16, 99, "
                         "bucket FROM sync_cell WHERE tbl = 'photos' AND pk = '%s' AND col = '*'", x, x, x, x, p);
  g_free (at_test_pg_psql (pg, sql));
  at_test_sync_ok (f->b, url_a2);
  g_assert_cmpint (at_test_photo_rating (f->b, x), ==, 5);
  g_assert_cmpint (at_test_sql_int (f->b, "SELECT count(*) FROM sync_inbox"), ==, 0);
}

/* A newer whole value of a row here (a row put back elsewhere) that
 * clashes with another row on a unique key is kept aside like a new row's,
 * not left to fail every pull after it; settled, it comes in. */
static void
test_row_value_clash (Fixture *f, gconstpointer data)
{
  g_autofree char *x = at_test_sql_text (f->a, "SELECT id FROM projects ORDER BY id LIMIT 1");
  g_autofree char *sql = NULL;
  AtSyncReport r;

  start_test_clock ();

  at_test_sql_exec (f->a, "INSERT INTO projects (id, project_number, name, studio_id, customer_id, project_type) "
                          "SELECT 'project-y', 'P-200', 'Garden party', studio_id, customer_id, project_type FROM projects LIMIT 1");
  at_test_sync_ok (f->a, url_a1);
  at_test_sync_ok (f->b, url_a2);
  sql = g_strdup_printf ("UPDATE sync_cell SET val = jsonb_set (val, '{project_number}', '\"P-200\"'), "
                         "hlc = ((SELECT ms FROM test_clock) + 1000) << 16, node = 99 "
                         "WHERE tbl = 'projects' AND pk = '%s' AND col = '*'", x);
  g_free (at_test_pg_psql (pg, sql));
  r = at_test_sync_ok (f->b, url_a2);
  g_assert_cmpuint (r.conflicts, ==, 1);
  g_assert_cmpint (at_test_sql_int (f->b, "SELECT count(*) FROM sync_conflicts"), ==, 1);
  g_assert_cmpint (at_test_sql_int (f->b, "SELECT count(*) FROM projects WHERE project_number = 'P-200'"), ==, 1);
  /* settled there: the other project takes another number */
  at_test_sql_exec (f->a, "UPDATE projects SET project_number = 'P-201' WHERE id = 'project-y'");
  at_test_sync_ok (f->a, url_a1);
  r = at_test_sync_ok (f->b, url_a2);
  g_assert_cmpuint (r.settled, ==, 1);
  g_free (sql);
  sql = g_strdup_printf ("SELECT count(*) FROM projects WHERE id = '%s' AND project_number = 'P-200'", x);
  g_assert_cmpint (at_test_sql_int (f->b, sql), ==, 1);
  g_assert_cmpint (at_test_sql_int (f->b, "SELECT count(*) FROM sync_conflicts"), ==, 0);
}

/* A row deleted, then put back elsewhere as its writer had it (an undo),
 * under a field edited later still by another: that newer field shows over
 * the restored row here as on the server, not the restorer's older value. */
static void
test_restore_under_newer_field (Fixture *f, gconstpointer data)
{
  g_autofree char *p = at_test_photo_id (f->a, 3);
  g_autofree char *sql = NULL;
  g_autofree char *server_rating = NULL;

  start_test_clock ();

  at_test_sync_ok (f->a, url_a1);
  at_test_sync_ok (f->b, url_a2);
#define CELL_OF_P(col, val, ms) \
  "INSERT INTO sync_cell (studio_id, tbl, pk, col, val, hlc, node, bucket) SELECT studio_id, tbl, pk, " col ", " val ", " \
  "((SELECT ms FROM test_clock) + " ms ") << 16, 98, bucket FROM sync_cell " \
  "WHERE tbl = 'photos' AND pk = '%s' AND col = '*'"
  sql = g_strdup_printf (CELL_OF_P ("'rating'", "'5'", "3000"), p);
  g_free (at_test_pg_psql (pg, sql));
  at_test_sync_ok (f->b, url_a2);
  g_assert_cmpint (at_test_photo_rating (f->b, p), ==, 5);
  g_free (sql);
  sql = g_strdup_printf (CELL_OF_P ("'_deleted'", "'true'", "1000"), p);
  g_free (at_test_pg_psql (pg, sql));
  at_test_sync_ok (f->b, url_a2);
  g_free (sql);
  sql = g_strdup_printf ("SELECT count(*) FROM photos WHERE id = '%s'", p);
  g_assert_cmpint (at_test_sql_int (f->b, sql), ==, 0);
  /* the restore: the row as it was, rating 1, newer than its deletion */
  g_free (sql);
  sql = g_strdup_printf ("UPDATE sync_cell SET val = jsonb_set (val, '{rating}', '1'), "
                         "hlc = ((SELECT ms FROM test_clock) + 2000) << 16, node = 97 "
                         "WHERE tbl = 'photos' AND pk = '%s' AND col = '*'", p);
  g_free (at_test_pg_psql (pg, sql));
  at_test_sync_ok (f->b, url_a2);
  g_free (sql);
  sql = g_strdup_printf ("SELECT fields ->> 'rating' FROM atelier_rows WHERE tbl = 'photos' AND pk = '%s'", p);
  server_rating = at_test_pg_psql (pg, sql);
  g_assert_cmpstr (server_rating, ==, "5");
  g_assert_cmpint (at_test_photo_rating (f->b, p), ==, 5);
#undef CELL_OF_P
}

/* Two workstations edit one field: the later edit wins on both, whichever
 * syncs first; an older remote value does not overwrite a newer unsent one. */
static void
test_last_writer_wins (Fixture *f, gconstpointer data)
{
  g_autofree char *p = at_test_photo_id (f->a, 3);

  at_test_sync_ok (f->a, url_a1);
  at_test_sync_ok (f->b, url_a2);
  at_test_set_rating (f->b, p, 2);     /* older */
  g_usleep (5000);
  at_test_set_rating (f->a, p, 5);     /* newer, not pushed yet */
  at_test_sync_ok (f->b, url_a2);
  at_test_sync_ok (f->a, url_a1);
  g_assert_cmpint (at_test_photo_rating (f->a, p), ==, 5);
  at_test_sync_ok (f->b, url_a2);
  g_assert_cmpint (at_test_photo_rating (f->b, p), ==, 5);
  at_test_sync_assert_same (f->a, f->b);
}

/* Rewrites a cell on the server as a script would: a new value and clock,
 * at the feed's end. */
static void
rewrite_cell (const char *pk, const char *col, const char *val, const char *hlc, int node)
{
  g_autofree char *sql = g_strdup_printf ("UPDATE sync_cell SET val = %s, hlc = %s, node = %d, xid = pg_current_xact_id (), "
                                          "seq = nextval ('sync_seq') WHERE tbl = 'projects' AND col = '%s' AND pk = '%s'",
                                          val, hlc, node, col, pk);
  g_free (at_test_pg_psql (pg, sql));
}

/* A row value that lacks a column (sent again by an Atelier older than the
 * column, or written by a script) says nothing of it: a venue set before
 * stays everywhere, on a workstation that pulls it all anew too, and in the
 * server's reports; a row value that holds the column still wins over an
 * older edit of it. */
static void
test_row_value_lacking_a_column (Fixture *f, gconstpointer data)
{
  g_autofree char *project = at_test_sql_text (f->a, "SELECT min(id) FROM projects");
  const char *venue = "SELECT coalesce(venue, 'none') FROM projects WHERE id = (SELECT min(id) FROM projects)";
  /* clocks 1, 2 and 3 s ahead of now */
#define AHEAD(s) "((extract(epoch FROM clock_timestamp()) * 1000)::bigint + " #s "000) << 16"
  const char *later = AHEAD (1), *between = AHEAD (2), *latest = AHEAD (3);
#undef AHEAD

  g_assert_cmpint (at_test_sql_int (f->b, "SELECT count(*) FROM projects"), ==, 0);
  at_test_sync_ok (f->a, url_a1);
  at_test_sql_exec (f->a, "UPDATE projects SET venue = 'Hall' WHERE id = (SELECT min(id) FROM projects)");
  at_test_sync_ok (f->a, url_a1);
  rewrite_cell (project, "*", "val - 'venue'", later, 99);
  at_test_sync_ok (f->a, url_a1);
  at_test_sync_ok (f->b, url_a2);
  {
    g_autofree char *on_a = at_test_sql_text (f->a, venue);
    g_autofree char *on_b = at_test_sql_text (f->b, venue);
    g_autofree char *sql = g_strdup_printf ("SELECT coalesce(venue, 'none') FROM atelier_projects WHERE id = '%s'", project);
    g_autofree char *reported = at_test_pg_psql (pg, sql);

    g_assert_cmpstr (on_a, ==, "Hall");
    g_assert_cmpstr (on_b, ==, "Hall");
    g_assert_cmpstr (g_strstrip (reported), ==, "Hall");
  }

  /* a row value that holds it, newer; then an edit older than it, late */
  rewrite_cell (project, "*", "val || '{\"venue\": \"Barn\"}'", latest, 99);
  rewrite_cell (project, "venue", "'\"Tent\"'", between, 98);
  at_test_sync_ok (f->a, url_a1);
  at_test_sync_ok (f->b, url_a2);
  {
    g_autofree char *on_a = at_test_sql_text (f->a, venue);
    g_autofree char *on_b = at_test_sql_text (f->b, venue);
    g_assert_cmpstr (on_a, ==, "Barn");
    g_assert_cmpstr (on_b, ==, "Barn");
  }
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
  ADD ("/sync/last-writer-wins", test_last_writer_wins);
  ADD ("/sync/tombstone-before-its-row", test_tombstone_before_its_row);
  ADD ("/sync/field-older-than-its-row", test_field_older_than_its_row);
  ADD ("/sync/field-before-its-row", test_field_before_its_row);
  ADD ("/sync/row-value-clash", test_row_value_clash);
  ADD ("/sync/restore-under-newer-field", test_restore_under_newer_field);
  ADD ("/sync/row-value-lacking-a-column", test_row_value_lacking_a_column);
  status = g_test_run ();
  at_test_sync_server_stop (server);
  return status;
}
