/* at-sync-history.c — see at-sync-history.h. Each sync's end is recorded
 * in sync_history with the sync's own record (at-sync-client.c), in the
 * same catalog write. */
#define G_LOG_DOMAIN "atelier-sync"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "at-sync-client-private.h"
#include "at-sync-history.h"

/* (a minute's timer runs for days; alike syncs share a row besides) */
#define HISTORY_KEPT 200

static const char *
repaired_of (const AtSyncReport *r)
{
  return r->resent_all ? "resent_all" : r->read_again ? "read_again" : r->reregistered ? "reregistered" : NULL;
}

gboolean
_at_sync_history_record (AtSqlConn          *conn,
                         const AtSyncReport *r,
                         const char         *problem,
                         GError            **error)
{
  const char *repaired = problem == NULL ? repaired_of (r) : NULL;
  AtSyncReport none = { 0 };

  /* (a failed sync's counts say nothing: it is its reason that is alike) */
  if (problem != NULL)
    r = &none;
  if (!at_sql_exec_bound (conn, error,
                          "UPDATE sync_history SET times = times + 1, last_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') "
                          "WHERE id = (SELECT max(id) FROM sync_history) AND pushed = ?1 AND pulled = ?2 "
                          "AND applied = ?3 AND conflicts = ?4 AND settled = ?5 AND repaired IS ?6 AND error IS ?7",
                          "llllltt", (gint64) r->pushed, (gint64) r->pulled, (gint64) r->applied, (gint64) r->conflicts,
                          (gint64) r->settled, repaired, problem))
    return FALSE;
  if (sqlite3_changes (at_sql_conn_get_db (conn)) > 0)
    return TRUE;
  return at_sql_exec_bound (conn, error,
                            "INSERT INTO sync_history (first_at, last_at, pushed, pulled, applied, conflicts, settled, "
                            "repaired, error) VALUES (strftime('%Y-%m-%dT%H:%M:%fZ','now'), "
                            "strftime('%Y-%m-%dT%H:%M:%fZ','now'), ?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                            "llllltt", (gint64) r->pushed, (gint64) r->pulled, (gint64) r->applied, (gint64) r->conflicts,
                            (gint64) r->settled, repaired, problem) &&
         at_sql_exec_bound (conn, error, "DELETE FROM sync_history WHERE id <= (SELECT max(id) FROM sync_history) - ?1",
                            "i", HISTORY_KEPT);
}

/* What a sync that went through did, in a sentence. */
static char *
describe (guint pushed, guint pulled, guint applied, guint conflicts, guint settled, const char *repaired)
{
  /* Translators: the first part of "N fields sent, M received, K written here" */
  g_autofree char *sent = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u field sent", "%u fields sent", pushed),
                                           pushed);
  GString *what = g_string_new (NULL);

  if (pushed == 0 && pulled == 0 && settled == 0 && repaired == NULL)
    return g_strdup (_("Nothing to send, nothing new"));
  g_string_printf (what, _("%s, %u received, %u written here"), sent, pulled, applied);
  if (settled > 0)
    g_string_append_printf (what, g_dngettext (GETTEXT_PACKAGE, "; %u kept aside before came in",
                                               "; %u kept aside before came in", settled), settled);
  if (conflicts > 0)
    g_string_append_printf (what, g_dngettext (GETTEXT_PACKAGE, "; %u clashed with a row here and was kept aside",
                                               "; %u clashed with rows here and were kept aside", conflicts),
                            conflicts);
  /* the rare syncs that repaired something say what */
  if (g_strcmp0 (repaired, "resent_all") == 0)
    g_string_append (what, _(". The server was restored or moved: everything here was sent again"));
  else if (g_strcmp0 (repaired, "read_again") == 0)
    g_string_append (what, _(". The server’s feed was behind: all of it was read again"));
  else if (g_strcmp0 (repaired, "reregistered") == 0)
    g_string_append (what, _(". This catalog was restored or copied: it syncs under a new identity"));
  return g_string_free (what, FALSE);
}

static GDateTime *
local_of (sqlite3_stmt *stmt, int column)
{
  const char *iso = (const char *) sqlite3_column_text (stmt, column);
  g_autoptr(GDateTime) utc = iso ? g_date_time_new_from_iso8601 (iso, NULL) : NULL;

  return utc ? g_date_time_to_local (utc) : g_date_time_new_now_local ();
}

void
at_sync_history_entry_free (AtSyncHistoryEntry *entry)
{
  if (entry == NULL)
    return;
  g_date_time_unref (entry->first);
  g_date_time_unref (entry->last);
  g_free (entry->what);
  g_free (entry);
}

/**
 * at_sync_list_history:
 * @limit: the newest this many
 *
 * Returns: (transfer full) (element-type AtSyncHistoryEntry): the syncs
 * recorded in @catalog, newest first; %NULL on error.
 */
GPtrArray *
at_sync_list_history (AtCatalog  *catalog,
                      guint       limit,
                      GError    **error)
{
  AtSqlConn *conn = at_catalog_get_reader (catalog, error);
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) at_sync_history_entry_free);
  sqlite3_stmt *stmt;
  int rc;

  if (conn == NULL ||
      (stmt = at_sql_conn_prepare (conn, "SELECT first_at, last_at, times, pushed, pulled, applied, conflicts, settled, "
                                         "repaired, error FROM sync_history ORDER BY id DESC LIMIT ?1", error)) == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, limit);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      AtSyncHistoryEntry *e = g_new0 (AtSyncHistoryEntry, 1);
      const char *problem = (const char *) sqlite3_column_text (stmt, 9);

      e->first = local_of (stmt, 0);
      e->last = local_of (stmt, 1);
      e->times = (guint) sqlite3_column_int64 (stmt, 2);
      e->failed = problem != NULL;
      e->what = problem != NULL ? g_strdup (problem)
                                : describe ((guint) sqlite3_column_int64 (stmt, 3), (guint) sqlite3_column_int64 (stmt, 4),
                                            (guint) sqlite3_column_int64 (stmt, 5), (guint) sqlite3_column_int64 (stmt, 6),
                                            (guint) sqlite3_column_int64 (stmt, 7),
                                            (const char *) sqlite3_column_text (stmt, 8));
      g_ptr_array_add (entries, e);
    }
  at_sql_stmt_release (stmt);
  if (rc != SQLITE_DONE)
    {
      at_sql_set_error (at_sql_conn_get_db (conn), rc, _("Could not read the sync history"), error);
      return NULL;
    }
  return g_steal_pointer (&entries);
}
