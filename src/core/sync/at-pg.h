/* at-pg.h — libpq, the few ways Atelier uses it, with GErrors that say
 * whether the server was out of reach (offline is normal), refused the
 * login, or refused the SQL. */
#pragma once

#include <gio/gio.h>
#include <libpq-fe.h>

G_BEGIN_DECLS

#define AT_SYNC_ERROR (at_sync_error_quark ())
GQuark at_sync_error_quark (void);

typedef enum {
  AT_SYNC_ERROR_OFFLINE,       /* no answer: not connected, or the link went down */
  AT_SYNC_ERROR_AUTH,          /* the server refused the login */
  AT_SYNC_ERROR_SERVER,        /* the server refused a statement */
  AT_SYNC_ERROR_SCHEMA,        /* the server's schema is missing or too old */
  AT_SYNC_ERROR_CLOCK,         /* this workstation's clock is far ahead */
  AT_SYNC_ERROR_NOT_CONFIGURED,
  AT_SYNC_ERROR_PENDING,       /* changes not sent yet stand in the way */
  AT_SYNC_ERROR_BUSY,          /* another sync of the catalog, or another session on the server, is in the way */
} AtSyncError;

PGconn   *at_pg_connect    (const char  *url,
                            GError     **error);
/* How long a statement waits for a lock another session holds before it
 * gives up with AT_SYNC_ERROR_BUSY; 0: the default, 30 s (tests). */
void      at_pg_set_lock_timeout (guint ms);
/* Runs @sql (no parameters); FALSE with the server's message. */
gboolean  at_pg_exec       (PGconn      *conn,
                            const char  *sql,
                            GError     **error);
/* One statement with text parameters; the result, or NULL with the message. */
PGresult *at_pg_query      (PGconn      *conn,
                            const char  *sql,
                            int          n_params,
                            const char *const *params,
                            GError     **error);
/* Until at_pg_cancel_off(), @cancellable cancelled stops the statement
 * under way on @conn (the server answers it with an error). */
typedef struct _AtPgCanceller AtPgCanceller;
AtPgCanceller *at_pg_cancel_on  (PGconn        *conn,
                                 GCancellable  *cancellable);
void           at_pg_cancel_off (AtPgCanceller *canceller);
gboolean  at_pg_set_error  (PGconn      *conn,
                            PGresult    *result,
                            const char  *what,
                            GError     **error);
/* A URL or conninfo with any password (the login's, its SSL key's) taken out, to show or store. */
char     *at_pg_redact     (const char  *url);
/* Which server this is: "cluster/timeline/database", which changes when
 * the database is put back from a backup (a new database, or a new
 * timeline after point-in-time recovery or a failover) or moved to another
 * cluster. A part this login may not read is "?". NULL with the message if
 * none can be read. */
char     *at_pg_identity   (PGconn      *conn,
                            GError     **error);
/* Whether two identities are of different servers: a part unknown ("?") in
 * either matches anything. */
gboolean  at_pg_identity_differs (const char *a,
                                  const char *b);
/* For people: “laptop on db.studio.lan:5433, database atelier”. */
char     *at_pg_describe   (const char  *url);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGconn, PQfinish)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGresult, PQclear)

G_END_DECLS
