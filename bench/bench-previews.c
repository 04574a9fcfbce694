/* bench-previews.c — thumbnails + previews per second with at_preview_make().
 *   bench-previews CACHE_DIR FILE...
 * Prints "files N" and "seconds S"; bench/ingest.sh compares with vipsthumbnail. */
#include "config.h"

#include "at-core.h"

int
main (int argc, char **argv)
{
  gint64 t0;
  guint ok = 0;

  if (argc < 3)
    {
      g_printerr ("usage: %s CACHE_DIR FILE...\n", argv[0]);
      return 2;
    }
  at_log_install_writer ();
  t0 = g_get_monotonic_time ();
  for (int i = 2; i < argc; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *hash = g_strdup_printf ("%032x", i);
      AtPreviewResult r;

      if (at_preview_make (argv[i], hash, argv[1], &r, &error))
        ok++;
      else
        g_printerr ("%s: %s\n", argv[i], error->message);
    }
  g_print ("files %u\nseconds %.3f\n", ok, (g_get_monotonic_time () - t0) / 1e6);
  return ok == (guint) (argc - 2) ? 0 : 1;
}
