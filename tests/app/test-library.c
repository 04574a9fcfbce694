/* test-library.c — culling in the real window under Xvfb, with real keys.
 *
 * Keys are typed through the X server (xdotool's XTEST), so what is tested
 * is what a photographer's keyboard does: the bindings, the actions, the
 * cells that redraw at once, and the catalog that follows behind.
 */
#include "config.h"

#include <glib/gstdio.h>

#include "at-library-page.h"
#include "at-photo-cell.h"
#include "at-test-app.h"
#include "at-test-util.h"

static AtApplication *app;

static AtPhoto *
item (AtLibraryPage *page, guint i)
{
  AtPhoto *p = g_list_model_get_item (at_library_page_get_photos (page), i);
  g_object_unref (p);   /* the list's cache keeps it */
  return p;
}

/* The run of keys "5 2 x u 9" from the fourth photo on, as the list shows it. */
static gboolean
culled_run (gpointer page)
{
  return at_photo_get_rating (item (page, 3)) == 5 && at_photo_get_rating (item (page, 4)) == 2 &&
         at_photo_get_rating (item (page, 5)) == -1 && g_strcmp0 (at_photo_get_color_label (item (page, 7)), "blue") == 0;
}

/* Whether a toast says that culling decisions were not saved. */
static gboolean
toast_not_saved (gpointer window)
{
  GType type = g_type_from_name ("AdwToastWidget");
  GtkWidget *toast = type ? at_test_find_widget (window, type) : NULL;
  GtkWidget *label;

  for (guint n = 0; toast != NULL && (label = at_test_find_widget_nth (toast, GTK_TYPE_LABEL, n)) != NULL; n++)
    if (strstr (gtk_label_get_text (GTK_LABEL (label)), "were not saved") != NULL &&
        strstr (gtk_label_get_text (GTK_LABEL (label)), "disk is full") != NULL)
      return TRUE;
  return FALSE;
}

static char *
stored (AtCatalog *catalog, AtPhoto *p)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = g_strdup_printf ("SELECT rating || ' ' || color_label || ' ' || picked FROM photos "
                                          "WHERE id = '%s'", at_photo_get_id (p));
  g_assert_true (at_catalog_flush (catalog, &error));
  at_test_run_main_loop (100);
  return at_test_sql_text (catalog, sql);
}

static void
count_thumbnail (gpointer widget, gpointer n)
{
  if (AT_IS_PHOTO_CELL (widget) && gtk_widget_get_mapped (widget) && at_photo_cell_has_thumbnail (AT_PHOTO_CELL (widget)))
    (*(guint *) n)++;
}

static gboolean
thumbnails_shown (gpointer grid)
{
  guint n = 0;
  at_test_foreach_widget (grid, count_thumbnail, &n);
  return n >= 8;
}

typedef struct
{
  GtkGridView *grid;
  const char  *name;
} MissingProbe;

static gboolean
is_missing_cell (GtkWidget *widget, gconstpointer name)
{
  return AT_IS_PHOTO_CELL (widget) && g_strcmp0 (at_photo_cell_get_name (AT_PHOTO_CELL (widget)), name) == 0 &&
         at_photo_cell_shows_missing_original (AT_PHOTO_CELL (widget));
}

static gboolean
missing_shown (gpointer data)
{
  MissingProbe *probe = data;
  return at_test_find_widget_by (GTK_WIDGET (probe->grid), is_missing_cell, probe->name) != NULL;
}

static gboolean
has_css (GtkWidget *widget, gconstpointer css)
{
  return gtk_widget_has_css_class (widget, css);
}

static GtkWidget *
find_css (GtkWidget *widget, const char *css)
{
  return at_test_find_widget_by (widget, has_css, css);
}

/* Whether a click 40 px into ((gpointer *) data)[1] lands on it in the
 * grid [0]. */
static gboolean
click_lands_on_cell (gpointer data)
{
  GtkWidget *grid = ((gpointer *) data)[0], *cell = ((gpointer *) data)[1];
  graphene_point_t at;
  GtkWidget *picked;

  if (!gtk_widget_compute_point (cell, grid, &GRAPHENE_POINT_INIT (40, 40), &at))
    return FALSE;
  for (picked = gtk_widget_pick (grid, at.x, at.y, GTK_PICK_DEFAULT); picked != NULL && picked != grid;
       picked = gtk_widget_get_parent (picked))
    if (picked == cell)
      return TRUE;
  return FALSE;
}

static gboolean
chip_shown (gpointer popover)
{
  return find_css (popover, "keyword-chip") != NULL;
}

static gboolean
no_chip (gpointer popover)
{
  return !chip_shown (popover);
}

static gboolean
none_tagged (gpointer catalog)
{
  return at_test_sql_int (catalog, "SELECT count(*) FROM photo_keywords WHERE keyword = 'Family|Grandparents' "
                                   "AND present = 1") == 0;
}

static gboolean
two_tagged (gpointer catalog)
{
  return at_test_sql_int (catalog, "SELECT count(*) FROM photo_keywords WHERE keyword = 'Family|Grandparents' "
                                   "AND present = 1") == 2;
}

static GdkPaintable *
shown_in (gpointer loupe)
{
  return gtk_picture_get_paintable (GTK_PICTURE (at_test_find_widget (loupe, GTK_TYPE_PICTURE)));
}

static GdkPaintable *fit_view;

static gboolean
zoomed_in (gpointer loupe)
{
  GdkPaintable *shown = shown_in (loupe);
  /* the original's pixels, not the preview: all 640 of them fit the view */
  return shown != NULL && shown != fit_view && gdk_paintable_get_intrinsic_width (shown) == 640;
}

static gboolean
loupe_ready (gpointer loupe)
{
  return at_loupe_has_preview (loupe) && *at_loupe_get_exposure (loupe) != '\0';
}

static gboolean
panes_ready (gpointer view)
{
  for (guint i = 0; i < at_compare_view_get_n_panes (view); i++)
    if (!at_loupe_has_preview (at_compare_view_get_pane (view, i)))
      return FALSE;
  return at_compare_view_get_n_panes (view) > 0;
}

static gboolean
panes_zoomed (gpointer view)
{
  for (guint i = 0; i < at_compare_view_get_n_panes (view); i++)
    {
      GdkPaintable *shown = shown_in (at_compare_view_get_pane (view, i));
      if (shown == NULL || gdk_paintable_get_intrinsic_width (shown) > 640 || !at_loupe_get_zoomed (at_compare_view_get_pane (view, i)))
        return FALSE;
    }
  return TRUE;
}

/* The picture's own click gesture (the one that zooms on a double click). */
static GtkGesture *
picture_click (AtLoupe *loupe)
{
  GtkWidget *picture = at_test_find_widget (GTK_WIDGET (loupe), GTK_TYPE_PICTURE);
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (picture);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);
      if (GTK_IS_GESTURE_CLICK (controller))
        return GTK_GESTURE (controller);
    }
  return NULL;
}

static gboolean
is_keywords_button (GtkWidget *widget, gconstpointer unused)
{
  return GTK_IS_MENU_BUTTON (widget) && g_strcmp0 (gtk_menu_button_get_label (GTK_MENU_BUTTON (widget)), "_Keywords") == 0;
}

static GtkMenuButton *
keywords_button (GtkWidget *widget)
{
  return GTK_MENU_BUTTON (at_test_find_widget_by (widget, is_keywords_button, NULL));
}

typedef struct
{
  AtFilterPopover *popover;
  const char      *what, *value;
} Choice;

static gboolean
chose (gpointer data)
{
  Choice *c = data;
  return at_filter_popover_select (c->popover, c->what, c->value);
}

typedef struct
{
  AtCatalog  *catalog;
  const char *sql;
  gint64      want;
} SqlProbe;

static gboolean
sql_says (gpointer data)
{
  SqlProbe *p = data;
  return at_test_sql_int (p->catalog, p->sql) == p->want;
}

/* the new album chosen once the list is read again */
static gboolean
album_chosen (gpointer popover)
{
  const char *label = at_album_popover_get_album_label (popover);
  return label != NULL && g_str_has_prefix (label, "Ceremony selects");
}

static void
test_culling_keys (void)
{
  g_autofree char *dir = at_test_make_tmpdir ();
  g_autofree char *library = g_build_filename (dir, "library", NULL);
  g_autoptr(AtCatalog) catalog = at_test_demo_catalog (dir, 40);
  GSettings *settings = at_application_get_settings (app);
  g_autoptr(GError) error = NULL;
  AtLibraryPage *page;
  GtkSelectionModel *selection;
  AtWindow *window;
  AtPhoto *a, *b, *c;
  g_autofree char *sa = NULL, *sb = NULL;

  /* one original is gone (a file deleted behind Atelier's back) */
  {
    g_autofree char *rel = at_test_sql_text (catalog, "SELECT library_path FROM photos WHERE deleted_at IS NULL "
                                                      "ORDER BY capture_time, id LIMIT 1 OFFSET 9");
    g_autofree char *gone = g_build_filename (library, rel, NULL);
    g_assert_cmpint (g_unlink (gone), ==, 0);
  }
  g_settings_set_string (settings, "library-folder", library);
  window = at_test_new_window (app, catalog);
  at_window_set_section (window, "library");
  page = AT_LIBRARY_PAGE (at_window_get_section_page (window, "library"));
  selection = GTK_SELECTION_MODEL (gtk_grid_view_get_model (at_library_page_get_grid (page)));

  /* thumbnails come off the main thread, made from the library files */
  at_test_wait_until (thumbnails_shown, at_library_page_get_grid (page), 60);

  /* its cell says so, and it can still be rated */
  {
    MissingProbe probe = { at_library_page_get_grid (page), at_photo_get_file_name (item (page, 9)) };
    at_test_wait_until (missing_shown, &probe, 30);
    gtk_selection_model_select_item (selection, 9, TRUE);
    gtk_widget_grab_focus (GTK_WIDGET (at_library_page_get_grid (page)));
    at_test_run_main_loop (100);
    at_test_type_keys ("2");
    g_assert_cmpint (at_photo_get_rating (item (page, 9)), ==, 2);
  }

  /* a clean slate for the first photos */
  {
    const char *ids[7] = { NULL };
    AtCullState zero[6] = { { 0 } };
    for (guint i = 0; i < 6; i++)
      ids[i] = at_photo_get_id (item (page, i));
    g_assert_true (at_culling_write_sync (catalog, ids, zero, 6, &error));
    at_test_run_main_loop (150);
  }
  a = item (page, 0);
  b = item (page, 1);
  c = item (page, 2);

  gtk_selection_model_select_range (selection, 0, 2, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (at_library_page_get_grid (page)));
  at_test_run_main_loop (200);

  at_test_type_keys ("4");
  g_assert_cmpint (at_photo_get_rating (a), ==, 4);
  g_assert_cmpint (at_photo_get_rating (b), ==, 4);
  g_assert_cmpint (at_photo_get_rating (c), ==, 0);
  at_test_type_keys ("6 p");
  g_assert_cmpstr (at_photo_get_color_label (a), ==, "red");
  g_assert_true (at_photo_get_picked (b));
  sa = stored (catalog, a);
  g_assert_cmpstr (sa, ==, "4 red 1");

  /* reject the second one alone, then take it back, then again */
  gtk_selection_model_select_item (selection, 1, TRUE);
  at_test_type_keys ("x");
  g_assert_cmpint (at_photo_get_rating (b), ==, -1);
  at_test_type_keys ("ctrl+z");
  g_assert_cmpint (at_photo_get_rating (b), ==, 4);
  g_assert_true (at_photo_get_picked (b));
  at_test_type_keys ("ctrl+shift+z");
  g_assert_cmpint (at_photo_get_rating (b), ==, -1);
  sb = stored (catalog, b);
  g_assert_cmpstr (sb, ==, "-1 red 0");

  /* auto-advance: each key moves the selection on, for a run of keys */
  g_object_set (page, "auto-advance", TRUE, NULL);
  gtk_selection_model_select_item (selection, 3, TRUE);
  at_test_type_keys ("5 2 x u 9");
  /* shown at once, and kept when the list is read again after one key's
   * commit while the next key's write is still on its way */
  g_assert_true (culled_run (page));
  g_assert_true (at_catalog_flush (catalog, &error));
  at_test_run_main_loop (150);
  g_assert_cmpint (at_photo_get_rating (item (page, 3)), ==, 5);
  g_assert_cmpint (at_photo_get_rating (item (page, 4)), ==, 2);
  g_assert_cmpint (at_photo_get_rating (item (page, 5)), ==, -1);
  g_assert_true (gtk_selection_model_is_selected (selection, 8));
  g_assert_cmpstr (at_photo_get_color_label (item (page, 7)), ==, "blue");
  g_object_set (page, "auto-advance", FALSE, NULL);
  at_test_run_main_loop (300);
  at_test_save_screenshot (GTK_WIDGET (window), "library-culling.png");
  {
    g_autofree char *s5 = stored (catalog, item (page, 5));
    g_assert_cmpstr (s5, ==, "-1 none 0");
  }

  /* the decisions reached the sidecars, where exiv2 (and Lightroom) read them */
  {
    g_autofree char *image = g_build_filename (library, at_photo_get_library_path (a), NULL);
    g_autofree char *sidecar = at_xmp_sidecar_path (image, AT_SIDECAR_ADOBE);
    g_autofree char *printed = NULL;
    const char *argv[] = { "exiv2", "-q", "-PXkv", sidecar, NULL };

    g_assert_nonnull (at_library_page_get_xmp_writer (page));
    at_xmp_writer_flush (at_library_page_get_xmp_writer (page));
    g_assert_cmpuint (at_xmp_writer_get_failures (at_library_page_get_xmp_writer (page)), ==, 0);
    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                                 NULL, NULL, &printed, NULL, NULL, NULL));
    g_assert_true (g_regex_match_simple ("Xmp.xmp.Rating +4\\n", printed, 0, 0));
    g_assert_true (g_regex_match_simple ("Xmp.xmp.Label +Red\\n", printed, 0, 0));
    g_assert_true (g_regex_match_simple ("Xmp.atelier.Pick +True\\n", printed, 0, 0));
  }

  /* a decision the catalog cannot take (a full disk) is said, and the
   * grid shows what the catalog holds */
  {
    g_assert_cmpint (at_photo_get_rating (c), ==, 0);
    at_test_refuse_photo_updates (catalog, "NEW.rating = 1");
    gtk_selection_model_select_item (selection, 2, TRUE);
    at_test_type_keys ("1");
    at_test_wait_until (toast_not_saved, window, 10);
    g_assert_cmpint (at_photo_get_rating (item (page, 2)), ==, 0);
    at_test_save_screenshot (GTK_WIDGET (window), "library-not-saved.png");
    at_test_dismiss_toasts (GTK_WIDGET (window));
    at_test_refuse_photo_updates (catalog, NULL);
  }

  /* the filter bar: stars, label, flag, text; typing in the search field
   * types, it does not rate */
  {
    GtkWidget *rating = at_test_find_widget (GTK_WIDGET (page), GTK_TYPE_DROP_DOWN);
    GtkWidget *search = at_test_find_widget (GTK_WIDGET (page), GTK_TYPE_SEARCH_ENTRY);
    GListModel *photos = at_library_page_get_photos (page);
    gint64 four = at_test_sql_int (catalog, "SELECT count(*) FROM photos WHERE rating >= 4");
    gint64 rejected_before = at_test_sql_int (catalog, "SELECT count(*) FROM photos WHERE rating = -1");

    gtk_drop_down_set_selected (GTK_DROP_DOWN (rating), 4);
    at_test_run_main_loop (100);
    g_assert_cmpint (g_list_model_get_n_items (photos), ==, four);
    for (guint i = 0; i < g_list_model_get_n_items (photos); i++)
      g_assert_cmpint (at_photo_get_rating (item (page, i)), >=, 4);
    at_test_save_screenshot (GTK_WIDGET (window), "library-filtered.png");

    gtk_drop_down_set_selected (GTK_DROP_DOWN (rating), 0);
    gtk_widget_grab_focus (search);
    at_test_run_main_loop (100);
    at_test_type_keys ("x 4 x x x");
    at_test_run_main_loop (400);   /* search-changed waits a moment */
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (search)), ==, "x4xxx");
    g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM photos WHERE rating = -1"), ==, rejected_before);
    g_assert_cmpuint (g_list_model_get_n_items (photos), ==, 0);
    at_test_save_screenshot (GTK_WIDGET (window), "library-no-match.png");
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "library.clear-filters", NULL));
    at_test_run_main_loop (100);
    g_assert_cmpuint (g_list_model_get_n_items (photos), ==, 40);
  }

  /* a right click on a photo: it is selected and the culling menu opens
   * there; Purple, which has no key, comes from that menu */
  {
    GtkWidget *grid = GTK_WIDGET (at_library_page_get_grid (page));
    g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (grid);
    GtkGesture *click = NULL;
    GtkWidget *popover;
    graphene_point_t at;
    GtkWidget *cell = at_test_find_widget (GTK_WIDGET (at_library_page_get_grid (page)), AT_TYPE_PHOTO_CELL);

    for (guint i = 0; i < g_list_model_get_n_items (controllers) && click == NULL; i++)
      {
        g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);
        if (GTK_IS_GESTURE_CLICK (controller) &&
            gtk_gesture_single_get_button (GTK_GESTURE_SINGLE (controller)) == GDK_BUTTON_SECONDARY)
          click = GTK_GESTURE (controller);
      }
    g_assert_nonnull (click);
    /* the first cell in the tree is the first photo */
    g_assert_true (at_photo_cell_get_photo (AT_PHOTO_CELL (cell)) == item (page, 0));
    gtk_selection_model_unselect_all (selection);
    /* (laid out: a click there lands on that cell, not on a slow run's
     * grid still being allocated) */
    at_test_wait_until (click_lands_on_cell, (gpointer[]) { grid, cell }, 10);
    g_assert_true (gtk_widget_compute_point (cell, grid, &GRAPHENE_POINT_INIT (40, 40), &at));
    g_signal_emit_by_name (click, "pressed", 1, (double) at.x, (double) at.y);
    at_test_run_main_loop (200);
    g_assert_true (gtk_selection_model_is_selected (selection, 0));
    popover = at_test_find_widget (GTK_WIDGET (page), GTK_TYPE_POPOVER_MENU);
    g_assert_nonnull (popover);
    g_assert_true (gtk_widget_get_visible (popover));
    gtk_popover_popdown (GTK_POPOVER (popover));
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "library.label", "s", "purple"));
    g_assert_cmpstr (at_photo_get_color_label (item (page, 0)), ==, "purple");
  }

  /* the size slider: every cell follows */
  {
    GtkWidget *scale = at_test_find_widget (GTK_WIDGET (page), GTK_TYPE_SCALE);
    GtkWidget *cell = at_test_find_widget (GTK_WIDGET (at_library_page_get_grid (page)), AT_TYPE_PHOTO_CELL);
    int size = 0;

    gtk_range_set_value (GTK_RANGE (scale), 296);
    at_test_run_main_loop (400);
    g_object_get (cell, "thumbnail-size", &size, NULL);
    g_assert_cmpint (size, ==, 296);
    g_assert_cmpint (gtk_widget_get_width (cell), >=, 296);
    at_test_save_screenshot (GTK_WIDGET (window), "library-large-thumbnails.png");
    gtk_range_set_value (GTK_RANGE (scale), 176);
    at_test_run_main_loop (300);
  }

  /* a keyword on two selected photos, from the Keywords popover */
  {
    GtkWidget *entry = at_test_find_widget (GTK_WIDGET (page), GTK_TYPE_ENTRY);
    GtkButton *add = NULL;

    gtk_selection_model_select_range (selection, 0, 2, TRUE);
    gtk_menu_button_popup (keywords_button (GTK_WIDGET (page)));
    at_test_run_main_loop (200);
    entry = NULL;
    for (GtkWidget *w = gtk_widget_get_first_child (GTK_WIDGET (gtk_menu_button_get_popover (
           keywords_button (GTK_WIDGET (page))))); w != NULL && entry == NULL;
         w = gtk_widget_get_next_sibling (w))
      entry = at_test_find_widget (w, GTK_TYPE_ENTRY);
    g_assert_nonnull (entry);
    gtk_editable_set_text (GTK_EDITABLE (entry), "Family|Grandparents");
    add = at_test_find_button (GTK_WIDGET (gtk_menu_button_get_popover (
            keywords_button (GTK_WIDGET (page)))), "_Add to Selected");
    g_assert_nonnull (add);
    g_signal_emit_by_name (add, "clicked");
    at_test_wait_until (two_tagged, catalog, 10);
    at_test_save_screenshot (GTK_WIDGET (window), "library-keywords.png");
    /* the selection's keywords are listed under the entry; a click takes one off */
    {
      GtkWidget *popover = GTK_WIDGET (gtk_menu_button_get_popover (keywords_button (GTK_WIDGET (page))));
      GtkWidget *chip;

      at_test_wait_until (chip_shown, popover, 10);
      at_test_save_screenshot (popover, "library-keywords-popover.png");
      chip = find_css (popover, "keyword-chip");
      g_assert_cmpstr (g_object_get_data (G_OBJECT (chip), "keyword"), ==, "Family|Grandparents");
      g_signal_emit_by_name (chip, "clicked");
      at_test_wait_until (none_tagged, catalog, 10);
      /* (the chips are read again on a worker) */
      at_test_wait_until (no_chip, popover, 10);
      g_assert_null (find_css (popover, "keyword-chip"));
    }
    gtk_menu_button_popdown (keywords_button (GTK_WIDGET (page)));
  }

  /* the loupe: Enter on a photo, arrows to move, keys still cull, Escape back */
  {
    AtLoupe *loupe = at_library_page_get_loupe (page);
    AtPhoto *third = item (page, 2), *fourth = item (page, 3);

    gtk_selection_model_select_item (selection, 2, TRUE);
    at_library_page_open_loupe (page, 2);
    at_test_wait_until (loupe_ready, loupe, 30);
    g_assert_true (at_loupe_get_photo (loupe) == third);
    g_assert_true (g_regex_match_simple ("^1/[0-9]+ s · f/[0-9.]+ · ISO [0-9]+ · [0-9]+ mm$",
                                         at_loupe_get_exposure (loupe), 0, 0));
    at_test_save_screenshot (GTK_WIDGET (window), "library-loupe.png");
    /* z: the original's own pixels (the demo's are 640 px wide, smaller
     * than the view, so all of them), z again: the whole photo */
    fit_view = shown_in (loupe);
    at_test_type_keys ("z");
    g_assert_true (at_loupe_get_zoomed (loupe));
    at_test_wait_until (zoomed_in, loupe, 20);
    at_test_type_keys ("z");
    g_assert_false (at_loupe_get_zoomed (loupe));
    g_assert_true (shown_in (loupe) == fit_view);
    at_test_type_keys ("Right");
    g_assert_true (at_loupe_get_photo (loupe) == fourth);
    at_test_type_keys ("3");
    g_assert_cmpint (at_photo_get_rating (fourth), ==, 3);
    at_test_type_keys ("Left Left");
    g_assert_true (at_loupe_get_photo (loupe) == item (page, 1));
    at_test_type_keys ("Escape");
    g_assert_null (at_loupe_get_photo (loupe));
    g_assert_true (gtk_selection_model_is_selected (selection, 1));
  }

  /* compare: three selected photos two by two; the arrows move the active
   * pane, the keys cull its photo, zoom and pan move every pane together */
  {
    AtCompareView *view = at_library_page_get_compare_view (page);
    int rating_first = at_photo_get_rating (item (page, 4));
    gboolean zoomed[3];
    double cx[3], cy[3];

    gtk_selection_model_select_range (selection, 4, 3, TRUE);
    gtk_widget_grab_focus (GTK_WIDGET (at_library_page_get_grid (page)));
    at_test_type_keys ("c");
    g_assert_cmpuint (at_compare_view_get_n_panes (view), ==, 3);
    at_test_wait_until (panes_ready, view, 30);
    g_assert_true (at_compare_view_get_active_photo (view) == item (page, 4));
    at_test_save_screenshot (GTK_WIDGET (window), "library-compare.png");
    at_test_type_keys ("Right 2");
    g_assert_true (at_compare_view_get_active_photo (view) == item (page, 5));
    g_assert_cmpint (at_photo_get_rating (item (page, 5)), ==, 2);
    g_assert_cmpint (at_photo_get_rating (item (page, 4)), ==, rating_first);
    g_assert_cmpstr (stored (catalog, item (page, 5)), ==, "2 none 0");

    at_test_type_keys ("z");
    at_test_wait_until (panes_zoomed, view, 20);
    at_test_type_keys ("shift+Right shift+Down");
    for (guint i = 0; i < 3; i++)
      at_loupe_get_view (at_compare_view_get_pane (view, i), &zoomed[i], &cx[i], &cy[i]);
    g_assert_cmpfloat (cx[1], >, 0.5);
    g_assert_cmpfloat (cy[1], >, 0.5);
    for (guint i = 0; i < 3; i += 2)
      {
        g_assert_true (zoomed[i]);
        g_assert_cmpfloat_with_epsilon (cx[i], cx[1], 1e-9);
        g_assert_cmpfloat_with_epsilon (cy[i], cy[1], 1e-9);
      }
    at_test_save_screenshot (GTK_WIDGET (window), "library-compare-zoomed.png");
    at_test_type_keys ("z");
    g_assert_false (at_loupe_get_zoomed (at_compare_view_get_pane (view, 0)));

    /* a double click near a pane's top-left corner zooms there, in every pane */
    {
      AtLoupe *pane = at_compare_view_get_pane (view, 2);
      g_signal_emit_by_name (picture_click (pane), "pressed", 2, 2.0, 2.0);
      at_loupe_get_view (at_compare_view_get_pane (view, 0), &zoomed[0], &cx[0], &cy[0]);
      g_assert_true (zoomed[0]);
      g_assert_cmpfloat (cx[0], <, 0.2);
      g_assert_cmpfloat (cy[0], <, 0.2);
    }
    at_test_type_keys ("Escape");
    g_assert_cmpuint (at_compare_view_get_n_panes (view), ==, 0);

    /* one photo selected: it and the next, two across */
    gtk_selection_model_select_item (selection, 12, TRUE);
    g_assert_true (at_library_page_compare (page));
    g_assert_cmpuint (at_compare_view_get_n_panes (view), ==, 2);
    g_assert_true (at_loupe_get_photo (at_compare_view_get_pane (view, 1)) == item (page, 13));
    at_test_wait_until (panes_ready, view, 30);
    at_test_save_screenshot (GTK_WIDGET (window), "library-compare-two.png");
    at_test_type_keys ("Escape");
  }

  /* More: a camera, then a day; the grid shows exactly what the catalog has */
  {
    AtFilterPopover *popover = at_library_page_get_filter_popover (page);
    GListModel *photos = at_library_page_get_photos (page);
    g_autofree char *serial = at_test_sql_text (catalog, "SELECT body_serial FROM photos GROUP BY body_serial "
                                                         "ORDER BY count(*) DESC LIMIT 1");
    g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM photos WHERE body_serial = '%s'", serial);
    g_autofree char *day = at_test_sql_text (catalog, "SELECT date(capture_time, coalesce(capture_offset, '+00:00')) FROM photos "
                                                      "ORDER BY capture_time LIMIT 1");
    Choice choice = { popover, "camera", serial };
    GtkWidget *from = NULL;

    g_assert_nonnull (popover);
    at_test_wait_until (chose, &choice, 10);
    at_test_run_main_loop (100);
    g_assert_cmpuint (g_list_model_get_n_items (photos), ==, (guint) at_test_sql_int (catalog, sql));
    g_assert_cmpuint (g_list_model_get_n_items (photos), <, 40);
    for (guint i = 0; i < g_list_model_get_n_items (photos); i++)
      g_assert_cmpstr (at_photo_get_body_serial (item (page, i)), ==, serial);

    gtk_menu_button_popup (GTK_MENU_BUTTON (gtk_widget_get_parent (GTK_WIDGET (popover))));
    at_test_run_main_loop (300);
    /* the second entry is "until"; a date that is not one is shown, not applied */
    from = at_test_find_widget (GTK_WIDGET (popover), GTK_TYPE_ENTRY);
    gtk_editable_set_text (GTK_EDITABLE (from), "2026-13-40");
    at_test_run_main_loop (100);
    g_assert_true (gtk_widget_has_css_class (from, "error"));
    g_assert_cmpuint (g_list_model_get_n_items (photos), ==, (guint) at_test_sql_int (catalog, sql));
    gtk_editable_set_text (GTK_EDITABLE (from), day);
    at_test_run_main_loop (100);
    g_assert_false (gtk_widget_has_css_class (from, "error"));
    g_assert_cmpuint (at_filter_popover_get_n_active (popover), ==, 2);
    at_test_save_screenshot (GTK_WIDGET (window), "library-more-filters.png");
    gtk_popover_popdown (GTK_POPOVER (popover));
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "library.clear-filters", NULL));
    at_test_run_main_loop (100);
    g_assert_cmpuint (at_filter_popover_get_n_active (popover), ==, 0);
    g_assert_cmpuint (g_list_model_get_n_items (photos), ==, 40);
  }

  /* Albums: a new one of three selected photos, two more added, the grid
   * filtered by it, one taken out there, and a new name */
  {
    AtAlbumPopover *albums = at_library_page_get_album_popover (page);
    AtFilterPopover *filters = at_library_page_get_filter_popover (page);
    GListModel *photos = at_library_page_get_photos (page);
    GtkWidget *entry = at_test_find_widget (GTK_WIDGET (albums), GTK_TYPE_ENTRY);
    const char *count_sql = "SELECT count(*) FROM album_items i JOIN albums a ON a.id = i.album_id "
                            "WHERE a.name = 'Ceremony selects' AND i.present = 1";
    SqlProbe probe = { catalog, count_sql, 3 };
    g_autofree char *album = NULL;
    Choice choice = { filters, "album", NULL };

    gtk_selection_model_select_range (selection, 0, 3, TRUE);
    gtk_menu_button_popup (GTK_MENU_BUTTON (gtk_widget_get_parent (GTK_WIDGET (albums))));
    at_test_run_main_loop (200);
    gtk_editable_set_text (GTK_EDITABLE (entry), "  Ceremony selects ");
    g_signal_emit_by_name (at_test_find_button (GTK_WIDGET (albums), "_New with Selected"), "clicked");
    at_test_wait_until (sql_says, &probe, 10);
    at_test_wait_until (album_chosen, albums, 10);
    album = g_strdup (at_album_popover_get_album (albums));
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "");

    gtk_selection_model_select_range (selection, 3, 2, TRUE);
    g_signal_emit_by_name (at_test_find_button (GTK_WIDGET (albums), "_Add Selected"), "clicked");
    probe.want = 5;
    at_test_wait_until (sql_says, &probe, 10);
    gtk_menu_button_popup (GTK_MENU_BUTTON (gtk_widget_get_parent (GTK_WIDGET (albums))));
    at_test_run_main_loop (300);
    at_test_save_screenshot (GTK_WIDGET (albums), "library-albums-popover.png");
    gtk_popover_popdown (GTK_POPOVER (albums));

    choice.value = album;
    at_filter_popover_reload (filters, catalog);
    at_test_wait_until (chose, &choice, 10);
    at_test_run_main_loop (100);
    g_assert_cmpuint (g_list_model_get_n_items (photos), ==, 5);
    gtk_selection_model_select_item (selection, 0, TRUE);
    g_signal_emit_by_name (at_test_find_button (GTK_WIDGET (albums), "_Take Out"), "clicked");
    probe.want = 4;
    at_test_wait_until (sql_says, &probe, 10);
    at_test_run_main_loop (200);
    g_assert_cmpuint (g_list_model_get_n_items (photos), ==, 4);
    at_test_save_screenshot (GTK_WIDGET (window), "library-album-filtered.png");

    gtk_editable_set_text (GTK_EDITABLE (entry), "First look");
    g_signal_emit_by_name (at_test_find_button (GTK_WIDGET (albums), "_Rename"), "clicked");
    probe.sql = "SELECT count(*) FROM albums WHERE name = 'First look'";
    probe.want = 1;
    at_test_wait_until (sql_says, &probe, 10);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "library.clear-filters", NULL));
    at_test_run_main_loop (100);
  }

  g_settings_reset (settings, "library-folder");
  gtk_window_destroy (GTK_WINDOW (window));
  at_test_run_main_loop (100);
  at_test_rm_rf (dir);
}

int
main (int argc, char **argv)
{
  int status;

  app = at_test_app_init (&argc, &argv);
  g_test_add_func ("/app/culling-keys", test_culling_keys);
  status = g_test_run ();
  g_clear_object (&app);
  return status;
}
