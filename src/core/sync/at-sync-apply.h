/* at-sync-apply.h — writing pulled fields into the catalog. */
#pragma once

#include "at-sql.h"

G_BEGIN_DECLS

typedef struct
{
  char   *tbl;
  char   *pk;
  char   *col;     /* a column, '*' (a whole row) or '_deleted' */
  char   *val;     /* JSON */
  gint64  hlc;
  gint64  node;
  char   *bucket;  /* what it belongs to: the feed's bucket it came in, or a
                    * row set aside its project; NULL: not known */
} AtSyncCell;

void        at_sync_cell_free     (AtSyncCell   *cell);
AtSyncCell *at_sync_cell_from_row (sqlite3_stmt *stmt);

/* Inside the writer's transaction: applies every cell that is newer than
 * what the catalog has, with capture off (the caller moves the pull
 * cursors in the same transaction). A value that clashes with a row here
 * on a unique key is kept in sync_conflicts instead, and counted. */
gboolean at_sync_apply_page  (AtSqlConn   *conn,
                              GPtrArray   *cells,
                              guint       *applied,
                              guint       *conflicts,
                              GError     **error);
/* Inside the writer's transaction, before a pull: if a table or column a
 * pull met unknown is here now (an upgrade), the feed is read again from
 * the start (what is here already is skipped by its clocks), and the values
 * of it kept from whole rows go in (at-sync-apply-unknown.c). */
gboolean at_sync_relearn_unknown (AtSqlConn  *conn,
                                  GError    **error);

G_END_DECLS
