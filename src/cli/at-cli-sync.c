/* at-cli-sync.c — `server migrate|add-studio|add-workstation` for the
 * studio's administrator, and `sync` for a workstation. The server is a
 * libpq URL or conninfo (--server, or ATELIER_SERVER); a password not in it
 * comes from PGPASSWORD or ~/.pgpass, as for psql. */
#define G_LOG_DOMAIN "atelier-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "at-cli.h"

static char *opt_server;
static char *opt_catalog;
static char *opt_name;
static char *opt_studio;
static char *opt_password;
static gboolean opt_watch;
static int opt_interval = 30;

static const GOptionEntry server_entries[] = {
  { "server", 's', 0, G_OPTION_ARG_STRING, &opt_server, N_("The PostgreSQL server, as a URL or conninfo (default: $ATELIER_SERVER)"), N_("URL") },
  { "name", 0, 0, G_OPTION_ARG_STRING, &opt_name, N_("The studio’s name, or the workstation’s login"), N_("NAME") },
  { "studio", 0, 0, G_OPTION_ARG_STRING, &opt_studio, N_("The studio (id or name) the workstation belongs to"), N_("STUDIO") },
  { "password", 0, 0, G_OPTION_ARG_STRING, &opt_password, N_("The workstation’s password (default: one is made and printed)"), N_("PASSWORD") },
  { NULL }
};

static const GOptionEntry sync_entries[] = {
  { "catalog", 'c', 0, G_OPTION_ARG_FILENAME, &opt_catalog, N_("The catalog file (default: the workstation’s catalog)"), N_("PATH") },
  { "server", 's', 0, G_OPTION_ARG_STRING, &opt_server, N_("The PostgreSQL server, as a URL or conninfo (default: $ATELIER_SERVER)"), N_("URL") },
  { "watch", 'w', 0, G_OPTION_ARG_NONE, &opt_watch, N_("Keep syncing, every --interval seconds"), NULL },
  { "interval", 0, 0, G_OPTION_ARG_INT, &opt_interval, N_("Seconds between syncs with --watch (default 30)"), N_("SECONDS") },
  { NULL }
};

static const char *
server_url (void)
{
  return opt_server ? opt_server : g_getenv ("ATELIER_SERVER");
}

static int
usage (const char *message)
{
  g_printerr ("atelier-cli: %s\n", message);
  return AT_CLI_USAGE;
}

static gboolean
parse (GOptionContext *context, const char *summary, const GOptionEntry *entries, int *argc, char ***argv)
{
  g_option_context_set_summary (context, summary);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  return at_cli_parse (context, argc, argv);
}

int
at_cli_server_migrate (int argc, char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  int from = 0, to = 0;

  if (!parse (context, _("Create or upgrade Atelier’s schema on the central server (as its owner)."), server_entries,
              &argc, &argv))
    return AT_CLI_USAGE;
  if (server_url () == NULL)
    return usage (_("give --server (or set ATELIER_SERVER)"));
  if (!at_sync_server_migrate (server_url (), &from, &to, &error))
    return at_cli_fail (error);
  if (from == to)
    g_print (_("The server’s schema is at version %d: nothing to do.\n"), to);
  else
    g_print (_("The server’s schema went from version %d to %d.\n"), from, to);
  return AT_CLI_OK;
}

int
at_cli_server_add_studio (int argc, char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;

  if (!parse (context, _("Add a studio to the central server; prints its id."), server_entries, &argc, &argv))
    return AT_CLI_USAGE;
  if (server_url () == NULL || opt_name == NULL || *opt_name == '\0')
    return usage (_("give --server and --name"));
  if ((id = at_sync_server_add_studio (server_url (), opt_name, &error)) == NULL)
    return at_cli_fail (error);
  g_print ("%s\n", id);
  return AT_CLI_OK;
}

int
at_cli_server_add_workstation (int argc, char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *made = NULL;
  const char *password;

  if (!parse (context, _("Add a workstation login for a studio."), server_entries, &argc, &argv))
    return AT_CLI_USAGE;
  if (server_url () == NULL || opt_name == NULL || opt_studio == NULL)
    return usage (_("give --server, --studio and --name"));
  password = opt_password;
  if (password == NULL)
    {
      /* 128 random bits, printed once: the workstation keeps it in its keyring */
      made = g_strdup_printf ("%08x%08x%08x%08x", g_random_int (), g_random_int (), g_random_int (), g_random_int ());
      password = made;
    }
  if (!at_sync_server_add_workstation (server_url (), opt_studio, opt_name, password, &error))
    return at_cli_fail (error);
  if (made != NULL)
    g_print (_("Workstation “%s” added; its password: %s\n"), opt_name, made);
  else
    g_print (_("Workstation “%s” added.\n"), opt_name);
  return AT_CLI_OK;
}

int
at_cli_server_min_client (int argc, char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("VERSION"));
  g_autoptr(GError) error = NULL;
  char *end = NULL;
  gint64 version;

  g_option_context_set_summary (context, _("Refuse workstations whose catalog schema is older than VERSION (they keep "
                                           "their changes until Atelier is upgraded on them); 0 accepts every one."));
  g_option_context_add_main_entries (context, server_entries, GETTEXT_PACKAGE);
  if (!at_cli_parse_args (context, &argc, &argv))
    return AT_CLI_USAGE;
  if (server_url () == NULL || argc != 2)
    return usage (_("give --server and a catalog schema version"));
  version = g_ascii_strtoll (argv[1], &end, 10);
  if (end == argv[1] || *end != '\0' || version < 0 || version > G_MAXINT)
    return usage (_("the version is a whole number"));
  if (!at_sync_server_set_min_client (server_url (), (int) version, &error))
    return at_cli_fail (error);
  g_print (_("Workstations need catalog schema %d or later.\n"), (int) version);
  return AT_CLI_OK;
}

static gboolean
sync_and_print (AtCatalog *catalog, GError **error)
{
  AtSyncReport r;

  if (!at_sync_once (catalog, server_url (), &r, NULL, error))
    return FALSE;
  if (r.recovered)
    g_print (_("The last push had reached the server; its answer had been lost.\n"));
  if (r.resent_all)
    g_print (_("The server had lost changes it had taken, or is not the one of before (restored from a backup? "
               "moved?): this catalog sent all it holds again, and read everything from the server again.\n"));
  else if (r.read_again)
    g_print (_("The server’s feed was behind this catalog’s place in it (was the server moved or restored?): "
               "everything was read again.\n"));
  if (r.reregistered && !r.resent_all)
    g_print (_("This catalog is older than the server knew, or a copy of it synced too (restored from a backup? "
               "copied?): it syncs under a new identity.\n"));
  g_print (_("Pushed %u fields, pulled %u (%u applied), %u waiting to push.\n"), r.pushed, r.pulled, r.applied, r.pending);
  {
    g_autofree char *clock = at_sync_clock_behind_text (&r);
    if (clock != NULL)
      g_printerr ("%s\n", clock);
  }
  if (r.conflicts > 0)
    g_print (g_dngettext (GETTEXT_PACKAGE,
                          "%u pulled value does not fit with what is here (a project number taken, say): kept aside, "
                          "not applied.\n",
                          "%u pulled values do not fit with what is here (a project number taken, say): kept aside, "
                          "not applied.\n", r.conflicts), r.conflicts);
  if (r.settled > 0)
    g_print (g_dngettext (GETTEXT_PACKAGE, "%u value kept aside before came in: its clash was settled.\n",
                          "%u values kept aside before came in: their clashes were settled.\n", r.settled), r.settled);
  {
    g_autoptr(GPtrArray) kept = at_sync_list_conflicts (catalog, NULL);
    for (guint i = 0; kept != NULL && i < kept->len; i++)
      g_print (_("Kept aside: %s\n"), (const char *) kept->pdata[i]);
  }
  return TRUE;
}

int
at_cli_sync (int argc, char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AtCatalog) catalog = NULL;
  g_autofree char *path = NULL;

  if (!parse (context, _("Sync the catalog with the central server: push local changes, pull the others’."), sync_entries,
              &argc, &argv))
    return AT_CLI_USAGE;
  if (server_url () == NULL)
    return usage (_("give --server (or set ATELIER_SERVER)"));
  if (opt_interval < 1)
    return usage (_("--interval takes a number of seconds"));
  path = at_cli_catalog_path (opt_catalog);
  if ((catalog = at_catalog_open (path, AT_CATALOG_OPEN_DEFAULT, &error)) == NULL)
    return at_cli_fail (error);
  if (!opt_watch)
    return sync_and_print (catalog, &error) ? AT_CLI_OK : at_cli_fail (error);
  for (;;)
    {
      /* offline is normal while watching (and a server busy, another sync
       * of the catalog, or the catalog held by another program a while):
       * say so and try again; a login refused, a schema too old or a clock
       * far off wait on a person: fail */
      if (!sync_and_print (catalog, &error))
        {
          if (!g_error_matches (error, AT_SYNC_ERROR, AT_SYNC_ERROR_OFFLINE) &&
              !g_error_matches (error, AT_SYNC_ERROR, AT_SYNC_ERROR_BUSY) &&
              !g_error_matches (error, AT_CATALOG_ERROR, AT_CATALOG_ERROR_BUSY) &&
              !g_error_matches (error, AT_SYNC_ERROR, AT_SYNC_ERROR_SERVER))
            return at_cli_fail (error);
          g_printerr ("atelier-cli: %s\n", error->message);
          g_clear_error (&error);
        }
      g_usleep ((gulong) opt_interval * G_USEC_PER_SEC);
    }
}
