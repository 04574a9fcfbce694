/* bench-photo-list.c — how fast the Library grid can jump around a catalog.
 *
 * Reads PAGES random pages through AtPhotoList (as a scrollbar drag does)
 * and prints the time per page; bench/photo-list.sh runs the same queries
 * through the sqlite3 shell and prints the ratio.
 *
 *   bench-photo-list CATALOG PAGES SEED
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "at-core.h"

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AtCatalog) catalog = NULL;
  g_autoptr(AtPhotoList) list = NULL;
  g_autoptr(GRand) rand = NULL;
  guint pages, n, n_pages;
  gint64 t0, t1;

  if (argc != 4)
    {
      g_printerr ("usage: %s CATALOG PAGES SEED\n", argv[0]);
      return 2;
    }
  catalog = at_catalog_open (argv[1], AT_CATALOG_OPEN_DEFAULT, &error);
  if (catalog == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  pages = (guint) atoi (argv[2]);
  rand = g_rand_new_with_seed ((guint32) atoi (argv[3]));

  t0 = g_get_monotonic_time ();
  list = at_photo_list_new (catalog);
  n = g_list_model_get_n_items (G_LIST_MODEL (list));
  t1 = g_get_monotonic_time ();
  g_print ("photos %u\ncount_ms %.3f\n", n, (t1 - t0) / 1000.0);
  if (n == 0)
    return 1;
  n_pages = (n + AT_PHOTO_LIST_PAGE_SIZE - 1) / AT_PHOTO_LIST_PAGE_SIZE;

  /* The same page sequence as photo-list.sh feeds sqlite3: offsets printed to stdout. */
  t0 = g_get_monotonic_time ();
  for (guint i = 0; i < pages; i++)
    {
      guint page = g_rand_int_range (rand, 0, (gint32) n_pages);
      g_autoptr(AtPhoto) photo = g_list_model_get_item (G_LIST_MODEL (list), page * AT_PHOTO_LIST_PAGE_SIZE);
      if (photo == NULL)
        return 1;
      g_printerr ("%u\n", page * AT_PHOTO_LIST_PAGE_SIZE);
    }
  t1 = g_get_monotonic_time ();
  g_print ("pages %u\npage_ms %.3f\n", pages, (t1 - t0) / 1000.0 / pages);
  return 0;
}
