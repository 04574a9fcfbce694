/* at-sync-apply-bulk.c — the fast path of applying a pulled page.
 *
 * A new workstation's first pull is mostly whole rows it has never seen,
 * and a busy day's pull mostly field values newer than anything here: one
 * INSERT ... SELECT per table and one UPDATE ... FROM per column do them
 * many times faster than cell by cell. They read the page in place, as the
 * table at_sync_page (at-sync-page.c), and mark there the cells they take.
 * Only rows with no history here at all (no row, no clock, nothing in the
 * inbox, every column in their JSON and no other) and fields that win outright take
 * this path; anything else, or a table or column whose bulk statement hits
 * a unique key, is left to at-sync-apply.c, cell by cell. */

#define G_LOG_DOMAIN "atelier-sync"

#include "config.h"

#include "at-sync-apply-private.h"
#include "at-sync-consent.h"
#include "at-sync-page.h"

/* Whether a bulk statement's failure is a row in the way (a unique key, a
 * rule): the cells go one by one. Anything else (a full disk, an I/O
 * error) may have undone the page's whole transaction, and fails it. */
static gboolean
in_the_way (int code, GError **clash, GError **error)
{
  if ((code & 0xff) == SQLITE_CONSTRAINT)
    return TRUE;
  g_propagate_error (error, g_steal_pointer (clash));
  return FALSE;
}

/* Marks the cells the SELECT @mark returns (their idx) with @as. */
static gboolean
mark_cells (AtSqlConn *conn, AtSyncPage *page, const char *mark, guint8 as, GError **error)
{
  sqlite3_stmt *stmt = at_sql_conn_prepare (conn, mark, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    at_sync_page_mark (page, (guint) sqlite3_column_int64 (stmt, 0), as);
  at_sql_stmt_release (stmt);
  if (rc != SQLITE_DONE)
    return at_sql_set_error (at_sql_conn_get_db (conn), rc, "Could not read a pulled page", error);
  return TRUE;
}

static gboolean
insert_new_rows (AtSqlConn *conn, AtSyncPage *page, Table *t, const char *tbl, guint *inserted, GError **error)
{
  GString *keys = g_string_new (NULL), *names = g_string_new (NULL), *values = g_string_new (NULL);
  g_autoptr(GError) clash = NULL;
  char *mark, *insert;
  gboolean ok;

  for (guint i = 0; i < t->columns->len; i++)
    {
      char *key = sqlite3_mprintf ("%s'%q'", i ? ", " : "", (const char *) t->columns->pdata[i]);
      char *name = sqlite3_mprintf ("%s\"%w\"", i ? ", " : "", (const char *) t->columns->pdata[i]);
      char *extract = sqlite3_mprintf ("json_extract(val, '$.\"%q\"')", (const char *) t->columns->pdata[i]);
      g_autofree char *value = at_sync_decode_expr (tbl, t->columns->pdata[i], extract);
      g_string_append (keys, key);
      g_string_append (names, name);
      g_string_append_printf (values, "%s%s", i ? ", " : "", value);
      sqlite3_free (key);
      sqlite3_free (name);
      sqlite3_free (extract);
    }
  mark = sqlite3_mprintf ("SELECT p.idx FROM at_sync_page p WHERE p.tbl = '%q' AND p.col = '*' "
                          "AND NOT EXISTS (SELECT 1 FROM \"%w\" x WHERE x.id = p.pk) "
                          "AND NOT EXISTS (SELECT 1 FROM sync_clock k WHERE k.tbl = p.tbl AND k.pk = p.pk) "
                          "AND NOT EXISTS (SELECT 1 FROM sync_inbox b WHERE b.tbl = p.tbl AND b.pk = p.pk) "
                          "AND (SELECT count(*) = %u AND sum(key IN (%s)) = %u FROM json_each(p.val))",
                          tbl, tbl, t->columns->len, keys->str, t->columns->len);
  insert = sqlite3_mprintf ("INSERT INTO \"%w\" (%s) SELECT %s FROM at_sync_page WHERE tbl = '%q' AND col = '*' "
                            "AND fast = 1", tbl, names->str, values->str, tbl);
  g_string_free (keys, TRUE);
  g_string_free (names, TRUE);
  g_string_free (values, TRUE);
  ok = mark_cells (conn, page, mark, AT_SYNC_PAGE_NEW_ROW, error);
  sqlite3_free (mark);
  if (ok && !at_sql_conn_exec (conn, insert, &clash))
    {
      /* a unique key in the way: this table's rows go one by one, conflicts parked */
      if ((ok = in_the_way (sqlite3_extended_errcode (at_sql_conn_get_db (conn)), &clash, error)))
        {
          g_debug ("bulk insert into %s refused (%s): row by row", tbl, clash->message);
          at_sync_page_unmark (page, tbl, "*");
        }
    }
  else if (ok)
    *inserted += sqlite3_changes (at_sql_conn_get_db (conn));
  sqlite3_free (insert);
  return ok;
}

/* One column's pulled values where they win outright: the row is here and
 * nothing here (the field, its row, its deletion) is as new. */
static gboolean
update_fields (AtSqlConn *conn, AtSyncPage *page, Table *t, const char *tbl, const char *col, guint *updated,
               GError **error)
{
  g_autoptr(GError) clash = NULL;
  /* (newer_row: the page's own whole row of it is as new; +k.col: one seek
   * to the row's few clocks, not three, halved the mark) */
  char *mark = sqlite3_mprintf ("SELECT p.idx FROM at_sync_page p WHERE p.tbl = '%q' AND p.col = '%q' AND NOT p.newer_row "
                                "AND EXISTS (SELECT 1 FROM \"%w\" x WHERE x.id = p.pk) "
                                "AND NOT EXISTS (SELECT 1 FROM sync_clock k WHERE k.tbl = p.tbl AND k.pk = p.pk "
                                "AND +k.col IN (p.col, '*', '_deleted') AND (k.hlc, k.node) >= (p.hlc, p.node))",
                                tbl, col, tbl);
  g_autofree char *value = at_sync_decode_expr (tbl, col, "json_extract(p.val, '$')");
  char *update = sqlite3_mprintf (t->has_updated_at
                                  ? "UPDATE \"%w\" SET \"%w\" = %s, "
                                    "updated_at = strftime('%%Y-%%m-%%dT%%H:%%M:%%fZ','now') FROM at_sync_page p "
                                    "WHERE p.tbl = '%q' AND p.col = '%q' AND p.fast = 2 AND p.pk = \"%w\".id"
                                  : "UPDATE \"%w\" SET \"%w\" = %s FROM at_sync_page p "
                                    "WHERE p.tbl = '%q' AND p.col = '%q' AND p.fast = 2 AND p.pk = \"%w\".id",
                                  tbl, col, value, tbl, col, tbl);
  gint64 t0 = g_get_monotonic_time ();
  gboolean ok = mark_cells (conn, page, mark, AT_SYNC_PAGE_NEWER_FIELD, error), quiet, done = FALSE;
  sqlite3 *db = at_sql_conn_get_db (conn);
  int changed = 0, code = SQLITE_OK;

  g_debug ("bulk: %s.%s marked in %.1f ms", tbl, col, (g_get_monotonic_time () - t0) / 1e3);
  t0 = g_get_monotonic_time ();
  /* (a column no trigger needs, a rating: SQLite calls each trigger of
   * the table per row only to find its WHEN false, a sixth of a pull of
   * 100,000 ratings; off, this statement is compiled without them) */
  quiet = ok && _at_sync_update_is_quiet (t, col);
  if (quiet)
    sqlite3_db_config (db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, (int *) NULL);
  if (ok && (done = at_sql_conn_exec (conn, update, &clash)))
    changed = sqlite3_changes (db);
  else if (ok)
    code = sqlite3_extended_errcode (db);
  if (quiet)
    sqlite3_db_config (db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 1, (int *) NULL);
  if (ok && !done)
    {
      if ((ok = in_the_way (code, &clash, error)))
        {
          g_debug ("bulk update of %s.%s refused (%s): one by one", tbl, col, clash->message);
          at_sync_page_unmark (page, tbl, col);
        }
    }
  else if (ok)
    *updated += changed;
  g_debug ("bulk: %s.%s updated in %.1f ms", tbl, col, (g_get_monotonic_time () - t0) / 1e3);
  sqlite3_free (mark);
  sqlite3_free (update);
  return ok;
}

/* Inserts what it can in bulk; @done[i] is set for each cell it took. */
gboolean
_at_sync_apply_bulk (AtSqlConn *conn, GHashTable *cache, GPtrArray *cells, gboolean *done, Counts *n, GError **error)
{
  g_autoptr(GHashTable) tables = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) fields = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(AtSyncPage) page = NULL;
  GHashTableIter iter;
  const char *tbl;
  char *field;
  guint rows = 0;
  gint64 t0;

  /* not worth it for a handful */
  if (cells->len < 16)
    return TRUE;
  for (guint i = 0; i < cells->len; i++)
    {
      AtSyncCell *c = cells->pdata[i];
      if (g_str_equal (c->col, "*"))
        g_hash_table_add (tables, c->tbl);
      else if (!g_str_equal (c->col, "_deleted"))
        g_hash_table_add (fields, g_strdup_printf ("%s|%s", c->tbl, c->col));
    }
  t0 = g_get_monotonic_time ();
  page = at_sync_page_new (cells);
  g_debug ("bulk: page laid out in %.1f ms", (g_get_monotonic_time () - t0) / 1e3);
  g_hash_table_iter_init (&iter, tables);
  while (g_hash_table_iter_next (&iter, (gpointer *) &tbl, NULL))
    {
      Table *t = _at_sync_table_of (conn, cache, tbl);
      if (t != NULL && !insert_new_rows (conn, page, t, tbl, &rows, error))
        return FALSE;
    }
  /* rows first: a field of a row new in this page then finds its row */
  g_hash_table_iter_init (&iter, fields);
  while (g_hash_table_iter_next (&iter, (gpointer *) &field, NULL))
    {
      g_auto(GStrv) part = g_strsplit (field, "|", 2);
      Table *t = _at_sync_table_of (conn, cache, part[0]);
      /* (a column naming a parent goes cell by cell: its parent may not be here) */
      if (t != NULL && _at_sync_has_column (t->columns, part[1]) && !g_hash_table_contains (t->keys, part[1]) &&
          !update_fields (conn, page, t, part[0], part[1], &rows, error))
        return FALSE;
    }
  g_debug ("bulk: rows and fields written in %.1f ms", (g_get_monotonic_time () - t0) / 1e3);
  t0 = g_get_monotonic_time ();
  if (!at_sql_conn_exec (conn, "INSERT INTO sync_clock (tbl, pk, col, hlc, node) "
                               "SELECT tbl, pk, col, hlc, node FROM at_sync_page WHERE fast > 0 AND true "
                               "ON CONFLICT (tbl, pk, col) DO UPDATE SET hlc = excluded.hlc, node = excluded.node", error))
    return FALSE;
  for (guint i = 0; i < cells->len; i++)
    done[i] = at_sync_page_get_mark (page, i) != AT_SYNC_PAGE_SLOW;
  g_debug ("bulk: clocks written in %.1f ms", (g_get_monotonic_time () - t0) / 1e3);
  n->applied += rows;
  return TRUE;
}
