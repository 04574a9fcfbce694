/* at-cli-sync-projects.c — `sync projects|follow|unfollow`: which projects
 * a workstation follows (partial sync). Local only: the next `sync` brings
 * a followed project's rows. */
#define G_LOG_DOMAIN "atelier-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "at-cli.h"

static char *opt_catalog;
static gboolean opt_all, opt_chosen;

static const GOptionEntry entries[] = {
  { "catalog", 'c', 0, G_OPTION_ARG_FILENAME, &opt_catalog, N_("The catalog file (default: the workstation’s catalog)"), N_("PATH") },
  { NULL }
};

static const GOptionEntry follow_entries[] = {
  { "catalog", 'c', 0, G_OPTION_ARG_FILENAME, &opt_catalog, N_("The catalog file (default: the workstation’s catalog)"), N_("PATH") },
  { "all", 'a', 0, G_OPTION_ARG_NONE, &opt_all, N_("Follow every project, now and as they are added"), NULL },
  { "chosen", 0, 0, G_OPTION_ARG_NONE, &opt_chosen, N_("Follow only the projects followed now and those named"), NULL },
  { NULL }
};

static AtCatalog *
open_catalog (GError **error)
{
  g_autofree char *path = at_cli_catalog_path (opt_catalog);

  return at_catalog_open (path, AT_CATALOG_OPEN_DEFAULT, error);
}

static gboolean
parse (GOptionContext *context, const char *summary, const GOptionEntry *options, int *argc, char ***argv)
{
  g_option_context_set_summary (context, summary);
  g_option_context_add_main_entries (context, options, GETTEXT_PACKAGE);
  return at_cli_parse_args (context, argc, argv);
}

int
at_cli_sync_projects (int argc, char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AtCatalog) catalog = NULL;
  g_autoptr(GPtrArray) projects = NULL;
  gboolean all;

  if (!parse (context, _("List the studio’s projects and which this workstation follows."), entries, &argc, &argv))
    return AT_CLI_USAGE;
  if (argc > 1)
    {
      g_printerr ("atelier-cli: %s “%s”\n", _("unexpected argument"), argv[1]);
      return AT_CLI_USAGE;
    }
  if ((catalog = open_catalog (&error)) == NULL)
    return at_cli_fail (error);
  all = at_sync_follows_all (catalog, &error);
  if (error != NULL || (projects = at_sync_list_projects (catalog, &error)) == NULL)
    return at_cli_fail (error);
  g_print ("%s\n", all ? _("Following every project of the studio.") : _("Following chosen projects only."));
  for (guint i = 0; i < projects->len; i++)
    {
      AtSyncProject *p = projects->pdata[i];

      g_print ("%s %-12s %s", p->followed ? "●" : "○", p->number, p->name);
      if (p->pending > 0)
        g_print (g_dngettext (GETTEXT_PACKAGE, "  (%u change to send)", "  (%u changes to send)", p->pending), p->pending);
      g_print ("\n");
    }
  return AT_CLI_OK;
}

int
at_cli_sync_follow (int argc, char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("PROJECT…"));
  g_autoptr(GError) error = NULL;
  g_autoptr(AtCatalog) catalog = NULL;

  if (!parse (context, _("Follow projects (id, name or number): their photos and work sync to this workstation."),
              follow_entries, &argc, &argv))
    return AT_CLI_USAGE;
  if ((opt_all && (opt_chosen || argc > 1)) || (!opt_all && !opt_chosen && argc < 2))
    {
      g_printerr ("atelier-cli: %s\n", _("give projects (with --chosen if you like), or --all"));
      return AT_CLI_USAGE;
    }
  if ((catalog = open_catalog (&error)) == NULL)
    return at_cli_fail (error);
  if ((opt_all || opt_chosen) && !at_sync_set_follow_all (catalog, opt_all, &error))
    return at_cli_fail (error);
  for (int i = 1; i < argc; i++)
    {
      if (!at_sync_follow (catalog, argv[i], &error))
        return at_cli_fail (error);
      g_print (_("Following “%s”: its rows come with the next sync.\n"), argv[i]);
    }
  return AT_CLI_OK;
}

int
at_cli_sync_unfollow (int argc, char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("PROJECT…"));
  g_autoptr(GError) error = NULL;
  g_autoptr(AtCatalog) catalog = NULL;

  if (!parse (context, _("Stop following projects: their rows leave this catalog (the server and the photo files keep "
                         "them). Refused while changes to them wait to be sent."), entries, &argc, &argv))
    return AT_CLI_USAGE;
  if (argc < 2)
    {
      g_printerr ("atelier-cli: %s\n", _("give at least one project"));
      return AT_CLI_USAGE;
    }
  if ((catalog = open_catalog (&error)) == NULL)
    return at_cli_fail (error);
  for (int i = 1; i < argc; i++)
    {
      guint removed = 0;

      if (!at_sync_unfollow (catalog, argv[i], &removed, &error))
        return at_cli_fail (error);
      g_print (g_dngettext (GETTEXT_PACKAGE, "No longer following “%s”: %u row left this catalog.\n",
                            "No longer following “%s”: %u rows left this catalog.\n", removed), argv[i], removed);
    }
  return AT_CLI_OK;
}
