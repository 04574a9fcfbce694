/* at-s3-memory.h — memory for upload bodies read whole (a photo sent in one
 * PUT, a part), kept a few seconds for the next body once freed. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* At least @size bytes; *@capacity tells how many. NULL when the system has
 * no memory left. Goes back with at_s3_memory_give() or inside a GBytes
 * from at_s3_memory_bytes(). */
guint8 *at_s3_memory_take  (gsize   size,
                            gsize  *capacity);
void    at_s3_memory_give  (guint8 *memory,
                            gsize   capacity);
/* The first @length bytes of @memory; the memory goes back when the bytes
 * are freed. */
GBytes *at_s3_memory_bytes (guint8 *memory,
                            gsize   capacity,
                            gsize   length);
/* How many buffers wait for a body now (for the tests). */
guint   at_s3_memory_spares (void);

G_END_DECLS
