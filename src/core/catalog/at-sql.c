/* at-sql.c — SQLite connection wrapper: statement cache and error mapping. */
#define G_LOG_DOMAIN "atelier-sql"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "at-catalog-error.h"
#include "at-sql.h"

struct _AtSqlConn
{
  sqlite3    *db;
  GHashTable *stmts; /* sql text (static or interned) -> sqlite3_stmt */
};

gboolean
at_sql_set_error (sqlite3     *db,
                  int          rc,
                  const char  *what,
                  GError     **error)
{
  AtCatalogError code;
  const char *msg = db ? sqlite3_errmsg (db) : sqlite3_errstr (rc);

  switch (rc & 0xff)
    {
    case SQLITE_NOTADB:   code = AT_CATALOG_ERROR_NOT_A_CATALOG; break;
    case SQLITE_CORRUPT:  code = AT_CATALOG_ERROR_CORRUPT; break;
    case SQLITE_READONLY: code = AT_CATALOG_ERROR_READ_ONLY; break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:   code = AT_CATALOG_ERROR_BUSY; break;
    case SQLITE_FULL:     code = AT_CATALOG_ERROR_DISK_FULL; break;
    case SQLITE_CONSTRAINT: code = AT_CATALOG_ERROR_CONSTRAINT; break;
    case SQLITE_CANTOPEN: code = AT_CATALOG_ERROR_NOT_FOUND; break;
    default:              code = AT_CATALOG_ERROR_FAILED; break;
    }
  g_set_error (error, AT_CATALOG_ERROR, code, "%s: %s", what, msg);
  return FALSE;
}

AtSqlConn *
at_sql_conn_open (const char  *path,
                  int          flags,
                  GError     **error)
{
  g_autoptr(AtSqlConn) conn = g_new0 (AtSqlConn, 1);
  int rc;

  conn->stmts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) sqlite3_finalize);
  rc = sqlite3_open_v2 (path, &conn->db, flags | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      at_sql_set_error (conn->db, rc, _("Could not open the catalog"), error);
      return NULL;
    }
  sqlite3_extended_result_codes (conn->db, 1);
  /* Writers and readers wait for each other instead of failing at once. */
  sqlite3_busy_timeout (conn->db, 10000);
  return g_steal_pointer (&conn);
}

void
at_sql_conn_free (AtSqlConn *conn)
{
  if (conn == NULL)
    return;
  g_clear_pointer (&conn->stmts, g_hash_table_unref);
  sqlite3_close_v2 (conn->db);
  g_free (conn);
}

sqlite3 *
at_sql_conn_get_db (AtSqlConn *conn)
{
  return conn->db;
}

sqlite3_stmt *
at_sql_conn_prepare (AtSqlConn   *conn,
                     const char  *sql,
                     GError     **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (conn->stmts, sql);
  int rc;

  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }
  rc = sqlite3_prepare_v3 (conn->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      at_sql_set_error (conn->db, rc, _("Could not prepare a catalog query"), error);
      return NULL;
    }
  g_hash_table_insert (conn->stmts, g_strdup (sql), stmt);
  return stmt;
}

gboolean
at_sql_conn_exec (AtSqlConn   *conn,
                  const char  *sql,
                  GError     **error)
{
  int rc = sqlite3_exec (conn->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    return at_sql_set_error (conn->db, rc, _("Catalog statement failed"), error);
  return TRUE;
}

gboolean
at_sql_step_done (AtSqlConn    *conn,
                  sqlite3_stmt *stmt,
                  GError      **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      at_sql_set_error (conn->db, rc, _("Catalog update failed"), error);
      sqlite3_reset (stmt);
      return FALSE;
    }
  sqlite3_reset (stmt);
  return TRUE;
}

/* After a loop of sqlite3_step() while SQLITE_ROW, with its last @rc:
 * whether the rows were all read. A read cut short (an I/O error, no
 * memory) is an error, never the end of the rows. */
gboolean
at_sql_rows_done (AtSqlConn  *conn,
                  int         rc,
                  GError    **error)
{
  if (rc == SQLITE_DONE)
    return TRUE;
  return at_sql_set_error (conn->db, rc, _("Could not read the catalog"), error);
}

gint64
at_sql_query_int (AtSqlConn   *conn,
                  const char  *sql,
                  GError     **error)
{
  g_autoptr(AtSqlStmt) stmt = at_sql_conn_prepare (conn, sql, error);
  int rc;

  if (stmt == NULL)
    return -1;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return sqlite3_column_int64 (stmt, 0);
  if (rc == SQLITE_DONE)
    return 0;
  at_sql_set_error (conn->db, rc, _("Catalog query failed"), error);
  return -1;
}

void
at_sql_bind_text (sqlite3_stmt *stmt,
                  int           idx,
                  const char   *value)
{
  if (value == NULL)
    sqlite3_bind_null (stmt, idx);
  else
    sqlite3_bind_text (stmt, idx, value, -1, SQLITE_TRANSIENT);
}

/**
 * at_sql_exec_bound:
 * @types: one letter per parameter: t (const char *, may be NULL),
 *   i (int), l (gint64), d (double), n (NULL, no argument)
 *
 * Prepares (cached) @sql, binds the arguments and runs it to completion.
 */
gboolean
at_sql_exec_bound (AtSqlConn   *conn,
                   GError     **error,
                   const char  *sql,
                   const char  *types,
                   ...)
{
  sqlite3_stmt *stmt = at_sql_conn_prepare (conn, sql, error);
  va_list args;

  if (stmt == NULL)
    return FALSE;
  /* a wrong type string would read the wrong arguments: fail loudly instead */
  if ((int) strlen (types) != sqlite3_bind_parameter_count (stmt))
    {
      g_critical ("at_sql_exec_bound: %d parameters in “%s” but types “%s”",
                  sqlite3_bind_parameter_count (stmt), sql, types);
      g_set_error (error, AT_CATALOG_ERROR, AT_CATALOG_ERROR_FAILED, "internal error: parameter mismatch");
      return FALSE;
    }
  va_start (args, types);
  for (int i = 0; types[i] != '\0'; i++)
    {
      switch (types[i])
        {
        case 't': at_sql_bind_text (stmt, i + 1, va_arg (args, const char *)); break;
        case 'i': sqlite3_bind_int (stmt, i + 1, va_arg (args, int)); break;
        case 'l': sqlite3_bind_int64 (stmt, i + 1, va_arg (args, gint64)); break;
        case 'd': sqlite3_bind_double (stmt, i + 1, va_arg (args, double)); break;
        case 'n': sqlite3_bind_null (stmt, i + 1); break;
        default: g_assert_not_reached ();
        }
    }
  va_end (args);
  return at_sql_step_done (conn, stmt, error);
}
