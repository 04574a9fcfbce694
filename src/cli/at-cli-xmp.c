/* at-cli-xmp.c — `xmp write` and `xmp read`: the catalog and the sidecars
 * other applications read, in either direction. */
#define G_LOG_DOMAIN "atelier-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "at-cli.h"

static char *opt_catalog;
static char *opt_library;
static char *opt_style;

static const GOptionEntry entries[] = {
  { "catalog", 'c', 0, G_OPTION_ARG_FILENAME, &opt_catalog, N_("The catalog file (default: the workstation’s catalog)"), N_("PATH") },
  { "library", 'l', 0, G_OPTION_ARG_FILENAME, &opt_library, N_("The library folder the photos are in"), N_("DIR") },
  { "style", 0, 0, G_OPTION_ARG_STRING, &opt_style, N_("Sidecar names: adobe (IMG_0001.xmp, the default) or darktable (IMG_0001.CR3.xmp)"), N_("STYLE") },
  { NULL }
};

typedef gboolean (*PhotoFunc) (AtCatalog      *catalog,
                               AtSqlConn      *conn,
                               const char     *id,
                               const char     *sidecar,
                               GError        **error);

/* Runs @func on every photo named; every failure is reported, and the
 * exit status says whether there was one. */
static int
for_each_photo (int         argc,
                char      **argv,
                const char *summary,
                PhotoFunc   func)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("ID…"));
  g_autoptr(GError) error = NULL;
  g_autoptr(AtCatalog) catalog = NULL;
  g_autofree char *path = NULL;
  AtSidecarStyle style = AT_SIDECAR_ADOBE;
  AtSqlConn *conn;
  guint failed = 0;

  g_option_context_set_summary (context, summary);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!at_cli_parse_args (context, &argc, &argv))
    return AT_CLI_USAGE;
  if (argc < 2 || opt_library == NULL)
    {
      g_printerr ("atelier-cli: %s\n", _("give --library and at least one photo id"));
      return AT_CLI_USAGE;
    }
  if (opt_style != NULL && !at_sidecar_style_parse (opt_style, &style))
    {
      g_printerr ("atelier-cli: %s\n", _("--style takes adobe or darktable"));
      return AT_CLI_USAGE;
    }
  path = at_cli_catalog_path (opt_catalog);
  if (!at_paths_check_directory (opt_library, _("library"), &error) ||
      (catalog = at_catalog_open (path, AT_CATALOG_OPEN_DEFAULT, &error)) == NULL ||
      (conn = at_catalog_get_reader (catalog, &error)) == NULL)
    return at_cli_fail (error);

  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GError) local = NULL;
      g_autofree char *rel = NULL;
      g_autofree char *image = NULL;
      g_autofree char *sidecar = NULL;
      AtCullState state;

      if (at_photo_load_state (conn, argv[i], &state, &rel, &local))
        {
          image = g_build_filename (opt_library, rel, NULL);
          sidecar = at_xmp_sidecar_path (image, style);
          if (func (catalog, conn, argv[i], sidecar, &local))
            {
              g_print ("%s  %s\n", argv[i], sidecar);
              continue;
            }
        }
      g_printerr ("atelier-cli: %s: %s\n", argv[i], local->message);
      failed++;
    }
  return failed == 0 ? AT_CLI_OK : AT_CLI_FAILED;
}

static gboolean
write_one (AtCatalog  *catalog,
           AtSqlConn  *conn,
           const char *id,
           const char *sidecar,
           GError    **error)
{
  AtXmpData data;
  gboolean ok;

  at_xmp_data_init (&data);
  ok = at_xmp_data_load (conn, id, &data, NULL, error) && at_xmp_sidecar_write (sidecar, &data, error);
  at_xmp_data_clear (&data);
  return ok;
}

static gboolean
read_one (AtCatalog  *catalog,
          AtSqlConn  *conn,
          const char *id,
          const char *sidecar,
          GError    **error)
{
  AtXmpData data;
  gboolean ok;
  const char *ids[] = { id, NULL };

  at_xmp_data_init (&data);
  ok = at_xmp_sidecar_read (sidecar, &data, error) &&
       at_culling_write_sync (catalog, ids, &data.state, 1, error) &&
       at_keywords_replace_sync (catalog, id, data.keywords, error);
  at_xmp_data_clear (&data);
  return ok;
}

int
at_cli_xmp_write (int    argc,
                  char **argv)
{
  return for_each_photo (argc, argv, _("Write each photo’s stars, label, pick and keywords to its XMP sidecar, "
                                       "keeping what other applications wrote there."), write_one);
}

int
at_cli_xmp_read (int    argc,
                 char **argv)
{
  return for_each_photo (argc, argv, _("Read each photo’s XMP sidecar into the catalog: stars, label, pick and "
                                       "keywords."), read_one);
}
