/* at-library-page-private.h — AtLibraryPage's parts shared by its files:
 * at-library-page.c (model, filters, set-up) and at-library-page-actions.c
 * (culling keys), at-library-page-viewer.c (loupe, compare),
 * at-library-page-keywords.c and at-library-page-albums.c. */
#pragma once

#include "at-library-page.h"
#include "at-album-popover.h"
#include "at-compare-view.h"
#include "at-filter-popover.h"
#include "at-loupe.h"
#include "at-photo-cell.h"
#include "at-thumbnail-loader.h"

G_BEGIN_DECLS

struct _AtLibraryPage
{
  AdwBin       parent_instance;
  AtPhotoList *photos;
  AtCulling   *culling;
  AtXmpWriter *xmp_writer;   /* NULL: sidecars are not kept */
  AtThumbnailLoader *loader;
  GtkSelectionModel *selection;
  guint        columns;       /* the grid's max-columns, from the width */
  guint        columns_idle;
  gboolean     auto_advance;
  gboolean     filtered;     /* some filter is set */
  GtkStack    *stack;
  GtkGridView *grid;
  GtkStack    *results_stack;
  GtkSearchEntry *search_entry;
  GtkDropDown *rating_filter;
  GtkDropDown *label_filter;
  GtkDropDown *flag_filter;
  GtkDropDown *sort_order;
  GtkMenuButton *more_filters_button;
  AtFilterPopover *filter_popover;
  AtAlbumPopover *album_popover;
  GtkLabel    *count_label;
  AtLoupe     *loupe;
  AtCompareView *compare_view;
  GtkEntry    *keyword_entry;
  GtkFlowBox  *keyword_chips;
  GtkWidget   *keyword_chips_title;
  GCancellable *chips_cancellable;
  GtkAdjustment *size_adjustment;
  GMenuModel  *photo_menu;
  GtkWidget   *photo_popover;   /* the right-click menu, parented to the page */
  guint        loupe_position;
  char        *library;
};

void       _at_library_page_update_stack     (AtLibraryPage  *self);
void       _at_library_page_install_actions  (GtkWidgetClass *widget_class);
void       _at_library_page_set_loupe_actions (AtLibraryPage *self,
                                               gboolean       open);
void       _at_library_page_open_loupe_at    (AtLibraryPage  *self,
                                              guint           position);
void       _at_library_page_install_viewer_actions (GtkWidgetClass *widget_class);
void       _at_library_page_setup_albums     (AtLibraryPage  *self);
void       _at_library_page_setup_keywords   (GtkWidgetClass *widget_class);
void       _at_library_page_reload_keyword_chips (AtLibraryPage *self);
GPtrArray *_at_library_page_selected_photos  (AtLibraryPage  *self);
void       _at_library_page_toast            (AtLibraryPage  *self,
                                              const char     *text);

G_END_DECLS
