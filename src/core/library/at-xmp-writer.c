/* at-xmp-writer.c — AtXmpWriter: sidecars written after culling, off the UI.
 *
 * Photo ids are queued as decisions are made; one worker thread takes them
 * in batches after a short quiet spell (a burst of keypresses on one photo
 * becomes one write), reads each photo's state, keywords and confirmed
 * faces from its own catalog reader, and merges them into the sidecar
 * (at-xmp-sidecar.c, the faces as MWG regions: at-xmp-regions.c). A
 * sidecar that cannot be written is logged with its reason and counted;
 * the catalog stays the record either way.
 */
#define G_LOG_DOMAIN "atelier-library"

#include "config.h"

#include "at-keywords.h"
#include "at-xmp-writer.h"

#define QUIET_MS 300

struct _AtXmpWriter
{
  GObject         parent_instance;
  AtCatalog      *catalog;
  char           *library;
  AtSidecarStyle  style;
  GThread        *thread;
  GMutex          lock;
  GCond           cond;
  GHashTable     *pending;    /* photo id set */
  gint64          last_queued;
  gboolean        busy;
  gboolean        stopping;
  guint           failures;
};

G_DEFINE_FINAL_TYPE (AtXmpWriter, at_xmp_writer, G_TYPE_OBJECT)

/* The confirmed faces, as regions of the upright photo. */
static GPtrArray *
load_faces (AtSqlConn *conn, const char *id, int *width, int *height, GError **error)
{
  g_autoptr(GPtrArray) faces = g_ptr_array_new_with_free_func ((GDestroyNotify) at_xmp_region_free);
  sqlite3_stmt *stmt = at_sql_conn_prepare (conn, "SELECT pe.display_name, f.box_x, f.box_y, f.box_w, f.box_h "
                                                  "FROM faces f JOIN face_tags t ON t.face_id = f.id "
                                                  "JOIN people pe ON pe.id = t.person_id "
                                                  "WHERE f.photo_id = ?1 AND f.deleted_at IS NULL "
                                                  "AND t.review_state = 'confirmed' AND t.deleted_at IS NULL "
                                                  "ORDER BY f.box_x, f.id", error);

  if (stmt == NULL)
    return NULL;
  at_sql_bind_text (stmt, 1, id);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      double x = sqlite3_column_double (stmt, 1), y = sqlite3_column_double (stmt, 2);
      double w = sqlite3_column_double (stmt, 3), h = sqlite3_column_double (stmt, 4);

      /* MWG areas give the centre */
      g_ptr_array_add (faces, at_xmp_region_new ((const char *) sqlite3_column_text (stmt, 0), "Face", x + w / 2,
                                                 y + h / 2, w, h));
    }
  at_sql_stmt_release (stmt);
  if ((stmt = at_sql_conn_prepare (conn, "SELECT coalesce(width, 0), coalesce(height, 0), orientation FROM photos "
                                         "WHERE id = ?1", error)) == NULL)
    return NULL;
  at_sql_bind_text (stmt, 1, id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      /* orientations 5..8 turn the photo a quarter */
      gboolean turned = sqlite3_column_int (stmt, 2) >= 5;
      *width = sqlite3_column_int (stmt, turned ? 1 : 0);
      *height = sqlite3_column_int (stmt, turned ? 0 : 1);
    }
  at_sql_stmt_release (stmt);
  return g_steal_pointer (&faces);
}

gboolean
at_xmp_data_load (AtSqlConn   *conn,
                  const char  *photo_id,
                  AtXmpData   *data,
                  char       **rel,
                  GError     **error)
{
  g_clear_pointer (&data->keywords, g_ptr_array_unref);
  g_clear_pointer (&data->faces, g_ptr_array_unref);
  return at_photo_load_state (conn, photo_id, &data->state, rel, error) &&
         (data->keywords = at_keywords_load (conn, photo_id, error)) != NULL &&
         (data->faces = load_faces (conn, photo_id, &data->width, &data->height, error)) != NULL;
}

static void
write_one (AtXmpWriter *self,
           AtSqlConn   *conn,
           const char  *id)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *rel = NULL;
  g_autofree char *image = NULL;
  g_autofree char *sidecar = NULL;
  AtXmpData data;

  at_xmp_data_init (&data);
  if (conn == NULL)
    g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_FAILED, "no catalog reader");
  else if (at_xmp_data_load (conn, id, &data, &rel, &error))
    {
      image = g_build_filename (self->library, rel, NULL);
      sidecar = at_xmp_sidecar_path (image, self->style);
      at_xmp_sidecar_write (sidecar, &data, &error);
    }
  if (error != NULL)
    {
      g_warning ("XMP sidecar for photo %s not written: %s", id, error->message);
      g_mutex_lock (&self->lock);
      self->failures++;
      g_mutex_unlock (&self->lock);
    }
  at_xmp_data_clear (&data);
}

static gpointer
worker (gpointer data)
{
  AtXmpWriter *self = data;
  g_autoptr(GError) error = NULL;
  AtSqlConn *conn = at_catalog_get_reader (self->catalog, &error);

  g_mutex_lock (&self->lock);
  for (;;)
    {
      g_autoptr(GHashTable) batch = NULL;
      GHashTableIter iter;
      gpointer id;

      while (!self->stopping && g_hash_table_size (self->pending) == 0)
        g_cond_wait (&self->cond, &self->lock);
      if (g_hash_table_size (self->pending) == 0)
        break;
      /* wait for a quiet spell, unless told to finish now */
      while (!self->stopping && g_get_monotonic_time () - self->last_queued < QUIET_MS * 1000)
        g_cond_wait_until (&self->cond, &self->lock, self->last_queued + QUIET_MS * 1000);
      batch = g_steal_pointer (&self->pending);
      self->pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      self->busy = TRUE;
      g_mutex_unlock (&self->lock);

      /* the catalog writes behind too: what was decided must be in it first */
      at_catalog_flush (self->catalog, NULL);
      g_hash_table_iter_init (&iter, batch);
      while (g_hash_table_iter_next (&iter, &id, NULL))
        {
          write_one (self, conn, id);
        }

      g_mutex_lock (&self->lock);
      self->busy = FALSE;
      g_cond_broadcast (&self->cond);
    }
  g_mutex_unlock (&self->lock);
  return NULL;
}

void
at_xmp_writer_queue (AtXmpWriter       *self,
                     const char *const *photo_ids)
{
  g_return_if_fail (AT_IS_XMP_WRITER (self));

  g_mutex_lock (&self->lock);
  for (guint i = 0; photo_ids[i] != NULL; i++)
    g_hash_table_add (self->pending, g_strdup (photo_ids[i]));
  self->last_queued = g_get_monotonic_time ();
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
}

void
at_xmp_writer_flush (AtXmpWriter *self)
{
  g_return_if_fail (AT_IS_XMP_WRITER (self));

  g_mutex_lock (&self->lock);
  /* no quiet spell to wait for */
  self->last_queued = 0;
  g_cond_broadcast (&self->cond);
  while (self->busy || g_hash_table_size (self->pending) > 0)
    g_cond_wait (&self->cond, &self->lock);
  g_mutex_unlock (&self->lock);
}

guint
at_xmp_writer_get_failures (AtXmpWriter *self)
{
  guint n;

  g_return_val_if_fail (AT_IS_XMP_WRITER (self), 0);
  g_mutex_lock (&self->lock);
  n = self->failures;
  g_mutex_unlock (&self->lock);
  return n;
}

static void
at_xmp_writer_dispose (GObject *object)
{
  AtXmpWriter *self = AT_XMP_WRITER (object);

  if (self->thread != NULL)
    {
      /* decisions already made still reach their sidecars */
      g_mutex_lock (&self->lock);
      self->stopping = TRUE;
      g_cond_broadcast (&self->cond);
      g_mutex_unlock (&self->lock);
      g_thread_join (g_steal_pointer (&self->thread));
    }
  G_OBJECT_CLASS (at_xmp_writer_parent_class)->dispose (object);
}

static void
at_xmp_writer_finalize (GObject *object)
{
  AtXmpWriter *self = AT_XMP_WRITER (object);

  g_hash_table_unref (self->pending);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  g_clear_object (&self->catalog);
  g_free (self->library);
  G_OBJECT_CLASS (at_xmp_writer_parent_class)->finalize (object);
}

static void
at_xmp_writer_class_init (AtXmpWriterClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = at_xmp_writer_dispose;
  G_OBJECT_CLASS (klass)->finalize = at_xmp_writer_finalize;
}

static void
at_xmp_writer_init (AtXmpWriter *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

AtXmpWriter *
at_xmp_writer_new (AtCatalog      *catalog,
                   const char     *library,
                   AtSidecarStyle  style)
{
  AtXmpWriter *self = g_object_new (AT_TYPE_XMP_WRITER, NULL);

  self->catalog = g_object_ref (catalog);
  self->library = g_strdup (library);
  self->style = style;
  self->thread = g_thread_new ("xmp-writer", worker, self);
  return self;
}
