/* bench-s3.c — uploads files with AtS3Upload and prints the time, for
 * bench/s3.sh: bench-s3 ENDPOINT BUCKET PREFIX MODE FILE...
 *   MODE single:   one file at a time, each in one PUT (curl's way)
 *   MODE parallel: one file at a time, in 8 MiB parts, 4 at once
 * Keys come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY. Prints the
 * milliseconds, the bytes and the peak resident memory. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "at-core.h"

static void
done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  *(GAsyncResult **) data = g_object_ref (result);
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
  gboolean single;
  gint64 start, bytes = 0;

  if (argc < 6)
    {
      g_printerr ("usage: bench-s3 ENDPOINT BUCKET PREFIX single|parallel FILE...\n");
      return 2;
    }
  if ((client = at_s3_client_new_from_env (argv[1], NULL, argv[2], &error)) == NULL)
    {
      g_printerr ("bench-s3: %s\n", error->message);
      return 1;
    }
  single = g_str_equal (argv[4], "single");
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
  for (guint i = 0; i < uploads->len; i++)
    {
      AtS3Upload *upload = uploads->pdata[i];
      g_autoptr(GAsyncResult) result = NULL;

      at_s3_upload_run (upload, NULL, done_cb, &result);
      /* as the upload queue does: the next file is read while this one goes */
      if (i + 1 < uploads->len)
        at_s3_upload_read_ahead (uploads->pdata[i + 1]);
      while (result == NULL)
        g_main_context_iteration (NULL, TRUE);
      if (!at_s3_upload_run_finish (upload, result, &error))
        {
          g_printerr ("bench-s3: %s: %s\n", argv[5 + i], error->message);
          return 1;
        }
      bytes += at_s3_upload_get_size (upload);
    }
  g_print ("%s %.0f ms %" G_GINT64_FORMAT " bytes peak-rss %ld KiB\n", argv[4], (g_get_monotonic_time () - start) / 1e3,
           bytes, peak_rss_kib ());
  return 0;
}
