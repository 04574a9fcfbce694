/* at-sync-apply.c — pulled cells into SQLite, last writer wins per field.
 *
 * A column's version is the newer of its own clock and its row's ('*'); a
 * pulled cell is written only if its (hlc, node) beats that, so an echo of
 * this workstation's own edit, or an older value from elsewhere, changes
 * nothing, and a local edit not yet pushed stays. A '*' cell (a whole row,
 * at-sync-apply-row.c) inserts the row if it is missing (or newer than its
 * deletion: a restore) and otherwise overwrites the columns it is newer
 * for; '_deleted' deletes the row if newer than the row. A field for a row
 * not here yet waits in sync_inbox. Foreign keys are checked at commit, so
 * a page's rows may come in any order; a row whose parent is not here by
 * then waits too (at-sync-apply-orphans.c).
 */
#define G_LOG_DOMAIN "atelier-sync"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "at-sync-apply-private.h"
#include "at-sync-capture.h"
#include "at-sync-consent.h"
#include "at-pg.h"

/* The cell in the columns (tbl, pk, col, val, hlc, node) of @stmt's row,
 * and its bucket if the next column is one. */
AtSyncCell *
at_sync_cell_from_row (sqlite3_stmt *stmt)
{
  AtSyncCell *c = g_new0 (AtSyncCell, 1);

  if (sqlite3_column_count (stmt) > 6 && g_strcmp0 (sqlite3_column_name (stmt, 6), "bucket") == 0)
    c->bucket = g_strdup ((const char *) sqlite3_column_text (stmt, 6));

  c->tbl = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  c->pk = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  c->col = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  c->val = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
  c->hlc = sqlite3_column_int64 (stmt, 4);
  c->node = sqlite3_column_int64 (stmt, 5);
  return c;
}

void
at_sync_cell_free (AtSyncCell *cell)
{
  g_free (cell->tbl);
  g_free (cell->pk);
  g_free (cell->col);
  g_free (cell->val);
  g_free (cell->bucket);
  g_free (cell);
}


/* The clocks of a field, its row ('*') and the row's deletion; zero where
 * there is none. */
gboolean
_at_sync_clocks_of (AtSqlConn   *conn,
           const char  *tbl,
           const char  *pk,
           const char  *col,
           Clock       *field,
           Clock       *row,
           Clock       *deleted,
           GError     **error)
{
  sqlite3_stmt *stmt = at_sql_conn_prepare (conn, "SELECT col, hlc, node FROM sync_clock WHERE tbl = ?1 AND pk = ?2 "
                                                  "AND col IN (?3, '*', '_deleted', '~' || ?3)", error);
  Clock lacked = { 0, 0 };
  int rc;

  *field = *row = *deleted = (Clock) { 0, 0 };
  if (stmt == NULL)
    return FALSE;
  at_sql_bind_text (stmt, 1, tbl);
  at_sql_bind_text (stmt, 2, pk);
  at_sql_bind_text (stmt, 3, col);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *c = (const char *) sqlite3_column_text (stmt, 0);
      Clock *to = g_str_equal (c, "*") ? row : g_str_equal (c, "_deleted") ? deleted : c[0] == '~' ? &lacked : field;
      to->hlc = sqlite3_column_int64 (stmt, 1);
      to->node = sqlite3_column_int64 (stmt, 2);
    }
  at_sql_stmt_release (stmt);
  if (rc != SQLITE_DONE)
    return at_sql_set_error (at_sql_conn_get_db (conn), rc, _("Could not read the sync clock"), error);
  /* a row value says nothing of a column it lacks (a column newer than its
   * writer, an embedding): that column's own edits alone decide it */
  if ((lacked.hlc == row->hlc && lacked.node == row->node) || at_sync_column_is_gated (tbl, col))
    *row = (Clock) { 0, 0 };
  return TRUE;
}

gboolean
_at_sync_set_clock (AtSqlConn *conn, const AtSyncCell *c, GError **error)
{
  return at_sql_exec_bound (conn, error, "INSERT INTO sync_clock (tbl, pk, col, hlc, node) VALUES (?1, ?2, ?3, ?4, ?5) "
                                         "ON CONFLICT (tbl, pk, col) DO UPDATE SET hlc = excluded.hlc, node = excluded.node",
                            "tttll", c->tbl, c->pk, c->col, c->hlc, c->node);
}


/* Sets one column; *changed is FALSE when the row is not here. Setting
 * updated_at here spares the touch trigger a second UPDATE per field. */
static gboolean
write_field (AtSqlConn *conn, Table *t, const AtSyncCell *c, gboolean *changed, GError **error)
{
  g_autofree char *value = at_sync_decode_expr (c->tbl, c->col, "json_extract(?1, '$')");
  char *sql = sqlite3_mprintf (t->has_updated_at
                               ? "UPDATE \"%w\" SET \"%w\" = %s, "
                                 "updated_at = strftime('%%Y-%%m-%%dT%%H:%%M:%%fZ','now') WHERE id = ?2"
                               : "UPDATE \"%w\" SET \"%w\" = %s WHERE id = ?2", c->tbl, c->col, value);
  gboolean ok = at_sql_exec_bound (conn, error, sql, "tt", c->val, c->pk);

  sqlite3_free (sql);
  *changed = ok && sqlite3_changes (at_sql_conn_get_db (conn)) > 0;
  return ok;
}

/* A cell for a table or column this catalog does not have (a newer
 * Atelier's): noted, to be read again once it is here. */
gboolean
_at_sync_note_unknown (AtSqlConn *conn, const AtSyncCell *c, gboolean table, GError **error)
{
  return at_sql_exec_bound (conn, error, "INSERT OR IGNORE INTO sync_unknown (tbl, col) VALUES (?1, ?2)", "tt", c->tbl,
                            table ? "*" : c->col);
}

/* A statement refused for a unique key, a rule across columns that the
 * row here and the value do not keep together (CHECK end_at > start_at:
 * an edit made here and another made elsewhere, each right alone), or a
 * column this catalog needs left empty (a row written by a script): SQLite
 * has undone that statement (and its triggers) alone; the cell is parked
 * and the page goes on. Else that page would fail every pull after. */
gboolean
_at_sync_is_clash (int code)
{
  return code == SQLITE_CONSTRAINT_UNIQUE || code == SQLITE_CONSTRAINT_PRIMARYKEY || code == SQLITE_CONSTRAINT_CHECK ||
         code == SQLITE_CONSTRAINT_NOTNULL;
}

gboolean
_at_sync_park_clash (AtSqlConn *conn, const AtSyncCell *c, Counts *n, int code, GError **error)
{
  g_autofree char *problem = NULL;

  if (!_at_sync_is_clash (code))
    return FALSE;
  problem = g_strdup ((*error)->message);
  g_clear_error (error);
  n->conflicts++;
  g_debug ("%s %s.%s clashes with a row here: %s", c->tbl, c->pk, c->col, problem);
  return at_sql_exec_bound (conn, error, "INSERT INTO sync_conflicts (tbl, pk, col, val, hlc, node, problem, bucket) "
                                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (tbl, pk, col) DO UPDATE SET "
                                         "val = excluded.val, hlc = excluded.hlc, node = excluded.node, problem = excluded.problem, "
                                         "bucket = excluded.bucket",
                            "ttttlltt", c->tbl, c->pk, c->col, c->val, c->hlc, c->node, problem, c->bucket);
}

gboolean
_at_sync_park_if_clash (AtSqlConn *conn, const AtSyncCell *c, Counts *n, GError **error)
{
  return _at_sync_park_clash (conn, c, n, sqlite3_extended_errcode (at_sql_conn_get_db (conn)), error);
}

/* Field edits that waited for this row (a whole row waiting for its parent
 * is at-sync-apply-orphans.c's). */
gboolean
_at_sync_drain_inbox (AtSqlConn *conn, GHashTable *cache, const char *tbl, const char *pk, Counts *n, GError **error)
{
  g_autoptr(GPtrArray) waiting = g_ptr_array_new_with_free_func ((GDestroyNotify) at_sync_cell_free);
  sqlite3_stmt *stmt = at_sql_conn_prepare (conn, "SELECT col, val, hlc, node, bucket FROM sync_inbox WHERE tbl = ?1 AND pk = ?2 "
                                            "AND col <> '*'",
                                            error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  at_sql_bind_text (stmt, 1, tbl);
  at_sql_bind_text (stmt, 2, pk);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      AtSyncCell *c = g_new0 (AtSyncCell, 1);
      c->tbl = g_strdup (tbl);
      c->pk = g_strdup (pk);
      c->col = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      c->val = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      c->hlc = sqlite3_column_int64 (stmt, 2);
      c->node = sqlite3_column_int64 (stmt, 3);
      c->bucket = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
      g_ptr_array_add (waiting, c);
    }
  at_sql_stmt_release (stmt);
  /* (a read cut short must not delete what it did not read) */
  if (rc != SQLITE_DONE)
    return at_sql_set_error (at_sql_conn_get_db (conn), rc, _("Could not read the changes waiting for their row"), error);
  if (waiting->len == 0)
    return TRUE;
  if (!at_sql_exec_bound (conn, error, "DELETE FROM sync_inbox WHERE tbl = ?1 AND pk = ?2 AND col <> '*'", "tt", tbl, pk))
    return FALSE;
  for (guint i = 0; i < waiting->len; i++)
    if (!_at_sync_apply_field (conn, cache, waiting->pdata[i], n, error))
      return FALSE;
  return TRUE;
}

/* The field clock of every column of one row, for a row value to be
 * compared against column by column. */
GHashTable *
_at_sync_field_clocks (AtSqlConn *conn, const char *tbl, const char *pk, GError **error)
{
  GHashTable *clocks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  sqlite3_stmt *stmt = at_sql_conn_prepare (conn, "SELECT col, hlc, node FROM sync_clock WHERE tbl = ?1 AND pk = ?2", error);
  int rc;

  if (stmt == NULL)
    {
      g_hash_table_unref (clocks);
      return NULL;
    }
  at_sql_bind_text (stmt, 1, tbl);
  at_sql_bind_text (stmt, 2, pk);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      Clock *c = g_new (Clock, 1);
      c->hlc = sqlite3_column_int64 (stmt, 1);
      c->node = sqlite3_column_int64 (stmt, 2);
      g_hash_table_insert (clocks, g_strdup ((const char *) sqlite3_column_text (stmt, 0)), c);
    }
  at_sql_stmt_release (stmt);
  /* (a clock not read would let an older value over a newer one here) */
  if (rc != SQLITE_DONE)
    {
      at_sql_set_error (at_sql_conn_get_db (conn), rc, _("Could not read the sync clock"), error);
      g_hash_table_unref (clocks);
      return NULL;
    }
  return clocks;
}

/* The fields of a row about to be deleted that have clocks of their own
 * (edited since it was written whole) wait in the inbox as they are, with
 * their clocks: a restore made elsewhere brings the row back as its writer
 * had it, and those of them newer than it, or that it lacks, come back
 * over it (as on the server). */
static gboolean
keep_fields (AtSqlConn *conn, Table *t, const AtSyncCell *deletion, GError **error)
{
  const char *tbl = deletion->tbl, *pk = deletion->pk;
  g_autoptr(GHashTable) clocks = _at_sync_field_clocks (conn, tbl, pk, error);
  GHashTableIter iter;
  const char *col;

  if (clocks == NULL)
    return FALSE;
  g_hash_table_iter_init (&iter, clocks);
  while (g_hash_table_iter_next (&iter, (gpointer *) &col, NULL))
    {
      g_autofree char *value = NULL;
      char *sql;
      gboolean ok;

      if (!_at_sync_has_column (t->columns, col))
        continue;
      value = at_sync_kept_value_expr (tbl, col, "x");
      sql = sqlite3_mprintf ("INSERT INTO sync_inbox (tbl, pk, col, val, hlc, node, bucket) "
                             "SELECT k.tbl, k.pk, k.col, json_quote(%s), k.hlc, k.node, ?4 FROM \"%w\" x "
                             "JOIN sync_clock k ON k.tbl = ?1 AND k.pk = x.id AND k.col = ?3 WHERE x.id = ?2 "
                             "ON CONFLICT (tbl, pk, col) DO UPDATE SET val = excluded.val, hlc = excluded.hlc, "
                             "node = excluded.node, bucket = excluded.bucket "
                             "WHERE (excluded.hlc, excluded.node) > (hlc, node)",
                             value, tbl);
      ok = at_sql_exec_bound (conn, error, sql, "tttt", tbl, pk, col, deletion->bucket);
      sqlite3_free (sql);
      if (!ok)
        return FALSE;
    }
  /* (their clocks go with them: else, the same, they would not come back) */
  return at_sql_exec_bound (conn, error, "DELETE FROM sync_clock WHERE tbl = ?1 AND pk = ?2 "
                                         "AND col NOT IN ('*', '_deleted')", "tt", tbl, pk);
}

static gboolean
apply_delete (AtSqlConn *conn, GHashTable *cache, const AtSyncCell *c, Counts *n, GError **error)
{
  Table *t = _at_sync_table_of (conn, cache, c->tbl);
  Clock field, row, deleted;

  if (t == NULL)
    return _at_sync_note_unknown (conn, c, TRUE, error);
  if (!_at_sync_clocks_of (conn, c->tbl, c->pk, "_deleted", &field, &row, &deleted, error))
    return FALSE;
  if (!NEWER (c, deleted))
    return TRUE;
  if (NEWER (c, row))
    {
      if (!keep_fields (conn, t, c, error) || !at_sql_exec_bound (conn, error, t->remove, "t", c->pk))
        return FALSE;
      n->applied++;
    }
  return _at_sync_set_clock (conn, c, error);
}

gboolean
_at_sync_apply_field (AtSqlConn *conn, GHashTable *cache, const AtSyncCell *c, Counts *n, GError **error)
{
  Table *t = _at_sync_table_of (conn, cache, c->tbl);
  Clock field, row, deleted;
  gboolean changed;

  if (t == NULL || !_at_sync_has_column (t->columns, c->col))
    return _at_sync_note_unknown (conn, c, t == NULL, error);
  if (!_at_sync_clocks_of (conn, c->tbl, c->pk, c->col, &field, &row, &deleted, error))
    return FALSE;
  /* (a field of its row's very clock is of the same edit: a key that
   * waited for its parent, left out when the row came) */
  if (!NEWER (c, field) || _at_sync_newer (row.hlc, row.node, c->hlc, c->node))
    return TRUE;
  /* a parent this workstation does not have (a person of a project it does
   * not follow): the edit waits for it rather than fail the page */
  if (g_hash_table_contains (t->keys, c->col))
    {
      gboolean waits;

      if (!_at_sync_field_waits (conn, c, &waits, error))
        return FALSE;
      if (waits)
        return TRUE;
    }
  if (!write_field (conn, t, c, &changed, error))
    {
      /* (a shoot moved later, start and end in one edit: its start alone
       * would end it before it begins, until its end is in) */
      if (n->later != NULL && sqlite3_extended_errcode (at_sql_conn_get_db (conn)) == SQLITE_CONSTRAINT_CHECK)
        {
          g_clear_error (error);
          g_ptr_array_add (n->later, (gpointer) c);
          return TRUE;
        }
      return _at_sync_park_if_clash (conn, c, n, error);
    }
  if (!changed)
    {
      /* not here yet, or deleted (an edit does not bring a row back): it
       * waits for its row, which a restore newer than the deletion brings */
      return _at_sync_wait_in_inbox (conn, c, error);
    }
  n->applied++;
  return _at_sync_set_clock (conn, c, error);
}

/* The fields a rule across columns refused, again while any goes in (the
 * page's other fields may have made room); what still does not fit is kept
 * aside. */
static gboolean
apply_later (AtSqlConn *conn, GHashTable *cache, Counts *n, GError **error)
{
  g_autoptr(GPtrArray) waiting = g_ptr_array_copy (n->later, NULL, NULL);
  guint before;

  do
    {
      g_autoptr(GPtrArray) tried = g_steal_pointer (&waiting);

      before = tried->len;
      waiting = g_ptr_array_new ();
      n->later = waiting;
      for (guint i = 0; i < tried->len; i++)
        if (!_at_sync_apply_field (conn, cache, tried->pdata[i], n, error))
          return FALSE;
    }
  while (waiting->len > 0 && waiting->len < before);
  n->later = NULL;
  for (guint i = 0; i < waiting->len; i++)
    if (!_at_sync_apply_field (conn, cache, waiting->pdata[i], n, error))
      return FALSE;
  return TRUE;
}

gboolean
at_sync_apply_page (AtSqlConn   *conn,
                    GPtrArray   *cells,
                    guint       *applied,
                    guint       *conflicts,
                    GError     **error)
{
  g_autoptr(GPtrArray) later = g_ptr_array_new ();
  Counts counts = { 0, 0, later }, *n = &counts;
  g_autoptr(GHashTable) cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, _at_sync_table_free);
  g_autofree gboolean *done = g_new0 (gboolean, cells->len);
  gboolean rows_came = FALSE;
  gint64 max_hlc = 0;

  /* foreign keys hold at commit, whatever order the page's rows came in */
  if (!at_sql_conn_exec (conn, "PRAGMA defer_foreign_keys = ON", error) ||
      !at_sql_exec_bound (conn, error, "UPDATE sync_state SET applying = 1", "") ||
      !_at_sync_apply_bulk (conn, cache, cells, done, n, error))
    return FALSE;
  for (guint i = 0; i < cells->len; i++)
    {
      AtSyncCell *c = cells->pdata[i];
      gboolean ok;

      max_hlc = MAX (max_hlc, c->hlc);
      rows_came |= g_str_equal (c->col, "*");
      if (done[i])
        continue;
      if (g_str_equal (c->col, "*"))
        ok = _at_sync_apply_row (conn, cache, c, n, error);
      else if (g_str_equal (c->col, "_deleted"))
        ok = apply_delete (conn, cache, c, n, error);
      else
        ok = _at_sync_apply_field (conn, cache, c, n, error);
      if (!ok)
        {
          g_prefix_error (error, _("Could not apply %s %s.%s: "), c->tbl, c->pk, c->col);
          return FALSE;
        }
      max_hlc = MAX (max_hlc, c->hlc);
    }
  /* rows that waited for a parent this page brought; then this page's rows
   * whose parent is not here wait in turn */
  if (!_at_sync_retry_orphans (conn, cache, rows_came, n, error) ||
      (later->len > 0 && !apply_later (conn, cache, n, error)) || !_at_sync_set_aside_orphans (conn, cache, error))
    return FALSE;
  *applied += counts.applied;
  *conflicts += counts.conflicts;
  /* the clock moves past everything seen, so the next local edit wins over it */
  return at_sql_exec_bound (conn, error, "UPDATE sync_state SET applying = 0, last_hlc = max(last_hlc, ?1)", "l", max_hlc);
}
