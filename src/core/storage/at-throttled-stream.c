/* at-throttled-stream.c — AtThrottledStream.
 *
 * libsoup reads a request body asynchronously on the session's context, so
 * a read that must wait for its tokens waits on a timeout there, never by
 * sleeping in a thread. */
#include "config.h"

#include "at-throttled-stream.h"

struct _AtThrottledStream
{
  GInputStream  parent_instance;
  GInputStream *base;
  AtRateLimit  *limit;
};

G_DEFINE_FINAL_TYPE (AtThrottledStream, at_throttled_stream, G_TYPE_INPUT_STREAM)

typedef struct
{
  void  *buffer;
  gsize  count;
} Read;

static gssize
throttled_read (GInputStream  *stream,
                void          *buffer,
                gsize          count,
                GCancellable  *cancellable,
                GError       **error)
{
  AtThrottledStream *self = AT_THROTTLED_STREAM (stream);
  gint64 wait_us;
  gsize granted;

  if (count == 0)
    return 0;
  while ((granted = at_rate_limit_take (self->limit, count, &wait_us)) == 0)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return -1;
      g_usleep (MIN (wait_us, G_USEC_PER_SEC / 10));
    }
  return g_input_stream_read (self->base, buffer, granted, cancellable, error);
}

static void
base_read_done (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GTask) task = data;
  GError *error = NULL;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);

  if (n < 0)
    g_task_return_error (task, error);
  else
    g_task_return_int (task, n);
}

static gboolean try_read (gpointer data);

static void
read_or_wait (GTask *task)
{
  AtThrottledStream *self = g_task_get_source_object (task);
  Read *r = g_task_get_task_data (task);
  gint64 wait_us;
  gsize granted = at_rate_limit_take (self->limit, r->count, &wait_us);

  if (granted > 0)
    {
      g_input_stream_read_async (self->base, r->buffer, granted, g_task_get_priority (task),
                                 g_task_get_cancellable (task), base_read_done, task);
      return;
    }
  {
    g_autoptr(GSource) timeout = g_timeout_source_new (MAX (wait_us / 1000, 1));

    g_source_set_callback (timeout, try_read, task, NULL);
    g_source_attach (timeout, g_task_get_context (task));
  }
}

static gboolean
try_read (gpointer data)
{
  GTask *task = data;

  if (g_task_return_error_if_cancelled (task))
    g_object_unref (task);
  else
    read_or_wait (task);
  return G_SOURCE_REMOVE;
}

static void
throttled_read_async (GInputStream        *stream,
                      void                *buffer,
                      gsize                count,
                      int                  io_priority,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  GTask *task = g_task_new (stream, cancellable, callback, user_data);
  Read *r = g_new (Read, 1);

  r->buffer = buffer;
  r->count = count;
  g_task_set_source_tag (task, throttled_read_async);
  g_task_set_priority (task, io_priority);
  g_task_set_task_data (task, r, g_free);
  if (count == 0)
    {
      g_task_return_int (task, 0);
      g_object_unref (task);
      return;
    }
  read_or_wait (task);
}

static gssize
throttled_read_finish (GInputStream  *stream,
                       GAsyncResult  *result,
                       GError       **error)
{
  return g_task_propagate_int (G_TASK (result), error);
}

static gboolean
throttled_close (GInputStream  *stream,
                 GCancellable  *cancellable,
                 GError       **error)
{
  return g_input_stream_close (AT_THROTTLED_STREAM (stream)->base, cancellable, error);
}

static void
at_throttled_stream_finalize (GObject *object)
{
  AtThrottledStream *self = AT_THROTTLED_STREAM (object);

  g_clear_object (&self->base);
  g_clear_object (&self->limit);
  G_OBJECT_CLASS (at_throttled_stream_parent_class)->finalize (object);
}

static void
at_throttled_stream_class_init (AtThrottledStreamClass *klass)
{
  GInputStreamClass *stream_class = G_INPUT_STREAM_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = at_throttled_stream_finalize;
  stream_class->read_fn = throttled_read;
  stream_class->read_async = throttled_read_async;
  stream_class->read_finish = throttled_read_finish;
  stream_class->close_fn = throttled_close;
}

static void
at_throttled_stream_init (AtThrottledStream *self)
{
}

GInputStream *
at_throttled_stream_new (GInputStream *base,
                         AtRateLimit  *limit)
{
  AtThrottledStream *self = g_object_new (AT_TYPE_THROTTLED_STREAM, NULL);

  self->base = g_object_ref (base);
  self->limit = g_object_ref (limit);
  return G_INPUT_STREAM (self);
}
