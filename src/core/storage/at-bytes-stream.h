/* at-bytes-stream.h — an input stream over GBytes whose bytes the body
 * splice (at-soup-splice.c) writes to the socket where they are, without
 * copying them through a buffer first. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define AT_TYPE_BYTES_STREAM (at_bytes_stream_get_type ())
G_DECLARE_FINAL_TYPE (AtBytesStream, at_bytes_stream, AT, BYTES_STREAM, GInputStream)

GInputStream  *at_bytes_stream_new  (GBytes        *bytes);
/* The bytes not read yet (@length of them); at_bytes_stream_skip() reads them. */
const guint8  *at_bytes_stream_peek (AtBytesStream *self,
                                     gsize         *length);
void           at_bytes_stream_skip (AtBytesStream *self,
                                     gsize          count);

G_END_DECLS
