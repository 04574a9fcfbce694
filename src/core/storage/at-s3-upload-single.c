/* at-s3-upload-single.c — AtS3Upload of a file no bigger than one part:
 * one PUT, of the file as read ahead while the files before it went (its
 * bytes and their SHA-256, on low-priority threads), or read now if it
 * changed meanwhile. */
#define G_LOG_DOMAIN "atelier-storage"

#include "config.h"

#include <errno.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "at-s3-upload-private.h"

static void
single_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  AtS3Upload *self = data;

  if (at_s3_client_put_file_finish (self->client, result, &self->failure))
    {
      self->sent_now = self->size;
      self->completed = TRUE;
    }
  _at_s3_upload_finish (self);
}

static void
single_progress (goffset done, goffset total, gpointer data)
{
  AtS3Upload *self = data;

  if (self->progress != NULL)
    self->progress (done, total, self->progress_data);
}

/* One PUT, of what was read ahead if it is still the file. */
void
_at_s3_upload_send_single (AtS3Upload *self)
{
  g_autoptr(AtS3Body) body = g_steal_pointer (&self->ahead);
  GCancellable *cancellable = g_task_get_cancellable (self->task);

  if (body != NULL && at_s3_body_is (body, self->size, self->mtime))
    at_s3_client_put_body (self->client, body, self->key, single_progress, self, cancellable, single_cb, self);
  else
    at_s3_client_put_file (self->client, self->file, self->key, single_progress, self, cancellable, single_cb, self);
}

static void
ahead_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  AtS3Upload *self = source;
  goffset size;
  gint64 mtime;

  /* (a file that cannot be read now is read, and reported, by the run) */
  if (_at_s3_upload_stat (self, &size, &mtime, NULL, NULL) && size <= (goffset) self->part_size)
    g_task_return_pointer (task, at_s3_body_read (self->file, cancellable, NULL), (GDestroyNotify) at_s3_body_unref);
  else
    g_task_return_pointer (task, NULL, NULL);
}

static void
ahead_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  AtS3Upload *self = AT_S3_UPLOAD (source);

  self->ahead = g_task_propagate_pointer (G_TASK (result), NULL);
  self->reading_ahead = FALSE;
  if (self->waiting_ahead)
    {
      self->waiting_ahead = FALSE;
      _at_s3_upload_send_single (self);
    }
}

/* Reading ahead is work for spare time: its threads run at the lowest
 * priority, so that the file being sent (and, on a test box, the server)
 * go first. At the same priority the SHA-256 of the next photo took its
 * time from them: one PUT per file went from 1.11 to 1.04 of curl's time
 * on average over six runs on two cores. (Linux sets a nice value per
 * thread; one raised cannot be lowered again, hence threads of their own.) */
static void
ahead_run (gpointer data, gpointer unused)
{
  static GPrivate lowered = G_PRIVATE_INIT (NULL);
  GTask *task = data;

  if (g_private_get (&lowered) == NULL)
    {
      if (setpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid), 19) != 0)
        g_debug ("read-ahead at normal priority: %s", g_strerror (errno));
      g_private_set (&lowered, GINT_TO_POINTER (1));
    }
  ahead_thread (task, g_task_get_source_object (task), NULL, NULL);
  g_object_unref (task);
}

void
at_s3_upload_read_ahead (AtS3Upload *self)
{
  static GThreadPool *pool;

  g_return_if_fail (AT_IS_S3_UPLOAD (self));
  if (self->reading_ahead || self->ahead != NULL || self->task != NULL)
    return;
  if (g_once_init_enter (&pool))
    g_once_init_leave (&pool, g_thread_pool_new (ahead_run, NULL, 2, FALSE, NULL));
  self->reading_ahead = TRUE;
  g_thread_pool_push (pool, g_task_new (self, NULL, ahead_cb, NULL), NULL);
}
