/* at-vips.h — libvips set-up and its global error buffer as GError. */
#pragma once

#include <gio/gio.h>
#include <vips/vips.h>

G_BEGIN_DECLS

#define AT_MEDIA_ERROR (at_media_error_quark ())

typedef enum {
  AT_MEDIA_ERROR_FAILED,
  AT_MEDIA_ERROR_UNSUPPORTED,
  AT_MEDIA_ERROR_CORRUPT,
} AtMediaError;

GQuark   at_media_error_quark (void);
gboolean at_vips_init         (GError     **error);
gboolean at_vips_set_error    (GError     **error,
                               const char  *what);

/* libvips 8.14 declares no autoptr for its image type. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VipsImage, g_object_unref)

G_END_DECLS
