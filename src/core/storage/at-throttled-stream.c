/* at-throttled-stream.c — AtThrottledStream.
 *
 * A request body is read on the client's sending thread (send_thread in
 * at-s3-client.c), so a read that must wait for its tokens sleeps there, a
 * tenth of a second at most between looks at the cancellable. */
#include "config.h"

#include "at-throttled-stream.h"

struct _AtThrottledStream
{
  GInputStream  parent_instance;
  GInputStream *base;
  AtRateLimit  *limit;
};

G_DEFINE_FINAL_TYPE (AtThrottledStream, at_throttled_stream, G_TYPE_INPUT_STREAM)

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
