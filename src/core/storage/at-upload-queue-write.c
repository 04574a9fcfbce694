/* at-upload-queue-write.c — the writes that change AtUploadQueue (a
 * project queued, its switch, the failed files queued again): on the
 * catalog's writer thread, then what follows them on the caller's context;
 * the window's async, the CLI's waiting for it. */
#define G_LOG_DOMAIN "atelier-storage"

#include "config.h"

#include "at-upload-queue-private.h"

typedef struct
{
  AtUploadQueueThen then;
  gpointer          data;
  GDestroyNotify    destroy;
} Write;

static void
write_free (gpointer data)
{
  Write *w = data;

  if (w->destroy != NULL)
    w->destroy (w->data);
  g_free (w);
}

gboolean
_at_upload_queue_write_sync (AtUploadQueue     *self,
                             const char        *tables,
                             AtCatalogWriteFunc func,
                             gpointer           data,
                             AtUploadQueueThen  then,
                             GError           **error)
{
  if (!at_catalog_write_sync (self->catalog, tables, func, data, error))
    return FALSE;
  if (then != NULL)
    then (self, data);
  return TRUE;
}

static void
written (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GTask) task = data;
  Write *w = g_task_get_task_data (task);
  GError *error = NULL;

  if (!at_catalog_write_finish (AT_CATALOG (source), result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (w->then != NULL)
    w->then (g_task_get_source_object (task), w->data);
  g_task_return_boolean (task, TRUE);
}

void
_at_upload_queue_write_async (AtUploadQueue       *self,
                              const char          *tables,
                              AtCatalogWriteFunc   func,
                              gpointer             data,
                              GDestroyNotify       destroy,
                              AtUploadQueueThen    then,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Write *w = g_new0 (Write, 1);

  w->then = then;
  w->data = data;
  w->destroy = destroy;
  g_task_set_task_data (task, w, write_free);
  at_catalog_write_async (self->catalog, tables, func, data, NULL, cancellable, written, task);
}

gboolean
_at_upload_queue_write_finish (AtUploadQueue  *self,
                               GAsyncResult   *result,
                               gpointer       *data,
                               GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  if (data != NULL)
    *data = ((Write *) g_task_get_task_data (G_TASK (result)))->data;
  return TRUE;
}
