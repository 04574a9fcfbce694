/* at-cli-doctor.c — `doctor [--catalog PATH] [--models DIR]`: whether this
 * workstation has what Atelier needs — the catalog opens at its schema,
 * the image library starts, the face models are there and are the ones
 * Atelier was built for — each with what to do when it is not. Exit status
 * 1 when anything is wrong. */
#define G_LOG_DOMAIN "atelier-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "at-cli.h"

static char *opt_catalog, *opt_models;

static const GOptionEntry entries[] = {
  { "catalog", 'c', 0, G_OPTION_ARG_FILENAME, &opt_catalog, N_("The catalog file (default: the workstation’s catalog)"),
    N_("PATH") },
  { "models", 0, 0, G_OPTION_ARG_FILENAME, &opt_models, N_("The face models’ folder (default: $ATELIER_FACE_MODELS, "
    "else the installed ones)"), N_("DIR") },
  { NULL }
};

static gboolean
report (const char *what, const GError *error, const char *detail)
{
  if (error == NULL)
    g_print ("✓ %s: %s\n", what, detail);
  else
    g_print ("✗ %s: %s\n", what, error->message);
  return error == NULL;
}

int
at_cli_doctor (int argc, char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) catalog_error = NULL;
  g_autoptr(GError) vips_error = NULL;
  g_autoptr(GError) faces_error = NULL;
  g_autoptr(AtCatalog) catalog = NULL;
  g_autoptr(AtFaceEngine) engine = NULL;
  g_autofree char *path = NULL;
  g_autofree char *models = NULL;
  g_autofree char *catalog_detail = NULL;
  g_autofree char *faces_detail = NULL;
  gboolean ok = TRUE;

  g_option_context_set_summary (context, _("Check that this workstation has what Atelier needs."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!at_cli_parse (context, &argc, &argv))
    return AT_CLI_USAGE;
  path = at_cli_catalog_path (opt_catalog);
  catalog = at_catalog_open (path, AT_CATALOG_OPEN_DEFAULT, &catalog_error);
  catalog_detail = g_strdup_printf (_("%s, schema %d"), path, catalog ? at_catalog_get_schema_version (catalog) : 0);
  ok &= report (_("Catalog"), catalog_error, catalog_detail);
  at_vips_init (&vips_error);
  ok &= report (_("Image library"), vips_error, "libvips " VIPS_VERSION);
  models = opt_models ? g_strdup (opt_models) : at_face_models_dir ();
  engine = at_face_engine_new (models, &faces_error);
  faces_detail = g_strdup_printf (_("%s (checked against their SHA-256)"), models);
  ok &= report (_("Face models"), faces_error, faces_detail);
  return ok ? 0 : AT_CLI_FAILED;
}
