/* at-cli-albums.c — `albums create|rename|add|remove`. */
#define G_LOG_DOMAIN "atelier-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "at-cli.h"

static char *opt_catalog;
static char *opt_project;
static char *opt_name;
static char *opt_type;
static char *opt_album;

static const GOptionEntry create_entries[] = {
  { "catalog", 'c', 0, G_OPTION_ARG_FILENAME, &opt_catalog, N_("The catalog file (default: the workstation’s catalog)"), N_("PATH") },
  { "project", 0, 0, G_OPTION_ARG_STRING, &opt_project, N_("The project (id, name or number)"), N_("PROJECT") },
  { "name", 0, 0, G_OPTION_ARG_STRING, &opt_name, N_("The album’s name"), N_("NAME") },
  { "type", 0, 0, G_OPTION_ARG_STRING, &opt_type, N_("raw, proof (the default), edited, final or backup"), N_("TYPE") },
  { NULL }
};

static const GOptionEntry album_entries[] = {
  { "catalog", 'c', 0, G_OPTION_ARG_FILENAME, &opt_catalog, N_("The catalog file (default: the workstation’s catalog)"), N_("PATH") },
  { "album", 0, 0, G_OPTION_ARG_STRING, &opt_album, N_("The album (id or name)"), N_("ALBUM") },
  { "name", 0, 0, G_OPTION_ARG_STRING, &opt_name, N_("The new name (rename)"), N_("NAME") },
  { NULL }
};

static AtCatalog *
open_catalog (GError **error)
{
  g_autofree char *path = at_cli_catalog_path (opt_catalog);
  return at_catalog_open (path, AT_CATALOG_OPEN_DEFAULT, error);
}

static int
usage (const char *message)
{
  g_printerr ("atelier-cli: %s\n", message);
  return AT_CLI_USAGE;
}

int
at_cli_albums_create (int argc, char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AtCatalog) catalog = NULL;
  g_autofree char *id = NULL;

  g_option_context_set_summary (context, _("Create an album in a project."));
  g_option_context_add_main_entries (context, create_entries, GETTEXT_PACKAGE);
  if (!at_cli_parse (context, &argc, &argv))
    return AT_CLI_USAGE;
  if (opt_project == NULL || opt_name == NULL || *opt_name == '\0')
    return usage (_("give --project and --name"));
  if ((catalog = open_catalog (&error)) == NULL ||
      (id = at_album_create (catalog, opt_project, opt_name, opt_type, &error)) == NULL)
    return at_cli_fail (error);
  g_print ("%s\n", id);
  return AT_CLI_OK;
}

int
at_cli_albums_rename (int argc, char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AtCatalog) catalog = NULL;

  g_option_context_set_summary (context, _("Rename an album."));
  g_option_context_add_main_entries (context, album_entries, GETTEXT_PACKAGE);
  if (!at_cli_parse (context, &argc, &argv))
    return AT_CLI_USAGE;
  if (opt_album == NULL || opt_name == NULL || *opt_name == '\0')
    return usage (_("give --album and --name"));
  if ((catalog = open_catalog (&error)) == NULL || !at_album_rename (catalog, opt_album, opt_name, &error))
    return at_cli_fail (error);
  return AT_CLI_OK;
}

static int
set_members (int argc, char **argv, gboolean present)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("ID…"));
  g_autoptr(GError) error = NULL;
  g_autoptr(AtCatalog) catalog = NULL;

  g_option_context_set_summary (context, present ? _("Add photos to an album.") : _("Take photos out of an album."));
  g_option_context_add_main_entries (context, album_entries, GETTEXT_PACKAGE);
  if (!at_cli_parse_args (context, &argc, &argv))
    return AT_CLI_USAGE;
  if (opt_album == NULL || argc < 2)
    return usage (_("give --album and at least one photo id"));
  if ((catalog = open_catalog (&error)) == NULL ||
      !at_album_set_photos (catalog, opt_album, (const char *const *) argv + 1, present, &error))
    return at_cli_fail (error);
  return AT_CLI_OK;
}

int
at_cli_albums_add (int argc, char **argv)
{
  return set_members (argc, argv, TRUE);
}

int
at_cli_albums_remove (int argc, char **argv)
{
  return set_members (argc, argv, FALSE);
}
