/* at-sync-apply-row.c — a pulled whole row (col '*'), cell by cell.
 *
 * A row not here goes in (a restore, if newer than its deletion), with the
 * columns its writer knew; over a row that is here, it writes each column
 * it is newer for, all or none: a clash on a unique key keeps it aside, and
 * a column a rule across columns refuses alone goes in once the others
 * have. The fields of it waiting in sync_inbox then follow
 * (at-sync-apply.c).
 */
#define G_LOG_DOMAIN "atelier-sync"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "at-sync-apply-private.h"
#include "at-sync-capture.h"
#include "at-sync-consent.h"

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
    return _at_sync_note_unknown (conn, c, TRUE, error);
  if (!_at_sync_clocks_of (conn, c->tbl, c->pk, "*", &field, &row, &deleted, error))
    return FALSE;
  if (!NEWER (c, row) || !NEWER (c, deleted))
    return TRUE;
  if ((exists = _at_sync_row_exists (conn, t, c->pk, error)) < 0)
    return FALSE;
  if (!exists)
    {
      if (!insert_row (conn, t, c, error))
        return _at_sync_park_if_clash (conn, c, n, error);
    }
  else
    {
      /* a restore, or a row value newer than what is here: each column it
       * is newer for, all or none (a clash on a unique key keeps it aside) */
      g_autoptr(GHashTable) clocks = _at_sync_field_clocks (conn, c->tbl, c->pk, error);
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
              else if (_at_sync_is_clash (code))
                return at_sql_conn_exec (conn, "ROLLBACK TO at_sync_row; RELEASE at_sync_row", NULL) &&
                       _at_sync_park_clash (conn, c, n, code, error);
              else if (!ok)
                return FALSE;
            }
        }
      if (columns->len > 0)
        {
          g_propagate_error (error, g_steal_pointer (&refused));
          return at_sql_conn_exec (conn, "ROLLBACK TO at_sync_row; RELEASE at_sync_row", NULL) &&
                 _at_sync_park_clash (conn, c, n, SQLITE_CONSTRAINT_CHECK, error);
        }
      if (!at_sql_conn_exec (conn, "RELEASE at_sync_row", error))
        return FALSE;
    }
  n->applied++;
  /* (a newer Atelier's columns in it wait for an upgrade; the columns an
   * older one did not have are not of this value, whatever its clock) */
  return at_sql_exec_bound (conn, error, t->keep_unknown, "tttll", c->tbl, c->pk, c->val, c->hlc, c->node) &&
         at_sql_exec_bound (conn, error, t->mark_lacked, "tttll", c->tbl, c->pk, c->val, c->hlc, c->node) &&
         _at_sync_set_clock (conn, c, error) && _at_sync_drain_inbox (conn, cache, c->tbl, c->pk, n, error);
}
