/* at-sync-server.c — the server side of sync, as SQL resources run through
 * libpq: sync/server/NNNN-*.sql, each version applied once and recorded in
 * atelier_schema under an advisory lock (two admins migrating at once wait
 * for each other).
 */
#define G_LOG_DOMAIN "atelier-sync"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "at-core-resources.h"
#include "at-sync-server.h"
#include "at-uuid.h"

/* Each version's script, then, if it dropped something an earlier version
 * made (a column's type cannot change under a view), that version's script
 * once more, so that the definition stays in one place. (The typed views
 * are 0002's, with their casts made safe by 0008's, over 0010's atelier_rows.) */
static const struct
{
  const char *name;
  const char *again;
} migrations[] = {
  { "0001-sync.sql", NULL },
  { "0002-report-views.sql", NULL },
  { "0003-buckets.sql", NULL },
  { "0004-key-collation.sql", "0002-report-views.sql" },
  { "0005-embeddings-apart.sql", NULL },
  { "0006-batch-token.sql", NULL },
  { "0007-cell-rules.sql", NULL },
  { "0008-report-casts.sql", NULL },
  { "0009-report-rows-once.sql", NULL },
  { "0010-report-lacked-columns.sql", NULL },
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == AT_SYNC_SERVER_SCHEMA_VERSION);

int
at_sync_server_schema_version (PGconn  *conn,
                               GError **error)
{
  g_autoptr(PGresult) exists = at_pg_query (conn, "SELECT to_regclass('public.atelier_schema') IS NOT NULL", 0, NULL, error);
  g_autoptr(PGresult) version = NULL;

  if (exists == NULL)
    return -1;
  if (g_str_equal (PQgetvalue (exists, 0, 0), "f"))
    return 0;
  if ((version = at_pg_query (conn, "SELECT coalesce(max(version), 0) FROM atelier_schema", 0, NULL, error)) == NULL)
    return -1;
  return atoi (PQgetvalue (version, 0, 0));
}

static gboolean
run_script (PGconn      *conn,
            const char  *name,
            GError     **error)
{
  g_autofree char *path = g_strdup_printf ("/studio/atelier/core/server/%s", name);
  g_autoptr(GBytes) sql = g_resource_lookup_data (at_core_get_resource (), path, G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  g_autofree char *script = NULL;

  if (sql == NULL)
    return FALSE;
  script = g_strndup (g_bytes_get_data (sql, NULL), g_bytes_get_size (sql));
  return at_pg_exec (conn, script, error);
}

static gboolean
apply (PGconn      *conn,
       int          version,
       GError     **error)
{
  const char *name = migrations[version - 1].name;
  const char *again = migrations[version - 1].again;
  g_autofree char *v = g_strdup_printf ("%d", version);
  const char *params[] = { v, name };
  g_autoptr(PGresult) recorded = NULL;

  if (!run_script (conn, name, error) || (again != NULL && !run_script (conn, again, error)) ||
      (recorded = at_pg_query (conn, "INSERT INTO atelier_schema (version, name) VALUES ($1, $2)", 2, params, error)) == NULL)
    {
      g_prefix_error (error, _("Server migration %s failed: "), name);
      return FALSE;
    }
  return TRUE;
}

gboolean
at_sync_server_migrate (const char  *url,
                        int         *from_version,
                        int         *to_version,
                        GError     **error)
{
  return at_sync_server_migrate_to (url, AT_SYNC_SERVER_SCHEMA_VERSION, from_version, to_version, error);
}

gboolean
at_sync_server_migrate_to (const char  *url,
                           int          target,
                           int         *from_version,
                           int         *to_version,
                           GError     **error)
{
  g_autoptr(PGconn) conn = NULL;
  int current;

  g_return_val_if_fail (target > 0 && target <= AT_SYNC_SERVER_SCHEMA_VERSION, FALSE);
  if ((conn = at_pg_connect (url, error)) == NULL)
    return FALSE;
  for (;;)
    {
      if (!at_pg_exec (conn, "SET client_min_messages = warning; BEGIN; SELECT pg_advisory_xact_lock(hashtext('atelier schema'));"
                             "CREATE TABLE IF NOT EXISTS atelier_schema (version int PRIMARY KEY, name text NOT NULL, "
                             "applied_at timestamptz NOT NULL DEFAULT now());", error) ||
          (current = at_sync_server_schema_version (conn, error)) < 0)
        return FALSE;
      if (from_version != NULL && current >= 0)
        {
          *from_version = current;
          from_version = NULL;
        }
      if (current > AT_SYNC_SERVER_SCHEMA_VERSION)
        {
          at_pg_exec (conn, "ROLLBACK", NULL);
          g_set_error (error, AT_SYNC_ERROR, AT_SYNC_ERROR_SCHEMA,
                       _("The server’s schema (version %d) is newer than this Atelier knows (%d)"), current,
                       AT_SYNC_SERVER_SCHEMA_VERSION);
          return FALSE;
        }
      if (current >= target)
        break;
      if (!apply (conn, current + 1, error) || !at_pg_exec (conn, "COMMIT", error))
        {
          at_pg_exec (conn, "ROLLBACK", NULL);
          return FALSE;
        }
    }
  if (to_version != NULL)
    *to_version = current;
  /* Cells from another cluster's future (the database moved with pg_dump):
   * the feed would hold them back behind its fence, and order new cells
   * before them. They become this transaction's, after all that anyone has
   * read here, in their order; workstations whose place is past them read
   * the feed again (at-sync-pull.c). */
  return at_pg_exec (conn, "UPDATE sync_cell SET xid = pg_current_xact_id () "
                           "WHERE xid >= pg_snapshot_xmax (pg_current_snapshot ())", error) &&
         at_pg_exec (conn, "COMMIT", error);
}

static gboolean
require_schema (PGconn  *conn,
                GError **error)
{
  int version = at_sync_server_schema_version (conn, error);

  if (version < 0)
    return FALSE;
  if (version < AT_SYNC_SERVER_SCHEMA_MIN)
    {
      g_set_error (error, AT_SYNC_ERROR, AT_SYNC_ERROR_SCHEMA,
                   _("The server has no Atelier schema yet: run “atelier-cli server migrate” first"));
      return FALSE;
    }
  return TRUE;
}

char *
at_sync_server_add_studio (const char  *url,
                           const char  *name,
                           GError     **error)
{
  g_autoptr(PGconn) conn = at_pg_connect (url, error);
  g_autoptr(PGresult) result = NULL;
  char id[AT_UUID_STRING_LEN + 1];
  const char *params[2] = { id, name };

  if (conn == NULL || !require_schema (conn, error))
    return NULL;
  at_uuid_v7_generate (id);
  if ((result = at_pg_query (conn, "INSERT INTO atelier_studios (id, name) VALUES ($1, $2)", 2, params, error)) == NULL)
    return NULL;
  return g_strdup (id);
}

gboolean
at_sync_server_add_workstation (const char  *url,
                                const char  *studio,
                                const char  *role,
                                const char  *password,
                                GError     **error)
{
  g_autoptr(PGconn) conn = at_pg_connect (url, error);
  g_autoptr(PGresult) found = NULL;
  g_autoptr(PGresult) added = NULL;
  g_autofree char *studio_id = NULL;
  g_autofree char *ddl = NULL;
  char *ident, *literal;
  const char *params[2] = { studio, role };

  if (conn == NULL || !require_schema (conn, error) || !at_pg_exec (conn, "BEGIN", error))
    return FALSE;
  if ((found = at_pg_query (conn, "SELECT id FROM atelier_studios WHERE id = $1 OR name = $1 ORDER BY id = $1 DESC LIMIT 1",
                            1, params, error)) == NULL)
    return FALSE;
  if (PQntuples (found) == 0)
    {
      g_set_error (error, AT_SYNC_ERROR, AT_SYNC_ERROR_SERVER, _("There is no studio “%s” on the server"), studio);
      return FALSE;
    }
  studio_id = g_strdup (PQgetvalue (found, 0, 0));
  /* a role name and a password cannot be bound parameters in DDL: quoted by libpq */
  ident = PQescapeIdentifier (conn, role, strlen (role));
  literal = PQescapeLiteral (conn, password, strlen (password));
  ddl = g_strdup_printf ("CREATE ROLE %s LOGIN PASSWORD %s IN ROLE atelier_workstation", ident, literal);
  PQfreemem (ident);
  PQfreemem (literal);
  params[0] = role;
  params[1] = studio_id;
  if (!at_pg_exec (conn, ddl, error) ||
      (added = at_pg_query (conn, "INSERT INTO atelier_workstations (role_name, studio_id) VALUES ($1, $2)", 2, params,
                            error)) == NULL ||
      !at_pg_exec (conn, "COMMIT", error))
    {
      at_pg_exec (conn, "ROLLBACK", NULL);
      return FALSE;
    }
  return TRUE;
}

gboolean
at_sync_server_set_min_client (const char  *url,
                               int          version,
                               GError     **error)
{
  g_autoptr(PGconn) conn = at_pg_connect (url, error);
  g_autoptr(PGresult) result = NULL;
  g_autofree char *v = g_strdup_printf ("%d", version);
  const char *params[] = { v };

  if (conn == NULL || !require_schema (conn, error))
    return FALSE;
  result = at_pg_query (conn, "UPDATE atelier_settings SET min_client_schema = $1", 1, params, error);
  return result != NULL;
}
