/* at-upload-queue-projects.c — what goes in the queue: a project's
 * originals, queued by one INSERT ... SELECT of those with no upload to the
 * same key yet (a completed one counts, so a second backup sends nothing);
 * the per-project switch; and, watched, the originals of switched-on
 * projects as they arrive. */
#define G_LOG_DOMAIN "atelier-storage"

#include "config.h"

#include "at-project.h"
#include "at-upload-queue-private.h"

typedef struct
{
  AtUploadQueue *self;
  char          *project;   /* NULL: every project whose switch is on */
  gboolean       set;       /* turn the project's switch... */
  gboolean       on;        /* ...to this */
  guint          queued;
} Add;

static void
add_free (gpointer data)
{
  Add *a = data;

  g_object_unref (a->self);
  g_free (a->project);
  g_free (a);
}

static gboolean
write_add (AtSqlConn *conn, gpointer data, GError **error)
{
  Add *a = data;
  const char *bucket = at_s3_client_get_bucket (a->self->client);
  const char *root = a->self->root;
  g_autofree char *project = NULL;

  if (a->project != NULL)
    {
      if ((project = at_project_find_id (conn, a->project, error)) == NULL)
        return FALSE;
      if (a->set && !at_sql_exec_bound (conn, error, "UPDATE projects SET backup_originals = ?2 WHERE id = ?1", "ti", project,
                                        a->on ? 1 : 0))
        return FALSE;
      if (a->set && !a->on)
        return TRUE;
    }
  /* (an id made of random hex: rows come from SQL, many at once). An
   * upload under way counts wherever it goes (it goes on at this endpoint);
   * a completed one only at this endpoint (or from before endpoints were
   * recorded: the audit looks for those): one completed at another is
   * looked for here before it is sent (check_first). */
  if (!at_sql_exec_bound (conn, error,
                          "INSERT INTO uploads (id, photo_id, local_path, bucket, endpoint, object_key, size_bytes, status, "
                          "check_first) "
                          "SELECT lower(hex(randomblob(16))), photo_id, ?1 || library_path, ?2, ?4, key, size, 'queued', "
                          "EXISTS (SELECT 1 FROM uploads u WHERE u.bucket = ?2 AND u.object_key = key "
                          "AND u.status = 'completed') "
                          "FROM (SELECT f.photo_id, f.library_path, coalesce(f.file_size, 0) AS size, "
                          "'studios/' || p.studio_id || '/projects/' || p.id || '/originals/' || f.library_path AS key, "
                          "ph.capture_time AS taken "
                          "FROM photo_files f JOIN photos ph ON ph.id = f.photo_id JOIN projects p ON p.id = ph.project_id "
                          "WHERE (p.id = ?3 OR (?3 IS NULL AND p.backup_originals = 1)) "
                          "AND f.role IN ('raw', 'jpeg', 'heif', 'video') AND f.deleted_at IS NULL "
                          "AND ph.deleted_at IS NULL) "
                          "WHERE NOT EXISTS (SELECT 1 FROM uploads u WHERE u.bucket = ?2 AND u.object_key = key "
                          "AND (u.status NOT IN ('completed', 'cancelled') OR (u.status = 'completed' AND (u.endpoint = ?4 "
                          "OR u.endpoint IS NULL)))) "
                          "ORDER BY taken",
                          "tttt", root, bucket, project, at_s3_client_get_endpoint (a->self->client)))
    return FALSE;
  a->queued = (guint) sqlite3_changes (at_sql_conn_get_db (conn));
  return TRUE;
}

/* (a switch turned on: what it queued goes now) */
static void
switched (AtUploadQueue *self, gpointer data)
{
  Add *a = data;

  if (a->set && a->queued > 0)
    at_upload_queue_start (self);
}

gboolean
at_upload_queue_add_project (AtUploadQueue  *self,
                             const char     *project,
                             guint          *queued,
                             GError        **error)
{
  Add a = { self, (char *) project, FALSE, FALSE, 0 };

  if (!_at_upload_queue_write_sync (self, "uploads", write_add, &a, NULL, error))
    return FALSE;
  if (queued != NULL)
    *queued = a.queued;
  return TRUE;
}

gboolean
at_upload_queue_set_project_backup (AtUploadQueue  *self,
                                    const char     *project,
                                    gboolean        on,
                                    guint          *queued,
                                    GError        **error)
{
  Add a = { self, (char *) project, TRUE, on, 0 };

  if (!_at_upload_queue_write_sync (self, "projects,uploads", write_add, &a, switched, error))
    return FALSE;
  if (queued != NULL)
    *queued = a.queued;
  return TRUE;
}

/* ---- the same, on the catalog's writer thread ---- */

static void
add_async (AtUploadQueue       *self,
           const char          *project,
           gboolean             set,
           gboolean             on,
           GCancellable        *cancellable,
           GAsyncReadyCallback  callback,
           gpointer             user_data)
{
  Add *a = g_new0 (Add, 1);

  a->self = g_object_ref (self);
  a->project = g_strdup (project);
  a->set = set;
  a->on = on;
  _at_upload_queue_write_async (self, set ? "projects,uploads" : "uploads", write_add, a, add_free, switched, cancellable,
                                callback, user_data);
}

static gboolean
add_finish (AtUploadQueue *self, GAsyncResult *result, guint *queued, GError **error)
{
  Add *a;

  if (!_at_upload_queue_write_finish (self, result, (gpointer *) &a, error))
    return FALSE;
  if (queued != NULL)
    *queued = a->queued;
  return TRUE;
}

void
at_upload_queue_add_project_async (AtUploadQueue       *self,
                                   const char          *project,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  add_async (self, project, FALSE, FALSE, cancellable, callback, user_data);
}

gboolean
at_upload_queue_add_project_finish (AtUploadQueue  *self,
                                    GAsyncResult   *result,
                                    guint          *queued,
                                    GError        **error)
{
  return add_finish (self, result, queued, error);
}

void
at_upload_queue_set_project_backup_async (AtUploadQueue       *self,
                                          const char          *project,
                                          gboolean             on,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  add_async (self, project, TRUE, on, cancellable, callback, user_data);
}

gboolean
at_upload_queue_set_project_backup_finish (AtUploadQueue  *self,
                                           GAsyncResult   *result,
                                           guint          *queued,
                                           GError        **error)
{
  return add_finish (self, result, queued, error);
}

gboolean
at_upload_queue_get_project_backup (AtUploadQueue *self,
                                    const char    *project_id)
{
  AtSqlConn *conn = at_catalog_get_reader (self->catalog, NULL);
  sqlite3_stmt *stmt = conn ? at_sql_conn_prepare (conn, "SELECT backup_originals FROM projects WHERE id = ?1", NULL) : NULL;
  gboolean on = FALSE;

  if (stmt == NULL)
    return FALSE;
  at_sql_bind_text (stmt, 1, project_id);
  on = sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_int (stmt, 0) == 1;
  at_sql_stmt_release (stmt);
  return on;
}

/* ---- originals as they arrive ---- */

static void
switched_added (GObject *source, GAsyncResult *result, gpointer data)
{
  Add *a = data;
  g_autoptr(GError) error = NULL;

  if (!at_catalog_write_finish (AT_CATALOG (source), result, &error))
    g_warning ("upload queue: %s", error->message);
  /* only when something came (an edit of a photo's rating queues nothing);
   * not while a stop waits for its next try (they go with it) */
  else if (a->queued > 0 && !a->self->held && (a->self->running || a->self->waiting == NULL))
    at_upload_queue_start (a->self);
  add_free (a);
}

static gboolean
look_for_new (gpointer data)
{
  AtUploadQueue *self = data;
  Add *a = g_new0 (Add, 1);

  self->look_id = 0;
  a->self = g_object_ref (self);
  at_catalog_write_async (self->catalog, "uploads", write_add, a, NULL, NULL, switched_added, a);
  return G_SOURCE_REMOVE;
}

/* New originals (an ingest), a switch turned on elsewhere (a sync): a
 * moment later, what the switched-on projects lack is queued. */
static void
catalog_changed_cb (AtCatalog *catalog, const char *table, AtUploadQueue *self)
{
  if (!g_str_equal (table, "photo_files") && !g_str_equal (table, "photos") && !g_str_equal (table, "projects"))
    return;
  if (self->look_id != 0)
    g_source_remove (self->look_id);
  self->look_id = g_timeout_add_seconds (2, look_for_new, self);
}

void
at_upload_queue_watch (AtUploadQueue *self)
{
  g_signal_connect_object (self->catalog, "changed", G_CALLBACK (catalog_changed_cb), self, 0);
  look_for_new (self);
}

