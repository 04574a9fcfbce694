/* at-preview.h — thumbnails (~400 px) and previews (~2048 px), cached by content hash. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define AT_THUMB_SIZE   400
#define AT_PREVIEW_SIZE 2048

typedef enum {
  AT_PREVIEW_THUMB,
  AT_PREVIEW_LARGE,
} AtPreviewKind;

typedef struct
{
  gboolean embedded;    /* came from the camera's embedded JPEG */
  int      thumb_width, thumb_height;
  int      preview_width, preview_height;
} AtPreviewResult;

char     *at_preview_default_cache_dir (void);
char     *at_preview_path              (const char       *cache_dir,
                                        const char       *content_hash,
                                        AtPreviewKind     kind);
gboolean  at_preview_make              (const char       *file,
                                        const char       *content_hash,
                                        const char       *cache_dir,
                                        AtPreviewResult  *result,
                                        GError          **error);
gboolean  at_preview_make_from         (const char *const *files,
                                        const char        *content_hash,
                                        const char        *cache_dir,
                                        AtPreviewResult   *result,
                                        GError           **error);
GBytes   *at_preview_render_region     (const char        *file,
                                        double             cx,
                                        double             cy,
                                        int                width,
                                        int                height,
                                        int               *width_out,
                                        int               *height_out,
                                        GError           **error);

G_END_DECLS
