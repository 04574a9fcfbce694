/* at-soup-splice.c — request bodies written to the socket in large pieces.
 *
 * libsoup writes a request body by splicing it into its SoupBodyOutputStream,
 * which leaves splicing to GOutputStream's default: 8 KiB at a time. A 25 MB
 * photo took 3,052 send() calls where curl makes 382 of 64 KiB; on two cores
 * shared with the server that cost one PUT per file about 5 % of its time.
 * The stream's class is given a splice that does the same with a bigger
 * buffer. This is done only while its splice is still GIO's default, so a
 * libsoup that brings its own keeps it. libsoup registers the class when it
 * writes its first body, so a process's first body still goes 8 KiB at a time.
 */
#define G_LOG_DOMAIN "atelier-storage"

#include "config.h"

#include <gio/gio.h>

#include "at-bytes-stream.h"
#include "at-soup-splice.h"

G_LOCK_DEFINE_STATIC (widen);
static gboolean widened;       /* (atomic) looked at: widened, or left alone */
static gboolean wide;          /* the class's splice is ours */
static gssize (*default_splice) (GOutputStream *, GInputStream *, GOutputStreamSpliceFlags, GCancellable *, GError **);

/* GIO's default splice, with AT_SOUP_SPLICE_PIECE for its 8 KiB: it is
 * called with the stream marked pending, so it writes through the class. */
static gssize
wide_splice (GOutputStream            *stream,
             GInputStream             *source,
             GOutputStreamSpliceFlags  flags,
             GCancellable             *cancellable,
             GError                  **error)
{
  GOutputStreamClass *klass = G_OUTPUT_STREAM_GET_CLASS (stream);
  g_autofree guint8 *buffer = NULL;
  gssize total = 0, n;
  gboolean ok = TRUE;

  /* (libsoup closes its body stream itself; GIO's own closes a target) */
  if (flags & G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET)
    return default_splice (stream, source, flags, cancellable, error);
  /* bytes in memory go from where they are */
  if (AT_IS_BYTES_STREAM (source))
    {
      gsize left;
      const guint8 *data;

      while (ok && (data = at_bytes_stream_peek (AT_BYTES_STREAM (source), &left), left > 0))
        {
          gssize wrote = klass->write_fn (stream, data, MIN (left, AT_SOUP_SPLICE_PIECE), cancellable, error);

          if (wrote < 0)
            ok = FALSE;
          else
            {
              at_bytes_stream_skip (AT_BYTES_STREAM (source), (gsize) wrote);
              total += wrote;
            }
        }
      if (flags & G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE)
        g_input_stream_close (source, cancellable, NULL);
      return ok ? total : -1;
    }
  buffer = g_malloc (AT_SOUP_SPLICE_PIECE);
  while (ok && (n = g_input_stream_read (source, buffer, AT_SOUP_SPLICE_PIECE, cancellable, error)) != 0)
    {
      if (n < 0)
        {
          ok = FALSE;
          break;
        }
      for (gssize at = 0; at < n;)
        {
          gssize wrote = klass->write_fn (stream, buffer + at, (gsize) (n - at), cancellable, error);

          if (wrote < 0)
            {
              ok = FALSE;
              break;
            }
          at += wrote;
        }
      total += n;
    }
  /* as GIO's: the source is closed either way, and its error does not count */
  if (flags & G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE)
    g_input_stream_close (source, cancellable, NULL);
  return ok ? total : -1;
}

/* Gives libsoup's body stream the wide splice, once its class exists. Any
 * thread; cheap once done. The class's splice is changed while other
 * threads may read it: both values are whole functions that do the same
 * (default_splice is set first). */
void
at_soup_splice_widen (void)
{
  GType type;

  if (g_atomic_int_get (&widened) || (type = g_type_from_name ("SoupBodyOutputStream")) == 0)
    return;
  G_LOCK (widen);
  if (!widened && g_type_is_a (type, G_TYPE_OUTPUT_STREAM))
    {
      GOutputStreamClass *klass = g_type_class_ref (type);   /* kept: the class stays patched */
      GOutputStreamClass *base = g_type_class_ref (G_TYPE_OUTPUT_STREAM);

      if (klass->splice == base->splice)
        {
          default_splice = base->splice;
          g_atomic_pointer_set (&klass->splice, wide_splice);
          wide = TRUE;
        }
      else
        g_debug ("libsoup's body stream splices its own way: left as it is");
      g_type_class_unref (base);
    }
  g_atomic_int_set (&widened, TRUE);
  G_UNLOCK (widen);
}

/* Whether libsoup's bodies now go in AT_SOUP_SPLICE_PIECE writes. */
gboolean
at_soup_splice_is_wide (void)
{
  gboolean is;

  G_LOCK (widen);
  is = wide;
  G_UNLOCK (widen);
  return is;
}
