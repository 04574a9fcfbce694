/* at-sync-clock.c — this workstation's clock against the server's. Edits
 * stamped while it was far ahead, which the server refuses, go again
 * stamped anew once it is right; a clock far behind is told. */
#define G_LOG_DOMAIN "atelier-sync"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "at-sync-client-private.h"

typedef struct
{
  gint64 now_hlc;     /* this computer's clock, as a clock value */
  gint64 cutoff_hlc;  /* the latest clock value the server takes now */
} Restamp;

/* Edits stamped while this computer's clock was far ahead (the server
 * refused them) are stamped again from the clock as it is now, in their
 * order, once it is right: else setting the clock right would not help
 * until the wrong time came round. Only edits the server has not taken
 * (above @cutoff_hlc) are touched, and their own fields' clocks with them;
 * the new stamps stay above every clock at or below the cutoff (another
 * workstation's too), and the next stamps follow on from these. */
static gboolean
write_restamp (AtSqlConn *conn, gpointer data, GError **error)
{
  Restamp *w = data;
  gint64 now = w->now_hlc, cutoff = w->cutoff_hlc;

  return at_sql_conn_exec (conn, "CREATE TEMP TABLE IF NOT EXISTS sync_restamp (old INTEGER PRIMARY KEY, new INTEGER NOT NULL); "
                                 "DELETE FROM temp.sync_restamp", error) &&
         at_sql_exec_bound (conn, error, "INSERT INTO temp.sync_restamp (old, new) "
                                         "SELECT hlc, max(?2, (SELECT coalesce(max(hlc), 0) FROM sync_clock WHERE hlc <= ?1)) "
                                         "+ row_number() OVER (ORDER BY hlc) FROM (SELECT DISTINCT hlc FROM sync_outbox "
                                         "WHERE hlc > ?1)", "ll", cutoff, now) &&
         at_sql_exec_bound (conn, error, "UPDATE sync_clock AS k SET hlc = r.new FROM temp.sync_restamp r, sync_outbox o "
                                         "WHERE o.hlc = r.old AND k.tbl = o.tbl AND k.pk = o.pk AND k.col = o.col "
                                         "AND k.hlc = o.hlc AND k.node = (SELECT node FROM sync_state)", "") &&
         /* (restamped, a field goes as this catalog's, whoever's clock it had) */
         at_sql_exec_bound (conn, error, "UPDATE sync_outbox AS o SET hlc = r.new, node = NULL FROM temp.sync_restamp r "
                                         "WHERE o.hlc = r.old", "") &&
         at_sql_exec_bound (conn, error, "UPDATE sync_state SET last_hlc = max(?2, (SELECT coalesce(max(new), 0) FROM "
                                         "temp.sync_restamp)) WHERE last_hlc > ?1", "ll", cutoff, now);
}

/* Before a push: edits stamped far ahead of the server's clock are stamped
 * again, once this clock is right (no edit is stamped later than the
 * clock's last value). */
gboolean
_at_sync_restamp_if_ahead (PGconn *pg, AtCatalog *catalog, GError **error)
{
  Restamp w = { 0 };
  gint64 last_hlc;

  w.now_hlc = (g_get_real_time () / 1000 + _at_sync_clock_offset ()) << 16;
  if ((last_hlc = _at_sync_local_int (catalog, "SELECT last_hlc FROM sync_state", error)) < 0)
    return FALSE;
  if (last_hlc > w.now_hlc + AHEAD_HLC)
    {
      /* Stamps far ahead of this clock: its own, from when it was ahead, or
       * another workstation's that the clock follows (this one is behind)?
       * The server's clock tells. Only stamps it would refuse are stamped
       * again, and only once this clock agrees with it: stamped back to a
       * clock that is behind, an edit would lose to the older one it
       * replaced, there and everywhere. */
      g_autoptr(PGresult) now = at_pg_query (pg, "SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint", 0, NULL,
                                             error);

      if (now == NULL)
        return FALSE;
      w.cutoff_hlc = (g_ascii_strtoll (PQgetvalue (now, 0, 0), NULL, 10) + MAX_AHEAD_MS) << 16;
      if (last_hlc > w.cutoff_hlc && w.now_hlc <= w.cutoff_hlc &&
          !at_catalog_write_sync (catalog, "sync_outbox", write_restamp, &w, error))
        return FALSE;
    }
  return TRUE;
}

/**
 * at_sync_clock_behind_text:
 * @report: a sync's report
 *
 * Returns: (nullable): what to tell of this computer's clock, if the sync
 * found it far behind the server's; %NULL otherwise.
 */
char *
at_sync_clock_behind_text (const AtSyncReport *report)
{
  gint64 s = report->clock_behind_s;
  g_autofree char *by = NULL;

  if (s <= 0)
    return NULL;
  /* (to the nearest unit: measured over a round trip, a day reads 86,399 s) */
  if (s >= 86400 - 1800)
    by = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d day", "%d days", (gulong) ((s + 43200) / 86400)),
                          (int) ((s + 43200) / 86400));
  else if (s >= 3600 - 30)
    by = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d hour", "%d hours", (gulong) ((s + 1800) / 3600)),
                          (int) ((s + 1800) / 3600));
  else
    by = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d minute", "%d minutes", (gulong) ((s + 30) / 60)),
                          (int) ((s + 30) / 60));
  /* Translators: %s is "2 days", "3 hours" or "10 minutes" */
  return g_strdup_printf (_("This computer’s clock is %s behind the server’s: edits made here count as older than they "
                            "are, and lose to edits made elsewhere since this computer last synced. Set the date and "
                            "time right."), by);
}
