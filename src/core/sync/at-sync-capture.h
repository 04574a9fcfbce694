/* at-sync-capture.h — the SQLite triggers that record every change to a
 * synced table in sync_outbox and sync_clock. */
#pragma once

#include "at-sql.h"

G_BEGIN_DECLS

/* Pieces of the capture triggers' SQL, shared with at-sync-consent.c: the
 * next clock value (stored, then read back), this node, and the upserts
 * that coalesce unsent edits and keep each field's clock. */
#define AT_SYNC_NEXT_HLC \
  "UPDATE sync_state SET last_hlc = max(last_hlc + 1, " \
  "CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) << 16);"
#define AT_SYNC_HLC  "(SELECT last_hlc FROM sync_state)"
#define AT_SYNC_NODE "(SELECT node FROM sync_state)"
/* An edit goes into the batch being filled (catalog schema v8). */
#define AT_SYNC_OUTBOX_INSERT "INSERT INTO sync_outbox (tbl, pk, col, val, hlc, bucket, batch)"
#define AT_SYNC_BATCH "(SELECT next_batch FROM sync_state)"
#define AT_SYNC_OUTBOX_UPSERT \
  " ON CONFLICT (tbl, pk, col, batch) DO UPDATE SET val = excluded.val, hlc = excluded.hlc, " \
  "bucket = excluded.bucket, node = excluded.node;"
#define AT_SYNC_CLOCK_UPSERT \
  " ON CONFLICT (tbl, pk, col) DO UPDATE SET hlc = excluded.hlc, node = excluded.node;"

/* Whether @table's rows travel to the server (local journals and caches do not). */
gboolean at_sync_table_is_synced (const char *table);
/* Whether @column travels (of BLOBs, only embeddings, with consent). */
gboolean at_sync_column_is_synced (const char *table,
                                   const char *column,
                                   const char *declared_type);
/* SQL for the bucket of a row of @table called @ref ("NEW", a table name):
 * its project's id, or '' for the studio's own data. Newly allocated. */
char    *at_sync_bucket_expr      (AtSqlConn  *conn,
                                   const char *table,
                                   const char *ref);
/* The same for a row about to wait in sync_inbox: a parent it lacks that
 * waits there itself gives the bucket it waits under. */
char    *at_sync_waiting_bucket_expr (AtSqlConn  *conn,
                                      const char *table,
                                      const char *ref);
/* The synced tables (those keyed by id that travel), by name. */
GPtrArray *at_sync_synced_tables  (AtSqlConn  *conn,
                                   GError    **error);
/* SQL selecting each clock of @table's rows as a cell of the row as it is
 * now: tbl, pk, col, val, hlc, node, bucket; '*' the whole row, '_deleted'
 * 'true' (a deleted row gives its tombstone only), a column its value. With
 * @to_send, an embedding whose consent is closed is left out. The caller
 * may append conditions on k (sync_clock) and r (the row): "AND ...". */
char      *at_sync_cells_now_sql  (AtSqlConn  *conn,
                                   const char *table,
                                   gboolean    to_send,
                                   GError    **error);
/* (Re)makes the capture triggers of every synced table; the first time,
 * queues every existing row for the first push. Nothing before schema v5. */
gboolean at_sync_capture_install (AtSqlConn  *conn,
                                  GError    **error);

/* Queues every field this catalog holds again, each with the clock it has
 * (for a server that lost what it had been sent); fields already queued
 * stay as they are. */
gboolean at_sync_capture_requeue  (AtSqlConn  *conn,
                                   GError    **error);

G_END_DECLS
