/* at-sync-apply-private.h — what at-sync-apply.c (cell by cell) and
 * at-sync-apply-bulk.c (whole pages, set-wise) share. */
#pragma once

#include "at-sync-apply.h"
#include "at-sync-capture.h"

G_BEGIN_DECLS

typedef struct
{
  guint applied;
  guint conflicts;
  GPtrArray *later;   /* fields a rule across columns refused, to try again at
                       * the page's end; NULL: kept aside at once */
} Counts;

typedef struct
{
  gint64 hlc, node;
} Clock;

/* Last writer wins: (hlc, node) strictly newer. */
static inline gboolean
_at_sync_newer (gint64 hlc, gint64 node, gint64 than_hlc, gint64 than_node)
{
  return hlc > than_hlc || (hlc == than_hlc && node > than_node);
}

#define NEWER(c, clock) _at_sync_newer ((c)->hlc, (c)->node, (clock).hlc, (clock).node)

/* What a page needs of one table, built once per page: its synced columns
 * and the statements' text (cached prepared statements are found by text). */
typedef struct
{
  GPtrArray *columns;
  char      *insert_bound; /* the same with a parameter per column, values parsed once in C */
  char      *exists;
  char      *remove;
  char      *keep_unknown; /* a row value's keys that are no column here, into sync_unknown_values */
  char      *mark_lacked;  /* a row value's clock, as '~col', for each column here it lacks */
  GHashTable *index;       /* column name -> its parameter number in insert_bound */
  GHashTable *keys;        /* the columns that name a parent (foreign keys) */
  GHashTable *watched;     /* the columns an update trigger of its own watches (a search index) */
  gboolean   watched_all;  /* one fires on any update */
  gboolean   has_updated_at;
} Table;

void     _at_sync_table_free  (gpointer     data);
/* The table's synced local columns and statements, cached per page; NULL if
 * the table is not here (a newer workstation's) or does not sync. */
Table   *_at_sync_table_of    (AtSqlConn  *conn,
                               GHashTable *cache,
                               const char *tbl);
gboolean _at_sync_has_column  (GPtrArray  *columns,
                               const char *col);
/* Whether updating @col of @t needs none of its triggers but capture and
 * touch (off while a page is applied, and updated_at set by the update). */
gboolean _at_sync_update_is_quiet (Table   *t,
                                   const char *col);
/* Applies what it can of @cells set-wise; sets @done[i] for each cell it took. */
gboolean _at_sync_apply_bulk  (AtSqlConn  *conn,
                               GHashTable *cache,
                               GPtrArray  *cells,
                               gboolean   *done,
                               Counts     *n,
                               GError    **error);

/* (at-sync-apply-row.c) A whole-row cell, cell by cell. */
gboolean _at_sync_apply_row   (AtSqlConn  *conn,
                               GHashTable *cache,
                               const AtSyncCell *c,
                               Counts     *n,
                               GError    **error);
/* (at-sync-apply-table.c) 1 if row @pk of @t is here, 0 if not, -1 on error. */
int      _at_sync_row_exists  (AtSqlConn  *conn,
                               Table      *t,
                               const char *pk,
                               GError    **error);
/* (at-sync-apply.c) A field cell, cell by cell. */
gboolean _at_sync_apply_field (AtSqlConn  *conn,
                               GHashTable *cache,
                               const AtSyncCell *c,
                               Counts     *n,
                               GError    **error);
/* (at-sync-apply.c) The clocks of a field, its row ('*') and the row's
 * deletion; zero where there is none. The row's counts only if its value
 * held the column: not for a column its JSON lacked (marked '~col' with the
 * row's clock, at-sync-apply-row.c) nor for an embedding. */
gboolean _at_sync_clocks_of   (AtSqlConn  *conn,
                               const char *tbl,
                               const char *pk,
                               const char *col,
                               Clock      *field,
                               Clock      *row,
                               Clock      *deleted,
                               GError    **error);
/* (at-sync-apply.c) The field clock of every column of one row. */
GHashTable *_at_sync_field_clocks (AtSqlConn  *conn,
                                   const char *tbl,
                                   const char *pk,
                                   GError    **error);
/* (at-sync-apply.c) @c's clock, as the one of its field here. */
gboolean _at_sync_set_clock   (AtSqlConn  *conn,
                               const AtSyncCell *c,
                               GError    **error);
/* (at-sync-apply.c) @c of a table or column this catalog does not have. */
gboolean _at_sync_note_unknown (AtSqlConn  *conn,
                                const AtSyncCell *c,
                                gboolean    table,
                                GError    **error);
/* (at-sync-apply.c) Whether SQLite's extended @code refuses a value for
 * what is here (a key, a rule, a needed column), not for a fault. */
gboolean _at_sync_is_clash    (int         code);
/* (at-sync-apply.c) @c, refused with SQLite's extended @code for a row in
 * the way, kept aside (sync_conflicts); FALSE, @error kept, for any other. */
gboolean _at_sync_park_clash  (AtSqlConn  *conn,
                               const AtSyncCell *c,
                               Counts     *n,
                               int         code,
                               GError    **error);
/* (at-sync-apply.c) The same with the connection's last error. */
gboolean _at_sync_park_if_clash (AtSqlConn  *conn,
                                 const AtSyncCell *c,
                                 Counts     *n,
                                 GError    **error);
/* (at-sync-apply.c) The field edits that waited for row @pk go in. */
gboolean _at_sync_drain_inbox (AtSqlConn  *conn,
                               GHashTable *cache,
                               const char *tbl,
                               const char *pk,
                               Counts     *n,
                               GError    **error);
/* (at-sync-apply-orphans.c) TRUE if every parent cell @c (a row or a field)
 * names is here; FALSE with @error unset if not. */
gboolean _at_sync_parents_here (AtSqlConn  *conn,
                                const AtSyncCell *c,
                                GError    **error);
/* (at-sync-apply-orphans.c) Cell @c waits in sync_inbox (unless a newer
 * one of its field waits there). */
gboolean _at_sync_wait_in_inbox (AtSqlConn  *conn,
                                 const AtSyncCell *c,
                                 GError    **error);
/* (at-sync-apply-orphans.c) Whether field @c, which names a parent, waits
 * for it (it is not here): then @c is in sync_inbox, not applied. */
gboolean _at_sync_field_waits (AtSqlConn  *conn,
                               const AtSyncCell *c,
                               gboolean   *waits,
                               GError    **error);
/* (at-sync-apply-orphans.c) The rows waiting for a parent that has come go
 * in; and, if the page brought rows (@rows_came: a parent comes as one),
 * the edits of rows here that waited for one. */
gboolean _at_sync_retry_orphans (AtSqlConn  *conn,
                                 GHashTable *cache,
                                 gboolean    rows_came,
                                 Counts     *n,
                                 GError    **error);
/* (at-sync-apply-orphans.c) Field @col of row @pk of @tbl, a reference to
 * a row that goes (ON DELETE SET NULL: the row stays), waits for that row
 * in sync_inbox with its value and clock, which goes from sync_clock. */
gboolean _at_sync_let_go      (AtSqlConn  *conn,
                               const char *tbl,
                               const char *pk,
                               const char *col,
                               GError    **error);
/* The page's new rows whose parent is not here wait, as they are now,
 * with the rows that name them. */
gboolean _at_sync_set_aside_orphans (AtSqlConn  *conn,
                                     GHashTable *cache,
                                     GError    **error);

G_END_DECLS
