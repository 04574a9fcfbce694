/* at-sync-capture.h — the SQLite triggers that record every change to a
 * synced table in sync_outbox and sync_clock. */
#pragma once

#include "at-sql.h"

G_BEGIN_DECLS

/* Whether @table's rows travel to the server (local journals and caches do not). */
gboolean at_sync_table_is_synced (const char *table);
/* Whether @column travels (embeddings wait for consent-aware sync). */
gboolean at_sync_column_is_synced (const char *table,
                                   const char *column,
                                   const char *declared_type);
/* SQL for the bucket of a row of @table called @ref ("NEW", a table name):
 * its project's id, or '' for the studio's own data. Newly allocated. */
char    *at_sync_bucket_expr      (AtSqlConn  *conn,
                                   const char *table,
                                   const char *ref);
/* (Re)makes the capture triggers of every synced table; the first time,
 * queues every existing row for the first push. Nothing before schema v5. */
gboolean at_sync_capture_install (AtSqlConn  *conn,
                                  GError    **error);

G_END_DECLS
