/* at-sync-consent.h — which columns travel only with consent (face
 * embeddings), and how they are written into a change and read back. */
#pragma once

#include "at-sql.h"

G_BEGIN_DECLS

gboolean at_sync_column_is_gated (const char *table,
                                  const char *column);
/* SQL that is true while the row @ref's @column may leave this workstation;
 * NULL for a column that always travels. Newly allocated. */
char    *at_sync_column_gate     (const char *table,
                                  const char *column,
                                  const char *ref);
/* SQL for @column's value of row @ref as a change carries it (an embedding
 * as hex, or NULL while its gate is shut). */
char    *at_sync_value_expr      (const char *table,
                                  const char *column,
                                  const char *ref);
/* The same, whatever the gate: a value kept on this workstation (in the
 * inbox), not sent. */
char    *at_sync_kept_value_expr (const char *table,
                                  const char *column,
                                  const char *ref);
/* SQL turning @expr, a value as carried, back into the column's. */
char    *at_sync_decode_expr     (const char *table,
                                  const char *column,
                                  const char *expr);
/* SQL (statements for a trigger body) that queues, with a clock of its own,
 * the embedding of every row of @table picked by @where (SQL over alias r)
 * whose gate is open. An embedding never rides in a whole row's cell: as a
 * field of its own, a purge overwrites it on the server. */
char    *at_sync_consent_emit    (AtSqlConn  *conn,
                                  const char *table,
                                  const char *where);
/* The triggers that queue embeddings when a gate opens. */
gboolean at_sync_consent_install (AtSqlConn  *conn,
                                  GError    **error);
/* at_unhex() and the table at_sync_page (at-sync-page.h), which pulls
 * need; on every catalog connection. */
gboolean at_sync_register_functions (sqlite3 *db);

G_END_DECLS
