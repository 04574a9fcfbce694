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
 * Each change is filed under a bucket, the unit of partial sync: the row's
 * project, followed through its foreign keys (a keyword of a photo is the
 * photo's project's), or '' for the studio's own data. The list of projects
 * itself is studio data, so every workstation can see what it may follow.
 *
 * The triggers are generated from the tables' columns after every
 * migration, so a column added later syncs without touching this file.
 */
#define G_LOG_DOMAIN "atelier-sync"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "at-sync-capture.h"
#include "at-sync-consent.h"

/* Local to this workstation: the file-by-file journal of its own ingests,
 * its preview cache, its job queue, its transfers to the bucket, its
 * grouping of unknown faces. (Ingest
 * sessions do sync: photos name the session they came in with.) */
static const char *const local_tables[] = {
  "ingest_files", "previews", "jobs", "schema_migrations", "uploads", "upload_parts", "upload_audits", "face_clusters",
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
  /* BLOBs stay (landmarks), but embeddings travel with consent (at-sync-consent.c) */
  if (declared_type != NULL && g_ascii_strcasecmp (declared_type, "BLOB") == 0)
    return at_sync_column_is_gated (table, column);
  /* bumped by the touch triggers on every change: it would double each one */
  return !g_str_equal (column, "updated_at");
}

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

static char *
mprintf_dup (char *s)
{
  char *copy = g_strdup (s);

  sqlite3_free (s);
  return copy;
}

static gboolean
has_column (AtSqlConn *conn, const char *table, const char *column)
{
  sqlite3_stmt *stmt = at_sql_conn_prepare (conn, "SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2", NULL);
  gboolean found;

  if (stmt == NULL)
    return FALSE;
  at_sql_bind_text (stmt, 1, table);
  at_sql_bind_text (stmt, 2, column);
  found = sqlite3_step (stmt) == SQLITE_ROW;
  at_sql_stmt_release (stmt);
  return found;
}

/* The project of a row of @table named @ref in SQL, or NULL if the table has
 * none: its own project_id, or else that of the first parent declared that
 * has one (the row's container: a tag's face, an item's album). @waiting:
 * a parent not here that waits in sync_inbox gives the bucket it waits
 * under. */
static char *
project_of (AtSqlConn  *conn,
            const char *table,
            const char *ref,
            int         depth,
            gboolean    waiting)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt;

  if (g_str_equal (table, "projects"))
    return NULL;
  if (has_column (conn, table, "project_id"))
    return g_strdup_printf ("%s.\"project_id\"", ref);
  if (depth >= 3 || (stmt = at_sql_conn_prepare (conn, "SELECT \"from\", \"table\", coalesce(\"to\", 'id') "
                                                       "FROM pragma_foreign_key_list(?1) ORDER BY id DESC", NULL)) == NULL)
    return NULL;
  /* (SQLite numbers a table's keys from the last declared) read whole
   * before recursing: the prepared statement is shared */
  at_sql_bind_text (stmt, 1, table);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    for (int c = 0; c < 3; c++)
      g_ptr_array_add (keys, g_strdup ((const char *) sqlite3_column_text (stmt, c)));
  at_sql_stmt_release (stmt);
  for (guint i = 0; i + 2 < keys->len; i += 3)
    {
      const char *from = keys->pdata[i], *parent = keys->pdata[i + 1], *to = keys->pdata[i + 2];
      g_autofree char *alias = g_strdup_printf ("b%d", depth);
      g_autofree char *inner = NULL;

      if (g_str_equal (parent, table) || (inner = project_of (conn, parent, alias, depth + 1, waiting)) == NULL)
        continue;
      if (waiting)
        return mprintf_dup (sqlite3_mprintf ("coalesce((SELECT %s FROM \"%w\" AS %s WHERE %s.\"%w\" = %s.\"%w\"), "
                                             "(SELECT w.bucket FROM sync_inbox w WHERE w.tbl = '%q' AND w.pk = %s.\"%w\" "
                                             "AND w.col = '*'))",
                                             inner, parent, alias, alias, to, ref, from, parent, ref, from));
      return mprintf_dup (sqlite3_mprintf ("(SELECT %s FROM \"%w\" AS %s WHERE %s.\"%w\" = %s.\"%w\")", inner, parent,
                                           alias, alias, to, ref, from));
    }
  return NULL;
}

static char *
bucket_expr (AtSqlConn *conn, const char *table, const char *ref, gboolean waiting)
{
  g_autofree char *project = project_of (conn, table, ref, 0, waiting);

  /* a row whose parent is gone (a cascade) falls back to the studio's */
  return project ? g_strdup_printf ("coalesce(%s, '')", project) : g_strdup ("''");
}

char *
at_sync_bucket_expr (AtSqlConn  *conn,
                     const char *table,
                     const char *ref)
{
  return bucket_expr (conn, table, ref, FALSE);
}

char *
at_sync_waiting_bucket_expr (AtSqlConn  *conn,
                             const char *table,
                             const char *ref)
{
  return bucket_expr (conn, table, ref, TRUE);
}

/* json_object('a', <ref>."a", ...) over @columns. */
static char *
row_object (const char *table,
            GPtrArray  *columns,
            const char *ref)
{
  GString *s = g_string_new ("json_object(");

  for (guint i = 0; i < columns->len; i++)
    {
      /* (an embedding goes as a field of its own: at_sync_consent_emit) */
      g_autofree char *value = at_sync_column_is_gated (table, columns->pdata[i])
                               ? g_strdup ("NULL") : at_sync_value_expr (table, columns->pdata[i], ref);
      char *part = sqlite3_mprintf ("%s'%q', %s", i ? ", " : "", (const char *) columns->pdata[i], value);
      g_string_append (s, part);
      sqlite3_free (part);
    }
  g_string_append_c (s, ')');
  return g_string_free (s, FALSE);
}

static gboolean
has_gated (const char *table, GPtrArray *columns)
{
  for (guint i = 0; i < columns->len; i++)
    if (at_sync_column_is_gated (table, columns->pdata[i]))
      return TRUE;
  return FALSE;
}

static gboolean
install_table (AtSqlConn   *conn,
               const char  *t,
               gboolean     seed,
               GError     **error)
{
  g_autoptr(GPtrArray) columns = synced_columns (conn, t, error);
  g_autofree char *object = NULL;
  g_autofree char *bucket_new = at_sync_bucket_expr (conn, t, "NEW");
  g_autofree char *bucket_old = at_sync_bucket_expr (conn, t, "OLD");
  g_autofree char *bucket_row = NULL;
  g_autofree char *table_ref = NULL;
  g_autofree char *new_embedding = NULL;
  g_autofree char *all_embeddings = NULL;
  g_autofree char *purge = NULL;
  GString *sql;
  char *part;
  gboolean ok;

  if (columns == NULL)
    return FALSE;
  object = row_object (t, columns, "NEW");
  if (has_gated (t, columns))
    {
      new_embedding = at_sync_consent_emit (conn, t, "r.id = NEW.id");
      all_embeddings = at_sync_consent_emit (conn, t, "true");
      /* a deleted row's embedding goes from the server too */
      purge = mprintf_dup (sqlite3_mprintf (AT_SYNC_NEXT_HLC " " AT_SYNC_OUTBOX_INSERT " VALUES ('%q', OLD.id, 'embedding', "
                                            "'null', " AT_SYNC_HLC ", %s, " AT_SYNC_BATCH ")" AT_SYNC_OUTBOX_UPSERT, t,
                                            bucket_old));
    }
  sql = g_string_new (NULL);
  part = sqlite3_mprintf ("DROP TRIGGER IF EXISTS \"sync_%w_insert\"; DROP TRIGGER IF EXISTS \"sync_%w_update\"; "
                          "DROP TRIGGER IF EXISTS \"sync_%w_delete\";", t, t, t);
  g_string_append (sql, part);
  sqlite3_free (part);

  /* a new row: all of it, as one '*' cell */
  part = sqlite3_mprintf ("CREATE TRIGGER \"sync_%w_insert\" AFTER INSERT ON \"%w\" "
                          "WHEN (SELECT applying FROM sync_state) = 0 BEGIN " AT_SYNC_NEXT_HLC
                          " " AT_SYNC_OUTBOX_INSERT " VALUES ('%q', NEW.id, '*', %s, " AT_SYNC_HLC ", %s, " AT_SYNC_BATCH ")"
                          AT_SYNC_OUTBOX_UPSERT
                          " INSERT INTO sync_clock (tbl, pk, col, hlc, node) VALUES ('%q', NEW.id, '*', " AT_SYNC_HLC ", " AT_SYNC_NODE ")"
                          AT_SYNC_CLOCK_UPSERT " %s END;", t, t, t, object, bucket_new, t,
                          new_embedding ? new_embedding : "");
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
  g_string_append (sql, ") BEGIN " AT_SYNC_NEXT_HLC);
  for (guint i = 0; i < columns->len; i++)
    {
      const char *c = columns->pdata[i];
      g_autofree char *value = at_sync_value_expr (t, c, "NEW");
      g_autofree char *gate = at_sync_column_gate (t, c, "NEW");
      char *changed = sqlite3_mprintf ("NEW.\"%w\" IS NOT OLD.\"%w\"", c, c);
      char *is_null = sqlite3_mprintf ("NEW.\"%w\" IS NULL", c);
      /* a gated value changes here without travelling; its purge travels */
      g_autofree char *condition = gate ? g_strdup_printf ("%s AND (%s OR %s)", changed, is_null, gate) : g_strdup (changed);

      sqlite3_free (changed);
      sqlite3_free (is_null);
      part = sqlite3_mprintf (" " AT_SYNC_OUTBOX_INSERT " SELECT '%q', NEW.id, '%q', "
                              "json_quote(%s), " AT_SYNC_HLC ", %s, " AT_SYNC_BATCH " WHERE %s" AT_SYNC_OUTBOX_UPSERT
                              " INSERT INTO sync_clock (tbl, pk, col, hlc, node) SELECT '%q', NEW.id, '%q', " AT_SYNC_HLC ", "
                              AT_SYNC_NODE " WHERE %s" AT_SYNC_CLOCK_UPSERT,
                              t, c, value, bucket_new, condition, t, c, condition);
      g_string_append (sql, part);
      sqlite3_free (part);
    }
  g_string_append (sql, " END;");

  /* a deletion: a tombstone, so it cannot come back from an older copy */
  part = sqlite3_mprintf ("CREATE TRIGGER \"sync_%w_delete\" AFTER DELETE ON \"%w\" "
                          "WHEN (SELECT applying FROM sync_state) = 0 BEGIN " AT_SYNC_NEXT_HLC
                          " " AT_SYNC_OUTBOX_INSERT " VALUES ('%q', OLD.id, '_deleted', 'true', "
                          AT_SYNC_HLC ", %s, " AT_SYNC_BATCH ")" AT_SYNC_OUTBOX_UPSERT
                          " INSERT INTO sync_clock (tbl, pk, col, hlc, node) VALUES ('%q', OLD.id, '_deleted', " AT_SYNC_HLC ", "
                          AT_SYNC_NODE ")" AT_SYNC_CLOCK_UPSERT " %s END;", t, t, t, bucket_old, t, purge ? purge : "");
  g_string_append (sql, part);
  sqlite3_free (part);

  table_ref = mprintf_dup (sqlite3_mprintf ("\"%w\"", t));
  bucket_row = at_sync_bucket_expr (conn, t, table_ref);
  if (seed)
    {
      /* rows from before sync: all of them go with the first push */
      g_autofree char *old = row_object (t, columns, table_ref);
      g_string_append (sql, AT_SYNC_NEXT_HLC);
      part = sqlite3_mprintf (" " AT_SYNC_OUTBOX_INSERT " SELECT '%q', id, '*', %s, " AT_SYNC_HLC
                              ", %s, " AT_SYNC_BATCH " FROM \"%w\" WHERE true" AT_SYNC_OUTBOX_UPSERT
                              " INSERT INTO sync_clock (tbl, pk, col, hlc, node) SELECT '%q', id, '*', " AT_SYNC_HLC ", " AT_SYNC_NODE
                              " FROM \"%w\" WHERE true" AT_SYNC_CLOCK_UPSERT, t, old, bucket_row, t, t, t);
      g_string_append (sql, part);
      sqlite3_free (part);
      if (all_embeddings != NULL)
        g_string_append (sql, all_embeddings);
    }
  else
    {
      /* changes queued before buckets existed (schema v4) */
      part = sqlite3_mprintf (" UPDATE sync_outbox SET bucket = (SELECT %s FROM \"%w\" WHERE \"%w\".id = sync_outbox.pk) "
                              "WHERE batch = " AT_SYNC_BATCH " AND tbl = '%q' AND EXISTS (SELECT 1 FROM \"%w\" WHERE \"%w\".id = sync_outbox.pk);",
                              bucket_row, t, t, t, t, t);
      g_string_append (sql, part);
      sqlite3_free (part);
    }
  ok = at_sql_conn_exec (conn, sql->str, error);
  g_string_free (sql, TRUE);
  return ok;
}

/* A table that became local (uploads, in schema v6) keeps no capture. */
static gboolean
drop_local_capture (AtSqlConn *conn, GError **error)
{
  g_autoptr(GPtrArray) drops = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt = at_sql_conn_prepare (conn, "SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger' "
                                                  "AND name LIKE 'sync%'", error);

  if (stmt == NULL)
    return FALSE;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    if (!at_sync_table_is_synced ((const char *) sqlite3_column_text (stmt, 1)))
      g_ptr_array_add (drops, mprintf_dup (sqlite3_mprintf ("DROP TRIGGER \"%w\"", (const char *) sqlite3_column_text (stmt, 0))));
  at_sql_stmt_release (stmt);
  for (guint i = 0; i < drops->len; i++)
    if (!at_sql_conn_exec (conn, drops->pdata[i], error))
      return FALSE;
  return TRUE;
}

GPtrArray *
at_sync_synced_tables (AtSqlConn  *conn,
                       GError    **error)
{
  g_autoptr(GPtrArray) tables = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt = at_sql_conn_prepare (conn, "SELECT m.name FROM sqlite_master m WHERE m.type = 'table' "
                                                  "AND EXISTS (SELECT 1 FROM pragma_table_info(m.name) c WHERE c.name = 'id' "
                                                  "AND c.pk = 1) ORDER BY m.name", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    if (at_sync_table_is_synced ((const char *) sqlite3_column_text (stmt, 0)))
      g_ptr_array_add (tables, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  at_sql_stmt_release (stmt);
  if (rc != SQLITE_DONE)
    {
      at_sql_set_error (at_sql_conn_get_db (conn), rc, _("Could not list catalog tables"), error);
      return NULL;
    }
  return g_steal_pointer (&tables);
}

char *
at_sync_cells_now_sql (AtSqlConn  *conn,
                       const char *t,
                       gboolean    to_send,
                       GError    **error)
{
  g_autoptr(GPtrArray) columns = synced_columns (conn, t, error);
  g_autofree char *object = NULL;
  g_autofree char *bucket = NULL;
  GString *cases, *names, *gates;
  char *sql;

  if (columns == NULL)
    return NULL;
  object = row_object (t, columns, "r");
  bucket = at_sync_bucket_expr (conn, t, "r");
  cases = g_string_new ("CASE k.col WHEN '*' THEN ");
  g_string_append (cases, object);
  g_string_append (cases, " WHEN '_deleted' THEN 'true'");
  names = g_string_new ("'*', '_deleted'");
  gates = g_string_new ("");
  for (guint i = 0; i < columns->len; i++)
    {
      const char *col = columns->pdata[i];
      /* (kept here, an embedding is what it is, its gate shut or not) */
      g_autofree char *value = to_send ? at_sync_value_expr (t, col, "r") : at_sync_kept_value_expr (t, col, "r");
      g_autofree char *gate = to_send ? at_sync_column_gate (t, col, "r") : NULL;
      char *part = sqlite3_mprintf (" WHEN '%q' THEN json_quote(%s)", col, value);
      g_string_append (cases, part);
      sqlite3_free (part);
      part = sqlite3_mprintf (", '%q'", col);
      g_string_append (names, part);
      sqlite3_free (part);
      /* an embedding goes as the update trigger lets it: a purge (null),
       * or a value while its gate is open; closed here, it is not sent
       * (its null would purge it everywhere) */
      if (gate != NULL)
        {
          part = sqlite3_mprintf (" AND NOT (k.col = '%q' AND r.\"%w\" IS NOT NULL AND NOT (%s))", col, col, gate);
          g_string_append (gates, part);
          sqlite3_free (part);
        }
    }
  g_string_append (cases, " END");
  /* (a deleted row is here no more: only its tombstone) */
  sql = sqlite3_mprintf ("SELECT k.tbl AS tbl, k.pk AS pk, k.col AS col, %s AS val, k.hlc AS hlc, k.node AS node, "
                         "%s AS bucket FROM sync_clock k LEFT JOIN \"%w\" AS r ON r.id = k.pk WHERE k.tbl = '%q' "
                         "AND k.col IN (%s) AND (r.id IS NOT NULL OR k.col = '_deleted')%s", cases->str, bucket, t, t,
                         names->str, gates->str);
  g_string_free (cases, TRUE);
  g_string_free (names, TRUE);
  g_string_free (gates, TRUE);
  return mprintf_dup (sql);
}

/* One table's fields again, each with its clock (its node too, kept when it
 * is another catalog's). A field already queued stays as it is. */
static gboolean
requeue_table (AtSqlConn *conn, const char *t, GError **error)
{
  g_autofree char *cells = at_sync_cells_now_sql (conn, t, TRUE, error);
  char *sql;
  gboolean ok;

  if (cells == NULL)
    return FALSE;
  /* (WHERE true: else SQLite reads ON as a join's) */
  sql = sqlite3_mprintf ("INSERT INTO sync_outbox (tbl, pk, col, val, hlc, node, bucket, batch) "
                         "SELECT c.*, " AT_SYNC_BATCH " FROM (%s) c WHERE true "
                         "ON CONFLICT (tbl, pk, col, batch) DO NOTHING", cells);
  ok = at_sql_conn_exec (conn, sql, error);
  sqlite3_free (sql);
  return ok;
}

gboolean
at_sync_capture_requeue (AtSqlConn  *conn,
                         GError    **error)
{
  g_autoptr(GPtrArray) tables = at_sync_synced_tables (conn, error);

  if (tables == NULL)
    return FALSE;
  for (guint i = 0; i < tables->len; i++)
    if (!requeue_table (conn, tables->pdata[i], error))
      return FALSE;
  return TRUE;
}

gboolean
at_sync_capture_install (AtSqlConn  *conn,
                         GError    **error)
{
  g_autoptr(GPtrArray) tables = NULL;
  gboolean seed;

  /* the triggers queue edits by bucket (schema v5) into the batch being
   * filled (v8), and mark them as this catalog's (node NULL, v12): nothing
   * before v12 (a catalog of v8 to v11 keeps the triggers it has until) */
  if (at_sql_query_int (conn, "SELECT count(*) FROM pragma_table_info('sync_outbox') WHERE name = 'node'", error) == 0)
    return error == NULL || *error == NULL;
  /* no trigger yet: this catalog is new to sync */
  seed = at_sql_query_int (conn, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'sync_%'",
                           error) == 0;
  if ((tables = at_sync_synced_tables (conn, error)) == NULL || !drop_local_capture (conn, error))
    return FALSE;
  for (guint i = 0; i < tables->len; i++)
    if (!install_table (conn, tables->pdata[i], seed, error))
      {
        g_prefix_error (error, _("Could not set up sync for %s: "), (const char *) tables->pdata[i]);
        return FALSE;
      }
  return at_sync_consent_install (conn, error);
}
