/* test-sync-conflicts.c — what wins when the same row or field comes from
 * more than one place, in whatever order the pull brings them: the later
 * edit of a field, a deletion before its row, a field before or older than
 * its row, a restore under a newer field, two rows taking one unique value.
 * (The faults of the link and the clock: test-sync.c.) */
#include "config.h"

#include <string.h>

#include "at-test-pg.h"
#include "at-test-sync.h"
#include "at-test-util.h"

static AtTestSyncServer *server;
static AtTestPg *pg;
static const char *url_a1, *url_a2;

typedef AtTestSyncPair Fixture;


static void
assert_same_photos (AtCatalog *a, AtCatalog *b)
{
  const char *sum = "SELECT group_concat(id || rating || color_label || picked, ',') FROM (SELECT * FROM photos ORDER BY id)";
  g_autofree char *x = at_test_sql_text (a, sum);
  g_autofree char *y = at_test_sql_text (b, sum);
  g_assert_cmpstr (x, ==, y);
}

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

/* Two workstations number a project alike offline: each keeps its own, the
 * other's waits in sync_conflicts, and sync goes on for everything else. */
static void
test_unique_clash (Fixture *f, gconstpointer data)
{
  AtSyncReport r;
  g_autofree char *p = at_test_photo_id (f->a, 0);
#define NEW_PROJECT(id, name) "INSERT INTO projects (id, project_number, name, studio_id, customer_id, project_type) " \
                              "SELECT '" id "', 'P-100', '" name "', studio_id, customer_id, project_type FROM projects LIMIT 1"
  const char *on_a = NEW_PROJECT ("project-a", "Garden party");
  const char *on_b = NEW_PROJECT ("project-b", "Gala");

  at_test_sync_ok (f->a, url_a1);
  at_test_sync_ok (f->b, url_a2);
  at_test_sql_exec (f->a, on_a);
  at_test_sql_exec (f->b, on_b);
  /* enough besides for the page to go the bulk way, whose insert the clash refuses */
  at_test_sql_exec (f->a, "UPDATE photos SET rating = 3, color_label = 'blue', picked = 1 - picked");
  at_test_sync_ok (f->a, url_a1);
  r = at_test_sync_ok (f->b, url_a2);
  g_assert_cmpuint (r.pulled, >=, 16);
  g_assert_cmpuint (r.conflicts, ==, 1);
  assert_same_photos (f->a, f->b);
  g_assert_cmpint (at_test_sql_int (f->b, "SELECT count(*) FROM sync_conflicts WHERE pk = 'project-a'"), ==, 1);
  g_assert_cmpint (at_test_sql_int (f->b, "SELECT count(*) FROM projects WHERE project_number = 'P-100'"), ==, 1);
  /* and everything else still flows */
  at_test_set_rating (f->a, p, 2);
  at_test_sync_ok (f->a, url_a1);
  r = at_test_sync_ok (f->a, url_a1);
  g_assert_cmpuint (r.conflicts, ==, 0);
  at_test_sync_ok (f->b, url_a2);
  g_assert_cmpint (at_test_photo_rating (f->b, p), ==, 2);
  {
    AtSyncReport ra;
    g_autoptr(GError) error = NULL;
    g_assert_true (at_sync_once (f->a, url_a1, &ra, NULL, &error));
  }
  g_assert_cmpint (at_test_sql_int (f->a, "SELECT count(*) FROM sync_conflicts WHERE pk = 'project-b'"), ==, 1);
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) said = at_sync_list_conflicts (f->a, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (said->len, ==, 1);
    g_assert_nonnull (strstr (said->pdata[0], "A project from another workstation, “Gala”, has the same project number"));
  }

  /* settled on b, its own project given another number: a's comes in there */
  at_test_sql_exec (f->b, "UPDATE projects SET project_number = 'P-101' WHERE id = 'project-b'");
  r = at_test_sync_ok (f->b, url_a2);
  g_assert_cmpuint (r.settled, ==, 1);
  g_assert_cmpint (at_test_sql_int (f->b, "SELECT count(*) FROM sync_conflicts"), ==, 0);
  g_assert_cmpint (at_test_sql_int (f->b, "SELECT count(*) FROM projects WHERE id IN ('project-a', 'project-b')"), ==, 2);
  /* and on a by the same change, come from b: the row kept aside takes it */
  r = at_test_sync_ok (f->a, url_a1);
  g_assert_cmpuint (r.settled, ==, 1);
  g_assert_cmpint (at_test_sql_int (f->a, "SELECT count(*) FROM sync_conflicts"), ==, 0);
  g_assert_cmpint (at_test_sql_int (f->a, "SELECT count(*) FROM projects WHERE id = 'project-b' AND project_number = 'P-101'"),
                   ==, 1);
}

/* A shoot moved later in one edit, its start and its end together: the
 * other workstation takes both, though the start alone would end the shoot
 * before it began (CHECK end_at > start_at). Two edits made apart that
 * together would do so (an end set earlier on one side, a start later on
 * the other) are kept aside and said, not a pull that fails for good; the
 * rest flows, and a later edit that makes the shoot whole again lets them
 * in. */
static void
test_check_across_columns (Fixture *f, gconstpointer data)
{
  g_autofree char *p = at_test_photo_id (f->a, 0);
  const char *times = "SELECT start_at || ' ' || end_at FROM shooting_schedules WHERE id = "
                      "(SELECT min(id) FROM shooting_schedules)";
  AtSyncReport r;

  g_assert_cmpint (at_test_sql_int (f->a, "SELECT count(*) FROM shooting_schedules"), >, 0);
  at_test_sync_ok (f->a, url_a1);
  at_test_sync_ok (f->b, url_a2);
  at_test_sql_exec (f->a, "UPDATE shooting_schedules SET start_at = '2027-05-01T14:00:00Z', end_at = '2027-05-01T16:00:00Z' "
                          "WHERE id = (SELECT min(id) FROM shooting_schedules)");
  at_test_sync_ok (f->a, url_a1);
  r = at_test_sync_ok (f->b, url_a2);
  g_assert_cmpuint (r.conflicts, ==, 0);
  {
    g_autofree char *on_b = at_test_sql_text (f->b, times);
    g_assert_cmpstr (on_b, ==, "2027-05-01T14:00:00Z 2027-05-01T16:00:00Z");
  }

  at_test_sql_exec (f->a, "UPDATE shooting_schedules SET end_at = '2027-05-01T15:00:00Z' "
                          "WHERE id = (SELECT min(id) FROM shooting_schedules)");
  at_test_set_rating (f->a, p, 4);
  at_test_sql_exec (f->b, "UPDATE shooting_schedules SET start_at = '2027-05-01T15:30:00Z' "
                          "WHERE id = (SELECT min(id) FROM shooting_schedules)");
  at_test_sync_ok (f->a, url_a1);
  r = at_test_sync_ok (f->b, url_a2);
  g_assert_cmpuint (r.conflicts, ==, 1);
  g_assert_cmpint (at_test_photo_rating (f->b, p), ==, 4);
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) said = at_sync_list_conflicts (f->b, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (said->len, ==, 1);
    g_assert_nonnull (strstr (said->pdata[0], "a shooting schedule’s end at set to “2027-05-01T15:00:00Z”, does not fit "
                                              "the rest of it here (end at > start at)"));
  }
  r = at_test_sync_ok (f->a, url_a1);
  g_assert_cmpuint (r.conflicts, ==, 1);

  /* the shoot made whole again on one side: both take it */
  at_test_sql_exec (f->a, "UPDATE shooting_schedules SET end_at = '2027-05-01T17:00:00Z' "
                          "WHERE id = (SELECT min(id) FROM shooting_schedules)");
  at_test_sync_ok (f->a, url_a1);
  at_test_sync_ok (f->b, url_a2);
  at_test_sync_ok (f->a, url_a1);
  {
    g_autofree char *on_a = at_test_sql_text (f->a, times);
    g_autofree char *on_b = at_test_sql_text (f->b, times);
    g_assert_cmpstr (on_a, ==, "2027-05-01T15:30:00Z 2027-05-01T17:00:00Z");
    g_assert_cmpstr (on_b, ==, on_a);
  }
  g_assert_cmpint (at_test_sql_int (f->a, "SELECT count(*) FROM sync_conflicts"), ==, 0);
  g_assert_cmpint (at_test_sql_int (f->b, "SELECT count(*) FROM sync_conflicts"), ==, 0);

  /* the shoot's whole row, newer, a month later (a workstation that sent
   * everything again): its start alone would end it before it began */
  g_free (at_test_pg_psql (pg, "UPDATE sync_cell SET hlc = ((extract(epoch FROM clock_timestamp()) * 1000)::bigint + 1000) "
                               "<< 16, node = 99, xid = pg_current_xact_id (), seq = nextval ('sync_seq'), "
                               "val = val || '{\"start_at\": \"2027-06-01T14:00:00Z\", \"end_at\": \"2027-06-01T16:00:00Z\"}' "
                               "WHERE tbl = 'shooting_schedules' AND col = '*' "
                               "AND pk = (SELECT min(pk) FROM sync_cell WHERE tbl = 'shooting_schedules')"));
  r = at_test_sync_ok (f->b, url_a2);
  g_assert_cmpuint (r.conflicts, ==, 0);
  {
    g_autofree char *on_b = at_test_sql_text (f->b, times);
    g_assert_cmpstr (on_b, ==, "2027-06-01T14:00:00Z 2027-06-01T16:00:00Z");
  }
}

/* A value that leaves a column the catalog needs empty (a row or a field
 * written on the server by a script) is kept aside and said, not the end
 * of every pull after; a later edit that fills it in lets it come. */
static void
test_needed_column_missing (Fixture *f, gconstpointer data)
{
  g_autofree char *p = at_test_photo_id (f->a, 0);
  g_autofree char *project = at_test_sql_text (f->a, "SELECT min(id) FROM projects");
  g_autofree char *other = at_test_sql_text (f->a, "SELECT max(id) FROM projects");
  g_autofree char *other_name = at_test_sql_text (f->a, "SELECT name FROM projects WHERE id = (SELECT max(id) FROM projects)");
  AtSyncReport r;
  /* a clock a second ahead of now: newer than anything here */
  const char *now = "((extract(epoch FROM clock_timestamp()) * 1000)::bigint + 1000) << 16";
  char *sql;

  g_assert_cmpstr (project, !=, other);
  at_test_sync_ok (f->a, url_a1);
  at_test_sync_ok (f->b, url_a2);
  /* a new row without a name, a field emptied, a row here emptied of it */
  sql = g_strdup_printf ("UPDATE sync_cell SET val = val || '{\"name\": null}', hlc = %s, node = 99, "
                         "xid = pg_current_xact_id (), seq = nextval ('sync_seq') "
                         "WHERE tbl = 'projects' AND col = '*' AND pk = '%s'; "
                         "INSERT INTO sync_cell (studio_id, tbl, pk, col, val, hlc, node, bucket) "
                         "SELECT studio_id, tbl, 'by-script', '*', (val - 'name') || "
                         "'{\"id\": \"by-script\", \"project_number\": \"S-0001\"}', %s, 99, bucket "
                         "FROM sync_cell WHERE tbl = 'projects' AND col = '*' AND pk = '%s'; "
                         "INSERT INTO sync_cell (studio_id, tbl, pk, col, val, hlc, node, bucket) "
                         "SELECT studio_id, tbl, pk, 'name', 'null', %s, 99, bucket "
                         "FROM sync_cell WHERE tbl = 'projects' AND col = '*' AND pk = '%s' "
                         "ON CONFLICT (studio_id, tbl, pk, col) DO UPDATE SET val = excluded.val, hlc = excluded.hlc, "
                         "node = 99, xid = pg_current_xact_id (), seq = nextval ('sync_seq')",
                         now, other, now, project, now, project);
  g_free (at_test_pg_psql (pg, sql));
  g_free (sql);
  at_test_set_rating (f->a, p, 5);
  at_test_sync_ok (f->a, url_a1);
  r = at_test_sync_ok (f->b, url_a2);
  g_assert_cmpuint (r.conflicts, ==, 3);
  g_assert_cmpint (at_test_photo_rating (f->b, p), ==, 5);
  g_assert_cmpint (at_test_sql_int (f->b, "SELECT count(*) FROM projects WHERE id = 'by-script'"), ==, 0);
  {
    g_autofree char *kept = at_test_sql_text (f->b, "SELECT name FROM projects WHERE id = (SELECT max(id) FROM projects)");
    g_assert_cmpstr (kept, ==, other_name);
  }
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) said = at_sync_list_conflicts (f->b, &error);
    g_autofree char *both = NULL;

    g_assert_no_error (error);
    g_assert_cmpuint (said->len, ==, 3);
    g_ptr_array_add (said, NULL);
    both = g_strjoinv ("\n", (char **) said->pdata);
    g_assert_nonnull (strstr (both, "A project from another workstation, “by-script”, has no name, which"));
    g_assert_nonnull (strstr (both, "A change from another workstation empties a project’s name, which"));
  }
  at_test_sync_ok (f->b, url_a2);

  /* the names given on the server, later: all come in */
  sql = g_strdup_printf ("UPDATE sync_cell SET val = to_jsonb (pk || ' named'), hlc = %s, node = 99, "
                         "xid = pg_current_xact_id (), seq = nextval ('sync_seq') "
                         "WHERE tbl = 'projects' AND col = 'name' AND pk = '%s'; "
                         "INSERT INTO sync_cell (studio_id, tbl, pk, col, val, hlc, node, bucket) "
                         "SELECT studio_id, tbl, pk, 'name', '\"Named again\"', %s, 99, bucket "
                         "FROM sync_cell WHERE tbl = 'projects' AND col = '*' AND pk = '%s' "
                         "ON CONFLICT (studio_id, tbl, pk, col) DO UPDATE SET val = excluded.val, hlc = excluded.hlc, "
                         "node = 99, xid = pg_current_xact_id (), seq = nextval ('sync_seq'); "
                         "INSERT INTO sync_cell (studio_id, tbl, pk, col, val, hlc, node, bucket) "
                         "SELECT studio_id, tbl, 'by-script', 'name', '\"Named later\"', %s, 99, bucket "
                         "FROM sync_cell WHERE tbl = 'projects' AND col = '*' AND pk = '%s'",
                         now, project, now, other, now, project);
  g_free (at_test_pg_psql (pg, sql));
  g_free (sql);
  r = at_test_sync_ok (f->b, url_a2);
  g_assert_cmpuint (r.conflicts, ==, 0);
  {
    g_autofree char *on_b = at_test_sql_text (f->b, "SELECT name FROM projects WHERE id = 'by-script'");
    g_autofree char *renamed = at_test_sql_text (f->b, "SELECT name FROM projects WHERE id = (SELECT min(id) FROM projects "
                                                       "WHERE id <> 'by-script')");
    g_autofree char *expected = g_strdup_printf ("%s named", project);
    g_autofree char *again = at_test_sql_text (f->b, "SELECT name FROM projects WHERE id = (SELECT max(id) FROM projects "
                                                    "WHERE id <> 'by-script')");
    g_assert_cmpstr (on_b, ==, "Named later");
    g_assert_cmpstr (renamed, ==, expected);
    g_assert_cmpstr (again, ==, "Named again");
  }
  g_assert_cmpint (at_test_sql_int (f->b, "SELECT count(*) FROM sync_conflicts"), ==, 0);
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
  ADD ("/sync/unique-clash", test_unique_clash);
  ADD ("/sync/check-across-columns", test_check_across_columns);
  ADD ("/sync/needed-column-missing", test_needed_column_missing);
  ADD ("/sync/row-value-lacking-a-column", test_row_value_lacking_a_column);
  status = g_test_run ();
  at_test_sync_server_stop (server);
  return status;
}
