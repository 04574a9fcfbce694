/* at-photo-list.h — the catalog's photos as a GListModel paged from SQLite. */
#pragma once

#include <gio/gio.h>

#include "at-catalog.h"
#include "at-photo.h"
#include "at-photo-filter.h"

G_BEGIN_DECLS

#define AT_PHOTO_LIST_PAGE_SIZE 256

typedef enum {
  AT_PHOTO_SORT_CAPTURE_TIME,
  AT_PHOTO_SORT_NAME,
  AT_PHOTO_SORT_RATING,   /* most stars first */
} AtPhotoSort;

#define AT_TYPE_PHOTO_LIST (at_photo_list_get_type ())
G_DECLARE_FINAL_TYPE (AtPhotoList, at_photo_list, AT, PHOTO_LIST, GObject)

AtPhotoList *at_photo_list_new            (AtCatalog   *catalog);
AtCatalog   *at_photo_list_get_catalog    (AtPhotoList *self);
void         at_photo_list_reload         (AtPhotoList *self);
void         at_photo_list_set_filter     (AtPhotoList         *self,
                                           const AtPhotoFilter *filter);
void         at_photo_list_set_sort       (AtPhotoList *self,
                                           AtPhotoSort  sort);
void         at_photo_list_apply_states   (AtPhotoList       *self,
                                           const char *const *ids,
                                           const AtCullState *states);
void         at_photo_list_states_written (AtPhotoList       *self,
                                           const char *const *ids,
                                           gboolean           written);
guint        at_photo_list_get_n_cached_pages (AtPhotoList *self);

G_END_DECLS
