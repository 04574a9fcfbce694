/* at-upload-queue-retry.c — AtUploadQueue trying again: after the link,
 * the server or the setup stopped a run (its files wait, paused), by
 * itself a while later, sooner first and then less often, and at once when
 * the network comes back; and the files that failed, when asked. */
#define G_LOG_DOMAIN "atelier-storage"

#include "config.h"

#include "at-upload-queue-private.h"

static gboolean
retry_cb (gpointer data)
{
  AtUploadQueue *self = data;

  self->retry_id = 0;
  if (!self->held && !self->running)
    at_upload_queue_start (self);
  return G_SOURCE_REMOVE;
}

/* The network came back: a queue waiting on it tries at once. (Only a
 * way back: the monitor also speaks of every route that changes.) */
static void
network_changed_cb (GNetworkMonitor *monitor, gboolean available, AtUploadQueue *self)
{
  gboolean was_up = self->network_up;

  self->network_up = available;
  if (available && !was_up && self->retry_id != 0)
    {
      g_clear_handle_id (&self->retry_id, g_source_remove);
      retry_cb (self);
    }
}

/* After a stop: a try by itself, sooner first (a short drop), then less
 * often. */
void
_at_upload_queue_try_later (AtUploadQueue *self)
{
  self->retry_seconds = CLAMP (self->retry_seconds * 2, self->retry_first, self->retry_first * 20);
  self->retry_at = g_get_monotonic_time () + (gint64) self->retry_seconds * G_USEC_PER_SEC;
  g_clear_handle_id (&self->retry_id, g_source_remove);
  self->retry_id = g_timeout_add_seconds (self->retry_seconds, retry_cb, self);
}

const char *
at_upload_queue_get_waiting (AtUploadQueue *self,
                             gint64        *seconds)
{
  if (seconds != NULL)
    *seconds = self->retry_id != 0 ? MAX (0, (self->retry_at - g_get_monotonic_time ()) / G_USEC_PER_SEC) : -1;
  return self->running ? NULL : self->waiting;
}

void
at_upload_queue_set_retry (AtUploadQueue *self,
                           guint          seconds)
{
  if (seconds > 0 && self->retry_first == 0)
    {
      self->network_up = g_network_monitor_get_network_available (g_network_monitor_get_default ());
      g_signal_connect_object (g_network_monitor_get_default (), "network-changed", G_CALLBACK (network_changed_cb), self,
                               0);
    }
  self->retry_first = seconds;
}

static gboolean
write_retry (AtSqlConn *conn, gpointer data, GError **error)
{
  return at_sql_exec_bound (conn, error, "UPDATE uploads SET status = 'queued', last_error = NULL "
                                         "WHERE status = 'failed' AND bucket = ?1", "t", (const char *) data);
}

/* (what a pause or a failure said of them goes with them) */
static void
retried (AtUploadQueue *self, gpointer data)
{
  g_clear_pointer (&self->last_error, g_free);
  at_upload_queue_start (self);
}

/* (the bucket's name lives as long as the client, and so the queue) */
gboolean
at_upload_queue_retry_failed (AtUploadQueue  *self,
                              GError        **error)
{
  return _at_upload_queue_write_sync (self, "uploads", write_retry, (gpointer) at_s3_client_get_bucket (self->client),
                                      retried, error);
}

void
at_upload_queue_retry_failed_async (AtUploadQueue       *self,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  _at_upload_queue_write_async (self, "uploads", write_retry, (gpointer) at_s3_client_get_bucket (self->client), NULL,
                                retried, cancellable, callback, user_data);
}

gboolean
at_upload_queue_retry_failed_finish (AtUploadQueue  *self,
                                     GAsyncResult   *result,
                                     GError        **error)
{
  return _at_upload_queue_write_finish (self, result, NULL, error);
}
