/* at-studio-summary.c — live (not soft-deleted) counts in one read snapshot. */
#define G_LOG_DOMAIN "atelier-studio"

#include "config.h"

#include <string.h>

#include "at-studio-summary.h"

static gboolean
count (AtSqlConn   *conn,
       const char  *sql,
       gint64      *out,
       GError     **error)
{
  *out = at_sql_query_int (conn, sql, error);
  return *out >= 0;
}

gboolean
at_studio_summary_load (AtCatalog        *catalog,
                        AtStudioSummary  *s,
                        GError          **error)
{
  AtSqlConn *conn = at_catalog_get_reader (catalog, error);
  g_autoptr(AtSqlStmt) currency = NULL;
  gboolean ok;

  memset (s, 0, sizeof *s);
  if (conn == NULL || !at_sql_conn_exec (conn, "BEGIN", error))
    return FALSE;
  ok = count (conn, "SELECT count(*) FROM photos WHERE deleted_at IS NULL", &s->photos, error) &&
       count (conn, "SELECT count(*) FROM projects WHERE deleted_at IS NULL", &s->projects, error) &&
       count (conn, "SELECT count(*) FROM customers WHERE deleted_at IS NULL", &s->customers, error) &&
       count (conn, "SELECT count(*) FROM shooting_schedules WHERE deleted_at IS NULL AND status <> 'cancelled'",
              &s->schedules, error) &&
       count (conn, "SELECT count(*) FROM shooting_schedules WHERE deleted_at IS NULL AND status <> 'cancelled' "
                    "AND start_at >= strftime('%Y-%m-%dT%H:%M:%fZ','now')", &s->upcoming_schedules, error) &&
       count (conn, "SELECT count(*) FROM contracts WHERE deleted_at IS NULL AND status <> 'cancelled'",
              &s->contracts, error) &&
       count (conn, "SELECT count(*) FROM payments WHERE deleted_at IS NULL AND status = 'pending'",
              &s->payments_pending, error) &&
       count (conn, "SELECT coalesce(sum(amount_cents), 0) FROM payments "
                    "WHERE deleted_at IS NULL AND status = 'pending'", &s->pending_cents, error);
  if (ok)
    {
      currency = at_sql_conn_prepare (conn, "SELECT currency FROM studios WHERE deleted_at IS NULL "
                                            "ORDER BY created_at LIMIT 1", error);
      ok = currency != NULL;
      if (ok && sqlite3_step (currency) == SQLITE_ROW)
        g_strlcpy (s->currency, (const char *) sqlite3_column_text (currency, 0), sizeof s->currency);
      else
        g_strlcpy (s->currency, "EUR", sizeof s->currency);
    }
  g_clear_pointer (&currency, at_sql_stmt_release);
  at_sql_conn_exec (conn, "COMMIT", NULL);
  return ok;
}
