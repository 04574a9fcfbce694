/* at-catalog-migrate.c — numbered schema migrations.
 *
 * Migration N is the SQL resource migrations/NNNN-*.sql; it runs in one
 * transaction that also records it in schema_migrations and sets
 * PRAGMA user_version to N, so a crash leaves the catalog at N-1 or N,
 * never between. To change the schema, add the next file to the list
 * below and to at-core.gresource.xml and bump AT_CATALOG_SCHEMA_VERSION.
 */
#define G_LOG_DOMAIN "atelier-catalog"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "at-catalog-private.h"
#include "at-core-resources.h"
#include "at-sync-capture.h"

static const char *const migrations[] = {
  "0001-initial.sql",
  "0002-previews.sql",
  "0003-keywords.sql",
  "0004-sync.sql",
  "0005-sync-buckets.sql",
  "0006-upload-parts.sql",
  "0007-face-scans.sql",
  "0008-outbox-batches.sql",
  "0009-capture-again.sql",
  "0010-sync-identity.sql",
  "0011-part-checksums.sql",
  "0012-outbox-node.sql",
  "0013-upload-endpoint.sql",
  "0014-upload-audits.sql",
  "0015-unknown-values.sql",
  "0016-waiting-bucket.sql",
  "0017-sync-history.sql",
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == AT_CATALOG_SCHEMA_VERSION);

const char *const *
at_catalog_migration_names (guint *n_migrations)
{
  *n_migrations = G_N_ELEMENTS (migrations);
  return migrations;
}

/* Every table with an updated_at column gets a trigger that bumps it when an
 * UPDATE did not set it itself; run after every migration, so new tables
 * are covered without each migration repeating the boilerplate. */
static gboolean
add_touch_triggers (AtSqlConn  *conn,
                    GError    **error)
{
  static const char list_sql[] =
    "SELECT m.name FROM sqlite_master m "
    "WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' "
    "  AND EXISTS (SELECT 1 FROM pragma_table_info(m.name) c WHERE c.name = 'updated_at') "
    "  AND NOT EXISTS (SELECT 1 FROM sqlite_master t WHERE t.type = 'trigger' "
    "                  AND t.name = m.name || '_touch') "
    "ORDER BY m.name";
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt = at_sql_conn_prepare (conn, list_sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (names, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return at_sql_set_error (at_sql_conn_get_db (conn), rc, _("Could not list catalog tables"), error);

  for (guint i = 0; i < names->len; i++)
    {
      const char *t = g_ptr_array_index (names, i);
      /* %w quotes an identifier; the names come from sqlite_master. */
      char *ddl = sqlite3_mprintf ("CREATE TRIGGER \"%w_touch\" AFTER UPDATE ON \"%w\" "
                                   "FOR EACH ROW WHEN NEW.updated_at IS OLD.updated_at BEGIN "
                                   "UPDATE \"%w\" SET updated_at = strftime('%%Y-%%m-%%dT%%H:%%M:%%fZ','now') "
                                   "WHERE rowid = NEW.rowid; END",
                                   t, t, t);
      gboolean ok = at_sql_conn_exec (conn, ddl, error);
      sqlite3_free (ddl);
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

static gboolean
apply_one (AtSqlConn   *conn,
           int          version,
           GError     **error)
{
  const char *name = migrations[version - 1];
  g_autofree char *path = g_strdup_printf ("/studio/atelier/core/migrations/%s", name);
  g_autoptr(GBytes) sql = NULL;
  g_autofree char *script = NULL;
  g_autofree char *pragma = NULL;
  sqlite3_stmt *record;

  sql = g_resource_lookup_data (at_core_get_resource (), path, G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  if (sql == NULL)
    return FALSE;
  script = g_strndup (g_bytes_get_data (sql, NULL), g_bytes_get_size (sql));

  if (!at_sql_conn_exec (conn, script, error) || !add_touch_triggers (conn, error) ||
      !at_sync_capture_install (conn, error))
    {
      g_prefix_error (error, _("Migration %s failed: "), name);
      return FALSE;
    }

  record = at_sql_conn_prepare (conn,
                                "INSERT INTO schema_migrations (version, name) VALUES (?1, ?2)",
                                error);
  if (record == NULL)
    return FALSE;
  sqlite3_bind_int (record, 1, version);
  at_sql_bind_text (record, 2, name);
  if (!at_sql_step_done (conn, record, error))
    return FALSE;

  /* PRAGMA takes no bound parameters; the value is our own integer. */
  pragma = g_strdup_printf ("PRAGMA user_version = %d", version);
  return at_sql_conn_exec (conn, pragma, error);
}

gboolean
at_catalog_migrate_to_current (AtSqlConn  *conn,
                               int         from_version,
                               GError    **error)
{
  g_autofree char *app_id = NULL;

  for (int v = from_version + 1; v <= AT_CATALOG_SCHEMA_VERSION; v++)
    {
      if (!at_sql_conn_exec (conn, "BEGIN IMMEDIATE", error))
        return FALSE;
      if (v == 1)
        {
          app_id = g_strdup_printf ("PRAGMA application_id = %d", AT_CATALOG_APPLICATION_ID);
          if (!at_sql_conn_exec (conn, app_id, error) ||
              !at_sql_conn_exec (conn,
                                 "CREATE TABLE IF NOT EXISTS schema_migrations ("
                                 "  version    INTEGER PRIMARY KEY,"
                                 "  name       TEXT NOT NULL,"
                                 "  applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))",
                                 error))
            {
              at_sql_conn_exec (conn, "ROLLBACK", NULL);
              return FALSE;
            }
        }
      if (!apply_one (conn, v, error) || !at_sql_conn_exec (conn, "COMMIT", error))
        {
          at_sql_conn_exec (conn, "ROLLBACK", NULL);
          return FALSE;
        }
    }
  return TRUE;
}
