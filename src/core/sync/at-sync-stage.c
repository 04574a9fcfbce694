/* at-sync-stage.c — a push's first half: a frozen batch of the outbox
 * copied (COPY) into a temporary table of the server's open transaction,
 * from which at-sync-client.c merges it. (PostgreSQL 15 takes no COPY into
 * a table under row-level security, as sync_cell is.) */
#define G_LOG_DOMAIN "atelier-sync"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "at-sync-client-private.h"

/* COPY's text format: backslash, tab and line ends escaped. */
static void
copy_field (GString *line, const char *value)
{
  for (const char *p = value; *p; p++)
    switch (*p)
      {
      case '\\': g_string_append (line, "\\\\"); break;
      case '\t': g_string_append (line, "\\t"); break;
      case '\n': g_string_append (line, "\\n"); break;
      case '\r': g_string_append (line, "\\r"); break;
      default: g_string_append_c (line, *p);
      }
}

gboolean
_at_sync_stage_batch (PGconn     *pg,
                      AtCatalog  *catalog,
                      gint64      batch,
                      guint      *staged,
                      GError    **error)
{
  AtSqlConn *conn = at_catalog_get_reader (catalog, error);
  g_autoptr(GString) line = g_string_new (NULL);
  sqlite3_stmt *stmt;
  PGresult *copy;
  gint64 ord = 0;
  int rc;

  if (conn == NULL || !at_pg_exec (pg, "CREATE TEMPORARY TABLE sync_stage (ord bigint, tbl text, pk text, col text, val jsonb, hlc bigint, "
                       "bucket text, node bigint) "
                       "ON COMMIT DROP", error))
    return FALSE;
  copy = PQexec (pg, "COPY sync_stage FROM STDIN");
  if (PQresultStatus (copy) != PGRES_COPY_IN)
    {
      at_pg_set_error (pg, copy, _("Could not send changes"), error);
      PQclear (copy);
      return FALSE;
    }
  PQclear (copy);
  if ((stmt = at_sql_conn_prepare (conn, "SELECT tbl, pk, col, val, hlc, bucket, node FROM sync_outbox WHERE batch = ?1 "
                                         "ORDER BY oid",
                                   error)) == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, batch);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_string_printf (line, "%" G_GINT64_FORMAT "\t", ord++);
      for (int c = 0; c < 4; c++)
        {
          copy_field (line, (const char *) sqlite3_column_text (stmt, c));
          g_string_append_c (line, '\t');
        }
      g_string_append_printf (line, "%" G_GINT64_FORMAT "\t", (gint64) sqlite3_column_int64 (stmt, 4));
      copy_field (line, (const char *) sqlite3_column_text (stmt, 5));
      /* (the node of a field sent again with another catalog's clock) */
      if (sqlite3_column_type (stmt, 6) == SQLITE_NULL)
        g_string_append (line, "\t\\N\n");
      else
        g_string_append_printf (line, "\t%" G_GINT64_FORMAT "\n", (gint64) sqlite3_column_int64 (stmt, 6));
      if (PQputCopyData (pg, line->str, (int) line->len) != 1)
        break;
      if (ord == 1 && _at_sync_fault ("copy", pg, error))
        break;
    }
  at_sql_stmt_release (stmt);
  if (error != NULL && *error != NULL)
    return FALSE;
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return at_sql_set_error (at_sql_conn_get_db (conn), rc, _("Could not read the outbox"), error);
  if (PQputCopyEnd (pg, NULL) != 1)
    return at_pg_set_error (pg, NULL, _("Could not send changes"), error);
  copy = PQgetResult (pg);
  if (PQresultStatus (copy) != PGRES_COMMAND_OK)
    {
      at_pg_set_error (pg, copy, _("Could not send changes"), error);
      PQclear (copy);
      while ((copy = PQgetResult (pg)) != NULL)
        PQclear (copy);
      return FALSE;
    }
  PQclear (copy);
  while ((copy = PQgetResult (pg)) != NULL)
    PQclear (copy);
  *staged = (guint) ord;
  return TRUE;
}
