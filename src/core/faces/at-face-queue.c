/* at-face-queue.c — see at-face-queue.h. */
#define G_LOG_DOMAIN "atelier-faces"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "at-face-queue.h"
#include "at-face-scan.h"
#include "at-sql.h"
#include "at-vips.h"

void
at_face_item_free (AtFaceItem *item)
{
  if (item == NULL)
    return;
  g_free (item->face_id);
  g_free (item->photo_id);
  g_free (item->content_hash);
  g_free (item->library_path);
  g_free (item->person_id);
  g_free (item->person_name);
  g_free (item->cluster_id);
  g_free (item);
}

static const char *
text (sqlite3_stmt *stmt, int col)
{
  return (const char *) sqlite3_column_text (stmt, col);
}

/* Columns: face, photo, hash, path, x, y, w, h, person, name, cluster, distance. */
static GPtrArray *
items (AtCatalog *catalog, const char *sql, GError **error)
{
  AtSqlConn *conn = at_catalog_get_reader (catalog, error);
  sqlite3_stmt *stmt = conn ? at_sql_conn_prepare (conn, sql, error) : NULL;
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) at_face_item_free);
  int rc;

  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      AtFaceItem *item = g_new0 (AtFaceItem, 1);

      item->face_id = g_strdup (text (stmt, 0));
      item->photo_id = g_strdup (text (stmt, 1));
      item->content_hash = g_strdup (text (stmt, 2));
      item->library_path = g_strdup (text (stmt, 3));
      for (int k = 0; k < 4; k++)
        item->box[k] = sqlite3_column_double (stmt, 4 + k);
      item->person_id = g_strdup (text (stmt, 8));
      item->person_name = g_strdup (text (stmt, 9));
      item->cluster_id = g_strdup (text (stmt, 10));
      item->distance = sqlite3_column_double (stmt, 11);
      g_ptr_array_add (list, item);
    }
  at_sql_stmt_release (stmt);
  if (rc != SQLITE_DONE)
    {
      at_sql_set_error (at_sql_conn_get_db (conn), rc, _("Could not read the faces to review"), error);
      return NULL;
    }
  return g_steal_pointer (&list);
}

GPtrArray *
at_face_queue_suggestions (AtCatalog  *catalog,
                           GError    **error)
{
  return items (catalog, "SELECT f.id, f.photo_id, p.content_hash, p.library_path, f.box_x, f.box_y, f.box_w, f.box_h, "
                         "t.person_id, pe.display_name, NULL, t.distance FROM face_tags t "
                         "JOIN faces f ON f.id = t.face_id JOIN photos p ON p.id = f.photo_id "
                         "JOIN people pe ON pe.id = t.person_id "
                         "WHERE t.review_state = 'pending' AND t.deleted_at IS NULL AND f.deleted_at IS NULL "
                         "AND p.deleted_at IS NULL "
                         "ORDER BY (SELECT min(b.distance) FROM face_tags b WHERE b.person_id = t.person_id "
                         "AND b.review_state = 'pending'), pe.display_name, t.person_id, t.distance, f.id", error);
}

GPtrArray *
at_face_queue_groups (AtCatalog  *catalog,
                      GError    **error)
{
  return items (catalog, "SELECT f.id, f.photo_id, p.content_hash, p.library_path, f.box_x, f.box_y, f.box_w, f.box_h, "
                         "NULL, NULL, c.cluster_id, 0 FROM face_clusters c "
                         "JOIN faces f ON f.id = c.face_id JOIN photos p ON p.id = f.photo_id "
                         "WHERE f.deleted_at IS NULL AND p.deleted_at IS NULL "
                         "ORDER BY (SELECT count(*) FROM face_clusters n WHERE n.cluster_id = c.cluster_id) DESC, "
                         "c.cluster_id, f.id", error);
}

typedef struct
{
  GPtrArray *suggestions;
  GPtrArray *groups;
} Lists;

static void
lists_free (gpointer data)
{
  Lists *lists = data;

  g_clear_pointer (&lists->suggestions, g_ptr_array_unref);
  g_clear_pointer (&lists->groups, g_ptr_array_unref);
  g_free (lists);
}

static void
read_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  GError *error = NULL;
  Lists *lists = g_new0 (Lists, 1);

  if ((lists->suggestions = at_face_queue_suggestions (source, &error)) == NULL ||
      (lists->groups = at_face_queue_groups (source, &error)) == NULL)
    {
      lists_free (lists);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, lists, lists_free);
}

/* @callback gets the catalog as its source object. */
void
at_face_queue_read_async (AtCatalog           *catalog,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (catalog, cancellable, callback, user_data);

  g_task_set_source_tag (task, at_face_queue_read_async);
  g_task_run_in_thread (task, read_thread);
}

/* A cancelled read reports G_IO_ERROR_CANCELLED even if it had finished. */
gboolean
at_face_queue_read_finish (GAsyncResult  *result,
                           GPtrArray    **suggestions,
                           GPtrArray    **groups,
                           GError       **error)
{
  Lists *lists = g_task_propagate_pointer (G_TASK (result), error);

  if (lists == NULL)
    return FALSE;
  *suggestions = g_steal_pointer (&lists->suggestions);
  *groups = g_steal_pointer (&lists->groups);
  lists_free (lists);
  return TRUE;
}

gint64
at_face_queue_unscanned (AtCatalog *catalog)
{
  AtSqlConn *conn = at_catalog_get_reader (catalog, NULL);
  sqlite3_stmt *stmt = conn ? at_sql_conn_prepare (conn, "SELECT count(*) FROM photos p JOIN projects j ON j.id = p.project_id "
                                                         "WHERE j.face_processing = 1 AND p.deleted_at IS NULL "
                                                         "AND NOT EXISTS (SELECT 1 FROM face_scans s WHERE s.id = p.id "
                                                         "AND s.model_version = ?1)", NULL) : NULL;
  gint64 n = 0;

  if (stmt == NULL)
    return 0;
  at_sql_bind_text (stmt, 1, AT_FACE_MODEL_VERSION);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  at_sql_stmt_release (stmt);
  return n;
}

GBytes *
at_face_crop (const char   *image,
              const double *box,
              int           size,
              GError      **error)
{
  g_autoptr(VipsImage) in = NULL;
  g_autoptr(VipsImage) upright = NULL;
  g_autoptr(VipsImage) area = NULL;
  g_autoptr(VipsImage) scaled = NULL;
  g_autoptr(VipsImage) exact = NULL;
  g_autoptr(VipsImage) srgb = NULL;
  g_autoptr(VipsImage) rgb = NULL;
  g_autoptr(VipsImage) bytes = NULL;
  void *pixels;
  size_t length = 0;
  int w, h, side, x, y;

  if (!at_vips_init (error))
    return NULL;
  if ((in = vips_image_new_from_file (image, NULL)) == NULL || vips_autorot (in, &upright, NULL) != 0)
    {
      at_vips_set_error (error, image);
      return NULL;
    }
  w = vips_image_get_width (upright);
  h = vips_image_get_height (upright);
  /* a square around the face, a third wider, inside the photo */
  side = MAX (1, (int) (MAX (box[2] * w, box[3] * h) * 1.33));
  side = MIN (side, MIN (w, h));
  x = CLAMP ((int) ((box[0] + box[2] / 2) * w - side / 2.0), 0, w - side);
  y = CLAMP ((int) ((box[1] + box[3] / 2) * h - side / 2.0), 0, h - side);
  if (vips_extract_area (upright, &area, x, y, side, side, NULL) != 0 ||
      vips_resize (area, &scaled, (double) size / side, NULL) != 0 ||
      /* (the resize may round a pixel either way) */
      vips_gravity (scaled, &exact, VIPS_COMPASS_DIRECTION_CENTRE, size, size, NULL) != 0 ||
      vips_colourspace (exact, &srgb, VIPS_INTERPRETATION_sRGB, NULL) != 0 ||
      vips_extract_band (srgb, &rgb, 0, "n", 3, NULL) != 0 ||
      vips_cast_uchar (rgb, &bytes, NULL) != 0 ||
      (pixels = vips_image_write_to_memory (bytes, &length)) == NULL)
    {
      at_vips_set_error (error, image);
      return NULL;
    }
  return g_bytes_new_take (pixels, length);
}
