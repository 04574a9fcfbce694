/* at-album-popover.h — albums from the Library: add to, take out of,
 * create and rename. */
#pragma once

#include <gtk/gtk.h>

#include "at-core.h"

G_BEGIN_DECLS

#define AT_TYPE_ALBUM_POPOVER (at_album_popover_get_type ())
G_DECLARE_FINAL_TYPE (AtAlbumPopover, at_album_popover, AT, ALBUM_POPOVER, GtkPopover)

void        at_album_popover_reload     (AtAlbumPopover *self,
                                         AtCatalog      *catalog,
                                         const char     *choose);
const char *at_album_popover_get_album  (AtAlbumPopover *self);
const char *at_album_popover_get_album_label (AtAlbumPopover *self);
gboolean    at_album_popover_select     (AtAlbumPopover *self,
                                         const char     *album_id);
void        at_album_popover_set_name   (AtAlbumPopover *self,
                                         const char     *name);

G_END_DECLS
