/* test-sync-page-table.c — at_sync_page, a pulled page read in place by SQLite:
 * its rows, the (tbl, col) lookup, newer_row, the marks, and that another
 * thread sees no page. */
#include "config.h"

#include "at-sync-page.h"

static AtSyncCell *
cell (const char *tbl, const char *pk, const char *col, const char *val, gint64 hlc, gint64 node)
{
  AtSyncCell *c = g_new0 (AtSyncCell, 1);

  c->tbl = g_strdup (tbl);
  c->pk = g_strdup (pk);
  c->col = g_strdup (col);
  c->val = g_strdup (val);
  c->hlc = hlc;
  c->node = node;
  return c;
}

static gint64
query_int (sqlite3 *db, const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

static gpointer
count_elsewhere (gpointer data)
{
  return GINT_TO_POINTER ((int) query_int (data, "SELECT count(*) FROM at_sync_page"));
}

static void
test_page (void)
{
  g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func ((GDestroyNotify) at_sync_cell_free);
  g_autoptr(AtSyncPage) page = NULL;
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (":memory:", &db), ==, SQLITE_OK);
  g_assert_true (at_sync_page_register (db));
  /* no page yet: no rows */
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM at_sync_page"), ==, 0);

  g_ptr_array_add (cells, cell ("photos", "a", "rating", "3", 100, 1));
  g_ptr_array_add (cells, cell ("photos", "b", "rating", "4", 100, 1));
  g_ptr_array_add (cells, cell ("photos", "a", "*", "{}", 90, 1));     /* older than a's rating */
  g_ptr_array_add (cells, cell ("photos", "b", "*", "{}", 100, 2));    /* as new as b's: wins */
  g_ptr_array_add (cells, cell ("photos", "c", "_deleted", "1", 100, 1));
  g_ptr_array_add (cells, cell ("albums", "x", "rating", "5", 100, 1));
  page = at_sync_page_new (cells);

  g_assert_cmpint (query_int (db, "SELECT count(*) FROM at_sync_page"), ==, 5);   /* deletions left out */
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM at_sync_page WHERE tbl = 'photos' AND col = 'rating'"), ==, 2);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM at_sync_page WHERE tbl = 'photos' AND col = 'nothing'"), ==, 0);
  g_assert_cmpint (query_int (db, "SELECT sum(hlc) FROM at_sync_page WHERE tbl = 'photos' AND col = '*'"), ==, 190);
  g_assert_cmpint (query_int (db, "SELECT idx FROM at_sync_page WHERE tbl = 'photos' AND col = 'rating' AND pk = 'b'"),
                   ==, 1);
  /* the page's own whole row of b is as new as b's rating; a's is older */
  g_assert_cmpint (query_int (db, "SELECT newer_row FROM at_sync_page WHERE tbl = 'photos' AND col = 'rating' "
                                  "AND pk = 'a'"), ==, 0);
  g_assert_cmpint (query_int (db, "SELECT newer_row FROM at_sync_page WHERE tbl = 'photos' AND col = 'rating' "
                                  "AND pk = 'b'"), ==, 1);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM at_sync_page WHERE newer_row"), ==, 1);
  /* marks */
  at_sync_page_mark (page, 0, AT_SYNC_PAGE_NEWER_FIELD);
  at_sync_page_mark (page, 5, AT_SYNC_PAGE_NEWER_FIELD);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM at_sync_page WHERE fast = 2"), ==, 2);
  at_sync_page_unmark (page, "photos", "rating");
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM at_sync_page WHERE fast = 2"), ==, 1);
  g_assert_cmpint (at_sync_page_get_mark (page, 5), ==, AT_SYNC_PAGE_NEWER_FIELD);
  /* a join reads the page in the outer loop */
  g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE photos (id TEXT PRIMARY KEY, rating INTEGER); "
                                     "INSERT INTO photos VALUES ('a', 0), ('b', 0), ('z', 0)", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "UPDATE photos SET rating = p.val FROM at_sync_page p WHERE p.tbl = 'photos' "
                                     "AND p.col = 'rating' AND p.pk = photos.id", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (query_int (db, "SELECT sum(rating) FROM photos"), ==, 7);
  /* another thread has no page */
  g_assert_cmpint (GPOINTER_TO_INT (g_thread_join (g_thread_new ("other", count_elsewhere, db))), ==, 0);

  g_clear_pointer (&page, at_sync_page_free);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM at_sync_page"), ==, 0);
  sqlite3_close (db);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sync/page-table", test_page);
  return g_test_run ();
}
