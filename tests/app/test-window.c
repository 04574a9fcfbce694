/* test-window.c — the real window under Xvfb, on a real demo catalog.
 *
 * Visits every section, checks what it shows against the catalog, and
 * saves a PNG of each into $AT_SCREENSHOT_DIR for people to look at.
 */
#include "config.h"

#include <glib/gstdio.h>

#include "at-ingest-page.h"
#include "at-library-page.h"
#include "at-photo-cell.h"
#include "at-test-app.h"
#include "at-test-card.h"
#include "at-test-util.h"

#define N_PHOTOS 60

static AtApplication *app;

static void
collect_cell (gpointer widget, gpointer names)
{
  if (AT_IS_PHOTO_CELL (widget) && gtk_widget_get_mapped (widget))
    g_ptr_array_add (names, g_strdup (at_photo_cell_get_name (AT_PHOTO_CELL (widget))));
}

static void
test_sections (void)
{
  g_autofree char *dir = at_test_make_tmpdir ();
  g_autoptr(AtCatalog) catalog = at_test_demo_catalog (dir, N_PHOTOS);
  AtWindow *window = at_test_new_window (app, catalog);
  g_autofree char *expected = NULL;
  guint n_sections;
  const char *const *sections = at_window_list_sections (&n_sections);

  g_assert_cmpuint (n_sections, ==, 9);

  /* the header counts what the catalog holds */
  expected = g_strdup_printf ("%" G_GINT64_FORMAT " photos · %" G_GINT64_FORMAT " projects · %"
                              G_GINT64_FORMAT " customers",
                              at_test_sql_int (catalog, "SELECT count(*) FROM photos"),
                              at_test_sql_int (catalog, "SELECT count(*) FROM projects"),
                              at_test_sql_int (catalog, "SELECT count(*) FROM customers"));
  g_assert_cmpstr (at_window_get_subtitle (window), ==, expected);
  g_assert_cmpstr (expected, ==, "60 photos · 6 projects · 6 customers");

  for (guint i = 0; i < n_sections; i++)
    {
      g_autofree char *shot = g_strdup_printf ("section-%u-%s.png", i + 1, sections[i]);
      GtkWidget *page;

      /* the Alt+number shortcut, as a user would */
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.section", "s", sections[i]));
      at_test_run_main_loop (350);
      g_assert_cmpstr (at_window_get_section (window), ==, sections[i]);
      page = at_window_get_section_page (window, sections[i]);
      g_assert_true (gtk_widget_get_mapped (page));
      if (ADW_IS_STATUS_PAGE (page))
        {
          g_assert_nonnull (adw_status_page_get_title (ADW_STATUS_PAGE (page)));
          g_assert_cmpuint (strlen (adw_status_page_get_description (ADW_STATUS_PAGE (page))), >, 60);
        }
      at_test_save_screenshot (GTK_WIDGET (window), shot);
    }

  /* Schedule and Contracts state what the catalog holds */
  {
    g_autofree char *slots = g_strdup_printf ("%" G_GINT64_FORMAT " shooting slots",
                                              at_test_sql_int (catalog, "SELECT count(*) FROM shooting_schedules"));
    g_autofree char *contracts = g_strdup_printf ("%" G_GINT64_FORMAT " contracts, %" G_GINT64_FORMAT " payments outstanding",
                                                  at_test_sql_int (catalog, "SELECT count(*) FROM contracts"),
                                                  at_test_sql_int (catalog, "SELECT count(*) FROM payments WHERE status = 'pending'"));
    AdwStatusPage *schedule = ADW_STATUS_PAGE (at_window_get_section_page (window, "schedule"));
    AdwStatusPage *contract = ADW_STATUS_PAGE (at_window_get_section_page (window, "contracts"));
    g_assert_nonnull (strstr (adw_status_page_get_description (schedule), slots));
    g_assert_nonnull (strstr (adw_status_page_get_description (contract), contracts));
  }

  /* the Library grid shows the catalog's photos, first shot first */
  {
    AtLibraryPage *library = AT_LIBRARY_PAGE (at_window_get_section_page (window, "library"));
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
    g_autofree char *first = at_test_sql_text (catalog, "SELECT file_name FROM photos ORDER BY capture_time, id LIMIT 1");
    GListModel *model;

    at_window_set_section (window, "library");
    at_test_run_main_loop (400);
    model = G_LIST_MODEL (gtk_grid_view_get_model (at_library_page_get_grid (library)));
    g_assert_cmpuint (g_list_model_get_n_items (model), ==, N_PHOTOS);
    at_test_foreach_widget (GTK_WIDGET (library), collect_cell, names);
    g_assert_cmpuint (names->len, >=, 8);
    g_assert_true (g_ptr_array_find_with_equal_func (names, first, g_str_equal, NULL));
    at_test_save_screenshot (GTK_WIDGET (window), "library-grid.png");
  }

  gtk_window_destroy (GTK_WINDOW (window));
  at_test_run_main_loop (100);
  g_clear_object (&catalog);
  at_test_rm_rf (dir);
}

static void
test_empty_catalog (void)
{
  g_autofree char *dir = at_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "empty.atelier", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AtCatalog) catalog = at_catalog_open (path, AT_CATALOG_OPEN_CREATE, &error);
  AtWindow *window;
  GtkWidget *library;

  g_assert_no_error (error);
  window = at_test_new_window (app, catalog);
  at_window_set_section (window, "library");
  at_test_run_main_loop (300);
  g_assert_cmpstr (at_window_get_subtitle (window), ==, "0 photos · 0 projects · 0 customers");
  library = at_window_get_section_page (window, "library");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (adw_bin_get_child (ADW_BIN (library)))), ==, "empty");
  at_test_save_screenshot (GTK_WIDGET (window), "library-empty.png");
  /* Ctrl+Q closes the windows (each stops its sync, and the application,
   * kept while one runs, ends after) */
  g_assert_nonnull (gtk_application_get_windows (GTK_APPLICATION (app)));
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  at_test_run_main_loop (100);
  g_assert_null (gtk_application_get_windows (GTK_APPLICATION (app)));
  g_clear_object (&catalog);
  at_test_rm_rf (dir);
}

/* A catalog that could not be opened: the window says so, nothing else works. */
static void
test_no_catalog (void)
{
  AtWindow *window = at_test_new_window (app, NULL);

  g_assert_cmpstr (at_window_get_section (window), ==, "no-catalog");
  at_window_show_error (window, "Cannot Open the Catalog",
                        "“/tmp/wedding.txt” is not an Atelier catalog: it is not an SQLite database.");
  at_test_run_main_loop (400);
  at_test_save_screenshot (GTK_WIDGET (window), "no-catalog.png");
  {
    GtkWidget *dialog = at_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG);

    g_assert_nonnull (dialog);
    g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), "not an SQLite database"));
    at_test_save_screenshot (dialog, "no-catalog-dialog.png");
    gtk_window_destroy (GTK_WINDOW (dialog));
  }
  gtk_window_destroy (GTK_WINDOW (window));
  at_test_run_main_loop (100);
}

/* Preferences, the shortcuts window, and a library folder that went away. */
static void
test_dialogs (void)
{
  g_autofree char *dir = at_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "c.atelier", NULL);
  g_autofree char *gone = g_build_filename (dir, "EXTERNAL_SSD", "Atelier Library", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AtCatalog) catalog = at_catalog_open (path, AT_CATALOG_OPEN_CREATE, &error);
  GSettings *settings = at_application_get_settings (app);
  AtWindow *window;
  GtkWidget *prefs, *shortcuts, *dialog;

  g_assert_no_error (error);
  window = at_test_new_window (app, catalog);

  g_settings_set_string (settings, "backup-folder", dir);
  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  at_test_run_main_loop (500);
  prefs = at_test_find_toplevel (ADW_TYPE_PREFERENCES_WINDOW);
  g_assert_nonnull (prefs);
  at_test_save_screenshot (prefs, "preferences.png");
  gtk_window_destroy (GTK_WINDOW (prefs));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL));
  at_test_run_main_loop (500);
  shortcuts = at_test_find_toplevel (GTK_TYPE_SHORTCUTS_WINDOW);
  g_assert_nonnull (shortcuts);
  at_test_save_screenshot (shortcuts, "shortcuts.png");
  gtk_window_close (GTK_WINDOW (shortcuts));

  g_settings_set_string (settings, "library-folder", gone);
  at_window_check_library (window);
  at_test_run_main_loop (400);
  dialog = at_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_nonnull (dialog);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), "does not exist"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), gone));
  g_assert_false (g_file_test (gone, G_FILE_TEST_EXISTS));
  at_test_save_screenshot (dialog, "library-missing-dialog.png");
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_settings_reset (settings, "library-folder");
  g_settings_reset (settings, "backup-folder");

  gtk_window_destroy (GTK_WINDOW (window));
  at_test_run_main_loop (100);
  g_clear_object (&catalog);
  at_test_rm_rf (dir);
}

static gboolean
is_clock (GtkWidget *widget, gconstpointer serial)
{
  return GTK_IS_SPIN_BUTTON (widget) && g_strcmp0 (g_object_get_data (G_OBJECT (widget), "serial"), serial) == 0;
}

static GtkSpinButton *
find_clock (GtkWidget  *widget,
            const char *serial)
{
  return GTK_SPIN_BUTTON (at_test_find_widget_by (widget, is_clock, serial));
}

/* A card folder imported from the Ingest page, watched while it lands. */
static void
test_ingest_page (void)
{
  g_autofree char *dir = at_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "c.atelier", NULL);
  g_autofree char *library = g_build_filename (dir, "Library", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AtCatalog) catalog = at_catalog_open (path, AT_CATALOG_OPEN_CREATE, &error);
  GSettings *settings = at_application_get_settings (app);
  AtTestCardInfo info;
  g_autofree char *card = at_test_card_make (dir, "EOS_R5", 14, 6 << 20, AT_TEST_CARD_RAW | AT_TEST_CARD_SIDECARS, &info);
  AtWindow *window;
  AtIngestPage *page;
  gboolean mid_shot = FALSE;

  g_assert_no_error (error);
  g_assert_cmpint (g_mkdir (library, 0755), ==, 0);
  g_settings_set_string (settings, "library-folder", library);
  window = at_test_new_window (app, catalog);
  at_window_set_section (window, "ingest");
  page = AT_INGEST_PAGE (at_window_get_section_page (window, "ingest"));
  at_ingest_page_add_folder (page, card);
  g_assert_cmpuint (at_ingest_page_get_n_sources (page), >=, 1);
  /* counting runs on a worker: wait for its result, however slow the machine */
  for (int waited = 0; find_clock (GTK_WIDGET (page), "083033004321") == NULL && waited < 600; waited++)
    at_test_run_main_loop (50);
  at_test_run_main_loop (200);
  /* the R5's clock was an hour slow */
  g_assert_nonnull (find_clock (GTK_WIDGET (page), "083033004321"));
  gtk_spin_button_set_value (find_clock (GTK_WIDGET (page), "032021001234"), 3600);
  at_test_save_screenshot (GTK_WIDGET (window), "ingest-setup.png");

  at_ingest_page_start (page);
  g_assert_true (at_ingest_page_is_running (page));
  while (at_ingest_page_is_running (page))
    {
      g_main_context_iteration (NULL, TRUE);
      if (!mid_shot && g_list_model_get_n_items (at_ingest_page_get_landed (page)) >= 1)
        {
          at_test_save_screenshot (GTK_WIDGET (window), "ingest-running.png");
          mid_shot = TRUE;
        }
    }
  at_test_run_main_loop (300);
  at_test_save_screenshot (GTK_WIDGET (window), "ingest-done.png");
  g_assert_true (mid_shot);
  g_assert_cmpuint (g_list_model_get_n_items (at_ingest_page_get_landed (page)), ==, info.n_captures);
  g_assert_nonnull (strstr (at_ingest_page_get_result (page), "28 photos copied and verified"));
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM photos"), ==, info.n_captures);
  /* the clock correction moved the R5's photos, and only those */
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM photos WHERE body_serial = '032021001234' "
                                             "AND capture_time LIKE '2026-06-13T13:%'"), ==, 14);
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM photos WHERE body_serial = '083033004321' "
                                             "AND capture_time LIKE '2026-06-13T12:%'"), ==, 14);
  /* the Library and the header counted them too */
  g_assert_nonnull (strstr (at_window_get_subtitle (window), "28 photos"));

  g_settings_reset (settings, "library-folder");
  gtk_window_destroy (GTK_WINDOW (window));
  at_test_run_main_loop (100);
  g_clear_object (&catalog);
  at_test_rm_rf (dir);
}

int
main (int argc, char **argv)
{
  int status;

  app = at_test_app_init (&argc, &argv);

  g_test_add_func ("/app/sections", test_sections);
  g_test_add_func ("/app/empty-catalog", test_empty_catalog);
  g_test_add_func ("/app/no-catalog", test_no_catalog);
  g_test_add_func ("/app/dialogs", test_dialogs);
  g_test_add_func ("/app/ingest", test_ingest_page);
  status = g_test_run ();
  g_clear_object (&app);
  return status;
}
