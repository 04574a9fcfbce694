/* test-sync-identity.c — a catalog's identity on the server (its client id,
 * node and batch numbers) when the catalog file is not where it was: put
 * back from an old backup, or copied to a second computer that then syncs
 * beside the first. Neither may lose an edit by taking the other's batch
 * for its own. */
#include "config.h"

#include <glib/gstdio.h>

#include "at-test-pg.h"
#include "at-test-sync.h"
#include "at-test-util.h"

static AtTestSyncServer *server;
static const char *url_a1, *url_a2;

typedef AtTestSyncPair Fixture;

/* A copy as a backup tool or a user's file manager would make it: beside
 * the open catalog, whole (VACUUM INTO writes the WAL's pages too). */
static void
copy_catalog (AtCatalog *catalog, const char *to)
{
  g_autofree char *sql = g_strdup_printf ("VACUUM INTO '%s'", to);
  sqlite3 *db;

  g_assert_cmpint (sqlite3_open (at_catalog_get_path (catalog), &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

/* The laptop's catalog is put back from a backup taken before two syncs:
 * its batch numbers are behind the server's. It gets a new identity, and
 * its next edit still arrives. */
static void
test_restored_backup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_strdup (at_catalog_get_path (f->a));
  g_autofree char *backup = g_build_filename (f->dir, "backup.atelier", NULL);
  g_autofree char *p = at_test_photo_id (f->a, 4);
  AtSyncReport r;

  at_test_sync_ok (f->a, url_a1);
  copy_catalog (f->a, backup);
  at_test_set_rating (f->a, p, 3);
  at_test_sync_ok (f->a, url_a1);
  at_test_set_rating (f->a, p, 4);
  at_test_sync_ok (f->a, url_a1);
  g_clear_object (&f->a);
  g_assert_cmpint (g_unlink (path), ==, 0);
  {
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (path, "-shm", NULL);
    g_unlink (wal);
    g_unlink (shm);
  }
  g_assert_cmpint (g_rename (backup, path), ==, 0);
  f->a = at_catalog_open (path, AT_CATALOG_OPEN_DEFAULT, &error);
  g_assert_no_error (error);

  at_test_set_rating (f->a, p, 1);
  r = at_test_sync_ok (f->a, url_a1);
  g_assert_true (r.reregistered);
  g_assert_cmpint (at_test_photo_rating (f->a, p), ==, 1);
  at_test_sync_ok (f->b, url_a2);
  g_assert_cmpint (at_test_photo_rating (f->b, p), ==, 1);
  g_assert_cmpint (at_test_sync_server_int (server, "SELECT count(*) FROM sync_client"), ==, 3);
}

/* The laptop's catalog is copied to a second computer after a sync. The
 * copy closes a batch of its own edit, and the link breaks before it is
 * merged; then the laptop pushes its own batch under the same client id
 * and number. When the copy syncs again, the number it finds recorded is
 * not its batch: it takes a new identity and sends its edit, rather than
 * take the laptop's batch for its own merged one and drop its edit. */
static void
test_copied_catalog (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (f->dir, "second.atelier", NULL);
  g_autofree char *p = at_test_photo_id (f->a, 1);
  g_autofree char *q = at_test_photo_id (f->a, 2);
  g_autoptr(AtCatalog) second = NULL;
  AtSyncReport r;

  at_test_sync_ok (f->a, url_a1);
  copy_catalog (f->a, path);
  second = at_catalog_open (path, AT_CATALOG_OPEN_DEFAULT, &error);
  g_assert_no_error (error);

  at_test_set_rating (second, p, 5);
  at_sync_set_fault_func (at_test_sync_fail_at, (gpointer) "copy");
  g_assert_false (at_sync_once (second, url_a1, &r, NULL, &error));
  g_assert_error (error, AT_SYNC_ERROR, AT_SYNC_ERROR_OFFLINE);
  g_clear_error (&error);
  at_sync_set_fault_func (NULL, NULL);

  at_test_set_rating (f->a, q, 4);
  at_test_sync_ok (f->a, url_a1);

  r = at_test_sync_ok (second, url_a1);
  g_assert_true (r.reregistered);
  g_assert_false (r.recovered);
  g_assert_cmpint (at_test_sql_int (second, "SELECT count(*) FROM sync_outbox"), ==, 0);
  at_test_sync_ok (f->a, url_a1);
  at_test_sync_ok (f->b, url_a2);
  for (guint i = 0; i < 3; i++)
    {
      AtCatalog *c = i == 0 ? f->a : i == 1 ? f->b : second;
      g_assert_cmpint (at_test_photo_rating (c, p), ==, 5);
      g_assert_cmpint (at_test_photo_rating (c, q), ==, 4);
    }
  g_assert_cmpint (at_test_sync_server_int (server, "SELECT count(*) FROM sync_client"), ==, 3);
}

/* A server not yet migrated to schema 6 knows batches by number only: a
 * workstation of this Atelier still syncs with it, an answer lost included,
 * and uses tokens once the server is migrated. */
static void
test_server_before_tokens (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *created = at_test_pg_psql (server->pg, "CREATE DATABASE before_tokens");
  g_autofree char *admin = g_strdup_printf ("%s dbname=before_tokens", server->pg->admin);
  g_autofree char *login = at_test_pg_conninfo (server->pg, "laptop5", "pw-laptop5");
  g_autofree char *url = g_strdup_printf ("%s dbname=before_tokens", login);
  g_autofree char *p = at_test_photo_id (f->a, 2);
  g_autoptr(PGconn) conn = NULL;
  g_autoptr(PGresult) tokens = NULL;
  AtSyncReport r;
  int to = -1;

  g_assert_true (at_sync_server_migrate_to (admin, 5, NULL, &to, &error));
  g_free (at_sync_server_add_studio (admin, "Studio A", &error));
  g_assert_true (at_sync_server_add_workstation (admin, "Studio A", "laptop5", "pw-laptop5", &error));
  g_assert_no_error (error);

  at_test_sync_ok (f->a, url);
  at_test_set_rating (f->a, p, 2);
  at_sync_set_fault_func (at_test_sync_fail_at, (gpointer) "after-commit");
  g_assert_false (at_sync_once (f->a, url, &r, NULL, &error));
  g_clear_error (&error);
  at_sync_set_fault_func (NULL, NULL);
  r = at_test_sync_ok (f->a, url);
  g_assert_true (r.recovered);
  g_assert_false (r.reregistered);

  g_assert_true (at_sync_server_migrate (admin, NULL, &to, &error));
  g_assert_cmpint (to, ==, AT_SYNC_SERVER_SCHEMA_VERSION);
  at_test_set_rating (f->a, p, 3);
  r = at_test_sync_ok (f->a, url);
  g_assert_cmpuint (r.pushed, ==, 1);
  conn = at_pg_connect (admin, &error);
  g_assert_no_error (error);
  tokens = PQexec (conn, "SELECT count(*) FROM sync_client WHERE length(last_token) = 36");
  g_assert_cmpstr (PQgetvalue (tokens, 0, 0), ==, "1");
}

/* A studio's own database @name on the test cluster, with a laptop and a
 * desk of its own; their conninfos. */
static void
studio_database (const char *name, char **laptop, char **desk)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *create = g_strdup_printf ("CREATE DATABASE %s", name);
  g_autofree char *admin = g_strdup_printf ("%s dbname=%s", server->pg->admin, name);
  g_autofree char *laptop_role = g_strdup_printf ("laptop_%s", name);
  g_autofree char *desk_role = g_strdup_printf ("desk_%s", name);
  g_autofree char *login_a = at_test_pg_conninfo (server->pg, laptop_role, "pw-laptop");
  g_autofree char *login_b = at_test_pg_conninfo (server->pg, desk_role, "pw-desk");

  g_free (at_test_pg_psql (server->pg, create));
  g_assert_true (at_sync_server_migrate (admin, NULL, NULL, &error));
  g_free (at_sync_server_add_studio (admin, "Studio A", &error));
  g_assert_true (at_sync_server_add_workstation (admin, "Studio A", laptop_role, "pw-laptop", &error));
  g_assert_true (at_sync_server_add_workstation (admin, "Studio A", desk_role, "pw-desk", &error));
  g_assert_no_error (error);
  *laptop = g_strdup_printf ("%s dbname=%s", login_a, name);
  *desk = g_strdup_printf ("%s dbname=%s", login_b, name);
}

/* A backup of database @name as it is now, and later the database put back
 * from it (a copy of the files: the database is another to the server). */
static void
back_up (const char *name)
{
  g_autofree char *sql = g_strdup_printf ("CREATE DATABASE %s_backup TEMPLATE %s", name, name);
  g_free (at_test_pg_psql (server->pg, sql));
}

static void
put_back (const char *name)
{
  g_autofree char *drop = g_strdup_printf ("DROP DATABASE %s", name);
  g_autofree char *rename = g_strdup_printf ("ALTER DATABASE %s_backup RENAME TO %s", name, name);
  g_free (at_test_pg_psql (server->pg, drop));
  g_free (at_test_pg_psql (server->pg, rename));
}

/* The laptop and the desk sync with a studio database of their own; a
 * backup is taken; @edit is made on the laptop and both sync; then the
 * database is put back from the backup, which lacks that edit. */
static void
lose_an_edit (Fixture *f, const char *name, const char *edit, char **url_a, char **url_b)
{
  studio_database (name, url_a, url_b);
  at_test_sync_ok (f->a, *url_a);
  at_test_sync_ok (f->b, *url_b);
  back_up (name);
  at_test_sql_exec (f->a, edit);
  at_test_sync_ok (f->a, *url_a);
  at_test_sync_ok (f->b, *url_b);
  put_back (name);
}

/* A workstation new to the studio: what it gets is what the server has. */
static AtCatalog *
new_workstation (Fixture *f, const char *url)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (f->dir, "new.atelier", NULL);
  AtCatalog *fresh = at_catalog_open (path, AT_CATALOG_OPEN_CREATE, &error);

  g_assert_no_error (error);
  at_test_sync_ok (fresh, url);
  return fresh;
}

/* The studio's server is put back from a backup taken before the laptop's
 * last push: it has lost a batch it had taken. The laptop sends everything
 * it holds again, each field with its own clock, and reads the feed again;
 * a new workstation then gets the lost edit, and an older value held by
 * the desk does not win over it. */
static void
test_server_restored (Fixture *f, gconstpointer data)
{
  g_autofree char *url_a = NULL;
  g_autofree char *url_b = NULL;
  g_autofree char *p = at_test_photo_id (f->a, 1);
  g_autofree char *q = at_test_photo_id (f->a, 2);
  g_autofree char *edit = g_strdup_printf ("UPDATE photos SET rating = CASE id WHEN '%s' THEN 5 ELSE 4 END "
                                           "WHERE id IN ('%s', '%s')", p, p, q);
  g_autoptr(AtCatalog) fresh = NULL;
  AtSyncReport r;

  lose_an_edit (f, "restored", edit, &url_a, &url_b);
  g_assert_cmpint (at_test_photo_rating (f->b, p), ==, 5);

  r = at_test_sync_ok (f->a, url_a);
  g_assert_true (r.resent_all);
  g_assert_true (r.reregistered);
  g_assert_cmpuint (r.pushed, >, 6);
  g_assert_cmpint (at_test_sql_int (f->a, "SELECT count(*) FROM sync_outbox"), ==, 0);
  fresh = new_workstation (f, url_b);
  g_assert_cmpint (at_test_photo_rating (fresh, p), ==, 5);
  g_assert_cmpint (at_test_photo_rating (fresh, q), ==, 4);
  at_test_sync_assert_same (f->a, fresh);
  /* the desk sends what it holds too (the server is another database);
   * nothing of it is older than what came */
  r = at_test_sync_ok (f->b, url_b);
  g_assert_true (r.resent_all);
  g_assert_cmpint (at_test_photo_rating (f->b, p), ==, 5);
  r = at_test_sync_ok (f->b, url_b);
  g_assert_false (r.resent_all);
  g_assert_cmpint (at_test_photo_rating (f->a, q), ==, 4);
}

/* The server is put back, and the laptop whose edits it lost is gone (a
 * laptop stolen at the venue): the desk, which had read those edits and
 * sent nothing since, finds the server is not the one of before and sends
 * everything it holds; nothing is lost. */
static void
test_server_restored_reader (Fixture *f, gconstpointer data)
{
  g_autofree char *url_a = NULL;
  g_autofree char *url_b = NULL;
  g_autofree char *p = at_test_photo_id (f->a, 3);
  g_autofree char *edit = g_strdup_printf ("UPDATE photos SET rating = 2 WHERE id = '%s'", p);
  g_autoptr(AtCatalog) fresh = NULL;
  AtSyncReport r;
  gint64 laptop;

  lose_an_edit (f, "reader", edit, &url_a, &url_b);
  laptop = at_test_sql_int (f->a, "SELECT node FROM sync_state");
  g_clear_object (&f->a);

  r = at_test_sync_ok (f->b, url_b);
  g_assert_true (r.resent_all);
  /* sent again with the laptop's clock, its node too: a copy the server
   * still had of it would not be rewritten (and pulled again) */
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *admin = g_strdup_printf ("%s dbname=reader", server->pg->admin);
    g_autofree char *sql = g_strdup_printf ("SELECT node FROM sync_cell WHERE pk = '%s' AND col = 'rating'", p);
    g_autoptr(PGconn) conn = at_pg_connect (admin, &error);
    g_autoptr(PGresult) node = NULL;

    g_assert_no_error (error);
    node = PQexec (conn, sql);
    g_assert_cmpint (PQntuples (node), ==, 1);
    g_assert_cmpint (g_ascii_strtoll (PQgetvalue (node, 0, 0), NULL, 10), ==, laptop);
  }
  fresh = new_workstation (f, url_a);
  g_assert_cmpint (at_test_photo_rating (fresh, p), ==, 2);
  at_test_sync_assert_same (f->b, fresh);
}

/* The server was moved (pg_dump into a new cluster) or put back: its
 * feed positions are behind the desk's place in it. Shown here by moving
 * the desk's place far ahead: without looking, the desk would skip every
 * change until the server's transactions caught up. */
static void
test_feed_behind (Fixture *f, gconstpointer data)
{
  g_autofree char *p = at_test_photo_id (f->a, 3);
  AtSyncReport r;

  at_test_sync_ok (f->a, url_a1);
  at_test_sync_ok (f->b, url_a2);
  at_test_sql_exec (f->b, "UPDATE sync_buckets SET cursor_xid = '900000000'");
  at_test_set_rating (f->a, p, 1);
  at_test_sync_ok (f->a, url_a1);
  r = at_test_sync_ok (f->b, url_a2);
  g_assert_cmpint (at_test_photo_rating (f->b, p), ==, 1);
  g_assert_true (r.read_again);
  at_test_sync_assert_same (f->a, f->b);
  r = at_test_sync_ok (f->b, url_a2);
  g_assert_false (r.read_again);
}

/* What runs in the middle of the copy's pull: the laptop pushes its edit
 * (cells under the node the copy still shares), then the desk pushes one
 * of its own after it, which moves the copy's place past the laptop's. */
typedef struct
{
  Fixture    *f;
  const char *q;
  gboolean    done;
} MidPull;

static gboolean
push_mid_pull (const char *point, gpointer data)
{
  MidPull *m = data;

  if (m->done || !g_str_equal (point, "pull-apply"))
    return FALSE;
  m->done = TRUE;
  at_test_sync_ok (m->f->a, url_a1);
  at_test_set_rating (m->f->b, m->q, 3);
  at_test_sync_ok (m->f->b, url_a2);
  return FALSE;
}

/* A copy reads the feed while the catalog it was copied from pushes for
 * the first time since: those cells carry the node the copy still has, so
 * its pull leaves them out as its own. Its next sync finds it is a copy
 * and takes a new identity, and reads the feed again under it: else the
 * laptop's edit would never reach it. */
static void
test_copy_reads_during_push (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (f->dir, "second.atelier", NULL);
  g_autofree char *p = at_test_photo_id (f->a, 1);
  g_autofree char *q = at_test_photo_id (f->a, 2);
  g_autoptr(AtCatalog) second = NULL;
  MidPull m = { f, q, FALSE };
  AtSyncReport r;

  at_test_sync_ok (f->a, url_a1);
  at_test_sync_ok (f->a, url_a1);
  copy_catalog (f->a, path);
  second = at_catalog_open (path, AT_CATALOG_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  at_test_sync_ok (f->b, url_a2);
  at_test_set_rating (f->b, q, 2);     /* something for the copy to read */
  at_test_sync_ok (f->b, url_a2);
  at_test_set_rating (f->a, p, 5);

  at_sync_set_fault_func (push_mid_pull, &m);
  at_test_sync_ok (second, url_a1);
  at_sync_set_fault_func (NULL, NULL);
  g_assert_true (m.done);
  g_assert_cmpint (at_test_photo_rating (second, q), ==, 3);

  r = at_test_sync_ok (second, url_a1);
  g_assert_true (r.reregistered);
  g_assert_cmpint (at_test_photo_rating (second, p), ==, 5);
  at_test_sync_ok (f->a, url_a1);
  at_test_sync_assert_same (f->a, second);
}

/* A face's row comes again, newer than the one here (a workstation that
 * sent everything again after the server lost it, under a new node): the
 * embedding made here, never shared without consent, is not in that row
 * and stays. */
static void
test_row_again_keeps_local_embedding (Fixture *f, gconstpointer data)
{
  g_autofree char *again = NULL;

  at_test_sql_exec (f->a, "INSERT INTO faces (id, photo_id, box_x, box_y, box_w, box_h, embedding) "
                          "SELECT 'face-1', id, 0.1, 0.1, 0.2, 0.2, randomblob(512) FROM photos ORDER BY id LIMIT 1");
  at_test_sync_ok (f->a, url_a1);
  again = at_test_pg_psql (server->pg, "UPDATE sync_cell SET hlc = hlc + 1000, node = 99, xid = pg_current_xact_id (), "
                                       "seq = nextval ('sync_seq') WHERE pk = 'face-1' AND col = '*'");
  at_test_sync_ok (f->a, url_a1);
  g_assert_cmpint (at_test_sql_int (f->a, "SELECT length(embedding) FROM faces WHERE id = 'face-1'"), ==, 512);
  g_assert_cmpint (at_test_sql_int (f->a, "SELECT node FROM sync_clock WHERE pk = 'face-1' AND col = '*'"), ==, 99);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  server = at_test_sync_server_start ();
  url_a1 = server->laptop;
  url_a2 = server->desk;

#define ADD(path, fn) g_test_add (path, Fixture, server, at_test_sync_pair_setup, fn, at_test_sync_pair_teardown)
  ADD ("/sync/restored-backup", test_restored_backup);
  ADD ("/sync/copied-catalog", test_copied_catalog);
  ADD ("/sync/copy-reads-during-push", test_copy_reads_during_push);
  ADD ("/sync/server-before-tokens", test_server_before_tokens);
  ADD ("/sync/server-restored", test_server_restored);
  ADD ("/sync/server-restored-reader", test_server_restored_reader);
  ADD ("/sync/feed-behind", test_feed_behind);
  ADD ("/sync/row-again-keeps-local-embedding", test_row_again_keeps_local_embedding);
  status = g_test_run ();
  at_test_sync_server_stop (server);
  return status;
}
