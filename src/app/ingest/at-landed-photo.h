/* at-landed-photo.h — a photo that just arrived, for the Ingest page's grid. */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define AT_TYPE_LANDED_PHOTO (at_landed_photo_get_type ())
G_DECLARE_FINAL_TYPE (AtLandedPhoto, at_landed_photo, AT, LANDED_PHOTO, GObject)

AtLandedPhoto *at_landed_photo_new            (const char    *file_name,
                                               const char    *thumbnail);
const char    *at_landed_photo_get_file_name  (AtLandedPhoto *self);
const char    *at_landed_photo_get_thumbnail  (AtLandedPhoto *self);

G_END_DECLS
