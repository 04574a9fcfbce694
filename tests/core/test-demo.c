/* test-demo.c — the demo studio: real files that match their rows. */
#include "config.h"

#include <glib/gstdio.h>

#include "at-test-util.h"

#define N 48

static void
test_demo_files_match_rows (void)
{
  g_autofree char *dir = at_test_make_tmpdir ();
  g_autofree char *library = g_build_filename (dir, "library", NULL);
  g_autoptr(AtCatalog) catalog = at_test_demo_catalog (dir, N);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  AtSqlConn *conn = at_catalog_get_reader (catalog, &error);
  sqlite3_stmt *stmt;
  guint rows = 0;

  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM photos"), ==, N);
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM photo_files"), ==, N);
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(DISTINCT body_serial) FROM photos"), ==, 2);
  /* both bodies number their files from IMG_0001: names collide, paths do not */
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(DISTINCT original_name) FROM photos"), <, N);
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(DISTINCT library_path) FROM photos"), ==, N);
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(DISTINCT content_hash) FROM photos"), ==, N);
  /* the whole wedding day, in order */
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM photos WHERE capture_time "
                                             "NOT BETWEEN '2026-06-13T05:00' AND '2026-06-13T19:31'"), ==, 0);
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM customers"), ==, 6);
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM projects"), ==, 6);
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM contracts"), >=, 3);
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM payments WHERE status = 'pending'"), >=, 1);
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM shooting_schedules"), >=, 3);
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM album_items"), ==, N);

  stmt = at_sql_conn_prepare (conn, "SELECT library_path, content_hash, file_size, camera_model, "
                                    "capture_time, capture_offset FROM photos", &error);
  g_assert_no_error (error);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autofree char *file = g_build_filename (library, (const char *) sqlite3_column_text (stmt, 0), NULL);
      g_autofree char *hash = at_test_hash_file (file);
      g_autoptr(VipsImage) image = vips_image_new_from_file (file, NULL);
      const char *model = NULL;
      GStatBuf st;

      g_assert_cmpstr (hash, ==, (const char *) sqlite3_column_text (stmt, 1));
      g_assert_cmpint (g_stat (file, &st), ==, 0);
      g_assert_cmpint (st.st_size, ==, sqlite3_column_int64 (stmt, 2));
      g_assert_nonnull (image);
      g_assert_cmpint (vips_image_get_string (image, "exif-ifd0-Model", &model), ==, 0);
      /* libvips renders EXIF strings as "value (value, ASCII, n components, m bytes)" */
      g_assert_true (g_str_has_prefix (model, (const char *) sqlite3_column_text (stmt, 3)));
      g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 5), ==, "+02:00");
      rows++;
    }
  sqlite3_reset (stmt);
  g_assert_cmpuint (rows, ==, N);

  problems = at_catalog_check (catalog, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (problems->len, ==, 0);

  /* the row objects for projects and customers */
  {
    g_autoptr(GListModel) projects = at_project_load_all (catalog, &error);
    g_autoptr(GListModel) customers = at_customer_load_all (catalog, &error);
    g_autoptr(AtProject) first = NULL;
    g_autoptr(AtCustomer) elin = NULL;
    g_autofree char *name = NULL;

    g_assert_no_error (error);
    g_assert_cmpuint (g_list_model_get_n_items (projects), ==, 6);
    g_assert_cmpuint (g_list_model_get_n_items (customers), ==, 6);
    first = g_list_model_get_item (projects, 0);
    g_assert_cmpstr (at_project_get_event_date (first), ==, "2026-04-18");  /* soonest first */
    g_assert_cmpstr (at_project_get_status (first), ==, "delivered");
    elin = g_list_model_get_item (customers, 1);   /* by name: Amira, Elin, … */
    name = at_customer_dup_display_name (elin);
    g_assert_cmpstr (name, ==, "Elin Lindqvist & Daniel Okafor");
    g_assert_cmpstr (at_customer_get_lead_status (elin), ==, "contracted");
  }

  /* A second demo into the same catalog and library is refused, and no file changes. */
  {
    g_autofree char *one = at_test_sql_text (catalog, "SELECT library_path FROM photos LIMIT 1");
    g_autofree char *file = g_build_filename (library, one, NULL);
    g_autofree char *before = at_test_hash_file (file);
    g_autofree char *after = NULL;
    AtDemoSummary summary = { 0 };

    g_assert_false (at_demo_generate (catalog, library, 4, NULL, NULL, NULL, &summary, &error));
    g_assert_error (error, AT_CATALOG_ERROR, AT_CATALOG_ERROR_CONSTRAINT);
    g_assert_nonnull (strstr (error->message, "already holds the demo studio"));
    after = at_test_hash_file (file);
    g_assert_cmpstr (before, ==, after);
    g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM photos"), ==, N);
  }

  g_clear_object (&catalog);
  at_test_rm_rf (dir);
}

static void
test_demo_missing_library (void)
{
  g_autofree char *dir = at_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "c.atelier", NULL);
  g_autofree char *library = g_build_filename (dir, "unplugged-drive", "Atelier", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AtCatalog) catalog = at_catalog_open (path, AT_CATALOG_OPEN_CREATE, &error);

  g_assert_no_error (error);
  g_assert_false (at_demo_generate (catalog, library, 4, NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "does not exist"));
  g_assert_false (g_file_test (library, G_FILE_TEST_EXISTS));
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM studios"), ==, 0);
  g_clear_object (&catalog);
  at_test_rm_rf (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_assert_true (at_vips_init (NULL));
  g_test_add_func ("/demo/files-match-rows", test_demo_files_match_rows);
  g_test_add_func ("/demo/missing-library", test_demo_missing_library);
  return g_test_run ();
}
