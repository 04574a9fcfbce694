/* test-sync-server.c — the central schema on a real PostgreSQL 15: migrate
 * (twice), upgrades from older versions, a database moved to another
 * cluster, the server's identity. (Who may log in and what each login
 * sees: test-sync-tenancy.c.) */
#include "config.h"

#include "at-test-pg.h"
#include "at-test-util.h"

static AtTestPg *pg;

static void
test_migrate (void)
{
  g_autoptr(GError) error = NULL;
  int from = -1, to = -1;

  g_assert_true (at_sync_server_migrate (pg->admin, &from, &to, &error));
  g_assert_no_error (error);
  g_assert_cmpint (from, ==, 0);
  g_assert_cmpint (to, ==, AT_SYNC_SERVER_SCHEMA_VERSION);
  /* again: nothing to do */
  g_assert_true (at_sync_server_migrate (pg->admin, &from, &to, &error));
  g_assert_cmpint (from, ==, AT_SYNC_SERVER_SCHEMA_VERSION);
  g_assert_cmpint (to, ==, AT_SYNC_SERVER_SCHEMA_VERSION);
  {
    g_autofree char *n = at_test_pg_psql (pg, "SELECT count(*) FROM atelier_schema");
    g_autofree char *want = g_strdup_printf ("%d", AT_SYNC_SERVER_SCHEMA_VERSION);
    g_assert_cmpstr (n, ==, want);
  }
}

/* A database @name of its own at schema @version holding @rows (SQL run
 * as the owner): a server to upgrade. Its conninfo goes to @url. */
static PGconn *
older_server (const char *name, int version, const char *rows, char **url)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *create = g_strdup_printf ("CREATE DATABASE %s", name);
  g_autofree char *created = at_test_pg_psql (pg, create);
  g_autoptr(PGresult) r = NULL;
  PGconn *conn;
  int to = -1;

  *url = g_strdup_printf ("%s dbname=%s", pg->admin, name);
  g_assert_true (at_sync_server_migrate_to (*url, version, NULL, &to, &error));
  g_assert_no_error (error);
  g_assert_cmpint (to, ==, version);
  conn = at_pg_connect (*url, &error);
  g_assert_no_error (error);
  r = PQexec (conn, rows);
  g_assert_cmpint (PQresultStatus (r), ==, PGRES_COMMAND_OK);
  return conn;
}

/* A database moved with pg_dump into a new cluster keeps its cells' xids,
 * which are ahead of the new cluster's: migrate puts them in the feed after
 * everything read there so far, below the fence, and leaves the others
 * alone. */
static void
test_moved_cluster (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autoptr(PGconn) conn = older_server ("moved", AT_SYNC_SERVER_SCHEMA_VERSION,
    "INSERT INTO atelier_studios (id, name) VALUES ('s1', 'Berg Studio');"
    "INSERT INTO sync_cell (studio_id, tbl, pk, col, val, hlc, node, xid) VALUES "
    "('s1', 'projects', 'p1', '*', '{\"name\": \"Berg wedding\"}', 10, 1, '900000000'),"
    "('s1', 'projects', 'p1', 'status', '\"booked\"', 11, 1, DEFAULT)", &url);
  g_autoptr(PGresult) r = NULL;

  g_assert_true (at_sync_server_migrate (url, NULL, NULL, &error));
  g_assert_no_error (error);
  /* after the cell that was there: a workstation that read it reads them */
  r = PQexec (conn, "SELECT (SELECT xid FROM sync_cell WHERE col = '*') > (SELECT xid FROM sync_cell WHERE col = 'status'), "
                    "bool_and (xid < pg_snapshot_xmin (pg_current_snapshot ())) FROM sync_cell");
  g_assert_cmpstr (PQgetvalue (r, 0, 0), ==, "t");
  g_assert_cmpstr (PQgetvalue (r, 0, 1), ==, "t");
}

/* Which server this is: three parts, each known to a login without any
 * grant here; an unknown part ("?") matches anything, a known one must agree. */
static void
test_identity (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *created = at_test_pg_psql (pg, "CREATE ROLE plain_login LOGIN PASSWORD 'pw-plain'");
  g_autofree char *url = at_test_pg_conninfo (pg, "plain_login", "pw-plain");
  g_autoptr(PGconn) conn = at_pg_connect (url, &error);
  g_autofree char *id = NULL;
  g_auto(GStrv) parts = NULL;

  g_assert_no_error (error);
  id = at_pg_identity (conn, &error);
  g_assert_no_error (error);
  parts = g_strsplit (id, "/", -1);
  g_assert_cmpuint (g_strv_length (parts), ==, 3);
  for (guint i = 0; i < 3; i++)
    g_assert_true (*parts[i] != '\0' && strchr (parts[i], '?') == NULL);
  g_assert_cmpint (strlen (parts[1]), ==, 8);   /* the timeline, as in WAL file names */
  g_assert_false (at_pg_identity_differs (id, id));
  g_assert_false (at_pg_identity_differs ("71/00000001/16384", "?/?/16384"));
  g_assert_false (at_pg_identity_differs ("?/?/16384", "71/00000002/16384"));
  g_assert_true (at_pg_identity_differs ("71/00000001/16384", "71/00000002/16384"));
  g_assert_true (at_pg_identity_differs ("71/00000001/16384", "72/00000001/16384"));
  g_assert_true (at_pg_identity_differs ("?/?/16384", "?/?/16385"));
}

/* A server at version 3, with a studio's rows: version 4 makes its keys
 * compare byte by byte, and keeps the rows, the report views (made again,
 * still as the caller) and the policy. */
static void
test_upgrade_key_collation (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autoptr(PGconn) conn = older_server ("upgrade", 3, "INSERT INTO atelier_studios (id, name) VALUES ('s1', 'Berg Studio');"
    "INSERT INTO sync_cell (studio_id, tbl, pk, col, val, hlc, node) VALUES "
    "('s1', 'projects', 'p1', '*', '{\"name\": \"Berg wedding\", \"status\": \"booked\"}', 10, 1),"
    "('s1', 'projects', 'p1', 'status', '\"delivered\"', 11, 1)", &url);
  g_autoptr(PGresult) r = NULL;
  int from = -1, to = -1;
  const char *key_collations =
    "SELECT string_agg (a.attname || '=' || c.collname, ',' ORDER BY a.attnum) FROM pg_attribute a "
    "JOIN pg_collation c ON c.oid = a.attcollation "
    "WHERE a.attrelid = 'sync_cell'::regclass AND a.attname IN ('studio_id', 'tbl', 'pk', 'col', 'bucket')";

  r = PQexec (conn, key_collations);
  g_assert_cmpstr (PQgetvalue (r, 0, 0), ==, "studio_id=default,tbl=default,pk=default,col=default,bucket=default");
  g_clear_pointer (&r, PQclear);

  g_assert_true (at_sync_server_migrate (url, &from, &to, &error));
  g_assert_no_error (error);
  g_assert_cmpint (from, ==, 3);
  g_assert_cmpint (to, ==, AT_SYNC_SERVER_SCHEMA_VERSION);
  r = PQexec (conn, key_collations);
  g_assert_cmpstr (PQgetvalue (r, 0, 0), ==, "studio_id=C,tbl=C,pk=C,col=C,bucket=C");
  g_clear_pointer (&r, PQclear);
  /* the rows, the views over them, the policy and the grants are all there */
  r = PQexec (conn, "SELECT name, status FROM atelier_projects");
  g_assert_cmpint (PQntuples (r), ==, 1);
  g_assert_cmpstr (PQgetvalue (r, 0, 0), ==, "Berg wedding");
  g_assert_cmpstr (PQgetvalue (r, 0, 1), ==, "delivered");
  g_clear_pointer (&r, PQclear);
  r = PQexec (conn, "SELECT (SELECT count(*) FROM pg_policies WHERE tablename = 'sync_cell'), "
                    "(SELECT reloptions::text FROM pg_class WHERE relname = 'atelier_rows'), "
                    "has_table_privilege ('atelier_workstation', 'atelier_photos', 'SELECT')");
  g_assert_cmpstr (PQgetvalue (r, 0, 0), ==, "1");
  g_assert_cmpstr (PQgetvalue (r, 0, 1), ==, "{security_invoker=true}");
  g_assert_cmpstr (PQgetvalue (r, 0, 2), ==, "t");
}

/* A server at version 4 holding an embedding inside a whole row's cell (as
 * an Atelier before version 5 sent it): version 5 moves it to a field of
 * its own, where a purge reaches it, and leaves a newer purge as it is. */
static void
test_upgrade_embeddings_apart (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autoptr(PGconn) conn = older_server ("embeddings", 4, "INSERT INTO atelier_studios (id, name) VALUES ('s1', 'Berg Studio');"
    "INSERT INTO sync_cell (studio_id, tbl, pk, col, val, hlc, node) VALUES "
    "('s1', 'reference_faces', 'kept', '*', '{\"person_id\": \"p1\", \"embedding\": \"00ff\"}', 10, 1),"
    "('s1', 'reference_faces', 'purged', '*', '{\"person_id\": \"p1\", \"embedding\": \"0aff\"}', 10, 1),"
    "('s1', 'reference_faces', 'purged', 'embedding', 'null', 20, 1),"
    "('s1', 'faces', 'none', '*', '{\"photo_id\": \"x\", \"embedding\": null}', 10, 1)", &url);
  g_autoptr(PGresult) r = NULL;

  g_assert_true (at_sync_server_migrate (url, NULL, NULL, &error));
  g_assert_no_error (error);
  r = PQexec (conn, "SELECT pk || ':' || col || '=' || val::text || '@' || hlc FROM sync_cell ORDER BY pk, col");
  g_assert_cmpint (PQntuples (r), ==, 5);
  g_assert_cmpstr (PQgetvalue (r, 0, 0), ==, "kept:*={\"embedding\": null, \"person_id\": \"p1\"}@10");
  g_assert_cmpstr (PQgetvalue (r, 1, 0), ==, "kept:embedding=\"00ff\"@11");
  g_assert_cmpstr (PQgetvalue (r, 2, 0), ==, "none:*={\"photo_id\": \"x\", \"embedding\": null}@10");
  g_assert_cmpstr (PQgetvalue (r, 3, 0), ==, "purged:*={\"embedding\": null, \"person_id\": \"p1\"}@10");
  g_assert_cmpstr (PQgetvalue (r, 4, 0), ==, "purged:embedding=null@20");
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  pg = at_test_pg_start ();
  g_test_add_func ("/sync/server/migrate", test_migrate);
  g_test_add_func ("/sync/server/upgrade-key-collation", test_upgrade_key_collation);
  g_test_add_func ("/sync/server/upgrade-embeddings-apart", test_upgrade_embeddings_apart);
  g_test_add_func ("/sync/server/moved-cluster", test_moved_cluster);
  g_test_add_func ("/sync/server/identity", test_identity);
  status = g_test_run ();
  at_test_pg_stop (pg);
  return status;
}
