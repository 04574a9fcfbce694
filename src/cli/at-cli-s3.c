/* at-cli-s3.c — `s3 put|get|ls|rm|presign|mb`: the studio's bucket from the
 * command line. The endpoint, bucket and region come from the options (or
 * AWS_ENDPOINT_URL, ATELIER_S3_BUCKET, AWS_REGION), the keys from
 * AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY. */
#define G_LOG_DOMAIN "atelier-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "at-cli.h"

static char *opt_endpoint, *opt_bucket, *opt_region, *opt_range, *opt_catalog;
static int opt_expires = 3600, opt_part_mib = 8, opt_parallel = 4;
static gboolean opt_quiet;
static double opt_limit;

static const GOptionEntry entries[] = {
  { "endpoint", 'e', 0, G_OPTION_ARG_STRING, &opt_endpoint, N_("The S3 endpoint (default: $AWS_ENDPOINT_URL)"), N_("URL") },
  { "bucket", 'b', 0, G_OPTION_ARG_STRING, &opt_bucket, N_("The bucket (default: $ATELIER_S3_BUCKET)"), N_("NAME") },
  { "region", 'r', 0, G_OPTION_ARG_STRING, &opt_region, N_("The region (default: $AWS_REGION, else us-east-1)"), N_("REGION") },
  { "range", 0, 0, G_OPTION_ARG_STRING, &opt_range, N_("get: only bytes FIRST-LAST"), N_("FIRST-LAST") },
  { "expires", 0, 0, G_OPTION_ARG_INT, &opt_expires, N_("presign: seconds the link lasts (default 3600, at most 604800)"), N_("SECONDS") },
  { "quiet", 'q', 0, G_OPTION_ARG_NONE, &opt_quiet, N_("put: no progress"), NULL },
  { "catalog", 'c', 0, G_OPTION_ARG_FILENAME, &opt_catalog, N_("put: keep the upload's state in this catalog, so that "
    "running the same put again resumes it"), N_("PATH") },
  { "part-size", 0, 0, G_OPTION_ARG_INT, &opt_part_mib, N_("put: MiB per part of a multipart upload (default 8, at least 5)"), N_("MIB") },
  { "parallel", 0, 0, G_OPTION_ARG_INT, &opt_parallel, N_("put: parts sent at once (default 4)"), N_("N") },
  { "limit", 0, 0, G_OPTION_ARG_DOUBLE, &opt_limit, N_("put: send at most MBIT megabits a second (default: no limit)"),
    N_("MBIT") },
  { NULL }
};

static int
usage (const char *message)
{
  g_printerr ("atelier-cli: %s\n", message);
  return AT_CLI_USAGE;
}

static AtS3Client *
setup (const char *summary, const char *args, int *argc, char ***argv, int want, GError **error, int *status)
{
  g_autoptr(GOptionContext) context = g_option_context_new (args);
  AtS3Client *client;

  g_option_context_set_summary (context, summary);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  *status = AT_CLI_USAGE;
  if (!at_cli_parse_args (context, argc, argv))
    return NULL;
  if (*argc - 1 != want && !(want < 0 && *argc - 1 <= -want))
    {
      usage (_("wrong number of arguments; see --help"));
      return NULL;
    }
  if (!at_rate_limit_mbit_is_valid (opt_limit))
    {
      usage (_("--limit takes 0.01 to 100000 megabits a second (0: no limit)"));
      return NULL;
    }
  *status = AT_CLI_FAILED;
  client = at_s3_client_new_from_env (opt_endpoint, opt_region, opt_bucket ? opt_bucket : g_getenv ("ATELIER_S3_BUCKET"),
                                      error);
  if (client != NULL)
    at_s3_client_set_upload_limit (client, at_rate_limit_bytes_from_mbit (opt_limit));
  return client;
}

/* Runs the main loop until the operation has answered. */
static GAsyncResult *
wait_for (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static void
done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  *(GAsyncResult **) data = g_object_ref (result);
}

static void
progress_cb (goffset done, goffset total, gpointer data)
{
  gint64 *last = data;
  gint64 now = g_get_monotonic_time ();

  if (now - *last < G_USEC_PER_SEC / 4 && done < total)
    return;
  *last = now;
  g_printerr ("\r%5.1f %% of %" G_GINT64_FORMAT " bytes", total ? 100.0 * done / total : 100.0, (gint64) total);
  if (done >= total)
    g_printerr ("\n");
}

int
at_cli_s3_put (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AtS3Client) client = NULL;
  g_autoptr(AtCatalog) catalog = NULL;
  g_autoptr(AtS3Upload) upload = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  gint64 last = 0;
  gboolean ok;
  int status;

  if ((client = setup (_("Upload a file to the bucket (in parts when it is bigger than one; resumable with --catalog)."),
                       _("FILE KEY"), &argc, &argv, 2, &error, &status)) == NULL)
    return error ? at_cli_fail (error) : status;
  if (opt_part_mib < 5 || opt_part_mib > 5120 || opt_parallel < 1 || opt_parallel > 16)
    return usage (_("--part-size takes 5 to 5120 MiB, --parallel 1 to 16"));
  if (opt_catalog != NULL && (catalog = at_catalog_open (opt_catalog, AT_CATALOG_OPEN_DEFAULT, &error)) == NULL)
    return at_cli_fail (error);
  file = g_file_new_for_commandline_arg (argv[1]);
  upload = at_s3_upload_new (client, catalog, file, argv[2]);
  at_s3_upload_set_part_size (upload, (gsize) opt_part_mib * 1024 * 1024);
  at_s3_upload_set_parallel (upload, (guint) opt_parallel);
  if (!opt_quiet)
    at_s3_upload_set_progress (upload, progress_cb, &last);
  /* Ctrl-C: with a catalog the parts sent stay for the next run; without,
   * nothing of the upload is left on the server */
  at_s3_upload_set_keep_on_cancel (upload, catalog != NULL);
  at_cli_cancel_on_interrupt (cancellable, catalog != NULL ? _("Pausing: the parts sent stay for the next run…")
                                                           : _("Stopping: the upload is taken off the server…"));
  at_s3_upload_run (upload, cancellable, done_cb, &result);
  ok = at_s3_upload_run_finish (upload, wait_for (&result), &error);
  at_cli_cancel_on_interrupt (NULL, NULL);
  if (!ok && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      if (catalog != NULL)
        at_catalog_flush (catalog, NULL);
      g_printerr ("atelier-cli: %s\n", catalog != NULL ? _("Paused: the same command sends the rest.")
                                       : at_s3_upload_get_left_on_server (upload)
                                       ? _("Stopped; the unfinished upload could not be taken off the server: the bucket’s "
                                           "lifecycle rule will remove it.")
                                       : _("Stopped: nothing of it is left on the server."));
      return at_cli_stopped_status ();
    }
  if (!ok)
    return at_cli_fail (error);
  if (catalog != NULL && !at_catalog_flush (catalog, &error))
    return at_cli_fail (error);
  g_print (_("Uploaded %s to %s/%s: %" G_GINT64_FORMAT " bytes sent"), argv[1], at_s3_client_get_bucket (client), argv[2],
           (gint64) at_s3_upload_get_sent_now (upload));
  if (at_s3_upload_get_parts_resumed (upload) > 0)
    g_print (g_dngettext (GETTEXT_PACKAGE, " (%u part was on the server already)", " (%u parts were on the server already)",
                          at_s3_upload_get_parts_resumed (upload)), at_s3_upload_get_parts_resumed (upload));
  g_print ("\n");
  return AT_CLI_OK;
}

/* "FIRST-LAST", decimal (sscanf's %li took 0100 for octal and 0x10 for hex) */
static gboolean
parse_range (const char *text, gint64 *from, gint64 *to)
{
  g_auto(GStrv) ends = g_strsplit (text, "-", 3);
  guint64 first, last;

  if (g_strv_length (ends) != 2 || !g_ascii_string_to_unsigned (ends[0], 10, 0, G_MAXINT64, &first, NULL) ||
      !g_ascii_string_to_unsigned (ends[1], 10, first, G_MAXINT64, &last, NULL))
    return FALSE;
  *from = (gint64) first;
  *to = (gint64) last;
  return TRUE;
}

int
at_cli_s3_get (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AtS3Client) client = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GFile) file = NULL;
  gint64 from = 0, to = -1;
  int status;

  if ((client = setup (_("Download an object (or a range of its bytes) to a file."), _("KEY FILE"), &argc, &argv, 2, &error,
                       &status)) == NULL)
    return error ? at_cli_fail (error) : status;
  if (opt_range != NULL && !parse_range (opt_range, &from, &to))
    return usage (_("--range takes FIRST-LAST, byte offsets from 0"));
  file = g_file_new_for_commandline_arg (argv[2]);
  at_s3_client_get_file (client, argv[1], from, to, file, NULL, done_cb, &result);
  if (!at_s3_client_get_file_finish (client, wait_for (&result), &error))
    return at_cli_fail (error);
  return AT_CLI_OK;
}

int
at_cli_s3_ls (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AtS3Client) client = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) objects = NULL;
  int status;

  if ((client = setup (_("List the objects under a prefix."), _("[PREFIX]"), &argc, &argv, -1, &error, &status)) == NULL)
    return error ? at_cli_fail (error) : status;
  at_s3_client_list (client, argc > 1 ? argv[1] : "", NULL, done_cb, &result);
  if ((objects = at_s3_client_list_finish (client, wait_for (&result), &error)) == NULL)
    return at_cli_fail (error);
  for (guint i = 0; i < objects->len; i++)
    {
      AtS3Object *o = objects->pdata[i];
      g_print ("%12" G_GINT64_FORMAT "  %s  %s\n", o->size, o->last_modified ? o->last_modified : "", o->key);
    }
  return AT_CLI_OK;
}

int
at_cli_s3_rm (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AtS3Client) client = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  int status;

  if ((client = setup (_("Delete an object."), _("KEY"), &argc, &argv, 1, &error, &status)) == NULL)
    return error ? at_cli_fail (error) : status;
  at_s3_client_delete (client, argv[1], NULL, done_cb, &result);
  if (!at_s3_client_delete_finish (client, wait_for (&result), &error))
    return at_cli_fail (error);
  return AT_CLI_OK;
}

int
at_cli_s3_presign (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AtS3Client) client = NULL;
  g_autofree char *url = NULL;
  int status;

  if ((client = setup (_("Print a link anyone can download the object with, for a while."), _("KEY"), &argc, &argv, 1, &error,
                       &status)) == NULL)
    return error ? at_cli_fail (error) : status;
  if (opt_expires < 1 || opt_expires > AT_S3_PRESIGN_MAX_SECONDS)
    return usage (_("--expires takes 1 to 604800 seconds (seven days)"));
  if ((url = at_s3_client_presign (client, argv[1], (guint) opt_expires, &error)) == NULL)
    return at_cli_fail (error);
  g_print ("%s\n", url);
  return AT_CLI_OK;
}

int
at_cli_s3_mb (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AtS3Client) client = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  int status;

  if ((client = setup (_("Create the bucket."), NULL, &argc, &argv, 0, &error, &status)) == NULL)
    return error ? at_cli_fail (error) : status;
  at_s3_client_create_bucket (client, NULL, done_cb, &result);
  if (!at_s3_client_create_bucket_finish (client, wait_for (&result), &error))
    return at_cli_fail (error);
  return AT_CLI_OK;
}
