/* at-upload-queue-audit.c — before a queue's first run, what the catalog
 * says is backed up is looked for in the bucket: the projects' originals
 * listed (ListObjectsV2, a request per 1,000 objects, four projects at
 * once), and each completed upload of this bucket whose object is missing
 * there, or of another size, is queued again. A server replaced at the
 * same address, an object removed by a lifecycle rule or by hand, or a
 * provider moved to before uploads recorded their endpoint (catalog schema
 * 13) would otherwise be taken as backed up. Uploads from before that are
 * found are recorded as this endpoint's. A listing that fails leaves it for
 * the next start (offline: the queue waits and tries again, as it does for
 * its files). A project listed whole is not listed again for a day
 * (upload_audits): what was uploaded since was stored when its PUT said so.
 * (An audit dated ahead of the clock, set wrong then, does not count.) */
#define G_LOG_DOMAIN "atelier-storage"

#include "config.h"

#include <string.h>

#include "at-upload-queue-private.h"

/* The originals' prefix of a key "studios/S/projects/P/originals/...". */
#define PREFIX_OF(key) "substr(" key ", 1, instr(" key ", '/originals/') + 10)"
/* ...and the file's path in the library, after it. */
#define LIBRARY_PATH_OF(key) "substr(" key ", instr(" key ", '/originals/') + 11)"

/* A project's originals are looked for again after this long. */
#define AUDIT_EVERY G_TIME_SPAN_DAY

/* Uploads the audit answers for: completed here (or before endpoints were
 * recorded) before it began. */
#define AUDITED_SQL "FROM uploads u WHERE u.bucket = ?1 AND (u.endpoint = ?2 OR u.endpoint IS NULL) " \
                    "AND u.status = 'completed' AND instr(u.object_key, '/originals/') > 0 AND u.completed_at < ?3"

typedef struct
{
  AtUploadQueue *self;
  char          *began;     /* when it began, ISO 8601 UTC, as completed_at (to the µs) */
  GPtrArray     *prefixes;  /* due for their audit */
  char          *recent;    /* a day before it began: audits since count */
  guint          next;
  GHashTable    *found;     /* key -> size (gint64 *), of every prefix listed */
  guint          listing;   /* listings under way */
  GError        *failure;   /* the first listing's that failed */
  guint          requeued;
} Audit;

static void
audit_free (Audit *a)
{
  g_object_unref (a->self);
  g_free (a->began);
  g_ptr_array_unref (a->prefixes);
  g_free (a->recent);
  g_hash_table_unref (a->found);
  g_clear_error (&a->failure);
  g_free (a);
}

/* One upload's verdict, from what the listing found. */
static void
judge (Audit *a, sqlite3_stmt *stmt, GPtrArray *there, GPtrArray *missing, GArray *differs)
{
  const gint64 *size = g_hash_table_lookup (a->found, sqlite3_column_text (stmt, 1));

  if (size != NULL && *size == sqlite3_column_int64 (stmt, 2))
    {
      if (sqlite3_column_int (stmt, 3))
        g_ptr_array_add (there, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
    }
  else if (sqlite3_column_int (stmt, 4))
    {
      gboolean other_size = size != NULL;

      g_debug ("%s: %s in the bucket: it goes again", sqlite3_column_text (stmt, 1), other_size ? "another size" : "not");
      g_ptr_array_add (missing, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
      g_array_append_val (differs, other_size);
    }
}

/* Each upload audited: its object found (one from before endpoints were
 * recorded becomes this endpoint's), or it goes again, from the file the
 * catalog has under its key now (a library moved keeps its keys); a file
 * no longer in the catalog is not asked for. One already queued again
 * (a change, a retry) stands for it. */
static gboolean
write_verdicts (AtSqlConn *conn, gpointer data, GError **error)
{
  Audit *a = data;
  AtS3Client *client = a->self->client;
  const char *endpoint = at_s3_client_get_endpoint (client);
  const char *root = a->self->root;
  g_autoptr(GPtrArray) missing = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) differs = g_array_new (FALSE, FALSE, sizeof (gboolean));
  g_autoptr(GPtrArray) there = g_ptr_array_new_with_free_func (g_free);
  /* (a project's keys, the range [prefix, end): only the projects listed) */
  sqlite3_stmt *stmt = at_sql_conn_prepare (conn, "SELECT u.id, u.object_key, u.size_bytes, u.endpoint IS NULL, "
                                                  "EXISTS (SELECT 1 FROM photo_files f JOIN photos ph ON ph.id = f.photo_id "
                                                  "WHERE f.library_path = " LIBRARY_PATH_OF ("u.object_key") " "
                                                  "AND f.deleted_at IS NULL AND ph.deleted_at IS NULL) "
                                                  AUDITED_SQL " AND u.object_key >= ?4 AND u.object_key < ?5", error);

  if (stmt == NULL)
    return FALSE;
  at_sql_bind_text (stmt, 1, at_s3_client_get_bucket (client));
  at_sql_bind_text (stmt, 2, endpoint);
  at_sql_bind_text (stmt, 3, a->began);
  for (guint i = 0; i < a->prefixes->len; i++)
    {
      g_autofree char *end = g_strdup (a->prefixes->pdata[i]);

      end[strlen (end) - 1]++;   /* ".../originals/" to ".../originals0" */
      sqlite3_reset (stmt);
      at_sql_bind_text (stmt, 4, a->prefixes->pdata[i]);
      at_sql_bind_text (stmt, 5, end);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        judge (a, stmt, there, missing, differs);
    }
  at_sql_stmt_release (stmt);
  for (guint i = 0; i < there->len; i++)
    if (!at_sql_exec_bound (conn, error, "UPDATE uploads SET endpoint = ?2 WHERE id = ?1", "tt", there->pdata[i], endpoint))
      return FALSE;
  for (guint i = 0; i < missing->len; i++)
    {
      /* (one there at another size than recorded may be the file still, its
       * size unknown when it was queued: looked at before it is sent) */
      if (!at_sql_exec_bound (conn, error, "UPDATE OR IGNORE uploads SET status = 'queued', endpoint = ?2, check_first = ?4, "
                                           "local_path = ?3 || " LIBRARY_PATH_OF ("object_key") ", "
                                           "bytes_sent = 0, multipart_id = NULL, completed_at = NULL, last_error = NULL "
                                           "WHERE id = ?1", "ttti", missing->pdata[i], endpoint, root,
                              g_array_index (differs, gboolean, i) ? 1 : 0))
        return FALSE;
      if (sqlite3_changes (at_sql_conn_get_db (conn)) > 0)
        a->requeued++;
      else if (!at_sql_exec_bound (conn, error, "UPDATE uploads SET status = 'cancelled' WHERE id = ?1", "t",
                                   missing->pdata[i]))
        return FALSE;
    }
  for (guint i = 0; i < a->prefixes->len; i++)
    if (!at_sql_exec_bound (conn, error, "INSERT OR REPLACE INTO upload_audits (bucket, endpoint, prefix, audited_at) "
                                         "VALUES (?1, ?2, ?3, ?4)", "tttt", at_s3_client_get_bucket (client), endpoint,
                            a->prefixes->pdata[i], a->began))
      return FALSE;
  /* (older ones stand for nothing: a project gone, an endpoint left) */
  return at_sql_exec_bound (conn, error, "DELETE FROM upload_audits WHERE audited_at <= ?1", "t", a->recent);
}

/* Listings under way at once: a studio's years of projects are listed in
 * a few round trips' time, not one after another. */
#define LISTS_AT_ONCE 4

static void audit_next (Audit *a);

static void
audit_done (Audit *a, const GError *error)
{
  _at_upload_queue_audited (a->self, error);
  audit_free (a);
}

static void
verdicts_written (GObject *source, GAsyncResult *result, gpointer data)
{
  Audit *a = data;
  g_autoptr(GError) error = NULL;

  if (!at_catalog_write_finish (AT_CATALOG (source), result, &error))
    g_warning ("upload queue: %s", error->message);
  else if (a->requeued > 0)
    g_debug ("audit: %u files not in the bucket go again", a->requeued);
  audit_done (a, error);
}

static void
listed (GObject *source, GAsyncResult *result, gpointer data)
{
  Audit *a = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) objects = at_s3_client_list_finish (AT_S3_CLIENT (source), result, &error);

  a->listing--;
  if (objects == NULL)
    {
      g_debug ("audit: %s", error->message);
      if (a->failure == NULL)
        a->failure = g_steal_pointer (&error);
    }
  else
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

  while (a->failure == NULL && a->listing < LISTS_AT_ONCE && a->next < a->prefixes->len)
    {
      a->listing++;
      at_s3_client_list (self->client, a->prefixes->pdata[a->next++], self->auditing, listed, a);
    }
  if (a->listing > 0)
    return;
  /* (a listing that failed: nothing judged, all left for the next start) */
  if (a->failure != NULL)
    error = g_steal_pointer (&a->failure);
  else if (a->prefixes->len > 0)
    {
      /* (on the writer's thread: a studio's years of uploads judged, and
       * the writer perhaps busy with a sync's page, while the window waits
       * for nothing) */
      at_catalog_write_async (self->catalog, "uploads", write_verdicts, a, NULL, NULL, verdicts_written, a);
      return;
    }
  audit_done (a, error);
}

/* Starts the audit; its end calls _at_upload_queue_audited(). */
void
_at_upload_queue_audit (AtUploadQueue *self)
{
  Audit *a = g_new0 (Audit, 1);
  g_autoptr(GError) error = NULL;
  AtSqlConn *conn = at_catalog_get_reader (self->catalog, &error);
  sqlite3_stmt *stmt = conn ? at_sql_conn_prepare (conn, "SELECT DISTINCT " PREFIX_OF ("u.object_key") " " AUDITED_SQL
                                                         " AND NOT EXISTS (SELECT 1 FROM upload_audits d WHERE d.bucket = ?1 "
                                                         "AND d.endpoint = ?2 AND d.prefix = " PREFIX_OF ("u.object_key") " "
                                                         "AND d.audited_at > ?4 AND d.audited_at <= ?3)", &error)
                             : NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) since = g_date_time_add (now, -AUDIT_EVERY);

  a->self = g_object_ref (self);
  a->prefixes = g_ptr_array_new_with_free_func (g_free);
  a->recent = g_date_time_format (since, "%Y-%m-%dT%H:%M:%S.%fZ");
  a->found = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (stmt == NULL)
    {
      g_warning ("upload queue: %s", error->message);
      _at_upload_queue_audited (self, error);
      audit_free (a);
      return;
    }
  a->began = g_date_time_format (now, "%Y-%m-%dT%H:%M:%S.%fZ");
  at_sql_bind_text (stmt, 1, at_s3_client_get_bucket (self->client));
  at_sql_bind_text (stmt, 2, at_s3_client_get_endpoint (self->client));
  at_sql_bind_text (stmt, 3, a->began);
  at_sql_bind_text (stmt, 4, a->recent);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (a->prefixes, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  at_sql_stmt_release (stmt);
  audit_next (a);
}
