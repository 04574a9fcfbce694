/* at-s3-upload-parts.c — AtS3Upload's parts: each read on a worker (its
 * bytes and their SHA-256), sent, and recorded as the server takes it,
 * @parallel at a time; and the progress of the parts under way. */
#define G_LOG_DOMAIN "atelier-storage"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>

#include "at-s3-memory.h"
#include "at-s3-sign.h"
#include "at-s3-upload-private.h"

typedef struct
{
  AtS3Upload *self;
  guint       number;
  GBytes     *bytes;
  guint8      sha256[32];
  gssize      sent;      /* (atomic) of its bytes, written so far by libsoup's sending thread */
} Part;

static void
part_free (gpointer data)
{
  Part *p = data;

  g_object_unref (p->self);
  g_clear_pointer (&p->bytes, g_bytes_unref);
  g_free (p);
}

/* On a worker: the part's bytes and their SHA-256, a mebibyte at a time
 * while it is in the cache. The memory is reused for the next parts (see
 * at-s3-memory.c): from malloc, parts of 8 MiB stayed resident in the
 * threads' arenas. */
static void
read_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Part *p = data;
  AtS3Upload *self = p->self;
  goffset offset = (goffset) (p->number - 1) * self->part_size;
  gsize want = (gsize) MIN ((goffset) self->part_size, self->size - offset), got = 0, capacity = 0;
  guint8 *buffer = at_s3_memory_take (want, &capacity);
  AtS3Sha256 *sum;
  int fd;

  if (buffer == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NO_SPACE, _("Out of memory for a part of “%s”"), self->path);
      return;
    }
  sum = at_s3_sha256_new ();
  fd = open (self->path, O_RDONLY | O_CLOEXEC);
  while (fd >= 0 && got < want)
    {
      ssize_t n = pread (fd, buffer + got, MIN (want - got, 1 << 20), offset + got);
      if (n <= 0 && !(n < 0 && errno == EINTR))
        break;
      if (n > 0)
        {
          at_s3_sha256_update (sum, buffer + got, (gsize) n);
          got += (gsize) n;
        }
    }
  if (fd >= 0)
    close (fd);
  at_s3_sha256_finish (sum, p->sha256);
  if (got < want)
    {
      at_s3_memory_give (buffer, capacity);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED, _("Cannot read “%s” (did it shrink?)"), self->path);
      return;
    }
  p->bytes = at_s3_memory_bytes (buffer, capacity, want);
  g_task_return_boolean (task, TRUE);
}

void
_at_s3_upload_tell_parts (AtS3Upload *self,
                          gboolean    restart)
{
  goffset done = self->done_bytes;

  if (restart)
    self->told = 0;
  for (guint i = 0; i < self->sending->len; i++)
    done += (goffset) g_atomic_pointer_get (&((Part *) self->sending->pdata[i])->sent);
  /* (a part sent again after a cut starts its count over: the bar stays) */
  self->told = MAX (self->told, MIN (done, self->size));
  if (self->progress != NULL)
    self->progress (self->told, self->size, self->progress_data);
}

static gboolean
tick_cb (gpointer data)
{
  _at_s3_upload_tell_parts (data, FALSE);
  return G_SOURCE_CONTINUE;
}

/* Five times a second while parts go: an 8 MiB part takes a while on a
 * hotel's uplink, and four of them at once longer. */
static void
sending (AtS3Upload *self, Part *p, gboolean on)
{
  if (on)
    g_ptr_array_add (self->sending, p);
  else
    g_ptr_array_remove_fast (self->sending, p);
  if (self->sending->len > 0 && self->tick == NULL && self->progress != NULL)
    {
      self->tick = g_timeout_source_new (200);
      g_source_set_callback (self->tick, tick_cb, self, NULL);
      g_source_attach (self->tick, g_task_get_context (self->task));
    }
  else if (self->sending->len == 0 && self->tick != NULL)
    {
      g_source_destroy (self->tick);
      g_clear_pointer (&self->tick, g_source_unref);
    }
}

static void
part_done (AtS3Upload *self, GError *error)
{
  self->in_flight--;
  if (error != NULL)
    {
      if (self->failure == NULL)
        self->failure = error;
      else
        g_error_free (error);
      /* one part failed for good: the others stop, the record stays for a resume */
      g_cancellable_cancel (self->stop);
    }
  _at_s3_upload_schedule (self);
}

static void
part_sent (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GTask) task = data;
  Part *p = g_task_get_task_data (task);
  AtS3Upload *self = p->self;
  GError *error = NULL;
  char *etag = at_s3_client_multipart_put_part_finish (self->client, result, &error);

  if (etag != NULL)
    {
      gsize size = g_bytes_get_size (p->bytes);

      self->etags->pdata[p->number - 1] = etag;
      g_free (self->sums->pdata[p->number - 1]);
      self->sums->pdata[p->number - 1] = g_base64_encode (p->sha256, sizeof p->sha256);
      self->sent_now += size;
      self->done_bytes += size;
      _at_s3_upload_record_part (self, p->number, size, etag, self->sums->pdata[p->number - 1]);
    }
  sending (self, p, FALSE);
  if (etag != NULL)
    _at_s3_upload_tell_parts (self, FALSE);
  part_done (self, error);
}

static void
part_read (GObject *source, GAsyncResult *result, gpointer data)
{
  GTask *task = G_TASK (result);
  Part *p = g_task_get_task_data (task);
  AtS3Upload *self = p->self;
  GError *error = NULL;

  if (!g_task_propagate_boolean (task, &error))
    {
      part_done (self, error);
      return;
    }
  sending (self, p, TRUE);
  at_s3_client_multipart_put_part (self->client, self->key, self->upload_id, p->number, p->bytes, p->sha256, &p->sent,
                                   self->stop, part_sent, g_object_ref (task));
}


void
_at_s3_upload_schedule (AtS3Upload *self)
{
  if (self->failure != NULL || g_cancellable_is_cancelled (g_task_get_cancellable (self->task)))
    {
      if (self->in_flight == 0)
        _at_s3_upload_finish (self);
      return;
    }
  while (self->in_flight < at_s3_upload_get_parts_at_once (self) && self->next < self->n_parts)
    {
      guint i = self->next++;
      Part *p;
      g_autoptr(GTask) read = NULL;

      if (self->etags->pdata[i] != NULL)
        continue;
      p = g_new0 (Part, 1);
      p->self = g_object_ref (self);
      p->number = i + 1;
      read = g_task_new (self, self->stop, part_read, NULL);
      g_task_set_task_data (read, p, part_free);
      self->in_flight++;
      g_task_run_in_thread (read, read_thread);
    }
  if (self->in_flight == 0 && self->next >= self->n_parts)
    _at_s3_upload_complete (self);
}
