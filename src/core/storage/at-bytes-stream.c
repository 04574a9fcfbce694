/* at-bytes-stream.c — AtBytesStream: GMemoryInputStream's reading, with the
 * bytes themselves open to the body splice (a photo read whole for its
 * SHA-256 went through one more copy of 25 MB on its way out). Seekable, so
 * that libsoup may send it again from the start. */
#include "config.h"

#include <string.h>

#include "at-bytes-stream.h"

struct _AtBytesStream
{
  GInputStream parent_instance;
  GBytes      *bytes;
  gsize        at;
};

static void seekable_init (GSeekableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (AtBytesStream, at_bytes_stream, G_TYPE_INPUT_STREAM,
                               G_IMPLEMENT_INTERFACE (G_TYPE_SEEKABLE, seekable_init))

const guint8 *
at_bytes_stream_peek (AtBytesStream *self,
                      gsize         *length)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (self->bytes, &size);

  *length = size - self->at;
  return data + self->at;
}

void
at_bytes_stream_skip (AtBytesStream *self,
                      gsize          count)
{
  self->at = MIN (self->at + count, g_bytes_get_size (self->bytes));
}

static gssize
bytes_read (GInputStream *stream, void *buffer, gsize count, GCancellable *cancellable, GError **error)
{
  AtBytesStream *self = AT_BYTES_STREAM (stream);
  gsize left;
  const guint8 *data = at_bytes_stream_peek (self, &left);

  count = MIN (count, left);
  memcpy (buffer, data, count);
  self->at += count;
  return (gssize) count;
}

static goffset
bytes_tell (GSeekable *seekable)
{
  return (goffset) AT_BYTES_STREAM (seekable)->at;
}

static gboolean
bytes_can_seek (GSeekable *seekable)
{
  return TRUE;
}

static gboolean
bytes_seek (GSeekable *seekable, goffset offset, GSeekType type, GCancellable *cancellable, GError **error)
{
  AtBytesStream *self = AT_BYTES_STREAM (seekable);
  goffset size = (goffset) g_bytes_get_size (self->bytes);
  goffset to = type == G_SEEK_SET ? offset : type == G_SEEK_CUR ? (goffset) self->at + offset : size + offset;

  if (to < 0 || to > size)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "Seek outside the bytes");
      return FALSE;
    }
  self->at = (gsize) to;
  return TRUE;
}

static gboolean
bytes_can_truncate (GSeekable *seekable)
{
  return FALSE;
}

static gboolean
bytes_truncate (GSeekable *seekable, goffset offset, GCancellable *cancellable, GError **error)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "Cannot truncate bytes");
  return FALSE;
}

static void
seekable_init (GSeekableIface *iface)
{
  iface->tell = bytes_tell;
  iface->can_seek = bytes_can_seek;
  iface->seek = bytes_seek;
  iface->can_truncate = bytes_can_truncate;
  iface->truncate_fn = bytes_truncate;
}

static void
at_bytes_stream_finalize (GObject *object)
{
  g_bytes_unref (AT_BYTES_STREAM (object)->bytes);
  G_OBJECT_CLASS (at_bytes_stream_parent_class)->finalize (object);
}

static void
at_bytes_stream_class_init (AtBytesStreamClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = at_bytes_stream_finalize;
  G_INPUT_STREAM_CLASS (klass)->read_fn = bytes_read;
}

static void
at_bytes_stream_init (AtBytesStream *self)
{
}

GInputStream *
at_bytes_stream_new (GBytes *bytes)
{
  AtBytesStream *self = g_object_new (AT_TYPE_BYTES_STREAM, NULL);

  self->bytes = g_bytes_ref (bytes);
  return G_INPUT_STREAM (self);
}
