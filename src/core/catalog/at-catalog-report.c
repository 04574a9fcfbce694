/* at-catalog-report.c — row counts and integrity checks, on a reader. */
#define G_LOG_DOMAIN "atelier-catalog"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "at-catalog-report.h"

void
at_table_count_free (AtTableCount *count)
{
  g_free (count->table);
  g_free (count);
}

static GPtrArray *
list_tables (AtSqlConn  *conn,
             GError    **error)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(AtSqlStmt) stmt = at_sql_conn_prepare (conn,
      /* plain tables: not the text index (virtual) nor its shadow tables */
      "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' "
      "AND name NOT LIKE 'sqlite_%' ORDER BY name",
      error);
  int rc;

  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (names, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  if (rc != SQLITE_DONE)
    {
      at_sql_set_error (at_sql_conn_get_db (conn), rc, _("Could not list catalog tables"), error);
      return NULL;
    }
  return g_steal_pointer (&names);
}

static gint64
count_in (AtSqlConn   *conn,
          const char  *table,
          GError     **error)
{
  /* Table names cannot be bound; this one comes from sqlite_master or from
   * our own code, and %w quotes it as an identifier. */
  char *sql = sqlite3_mprintf ("SELECT count(*) FROM \"%w\"", table);
  g_autofree char *owned = g_strdup (sql);
  sqlite3_free (sql);
  return at_sql_query_int (conn, owned, error);
}

gint64
at_catalog_count_table (AtCatalog   *self,
                        const char  *table,
                        GError     **error)
{
  AtSqlConn *conn = at_catalog_get_reader (self, error);

  if (conn == NULL)
    return -1;
  return count_in (conn, table, error);
}

/**
 * at_catalog_count_rows:
 *
 * Returns: (transfer full) (element-type AtTableCount): one entry per table.
 */
GPtrArray *
at_catalog_count_rows (AtCatalog  *self,
                       GError    **error)
{
  AtSqlConn *conn = at_catalog_get_reader (self, error);
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GPtrArray) counts = NULL;

  if (conn == NULL || (names = list_tables (conn, error)) == NULL)
    return NULL;

  /* One read transaction, so the counts are one consistent snapshot. */
  if (!at_sql_conn_exec (conn, "BEGIN", error))
    return NULL;
  counts = g_ptr_array_new_with_free_func ((GDestroyNotify) at_table_count_free);
  for (guint i = 0; i < names->len; i++)
    {
      AtTableCount *c = g_new0 (AtTableCount, 1);
      c->table = g_strdup (g_ptr_array_index (names, i));
      g_ptr_array_add (counts, c);
      if ((c->rows = count_in (conn, c->table, error)) < 0)
        {
          at_sql_conn_exec (conn, "ROLLBACK", NULL);
          return NULL;
        }
    }
  at_sql_conn_exec (conn, "COMMIT", NULL);
  return g_steal_pointer (&counts);
}

/**
 * at_catalog_check:
 *
 * Runs PRAGMA integrity_check and foreign_key_check.
 *
 * Returns: (transfer full) (element-type utf8): the problems found, empty
 * when the catalog is sound; %NULL with @error when the check could not run.
 */
GPtrArray *
at_catalog_check (AtCatalog  *self,
                  GError    **error)
{
  AtSqlConn *conn = at_catalog_get_reader (self, error);
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt;
  int rc;

  if (conn == NULL)
    return NULL;

  stmt = at_sql_conn_prepare (conn, "PRAGMA integrity_check", error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *line = (const char *) sqlite3_column_text (stmt, 0);
      if (g_strcmp0 (line, "ok") != 0)
        g_ptr_array_add (problems, g_strdup_printf (_("integrity: %s"), line));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      at_sql_set_error (at_sql_conn_get_db (conn), rc, _("Integrity check failed to run"), error);
      return NULL;
    }

  stmt = at_sql_conn_prepare (conn, "PRAGMA foreign_key_check", error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (problems,
                     g_strdup_printf (_("foreign key: row %lld of %s points to a missing row of %s"),
                                      (long long) sqlite3_column_int64 (stmt, 1),
                                      (const char *) sqlite3_column_text (stmt, 0),
                                      (const char *) sqlite3_column_text (stmt, 2)));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      at_sql_set_error (at_sql_conn_get_db (conn), rc, _("Foreign key check failed to run"), error);
      return NULL;
    }
  return g_steal_pointer (&problems);
}
