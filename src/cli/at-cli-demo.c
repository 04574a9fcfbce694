/* at-cli-demo.c — `demo`: a sample studio with real JPEG files. */
#define G_LOG_DOMAIN "atelier-cli"

#include "config.h"

#include <unistd.h>
#include <glib/gi18n.h>

#include "at-cli.h"

static char *opt_catalog;
static char *opt_library;
static int opt_photos = AT_DEMO_DEFAULT_PHOTOS;

static const GOptionEntry entries[] = {
  { "catalog", 'c', 0, G_OPTION_ARG_FILENAME, &opt_catalog, N_("The catalog file; created when missing"), N_("PATH") },
  { "library", 'l', 0, G_OPTION_ARG_FILENAME, &opt_library, N_("The library folder the photos go to (must exist)"), N_("DIR") },
  { "photos", 'n', 0, G_OPTION_ARG_INT, &opt_photos, N_("How many photos to make (default 360)"), N_("N") },
  { NULL }
};

static void
progress_cb (guint    done,
             guint    total,
             gpointer user_data)
{
  gint64 *started = user_data;
  double secs = (g_get_monotonic_time () - *started) / 1e6;

  if (isatty (STDERR_FILENO))
    g_printerr ("\r%s", "");
  g_printerr (_("%u of %u photos cataloged (%.0f photos/s)%s"), done, total,
              secs > 0 ? done / secs : 0.0, isatty (STDERR_FILENO) && done < total ? "" : "\n");
}

int
at_cli_demo (int    argc,
             char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AtCatalog) catalog = NULL;
  g_autofree char *path = NULL;
  g_autofree char *library = NULL;
  g_autoptr(GPtrArray) counts = NULL;
  AtDemoSummary summary = { 0 };
  gint64 started;

  g_option_context_set_summary (context,
                                _("Fill a catalog with a sample studio: customers, contracts, payments, "
                                  "schedules, and a wedding day of real JPEG files from two camera bodies."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!at_cli_parse (context, &argc, &argv))
    return AT_CLI_USAGE;
  if (opt_photos < 0 || opt_photos > 1000000)
    {
      g_printerr ("atelier-cli: %s\n", _("--photos must be between 0 and 1000000"));
      return AT_CLI_USAGE;
    }

  path = at_cli_catalog_path (opt_catalog);
  library = opt_library ? g_strdup (opt_library) : at_paths_default_library ();
  /* Check the library before the catalog is created, so a typo leaves nothing behind. */
  if (!at_paths_check_directory (library, _("library"), &error))
    return at_cli_fail (error);

  catalog = at_catalog_open (path, AT_CATALOG_OPEN_CREATE, &error);
  if (catalog == NULL)
    return at_cli_fail (error);

  started = g_get_monotonic_time ();
  if (!at_demo_generate (catalog, library, (guint) opt_photos, progress_cb, &started, NULL, &summary, &error))
    return at_cli_fail (error);

  g_print (_("Demo studio written to %s in %.1f s:\n"), path, (g_get_monotonic_time () - started) / 1e6);
  g_print (_("  %u photos (%.1f MB) of “%s” in %s\n"), summary.photos, summary.bytes / 1e6,
           summary.project_name, summary.wedding_folder);
  counts = at_catalog_count_rows (catalog, &error);
  if (counts == NULL)
    return at_cli_fail (error);
  for (guint i = 0; i < counts->len; i++)
    {
      AtTableCount *c = g_ptr_array_index (counts, i);
      if (c->rows > 0 && !g_str_equal (c->table, "schema_migrations"))
        g_print ("  %-28s %8" G_GINT64_FORMAT "\n", c->table, c->rows);
    }
  at_demo_summary_clear (&summary);
  return AT_CLI_OK;
}
