/* at-thumbnail-loader.h — thumbnails for the grid, read off the main thread. */
#pragma once

#include <gtk/gtk.h>

#include "at-core.h"

G_BEGIN_DECLS

#define AT_TYPE_THUMBNAIL_LOADER (at_thumbnail_loader_get_type ())
G_DECLARE_FINAL_TYPE (AtThumbnailLoader, at_thumbnail_loader, AT, THUMBNAIL_LOADER, GObject)

AtThumbnailLoader *at_thumbnail_loader_new         (const char          *library,
                                                    const char          *cache_dir);
void               at_thumbnail_loader_load_async  (AtThumbnailLoader   *self,
                                                    AtPhoto             *photo,
                                                    AtPreviewKind        kind,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
GdkTexture        *at_thumbnail_loader_load_finish (AtThumbnailLoader   *self,
                                                    GAsyncResult        *result,
                                                    gboolean            *original_missing,
                                                    GError             **error);
void               at_thumbnail_loader_prefetch    (AtThumbnailLoader   *self,
                                                    AtPhoto             *photo);

G_END_DECLS
