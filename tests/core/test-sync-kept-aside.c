/* test-sync-kept-aside.c — pulled changes that do not fit with what is
 * here are kept aside, said, and come in once settled on either side: a
 * unique key two workstations gave alike, a rule across a row's columns
 * that two edits made apart break together, a column the catalog needs
 * left empty by a script. (What wins otherwise: test-sync-conflicts.c.) */
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

/* A cell of project @pk written on the server as a script would, a second
 * ahead of now (newer than anything here), filed as project @from is:
 * @val is SQL over @from's whole-row cell (its val, its pk). */
static void
script_writes (const char *from, const char *pk, const char *col, const char *val)
{
  g_autofree char *sql = g_strdup_printf ("INSERT INTO sync_cell (studio_id, tbl, pk, col, val, hlc, node, bucket) "
                                          "SELECT studio_id, tbl, '%s', '%s', %s, "
                                          "((extract(epoch FROM clock_timestamp()) * 1000)::bigint + 1000) << 16, 99, bucket "
                                          "FROM sync_cell WHERE tbl = 'projects' AND col = '*' AND pk = '%s' "
                                          "ON CONFLICT (studio_id, tbl, pk, col) DO UPDATE SET val = excluded.val, "
                                          "hlc = excluded.hlc, node = 99, xid = pg_current_xact_id (), "
                                          "seq = nextval ('sync_seq')", pk, col, val, from);
  g_free (at_test_pg_psql (pg, sql));
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

  g_assert_cmpstr (project, !=, other);
  at_test_sync_ok (f->a, url_a1);
  at_test_sync_ok (f->b, url_a2);
  /* a new row without a name, a field emptied, a row here emptied of it */
  script_writes (other, other, "*", "val || '{\"name\": null}'");
  script_writes (project, "by-script", "*", "(val - 'name') || '{\"id\": \"by-script\", \"project_number\": \"S-0001\"}'");
  script_writes (project, project, "name", "'null'");
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
  script_writes (project, project, "name", "to_jsonb (pk || ' named')");
  script_writes (other, other, "name", "'\"Named again\"'");
  script_writes (project, "by-script", "name", "'\"Named later\"'");
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
  ADD ("/sync/unique-clash", test_unique_clash);
  ADD ("/sync/check-across-columns", test_check_across_columns);
  ADD ("/sync/needed-column-missing", test_needed_column_missing);
  status = g_test_run ();
  at_test_sync_server_stop (server);
  return status;
}
