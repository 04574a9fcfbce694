/* at-cli-catalog.c — `catalog init|info|check`. */
#define G_LOG_DOMAIN "atelier-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "at-cli.h"

static char *opt_catalog;
static gboolean opt_json;

static const GOptionEntry catalog_entries[] = {
  { "catalog", 'c', 0, G_OPTION_ARG_FILENAME, &opt_catalog, N_("The catalog file (default: the workstation’s catalog)"), N_("PATH") },
  { NULL }
};

static const GOptionEntry info_entries[] = {
  { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json, N_("Print JSON instead of a table"), NULL },
  { NULL }
};

static GOptionContext *
new_context (const char *summary)
{
  GOptionContext *context = g_option_context_new (NULL);

  g_option_context_set_summary (context, summary);
  g_option_context_add_main_entries (context, catalog_entries, GETTEXT_PACKAGE);
  return context;
}

int
at_cli_catalog_init (int    argc,
                     char **argv)
{
  g_autoptr(GOptionContext) context = new_context (_("Create a new, empty catalog."));
  g_autoptr(GError) error = NULL;
  g_autoptr(AtCatalog) catalog = NULL;
  g_autofree char *path = NULL;
  gboolean existed;

  if (!at_cli_parse (context, &argc, &argv))
    return AT_CLI_USAGE;
  path = at_cli_catalog_path (opt_catalog);
  existed = g_file_test (path, G_FILE_TEST_EXISTS);
  catalog = at_catalog_open (path, AT_CATALOG_OPEN_CREATE, &error);
  if (catalog == NULL)
    return at_cli_fail (error);
  if (existed)
    g_print (_("Catalog %s already exists (schema version %d); nothing to do.\n"),
             path, at_catalog_get_schema_version (catalog));
  else
    g_print (_("Created catalog %s (schema version %d).\n"), path, at_catalog_get_schema_version (catalog));
  return AT_CLI_OK;
}

int
at_cli_catalog_info (int    argc,
                     char **argv)
{
  g_autoptr(GOptionContext) context = new_context (_("Show the schema version and the row count of every table."));
  g_autoptr(GError) error = NULL;
  g_autoptr(AtCatalog) catalog = NULL;
  g_autoptr(GPtrArray) counts = NULL;
  g_autofree char *path = NULL;

  g_option_context_add_main_entries (context, info_entries, GETTEXT_PACKAGE);
  if (!at_cli_parse (context, &argc, &argv))
    return AT_CLI_USAGE;
  path = at_cli_catalog_path (opt_catalog);
  catalog = at_catalog_open (path, AT_CATALOG_OPEN_DEFAULT, &error);
  if (catalog == NULL)
    return at_cli_fail (error);
  counts = at_catalog_count_rows (catalog, &error);
  if (counts == NULL)
    return at_cli_fail (error);

  if (opt_json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *text = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "path");
      json_builder_add_string_value (b, path);
      json_builder_set_member_name (b, "schema_version");
      json_builder_add_int_value (b, at_catalog_get_schema_version (catalog));
      json_builder_set_member_name (b, "tables");
      json_builder_begin_object (b);
      for (guint i = 0; i < counts->len; i++)
        {
          AtTableCount *c = g_ptr_array_index (counts, i);
          json_builder_set_member_name (b, c->table);
          json_builder_add_int_value (b, c->rows);
        }
      json_builder_end_object (b);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      text = json_to_string (root, TRUE);
      g_print ("%s\n", text);
      return AT_CLI_OK;
    }

  g_print (_("Catalog:        %s\n"), path);
  g_print (_("Schema version: %d\n\n"), at_catalog_get_schema_version (catalog));
  for (guint i = 0; i < counts->len; i++)
    {
      AtTableCount *c = g_ptr_array_index (counts, i);
      g_print ("  %-28s %10" G_GINT64_FORMAT "\n", c->table, c->rows);
    }
  return AT_CLI_OK;
}

int
at_cli_catalog_check (int    argc,
                      char **argv)
{
  g_autoptr(GOptionContext) context = new_context (_("Check the catalog’s integrity and foreign keys."));
  g_autoptr(GError) error = NULL;
  g_autoptr(AtCatalog) catalog = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autofree char *path = NULL;

  if (!at_cli_parse (context, &argc, &argv))
    return AT_CLI_USAGE;
  path = at_cli_catalog_path (opt_catalog);
  catalog = at_catalog_open (path, AT_CATALOG_OPEN_DEFAULT, &error);
  if (catalog == NULL)
    return at_cli_fail (error);
  problems = at_catalog_check (catalog, &error);
  if (problems == NULL)
    return at_cli_fail (error);
  if (problems->len == 0)
    {
      g_print (_("Catalog %s is sound: integrity check and foreign key check found nothing.\n"), path);
      return AT_CLI_OK;
    }
  g_printerr (_("Catalog %s has %u problems:\n"), path, problems->len);
  for (guint i = 0; i < problems->len; i++)
    g_printerr ("  %s\n", (const char *) g_ptr_array_index (problems, i));
  return AT_CLI_FAILED;
}
