/* at-face-scan.c — AtFaceScan (see at-face-scan.h).
 *
 * The list of photos left is read once; workers (a GThreadPool, one BLAS
 * thread each) take them one by one: preview (made in the cache when
 * missing), engine, then one catalog transaction that replaces the photo's
 * faces of this model and records the scan. Progress and the end are
 * reported on the context that started the run. */
#define G_LOG_DOMAIN "atelier-faces"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "at-face-scan.h"
#include "at-preview.h"
#include "at-project.h"
#include "at-sql.h"
#include "at-uuid.h"

struct _AtFaceScan
{
  GObject       parent_instance;
  AtCatalog    *catalog;
  AtFaceEngine *engine;
  char         *library;
  char         *cache_dir;
  char         *project;
  guint         workers;
  char         *last_error;

  /* one run */
  GTask        *task;
  GThreadPool  *pool;
  GMutex        lock;
  guint         total, done, faces, failed, left;
  GError       *error;      /* a catalog write that failed: the run stops */
};

G_DEFINE_FINAL_TYPE (AtFaceScan, at_face_scan, G_TYPE_OBJECT)

enum { PROGRESS, N_SIGNALS };
static guint signals[N_SIGNALS];

typedef struct
{
  char *id;
  char *hash;
  char *path;
} Photo;

static void
photo_free (gpointer data)
{
  Photo *p = data;

  g_free (p->id);
  g_free (p->hash);
  g_free (p->path);
  g_free (p);
}

AtFaceScan *
at_face_scan_new (AtCatalog    *catalog,
                  AtFaceEngine *engine,
                  const char   *library,
                  const char   *cache_dir)
{
  AtFaceScan *self = g_object_new (AT_TYPE_FACE_SCAN, NULL);

  self->catalog = g_object_ref (catalog);
  self->engine = g_object_ref (engine);
  self->library = g_strdup (library);
  self->cache_dir = cache_dir ? g_strdup (cache_dir) : at_preview_default_cache_dir ();
  return self;
}

void
at_face_scan_set_project (AtFaceScan *self,
                          const char *project)
{
  g_free (self->project);
  self->project = g_strdup (project);
}

void
at_face_scan_set_workers (AtFaceScan *self,
                          guint       workers)
{
  self->workers = CLAMP (workers, 1, 16);
}

const char *
at_face_scan_get_last_error (AtFaceScan *self)
{
  return self->last_error;
}

/* ---- the switch ---- */

typedef struct
{
  char     *project;
  gboolean  on;
} Switch;

static void
switch_free (gpointer data)
{
  Switch *s = data;

  g_free (s->project);
  g_free (s);
}

static gboolean
write_switch (AtSqlConn *conn, gpointer data, GError **error)
{
  Switch *s = data;
  g_autofree char *id = at_project_find_id (conn, s->project, error);

  return id != NULL &&
         at_sql_exec_bound (conn, error, "UPDATE projects SET face_processing = ?2 WHERE id = ?1", "ti", id, s->on ? 1 : 0);
}

gboolean
at_face_scan_set_processing (AtCatalog   *catalog,
                             const char  *project,
                             gboolean     on,
                             GError     **error)
{
  Switch s = { (char *) project, on };

  return at_catalog_write_sync (catalog, "projects", write_switch, &s, error);
}

void
at_face_scan_set_processing_async (AtCatalog           *catalog,
                                   const char          *project,
                                   gboolean             on,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  Switch *s = g_new0 (Switch, 1);

  s->project = g_strdup (project);
  s->on = on;
  at_catalog_write_async (catalog, "projects", write_switch, s, switch_free, cancellable, callback, user_data);
}

gboolean
at_face_scan_set_processing_finish (AtCatalog     *catalog,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  return at_catalog_write_finish (catalog, result, error);
}

gboolean
at_face_scan_get_processing (AtCatalog  *catalog,
                             const char *project_id)
{
  AtSqlConn *conn = at_catalog_get_reader (catalog, NULL);
  sqlite3_stmt *stmt = conn ? at_sql_conn_prepare (conn, "SELECT face_processing FROM projects WHERE id = ?1", NULL) : NULL;
  gboolean on = FALSE;

  if (stmt == NULL)
    return FALSE;
  at_sql_bind_text (stmt, 1, project_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    on = sqlite3_column_int (stmt, 0) == 1;
  at_sql_stmt_release (stmt);
  return on;
}

/* ---- the photos left ---- */

static GPtrArray *
photos_left (AtFaceScan *self, GError **error)
{
  AtSqlConn *conn = at_catalog_get_reader (self->catalog, error);
  g_autofree char *project = NULL;
  g_autoptr(GPtrArray) photos = g_ptr_array_new_with_free_func (photo_free);
  sqlite3_stmt *stmt;
  int rc;

  if (conn == NULL || (self->project != NULL && (project = at_project_find_id (conn, self->project, error)) == NULL))
    return NULL;
  stmt = at_sql_conn_prepare (conn, "SELECT p.id, p.content_hash, p.library_path FROM photos p "
                                    "JOIN projects j ON j.id = p.project_id "
                                    "WHERE p.deleted_at IS NULL AND j.deleted_at IS NULL "
                                    "AND (j.id = ?1 OR (?1 IS NULL AND j.face_processing = 1)) "
                                    "AND NOT EXISTS (SELECT 1 FROM face_scans s WHERE s.id = p.id "
                                    "AND s.model_version = ?2 AND s.deleted_at IS NULL) "
                                    "ORDER BY p.capture_time, p.id", error);
  if (stmt == NULL)
    return NULL;
  at_sql_bind_text (stmt, 1, project);
  at_sql_bind_text (stmt, 2, AT_FACE_MODEL_VERSION);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      Photo *p = g_new0 (Photo, 1);
      p->id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      p->hash = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      p->path = g_build_filename (self->library, (const char *) sqlite3_column_text (stmt, 2), NULL);
      g_ptr_array_add (photos, p);
    }
  at_sql_stmt_release (stmt);
  if (rc != SQLITE_DONE)
    {
      at_sql_set_error (at_sql_conn_get_db (conn), rc, _("Could not list the photos to scan"), error);
      return NULL;
    }
  return g_steal_pointer (&photos);
}

/* ---- one photo, on a worker ---- */

typedef struct
{
  Photo     *photo;
  GPtrArray *faces;
  int        width, height;
} Result;

static gboolean
write_result (AtSqlConn *conn, gpointer data, GError **error)
{
  Result *r = data;

  if (!at_sql_exec_bound (conn, error, "DELETE FROM faces WHERE photo_id = ?1 AND model_version = ?2", "tt", r->photo->id,
                          AT_FACE_MODEL_VERSION))
    return FALSE;
  for (guint i = 0; i < r->faces->len; i++)
    {
      AtFace *f = r->faces->pdata[i];
      sqlite3_stmt *stmt = at_sql_conn_prepare (conn, "INSERT INTO faces (id, photo_id, box_x, box_y, box_w, box_h, "
                                                      "landmarks, embedding, detector_score, model_version) "
                                                      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)", error);
      char id[AT_UUID_STRING_LEN + 1];
      float marks[136];
      double x = CLAMP (f->box.x / r->width, 0, 1), y = CLAMP (f->box.y / r->height, 0, 1);

      if (stmt == NULL)
        return FALSE;
      /* relative to the photo, as the box is: the same on any preview size */
      for (int k = 0; k < 68; k++)
        {
          marks[k * 2] = (float) (f->landmarks[k * 2] / r->width);
          marks[k * 2 + 1] = (float) (f->landmarks[k * 2 + 1] / r->height);
        }
      at_uuid_v7_generate (id);
      at_sql_bind_text (stmt, 1, id);
      at_sql_bind_text (stmt, 2, r->photo->id);
      sqlite3_bind_double (stmt, 3, x);
      sqlite3_bind_double (stmt, 4, y);
      sqlite3_bind_double (stmt, 5, CLAMP (f->box.w / r->width, 1e-6, 1 - x));
      sqlite3_bind_double (stmt, 6, CLAMP (f->box.h / r->height, 1e-6, 1 - y));
      sqlite3_bind_blob (stmt, 7, marks, sizeof marks, SQLITE_TRANSIENT);
      sqlite3_bind_blob (stmt, 8, f->descriptor, sizeof f->descriptor, SQLITE_TRANSIENT);
      sqlite3_bind_double (stmt, 9, f->box.score);
      at_sql_bind_text (stmt, 10, AT_FACE_MODEL_VERSION);
      if (!at_sql_step_done (conn, stmt, error))
        return FALSE;
    }
  return at_sql_exec_bound (conn, error, "INSERT INTO face_scans (id, model_version, face_count) VALUES (?1, ?2, ?3) "
                                         "ON CONFLICT (id) DO UPDATE SET model_version = excluded.model_version, "
                                         "face_count = excluded.face_count, scanned_at = excluded.scanned_at, deleted_at = NULL",
                            "tti", r->photo->id, AT_FACE_MODEL_VERSION, (int) r->faces->len);
}

static gboolean
report_progress (gpointer data)
{
  AtFaceScan *self = data;
  guint done, total;

  g_mutex_lock (&self->lock);
  done = self->done;
  total = self->total;
  g_mutex_unlock (&self->lock);
  g_signal_emit (self, signals[PROGRESS], 0, done, total);
  return G_SOURCE_REMOVE;
}

static gboolean finish (gpointer data);

/* The preview the faces are found in: the cached one, made now if missing
 * (an original may be a RAW the decoder cannot read whole). */
static char *
preview_of (AtFaceScan *self, Photo *p, GError **error)
{
  g_autofree char *preview = at_preview_path (self->cache_dir, p->hash, AT_PREVIEW_LARGE);
  AtPreviewResult made;

  if (g_file_test (preview, G_FILE_TEST_IS_REGULAR) || at_preview_make (p->path, p->hash, self->cache_dir, &made, error))
    return g_steal_pointer (&preview);
  return NULL;
}

static void
scan_one (gpointer data, gpointer user_data)
{
  AtFaceScan *self = user_data;
  g_autoptr(GError) error = NULL;
  Result r = { data, NULL, 0, 0 };
  GCancellable *cancellable = g_task_get_cancellable (self->task);
  g_autofree char *preview = NULL;
  gboolean last;

  if (!g_cancellable_is_cancelled (cancellable) && self->error == NULL)
    {
      if ((preview = preview_of (self, r.photo, &error)) != NULL &&
          (r.faces = at_face_engine_scan_file (self->engine, preview, &r.width, &r.height, &error)) != NULL)
        {
          if (at_catalog_write_sync (self->catalog, "faces", write_result, &r, &error))
            {
              g_mutex_lock (&self->lock);
              self->faces += r.faces->len;
              g_mutex_unlock (&self->lock);
            }
          else
            {
              g_mutex_lock (&self->lock);
              if (self->error == NULL)
                self->error = g_steal_pointer (&error);
              g_mutex_unlock (&self->lock);
            }
        }
      if (error != NULL)
        {
          g_mutex_lock (&self->lock);
          self->failed++;
          g_free (self->last_error);
          self->last_error = g_strdup (error->message);
          g_mutex_unlock (&self->lock);
          g_debug ("%s: %s", r.photo->path, error->message);
        }
      g_clear_pointer (&r.faces, g_ptr_array_unref);
    }
  photo_free (r.photo);
  g_mutex_lock (&self->lock);
  self->done++;
  last = --self->left == 0;
  g_mutex_unlock (&self->lock);
  g_main_context_invoke_full (g_task_get_context (self->task), G_PRIORITY_DEFAULT, last ? finish : report_progress,
                              g_object_ref (self), g_object_unref);
}

static gboolean
finish (gpointer data)
{
  AtFaceScan *self = data;
  GTask *task = g_steal_pointer (&self->task);

  report_progress (self);
  /* (the pool's threads are done: this was the last photo) */
  g_thread_pool_free (g_steal_pointer (&self->pool), FALSE, FALSE);
  if (self->error != NULL)
    g_task_return_error (task, g_steal_pointer (&self->error));
  else if (!g_task_return_error_if_cancelled (task))
    g_task_return_boolean (task, TRUE);
  g_object_unref (task);
  return G_SOURCE_REMOVE;
}

void
at_face_scan_run (AtFaceScan          *self,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) photos = NULL;

  g_return_if_fail (AT_IS_FACE_SCAN (self));
  g_return_if_fail (self->task == NULL);
  self->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (self->task, at_face_scan_run);
  self->done = self->faces = self->failed = 0;
  g_clear_pointer (&self->last_error, g_free);
  if ((photos = photos_left (self, &error)) == NULL || photos->len == 0)
    {
      GTask *task = g_steal_pointer (&self->task);
      if (error != NULL)
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  self->total = self->left = photos->len;
  self->pool = g_thread_pool_new (scan_one, self, (int) self->workers, FALSE, NULL);
  {
    gsize n = 0;
    g_autofree gpointer *all = g_ptr_array_steal (photos, &n);

    /* (each worker frees the photo it took) */
    for (gsize i = 0; i < n; i++)
      g_thread_pool_push (self->pool, all[i], NULL);
  }
}

gboolean
at_face_scan_run_finish (AtFaceScan    *self,
                         GAsyncResult  *result,
                         guint         *photos,
                         guint         *faces,
                         guint         *failed,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  if (photos != NULL)
    *photos = self->done - self->failed;
  if (faces != NULL)
    *faces = self->faces;
  if (failed != NULL)
    *failed = self->failed;
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
at_face_scan_finalize (GObject *object)
{
  AtFaceScan *self = AT_FACE_SCAN (object);

  g_clear_object (&self->catalog);
  g_clear_object (&self->engine);
  g_free (self->library);
  g_free (self->cache_dir);
  g_free (self->project);
  g_free (self->last_error);
  g_clear_error (&self->error);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (at_face_scan_parent_class)->finalize (object);
}

static void
at_face_scan_class_init (AtFaceScanClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = at_face_scan_finalize;
  signals[PROGRESS] = g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                    G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_UINT);
}

static void
at_face_scan_init (AtFaceScan *self)
{
  g_mutex_init (&self->lock);
  self->workers = 2;
}
