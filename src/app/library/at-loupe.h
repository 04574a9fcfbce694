/* at-loupe.h — one photo, as large as the window allows, with its exposure. */
#pragma once

#include <gtk/gtk.h>

#include "at-core.h"
#include "at-thumbnail-loader.h"

G_BEGIN_DECLS

#define AT_TYPE_LOUPE (at_loupe_get_type ())
G_DECLARE_FINAL_TYPE (AtLoupe, at_loupe, AT, LOUPE, GtkWidget)

GtkWidget  *at_loupe_new              (void);
void        at_loupe_set_photo        (AtLoupe           *self,
                                       AtPhoto           *photo,
                                       AtThumbnailLoader *loader,
                                       const char        *library);
AtPhoto    *at_loupe_get_photo        (AtLoupe           *self);
gboolean    at_loupe_has_preview      (AtLoupe           *self);
const char *at_loupe_get_exposure     (AtLoupe           *self);
void        at_loupe_toggle_zoom      (AtLoupe           *self);
gboolean    at_loupe_get_zoomed       (AtLoupe           *self);
void        at_loupe_set_view         (AtLoupe           *self,
                                       gboolean           zoomed,
                                       double             cx,
                                       double             cy);
void        at_loupe_get_view         (AtLoupe           *self,
                                       gboolean          *zoomed,
                                       double            *cx,
                                       double            *cy);
void        at_loupe_set_compact      (AtLoupe           *self,
                                       gboolean           compact);
void        at_loupe_pan              (AtLoupe           *self,
                                       double             dx,
                                       double             dy);

G_END_DECLS
