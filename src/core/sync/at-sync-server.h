/* at-sync-server.h — the central schema and its tenants: what
 * `atelier-cli server migrate|add-studio|add-workstation` does, as the
 * database owner. */
#pragma once

#include "at-pg.h"

G_BEGIN_DECLS

/* The version this Atelier's server schema reaches, and the oldest a client accepts. */
#define AT_SYNC_SERVER_SCHEMA_VERSION 10
/* (3: cells carry their bucket, which the pull reads by) */
#define AT_SYNC_SERVER_SCHEMA_MIN     3

/* Applies what is missing, in order, each in its own transaction; safe to
 * run again and from two places at once. */
gboolean at_sync_server_migrate          (const char  *url,
                                          int         *from_version,
                                          int         *to_version,
                                          GError     **error);
/* The same, up to @target only (to test an upgrade from an older schema). */
gboolean at_sync_server_migrate_to       (const char  *url,
                                          int          target,
                                          int         *from_version,
                                          int         *to_version,
                                          GError     **error);
/* The server's schema version; 0 if it has none. */
int      at_sync_server_schema_version   (PGconn      *conn,
                                          GError     **error);
/* Returns the new studio's id. */
char    *at_sync_server_add_studio       (const char  *url,
                                          const char  *name,
                                          GError     **error);
/* Workstations whose catalog schema is below @version are refused until
 * they are upgraded (they keep their unsent changes). */
gboolean at_sync_server_set_min_client   (const char  *url,
                                          int          version,
                                          GError     **error);
/* A login role for one workstation of @studio (id or name). */
gboolean at_sync_server_add_workstation  (const char  *url,
                                          const char  *studio,
                                          const char  *role,
                                          const char  *password,
                                          GError     **error);

G_END_DECLS
