/* at-durable.h — publishing files so they are whole or absent, never replaced. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

gboolean at_durable_publish   (const char  *partial,
                               const char  *final,
                               gboolean     sync_dir,
                               GError     **error);
gboolean at_durable_sync_fs   (const char  *path,
                               GError     **error);
gboolean at_durable_fsync_dir (const char  *dir,
                               GError     **error);
gboolean at_durable_write_all (int          fd,
                               const void  *data,
                               gsize        len,
                               int         *errsv);

G_END_DECLS
