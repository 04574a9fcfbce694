/* at-sync-client-private.h — what push (at-sync-client.c, its copy in
 * at-sync-stage.c), pull (at-sync-pull.c), the sync lock (at-sync-lock.c),
 * the clock (at-sync-clock.c) and the test hooks (at-sync-hooks.c) share. */
#pragma once

#include "at-sync-client.h"

G_BEGIN_DECLS

/* A workstation clock more than five minutes ahead of the server's is refused. */
#define MAX_AHEAD_MS 300000
#define AHEAD_HLC    ((gint64) MAX_AHEAD_MS << 16)

/* An injected fault at @point (tests): the link dies, as a cable pulled. */
gboolean _at_sync_fault        (const char    *point,
                                PGconn        *conn,
                                GError       **error);
gboolean _at_sync_plain_cursor (void);
/* What at_sync_set_clock_offset set (tests): added to this computer's clock. */
gint64   _at_sync_clock_offset (void);
/* One integer from the catalog's reader; -1 on error. */
gint64   _at_sync_local_int    (AtCatalog     *catalog,
                                const char    *sql,
                                GError       **error);
/* Takes this catalog's sync lock (at-sync-lock.c), waiting up to two
 * minutes: the descriptor to close to let go, or -1 with the error. */
int      _at_sync_lock_catalog (AtCatalog     *catalog,
                                GCancellable  *cancellable,
                                GError       **error);
/* Sets every bucket's cursor back to the feed's start (a catalog write). */
gboolean _at_sync_read_again   (AtSqlConn     *conn,
                                gpointer       data,
                                GError       **error);
/* (at-sync-clock.c) Edits stamped far ahead of the server's clock, from
 * when this one was, stamped again now that it is right. */
gboolean _at_sync_restamp_if_ahead (PGconn    *pg,
                                    AtCatalog *catalog,
                                    GError   **error);
/* (at-sync-conflicts.c) A catalog write: the values kept aside for a
 * unique key's clash go through the apply again; @data, a guint: how many
 * came in. */
gboolean _at_sync_retry_conflicts (AtSqlConn *conn,
                                   gpointer   data,
                                   GError   **error);
/* (at-sync-history.c) Records how a sync ended (@problem: why it failed,
 * or NULL) in sync_history, in the catalog write that records the sync. */
gboolean _at_sync_history_record (AtSqlConn          *conn,
                                  const AtSyncReport *report,
                                  const char         *problem,
                                  GError            **error);
/* (at-sync-stage.c) Copies batch @batch of the outbox into the temporary
 * table sync_stage, in @pg's open transaction: @staged, how many fields. */
gboolean _at_sync_stage_batch  (PGconn        *pg,
                                AtCatalog     *catalog,
                                gint64         batch,
                                guint         *staged,
                                GError       **error);
/* Reads the feed of every bucket this catalog follows to its end, skipping
 * what @node (this workstation) wrote. Cursors that only moved past it at
 * the end are left in @moved (NULL if none), for _at_sync_write_moved() in
 * the sync's last write. */
gboolean _at_sync_pull         (PGconn        *pg,
                                AtCatalog     *catalog,
                                gint64         node,
                                AtSyncReport  *report,
                                GPtrArray    **moved,
                                GCancellable  *cancellable,
                                GError       **error);
gboolean _at_sync_write_moved  (AtSqlConn     *conn,
                                GPtrArray     *moved,
                                GError       **error);

G_END_DECLS
