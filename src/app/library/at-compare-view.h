/* at-compare-view.h — two to four photos side by side, zoomed and panned together. */
#pragma once

#include <gtk/gtk.h>

#include "at-loupe.h"

G_BEGIN_DECLS

#define AT_COMPARE_VIEW_MAX_PANES 4

#define AT_TYPE_COMPARE_VIEW (at_compare_view_get_type ())
G_DECLARE_FINAL_TYPE (AtCompareView, at_compare_view, AT, COMPARE_VIEW, GtkWidget)

GtkWidget *at_compare_view_new              (void);
void       at_compare_view_set_photos       (AtCompareView     *self,
                                             AtPhoto *const    *photos,
                                             guint              n_photos,
                                             AtThumbnailLoader *loader,
                                             const char        *library);
guint      at_compare_view_get_n_panes      (AtCompareView     *self);
AtLoupe   *at_compare_view_get_pane         (AtCompareView     *self,
                                             guint              index);
guint      at_compare_view_get_active       (AtCompareView     *self);
void       at_compare_view_set_active       (AtCompareView     *self,
                                             guint              index);
AtPhoto   *at_compare_view_get_active_photo (AtCompareView     *self);

G_END_DECLS
