/* at-sync-page.h — a pulled page as a table SQLite reads in place
 * (at_sync_page), for the bulk apply. */
#pragma once

#include <sqlite3.h>

#include "at-sync-apply.h"

G_BEGIN_DECLS

typedef struct _AtSyncPage AtSyncPage;

/* Marks the bulk apply keeps per cell (the column "fast"). */
enum { AT_SYNC_PAGE_SLOW = 0, AT_SYNC_PAGE_NEW_ROW = 1, AT_SYNC_PAGE_NEWER_FIELD = 2 };

/* Registers the table on @db. */
gboolean    at_sync_page_register (sqlite3      *db);

/* @cells (AtSyncCell; borrowed, and their strings, while the page lives)
 * become at_sync_page's rows on this thread until the page is freed:
 *   idx, tbl, pk, col, val, hlc, node: the cell (no '_deleted' cells);
 *   fast: its mark, at_sync_page_mark();
 *   newer_row: for a field, whether the page also holds its whole row, as
 *     new or newer.
 * "tbl = ? AND col = ?" reads only those cells. */
AtSyncPage *at_sync_page_new      (GPtrArray    *cells);
void        at_sync_page_free     (AtSyncPage   *page);
void        at_sync_page_mark     (AtSyncPage   *page,
                                   guint         idx,
                                   guint8        mark);
guint8      at_sync_page_get_mark (AtSyncPage   *page,
                                   guint         idx);
/* Every cell of @tbl.@col back to AT_SYNC_PAGE_SLOW. */
void        at_sync_page_unmark   (AtSyncPage   *page,
                                   const char   *tbl,
                                   const char   *col);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtSyncPage, at_sync_page_free)

G_END_DECLS
