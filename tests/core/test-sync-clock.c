/* test-sync-clock.c — a workstation whose clock is wrong, syncing through a
 * real PostgreSQL 15: a day ahead, its edits are refused until the clock is
 * set right (else it would win every conflict for a day); behind, its sync
 * goes through and says by how much. */
#include "config.h"

#include <string.h>

#include "at-test-pg.h"
#include "at-test-sync.h"
#include "at-test-util.h"

static AtTestSyncServer *server;
static AtTestPg *pg;
static const char *url_a1, *url_a2;

typedef AtTestSyncPair Fixture;

/* A laptop whose clock is a day ahead would win every conflict forever:
 * refused; once its clock is set right, what it stamped meanwhile goes,
 * stamped anew (else it would wait a day). */
static void
test_clock_ahead (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *p = at_test_photo_id (f->a, 1);
  g_autofree char *sql = NULL;
  g_autofree char *on_server = NULL;
  gint64 soon;
  AtSyncReport r;

  at_test_sync_ok (f->a, url_a1);
  /* this computer's clock a day ahead: its edits are stamped so, and refused */
  at_sync_set_clock_offset (86400000);
  sql = g_strdup_printf ("UPDATE sync_state SET last_hlc = %" G_GINT64_FORMAT,
                         (g_get_real_time () / 1000 + 86400000) << 16);
  at_test_sql_exec (f->a, sql);
  at_test_set_rating (f->a, p, 2);
  g_assert_false (at_sync_once (f->a, url_a1, &r, NULL, &error));
  g_assert_error (error, AT_SYNC_ERROR, AT_SYNC_ERROR_CLOCK);
  g_assert_nonnull (strstr (error->message, "clock"));
  g_clear_error (&error);
  g_assert_cmpint (at_test_sql_int (f->a, "SELECT count(*) FROM sync_outbox WHERE col = 'rating'"), ==, 1);

  /* set right: the edit goes at once, stamped anew, and later edits follow on from now */
  at_sync_set_clock_offset (0);
  at_test_sync_ok (f->a, url_a1);
  soon = (g_get_real_time () / 1000 + 600000) << 16;
  g_free (sql);
  sql = g_strdup_printf ("SELECT hlc < %" G_GINT64_FORMAT " AND val = '2' FROM sync_cell WHERE pk = '%s' AND col = 'rating'",
                         soon, p);
  on_server = at_test_pg_psql (pg, sql);
  g_assert_cmpstr (on_server, ==, "t");
  g_assert_cmpint (at_test_sql_int (f->a, "SELECT count(*) FROM sync_outbox"), ==, 0);
  at_test_set_rating (f->a, p, 3);
  g_free (sql);
  sql = g_strdup_printf ("SELECT last_hlc < %" G_GINT64_FORMAT " FROM sync_state", soon);
  g_assert_cmpint (at_test_sql_int (f->a, sql), ==, 1);
  at_test_sync_ok (f->a, url_a1);
  at_test_sync_ok (f->b, url_a2);
  g_free (sql);
  sql = g_strdup_printf ("SELECT rating FROM photos WHERE id = '%s'", p);
  g_assert_cmpint (at_test_sql_int (f->b, sql), ==, 3);
}

/* A laptop whose clock is behind (3 minutes here, the other's 4 ahead: 7
 * apart, each within what the server takes): an edit it makes after the
 * other's follows the other's clock, and wins everywhere. (It was stamped
 * again from the laptop's clock, lost on the server to the older edit, and
 * stayed on the laptop alone.) */
static void
test_clock_behind (Fixture *f, gconstpointer data)
{
  g_autofree char *p = at_test_photo_id (f->a, 1);
  g_autofree char *sql = NULL;
  g_autofree char *on_server = NULL;

  at_test_sync_ok (f->a, url_a1);
  at_test_sync_ok (f->b, url_a2);
  sql = g_strdup_printf ("UPDATE sync_state SET last_hlc = %" G_GINT64_FORMAT, (g_get_real_time () / 1000 + 240000) << 16);
  at_test_sql_exec (f->b, sql);
  at_test_set_rating (f->b, p, 4);
  at_test_sync_ok (f->b, url_a2);

  at_sync_set_clock_offset (-180000);
  at_test_sync_ok (f->a, url_a1);
  g_assert_cmpint (at_test_photo_rating (f->a, p), ==, 4);
  at_test_set_rating (f->a, p, 1);
  at_test_sync_ok (f->a, url_a1);
  at_sync_set_clock_offset (0);

  g_free (sql);
  sql = g_strdup_printf ("SELECT val FROM sync_cell WHERE pk = '%s' AND col = 'rating'", p);
  on_server = at_test_pg_psql (pg, sql);
  g_assert_cmpstr (on_server, ==, "1");
  at_test_sync_ok (f->b, url_a2);
  g_assert_cmpint (at_test_photo_rating (f->b, p), ==, 1);
  g_assert_cmpint (at_test_photo_rating (f->a, p), ==, 1);
}

/* A clock a day behind the server's: the sync goes through (its edits are
 * not refused, and follow the clocks this catalog has seen), and says so;
 * a few minutes behind is within the margin. */
static void
test_clock_a_day_behind (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *p = at_test_photo_id (f->a, 1);
  g_autofree char *text = NULL;
  AtSyncReport r;

  at_sync_set_clock_offset (-180000);
  g_assert_true (at_sync_once (f->a, url_a1, &r, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (r.clock_behind_s, ==, 0);
  g_assert_null (at_sync_clock_behind_text (&r));

  at_sync_set_clock_offset (-86400000);
  at_test_set_rating (f->a, p, 3);
  g_assert_true (at_sync_once (f->a, url_a1, &r, NULL, &error));
  at_sync_set_clock_offset (0);
  g_assert_no_error (error);
  g_assert_cmpuint (r.pushed, ==, 1);
  g_assert_cmpint (r.clock_behind_s, >=, 86400 - 60);
  g_assert_cmpint (r.clock_behind_s, <=, 86400 + 60);
  text = at_sync_clock_behind_text (&r);
  g_assert_nonnull (strstr (text, "1 day behind"));
  /* (said to the nearest unit: a round trip takes a second off) */
  {
    AtSyncReport said = { .clock_behind_s = 86399 };
    g_autofree char *day = at_sync_clock_behind_text (&said);
    said.clock_behind_s = 7190;
    g_autofree char *hours = at_sync_clock_behind_text (&said);
    said.clock_behind_s = 610;
    g_autofree char *minutes = at_sync_clock_behind_text (&said);
    g_assert_nonnull (strstr (day, "1 day behind"));
    g_assert_nonnull (strstr (hours, "2 hours behind"));
    g_assert_nonnull (strstr (minutes, "10 minutes behind"));
  }
  at_test_sync_ok (f->b, url_a2);
  g_assert_cmpint (at_test_photo_rating (f->b, p), ==, 3);
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
  ADD ("/sync/clock-ahead", test_clock_ahead);
  ADD ("/sync/clock-behind", test_clock_behind);
  ADD ("/sync/clock-a-day-behind", test_clock_a_day_behind);
  status = g_test_run ();
  at_test_sync_server_stop (server);
  return status;
}
