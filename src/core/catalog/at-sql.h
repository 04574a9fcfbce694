/* at-sql.h — one SQLite connection with a cache of prepared statements.
 *
 * Every statement with a value in it goes through at_sql_conn_prepare() and
 * sqlite3_bind_*; at_sql_conn_exec() is only for fixed SQL (pragmas,
 * BEGIN/COMMIT, migration scripts).
 */
#pragma once

#include <gio/gio.h>
#include <sqlite3.h>

G_BEGIN_DECLS

typedef struct _AtSqlConn AtSqlConn;

AtSqlConn    *at_sql_conn_open     (const char  *path,
                                    int          flags,
                                    GError     **error);
void          at_sql_conn_free     (AtSqlConn   *conn);
sqlite3      *at_sql_conn_get_db   (AtSqlConn   *conn);
sqlite3_stmt *at_sql_conn_prepare  (AtSqlConn   *conn,
                                    const char  *sql,
                                    GError     **error);
gboolean      at_sql_conn_exec     (AtSqlConn   *conn,
                                    const char  *sql,
                                    GError     **error);
gboolean      at_sql_step_done     (AtSqlConn   *conn,
                                    sqlite3_stmt *stmt,
                                    GError     **error);
gboolean      at_sql_rows_done     (AtSqlConn   *conn,
                                    int          rc,
                                    GError     **error);
gint64        at_sql_query_int     (AtSqlConn   *conn,
                                    const char  *sql,
                                    GError     **error);
gboolean      at_sql_set_error     (sqlite3     *db,
                                    int          rc,
                                    const char  *what,
                                    GError     **error);
void          at_sql_bind_text     (sqlite3_stmt *stmt,
                                    int           idx,
                                    const char   *value);
gboolean      at_sql_exec_bound    (AtSqlConn   *conn,
                                    GError     **error,
                                    const char  *sql,
                                    const char  *types,
                                    ...);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtSqlConn, at_sql_conn_free)

/* Resets a cached statement when it goes out of scope. */
static inline void
at_sql_stmt_release (sqlite3_stmt *stmt)
{
  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
    }
}
typedef sqlite3_stmt AtSqlStmt;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtSqlStmt, at_sql_stmt_release)

G_END_DECLS
