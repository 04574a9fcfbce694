/* at-upload-queue-audit.c — before a queue's first run, what the catalog
 * says is backed up is looked for in the bucket: the projects' originals
 * listed (ListObjectsV2, a request per 1,000 objects), and each completed
 * upload of this bucket whose object is missing there, or of another size,
 * is queued again. A server replaced at the same address, an object
 * removed by a lifecycle rule or by hand, or a provider moved to before
 * uploads recorded their endpoint (catalog schema 13) would otherwise be
 * taken as backed up. Uploads from before that are found are recorded as
 * this endpoint's. A listing that fails (offline) leaves it for the next run. */
#define G_LOG_DOMAIN "atelier-storage"

#include "config.h"

#include "at-upload-queue-private.h"

/* The originals' prefix of a key "studios/S/projects/P/originals/...". */
#define PREFIX_SQL "substr(object_key, 1, instr(object_key, '/originals/') + 10)"

/* Uploads the audit answers for: completed here (or before endpoints were
 * recorded) of a photo still in the catalog. */
#define AUDITED_SQL "FROM uploads u WHERE u.bucket = ?1 AND (u.endpoint = ?2 OR u.endpoint IS NULL) " \
                    "AND u.status = 'completed' AND instr(u.object_key, '/originals/') > 0 " \
                    "AND EXISTS (SELECT 1 FROM photos ph WHERE ph.id = u.photo_id AND ph.deleted_at IS NULL)"

typedef struct
{
  AtUploadQueue *self;
  GPtrArray     *prefixes;
  guint          next;
  GHashTable    *found;     /* key -> size (gint64 *), of every prefix listed */
  guint          requeued;
} Audit;

static void
audit_free (Audit *a)
{
  g_object_unref (a->self);
  g_ptr_array_unref (a->prefixes);
  g_hash_table_unref (a->found);
  g_free (a);
}

static gboolean
write_verdicts (AtSqlConn *conn, gpointer data, GError **error)
{
  Audit *a = data;
  AtS3Client *client = a->self->client;
  g_autoptr(GPtrArray) missing = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) there = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt = at_sql_conn_prepare (conn, "SELECT u.id, u.object_key, u.size_bytes, u.endpoint IS NULL " AUDITED_SQL,
                                            error);

  if (stmt == NULL)
    return FALSE;
  at_sql_bind_text (stmt, 1, at_s3_client_get_bucket (client));
  at_sql_bind_text (stmt, 2, at_s3_client_get_endpoint (client));
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const gint64 *size = g_hash_table_lookup (a->found, sqlite3_column_text (stmt, 1));

      if (size == NULL || *size != sqlite3_column_int64 (stmt, 2))
        {
          g_debug ("%s: %s in the bucket: it goes again", sqlite3_column_text (stmt, 1),
                   size == NULL ? "not" : "another size");
          g_ptr_array_add (missing, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
        }
      else if (sqlite3_column_int (stmt, 3))
        g_ptr_array_add (there, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
    }
  at_sql_stmt_release (stmt);
  for (guint i = 0; i < there->len; i++)
    if (!at_sql_exec_bound (conn, error, "UPDATE uploads SET endpoint = ?2 WHERE id = ?1", "tt", there->pdata[i],
                            at_s3_client_get_endpoint (client)))
      return FALSE;
  /* (OR IGNORE: a file queued again meanwhile has its upload already) */
  for (guint i = 0; i < missing->len; i++)
    {
      if (!at_sql_exec_bound (conn, error, "UPDATE OR IGNORE uploads SET status = 'queued', endpoint = ?2, check_first = 0, "
                                           "bytes_sent = 0, multipart_id = NULL, completed_at = NULL, last_error = NULL "
                                           "WHERE id = ?1", "tt", missing->pdata[i], at_s3_client_get_endpoint (client)))
        return FALSE;
      a->requeued += (guint) sqlite3_changes (at_sql_conn_get_db (conn));
    }
  return TRUE;
}

static void audit_next (Audit *a);

static void
listed (GObject *source, GAsyncResult *result, gpointer data)
{
  Audit *a = data;
  AtUploadQueue *self = a->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) objects = at_s3_client_list_finish (AT_S3_CLIENT (source), result, &error);

  if (objects == NULL)
    {
      /* (offline, say: the run that follows finds the same, and waits) */
      g_debug ("audit of %s: %s", (const char *) a->prefixes->pdata[a->next - 1], error->message);
      _at_upload_queue_audited (self, FALSE);
      audit_free (a);
      return;
    }
  for (guint i = 0; i < objects->len; i++)
    {
      AtS3Object *o = objects->pdata[i];
      g_hash_table_insert (a->found, g_strdup (o->key), g_memdup2 (&o->size, sizeof o->size));
    }
  audit_next (a);
}

static void
audit_next (Audit *a)
{
  AtUploadQueue *self = a->self;
  g_autoptr(GError) error = NULL;

  if (a->next < a->prefixes->len)
    {
      at_s3_client_list (self->client, a->prefixes->pdata[a->next++], self->auditing, listed, a);
      return;
    }
  if (!at_catalog_write_sync (self->catalog, "uploads", write_verdicts, a, &error))
    {
      g_warning ("upload queue: %s", error->message);
      _at_upload_queue_audited (self, FALSE);
    }
  else
    {
      if (a->requeued > 0)
        g_debug ("audit: %u files not in the bucket go again", a->requeued);
      _at_upload_queue_audited (self, TRUE);
    }
  audit_free (a);
}

/* Starts the audit; its end calls _at_upload_queue_audited(). */
void
_at_upload_queue_audit (AtUploadQueue *self)
{
  Audit *a = g_new0 (Audit, 1);
  g_autoptr(GError) error = NULL;
  AtSqlConn *conn = at_catalog_get_reader (self->catalog, &error);
  sqlite3_stmt *stmt = conn ? at_sql_conn_prepare (conn, "SELECT DISTINCT " PREFIX_SQL " " AUDITED_SQL, &error) : NULL;

  a->self = g_object_ref (self);
  a->prefixes = g_ptr_array_new_with_free_func (g_free);
  a->found = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (stmt == NULL)
    {
      g_warning ("upload queue: %s", error->message);
      _at_upload_queue_audited (self, FALSE);
      audit_free (a);
      return;
    }
  at_sql_bind_text (stmt, 1, at_s3_client_get_bucket (self->client));
  at_sql_bind_text (stmt, 2, at_s3_client_get_endpoint (self->client));
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (a->prefixes, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  at_sql_stmt_release (stmt);
  audit_next (a);
}
