/* at-ingest-copy.h — one read of the source, written to every destination. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define AT_INGEST_MAX_DESTS 2

typedef void (*AtCopyProgress) (guint64 bytes, gpointer user_data);

typedef struct
{
  const char *dir;       /* destination folder, created when missing */
  char       *name;      /* (inout) wanted name; the published one, with a suffix after a collision */
  char       *path;      /* (out) the published path */
  gboolean    collided;  /* (out) the wanted name was taken */
} AtCopyDest;

gboolean at_ingest_write_partials (const char    *source,
                                AtCopyDest      *dests,
                                guint            n_dests,
                                guint8          *buffer,
                                gsize            buffer_size,
                                char           **hash_out,
                                guint64         *size_out,
                                AtCopyProgress   progress,
                                gpointer         progress_data,
                                GCancellable    *cancellable,
                                GError         **error);
gboolean at_ingest_publish     (AtCopyDest      *dest,
                                GError         **error);
gboolean at_ingest_verify_file (const char      *path,
                                const char      *expected_hash,
                                guint8          *buffer,
                                gsize            buffer_size,
                                GCancellable    *cancellable,
                                GError         **error);
char    *at_ingest_hash_file   (const char      *path,
                                guint8          *buffer,
                                gsize            buffer_size,
                                GCancellable    *cancellable,
                                GError         **error);
char    *at_ingest_suffixed_name (const char    *name,
                                  guint          n);

G_END_DECLS
