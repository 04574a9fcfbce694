/* bench-s3.c — uploads files with AtS3Upload and prints the time, for
 * bench/s3.sh: bench-s3 ENDPOINT BUCKET PREFIX MODE FILE...
 *   MODE single:   one file at a time, each in one PUT (curl's way)
 *   MODE parallel: one file at a time, in 8 MiB parts, 4 at once
 *   MODE files:    4 files at once, each in one PUT
 * Keys come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY. Prints the
 * milliseconds, the bytes and the peak resident memory. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "at-core.h"

typedef struct
{
  GPtrArray *uploads;
  guint      next, running, at_once;
  gint64     bytes;
  GError    *error;
} Run;

static void start_next (Run *r);

static void
one_done (GObject *source, GAsyncResult *result, gpointer data)
{
  Run *r = data;
  g_autoptr(GError) error = NULL;

  r->running--;
  if (!at_s3_upload_run_finish (AT_S3_UPLOAD (source), result, &error) && r->error == NULL)
    r->error = g_steal_pointer (&error);
  r->bytes += at_s3_upload_get_size (AT_S3_UPLOAD (source));
  start_next (r);
}

static void
start_next (Run *r)
{
  while (r->error == NULL && r->running < r->at_once && r->next < r->uploads->len)
    {
      at_s3_upload_run (r->uploads->pdata[r->next++], NULL, one_done, r);
      r->running++;
    }
  /* as the upload queue does: the next file is read while these go */
  if (r->next < r->uploads->len)
    at_s3_upload_read_ahead (r->uploads->pdata[r->next]);
}

static long
peak_rss_kib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL) || (line = strstr (status, "VmHWM:")) == NULL)
    return -1;
  return strtol (line + 6, NULL, 10);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AtS3Client) client = NULL;
  g_autoptr(GPtrArray) uploads = NULL;
  Run run = { 0 };
  gboolean single;
  gint64 start;

  if (argc < 6)
    {
      g_printerr ("usage: bench-s3 ENDPOINT BUCKET PREFIX single|parallel|files FILE...\n");
      return 2;
    }
  if ((client = at_s3_client_new_from_env (argv[1], NULL, argv[2], &error)) == NULL)
    {
      g_printerr ("bench-s3: %s\n", error->message);
      return 1;
    }
  single = !g_str_equal (argv[4], "parallel");
  uploads = g_ptr_array_new_with_free_func (g_object_unref);
  for (int i = 5; i < argc; i++)
    {
      g_autoptr(GFile) file = g_file_new_for_path (argv[i]);
      g_autofree char *base = g_path_get_basename (argv[i]);
      g_autofree char *key = g_strdup_printf ("%s/%s", argv[3], base);
      AtS3Upload *upload = at_s3_upload_new (client, NULL, file, key);

      /* one PUT: a part as big as any photo */
      at_s3_upload_set_part_size (upload, single ? (gsize) 4 << 30 : AT_S3_DEFAULT_PART_SIZE);
      at_s3_upload_set_parallel (upload, single ? 1 : 4);
      g_ptr_array_add (uploads, upload);
    }
  start = g_get_monotonic_time ();
  run.uploads = uploads;
  run.at_once = g_str_equal (argv[4], "files") ? 4 : 1;
  start_next (&run);
  while (run.running > 0)
    g_main_context_iteration (NULL, TRUE);
  if (run.error != NULL)
    {
      g_printerr ("bench-s3: %s\n", run.error->message);
      return 1;
    }
  g_print ("%s %.0f ms %" G_GINT64_FORMAT " bytes peak-rss %ld KiB\n", argv[4], (g_get_monotonic_time () - start) / 1e3,
           run.bytes, peak_rss_kib ());
  return 0;
}
