/* at-sync-service-count.c — what AtSyncService says waits: the changes to
 * send and the pulled values kept aside, counted on a worker (a count over
 * the outbox is a scan, and a culling session changes the catalog on every
 * key), one count at a time, again if something changed meanwhile.
 */
#define G_LOG_DOMAIN "atelier-sync"

#include "config.h"

#include "at-sync-service-private.h"

typedef struct
{
  gint64  pending;
  gint64  kept_aside;
  char   *last_sync;   /* as the catalog keeps it (UTC, ISO 8601), or NULL */
} Count;

static void
count_free (Count *c)
{
  g_free (c->last_sync);
  g_free (c);
}

/* Pulled values kept aside for a clash (sync_conflicts); -1 if unknown. */
gint64
_at_sync_service_count_kept_aside (AtCatalog *catalog)
{
  AtSqlConn *conn = at_catalog_get_reader (catalog, NULL);

  return conn ? at_sql_query_int (conn, "SELECT count(*) FROM sync_conflicts", NULL) : -1;
}

void
_at_sync_service_set_kept_aside (AtSyncService *self, gint64 n)
{
  if (n < 0 || (guint) n == self->kept_aside)
    return;
  self->kept_aside = (guint) n;
  g_object_notify_by_pspec (G_OBJECT (self), _at_sync_service_properties[PROP_KEPT_ASIDE]);
}

/* (with the last sync the catalog recorded: the page says when it was, not
 * "Not yet", from the launch on, and offline at a venue that is all it has) */
static void
count_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  AtSyncService *self = source;
  GError *error = NULL;
  AtSqlConn *conn = at_catalog_get_reader (self->catalog, &error);
  Count *c = g_new0 (Count, 1);

  c->pending = conn ? at_sql_query_int (conn, "SELECT count(*) FROM sync_outbox", &error) : -1;
  c->kept_aside = c->pending >= 0 ? _at_sync_service_count_kept_aside (self->catalog) : -1;
  if (c->pending >= 0 && data != NULL)
    {
      g_autoptr(AtSqlStmt) stmt = at_sql_conn_prepare (conn, "SELECT last_sync FROM sync_state", NULL);
      if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
        c->last_sync = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
    }
  if (c->pending < 0)
    {
      count_free (c);
      g_task_return_error (task, error);
    }
  else
    g_task_return_pointer (task, c, (GDestroyNotify) count_free);
}

/* "2026-11-30T15:06:32.123Z" as a sync just done is said: local time, to the second */
static char *
local_time_of (const char *iso)
{
  g_autoptr(GDateTime) utc = iso ? g_date_time_new_from_iso8601 (iso, NULL) : NULL;
  g_autoptr(GDateTime) local = utc ? g_date_time_to_local (utc) : NULL;

  return local ? g_date_time_format (local, "%Y-%m-%d %H:%M:%S") : NULL;
}

static void
counted_cb (GObject *object, GAsyncResult *result, gpointer data)
{
  AtSyncService *self = AT_SYNC_SERVICE (object);
  g_autoptr(GError) error = NULL;
  Count *c = g_task_propagate_pointer (G_TASK (result), &error);
  gboolean told = FALSE;

  self->counting = FALSE;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->stopped)
    {
      g_clear_pointer (&c, count_free);
      _at_sync_service_maybe_stopped (self);
      return;
    }
  /* (a sync of this session already said when) */
  if (c != NULL && c->last_sync != NULL && self->last_sync == NULL)
    {
      self->last_sync = local_time_of (c->last_sync);
      told = self->last_sync != NULL;
    }
  if (c != NULL && (guint) c->pending != self->pending)
    {
      self->pending = (guint) c->pending;
      told = TRUE;
    }
  if (told)
    g_object_notify_by_pspec (G_OBJECT (self), _at_sync_service_properties[PROP_PENDING]);
  if (c != NULL)
    _at_sync_service_set_kept_aside (self, c->kept_aside);
  g_clear_pointer (&c, count_free);
  if (self->recount)
    {
      self->recount = FALSE;
      _at_sync_service_count_pending (self);
      return;
    }
  /* local edits to send: a moment later, so a burst of keys is one sync
   * (not after a refusal: a login refused again at each burst of edits;
   * the timer, "Sync now" or a new setting try again) */
  if (self->push_soon && self->pending > 0 && self->url != NULL && !self->running && self->debounce_id == 0 &&
      self->state != AT_SYNC_STATE_ERROR)
    self->debounce_id = g_timeout_add_seconds (DEBOUNCE_SECONDS, _at_sync_service_debounced, self);
  self->push_soon = FALSE;
}

void
_at_sync_service_count_pending (AtSyncService *self)
{
  g_autoptr(GTask) task = NULL;

  if (self->stopped)
    return;
  if (self->counting)
    {
      self->recount = TRUE;
      return;
    }
  self->counting = TRUE;
  task = g_task_new (self, self->cancellable, counted_cb, NULL);
  /* (task data: whether to read the last sync too) */
  g_task_set_task_data (task, GINT_TO_POINTER (self->last_sync == NULL), NULL);
  g_task_run_in_thread (task, count_thread);
}
