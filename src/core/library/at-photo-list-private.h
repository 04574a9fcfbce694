/* at-photo-list-private.h — AtPhotoList's insides, shared by its files. */
#pragma once

#include "at-photo.h"
#include "at-photo-list.h"

G_BEGIN_DECLS

struct _AtPhotoList
{
  GObject     parent_instance;
  AtCatalog  *catalog;
  AtPhotoFilter filter;
  AtPhotoSort sort;
  char       *where;       /* from the filter; its parameters start at ?3 */
  guint       n_items;
  GHashTable *pages;   /* page index -> GPtrArray of AtPhoto */
  GQueue      lru;     /* page indexes, most recent first */
  GHashTable *unwritten; /* photo id -> AtUnwrittenState: decisions the catalog does not have yet */
};

typedef struct
{
  AtCullState state;   /* the newest decision */
  guint       writes;  /* its writes and earlier ones still on their way */
} AtUnwrittenState;

GPtrArray *_at_photo_list_load_page      (AtPhotoList  *self,
                                          guint         page);
AtPhoto   *_at_photo_list_photo_from_row (AtPhotoList  *self,
                                          sqlite3_stmt *stmt);
void       _at_photo_list_refresh_pages  (AtPhotoList  *self);

G_END_DECLS
