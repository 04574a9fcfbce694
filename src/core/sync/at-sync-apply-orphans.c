/* at-sync-apply-orphans.c — pulled rows that came before their parents.
 *
 * A row is filed under the bucket of one of its parents; another parent
 * may be in another bucket, which comes in a later page, or never (a
 * project this workstation does not follow). Foreign keys are checked when
 * a page commits, so such a row would fail its page, and every pull after
 * it. Instead, at the end of each page, a new row whose parent is missing
 * is taken out again and waits in sync_inbox as its whole-row cell (col
 * '*') with the page's edits of it, and the rows waiting so are put in as
 * soon as their parents are here. An edit of a row that is here, naming a
 * parent that is not (a tag moved to a person of a project this laptop does
 * not follow), is not applied: it waits in sync_inbox likewise, and goes in
 * once that parent comes.
 */
#define G_LOG_DOMAIN "atelier-sync"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "at-catalog-error.h"
#include "at-sync-apply-private.h"

static gboolean
wait_in_inbox (AtSqlConn *conn, const AtSyncCell *c, GError **error)
{
  return at_sql_exec_bound (conn, error, "INSERT INTO sync_inbox (tbl, pk, col, val, hlc, node) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
                                         "ON CONFLICT (tbl, pk, col) DO UPDATE SET val = excluded.val, hlc = excluded.hlc, "
                                         "node = excluded.node WHERE (excluded.hlc, excluded.node) > (hlc, node)",
                            "ttttll", c->tbl, c->pk, c->col, c->val, c->hlc, c->node);
}

/* Whether every parent the row value @val names is here. */
static gboolean
parents_here (AtSqlConn *conn, const char *tbl, const char *val, GError **error)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt = at_sql_conn_prepare (conn, "SELECT \"from\", \"table\", coalesce(\"to\", 'id') "
                                                  "FROM pragma_foreign_key_list(?1)", error);

  if (stmt == NULL)
    return FALSE;
  /* read whole first: the statements below are prepared on the same connection */
  at_sql_bind_text (stmt, 1, tbl);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    for (int c = 0; c < 3; c++)
      g_ptr_array_add (keys, g_strdup ((const char *) sqlite3_column_text (stmt, c)));
  at_sql_stmt_release (stmt);
  for (guint i = 0; i + 2 < keys->len; i += 3)
    {
      g_autofree char *path = g_strdup_printf ("$.\"%s\"", (const char *) keys->pdata[i]);
      char *sql = sqlite3_mprintf ("SELECT json_extract(?1, ?2) IS NULL OR EXISTS (SELECT 1 FROM \"%w\" "
                                   "WHERE \"%w\" = json_extract(?1, ?2))", (const char *) keys->pdata[i + 1],
                                   (const char *) keys->pdata[i + 2]);
      int here = 0;

      stmt = at_sql_conn_prepare (conn, sql, error);
      sqlite3_free (sql);
      if (stmt == NULL)
        return FALSE;
      at_sql_bind_text (stmt, 1, val);
      at_sql_bind_text (stmt, 2, path);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        here = sqlite3_column_int (stmt, 0);
      at_sql_stmt_release (stmt);
      if (!here)
        return FALSE;
    }
  return TRUE;
}

/* A field's value as a row value of that one column, for parents_here. */
static char *
field_as_row (AtSqlConn *conn, const AtSyncCell *c, GError **error)
{
  sqlite3_stmt *stmt = at_sql_conn_prepare (conn, "SELECT json_object(?1, json(?2))", error);
  char *row = NULL;

  if (stmt == NULL)
    return NULL;
  at_sql_bind_text (stmt, 1, c->col);
  at_sql_bind_text (stmt, 2, c->val);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    row = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  else
    at_sql_set_error (at_sql_conn_get_db (conn), sqlite3_errcode (at_sql_conn_get_db (conn)), "field", error);
  at_sql_stmt_release (stmt);
  return row;
}

gboolean
_at_sync_parents_here (AtSqlConn *conn, const AtSyncCell *c, GError **error)
{
  g_autofree char *row = NULL;

  if (g_str_equal (c->col, "*"))
    return parents_here (conn, c->tbl, c->val, error);
  return (row = field_as_row (conn, c, error)) != NULL && parents_here (conn, c->tbl, row, error);
}

gboolean
_at_sync_field_waits (AtSqlConn        *conn,
                      const AtSyncCell *c,
                      gboolean         *waits,
                      GError          **error)
{
  g_autoptr(GError) local = NULL;

  *waits = !_at_sync_parents_here (conn, c, &local);
  if (local != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  if (*waits)
    g_debug ("%s %s.%s: names a parent that is not here, it waits", c->tbl, c->pk, c->col);
  return !*waits || wait_in_inbox (conn, c, error);
}

gboolean
_at_sync_retry_orphans (AtSqlConn *conn, GHashTable *cache, gboolean rows_came, Counts *n, GError **error)
{
  g_autoptr(GPtrArray) waiting = g_ptr_array_new_with_free_func ((GDestroyNotify) at_sync_cell_free);
  /* rows waiting for a parent (an index finds them); if rows came, edits
   * naming a parent (the fields of a row not here, or waiting itself, wait
   * for that row instead: drain_inbox) */
  sqlite3_stmt *stmt = at_sql_conn_prepare (conn, rows_came
                                            ? "SELECT tbl, pk, col, val, hlc, node FROM sync_inbox WHERE col = '*' "
                                              "UNION ALL SELECT tbl, pk, col, val, hlc, node FROM sync_inbox i "
                                              "WHERE col NOT IN ('*', '_deleted') AND NOT EXISTS (SELECT 1 FROM sync_inbox w "
                                              "WHERE w.tbl = i.tbl AND w.pk = i.pk AND w.col = '*') AND EXISTS (SELECT 1 "
                                              "FROM pragma_foreign_key_list(i.tbl) k WHERE k.\"from\" = i.col)"
                                            : "SELECT tbl, pk, col, val, hlc, node FROM sync_inbox WHERE col = '*'", error);

  if (stmt == NULL)
    return FALSE;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_ptr_array_add (waiting, at_sync_cell_from_row (stmt));
    }
  at_sql_stmt_release (stmt);
  for (guint i = 0; i < waiting->len; i++)
    {
      AtSyncCell *c = waiting->pdata[i];
      g_autoptr(GError) local = NULL;
      gboolean is_row = g_str_equal (c->col, "*");
      Table *t = is_row ? NULL : _at_sync_table_of (conn, cache, c->tbl);
      int here = is_row ? 1 : t == NULL ? 0 : _at_sync_row_exists (conn, t, c->pk, error);

      if (here < 0)
        return FALSE;
      /* (an edit of a row not here waits for the row) */
      if (!here)
        continue;
      if (!_at_sync_parents_here (conn, c, &local))
        {
          if (local != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&local));
              return FALSE;
            }
          continue;
        }
      /* (applied as if pulled now: older than a deletion or an edit here, it is dropped) */
      g_debug ("%s %s.%s: its parents are here, it goes in", c->tbl, c->pk, c->col);
      if (!at_sql_exec_bound (conn, error, "DELETE FROM sync_inbox WHERE tbl = ?1 AND pk = ?2 AND col = ?3", "ttt", c->tbl,
                              c->pk, c->col) ||
          !(is_row ? _at_sync_apply_row (conn, cache, c, n, error) : _at_sync_apply_field (conn, cache, c, n, error)))
        return FALSE;
    }
  return TRUE;
}

/* The page's row @pk of @tbl names a parent that is not here: it goes back
 * out, to wait with its page's edits. Its clocks came with it (it was not
 * here before this page), but a deletion's stays. */
static gboolean
set_aside (AtSqlConn *conn, GHashTable *cache, GPtrArray *cells, const char *tbl, const char *pk, GError **error)
{
  Table *t = _at_sync_table_of (conn, cache, tbl);
  const AtSyncCell *row = NULL;

  for (guint i = 0; i < cells->len; i++)
    {
      const AtSyncCell *c = cells->pdata[i];
      if (g_str_equal (c->tbl, tbl) && g_str_equal (c->pk, pk) && g_str_equal (c->col, "*"))
        row = c;
    }
  if (t == NULL || row == NULL)
    {
      /* (an edit of a row that was here names a parent that is not: it
       * waited instead, see _at_sync_field_waits; this is a bug) */
      g_set_error (error, AT_CATALOG_ERROR, AT_CATALOG_ERROR_FAILED,
                   _("A change of %s %s from the server names a record this workstation does not have"), tbl, pk);
      return FALSE;
    }
  g_debug ("%s %s: a parent is not here yet, it waits", tbl, pk);
  for (guint i = 0; i < cells->len; i++)
    {
      const AtSyncCell *c = cells->pdata[i];
      if (g_str_equal (c->tbl, tbl) && g_str_equal (c->pk, pk) && !g_str_equal (c->col, "_deleted") &&
          !wait_in_inbox (conn, c, error))
        return FALSE;
    }
  return at_sql_exec_bound (conn, error, "DELETE FROM sync_clock WHERE tbl = ?1 AND pk = ?2 AND col <> '_deleted'", "tt", tbl,
                            pk) &&
         at_sql_exec_bound (conn, error, t->remove, "t", pk);
}

gboolean
_at_sync_set_aside_orphans (AtSqlConn *conn, GHashTable *cache, GPtrArray *cells, GError **error)
{
  sqlite3 *db = at_sql_conn_get_db (conn);

  /* (a row set aside may leave a child of it in this page without its parent: again) */
  for (int round = 0; round < 4; round++)
    {
      g_autoptr(GPtrArray) orphans = g_ptr_array_new_with_free_func (g_free);
      int pending = 0, highest = 0;
      sqlite3_stmt *stmt;

      /* nothing waits on a foreign key: the common case, at no cost */
      if (sqlite3_db_status (db, SQLITE_DBSTATUS_DEFERRED_FKS, &pending, &highest, 0) != SQLITE_OK || pending == 0)
        return TRUE;
      if ((stmt = at_sql_conn_prepare (conn, "SELECT DISTINCT \"table\", \"rowid\" FROM pragma_foreign_key_check", error)) == NULL)
        return FALSE;
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          g_ptr_array_add (orphans, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
          g_ptr_array_add (orphans, g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) sqlite3_column_int64 (stmt, 1)));
        }
      at_sql_stmt_release (stmt);
      for (guint i = 0; i + 1 < orphans->len; i += 2)
        {
          char *sql = sqlite3_mprintf ("SELECT id FROM \"%w\" WHERE rowid = ?1", (const char *) orphans->pdata[i]);
          g_autofree char *pk = NULL;

          stmt = at_sql_conn_prepare (conn, sql, error);
          sqlite3_free (sql);
          if (stmt == NULL)
            return FALSE;
          sqlite3_bind_int64 (stmt, 1, g_ascii_strtoll (orphans->pdata[i + 1], NULL, 10));
          if (sqlite3_step (stmt) == SQLITE_ROW)
            pk = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
          at_sql_stmt_release (stmt);
          if (pk != NULL && !set_aside (conn, cache, cells, orphans->pdata[i], pk, error))
            return FALSE;
        }
    }
  return TRUE;
}
