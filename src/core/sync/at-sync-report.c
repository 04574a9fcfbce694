/* at-sync-report.c — what a sync's report tells a person, beyond its
 * counts: for the Sync section and atelier-cli sync alike. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "at-sync-client.h"

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
  if (s >= 86400)
    by = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d day", "%d days", (gulong) (s / 86400)), (int) (s / 86400));
  else if (s >= 3600)
    by = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d hour", "%d hours", (gulong) (s / 3600)), (int) (s / 3600));
  else
    by = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d minute", "%d minutes", (gulong) (s / 60)), (int) (s / 60));
  /* Translators: %s is "2 days", "3 hours" or "10 minutes" */
  return g_strdup_printf (_("This computer’s clock is %s behind the server’s: edits made here count as older than they "
                            "are, and lose to edits made elsewhere since this computer last synced. Set the date and "
                            "time right."), by);
}
