/* at-sync-apply.c — pulled cells into SQLite, last writer wins per field.
 *
 * A column's version is the newer of its own clock and its row's ('*'); a
 * pulled cell is written only if its (hlc, node) beats that, so an echo of
 * this workstation's own edit, or an older value from elsewhere, changes
 * nothing, and a local edit not yet pushed stays. A '*' cell inserts the
 * row if it is missing (or newer than its deletion: a restore) and
 * otherwise overwrites the columns it is newer for; '_deleted' deletes the
 * row if newer than the row. A field for a row not here yet waits in
 * sync_inbox. Foreign keys are checked at commit, so a page's rows may come
 * in any order.
 */
#define G_LOG_DOMAIN "atelier-sync"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "at-sync-apply.h"
#include "at-sync-capture.h"

void
at_sync_cell_free (AtSyncCell *cell)
{
  g_free (cell->tbl);
  g_free (cell->pk);
  g_free (cell->col);
  g_free (cell->val);
  g_free (cell);
}

static gboolean
newer (gint64 hlc, gint64 node, gint64 than_hlc, gint64 than_node)
{
  return hlc > than_hlc || (hlc == than_hlc && node > than_node);
}

/* The clock of (tbl, pk, col); (0, 0) when there is none. */
static gboolean
clock_of (AtSqlConn   *conn,
          const char  *tbl,
          const char  *pk,
          const char  *col,
          gint64      *hlc,
          gint64      *node,
          GError     **error)
{
  sqlite3_stmt *stmt = at_sql_conn_prepare (conn, "SELECT hlc, node FROM sync_clock WHERE tbl = ?1 AND pk = ?2 AND col = ?3",
                                            error);
  int rc;

  *hlc = *node = 0;
  if (stmt == NULL)
    return FALSE;
  at_sql_bind_text (stmt, 1, tbl);
  at_sql_bind_text (stmt, 2, pk);
  at_sql_bind_text (stmt, 3, col);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *hlc = sqlite3_column_int64 (stmt, 0);
      *node = sqlite3_column_int64 (stmt, 1);
    }
  at_sql_stmt_release (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return at_sql_set_error (at_sql_conn_get_db (conn), rc, _("Could not read the sync clock"), error);
  return TRUE;
}

static gboolean
set_clock (AtSqlConn *conn, const AtSyncCell *c, GError **error)
{
  return at_sql_exec_bound (conn, error, "INSERT INTO sync_clock (tbl, pk, col, hlc, node) VALUES (?1, ?2, ?3, ?4, ?5) "
                                         "ON CONFLICT (tbl, pk, col) DO UPDATE SET hlc = excluded.hlc, node = excluded.node",
                            "tttll", c->tbl, c->pk, c->col, c->hlc, c->node);
}

/* 1 if the row is there, 0 if not, -1 on error. */
static int
row_exists (AtSqlConn *conn, const char *tbl, const char *pk, GError **error)
{
  char *sql = sqlite3_mprintf ("SELECT count(*) FROM \"%w\" WHERE id = ?1", tbl);
  sqlite3_stmt *stmt = at_sql_conn_prepare (conn, sql, error);
  int n = -1;

  sqlite3_free (sql);
  if (stmt == NULL)
    return -1;
  at_sql_bind_text (stmt, 1, pk);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int (stmt, 0) > 0;
  else
    at_sql_set_error (at_sql_conn_get_db (conn), sqlite3_errcode (at_sql_conn_get_db (conn)), "row", error);
  at_sql_stmt_release (stmt);
  return n;
}

/* The local columns of @tbl that sync; NULL if the table is not here (a
 * newer workstation's table) or does not sync. */
static GPtrArray *
local_columns (AtSqlConn *conn, GHashTable *cache, const char *tbl)
{
  GPtrArray *columns;
  sqlite3_stmt *stmt;

  if (g_hash_table_lookup_extended (cache, tbl, NULL, (gpointer *) &columns))
    return columns;
  columns = NULL;
  if (at_sync_table_is_synced (tbl) &&
      (stmt = at_sql_conn_prepare (conn, "SELECT name, type FROM pragma_table_info(?1) ORDER BY cid", NULL)) != NULL)
    {
      at_sql_bind_text (stmt, 1, tbl);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          if (columns == NULL)
            columns = g_ptr_array_new_with_free_func (g_free);
          if (at_sync_column_is_synced (tbl, (const char *) sqlite3_column_text (stmt, 0),
                                        (const char *) sqlite3_column_text (stmt, 1)))
            g_ptr_array_add (columns, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
        }
      at_sql_stmt_release (stmt);
    }
  g_hash_table_insert (cache, g_strdup (tbl), columns);
  return columns;
}

static gboolean
has_column (GPtrArray *columns, const char *col)
{
  for (guint i = 0; columns != NULL && i < columns->len; i++)
    if (g_str_equal (columns->pdata[i], col))
      return TRUE;
  return FALSE;
}

static gboolean
write_field (AtSqlConn *conn, const char *tbl, const char *pk, const char *col, const char *json, GError **error)
{
  char *sql = sqlite3_mprintf ("UPDATE \"%w\" SET \"%w\" = json_extract(?1, '$') WHERE id = ?2", tbl, col);
  gboolean ok = at_sql_exec_bound (conn, error, sql, "tt", json, pk);

  sqlite3_free (sql);
  return ok;
}

static gboolean apply_field (AtSqlConn *conn, GHashTable *cache, const AtSyncCell *c, guint *applied, GError **error);

/* Field edits that waited for this row. */
static gboolean
drain_inbox (AtSqlConn *conn, GHashTable *cache, const char *tbl, const char *pk, guint *applied, GError **error)
{
  g_autoptr(GPtrArray) waiting = g_ptr_array_new_with_free_func ((GDestroyNotify) at_sync_cell_free);
  sqlite3_stmt *stmt = at_sql_conn_prepare (conn, "SELECT col, val, hlc, node FROM sync_inbox WHERE tbl = ?1 AND pk = ?2",
                                            error);

  if (stmt == NULL)
    return FALSE;
  at_sql_bind_text (stmt, 1, tbl);
  at_sql_bind_text (stmt, 2, pk);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      AtSyncCell *c = g_new0 (AtSyncCell, 1);
      c->tbl = g_strdup (tbl);
      c->pk = g_strdup (pk);
      c->col = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      c->val = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      c->hlc = sqlite3_column_int64 (stmt, 2);
      c->node = sqlite3_column_int64 (stmt, 3);
      g_ptr_array_add (waiting, c);
    }
  at_sql_stmt_release (stmt);
  if (waiting->len == 0)
    return TRUE;
  if (!at_sql_exec_bound (conn, error, "DELETE FROM sync_inbox WHERE tbl = ?1 AND pk = ?2", "tt", tbl, pk))
    return FALSE;
  for (guint i = 0; i < waiting->len; i++)
    if (!apply_field (conn, cache, waiting->pdata[i], applied, error))
      return FALSE;
  return TRUE;
}

static gboolean
apply_row (AtSqlConn *conn, GHashTable *cache, const AtSyncCell *c, guint *applied, GError **error)
{
  GPtrArray *columns = local_columns (conn, cache, c->tbl);
  gint64 row_hlc, row_node, del_hlc, del_node;
  GString *names, *values;
  char *sql;
  int exists;
  gboolean ok;

  if (columns == NULL)
    return TRUE;
  if (!clock_of (conn, c->tbl, c->pk, "*", &row_hlc, &row_node, error) ||
      !clock_of (conn, c->tbl, c->pk, "_deleted", &del_hlc, &del_node, error) ||
      (exists = row_exists (conn, c->tbl, c->pk, error)) < 0)
    return FALSE;
  if (!newer (c->hlc, c->node, row_hlc, row_node) || !newer (c->hlc, c->node, del_hlc, del_node))
    return TRUE;
  if (exists)
    {
      /* every column this row value is newer for */
      for (guint i = 0; i < columns->len; i++)
        {
          const char *col = columns->pdata[i];
          gint64 h, n;
          g_autofree char *path = NULL;
          sqlite3_stmt *has;
          gboolean present = FALSE;

          if (!clock_of (conn, c->tbl, c->pk, col, &h, &n, error))
            return FALSE;
          if (!newer (c->hlc, c->node, h, n))
            continue;
          path = g_strdup_printf ("$.\"%s\"", col);
          if ((has = at_sql_conn_prepare (conn, "SELECT json_type(?1, ?2) IS NOT NULL", error)) == NULL)
            return FALSE;
          at_sql_bind_text (has, 1, c->val);
          at_sql_bind_text (has, 2, path);
          present = sqlite3_step (has) == SQLITE_ROW && sqlite3_column_int (has, 0);
          at_sql_stmt_release (has);
          if (present)
            {
              sql = sqlite3_mprintf ("UPDATE \"%w\" SET \"%w\" = json_extract(?1, ?2) WHERE id = ?3", c->tbl, col);
              ok = at_sql_exec_bound (conn, error, sql, "ttt", c->val, path, c->pk);
              sqlite3_free (sql);
              if (!ok)
                return FALSE;
            }
        }
    }
  else
    {
      names = g_string_new (NULL);
      values = g_string_new (NULL);
      for (guint i = 0; i < columns->len; i++)
        {
          char *name = sqlite3_mprintf ("%s\"%w\"", i ? ", " : "", (const char *) columns->pdata[i]);
          char *value = sqlite3_mprintf ("%sjson_extract(?1, '$.\"%q\"')", i ? ", " : "", (const char *) columns->pdata[i]);
          g_string_append (names, name);
          g_string_append (values, value);
          sqlite3_free (name);
          sqlite3_free (value);
        }
      /* only the columns the row has: the others keep their defaults */
      sql = sqlite3_mprintf ("INSERT INTO \"%w\" (%s) VALUES (%s)", c->tbl, names->str, values->str);
      g_string_free (names, TRUE);
      g_string_free (values, TRUE);
      ok = at_sql_exec_bound (conn, error, sql, "t", c->val);
      sqlite3_free (sql);
      if (!ok)
        return FALSE;
    }
  (*applied)++;
  return set_clock (conn, c, error) && drain_inbox (conn, cache, c->tbl, c->pk, applied, error);
}

static gboolean
apply_delete (AtSqlConn *conn, GHashTable *cache, const AtSyncCell *c, guint *applied, GError **error)
{
  gint64 row_hlc, row_node, del_hlc, del_node;
  char *sql;
  gboolean ok;

  if (local_columns (conn, cache, c->tbl) == NULL)
    return TRUE;
  if (!clock_of (conn, c->tbl, c->pk, "*", &row_hlc, &row_node, error) ||
      !clock_of (conn, c->tbl, c->pk, "_deleted", &del_hlc, &del_node, error))
    return FALSE;
  if (!newer (c->hlc, c->node, del_hlc, del_node))
    return TRUE;
  if (newer (c->hlc, c->node, row_hlc, row_node))
    {
      sql = sqlite3_mprintf ("DELETE FROM \"%w\" WHERE id = ?1", c->tbl);
      ok = at_sql_exec_bound (conn, error, sql, "t", c->pk);
      sqlite3_free (sql);
      if (!ok)
        return FALSE;
      (*applied)++;
    }
  return set_clock (conn, c, error);
}

static gboolean
apply_field (AtSqlConn *conn, GHashTable *cache, const AtSyncCell *c, guint *applied, GError **error)
{
  GPtrArray *columns = local_columns (conn, cache, c->tbl);
  gint64 h, n, row_hlc, row_node, del_hlc, del_node;
  int exists;

  if (!has_column (columns, c->col))
    return TRUE;
  if (!clock_of (conn, c->tbl, c->pk, c->col, &h, &n, error) ||
      !clock_of (conn, c->tbl, c->pk, "*", &row_hlc, &row_node, error) ||
      !clock_of (conn, c->tbl, c->pk, "_deleted", &del_hlc, &del_node, error))
    return FALSE;
  if (!newer (c->hlc, c->node, h, n) || !newer (c->hlc, c->node, row_hlc, row_node))
    return TRUE;
  if ((exists = row_exists (conn, c->tbl, c->pk, error)) < 0)
    return FALSE;
  if (!exists)
    {
      /* deleted here after this edit: an edit does not bring a row back */
      if (newer (del_hlc, del_node, row_hlc, row_node) && del_hlc > 0)
        return TRUE;
      return at_sql_exec_bound (conn, error, "INSERT INTO sync_inbox (tbl, pk, col, val, hlc, node) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
                                             "ON CONFLICT (tbl, pk, col) DO UPDATE SET val = excluded.val, hlc = excluded.hlc, "
                                             "node = excluded.node WHERE (excluded.hlc, excluded.node) > (hlc, node)",
                                "ttttll", c->tbl, c->pk, c->col, c->val, c->hlc, c->node);
    }
  if (!write_field (conn, c->tbl, c->pk, c->col, c->val, error))
    return FALSE;
  (*applied)++;
  return set_clock (conn, c, error);
}

static void
columns_free (gpointer columns)
{
  if (columns != NULL)
    g_ptr_array_unref (columns);
}

gboolean
at_sync_apply_page (AtSqlConn   *conn,
                    GPtrArray   *cells,
                    const char  *cursor_xid,
                    gint64       cursor_seq,
                    guint       *applied,
                    GError     **error)
{
  g_autoptr(GHashTable) cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, columns_free);
  gint64 max_hlc = 0;

  /* foreign keys hold at commit, whatever order the page's rows came in */
  if (!at_sql_conn_exec (conn, "PRAGMA defer_foreign_keys = ON", error) ||
      !at_sql_exec_bound (conn, error, "UPDATE sync_state SET applying = 1", ""))
    return FALSE;
  for (guint i = 0; i < cells->len; i++)
    {
      AtSyncCell *c = cells->pdata[i];
      gboolean ok;

      if (g_str_equal (c->col, "*"))
        ok = apply_row (conn, cache, c, applied, error);
      else if (g_str_equal (c->col, "_deleted"))
        ok = apply_delete (conn, cache, c, applied, error);
      else
        ok = apply_field (conn, cache, c, applied, error);
      if (!ok)
        {
          g_prefix_error (error, _("Could not apply %s %s.%s: "), c->tbl, c->pk, c->col);
          return FALSE;
        }
      max_hlc = MAX (max_hlc, c->hlc);
    }
  /* the clock moves past everything seen, so the next local edit wins over it */
  return at_sql_exec_bound (conn, error, "UPDATE sync_state SET applying = 0, cursor_xid = ?1, cursor_seq = ?2, "
                                         "last_hlc = max(last_hlc, ?3)", "tll", cursor_xid, cursor_seq, max_hlc);
}
