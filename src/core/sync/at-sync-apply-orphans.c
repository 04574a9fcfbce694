/* at-sync-apply-orphans.c — pulled rows that came before their parents.
 *
 * A row is filed under the bucket of one of its parents; another parent
 * may be in another bucket, which comes in a later page, or never (a
 * project this workstation does not follow). Foreign keys are checked when
 * a page commits, so such a row would fail its page, and every pull after
 * it. Instead, at the end of each page, a new row whose parent is missing
 * is taken out again and waits in sync_inbox as it is then (its whole-row
 * cell, col '*', and its fields with clocks of their own), with the rows
 * that must have it (a reference that may be emptied waits alone), and
 * the rows waiting so are put in as soon as their parents are here. An edit of a row that is here, naming a
 * parent that is not (a tag moved to a person of a project this laptop does
 * not follow), is not applied: it waits in sync_inbox likewise, and goes in
 * once that parent comes.
 */
#define G_LOG_DOMAIN "atelier-sync"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "at-catalog-error.h"
#include "at-sync-apply-private.h"
#include "at-sync-consent.h"

gboolean
_at_sync_wait_in_inbox (AtSqlConn *conn, const AtSyncCell *c, GError **error)
{
  return at_sql_exec_bound (conn, error, "INSERT INTO sync_inbox (tbl, pk, col, val, hlc, node, bucket) "
                                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
                                         "ON CONFLICT (tbl, pk, col) DO UPDATE SET val = excluded.val, hlc = excluded.hlc, "
                                         "node = excluded.node, bucket = excluded.bucket "
                                         "WHERE (excluded.hlc, excluded.node) > (hlc, node)",
                            "ttttllt", c->tbl, c->pk, c->col, c->val, c->hlc, c->node, c->bucket);
}

/* Whether every parent the row value @val names is here. */
static gboolean
parents_here (AtSqlConn *conn, const char *tbl, const char *val, GError **error)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt = at_sql_conn_prepare (conn, "SELECT \"from\", \"table\", coalesce(\"to\", 'id') "
                                                  "FROM pragma_foreign_key_list(?1)", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  /* read whole first: the statements below are prepared on the same connection */
  at_sql_bind_text (stmt, 1, tbl);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    for (int c = 0; c < 3; c++)
      g_ptr_array_add (keys, g_strdup ((const char *) sqlite3_column_text (stmt, c)));
  at_sql_stmt_release (stmt);
  if (!at_sql_rows_done (conn, rc, error))
    return FALSE;
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
  return !*waits || _at_sync_wait_in_inbox (conn, c, error);
}

static gboolean
retry_pass (AtSqlConn *conn, GHashTable *cache, gboolean rows_came, Counts *n, gboolean *rows_went_in, GError **error)
{
  g_autoptr(GPtrArray) waiting = g_ptr_array_new_with_free_func ((GDestroyNotify) at_sync_cell_free);
  /* rows waiting for a parent (an index finds them); if rows came, edits
   * naming a parent (the fields of a row not here, or waiting itself, wait
   * for that row instead: drain_inbox) */
  sqlite3_stmt *stmt = at_sql_conn_prepare (conn, rows_came
                                            ? "SELECT tbl, pk, col, val, hlc, node, bucket FROM sync_inbox WHERE col = '*' "
                                              "UNION ALL SELECT tbl, pk, col, val, hlc, node, bucket FROM sync_inbox i "
                                              "WHERE col NOT IN ('*', '_deleted') AND NOT EXISTS (SELECT 1 FROM sync_inbox w "
                                              "WHERE w.tbl = i.tbl AND w.pk = i.pk AND w.col = '*') AND EXISTS (SELECT 1 "
                                              "FROM pragma_foreign_key_list(i.tbl) k WHERE k.\"from\" = i.col)"
                                            : "SELECT tbl, pk, col, val, hlc, node, bucket FROM sync_inbox WHERE col = '*'",
                                            error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (waiting, at_sync_cell_from_row (stmt));
  at_sql_stmt_release (stmt);
  if (!at_sql_rows_done (conn, rc, error))
    return FALSE;
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
      *rows_went_in |= is_row;
    }
  return TRUE;
}

gboolean
_at_sync_retry_orphans (AtSqlConn *conn, GHashTable *cache, gboolean rows_came, Counts *n, GError **error)
{
  /* a row that went in may be the parent another waits for (a face of a
   * photo that waited): again, while rows go in */
  for (int pass = 0; pass < 8; pass++)
    {
      gboolean rows_went_in = FALSE;

      if (!retry_pass (conn, cache, rows_came || pass > 0, n, &rows_went_in, error))
        return FALSE;
      if (!rows_went_in)
        break;
    }
  return TRUE;
}

/* The synced rows that name row @pk of @tbl as their parent: triples of
 * table, id and, if that reference is let go on a deletion (ON DELETE SET
 * NULL), the column that names it (else NULL). */
static GPtrArray *
children_of (AtSqlConn *conn, const char *tbl, const char *pk, GError **error)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) children = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt = at_sql_conn_prepare (conn, "SELECT m.name, k.\"from\", coalesce(k.\"to\", 'id'), "
                                                  "k.on_delete = 'SET NULL' FROM sqlite_master m, "
                                                  "pragma_foreign_key_list(m.name) k WHERE m.type = 'table' "
                                                  "AND k.\"table\" = ?1", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  /* read whole first: the statements below are prepared on the same connection */
  at_sql_bind_text (stmt, 1, tbl);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    if (at_sync_table_is_synced ((const char *) sqlite3_column_text (stmt, 0)))
      for (int c = 0; c < 4; c++)
        g_ptr_array_add (keys, g_strdup ((const char *) sqlite3_column_text (stmt, c)));
  at_sql_stmt_release (stmt);
  if (!at_sql_rows_done (conn, rc, error))
    return NULL;
  for (guint i = 0; i + 3 < keys->len; i += 4)
    {
      char *sql = sqlite3_mprintf ("SELECT c.id FROM \"%w\" c JOIN \"%w\" p ON c.\"%w\" = p.\"%w\" WHERE p.id = ?1",
                                   (const char *) keys->pdata[i], tbl, (const char *) keys->pdata[i + 1],
                                   (const char *) keys->pdata[i + 2]);
      gboolean set_null = g_str_equal (keys->pdata[i + 3], "1");

      stmt = at_sql_conn_prepare (conn, sql, error);
      sqlite3_free (sql);
      if (stmt == NULL)
        return NULL;
      at_sql_bind_text (stmt, 1, pk);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          g_ptr_array_add (children, g_strdup (keys->pdata[i]));
          g_ptr_array_add (children, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
          g_ptr_array_add (children, set_null ? g_strdup (keys->pdata[i + 1]) : NULL);
        }
      at_sql_stmt_release (stmt);
      if (!at_sql_rows_done (conn, rc, error))
        return NULL;
    }
  return g_steal_pointer (&children);
}

/* Column @col of row @pk of @tbl names a row that goes out to wait, and
 * may be emptied (ON DELETE SET NULL): the row stays, and what the column
 * holds waits in sync_inbox for that row, with the clock it has here (its
 * own or its row's, the newer), which goes. SQLite empties the column. */
gboolean
_at_sync_let_go (AtSqlConn *conn, const char *tbl, const char *pk, const char *col, GError **error)
{
  g_autofree char *value = at_sync_kept_value_expr (tbl, col, "x");
  g_autofree char *bucket = at_sync_bucket_expr (conn, tbl, "x");
  char *sql = sqlite3_mprintf ("INSERT INTO sync_inbox (tbl, pk, col, val, hlc, node, bucket) "
                               "SELECT ?1, x.id, ?3, json_quote(%s), k.hlc, k.node, %s FROM \"%w\" x "
                               "JOIN sync_clock k ON k.tbl = ?1 AND k.pk = x.id AND k.col IN (?3, '*') WHERE x.id = ?2 "
                               "ORDER BY k.hlc DESC, k.node DESC LIMIT 1 "
                               "ON CONFLICT (tbl, pk, col) DO UPDATE SET val = excluded.val, hlc = excluded.hlc, "
                               "node = excluded.node, bucket = excluded.bucket WHERE (excluded.hlc, excluded.node) > (hlc, node)",
                               value, bucket, tbl);
  gboolean ok = at_sql_exec_bound (conn, error, sql, "ttt", tbl, pk, col);

  sqlite3_free (sql);
  g_debug ("%s %s.%s: names a row that goes out to wait, it waits for it", tbl, pk, col);
  return ok && at_sql_exec_bound (conn, error, "DELETE FROM sync_clock WHERE tbl = ?1 AND pk = ?2 AND col = ?3", "ttt", tbl,
                                  pk, col);
}

/* Row @pk of @tbl goes back out, to wait in sync_inbox as it is now: its
 * whole row and each field with a clock of its own, with those clocks,
 * which go from sync_clock (else, the same, it would not come back); a
 * deletion's stays. The rows that must have it go first, the same way:
 * they came with it (it was not here before this page), and a cascade
 * would take them for good; those that may lose it keep their row. */
static gboolean
take_out (AtSqlConn *conn, GHashTable *cache, const char *tbl, const char *pk, GHashTable *gone, GError **error)
{
  Table *t = _at_sync_table_of (conn, cache, tbl);
  g_autoptr(GPtrArray) children = NULL;
  g_autofree char *cells = NULL;
  g_autofree char *bucket = NULL;
  char *sql;
  gboolean ok;

  if (t == NULL)
    {
      /* (an edit of a row that was here names a parent that is not: it
       * waited instead, see _at_sync_field_waits; this is a bug) */
      g_set_error (error, AT_CATALOG_ERROR, AT_CATALOG_ERROR_FAILED,
                   _("A change of %s %s from the server names a record this workstation does not have"), tbl, pk);
      return FALSE;
    }
  /* (a row named twice, or by itself, goes once) */
  if (!g_hash_table_add (gone, g_strdup_printf ("%s\x1f%s", tbl, pk)))
    return TRUE;
  if ((children = children_of (conn, tbl, pk, error)) == NULL)
    return FALSE;
  for (guint i = 0; i + 2 < children->len; i += 3)
    if (children->pdata[i + 2] != NULL
          ? !_at_sync_let_go (conn, children->pdata[i], children->pdata[i + 1], children->pdata[i + 2], error)
          : !take_out (conn, cache, children->pdata[i], children->pdata[i + 1], gone, error))
      return FALSE;
  g_debug ("%s %s: a parent is not here yet, it waits", tbl, pk);
  if ((cells = at_sync_cells_now_sql (conn, tbl, FALSE, error)) == NULL)
    return FALSE;
  /* (its project's, to go when that is unfollowed; a face of a photo
   * waiting for its own parent, that photo's) */
  bucket = at_sync_waiting_bucket_expr (conn, tbl, "x");
  sql = sqlite3_mprintf ("INSERT INTO sync_inbox (tbl, pk, col, val, hlc, node, bucket) "
                         "SELECT tbl, pk, col, val, hlc, node, (SELECT %s FROM \"%w\" x WHERE x.id = ?1) "
                         "FROM (%s AND k.pk = ?1 AND k.col <> '_deleted') WHERE true "
                         "ON CONFLICT (tbl, pk, col) DO UPDATE SET val = excluded.val, hlc = excluded.hlc, "
                         "node = excluded.node, bucket = excluded.bucket WHERE (excluded.hlc, excluded.node) > (hlc, node)",
                         bucket, tbl, cells);
  ok = at_sql_exec_bound (conn, error, sql, "t", pk);
  sqlite3_free (sql);
  return ok &&
         at_sql_exec_bound (conn, error, "DELETE FROM sync_clock WHERE tbl = ?1 AND pk = ?2 AND col <> '_deleted'", "tt", tbl,
                            pk) &&
         at_sql_exec_bound (conn, error, t->remove, "t", pk);
}

gboolean
_at_sync_set_aside_orphans (AtSqlConn *conn, GHashTable *cache, GError **error)
{
  sqlite3 *db = at_sql_conn_get_db (conn);
  g_autoptr(GHashTable) gone = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  /* (a row set aside may leave a child of it in this page without its parent: again) */
  for (int round = 0; round < 4; round++)
    {
      g_autoptr(GPtrArray) orphans = g_ptr_array_new_with_free_func (g_free);
      int pending = 0, highest = 0, rc;
      sqlite3_stmt *stmt;

      /* nothing waits on a foreign key: the common case, at no cost */
      if (sqlite3_db_status (db, SQLITE_DBSTATUS_DEFERRED_FKS, &pending, &highest, 0) != SQLITE_OK || pending == 0)
        return TRUE;
      if ((stmt = at_sql_conn_prepare (conn, "SELECT DISTINCT \"table\", \"rowid\" FROM pragma_foreign_key_check", error)) == NULL)
        return FALSE;
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          g_ptr_array_add (orphans, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
          g_ptr_array_add (orphans, g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) sqlite3_column_int64 (stmt, 1)));
        }
      at_sql_stmt_release (stmt);
      if (!at_sql_rows_done (conn, rc, error))
        return FALSE;
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
          if (pk != NULL && !take_out (conn, cache, orphans->pdata[i], pk, gone, error))
            return FALSE;
        }
    }
  return TRUE;
}
