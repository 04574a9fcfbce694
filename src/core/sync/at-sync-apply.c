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
 * in any order; a row whose parent is not here by then waits too
 * (at-sync-apply-orphans.c).
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


static gboolean
newer (gint64 hlc, gint64 node, gint64 than_hlc, gint64 than_node)
{
  return hlc > than_hlc || (hlc == than_hlc && node > than_node);
}

#define NEWER(c, clock) newer ((c)->hlc, (c)->node, (clock).hlc, (clock).node)

typedef struct
{
  gint64 hlc, node;
} Clock;

/* The clocks of a field, its row ('*') and the row's deletion; zero where
 * there is none. */
static gboolean
clocks_of (AtSqlConn   *conn,
           const char  *tbl,
           const char  *pk,
           const char  *col,
           Clock       *field,
           Clock       *row,
           Clock       *deleted,
           GError     **error)
{
  sqlite3_stmt *stmt = at_sql_conn_prepare (conn, "SELECT col, hlc, node FROM sync_clock WHERE tbl = ?1 AND pk = ?2 "
                                                  "AND col IN (?3, '*', '_deleted')", error);
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
      Clock *to = g_str_equal (c, "*") ? row : g_str_equal (c, "_deleted") ? deleted : field;
      to->hlc = sqlite3_column_int64 (stmt, 1);
      to->node = sqlite3_column_int64 (stmt, 2);
    }
  at_sql_stmt_release (stmt);
  if (rc != SQLITE_DONE)
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

/* A row from a workstation with fewer columns (an older Atelier): the
 * columns it does not know keep their defaults here (a NOT NULL one would
 * refuse a NULL, and the page with it). */
static gboolean
insert_partial_row (AtSqlConn *conn, Table *t, const AtSyncCell *c, const gboolean *present, GError **error)
{
  GString *names = g_string_new (NULL), *values = g_string_new (NULL);
  char *sql;
  gboolean ok;

  for (guint i = 0; i < t->columns->len; i++)
    {
      const char *col = t->columns->pdata[i];
      char *name, *extract;
      g_autofree char *value = NULL;

      if (!present[i])
        continue;
      name = sqlite3_mprintf ("%s\"%w\"", names->len ? ", " : "", col);
      extract = sqlite3_mprintf ("json_extract(?1, '$.\"%q\"')", col);
      value = at_sync_decode_expr (c->tbl, col, extract);
      g_string_append_printf (values, "%s%s", names->len ? ", " : "", value);
      g_string_append (names, name);
      sqlite3_free (name);
      sqlite3_free (extract);
    }
  sql = sqlite3_mprintf ("INSERT INTO \"%w\" (%s) VALUES (%s)", c->tbl, names->str, values->str);
  ok = at_sql_exec_bound (conn, error, sql, "t", c->val);
  sqlite3_free (sql);
  g_string_free (names, TRUE);
  g_string_free (values, TRUE);
  return ok;
}

/* A whole row in: its JSON parsed once (json_each) and every value bound,
 * when it has every column. */
static gboolean
insert_row (AtSqlConn *conn, Table *t, const AtSyncCell *c, GError **error)
{
  sqlite3_stmt *each = at_sql_conn_prepare (conn, "SELECT key, value FROM json_each(?1)", error);
  sqlite3_stmt *insert;
  g_autofree gboolean *present = g_new0 (gboolean, t->columns->len);
  guint found = 0;
  int rc;

  if (each == NULL || (insert = at_sql_conn_prepare (conn, t->insert_bound, error)) == NULL)
    return FALSE;
  at_sql_bind_text (each, 1, c->val);
  while ((rc = sqlite3_step (each)) == SQLITE_ROW)
    {
      gpointer index;
      if (g_hash_table_lookup_extended (t->index, sqlite3_column_text (each, 0), NULL, &index))
        {
          sqlite3_bind_value (insert, GPOINTER_TO_INT (index), sqlite3_column_value (each, 1));
          present[GPOINTER_TO_INT (index) - 1] = TRUE;
          found++;
        }
    }
  at_sql_stmt_release (each);
  if (rc != SQLITE_DONE)
    {
      sqlite3_clear_bindings (insert);
      at_sql_stmt_release (insert);
      return at_sql_set_error (at_sql_conn_get_db (conn), rc, _("A row from the server is not a JSON object"), error);
    }
  if (found < t->columns->len)
    {
      sqlite3_clear_bindings (insert);
      at_sql_stmt_release (insert);
      return insert_partial_row (conn, t, c, present, error);
    }
  return at_sql_step_done (conn, insert, error);
}

/* A cell for a table or column this catalog does not have (a newer
 * Atelier's): noted, to be read again once it is here. */
static gboolean
note_unknown (AtSqlConn *conn, const AtSyncCell *c, gboolean table, GError **error)
{
  return at_sql_exec_bound (conn, error, "INSERT OR IGNORE INTO sync_unknown (tbl, col) VALUES (?1, ?2)", "tt", c->tbl,
                            table ? "*" : c->col);
}

/* A statement refused for a unique key, or a rule across columns that the
 * row here and the value do not keep together (CHECK end_at > start_at:
 * an edit made here and another made elsewhere, each right alone): SQLite
 * has undone that statement (and its triggers) alone; the cell is parked
 * and the page goes on. Else that page would fail every pull after. */
static gboolean
park_clash (AtSqlConn *conn, const AtSyncCell *c, Counts *n, int code, GError **error)
{
  g_autofree char *problem = NULL;

  if (code != SQLITE_CONSTRAINT_UNIQUE && code != SQLITE_CONSTRAINT_PRIMARYKEY && code != SQLITE_CONSTRAINT_CHECK)
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

static gboolean
park_if_clash (AtSqlConn *conn, const AtSyncCell *c, Counts *n, GError **error)
{
  return park_clash (conn, c, n, sqlite3_extended_errcode (at_sql_conn_get_db (conn)), error);
}

/* Field edits that waited for this row (a whole row waiting for its parent
 * is at-sync-apply-orphans.c's). */
static gboolean
drain_inbox (AtSqlConn *conn, GHashTable *cache, const char *tbl, const char *pk, Counts *n, GError **error)
{
  g_autoptr(GPtrArray) waiting = g_ptr_array_new_with_free_func ((GDestroyNotify) at_sync_cell_free);
  sqlite3_stmt *stmt = at_sql_conn_prepare (conn, "SELECT col, val, hlc, node, bucket FROM sync_inbox WHERE tbl = ?1 AND pk = ?2 "
                                            "AND col <> '*'",
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
      c->bucket = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
      g_ptr_array_add (waiting, c);
    }
  at_sql_stmt_release (stmt);
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
static GHashTable *
field_clocks (AtSqlConn *conn, const char *tbl, const char *pk, GError **error)
{
  GHashTable *clocks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  sqlite3_stmt *stmt = at_sql_conn_prepare (conn, "SELECT col, hlc, node FROM sync_clock WHERE tbl = ?1 AND pk = ?2", error);

  if (stmt == NULL)
    {
      g_hash_table_unref (clocks);
      return NULL;
    }
  at_sql_bind_text (stmt, 1, tbl);
  at_sql_bind_text (stmt, 2, pk);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      Clock *c = g_new (Clock, 1);
      c->hlc = sqlite3_column_int64 (stmt, 1);
      c->node = sqlite3_column_int64 (stmt, 2);
      g_hash_table_insert (clocks, g_strdup ((const char *) sqlite3_column_text (stmt, 0)), c);
    }
  at_sql_stmt_release (stmt);
  return clocks;
}

/* Whether column @col of row value @c names a parent that is not here:
 * that column is then left as it is, and its value waits in sync_inbox for
 * that parent, with the row's clock (see _at_sync_apply_field). */
static gboolean
key_waits (AtSqlConn *conn, const AtSyncCell *c, const char *col, const char *path, gboolean *waits, GError **error)
{
  sqlite3_stmt *stmt = at_sql_conn_prepare (conn, "SELECT ?1 -> ?2", error);
  AtSyncCell field = { c->tbl, c->pk, (char *) col, NULL, c->hlc, c->node, c->bucket };
  gboolean ok;

  *waits = FALSE;
  if (stmt == NULL)
    return FALSE;
  at_sql_bind_text (stmt, 1, c->val);
  at_sql_bind_text (stmt, 2, path);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    field.val = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  at_sql_stmt_release (stmt);
  /* (a key the row value lacks: nothing to wait with) */
  ok = field.val == NULL || _at_sync_field_waits (conn, &field, waits, error);
  g_free (field.val);
  return ok;
}

gboolean
_at_sync_apply_row (AtSqlConn *conn, GHashTable *cache, const AtSyncCell *c, Counts *n, GError **error)
{
  Table *t = _at_sync_table_of (conn, cache, c->tbl);
  Clock field, row, deleted;
  int exists;

  /* (Atelier writes a row as a JSON object with its columns; anything else,
   * written on the server by a script, is no row: left out, or it would
   * fail this page at every pull) */
  if (c->val == NULL || c->val[0] != '{' || g_str_equal (c->val, "{}"))
    {
      g_message ("%s %s: the server's whole row is no row (%.40s), left out", c->tbl, c->pk, c->val ? c->val : "NULL");
      return TRUE;
    }
  if (t == NULL)
    return note_unknown (conn, c, TRUE, error);
  if (!clocks_of (conn, c->tbl, c->pk, "*", &field, &row, &deleted, error))
    return FALSE;
  if (!NEWER (c, row) || !NEWER (c, deleted))
    return TRUE;
  if ((exists = _at_sync_row_exists (conn, t, c->pk, error)) < 0)
    return FALSE;
  if (!exists)
    {
      if (!insert_row (conn, t, c, error))
        return park_if_clash (conn, c, n, error);
    }
  else
    {
      /* a restore, or a row value newer than what is here: each column it
       * is newer for, all or none (a clash on a unique key keeps it aside) */
      g_autoptr(GHashTable) clocks = field_clocks (conn, c->tbl, c->pk, error);
      g_autoptr(GPtrArray) columns = g_ptr_array_new ();
      g_autoptr(GError) refused = NULL;

      if (clocks == NULL || !at_sql_conn_exec (conn, "SAVEPOINT at_sync_row", error))
        return FALSE;
      for (guint i = 0; i < t->columns->len; i++)
        {
          const char *col = t->columns->pdata[i];
          Clock *clock = g_hash_table_lookup (clocks, col);

          /* a row value never carries an embedding (it travels as a field
           * of its own, with consent): one made here stays */
          if ((clock != NULL && !NEWER (c, *clock)) || at_sync_column_is_gated (c->tbl, col))
            continue;
          /* a parent that is not here: that column stays, its value waits */
          if (g_hash_table_contains (t->keys, col))
            {
              g_autofree char *path = g_strdup_printf ("$.\"%s\"", col);
              gboolean waits;

              if (!key_waits (conn, c, col, path, &waits, error))
                return FALSE;
              if (waits)
                continue;
            }
          g_ptr_array_add (columns, (gpointer) col);
        }
      /* (a column a rule across columns refuses alone, a start after the
       * old end, goes in once the others are: again while any goes in) */
      for (guint before = G_MAXUINT; columns->len > 0 && columns->len < before;)
        {
          g_autoptr(GPtrArray) tried = g_steal_pointer (&columns);

          before = tried->len;
          columns = g_ptr_array_new ();
          for (guint i = 0; i < tried->len; i++)
            {
              const char *col = tried->pdata[i];
              g_autofree char *path = g_strdup_printf ("$.\"%s\"", col);
              g_autofree char *value = at_sync_decode_expr (c->tbl, col, "json_extract(?1, ?2)");
              /* a key the row value lacks (a column newer than its writer) stays as it is */
              char *sql = sqlite3_mprintf ("UPDATE \"%w\" SET \"%w\" = %s WHERE id = ?3 "
                                           "AND json_type(?1, ?2) IS NOT NULL", c->tbl, col, value);
              gboolean ok = at_sql_exec_bound (conn, error, sql, "ttt", c->val, path, c->pk);
              int code = ok ? SQLITE_OK : sqlite3_extended_errcode (at_sql_conn_get_db (conn));

              sqlite3_free (sql);
              if (code == SQLITE_CONSTRAINT_CHECK)
                {
                  g_clear_error (&refused);
                  g_propagate_error (&refused, g_steal_pointer (error));
                  g_ptr_array_add (columns, (gpointer) col);
                }
              else if (code == SQLITE_CONSTRAINT_UNIQUE || code == SQLITE_CONSTRAINT_PRIMARYKEY)
                return at_sql_conn_exec (conn, "ROLLBACK TO at_sync_row; RELEASE at_sync_row", NULL) &&
                       park_clash (conn, c, n, code, error);
              else if (!ok)
                return FALSE;
            }
        }
      if (columns->len > 0)
        {
          g_propagate_error (error, g_steal_pointer (&refused));
          return at_sql_conn_exec (conn, "ROLLBACK TO at_sync_row; RELEASE at_sync_row", NULL) &&
                 park_clash (conn, c, n, SQLITE_CONSTRAINT_CHECK, error);
        }
      if (!at_sql_conn_exec (conn, "RELEASE at_sync_row", error))
        return FALSE;
    }
  n->applied++;
  /* (a newer Atelier's columns in it wait for an upgrade) */
  return at_sql_exec_bound (conn, error, t->keep_unknown, "tttll", c->tbl, c->pk, c->val, c->hlc, c->node) &&
         set_clock (conn, c, error) && drain_inbox (conn, cache, c->tbl, c->pk, n, error);
}

/* The fields of a row about to be deleted that have clocks of their own
 * (edited since it was written whole) wait in the inbox as they are, with
 * their clocks: a restore made elsewhere brings the row back as its writer
 * had it, and those of them newer than it come back over it (as on the
 * server). */
static gboolean
keep_fields (AtSqlConn *conn, Table *t, const AtSyncCell *deletion, GError **error)
{
  const char *tbl = deletion->tbl, *pk = deletion->pk;
  g_autoptr(GHashTable) clocks = field_clocks (conn, tbl, pk, error);
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
    return note_unknown (conn, c, TRUE, error);
  if (!clocks_of (conn, c->tbl, c->pk, "_deleted", &field, &row, &deleted, error))
    return FALSE;
  if (!NEWER (c, deleted))
    return TRUE;
  if (NEWER (c, row))
    {
      if (!keep_fields (conn, t, c, error) || !at_sql_exec_bound (conn, error, t->remove, "t", c->pk))
        return FALSE;
      n->applied++;
    }
  return set_clock (conn, c, error);
}

gboolean
_at_sync_apply_field (AtSqlConn *conn, GHashTable *cache, const AtSyncCell *c, Counts *n, GError **error)
{
  Table *t = _at_sync_table_of (conn, cache, c->tbl);
  Clock field, row, deleted;
  gboolean changed;

  if (t == NULL || !_at_sync_has_column (t->columns, c->col))
    return note_unknown (conn, c, t == NULL, error);
  if (!clocks_of (conn, c->tbl, c->pk, c->col, &field, &row, &deleted, error))
    return FALSE;
  /* (a field of its row's very clock is of the same edit: a key that
   * waited for its parent, left out when the row came) */
  if (!NEWER (c, field) || newer (row.hlc, row.node, c->hlc, c->node))
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
      return park_if_clash (conn, c, n, error);
    }
  if (!changed)
    {
      /* not here yet, or deleted (an edit does not bring a row back): it
       * waits for its row, which a restore newer than the deletion brings */
      return _at_sync_wait_in_inbox (conn, c, error);
    }
  n->applied++;
  return set_clock (conn, c, error);
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
