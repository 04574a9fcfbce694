/* at-cli-photos.c — `photos list` and `photos set`: culling from a shell. */
#define G_LOG_DOMAIN "atelier-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "at-cli.h"

static char *opt_catalog;
static gboolean opt_json;
static int opt_rating_min;
static char *opt_label;
static char *opt_flag;
static char *opt_album, *opt_person;
static char *opt_body;
static char *opt_project;
static char *opt_text;
static char *opt_from;
static char *opt_to;
static int opt_rating = -2;
static char **opt_add_keywords;
static char **opt_remove_keywords;

static const GOptionEntry list_entries[] = {
  { "catalog", 'c', 0, G_OPTION_ARG_FILENAME, &opt_catalog, N_("The catalog file (default: the workstation’s catalog)"), N_("PATH") },
  { "rating-min", 0, 0, G_OPTION_ARG_INT, &opt_rating_min, N_("At least this many stars (1–5)"), N_("N") },
  { "label", 0, 0, G_OPTION_ARG_STRING, &opt_label, N_("Colour label: red, yellow, green, blue, purple or none"), N_("LABEL") },
  { "flag", 0, 0, G_OPTION_ARG_STRING, &opt_flag, N_("picked, rejected or none"), N_("FLAG") },
  { "album", 0, 0, G_OPTION_ARG_STRING, &opt_album, N_("In this album (name or id)"), N_("ALBUM") },
  { "person", 0, 0, G_OPTION_ARG_STRING, &opt_person, N_("Showing this person (name or id), confirmed"), N_("PERSON") },
  { "body", 0, 0, G_OPTION_ARG_STRING, &opt_body, N_("Shot with the camera of this serial number"), N_("SERIAL") },
  { "project", 0, 0, G_OPTION_ARG_STRING, &opt_project, N_("In this project (id, name or number)"), N_("PROJECT") },
  { "text", 0, 0, G_OPTION_ARG_STRING, &opt_text, N_("Text in the file name or a keyword"), N_("TEXT") },
  { "from", 0, 0, G_OPTION_ARG_STRING, &opt_from, N_("Taken on this day or later (the camera’s date)"), N_("YYYY-MM-DD") },
  { "to", 0, 0, G_OPTION_ARG_STRING, &opt_to, N_("Taken on this day or earlier"), N_("YYYY-MM-DD") },
  { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json, N_("Print JSON"), NULL },
  { NULL }
};

static const GOptionEntry set_entries[] = {
  { "catalog", 'c', 0, G_OPTION_ARG_FILENAME, &opt_catalog, N_("The catalog file (default: the workstation’s catalog)"), N_("PATH") },
  { "rating", 0, 0, G_OPTION_ARG_INT, &opt_rating, N_("Stars, 0–5"), N_("N") },
  { "label", 0, 0, G_OPTION_ARG_STRING, &opt_label, N_("Colour label: red, yellow, green, blue, purple or none"), N_("LABEL") },
  { "flag", 0, 0, G_OPTION_ARG_STRING, &opt_flag, N_("picked, rejected or none"), N_("FLAG") },
  { "add-keyword", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt_add_keywords, N_("Add a keyword (levels joined by |); repeatable"), N_("KEYWORD") },
  { "remove-keyword", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt_remove_keywords, N_("Take a keyword off; repeatable"), N_("KEYWORD") },
  { NULL }
};

static gboolean
usage (const char *message)
{
  g_printerr ("atelier-cli: %s\n", message);
  return FALSE;
}

static gboolean
parse_label_flag (AtLabel *label, gboolean *has_label, AtFlag *flag, gboolean *has_flag)
{
  *has_label = opt_label != NULL;
  *has_flag = opt_flag != NULL;
  if (opt_label != NULL && !at_label_parse (opt_label, label))
    return usage (_("--label takes red, yellow, green, blue, purple or none"));
  if (opt_flag != NULL && !at_flag_parse (opt_flag, flag))
    return usage (_("--flag takes picked, rejected or none"));
  return TRUE;
}

int
at_cli_photos_list (int    argc,
                    char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AtCatalog) catalog = NULL;
  g_autofree char *path = NULL;
  g_autofree char *where = NULL;
  g_autofree char *sql = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  AtPhotoFilter filter;
  AtSqlConn *conn;
  sqlite3_stmt *stmt;
  int n_params, rc;
  guint n = 0;

  g_option_context_set_summary (context, _("List the photos that match every filter given, in capture order."));
  g_option_context_add_main_entries (context, list_entries, GETTEXT_PACKAGE);
  if (!at_cli_parse (context, &argc, &argv))
    return AT_CLI_USAGE;
  at_photo_filter_init (&filter);
  if (!parse_label_flag (&filter.label, &filter.has_label, &filter.flag, &filter.has_flag))
    return AT_CLI_USAGE;
  if (opt_rating_min < 0 || opt_rating_min > 5)
    return usage (_("--rating-min takes 1 to 5")), AT_CLI_USAGE;
  filter.rating_min = opt_rating_min;
  filter.album = g_strdup (opt_album);
  filter.person = g_strdup (opt_person);
  filter.body_serial = g_strdup (opt_body);
  filter.project = g_strdup (opt_project);
  filter.text = g_strdup (opt_text);
  if ((opt_from != NULL && (filter.date_from = at_photo_filter_parse_date (opt_from, &error)) == NULL) ||
      (opt_to != NULL && (filter.date_to = at_photo_filter_parse_date (opt_to, &error)) == NULL))
    {
      at_photo_filter_clear (&filter);
      return usage (error->message), AT_CLI_USAGE;
    }

  path = at_cli_catalog_path (opt_catalog);
  if ((catalog = at_catalog_open (path, AT_CATALOG_OPEN_DEFAULT, &error)) == NULL ||
      (conn = at_catalog_get_reader (catalog, &error)) == NULL)
    {
      at_photo_filter_clear (&filter);
      return at_cli_fail (error);
    }
  where = at_photo_filter_where (&filter, 1, &n_params);
  sql = g_strdup_printf ("SELECT p.id, p.file_name, p.capture_time, p.rating, p.color_label, p.picked, "
                         "p.library_path FROM photos p %s ORDER BY p.capture_time, p.id", where);
  if ((stmt = at_sql_conn_prepare (conn, sql, &error)) == NULL)
    {
      at_photo_filter_clear (&filter);
      return at_cli_fail (error);
    }
  at_photo_filter_bind (&filter, stmt, 1);
  json_builder_begin_array (b);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      AtCullState s = { sqlite3_column_int (stmt, 3), at_label_from_string ((const char *) sqlite3_column_text (stmt, 4)),
                        sqlite3_column_int (stmt, 5) != 0 };
      const char *id = (const char *) sqlite3_column_text (stmt, 0);
      const char *name = (const char *) sqlite3_column_text (stmt, 1);

      n++;
      if (!opt_json)
        {
          g_print ("%s  %-44s  %2d  %-6s  %s\n", id, name, s.rating, at_label_to_string (s.label),
                   at_flag_to_string (at_cull_state_get_flag (&s)));
          continue;
        }
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, id);
      json_builder_set_member_name (b, "file_name");
      json_builder_add_string_value (b, name);
      json_builder_set_member_name (b, "library_path");
      json_builder_add_string_value (b, (const char *) sqlite3_column_text (stmt, 6));
      json_builder_set_member_name (b, "capture_time");
      json_builder_add_string_value (b, (const char *) sqlite3_column_text (stmt, 2));
      json_builder_set_member_name (b, "rating");
      json_builder_add_int_value (b, s.rating);
      json_builder_set_member_name (b, "label");
      json_builder_add_string_value (b, at_label_to_string (s.label));
      json_builder_set_member_name (b, "flag");
      json_builder_add_string_value (b, at_flag_to_string (at_cull_state_get_flag (&s)));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  at_sql_stmt_release (stmt);
  at_photo_filter_clear (&filter);
  if (rc != SQLITE_DONE)
    {
      at_sql_set_error (at_sql_conn_get_db (conn), rc, _("Could not list photos"), &error);
      return at_cli_fail (error);
    }
  if (opt_json)
    {
      g_autoptr(JsonNode) root = json_builder_get_root (b);
      g_autofree char *text = json_to_string (root, TRUE);
      g_print ("%s\n", text);
    }
  else
    g_printerr (g_dngettext (GETTEXT_PACKAGE, "%u photo\n", "%u photos\n", n), n);
  return AT_CLI_OK;
}

int
at_cli_photos_set (int    argc,
                   char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("ID…"));
  g_autoptr(GError) error = NULL;
  g_autoptr(AtCatalog) catalog = NULL;
  g_autofree char *path = NULL;
  g_autofree AtCullState *states = NULL;
  AtCullChange change = { 0, 0, AT_LABEL_NONE, AT_FLAG_NONE };
  gboolean has_label, has_flag;
  AtSqlConn *conn;
  int n_ids;

  g_option_context_set_summary (context, _("Set stars, colour label, flag or keywords on photos, by id."));
  g_option_context_add_main_entries (context, set_entries, GETTEXT_PACKAGE);
  if (!at_cli_parse_args (context, &argc, &argv) || !parse_label_flag (&change.label, &has_label, &change.flag, &has_flag))
    return AT_CLI_USAGE;
  if (argc < 2)
    return usage (_("name at least one photo id")), AT_CLI_USAGE;
  if (opt_rating != -2 && (opt_rating < 0 || opt_rating > 5))
    return usage (_("--rating takes 0 to 5")), AT_CLI_USAGE;
  change.fields = (opt_rating != -2 ? AT_CULL_RATING : 0) | (has_label ? AT_CULL_LABEL : 0) | (has_flag ? AT_CULL_FLAG : 0);
  change.rating = opt_rating;
  if (change.fields == 0 && opt_add_keywords == NULL && opt_remove_keywords == NULL)
    return usage (_("say what to set: --rating, --label, --flag or a keyword")), AT_CLI_USAGE;

  path = at_cli_catalog_path (opt_catalog);
  if ((catalog = at_catalog_open (path, AT_CATALOG_OPEN_DEFAULT, &error)) == NULL ||
      (conn = at_catalog_get_reader (catalog, &error)) == NULL)
    return at_cli_fail (error);
  /* every id first: an unknown one changes nothing at all */
  n_ids = argc - 1;
  states = g_new0 (AtCullState, n_ids);
  for (int i = 0; i < n_ids; i++)
    {
      AtCullState before;
      if (!at_photo_load_state (conn, argv[i + 1], &before, NULL, &error))
        return at_cli_fail (error);
      states[i] = at_cull_change_apply (&change, &before);
    }
  if (change.fields != 0 &&
      !at_culling_write_sync (catalog, (const char *const *) argv + 1, states, (guint) n_ids, &error))
    return at_cli_fail (error);
  for (guint k = 0; opt_add_keywords != NULL && opt_add_keywords[k] != NULL; k++)
    if (!at_keywords_set_sync (catalog, (const char *const *) argv + 1, opt_add_keywords[k], TRUE, &error))
      return at_cli_fail (error);
  for (guint k = 0; opt_remove_keywords != NULL && opt_remove_keywords[k] != NULL; k++)
    if (!at_keywords_set_sync (catalog, (const char *const *) argv + 1, opt_remove_keywords[k], FALSE, &error))
      return at_cli_fail (error);
  g_print (g_dngettext (GETTEXT_PACKAGE, "%d photo changed.\n", "%d photos changed.\n", n_ids), n_ids);
  return AT_CLI_OK;
}
