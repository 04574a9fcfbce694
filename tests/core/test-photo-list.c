/* test-photo-list.c — the paged photo model: order, bounded cache, updates. */
#include "config.h"

#include "at-test-util.h"

#define N_PHOTOS 20000

static gboolean
insert_many (AtSqlConn *conn, gpointer data, GError **error)
{
  /* Capture times descend with the key, so capture order is not key order. */
  return at_sql_conn_exec (conn,
      "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 19999) "
      "INSERT INTO photos (id, content_hash, file_size, original_name, file_name, library_path, capture_time) "
      "SELECT printf('p%05d', i), printf('%032x', i), 1000 + i, printf('IMG_%04d.JPG', i % 9999 + 1), "
      "       printf('f%05d.jpg', i), printf('lib/f%05d.jpg', i), "
      "       strftime('%Y-%m-%dT%H:%M:%fZ', '2026-06-13T05:00:00Z', printf('+%d seconds', 20000 - i)) "
      "FROM n", error);
}

static gboolean
insert_one_and_delete_one (AtSqlConn *conn, gpointer data, GError **error)
{
  return at_sql_conn_exec (conn,
      "INSERT INTO photos (id, content_hash, file_size, original_name, file_name, library_path, capture_time) "
      "VALUES ('early', 'h', 1, 'IMG_0001.JPG', 'early.jpg', 'lib/early.jpg', '2026-06-13T04:00:00.000Z');"
      "UPDATE photos SET deleted_at = '2026-11-01T00:00:00.000Z' WHERE id IN ('p00005', 'p00006')", error);
}

static void
items_changed_cb (GListModel *model, guint position, guint removed, guint added, guint *calls)
{
  (*calls)++;
}

static void
test_paging (void)
{
  g_autofree char *dir = at_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "c.atelier", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AtCatalog) catalog = at_catalog_open (path, AT_CATALOG_OPEN_CREATE, &error);
  g_autoptr(AtPhotoList) list = NULL;
  guint calls = 0;

  g_assert_no_error (error);
  g_assert_true (at_catalog_write_sync (catalog, "photos", insert_many, NULL, &error));
  g_assert_no_error (error);

  list = at_photo_list_new (catalog);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, N_PHOTOS);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (list)) == AT_TYPE_PHOTO);
  g_assert_cmpuint (at_photo_list_get_n_cached_pages (list), ==, 0);

  /* capture order: the last key was shot first */
  {
    g_autoptr(AtPhoto) first = g_list_model_get_item (G_LIST_MODEL (list), 0);
    g_autoptr(AtPhoto) last = g_list_model_get_item (G_LIST_MODEL (list), N_PHOTOS - 1);
    g_autoptr(AtPhoto) beyond = g_list_model_get_item (G_LIST_MODEL (list), N_PHOTOS);
    g_assert_cmpstr (at_photo_get_id (first), ==, "p19999");
    g_assert_cmpstr (at_photo_get_id (last), ==, "p00000");
    g_assert_null (beyond);
  }

  /* jump around like a scrollbar drag; the cache stays bounded */
  for (guint pos = 0; pos < N_PHOTOS; pos += 97)
    {
      g_autoptr(AtPhoto) p = g_list_model_get_item (G_LIST_MODEL (list), pos);
      g_autofree char *expected = g_strdup_printf ("p%05u", N_PHOTOS - 1 - pos);
      g_assert_cmpstr (at_photo_get_id (p), ==, expected);
    }
  g_assert_cmpuint (at_photo_list_get_n_cached_pages (list), <=, 16);
  g_assert_cmpuint (at_photo_list_get_n_cached_pages (list), >, 0);

  /* a commit elsewhere reaches the model through "changed::photos" */
  g_signal_connect (list, "items-changed", G_CALLBACK (items_changed_cb), &calls);
  g_assert_true (at_catalog_write_sync (catalog, "photos", insert_one_and_delete_one, NULL, &error));
  while (calls == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, N_PHOTOS + 1 - 2);
  {
    g_autoptr(AtPhoto) first = g_list_model_get_item (G_LIST_MODEL (list), 0);
    g_assert_cmpstr (at_photo_get_id (first), ==, "early");
    g_assert_cmpstr (at_photo_get_original_name (first), ==, "IMG_0001.JPG");
  }

  g_clear_object (&list);
  g_clear_object (&catalog);
  at_test_rm_rf (dir);
}

static gboolean
rate_some (AtSqlConn *conn, gpointer data, GError **error)
{
  /* every 10th photo 4 stars, every 7th red, keyword on every 1000th */
  return at_sql_conn_exec (conn,
      "UPDATE photos SET rating = 4 WHERE CAST(substr(id, 2) AS INTEGER) % 10 = 0;"
      "UPDATE photos SET color_label = 'red' WHERE CAST(substr(id, 2) AS INTEGER) % 7 = 0;"
      "UPDATE photos SET rating = -1 WHERE id = 'p00003';"
      "INSERT INTO photo_keywords (id, photo_id, keyword) "
      "  SELECT 'k' || id, id, 'Bride' FROM photos WHERE CAST(substr(id, 2) AS INTEGER) % 1000 = 0", error);
}

static void
test_filter_and_sort (void)
{
  g_autofree char *dir = at_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "c.atelier", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AtCatalog) catalog = at_catalog_open (path, AT_CATALOG_OPEN_CREATE, &error);
  g_autoptr(AtPhotoList) list = NULL;
  AtPhotoFilter filter;

  g_assert_true (at_catalog_write_sync (catalog, "photos", insert_many, NULL, &error));
  g_assert_true (at_catalog_write_sync (catalog, "photos", rate_some, NULL, &error));
  list = at_photo_list_new (catalog);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, N_PHOTOS);

  at_photo_filter_init (&filter);
  filter.rating_min = 4;
  at_photo_list_set_filter (list, &filter);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, N_PHOTOS / 10);
  filter.has_label = TRUE;
  filter.label = AT_LABEL_RED;
  at_photo_list_set_filter (list, &filter);
  /* multiples of 70 below 20000 */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 286);
  {
    g_autoptr(AtPhoto) first = g_list_model_get_item (G_LIST_MODEL (list), 0);
    g_assert_cmpint (at_photo_get_rating (first), ==, 4);
    g_assert_cmpstr (at_photo_get_color_label (first), ==, "red");
  }

  at_photo_filter_init (&filter);
  filter.has_flag = TRUE;
  filter.flag = AT_FLAG_REJECTED;
  at_photo_list_set_filter (list, &filter);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 1);

  at_photo_filter_init (&filter);
  filter.text = g_strdup ("Bride");
  at_photo_list_set_filter (list, &filter);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 20);
  at_photo_filter_clear (&filter);

  /* no filter, by name: f00000 first; by rating: a 4-star first */
  at_photo_list_set_filter (list, NULL);
  at_photo_list_set_sort (list, AT_PHOTO_SORT_NAME);
  {
    g_autoptr(AtPhoto) first = g_list_model_get_item (G_LIST_MODEL (list), 0);
    g_autoptr(AtPhoto) last = g_list_model_get_item (G_LIST_MODEL (list), N_PHOTOS - 1);
    g_assert_cmpstr (at_photo_get_file_name (first), ==, "f00000.jpg");
    g_assert_cmpstr (at_photo_get_file_name (last), ==, "f19999.jpg");
  }
  at_photo_list_set_sort (list, AT_PHOTO_SORT_RATING);
  {
    g_autoptr(AtPhoto) first = g_list_model_get_item (G_LIST_MODEL (list), 0);
    g_autoptr(AtPhoto) last = g_list_model_get_item (G_LIST_MODEL (list), N_PHOTOS - 1);
    g_assert_cmpint (at_photo_get_rating (first), ==, 4);
    g_assert_cmpint (at_photo_get_rating (last), ==, -1);
  }

  g_clear_object (&list);
  g_clear_object (&catalog);
  at_test_rm_rf (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/photo-list/paging", test_paging);
  g_test_add_func ("/photo-list/filter-and-sort", test_filter_and_sort);
  return g_test_run ();
}
