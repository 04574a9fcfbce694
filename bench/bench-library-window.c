/* bench-library-window.c — the Library page in the real window (run it
 * under Xvfb): how long until the grid shows its first photos, and the
 * process's resident memory before and after scrolling the whole grid.
 *
 *   bench-library-window CATALOG LIBRARY [STEPS]
 *
 * Prints ready_ms, rss_kb_ready, scroll_ms, rss_kb_after_scroll,
 * rss_kb_peak and the number of photos.
 */
#include "config.h"

#include <stdio.h>
#include <unistd.h>

#include "at-application.h"
#include "at-library-page.h"
#include "at-photo-cell.h"
#include "at-window.h"

static long
rss_kb (const char *field)
{
  char line[256];
  long kb = 0;
  FILE *f = fopen ("/proc/self/status", "r");

  while (f != NULL && fgets (line, sizeof line, f) != NULL)
    if (g_str_has_prefix (line, field))
      kb = strtol (line + strlen (field), NULL, 10);
  if (f != NULL)
    fclose (f);
  return kb;
}

static guint
bound_cells (GtkWidget *widget)
{
  guint n = AT_IS_PHOTO_CELL (widget) && gtk_widget_get_mapped (widget) &&
            at_photo_cell_get_photo (AT_PHOTO_CELL (widget)) != NULL;

  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    n += bound_cells (c);
  return n;
}

static guint paints;

static void
after_paint_cb (GdkFrameClock *clock, gpointer data)
{
  paints++;
}

/* Runs the loop until the window has painted again. */
static void
wait_paint (void)
{
  guint before = paints;

  while (paints == before)
    g_main_context_iteration (NULL, TRUE);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AtApplication) app = NULL;
  g_autoptr(AtCatalog) catalog = NULL;
  AtWindow *window;
  AtLibraryPage *page;
  GtkAdjustment *adj;
  GListModel *photos;
  gint64 t0;
  guint steps = argc > 3 ? (guint) atoi (argv[3]) : 2000;
  long peak = 0;

  if (argc < 3)
    {
      g_printerr ("usage: bench-library-window CATALOG LIBRARY [STEPS]\n");
      return 2;
    }
  gtk_init ();
  app = at_application_new ();
  if (!g_application_register (G_APPLICATION (app), NULL, &error))
    g_error ("%s", error->message);
  g_settings_set_string (at_application_get_settings (app), "library-folder", argv[2]);
  g_print ("rss_kb_start %ld (anon %ld, file %ld)\n", rss_kb ("VmRSS:"), rss_kb ("RssAnon:"), rss_kb ("RssFile:"));

  /* from opening the catalog to the first screenful drawn */
  t0 = g_get_monotonic_time ();
  if ((catalog = at_catalog_open (argv[1], AT_CATALOG_OPEN_DEFAULT, &error)) == NULL)
    g_error ("%s", error->message);
  window = at_window_new (app, catalog);
  g_printerr ("window made: %.1f ms, rss %ld\n", (g_get_monotonic_time () - t0) / 1000.0, rss_kb ("VmRSS:"));
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  at_window_set_section (window, "library");
  gtk_window_present (GTK_WINDOW (window));
  g_signal_connect (gtk_widget_get_frame_clock (GTK_WIDGET (window)), "after-paint", G_CALLBACK (after_paint_cb), NULL);
  page = AT_LIBRARY_PAGE (at_window_get_section_page (window, "library"));
  while (bound_cells (GTK_WIDGET (at_library_page_get_grid (page))) < 10)
    g_main_context_iteration (NULL, TRUE);
  wait_paint ();
  photos = at_library_page_get_photos (page);
  g_print ("photos %u\nready_ms %.1f\nrss_kb_ready %ld (anon %ld, file %ld)\n", g_list_model_get_n_items (photos),
           (g_get_monotonic_time () - t0) / 1000.0, rss_kb ("VmRSS:"), rss_kb ("RssAnon:"), rss_kb ("RssFile:"));

  /* the whole grid, top to bottom, a frame drawn at every stop */
  adj = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (at_library_page_get_grid (page)));
  t0 = g_get_monotonic_time ();
  for (guint i = 1; i <= steps; i++)
    {
      double upper = gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj);
      gtk_adjustment_set_value (adj, upper * i / steps);
      wait_paint ();
      peak = MAX (peak, rss_kb ("VmRSS:"));
    }
  /* the thumbnails the last stops asked for */
  for (int i = 0; i < 100; i++)
    g_main_context_iteration (NULL, FALSE);
  g_print ("scroll_steps %u\nscroll_ms %.1f\nrss_kb_after_scroll %ld (anon %ld, file %ld)\nrss_kb_peak %ld\n", steps,
           (g_get_monotonic_time () - t0) / 1000.0, rss_kb ("VmRSS:"), rss_kb ("RssAnon:"), rss_kb ("RssFile:"), peak);
  g_settings_reset (at_application_get_settings (app), "library-folder");
  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}
