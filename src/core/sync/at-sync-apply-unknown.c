/* at-sync-apply-unknown.c — what a newer Atelier sent, once this one knows
 * it (an upgrade).
 *
 * A pull notes a table or column it does not have in sync_unknown, and
 * keeps the values of unknown columns met inside whole rows, with their
 * row's clock, in sync_unknown_values (at-sync-apply.c). Before the next
 * pull, what is here now is taken in: the feed is read again from the
 * start for the tables and columns noted (what is here already is skipped
 * by its clocks), and the kept values go in as pulled fields. */
#define G_LOG_DOMAIN "atelier-sync"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "at-sync-apply-private.h"

/* The tables or columns a pull met unknown that are here now: pairs of
 * table and column, read from @sql. */
static GPtrArray *
now_known (AtSqlConn *conn, GHashTable *cache, const char *sql, GError **error)
{
  g_autoptr(GPtrArray) known = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt = at_sql_conn_prepare (conn, sql, error);
  int rc;

  if (stmt == NULL)
    return NULL;
  /* read whole first: the statements below are prepared on the same connection */
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_ptr_array_add (known, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
      g_ptr_array_add (known, g_strdup ((const char *) sqlite3_column_text (stmt, 1)));
    }
  at_sql_stmt_release (stmt);
  if (rc != SQLITE_DONE)
    {
      at_sql_set_error (at_sql_conn_get_db (conn), rc, _("Could not read what a newer Atelier sent"), error);
      return NULL;
    }
  for (guint i = 0; i + 1 < known->len;)
    {
      Table *t = _at_sync_table_of (conn, cache, known->pdata[i]);

      if (t == NULL || (!g_str_equal (known->pdata[i + 1], "*") && !_at_sync_has_column (t->columns, known->pdata[i + 1])))
        g_ptr_array_remove_range (known, i, 2);
      else
        i += 2;
    }
  return g_steal_pointer (&known);
}

/* The values kept for column @col of @tbl go in, as if pulled now. */
static gboolean
take_values (AtSqlConn *conn, GHashTable *cache, const char *tbl, const char *col, GError **error)
{
  g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func ((GDestroyNotify) at_sync_cell_free);
  sqlite3_stmt *stmt = at_sql_conn_prepare (conn, "SELECT tbl, pk, col, val, hlc, node FROM sync_unknown_values "
                                                  "WHERE tbl = ?1 AND col = ?2", error);
  Counts n = { 0 };
  int rc;

  if (stmt == NULL)
    return FALSE;
  at_sql_bind_text (stmt, 1, tbl);
  at_sql_bind_text (stmt, 2, col);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (cells, at_sync_cell_from_row (stmt));
  at_sql_stmt_release (stmt);
  /* (the values are deleted below once in: all of them must have been read) */
  if (rc != SQLITE_DONE)
    return at_sql_set_error (at_sql_conn_get_db (conn), rc, _("Could not read what a newer Atelier sent"), error);
  g_debug ("%s.%s is here now: %u values kept for it go in", tbl, col, cells->len);
  for (guint i = 0; i < cells->len; i++)
    {
      AtSyncCell *c = cells->pdata[i];
      /* (a row deleted since takes its values with it: a restore brings its own) */
      int here = _at_sync_row_exists (conn, _at_sync_table_of (conn, cache, tbl), c->pk, error);

      if (here < 0 || (here && !_at_sync_apply_field (conn, cache, c, &n, error)))
        return FALSE;
    }
  return at_sql_exec_bound (conn, error, "DELETE FROM sync_unknown_values WHERE tbl = ?1 AND col = ?2", "tt", tbl, col);
}

gboolean
at_sync_relearn_unknown (AtSqlConn  *conn,
                         GError    **error)
{
  g_autoptr(GHashTable) cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, _at_sync_table_free);
  g_autoptr(GPtrArray) noted = now_known (conn, cache, "SELECT tbl, col FROM sync_unknown", error);
  g_autoptr(GPtrArray) kept = NULL;

  if (noted == NULL)
    return FALSE;
  for (guint i = 0; i + 1 < noted->len; i += 2)
    {
      g_debug ("%s.%s is here now: the feed is read again from the start", (const char *) noted->pdata[i],
               (const char *) noted->pdata[i + 1]);
      if (!at_sql_exec_bound (conn, error, "DELETE FROM sync_unknown WHERE tbl = ?1 AND col = ?2", "tt", noted->pdata[i],
                              noted->pdata[i + 1]) ||
          !at_sql_exec_bound (conn, error, "UPDATE sync_buckets SET cursor_xid = '0', cursor_seq = 0", ""))
        return FALSE;
    }
  if ((kept = now_known (conn, cache, "SELECT DISTINCT tbl, col FROM sync_unknown_values", error)) == NULL)
    return FALSE;
  if (kept->len == 0)
    return TRUE;
  /* (written as pulled: not captured as this workstation's edits) */
  if (!at_sql_exec_bound (conn, error, "UPDATE sync_state SET applying = 1", ""))
    return FALSE;
  for (guint i = 0; i + 1 < kept->len; i += 2)
    if (!take_values (conn, cache, kept->pdata[i], kept->pdata[i + 1], error))
      return FALSE;
  return at_sql_exec_bound (conn, error, "UPDATE sync_state SET applying = 0", "");
}
