/* at-library-page.h — the Library section: every photo in the catalog. */
#pragma once

#include <adwaita.h>

#include "at-core.h"
#include "at-album-popover.h"
#include "at-compare-view.h"
#include "at-filter-popover.h"
#include "at-loupe.h"

G_BEGIN_DECLS

#define AT_TYPE_LIBRARY_PAGE (at_library_page_get_type ())
G_DECLARE_FINAL_TYPE (AtLibraryPage, at_library_page, AT, LIBRARY_PAGE, AdwBin)

void         at_library_page_set_catalog (AtLibraryPage *self,
                                          AtCatalog     *catalog,
                                          const char    *library);
AtCulling   *at_library_page_get_culling (AtLibraryPage *self);
void         at_library_page_set_xmp_writer (AtLibraryPage *self,
                                             AtXmpWriter   *writer);
AtXmpWriter *at_library_page_get_xmp_writer (AtLibraryPage *self);
void         at_library_page_open_loupe  (AtLibraryPage *self,
                                          guint          position);
AtLoupe     *at_library_page_get_loupe   (AtLibraryPage *self);
gboolean     at_library_page_compare     (AtLibraryPage *self);
AtFilterPopover *at_library_page_get_filter_popover (AtLibraryPage *self);
AtAlbumPopover *at_library_page_get_album_popover (AtLibraryPage *self);
AtCompareView *at_library_page_get_compare_view (AtLibraryPage *self);
GListModel  *at_library_page_get_photos  (AtLibraryPage *self);
GtkGridView *at_library_page_get_grid    (AtLibraryPage *self);

G_END_DECLS
