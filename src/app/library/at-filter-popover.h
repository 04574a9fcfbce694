/* at-filter-popover.h — the Library's less frequent filters: camera,
 * project, album and dates. */
#pragma once

#include <gtk/gtk.h>

#include "at-core.h"

G_BEGIN_DECLS

#define AT_TYPE_FILTER_POPOVER (at_filter_popover_get_type ())
G_DECLARE_FINAL_TYPE (AtFilterPopover, at_filter_popover, AT, FILTER_POPOVER, GtkPopover)

GtkWidget *at_filter_popover_new          (void);
void       at_filter_popover_reload       (AtFilterPopover *self,
                                           AtCatalog       *catalog);
void       at_filter_popover_fill         (AtFilterPopover *self,
                                           AtPhotoFilter   *filter);
guint      at_filter_popover_get_n_active (AtFilterPopover *self);
gboolean   at_filter_popover_select       (AtFilterPopover *self,
                                           const char      *what,
                                           const char      *value);
void       at_filter_popover_clear        (AtFilterPopover *self);

G_END_DECLS
