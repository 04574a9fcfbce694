/* test-sync-partial.c — what travels where, through a real PostgreSQL 15:
 * partial sync (a workstation follows chosen projects), face embeddings
 * (only with the person's consent, and their purge always), and the schema
 * handshake (a server that needs newer workstations refuses older ones,
 * which keep their changes). Rows and edits naming a parent a workstation
 * does not have: test-sync-parents.c. */
#include "config.h"

#include "at-test-cli.h"
#include "at-test-pg.h"
#include "at-test-sync.h"
#include "at-test-util.h"

static AtTestSyncServer *server;
static AtTestPg *pg;
static const char *url_laptop, *url_desk;

typedef AtTestSyncFollow Fixture;

static void
unfollow (AtCatalog *catalog, const char *project)
{
  g_autoptr(GError) error = NULL;
  guint removed = 0;

  g_assert_true (at_sync_unfollow (catalog, project, &removed, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (removed, >, 0);
}

/* Chosen projects only: the studio's data and the followed projects come,
 * the rest stays on the server; unfollowing takes rows out here only, and
 * following again brings them back whole. */
static void
test_follow_chosen (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) projects = NULL;
  g_autofree char *photo = NULL;
  g_autofree char *sql = NULL;

  /* the other project's album holds a photo of this one */
  {
    g_autofree char *album = at_test_sql_text (f->desk, "SELECT id FROM albums WHERE name = 'Family picks'");
    g_autofree char *shot = at_test_sql_text (f->desk, "SELECT ph.id FROM photos ph JOIN projects p ON p.id = ph.project_id "
                                                       "WHERE p.project_number = 'P-2026-001' ORDER BY ph.id LIMIT 1");
    g_assert_true (at_album_set_photos (f->desk, album, (const char *const []) { shot, NULL }, TRUE, &error));
    g_assert_no_error (error);
    at_test_sync_ok (f->desk, url_desk);
  }
  g_assert_true (at_sync_set_follow_all (f->laptop, FALSE, &error));
  g_assert_no_error (error);
  at_test_sync_ok (f->laptop, url_laptop);
  /* studio data: all of it; projects' data: none */
  g_assert_cmpint (at_test_sync_count (f->laptop, "projects"), ==, at_test_sync_count (f->desk, "projects"));
  g_assert_cmpint (at_test_sync_count (f->laptop, "staff"), ==, at_test_sync_count (f->desk, "staff"));
  g_assert_cmpint (at_test_sync_count (f->laptop, "contracts"), ==, at_test_sync_count (f->desk, "contracts"));
  g_assert_cmpint (at_test_sync_count (f->laptop, "photos"), ==, 0);
  g_assert_cmpint (at_test_sync_count (f->laptop, "albums"), ==, 0);
  g_assert_cmpint (at_test_sync_count (f->laptop, "shooting_schedules"), ==, 0);
  projects = at_sync_list_projects (f->laptop, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (projects->len, ==, 6);
  for (guint i = 0; i < projects->len; i++)
    g_assert_false (((AtSyncProject *) projects->pdata[i])->followed);

  at_test_sync_follow (f->laptop, "P-2026-002");
  at_test_sync_ok (f->laptop, url_laptop);
  g_assert_cmpint (at_test_sql_int (f->laptop, "SELECT count(*) FROM albums WHERE name = 'Family picks'"), ==, 1);
  g_assert_cmpint (at_test_sync_count (f->laptop, "photos"), ==, 0);

  at_test_sync_follow (f->laptop, "P-2026-001");
  at_test_sync_ok (f->laptop, url_laptop);
  g_assert_cmpint (at_test_sync_count (f->laptop, "photos"), ==, 6);
  g_assert_cmpint (at_test_sync_count (f->laptop, "photo_files"), ==, at_test_sync_count (f->desk, "photo_files"));
  g_assert_cmpint (at_test_sync_count (f->laptop, "album_items"), ==, at_test_sync_count (f->desk, "album_items"));
  g_assert_cmpint (at_test_sync_count (f->laptop, "shooting_schedules"), ==, at_test_sync_count (f->desk, "shooting_schedules"));

  /* an edit waiting to be sent holds the project here */
  photo = at_test_sql_text (f->laptop, "SELECT id FROM photos ORDER BY id LIMIT 1");
  sql = g_strdup_printf ("UPDATE photos SET rating = 5 WHERE id = '%s'", photo);
  at_test_sql_exec (f->laptop, sql);
  g_assert_false (at_sync_unfollow (f->laptop, "P-2026-001", NULL, &error));
  g_assert_error (error, AT_SYNC_ERROR, AT_SYNC_ERROR_PENDING);
  g_clear_error (&error);
  g_assert_cmpint (at_test_sync_count (f->laptop, "photos"), ==, 6);
  at_test_sync_ok (f->laptop, url_laptop);

  unfollow (f->laptop, "P-2026-001");
  g_assert_cmpint (at_test_sync_count (f->laptop, "photos"), ==, 0);
  g_assert_cmpint (at_test_sync_count (f->laptop, "photo_files"), ==, 0);
  g_assert_cmpint (at_test_sync_count (f->laptop, "sync_outbox"), ==, 0);
  g_assert_cmpint (at_test_sql_int (f->laptop, "SELECT count(*) FROM sync_clock WHERE tbl = 'photos'"), ==, 0);
  g_assert_cmpint (at_test_sync_count (f->laptop, "albums"), ==, 1);
  g_assert_cmpint (at_test_sync_count (f->laptop, "projects"), ==, 6);
  /* nothing left the server, and the desk still has it all */
  at_test_sync_ok (f->desk, url_desk);
  g_assert_cmpint (at_test_sync_count (f->desk, "photos"), ==, 6);
  g_free (sql);
  sql = g_strdup_printf ("SELECT rating FROM photos WHERE id = '%s'", photo);
  g_assert_cmpint (at_test_sql_int (f->desk, sql), ==, 5);
  {
    g_autofree char *tombstones = at_test_pg_psql (pg, "SELECT count(*) FROM sync_cell WHERE col = '_deleted'");
    g_assert_cmpstr (tombstones, ==, "0");
  }

  /* following again brings the rows back, with the edit */
  at_test_sync_follow (f->laptop, "P-2026-001");
  at_test_sync_ok (f->laptop, url_laptop);
  g_assert_cmpint (at_test_sync_count (f->laptop, "photos"), ==, 6);
  g_assert_cmpint (at_test_sql_int (f->laptop, sql), ==, 5);
  g_assert_cmpint (at_test_sql_int (f->laptop, "SELECT count(*) FROM sync_buckets"), ==, 3);
  /* and the other project's album holds its photos again (their items went
   * with them, a cascade, though they are that project's) */
  g_assert_cmpint (at_test_sync_count (f->laptop, "album_items"), >, 0);
  g_assert_cmpint (at_test_sync_count (f->laptop, "album_items"), ==, at_test_sync_count (f->desk, "album_items"));
}

/* Followed again while a transaction elsewhere holds the feed back: this
 * workstation's own edit, behind the fence, still comes back once the
 * fence moves (it is not skipped as an echo). */
static void
test_follow_again_behind_late_commit (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) slow = NULL;
  g_autofree char *photo = NULL;
  g_autofree char *edit = NULL;
  g_autofree char *read = NULL;

  at_test_sync_ok (f->laptop, url_laptop);
  photo = at_test_sql_text (f->laptop, "SELECT id FROM photos ORDER BY id LIMIT 1");
  edit = g_strdup_printf ("UPDATE photos SET rating = 3 WHERE id = '%s'", photo);
  read = g_strdup_printf ("SELECT rating FROM photos WHERE id = '%s'", photo);
  g_assert_cmpint (at_test_sql_int (f->laptop, read), !=, 3);

  /* a transaction that has its xid and stays open */
  slow = at_pg_connect (pg->admin, &error);
  g_assert_no_error (error);
  g_assert_true (at_pg_exec (slow, "BEGIN; SELECT pg_current_xact_id ()", &error));
  at_test_sql_exec (f->laptop, edit);
  at_test_sync_ok (f->laptop, url_laptop);
  unfollow (f->laptop, "P-2026-001");
  at_test_sync_follow (f->laptop, "P-2026-001");
  at_test_sync_ok (f->laptop, url_laptop);
  /* the photos are back, the edit not yet: it is behind the open transaction */
  g_assert_cmpint (at_test_sync_count (f->laptop, "photos"), ==, 6);
  g_assert_cmpint (at_test_sql_int (f->laptop, read), !=, 3);
  g_assert_true (at_pg_exec (slow, "COMMIT", &error));
  at_test_sync_ok (f->laptop, url_laptop);
  g_assert_cmpint (at_test_sql_int (f->laptop, read), ==, 3);
  g_assert_cmpint (at_test_sql_int (f->laptop, "SELECT with_own FROM sync_buckets WHERE bucket = "
                                               "(SELECT id FROM projects WHERE project_number = 'P-2026-001')"), ==, 0);
}

static gboolean
follow_again_then (const char *point, gpointer data)
{
  Fixture *f = data;

  if (g_str_equal (point, "pull-apply"))
    {
      at_sync_set_fault_func (NULL, NULL);
      unfollow (f->laptop, "P-2026-001");
      at_test_sync_follow (f->laptop, "P-2026-001");
    }
  return FALSE;
}

/* Followed again while a pull is under way (the Sync page's switch, while
 * the background sync runs): the pull does not write its cursor over the
 * new one, and the next sync brings the project back, own edit and all. */
static void
test_follow_again_mid_pull (Fixture *f, gconstpointer data)
{
  g_autofree char *photo = NULL;
  g_autofree char *edit = NULL;
  g_autofree char *read = NULL;

  at_test_sync_ok (f->laptop, url_laptop);
  photo = at_test_sql_text (f->laptop, "SELECT id FROM photos ORDER BY id LIMIT 1");
  edit = g_strdup_printf ("UPDATE photos SET rating = 2 WHERE id = '%s'", photo);
  read = g_strdup_printf ("SELECT rating FROM photos WHERE id = '%s'", photo);
  at_test_sql_exec (f->laptop, edit);
  at_test_sync_ok (f->laptop, url_laptop);

  at_sync_set_fault_func (follow_again_then, f);
  at_test_sync_ok (f->laptop, url_laptop);
  g_assert_cmpint (at_test_sync_count (f->laptop, "photos"), ==, 0);
  at_test_sync_ok (f->laptop, url_laptop);
  g_assert_cmpint (at_test_sync_count (f->laptop, "photos"), ==, 6);
  g_assert_cmpint (at_test_sql_int (f->laptop, read), ==, 2);
}

static gboolean
unfollow_then (const char *point, gpointer data)
{
  Fixture *f = data;

  if (g_str_equal (point, "pull-apply"))
    {
      g_autoptr(GError) error = NULL;

      at_sync_set_fault_func (NULL, NULL);
      g_assert_true (at_sync_unfollow (f->laptop, "P-2026-001", NULL, &error));
      g_assert_no_error (error);
    }
  return FALSE;
}

/* Stopped following while a pull reads the project (the Sync page's
 * switch, during a background sync): the page read before does not bring
 * the project's rows back, unfollowed; followed again, it all comes. */
static void
test_unfollow_mid_pull (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (at_sync_set_follow_all (f->laptop, FALSE, &error));
  g_assert_no_error (error);
  at_test_sync_ok (f->laptop, url_laptop);
  at_test_sync_follow (f->laptop, "P-2026-001");
  at_sync_set_fault_func (unfollow_then, f);
  at_test_sync_ok (f->laptop, url_laptop);
  at_sync_set_fault_func (NULL, NULL);
  g_assert_cmpint (at_test_sync_count (f->laptop, "photos"), ==, 0);
  g_assert_cmpint (at_test_sync_count (f->laptop, "photo_files"), ==, 0);
  at_test_sync_follow (f->laptop, "P-2026-001");
  at_test_sync_ok (f->laptop, url_laptop);
  g_assert_cmpint (at_test_sync_count (f->laptop, "photos"), ==, 6);
}

/* Writing into a project this workstation does not follow makes it follow
 * it; and following all projects picks up one created elsewhere. */
static void
test_follow_by_writing (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *album = NULL;
  g_autofree char *project = NULL;

  g_assert_true (at_sync_set_follow_all (f->laptop, FALSE, &error));
  at_test_sync_ok (f->laptop, url_laptop);
  g_assert_cmpint (at_test_sync_count (f->laptop, "photos"), ==, 0);
  album = at_album_create (f->laptop, "P-2026-001", "Laptop picks", "proof", &error);
  g_assert_no_error (error);
  at_test_sync_ok (f->laptop, url_laptop);
  g_assert_cmpint (at_test_sync_count (f->laptop, "photos"), ==, 6);
  at_test_sync_ok (f->desk, url_desk);
  g_assert_cmpint (at_test_sql_int (f->desk, "SELECT count(*) FROM albums WHERE name = 'Laptop picks'"), ==, 1);

  /* a project made at the desk, with an album, while the laptop follows all */
  g_assert_true (at_sync_set_follow_all (f->laptop, TRUE, &error));
  project = at_test_sql_text (f->desk, "SELECT lower(hex(randomblob(16)))");
  {
    g_autofree char *sql = g_strdup_printf ("INSERT INTO projects (id, studio_id, project_number, name, project_type) "
                                            "SELECT '%s', id, 'P-2026-099', 'Late booking', 'portrait' FROM studios",
                                            project);
    at_test_sql_exec (f->desk, sql);
  }
  g_free (album);
  album = at_album_create (f->desk, "P-2026-099", "Late picks", "proof", &error);
  g_assert_no_error (error);
  at_test_sync_ok (f->desk, url_desk);
  at_test_sync_ok (f->laptop, url_laptop);
  g_assert_cmpint (at_test_sql_int (f->laptop, "SELECT count(*) FROM albums WHERE name = 'Late picks'"), ==, 1);
}

/* A server that needs newer workstations refuses this one with a clear
 * error before anything moves; its changes wait, then go once allowed. */
static void
test_min_client (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *newer = g_strdup_printf ("%d", AT_CATALOG_SCHEMA_VERSION + 1);
  AtSyncReport r;
  AtTestRun run;

  run = at_test_cli ("server", "min-client", "--server", pg->admin, newer, NULL);
  g_assert_cmpint (run.status, ==, 0);
  at_test_run_clear (&run);
  at_test_sql_exec (f->desk, "UPDATE photos SET rating = 4");
  g_assert_false (at_sync_once (f->desk, url_desk, &r, NULL, &error));
  g_assert_error (error, AT_SYNC_ERROR, AT_SYNC_ERROR_SCHEMA);
  g_assert_nonnull (strstr (error->message, "update Atelier"));
  g_clear_error (&error);
  g_assert_cmpint (at_test_sync_count (f->desk, "sync_outbox"), ==, 6);
  g_assert_cmpuint (r.pending, ==, 6);
  /* the CLI says so too, and fails */
  run = at_test_cli ("sync", "--catalog", at_catalog_get_path (f->desk), "--server", url_desk, NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "refuses this workstation"));
  at_test_run_clear (&run);
  /* watching, too: a refusal waits on a person, not on the next try */
  run = at_test_cli ("sync", "--watch", "--interval", "1", "--catalog", at_catalog_get_path (f->desk), "--server", url_desk,
                     NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "refuses this workstation"));
  at_test_run_clear (&run);

  run = at_test_cli ("server", "min-client", "--server", pg->admin, "five", NULL);
  g_assert_cmpint (run.status, ==, 2);
  at_test_run_clear (&run);
  run = at_test_cli ("server", "min-client", "--server", pg->admin, "0", NULL);
  g_assert_cmpint (run.status, ==, 0);
  at_test_run_clear (&run);
  at_test_sync_ok (f->desk, url_desk);
  g_assert_cmpint (at_test_sync_count (f->desk, "sync_outbox"), ==, 0);
}

static char *
embedding_of (AtCatalog *catalog, const char *table)
{
  g_autofree char *sql = g_strdup_printf ("SELECT CASE WHEN embedding IS NULL THEN 'none' ELSE hex(embedding) END FROM %s", table);
  return at_test_sql_text (catalog, sql);
}

static void
assert_no_embedding (AtCatalog *catalog, const char *table)
{
  g_autofree char *have = embedding_of (catalog, table);

  g_assert_cmpstr (have, ==, "none");
}

/* Ana, of project P-2026-001, and a face with an embedding on a photo */
#define PERSON_AND_FACE \
  "INSERT INTO people (id, studio_id, project_id, display_name) SELECT 'person-1', studio_id, id, 'Ana' FROM projects " \
  "WHERE project_number = 'P-2026-001';" \
  "INSERT INTO faces (id, photo_id, box_x, box_y, box_w, box_h, embedding) " \
  "SELECT 'face-1', id, 0.1, 0.1, 0.2, 0.2, randomblob(512) FROM photos ORDER BY id LIMIT 1;"

static gint64
server_embeddings (void)
{
  g_autofree char *n = at_test_pg_psql (pg, "SELECT count(*) FROM sync_cell WHERE (col = 'embedding' AND val <> 'null') "
                                            "OR (col = '*' AND val ->> 'embedding' IS NOT NULL)");
  return g_ascii_strtoll (n, NULL, 10);
}

/* An embedding leaves the workstation only while its person consents
 * (a selfie; a face whose tag a person confirmed); revoking consent purges
 * it everywhere, and a new one made after that stays here. */
static void
test_embeddings_need_consent (Fixture *f, gconstpointer data)
{
  g_autofree char *desk_face = NULL;
  g_autofree char *desk_selfie = NULL;
  g_autofree char *laptop_face = NULL;
  g_autofree char *laptop_selfie = NULL;

  at_test_sql_exec (f->desk, PERSON_AND_FACE
    "INSERT INTO face_tags (id, face_id, person_id, source) VALUES ('tag-1', 'face-1', 'person-1', 'auto');"
    "INSERT INTO reference_faces (id, person_id, embedding) VALUES ('selfie-1', 'person-1', randomblob(512));");
  at_test_sync_ok (f->desk, url_desk);
  at_test_sync_ok (f->laptop, url_laptop);
  g_assert_cmpint (at_test_sync_count (f->laptop, "faces"), ==, 1);
  assert_no_embedding (f->laptop, "faces");
  g_assert_cmpint (server_embeddings (), ==, 0);

  /* confirmed, but no consent: still here only */
  at_test_sql_exec (f->desk, "UPDATE face_tags SET review_state = 'confirmed'");
  at_test_sync_ok (f->desk, url_desk);
  g_assert_cmpint (server_embeddings (), ==, 0);

  /* consent given: the selfie and the confirmed face go */
  at_test_sql_exec (f->desk, "INSERT INTO consents (id, person_id, consent_type, consent_version, given_at) "
                             "VALUES ('consent-1', 'person-1', 'biometric_processing', 'v1', '2026-11-29T10:00:00Z')");
  at_test_sync_ok (f->desk, url_desk);
  g_assert_cmpint (server_embeddings (), ==, 2);
  at_test_sync_ok (f->laptop, url_laptop);
  desk_face = embedding_of (f->desk, "faces");
  desk_selfie = embedding_of (f->desk, "reference_faces");
  laptop_face = embedding_of (f->laptop, "faces");
  laptop_selfie = embedding_of (f->laptop, "reference_faces");
  g_assert_cmpuint (strlen (desk_face), ==, 1024);
  g_assert_cmpstr (laptop_face, ==, desk_face);
  g_assert_cmpstr (laptop_selfie, ==, desk_selfie);

  /* a selfie made while consent holds: its embedding travels as a field of
   * its own (a purge can reach it there), never inside the row's cell */
  at_test_sql_exec (f->desk, "INSERT INTO reference_faces (id, person_id, embedding) VALUES ('selfie-2', 'person-1', "
                             "randomblob(512)); INSERT INTO reference_faces (id, person_id, embedding) VALUES ('selfie-3', "
                             "'person-1', randomblob(512))");
  at_test_sync_ok (f->desk, url_desk);
  {
    g_autofree char *row = at_test_pg_psql (pg, "SELECT count(*) FROM sync_cell WHERE pk = 'selfie-2' AND col = '*' "
                                                "AND val -> 'embedding' = 'null'");
    g_autofree char *field = at_test_pg_psql (pg, "SELECT length(val #>> '{}') FROM sync_cell WHERE pk = 'selfie-2' "
                                                  "AND col = 'embedding'");
    g_autofree char *here = at_test_sql_text (f->desk, "SELECT hex(embedding) FROM reference_faces WHERE id = 'selfie-2'");
    g_autofree char *there = NULL;

    g_assert_cmpstr (row, ==, "1");
    g_assert_cmpstr (field, ==, "1024");
    at_test_sync_ok (f->laptop, url_laptop);
    there = at_test_sql_text (f->laptop, "SELECT hex(embedding) FROM reference_faces WHERE id = 'selfie-2'");
    g_assert_cmpstr (there, ==, here);
  }
  /* one deleted while consent holds: its embedding goes from the server with it */
  at_test_sql_exec (f->desk, "DELETE FROM reference_faces WHERE id = 'selfie-3'");
  at_test_sync_ok (f->desk, url_desk);
  {
    g_autofree char *gone = at_test_pg_psql (pg, "SELECT val::text FROM sync_cell WHERE pk = 'selfie-3' AND col = 'embedding'");
    g_assert_cmpstr (gone, ==, "null");
  }
  g_assert_cmpint (server_embeddings (), ==, 3);

  /* cleared while consent holds (a face detected again): the clearing travels */
  at_test_sql_exec (f->desk, "UPDATE faces SET embedding = NULL");
  at_test_sync_ok (f->desk, url_desk);
  at_test_sync_ok (f->laptop, url_laptop);
  assert_no_embedding (f->laptop, "faces");
  at_test_sql_exec (f->desk, "UPDATE faces SET embedding = randomblob(512)");
  at_test_sync_ok (f->desk, url_desk);
  at_test_sync_ok (f->laptop, url_laptop);
  g_free (desk_face);
  g_free (laptop_face);
  desk_face = embedding_of (f->desk, "faces");
  laptop_face = embedding_of (f->laptop, "faces");
  g_assert_cmpstr (laptop_face, ==, desk_face);

  /* revoked and purged: gone from the server and the laptop */
  at_test_sql_exec (f->desk, "UPDATE consents SET revoked_at = '2026-11-29T12:00:00Z'; "
                             "UPDATE faces SET embedding = NULL; UPDATE reference_faces SET embedding = NULL");
  at_test_sync_ok (f->desk, url_desk);
  at_test_sync_ok (f->laptop, url_laptop);
  g_assert_cmpint (server_embeddings (), ==, 0);
  assert_no_embedding (f->laptop, "faces");
  assert_no_embedding (f->laptop, "reference_faces");
  /* made again after the revocation: it stays here */
  at_test_sql_exec (f->desk, "UPDATE faces SET embedding = randomblob(512)");
  g_assert_cmpint (at_test_sql_int (f->desk, "SELECT count(*) FROM sync_outbox WHERE col = 'embedding'"), ==, 0);
  at_test_sync_ok (f->desk, url_desk);
  g_assert_cmpint (server_embeddings (), ==, 0);
}

/* The CLI: list, follow, unfollow, with their exit codes. */
static void
test_cli (Fixture *f, gconstpointer data)
{
  const char *path = at_catalog_get_path (f->desk);
  AtTestRun r;

  r = at_test_cli ("sync", "projects", "--catalog", path, NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "Following every project"));
  g_assert_nonnull (strstr (r.out, "● P-2026-001"));
  at_test_run_clear (&r);
  r = at_test_cli ("sync", "unfollow", "--catalog", path, "P-2026-003", NULL);
  g_assert_cmpint (r.status, ==, 0);
  at_test_run_clear (&r);
  r = at_test_cli ("sync", "projects", "--catalog", path, NULL);
  g_assert_nonnull (strstr (r.out, "chosen projects"));
  g_assert_nonnull (strstr (r.out, "○ P-2026-003"));
  g_assert_nonnull (strstr (r.out, "● P-2026-001"));
  at_test_run_clear (&r);
  r = at_test_cli ("sync", "follow", "--catalog", path, "P-2026-404", NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "no project"));
  at_test_run_clear (&r);
  r = at_test_cli ("sync", "follow", "--catalog", path, NULL);
  g_assert_cmpint (r.status, ==, 2);
  at_test_run_clear (&r);
  r = at_test_cli ("sync", "follow", "--catalog", path, "--all", NULL);
  g_assert_cmpint (r.status, ==, 0);
  at_test_run_clear (&r);
  r = at_test_cli ("sync", "projects", "--catalog", path, NULL);
  g_assert_nonnull (strstr (r.out, "● P-2026-003"));
  at_test_run_clear (&r);
}

/* A row value never holds an embedding, so a face's row sent again later
 * (a workstation that sends everything again) does not make the embedding
 * before it older than the row: a workstation that pulls anew takes it. */
static void
test_embedding_under_a_row_sent_again (Fixture *f, gconstpointer data)
{
  g_autofree char *desk_face = NULL;
  g_autofree char *laptop_face = NULL;

  at_test_sql_exec (f->desk, PERSON_AND_FACE
    "INSERT INTO face_tags (id, face_id, person_id, source, review_state) "
    "VALUES ('tag-1', 'face-1', 'person-1', 'auto', 'confirmed');"
    "INSERT INTO consents (id, person_id, consent_type, consent_version, given_at) "
    "VALUES ('consent-1', 'person-1', 'biometric_processing', 'v1', '2026-11-29T10:00:00Z')");
  at_test_sync_ok (f->desk, url_desk);
  g_free (at_test_pg_psql (pg, "UPDATE sync_cell SET hlc = ((extract(epoch FROM clock_timestamp()) * 1000)::bigint + 1000) "
                               "<< 16, xid = pg_current_xact_id (), seq = nextval ('sync_seq') "
                               "WHERE pk = 'face-1' AND col = '*'"));
  at_test_sync_ok (f->laptop, url_laptop);
  at_test_sync_ok (f->desk, url_desk);
  desk_face = embedding_of (f->desk, "faces");
  laptop_face = embedding_of (f->laptop, "faces");
  g_assert_cmpuint (strlen (desk_face), ==, 1024);
  g_assert_cmpstr (laptop_face, !=, "none");
  g_assert_cmpstr (laptop_face, ==, desk_face);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  server = at_test_sync_server_start ();
  pg = server->pg;
  url_laptop = server->laptop;
  url_desk = server->desk;

#define ADD(path, fn) g_test_add (path, Fixture, server, at_test_sync_follow_setup, fn, at_test_sync_follow_teardown)
  ADD ("/sync/partial/follow-chosen", test_follow_chosen);
  ADD ("/sync/partial/follow-by-writing", test_follow_by_writing);
  ADD ("/sync/partial/follow-again-behind-late-commit", test_follow_again_behind_late_commit);
  ADD ("/sync/partial/follow-again-mid-pull", test_follow_again_mid_pull);
  ADD ("/sync/partial/unfollow-mid-pull", test_unfollow_mid_pull);
  ADD ("/sync/partial/cli", test_cli);
  ADD ("/sync/min-client", test_min_client);
  ADD ("/sync/embeddings-need-consent", test_embeddings_need_consent);
  ADD ("/sync/embedding-under-a-row-sent-again", test_embedding_under_a_row_sent_again);
  status = g_test_run ();
  at_test_sync_server_stop (server);
  return status;
}
