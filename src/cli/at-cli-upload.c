/* at-cli-upload.c — `upload --catalog PATH --library DIR [--project NAME
 * [--keep]]`: queues the project's originals (or those of every project kept
 * backed up) for the studio's bucket and sends the queue (what an earlier
 * run left too) to its end, with progress; --keep turns the project's
 * switch on. Keys and endpoint as for `s3` (options, or AWS_* variables). */
#define G_LOG_DOMAIN "atelier-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "at-cli.h"

static char *opt_catalog, *opt_project, *opt_library, *opt_endpoint, *opt_bucket, *opt_region;
static int opt_files = 2;
static gboolean opt_quiet, opt_keep;
static double opt_limit;

static const GOptionEntry entries[] = {
  { "catalog", 'c', 0, G_OPTION_ARG_FILENAME, &opt_catalog, N_("The catalog file (default: the workstation’s catalog)"), N_("PATH") },
  { "project", 'p', 0, G_OPTION_ARG_STRING, &opt_project, N_("The project (id, name or number) whose originals go up "
    "(default: every project kept backed up)"), N_("PROJECT") },
  { "keep", 'k', 0, G_OPTION_ARG_NONE, &opt_keep, N_("Keep the project backed up: its new originals go up as they arrive"), NULL },
  { "library", 'l', 0, G_OPTION_ARG_FILENAME, &opt_library, N_("The library folder the photos are in"), N_("DIR") },
  { "endpoint", 'e', 0, G_OPTION_ARG_STRING, &opt_endpoint, N_("The S3 endpoint (default: $AWS_ENDPOINT_URL)"), N_("URL") },
  { "bucket", 'b', 0, G_OPTION_ARG_STRING, &opt_bucket, N_("The bucket (default: $ATELIER_S3_BUCKET)"), N_("NAME") },
  { "region", 'r', 0, G_OPTION_ARG_STRING, &opt_region, N_("The region (default: $AWS_REGION, else us-east-1)"), N_("REGION") },
  { "files", 0, 0, G_OPTION_ARG_INT, &opt_files, N_("Files sent at once (default 2)"), N_("N") },
  { "limit", 0, 0, G_OPTION_ARG_DOUBLE, &opt_limit, N_("Send at most MBIT megabits a second (default: no limit)"),
    N_("MBIT") },
  { "quiet", 'q', 0, G_OPTION_ARG_NONE, &opt_quiet, N_("No progress"), NULL },
  { NULL }
};

static void
changed_cb (AtUploadQueue *queue, gint64 *last)
{
  AtUploadProgress p;
  gint64 now = g_get_monotonic_time ();

  if (now - *last < G_USEC_PER_SEC / 2)
    return;
  *last = now;
  at_upload_queue_get_progress (queue, &p);
  g_printerr ("\r%u of %u files, %.1f of %.1f MB, %.1f MB/s", p.files_done, p.files_total, p.bytes_done / 1e6,
              p.bytes_total / 1e6, p.bytes_per_second / 1e6);
  if (p.seconds_left >= 0)
    g_printerr (_(", %.0f s left"), p.seconds_left);
  g_printerr ("   ");
}

static void
drained_cb (AtUploadQueue *queue, gboolean *done)
{
  *done = TRUE;
}

static void
interrupted_cb (GCancellable *cancellable, gpointer queue)
{
  at_upload_queue_pause (queue);
}

int
at_cli_upload (int argc, char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AtCatalog) catalog = NULL;
  g_autoptr(AtS3Client) client = NULL;
  g_autoptr(AtUploadQueue) queue = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GCancellable) interrupted = g_cancellable_new ();
  AtUploadProgress p;
  gboolean done = FALSE;
  gint64 last = 0;
  guint queued = 0;

  g_option_context_set_summary (context, _("Back up a project’s originals to the studio’s bucket, resumably."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!at_cli_parse (context, &argc, &argv))
    return AT_CLI_USAGE;
  if (opt_library == NULL || opt_files < 1 || opt_files > 8 || (opt_keep && opt_project == NULL) ||
      !at_rate_limit_mbit_is_valid (opt_limit))
    {
      g_printerr ("atelier-cli: %s\n", _("give --library (and --files from 1 to 8; --keep with --project; "
                                          "--limit from 0.01 to 100000 megabits a second)"));
      return AT_CLI_USAGE;
    }
  path = at_cli_catalog_path (opt_catalog);
  if ((catalog = at_catalog_open (path, AT_CATALOG_OPEN_DEFAULT, &error)) == NULL ||
      (client = at_s3_client_new_from_env (opt_endpoint, opt_region, opt_bucket ? opt_bucket : g_getenv ("ATELIER_S3_BUCKET"),
                                           &error)) == NULL)
    return at_cli_fail (error);
  at_s3_client_set_upload_limit (client, at_rate_limit_bytes_from_mbit (opt_limit));
  queue = at_upload_queue_new (catalog, client, opt_library);
  at_upload_queue_set_concurrency (queue, (guint) opt_files);
  if (!(opt_keep ? at_upload_queue_set_project_backup (queue, opt_project, TRUE, &queued, &error)
                 : at_upload_queue_add_project (queue, opt_project, &queued, &error)))
    return at_cli_fail (error);
  if (!opt_quiet)
    g_signal_connect (queue, "changed", G_CALLBACK (changed_cb), &last);
  g_signal_connect (queue, "drained", G_CALLBACK (drained_cb), &done);
  /* Ctrl-C pauses: what was sent stays, the same command goes on */
  g_cancellable_connect (interrupted, G_CALLBACK (interrupted_cb), queue, NULL);
  at_cli_cancel_on_interrupt (interrupted, _("Pausing: what was sent stays…"));
  at_upload_queue_start (queue);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  at_cli_cancel_on_interrupt (NULL, NULL);
  if (!at_catalog_flush (catalog, &error))
    return at_cli_fail (error);
  at_upload_queue_get_progress (queue, &p);
  if (!opt_quiet)
    g_printerr ("\n");
  g_print (_("%u files queued now; %u of %u sent (%.1f MB), %u failed.\n"), queued, p.files_done, p.files_total,
           p.bytes_done / 1e6, p.files_failed);
  if (g_cancellable_is_cancelled (interrupted))
    {
      g_printerr ("atelier-cli: %s\n", _("Paused: the same command goes on where it stopped."));
      return at_cli_stopped_status ();
    }
  if (at_upload_queue_get_waiting (queue, NULL) != NULL)
    {
      /* the link, the server or the setup: nothing failed, all waits */
      g_printerr ("atelier-cli: %s\n%s\n", at_upload_queue_get_waiting (queue, NULL),
                  _("Stopped: the same command goes on where it stopped."));
      return AT_CLI_FAILED;
    }
  return p.files_failed == 0 ? AT_CLI_OK : AT_CLI_FAILED;
}
