/* at-photo-cell.h — one photo in the library grid. */
#pragma once

#include <gtk/gtk.h>

#include "at-core.h"
#include "at-thumbnail-loader.h"

G_BEGIN_DECLS

#define AT_TYPE_PHOTO_CELL (at_photo_cell_get_type ())
G_DECLARE_FINAL_TYPE (AtPhotoCell, at_photo_cell, AT, PHOTO_CELL, GtkWidget)

GtkWidget  *at_photo_cell_new       (AtThumbnailLoader *loader);
void        at_photo_cell_set_photo (AtPhotoCell *self,
                                     AtPhoto     *photo);
const char *at_photo_cell_get_name  (AtPhotoCell *self);
AtPhoto    *at_photo_cell_get_photo (AtPhotoCell *self);
void        at_photo_cell_set_position (AtPhotoCell *self,
                                        guint        position);
guint       at_photo_cell_get_position (AtPhotoCell *self);
gboolean    at_photo_cell_has_thumbnail (AtPhotoCell *self);
gboolean    at_photo_cell_shows_missing_original (AtPhotoCell *self);

G_END_DECLS
