/* at-cli-sync-history.c — `sync history`: what this catalog's syncs did
 * (the app's and the command line's), as the Sync page lists them. */
#define G_LOG_DOMAIN "atelier-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "at-cli.h"
#include "at-sync-history.h"

static char *opt_catalog;
static int opt_last = 20;

static const GOptionEntry entries[] = {
  { "catalog", 'c', 0, G_OPTION_ARG_FILENAME, &opt_catalog, N_("The catalog file (default: the workstation’s catalog)"), N_("PATH") },
  { "last", 'n', 0, G_OPTION_ARG_INT, &opt_last, N_("How many of the newest to show (default 20)"), N_("N") },
  { NULL }
};

int
at_cli_sync_history (int argc, char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AtCatalog) catalog = NULL;
  g_autoptr(GPtrArray) history = NULL;
  g_autofree char *path = NULL;

  g_option_context_set_summary (context, _("What this catalog’s syncs did, oldest first: what each sent and received, "
                                           "or why it failed. Syncs in a row that ended alike share a line."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!at_cli_parse_args (context, &argc, &argv))
    return AT_CLI_USAGE;
  if (argc > 1 || opt_last < 1)
    {
      g_printerr ("atelier-cli: %s\n", argc > 1 ? _("unexpected argument") : _("--last needs a number above 0"));
      return AT_CLI_USAGE;
    }
  path = at_cli_catalog_path (opt_catalog);
  if ((catalog = at_catalog_open (path, AT_CATALOG_OPEN_DEFAULT, &error)) == NULL ||
      (history = at_sync_list_history (catalog, (guint) opt_last, &error)) == NULL)
    return at_cli_fail (error);
  if (history->len == 0)
    g_print ("%s\n", _("No sync yet: set a server and run “atelier-cli sync”."));
  for (guint i = history->len; i-- > 0;)
    {
      AtSyncHistoryEntry *e = history->pdata[i];
      g_autofree char *last = g_date_time_format (e->last, "%Y-%m-%d %H:%M:%S");

      g_print ("%s %s", e->failed ? "✗" : "✓", last);
      if (e->times > 1)
        {
          g_autofree char *first = g_date_time_format (e->first, "%Y-%m-%d %H:%M:%S");
          g_print (g_dngettext (GETTEXT_PACKAGE, " (%u time since %s)", " (%u times since %s)", e->times), e->times, first);
        }
      g_print ("  %s\n", e->what);
    }
  return AT_CLI_OK;
}
