/* at-sync-capture.c — change capture for sync, as triggers.
 *
 * An INSERT is recorded as one outbox row with col '*' and the whole row as
 * a JSON object; an UPDATE as one row per changed column; a DELETE as
 * '_deleted'. Each also sets the field's (hlc, node) in sync_clock, which a
 * pull compares against. The clock is computed in SQL (no application
 * function), so a write from the sqlite3 shell is captured like one from
 * Atelier. Writes made while sync_state.applying is 1 (the pull itself) are
 * not captured, which is what stops echoes.
 *
 * The triggers are generated from the tables' columns after every
 * migration, so a column added later syncs without touching this file.
 */
#define G_LOG_DOMAIN "atelier-sync"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "at-sync-capture.h"

/* Local to this workstation: the file-by-file journal of its own ingests,
 * its preview cache, its job queue. (Ingest sessions do sync: photos name
 * the session they came in with.) */
static const char *const local_tables[] = {
  "ingest_files", "previews", "jobs", "schema_migrations",
};

gboolean
at_sync_table_is_synced (const char *table)
{
  if (g_str_has_prefix (table, "sync_") || g_str_has_prefix (table, "sqlite_") || g_str_has_prefix (table, "photo_search"))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (local_tables); i++)
    if (g_str_equal (table, local_tables[i]))
      return FALSE;
  return TRUE;
}

gboolean
at_sync_column_is_synced (const char *table,
                          const char *column,
                          const char *declared_type)
{
  /* face embeddings and landmarks are BLOBs: a later, consent-aware path */
  if (declared_type != NULL && g_ascii_strcasecmp (declared_type, "BLOB") == 0)
    return FALSE;
  /* bumped by the touch triggers on every change: it would double each one */
  return !g_str_equal (column, "updated_at");
}

/* The next clock value, stored; the statements after it read it back. */
#define NEXT_HLC \
  "UPDATE sync_state SET last_hlc = max(last_hlc + 1, " \
  "CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) << 16);"
#define HLC  "(SELECT last_hlc FROM sync_state)"
#define NODE "(SELECT node FROM sync_state)"
#define OUTBOX_UPSERT \
  " ON CONFLICT (tbl, pk, col) WHERE batch IS NULL DO UPDATE SET val = excluded.val, hlc = excluded.hlc;"
#define CLOCK_UPSERT \
  " ON CONFLICT (tbl, pk, col) DO UPDATE SET hlc = excluded.hlc, node = excluded.node;"

static GPtrArray *
synced_columns (AtSqlConn   *conn,
                const char  *table,
                GError     **error)
{
  g_autoptr(GPtrArray) columns = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt = at_sql_conn_prepare (conn, "SELECT name, type FROM pragma_table_info(?1) ORDER BY cid", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  at_sql_bind_text (stmt, 1, table);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    if (at_sync_column_is_synced (table, (const char *) sqlite3_column_text (stmt, 0),
                                  (const char *) sqlite3_column_text (stmt, 1)))
      g_ptr_array_add (columns, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  at_sql_stmt_release (stmt);
  if (rc != SQLITE_DONE)
    {
      at_sql_set_error (at_sql_conn_get_db (conn), rc, _("Could not read the catalog’s columns"), error);
      return NULL;
    }
  return g_steal_pointer (&columns);
}

/* json_object('a', <prefix>"a", ...) over @columns. */
static char *
row_object (GPtrArray  *columns,
            const char *prefix)
{
  GString *s = g_string_new ("json_object(");

  for (guint i = 0; i < columns->len; i++)
    {
      char *part = sqlite3_mprintf ("%s'%q', %s\"%w\"", i ? ", " : "", (const char *) columns->pdata[i], prefix,
                                    (const char *) columns->pdata[i]);
      g_string_append (s, part);
      sqlite3_free (part);
    }
  g_string_append_c (s, ')');
  return g_string_free (s, FALSE);
}

static gboolean
install_table (AtSqlConn   *conn,
               const char  *t,
               gboolean     seed,
               GError     **error)
{
  g_autoptr(GPtrArray) columns = synced_columns (conn, t, error);
  g_autofree char *object = NULL;
  GString *sql;
  char *part;
  gboolean ok;

  if (columns == NULL)
    return FALSE;
  object = row_object (columns, "NEW.");
  sql = g_string_new (NULL);
  part = sqlite3_mprintf ("DROP TRIGGER IF EXISTS \"sync_%w_insert\"; DROP TRIGGER IF EXISTS \"sync_%w_update\"; "
                          "DROP TRIGGER IF EXISTS \"sync_%w_delete\";", t, t, t);
  g_string_append (sql, part);
  sqlite3_free (part);

  /* a new row: all of it, as one '*' cell */
  part = sqlite3_mprintf ("CREATE TRIGGER \"sync_%w_insert\" AFTER INSERT ON \"%w\" "
                          "WHEN (SELECT applying FROM sync_state) = 0 BEGIN " NEXT_HLC
                          " INSERT INTO sync_outbox (tbl, pk, col, val, hlc) VALUES ('%q', NEW.id, '*', %s, " HLC ")"
                          OUTBOX_UPSERT
                          " INSERT INTO sync_clock (tbl, pk, col, hlc, node) VALUES ('%q', NEW.id, '*', " HLC ", " NODE ")"
                          CLOCK_UPSERT " END;", t, t, t, object, t);
  g_string_append (sql, part);
  sqlite3_free (part);

  /* a change: each column that changed; none (the touch trigger setting
   * updated_at) is no change at all */
  part = sqlite3_mprintf ("CREATE TRIGGER \"sync_%w_update\" AFTER UPDATE ON \"%w\" "
                          "WHEN (SELECT applying FROM sync_state) = 0 AND (0", t, t);
  g_string_append (sql, part);
  sqlite3_free (part);
  for (guint i = 0; i < columns->len; i++)
    {
      part = sqlite3_mprintf (" OR NEW.\"%w\" IS NOT OLD.\"%w\"", (const char *) columns->pdata[i],
                              (const char *) columns->pdata[i]);
      g_string_append (sql, part);
      sqlite3_free (part);
    }
  g_string_append (sql, ") BEGIN " NEXT_HLC);
  for (guint i = 0; i < columns->len; i++)
    {
      const char *c = columns->pdata[i];
      part = sqlite3_mprintf (" INSERT INTO sync_outbox (tbl, pk, col, val, hlc) SELECT '%q', NEW.id, '%q', "
                              "json_quote(NEW.\"%w\"), " HLC " WHERE NEW.\"%w\" IS NOT OLD.\"%w\"" OUTBOX_UPSERT
                              " INSERT INTO sync_clock (tbl, pk, col, hlc, node) SELECT '%q', NEW.id, '%q', " HLC ", "
                              NODE " WHERE NEW.\"%w\" IS NOT OLD.\"%w\"" CLOCK_UPSERT,
                              t, c, c, c, c, t, c, c, c);
      g_string_append (sql, part);
      sqlite3_free (part);
    }
  g_string_append (sql, " END;");

  /* a deletion: a tombstone, so it cannot come back from an older copy */
  part = sqlite3_mprintf ("CREATE TRIGGER \"sync_%w_delete\" AFTER DELETE ON \"%w\" "
                          "WHEN (SELECT applying FROM sync_state) = 0 BEGIN " NEXT_HLC
                          " INSERT INTO sync_outbox (tbl, pk, col, val, hlc) VALUES ('%q', OLD.id, '_deleted', 'true', "
                          HLC ")" OUTBOX_UPSERT
                          " INSERT INTO sync_clock (tbl, pk, col, hlc, node) VALUES ('%q', OLD.id, '_deleted', " HLC ", "
                          NODE ")" CLOCK_UPSERT " END;", t, t, t, t);
  g_string_append (sql, part);
  sqlite3_free (part);

  if (seed)
    {
      /* rows from before sync: all of them go with the first push */
      g_autofree char *old = row_object (columns, "");
      g_string_append (sql, NEXT_HLC);
      part = sqlite3_mprintf (" INSERT INTO sync_outbox (tbl, pk, col, val, hlc) SELECT '%q', id, '*', %s, " HLC
                              " FROM \"%w\" WHERE true" OUTBOX_UPSERT
                              " INSERT INTO sync_clock (tbl, pk, col, hlc, node) SELECT '%q', id, '*', " HLC ", " NODE
                              " FROM \"%w\" WHERE true" CLOCK_UPSERT, t, old, t, t, t);
      g_string_append (sql, part);
      sqlite3_free (part);
    }
  ok = at_sql_conn_exec (conn, sql->str, error);
  g_string_free (sql, TRUE);
  return ok;
}

gboolean
at_sync_capture_install (AtSqlConn  *conn,
                         GError    **error)
{
  g_autoptr(GPtrArray) tables = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt;
  gboolean seed;
  int rc;

  if (at_sql_query_int (conn, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'sync_state'",
                        error) == 0)
    return error == NULL || *error == NULL;
  /* no trigger yet: this catalog is new to sync */
  seed = at_sql_query_int (conn, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'sync_%'",
                           error) == 0;
  stmt = at_sql_conn_prepare (conn, "SELECT m.name FROM sqlite_master m WHERE m.type = 'table' "
                                    "AND EXISTS (SELECT 1 FROM pragma_table_info(m.name) c WHERE c.name = 'id' AND c.pk = 1) "
                                    "ORDER BY m.name", error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    if (at_sync_table_is_synced ((const char *) sqlite3_column_text (stmt, 0)))
      g_ptr_array_add (tables, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  at_sql_stmt_release (stmt);
  if (rc != SQLITE_DONE)
    return at_sql_set_error (at_sql_conn_get_db (conn), rc, _("Could not list catalog tables"), error);
  for (guint i = 0; i < tables->len; i++)
    if (!install_table (conn, tables->pdata[i], seed, error))
      {
        g_prefix_error (error, _("Could not set up sync for %s: "), (const char *) tables->pdata[i]);
        return FALSE;
      }
  return TRUE;
}
