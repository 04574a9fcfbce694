/* test-faces-page.c — the Faces page in the real window under Xvfb, on
 * dlib's collage of four people cut into 23 photos, one of whom (Vin
 * Diesel) consented and enrolled a selfie. The page finds the faces by
 * itself (face processing is on), suggests him and groups the other three;
 * then a person works the queue with the keyboard: Enter confirms, Delete
 * rejects (Ctrl+Z undoes it), Shift+Enter confirms the rest, N names a group. Screenshots of
 * the queue before and after; and of the page when the models are missing. */
#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "at-face-group-row.h"
#include "at-faces-page.h"
#include "at-test-app.h"
#include "at-test-faces.h"
#include "at-test-util.h"

static AtApplication *app;

static gboolean
queue_ready (gpointer page)
{
  return !at_faces_page_is_busy (page) && at_faces_page_get_n_rows (page, FALSE) > 0;
}

static gboolean
problem_told (gpointer page)
{
  return at_faces_page_get_problem (page) != NULL;
}

static gboolean
idle (gpointer page)
{
  return !at_faces_page_is_busy (page);
}

static gboolean
names_him (gpointer sidecar)
{
  g_autofree char *text = NULL;

  return g_file_get_contents (sidecar, &text, NULL, NULL) && strstr (text, "Vin Diesel") != NULL &&
         strstr (text, "mwg-rs:RegionList") != NULL;
}

/* Every face crop under @page is on screen (they are cut on a worker). */
static gboolean
crops_shown (gpointer page)
{
  GtkWidget *picture;

  for (guint n = 0; (picture = at_test_find_widget_nth (page, GTK_TYPE_PICTURE, n)) != NULL; n++)
    if (gtk_picture_get_paintable (GTK_PICTURE (picture)) == NULL)
      return FALSE;
  return TRUE;
}

/* The rows of @page, in order. */
static GPtrArray *
rows_of (AtFacesPage *page)
{
  GPtrArray *rows = g_ptr_array_new ();
  GtkWidget *row;

  for (guint n = 0; (row = at_test_find_widget_nth (GTK_WIDGET (page), AT_TYPE_FACE_GROUP_ROW, n)) != NULL; n++)
    g_ptr_array_add (rows, row);
  return rows;
}

static gint64
count (AtCatalog *catalog, const char *sql)
{
  g_assert_true (at_catalog_flush (catalog, NULL));
  return at_test_sql_int (catalog, sql);
}

static void
test_review (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = at_test_make_tmpdir ();
  g_autoptr(AtFaceEngine) engine = at_face_engine_new (NULL, &error);
  g_autofree char *selfie = NULL;
  int who[64];
  g_autoptr(AtCatalog) catalog = NULL;
  const char *selfies[2] = { NULL, NULL };
  AtWindow *window;
  AtFacesPage *page;
  gint64 groups;
  GSettings *settings = at_application_get_settings (app);
  g_autofree char *library = g_build_filename (dir, "library", NULL);

  g_assert_no_error (error);
  catalog = at_test_faces_catalog (dir, engine, who, &selfie);
  selfies[0] = selfie;
  g_free (at_face_person_ensure (catalog, at_test_face_names[AT_TEST_DIESEL], &error));
  g_assert_true (at_face_consent_set (catalog, at_test_face_names[AT_TEST_DIESEL], TRUE, NULL, &error));
  g_assert_true (at_face_enroll (catalog, engine, at_test_face_names[AT_TEST_DIESEL], selfies, NULL, &error));
  g_assert_no_error (error);
  at_test_sql_exec (catalog, "UPDATE projects SET face_processing = 1");

  g_settings_set_string (settings, "library-folder", library);
  window = at_test_new_window (app, catalog);
  at_window_set_section (window, "faces");
  page = AT_FACES_PAGE (at_test_find_widget (GTK_WIDGET (window), AT_TYPE_FACES_PAGE));
  g_assert_nonnull (page);
  /* it scans by itself: the photos are in a project whose switch is on */
  at_test_wait_until (queue_ready, page, 120);
  at_test_run_main_loop (800);
  g_assert_cmpuint (at_faces_page_get_n_rows (page, FALSE), ==, 1);
  g_assert_cmpuint (at_faces_page_get_n_rows (page, TRUE), ==, 3);
  g_assert_cmpint (count (catalog, "SELECT count(*) FROM face_scans"), ==, 23);
  g_assert_cmpint (count (catalog, "SELECT count(*) FROM face_tags WHERE review_state = 'pending'"), ==, 6);
  at_test_save_screenshot (GTK_WIDGET (window), "faces-review.png");

  /* the first face is picked: Enter confirms it. Only his row is made
   * again, with the crops it had (none is cut again); the groups' rows,
   * unchanged, are kept as they were */
  at_test_wait_until (crops_shown, page, 30);
  {
    g_autoptr(GPtrArray) before = rows_of (page);
    g_autoptr(GPtrArray) after = NULL;
    guint kept = 0;

    at_faces_page_focus_queue (page);
    at_test_type_keys ("Return");
    at_test_wait_until (idle, page, 20);
    at_test_run_main_loop (300);
    g_assert_cmpint (count (catalog, "SELECT count(*) FROM face_tags WHERE review_state = 'confirmed'"), ==, 1);
    after = rows_of (page);
    g_assert_cmpuint (after->len, ==, 4);
    for (guint i = 0; i < after->len; i++)
      if (g_ptr_array_find (before, after->pdata[i], NULL))
        {
          g_assert_true (at_face_group_row_is_group (after->pdata[i]));
          kept++;
        }
      else
        g_assert_cmpuint (at_face_group_row_get_n_cut (after->pdata[i]), ==, 0);
    g_assert_cmpuint (kept, ==, 3);
    g_assert_true (crops_shown (page));
  }
  /* Delete rejects the next; Ctrl+Z takes it back; Delete again */
  at_test_type_keys ("Delete");
  at_test_wait_until (idle, page, 20);
  at_test_run_main_loop (300);
  g_assert_cmpint (count (catalog, "SELECT count(*) FROM face_tags WHERE review_state = 'rejected'"), ==, 1);
  at_test_type_keys ("ctrl+z");
  at_test_wait_until (idle, page, 20);
  at_test_run_main_loop (300);
  g_assert_cmpint (count (catalog, "SELECT count(*) FROM face_tags WHERE review_state = 'rejected'"), ==, 0);
  g_assert_cmpint (count (catalog, "SELECT count(*) FROM face_tags WHERE review_state = 'pending'"), ==, 5);
  at_test_type_keys ("Delete");
  at_test_wait_until (idle, page, 20);
  at_test_run_main_loop (300);
  g_assert_cmpint (count (catalog, "SELECT count(*) FROM face_tags WHERE review_state = 'rejected'"), ==, 1);
  /* Shift+Enter: the rest of his row */
  at_test_type_keys ("shift+Return");
  at_test_wait_until (idle, page, 20);
  at_test_run_main_loop (300);
  g_assert_cmpint (count (catalog, "SELECT count(*) FROM face_tags WHERE review_state = 'confirmed'"), ==, 5);
  g_assert_cmpuint (at_faces_page_get_n_rows (page, FALSE), ==, 0);
  /* the sidecar of a photo of his names him, as an MWG face region */
  {
    g_autofree char *rel = at_test_sql_text (catalog, "SELECT p.library_path FROM photos p JOIN faces f ON f.photo_id = p.id "
                                                      "JOIN face_tags t ON t.face_id = f.id WHERE t.review_state = 'confirmed'");
    g_autofree char *image = g_build_filename (library, rel, NULL);
    g_autofree char *sidecar = at_xmp_sidecar_path (image, AT_SIDECAR_ADOBE);

    at_test_wait_until (names_him, sidecar, 20);
  }

  /* N names the first group (the review's toasts gone first: under Xvfb
   * they never time out, and the screenshot would show them still) */
  at_test_dismiss_toasts (GTK_WIDGET (window));
  groups = count (catalog, "SELECT count(DISTINCT cluster_id) FROM face_clusters");
  at_test_type_keys ("n");
  at_test_run_main_loop (300);
  at_test_type_keys ("S o m e o n e Return");
  at_test_wait_until (idle, page, 20);
  at_test_run_main_loop (500);
  g_assert_cmpint (count (catalog, "SELECT count(DISTINCT cluster_id) FROM face_clusters"), ==, groups - 1);
  g_assert_cmpint (count (catalog, "SELECT count(*) FROM face_tags t JOIN people p ON p.id = t.person_id "
                                   "WHERE p.display_name = 'Someone' AND t.review_state = 'confirmed'"), >=, 5);
  g_assert_cmpuint (at_faces_page_get_n_rows (page, TRUE), ==, 2);
  at_test_save_screenshot (GTK_WIDGET (window), "faces-reviewed.png");

  /* the project's switch, off then on, while the catalog's writer is busy
   * (a sync's page, an ingest): the window does not wait for it */
  {
    GtkSwitch *processing = GTK_SWITCH (at_test_find_widget (GTK_WIDGET (page), GTK_TYPE_SWITCH));
    gint64 t0;

    g_assert_nonnull (processing);
    g_assert_true (gtk_switch_get_active (processing));
    at_test_hold_writer_for (catalog, 1500);
    t0 = g_get_monotonic_time ();
    gtk_switch_set_active (processing, FALSE);
    g_assert_cmpint (g_get_monotonic_time () - t0, <, 500 * 1000);
    g_assert_cmpint (count (catalog, "SELECT count(*) FROM projects WHERE face_processing = 0"), ==, 1);
    at_test_hold_writer_for (catalog, 1500);
    t0 = g_get_monotonic_time ();
    gtk_switch_set_active (processing, TRUE);
    g_assert_cmpint (g_get_monotonic_time () - t0, <, 500 * 1000);
    g_assert_cmpint (count (catalog, "SELECT count(*) FROM projects WHERE face_processing = 0"), ==, 0);
    at_test_run_main_loop (200);
    at_test_wait_until (idle, page, 60);
  }

  gtk_window_destroy (GTK_WINDOW (window));
  at_test_run_main_loop (200);
  g_settings_reset (settings, "library-folder");
  g_clear_object (&catalog);
  at_test_rm_rf (dir);
}

/* No models: the page says what is wrong and what to do, once it is shown
 * (the weights are read only when needed). */
static void
test_models_missing (void)
{
  g_autofree char *dir = at_test_make_tmpdir ();
  g_autoptr(AtCatalog) catalog = at_test_demo_catalog (dir, 2);
  AtWindow *window;
  AtFacesPage *page;

  g_setenv ("ATELIER_FACE_MODELS", dir, TRUE);
  /* (the window opens where the last one was left) */
  g_settings_set_string (at_application_get_settings (app), "last-section", "library");
  window = at_test_new_window (app, catalog);
  /* nothing to scan and the page not shown: the weights are not even read */
  at_window_set_section (window, "library");
  at_test_run_main_loop (800);
  page = AT_FACES_PAGE (at_test_find_widget (GTK_WIDGET (window), AT_TYPE_FACES_PAGE));
  g_assert_null (at_faces_page_get_problem (page));
  at_window_set_section (window, "faces");
  /* (the weights are looked for on a worker once the page shows) */
  at_test_wait_until (problem_told, page, 20);
  at_test_run_main_loop (500);   /* (past the section's crossfade, for the screenshot) */
  g_assert_nonnull (at_faces_page_get_problem (page));
  g_assert_nonnull (strstr (at_faces_page_get_problem (page), "not installed"));
  at_test_save_screenshot (GTK_WIDGET (window), "faces-models-missing.png");
  g_unsetenv ("ATELIER_FACE_MODELS");
  gtk_window_destroy (GTK_WINDOW (window));
  at_test_run_main_loop (200);
  g_clear_object (&catalog);
  at_test_rm_rf (dir);
}

/* Keeps opening @fifo for writing and closing it at once, until told to
 * stop: whatever waits to read it reads an empty file. */
typedef struct
{
  const char *fifo;
  gint        stop;
} Feeder;

static gpointer
feed_fifo (gpointer data)
{
  Feeder *f = data;

  while (!g_atomic_int_get (&f->stop))
    {
      int fd = open (f->fifo, O_WRONLY | O_NONBLOCK);

      if (fd >= 0)
        close (fd);
      g_usleep (5000);
    }
  return NULL;
}

static gboolean
n_crops_shown (AtFaceGroupRow *row, guint n)
{
  GtkWidget *picture;
  guint shown = 0;

  for (guint i = 0; (picture = at_test_find_widget_nth (GTK_WIDGET (row), GTK_TYPE_PICTURE, i)) != NULL; i++)
    shown += gtk_picture_get_paintable (GTK_PICTURE (picture)) != NULL;
  return shown == n;
}

static gboolean
first_three_shown (gpointer row)
{
  return n_crops_shown (row, 3);
}

static gboolean
pointer_cleared (gpointer slot)
{
  return *(gpointer *) slot == NULL;
}

/* A group row shows each face as soon as it is cut, not all of them once
 * the last is: here the last face's photo is a pipe no one writes to, and
 * the first three show while its cut waits. Fed an empty file, that one
 * stays an empty frame; the row goes once its cutting ends. */
static void
test_crops_as_cut (void)
{
  g_autofree char *dir = at_test_make_tmpdir ();
  g_autofree char *collage = at_test_faces_collage ();
  g_autofree char *fifo = g_build_filename (dir, "stuck.jpg", NULL);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) at_face_item_free);
  g_autoptr(GHashTable) crops = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  Feeder feeder = { fifo, 0 };
  GThread *thread;
  AtFaceGroupRow *row;

  g_autofree char *photo = g_build_filename (dir, "collage.jpg", NULL);
  g_autofree char *bytes = NULL;
  gsize size = 0;

  g_assert_true (g_file_get_contents (collage, &bytes, &size, NULL));
  g_assert_true (g_file_set_contents (photo, bytes, (gssize) size, NULL));
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  for (guint i = 0; i < 4; i++)
    {
      AtFaceItem *item = g_new0 (AtFaceItem, 1);

      item->face_id = g_strdup_printf ("face-%u", i);
      item->photo_id = g_strdup_printf ("photo-%u", i);
      item->content_hash = g_strdup_printf ("%064u", i);
      item->library_path = g_strdup (i < 3 ? "collage.jpg" : "stuck.jpg");
      item->box[0] = 0.1 + 0.2 * (i % 3);
      item->box[1] = 0.2;
      item->box[2] = item->box[3] = 0.15;
      item->cluster_id = g_strdup ("group");
      g_ptr_array_add (items, item);
    }
  row = g_object_ref_sink (at_face_group_row_new (items, dir, dir, crops));
  g_assert_cmpuint (at_face_group_row_get_n_cut (row), ==, 4);
  at_test_wait_until (first_three_shown, row, 60);
  at_test_run_main_loop (300);
  g_assert_true (n_crops_shown (row, 3));
  g_assert_cmpuint (g_hash_table_size (crops), ==, 3);

  thread = g_thread_new ("feeder", feed_fifo, &feeder);
  g_object_add_weak_pointer (G_OBJECT (row), (gpointer *) &row);
  g_object_unref (row);
  at_test_wait_until (pointer_cleared, &row, 60);
  g_atomic_int_set (&feeder.stop, 1);
  g_thread_join (thread);
  g_assert_cmpuint (g_hash_table_size (crops), ==, 3);
  at_test_rm_rf (dir);
}

int
main (int argc, char **argv)
{
  int status;

  app = at_test_app_init (&argc, &argv);
  g_assert_true (at_vips_init (NULL));
  g_test_add_func ("/app/faces/review", test_review);
  g_test_add_func ("/app/faces/models-missing", test_models_missing);
  g_test_add_func ("/app/faces/crops-as-cut", test_crops_as_cut);
  status = g_test_run ();
  g_clear_object (&app);
  return status;
}
