/* at-cli-ingest.c — `ingest`: cards or folders into the library. */
#define G_LOG_DOMAIN "atelier-cli"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <glib/gi18n.h>
#include <glib-unix.h>
#include <json-glib/json-glib.h>

#include "at-cli.h"
#include "at-ingest-job.h"

static char *opt_catalog, *opt_library, *opt_backup, *opt_project, *opt_template, *opt_folder_template;
static char **opt_clock_offsets;
static int opt_day_start = 3;
static gboolean opt_json, opt_no_verify, opt_no_previews;

static const GOptionEntry entries[] = {
  { "catalog", 'c', 0, G_OPTION_ARG_FILENAME, &opt_catalog, N_("The catalog file (default: the workstation’s catalog)"), N_("PATH") },
  { "library", 'l', 0, G_OPTION_ARG_FILENAME, &opt_library, N_("The library folder (must exist)"), N_("DIR") },
  { "backup", 'b', 0, G_OPTION_ARG_FILENAME, &opt_backup, N_("A backup folder on another drive (must exist)"), N_("DIR") },
  { "project", 'p', 0, G_OPTION_ARG_STRING, &opt_project, N_("The project (name or number; created when new)"), N_("NAME") },
  { "template", 't', 0, G_OPTION_ARG_STRING, &opt_template, N_("File name template, e.g. {date}-{time}{subsec}_{original}_{seq}"), N_("T") },
  { "folder-template", 0, 0, G_OPTION_ARG_STRING, &opt_folder_template, N_("Folder template, e.g. {year}/{eventdate}{job}"), N_("T") },
  { "day-start", 0, 0, G_OPTION_ARG_INT, &opt_day_start, N_("Hour the event day starts (default 3)"), N_("HOUR") },
  { "clock-offset", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt_clock_offsets, N_("Correct a camera clock: body serial and seconds to add"), N_("SERIAL=SECONDS") },
  { "no-verify", 0, 0, G_OPTION_ARG_NONE, &opt_no_verify, N_("Skip reading the copies back (not recommended)"), NULL },
  { "no-previews", 0, 0, G_OPTION_ARG_NONE, &opt_no_previews, N_("Do not make thumbnails and previews"), NULL },
  { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json, N_("Print a JSON summary"), NULL },
  { NULL }
};

typedef struct
{
  AtCatalog        *catalog;
  const char *const *sources;
  AtIngestOptions   options;
  AtIngestSummary   summary;
  GCancellable     *cancellable;
  GError           *error;
  gboolean          ok;
  gboolean          done;
  GMainLoop        *loop;
} IngestRun;

static void
progress_cb (const AtIngestProgress *p,
             gpointer                user_data)
{
  g_autofree char *done = g_format_size (p->bytes_done);
  g_autofree char *total = g_format_size (p->bytes_total);

  if (opt_json || !isatty (STDERR_FILENO))
    return;
  g_printerr ("\r\033[K%u of %u files, %s of %s", p->files_done, p->files_total, done, total);
}

static gboolean
finished_idle (gpointer data)
{
  IngestRun *r = data;

  r->done = TRUE;
  g_main_loop_quit (r->loop);
  return G_SOURCE_REMOVE;
}

static gpointer
ingest_thread (gpointer data)
{
  IngestRun *r = data;

  r->ok = at_ingest_run (r->catalog, r->sources, &r->options, progress_cb, r, &r->summary,
                         r->cancellable, &r->error);
  g_idle_add (finished_idle, r);
  return NULL;
}

static gboolean
parse_clock_offsets (GHashTable **table,
                     GError     **error)
{
  *table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint i = 0; opt_clock_offsets != NULL && opt_clock_offsets[i] != NULL; i++)
    {
      const char *eq = strchr (opt_clock_offsets[i], '=');
      gint64 seconds;
      char *end = NULL;

      if (eq == NULL || eq == opt_clock_offsets[i] ||
          ((seconds = g_ascii_strtoll (eq + 1, &end, 10)), end == eq + 1 || *end != '\0'))
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("--clock-offset takes SERIAL=SECONDS, not “%s”"), opt_clock_offsets[i]);
          return FALSE;
        }
      g_hash_table_insert (*table, g_strndup (opt_clock_offsets[i], (gsize) (eq - opt_clock_offsets[i])),
                           g_memdup2 (&seconds, sizeof seconds));
    }
  return TRUE;
}

static void
print_json (IngestRun *r)
{
  g_autoptr(JsonObject) o = json_object_new ();
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  JsonArray *problems = json_array_new ();
  g_autofree char *text = NULL;

  json_object_set_boolean_member (o, "ok", r->ok);
  json_object_set_int_member (o, "files_total", r->summary.files_total);
  json_object_set_int_member (o, "copied", r->summary.copied);
  json_object_set_int_member (o, "photos", r->summary.photos);
  json_object_set_int_member (o, "skipped_duplicate", r->summary.skipped_duplicate);
  json_object_set_int_member (o, "failed", r->summary.failed);
  json_object_set_int_member (o, "bytes", (gint64) r->summary.bytes);
  json_object_set_double_member (o, "seconds", r->summary.seconds);
  json_object_set_int_member (o, "previews", r->summary.previews);
  json_object_set_double_member (o, "first_preview_seconds", r->summary.first_preview_seconds);
  if (r->error != NULL)
    json_object_set_string_member (o, "error", r->error->message);
  else
    json_object_set_null_member (o, "error");
  for (guint i = 0; r->summary.problems != NULL && i < r->summary.problems->len; i++)
    json_array_add_string_element (problems, g_ptr_array_index (r->summary.problems, i));
  json_object_set_array_member (o, "problems", problems);
  json_node_set_object (root, o);
  text = json_to_string (root, TRUE);
  g_print ("%s\n", text);
}

int
at_cli_ingest (int    argc,
               char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("SOURCE…"));
  g_autoptr(GError) error = NULL;
  g_autoptr(AtCatalog) catalog = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autofree char *path = NULL;
  IngestRun r = { 0 };
  GThread *thread;
  int status;

  g_option_context_set_summary (context,
                                _("Copy memory cards or folders into the library (and a backup), verify every copy, "
                                  "and catalog the photos. Running it again after an interruption resumes."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("atelier-cli: %s\n", error->message);
      return AT_CLI_USAGE;
    }
  if (argc < 2 || opt_library == NULL)
    {
      g_printerr ("atelier-cli: %s\n", _("ingest needs at least one SOURCE and --library DIR"));
      return AT_CLI_USAGE;
    }
  if (opt_day_start < 0 || opt_day_start > 12)
    {
      g_printerr ("atelier-cli: %s\n", _("--day-start must be an hour from 0 to 12"));
      return AT_CLI_USAGE;
    }

  at_ingest_options_init (&r.options);
  r.options.library = g_canonicalize_filename (opt_library, NULL);
  r.options.backup = opt_backup ? g_canonicalize_filename (opt_backup, NULL) : NULL;
  r.options.project = g_strdup (opt_project);
  r.options.file_template = g_strdup (opt_template);
  r.options.folder_template = g_strdup (opt_folder_template);
  r.options.day_start_hour = opt_day_start;
  r.options.verify = !opt_no_verify;
  r.options.previews = !opt_no_previews;
  if (!parse_clock_offsets (&r.options.clock_offsets, &error))
    {
      g_printerr ("atelier-cli: %s\n", error->message);
      at_ingest_options_clear (&r.options);
      return AT_CLI_USAGE;
    }

  path = at_cli_catalog_path (opt_catalog);
  catalog = at_catalog_open (path, AT_CATALOG_OPEN_CREATE, &error);
  if (catalog == NULL)
    {
      at_ingest_options_clear (&r.options);
      return at_cli_fail (error);
    }

  r.catalog = catalog;
  r.sources = (const char *const *) argv + 1;
  r.cancellable = cancellable;
  r.loop = loop;
  /* a clean stop: files already verified stay cataloged, the run resumes later */
  at_cli_cancel_on_interrupt (cancellable, _("Stopping after the current file…"));
  thread = g_thread_new ("atelier-ingest", ingest_thread, &r);
  while (!r.done)
    g_main_loop_run (loop);
  g_thread_join (thread);
  at_cli_cancel_on_interrupt (NULL, NULL);

  if (!opt_json && isatty (STDERR_FILENO))
    g_printerr ("\n");
  if (opt_json)
    print_json (&r);
  else
    {
      g_autofree char *size = g_format_size (r.summary.bytes);
      g_print (_("%u files copied and verified (%u photos), %u already in the library, %u failed; "
                 "%s read in %.1f s.\n"),
               r.summary.copied, r.summary.photos, r.summary.skipped_duplicate, r.summary.failed,
               size, r.summary.seconds);
      for (guint i = 0; r.summary.problems != NULL && i < r.summary.problems->len; i++)
        g_printerr ("  %s\n", (const char *) g_ptr_array_index (r.summary.problems, i));
    }
  status = r.ok ? AT_CLI_OK : g_cancellable_is_cancelled (cancellable) ? at_cli_stopped_status () : AT_CLI_FAILED;
  if (r.error != NULL && !opt_json)
    at_cli_fail (r.error);
  g_clear_error (&r.error);
  at_ingest_summary_clear (&r.summary);
  at_ingest_options_clear (&r.options);
  return status;
}
