/* bench-library.c — the Library's figures on a big catalog.
 *   bench-library CATALOG
 * Prints: ready_ms (open, count, first screen of 40 items), filter_ms for
 * each filter change (count + first page), commit_ms (median and p95 of a
 * rating keypress until it is committed), rss_kb before and after reading
 * every position once (a scroll through the whole grid). */
#include "config.h"

#include <stdio.h>

#include "at-core.h"

static double
ms_since (gint64 t0)
{
  return (g_get_monotonic_time () - t0) / 1000.0;
}

static long
rss_kb (void)
{
  long pages = 0, resident = 0;
  FILE *f = fopen ("/proc/self/statm", "r");

  if (f != NULL && fscanf (f, "%ld %ld", &pages, &resident) != 2)
    resident = 0;
  if (f != NULL)
    fclose (f);
  return resident * (sysconf (_SC_PAGESIZE) / 1024);
}

static int
compare_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static void
first_screen (AtPhotoList *list)
{
  guint n = MIN (40, g_list_model_get_n_items (G_LIST_MODEL (list)));

  for (guint i = 0; i < n; i++)
    g_object_unref (g_list_model_get_item (G_LIST_MODEL (list), i));
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AtCatalog) catalog = NULL;
  g_autoptr(AtPhotoList) list = NULL;
  g_autoptr(AtCulling) culling = NULL;
  double commits[200];
  gint64 t0;
  guint n;

  if (argc != 2)
    {
      g_printerr ("usage: %s CATALOG\n", argv[0]);
      return 2;
    }
  at_log_install_writer ();
  g_print ("rss_kb_start %ld\n", rss_kb ());

  t0 = g_get_monotonic_time ();
  if ((catalog = at_catalog_open (argv[1], AT_CATALOG_OPEN_DEFAULT, &error)) == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  list = at_photo_list_new (catalog);
  first_screen (list);
  n = g_list_model_get_n_items (G_LIST_MODEL (list));
  g_print ("photos %u\nready_ms %.1f\n", n, ms_since (t0));

  {
    static const struct { const char *name; int rating; int label; int flag; const char *text; } filters[] = {
      { "rating>=4", 4, -1, -1, NULL },
      { "label=red", 0, AT_LABEL_RED, -1, NULL },
      { "picked", 0, -1, AT_FLAG_PICKED, NULL },
      { "rejected", 0, -1, AT_FLAG_REJECTED, NULL },
      { "rating>=3,label=green", 3, AT_LABEL_GREEN, -1, NULL },
      { "text=IMG_0042", 0, -1, -1, "IMG_0042" },
      { "none", 0, -1, -1, NULL },
    };
    for (guint i = 0; i < G_N_ELEMENTS (filters); i++)
      {
        AtPhotoFilter f;
        at_photo_filter_init (&f);
        f.rating_min = filters[i].rating;
        f.has_label = filters[i].label >= 0;
        f.label = filters[i].label >= 0 ? (AtLabel) filters[i].label : AT_LABEL_NONE;
        f.has_flag = filters[i].flag >= 0;
        f.flag = filters[i].flag >= 0 ? (AtFlag) filters[i].flag : AT_FLAG_NONE;
        f.text = g_strdup (filters[i].text);
        t0 = g_get_monotonic_time ();
        at_photo_list_set_filter (list, &f);
        first_screen (list);
        g_print ("filter_ms %-22s %8.1f  (%u photos)\n", filters[i].name, ms_since (t0),
                 g_list_model_get_n_items (G_LIST_MODEL (list)));
        at_photo_filter_clear (&f);
      }
  }

  culling = at_culling_new (catalog);
  for (guint i = 0; i < G_N_ELEMENTS (commits); i++)
    {
      g_autoptr(AtPhoto) photo = g_list_model_get_item (G_LIST_MODEL (list), i);
      AtCullChange change = { AT_CULL_RATING, (int) (i % 5) + 1, AT_LABEL_NONE, AT_FLAG_NONE };

      t0 = g_get_monotonic_time ();
      at_culling_apply (culling, &photo, 1, &change);
      if (!at_catalog_flush (catalog, &error))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      commits[i] = ms_since (t0);
    }
  qsort (commits, G_N_ELEMENTS (commits), sizeof commits[0], (int (*) (const void *, const void *)) compare_double);
  g_print ("commit_ms_median %.2f\ncommit_ms_p95 %.2f\n", commits[G_N_ELEMENTS (commits) / 2],
           commits[G_N_ELEMENTS (commits) * 95 / 100]);
  for (guint u = 0; u < 3; u++)
    at_culling_undo (culling);

  g_print ("rss_kb_ready %ld\n", rss_kb ());
  /* a scroll through the first 100 000 photos, row by row, then 200 jumps
   * across the whole catalog (deep pages cost an OFFSET scan each) */
  t0 = g_get_monotonic_time ();
  for (guint i = 0; i < MIN (n, 100000); i++)
    g_object_unref (g_list_model_get_item (G_LIST_MODEL (list), i));
  g_print ("scroll_100k_ms %.0f\n", ms_since (t0));
  t0 = g_get_monotonic_time ();
  for (guint j = 0; j < 200 && n > 0; j++)
    g_object_unref (g_list_model_get_item (G_LIST_MODEL (list), (guint) ((guint64) n * j / 200)));
  g_print ("jump_ms_mean %.1f\nrss_kb_after_scroll %ld\n", ms_since (t0) / 200, rss_kb ());
  /* what every committed keypress costs the main thread: the cached pages
   * (16, the last ones deep in the catalog) re-read in place */
  t0 = g_get_monotonic_time ();
  at_photo_list_reload (list);
  g_print ("refresh_ms %.1f  (%u cached pages)\n", ms_since (t0), at_photo_list_get_n_cached_pages (list));
  return 0;
}
