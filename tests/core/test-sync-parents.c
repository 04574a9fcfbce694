/* test-sync-parents.c — rows and edits that name a parent this
 * workstation does not have (yet), through a real PostgreSQL 15: an album
 * item of another project's photo, a tag of a studio-wide person, a tag
 * moved to a person of a project a laptop does not follow. None fails a
 * pull; each goes in once its parent is here, unless its own project has
 * stopped being followed by then. */
#include "config.h"

#include <string.h>

#include "at-test-pg.h"
#include "at-test-sync.h"
#include "at-test-util.h"

static AtTestSyncServer *server;
static const char *url_laptop, *url_desk;

typedef AtTestSyncFollow Fixture;

/* An album item joins an album of one project to a photo of another: a
 * laptop that follows either project alone syncs without fault (the item
 * waits for the parent it lacks), and once it follows both it has every
 * item. */
static void
test_item_across_projects (Fixture *f, gconstpointer data)
{
  const char *first[] = { "P-2026-001", "P-2026-002" };

  at_test_sql_exec (f->desk,
    "INSERT INTO album_items (id, album_id, photo_id, position) "
    "SELECT 'item-x', a.id, p.id, 1 FROM albums a, photos p WHERE a.name = 'Family picks' ORDER BY p.id LIMIT 1;");
  at_test_sync_ok (f->desk, url_desk);
  for (guint i = 0; i < G_N_ELEMENTS (first); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *name = g_strdup_printf ("follows-%u.atelier", i);
      g_autofree char *path = g_build_filename (f->dir, name, NULL);
      g_autoptr(AtCatalog) laptop = at_catalog_open (path, AT_CATALOG_OPEN_CREATE, &error);

      g_assert_no_error (error);
      g_assert_true (at_sync_set_follow_all (laptop, FALSE, &error));
      at_test_sync_ok (laptop, url_laptop);
      at_test_sync_follow (laptop, first[i]);
      at_test_sync_ok (laptop, url_laptop);
      g_assert_cmpint (at_test_sql_int (laptop, "SELECT count(*) FROM album_items WHERE id = 'item-x'"), ==, 0);
      at_test_sync_follow (laptop, first[1 - i]);
      at_test_sync_ok (laptop, url_laptop);
      g_assert_cmpint (at_test_sql_int (laptop, "SELECT count(*) FROM album_items WHERE id = 'item-x'"), ==, 1);
      g_assert_cmpint (at_test_sync_count (laptop, "album_items"), ==, at_test_sync_count (f->desk, "album_items"));
      g_assert_cmpint (at_test_sql_int (laptop, "SELECT count(*) FROM sync_inbox"), ==, 0);
    }
}

/* A tag of a face in a project, naming a person of the whole studio (no
 * project of their own, as face review makes them): it travels with the
 * face, so a laptop that follows the project gets both, one that does not
 * gets neither, and neither laptop's sync fails over it. */
static void
test_face_tag_of_studio_person (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (f->dir, "other.atelier", NULL);
  g_autoptr(AtCatalog) other = at_catalog_open (path, AT_CATALOG_OPEN_CREATE, &error);

  g_assert_no_error (error);
  at_test_sql_exec (f->desk,
    "INSERT INTO people (id, studio_id, display_name) SELECT 'person-s', id, 'Ana' FROM studios LIMIT 1;"
    "INSERT INTO faces (id, photo_id, box_x, box_y, box_w, box_h) "
    "SELECT 'face-s', id, 0.1, 0.1, 0.2, 0.2 FROM photos ORDER BY id LIMIT 1;"
    "INSERT INTO face_tags (id, face_id, person_id, source) VALUES ('tag-s', 'face-s', 'person-s', 'auto');");
  at_test_sync_ok (f->desk, url_desk);

  /* every project: the face and its tag */
  at_test_sync_ok (f->laptop, url_laptop);
  g_assert_cmpint (at_test_sync_count (f->laptop, "faces"), ==, 1);
  g_assert_cmpint (at_test_sync_count (f->laptop, "face_tags"), ==, 1);

  /* another project only: the person (studio data), not the tag */
  g_assert_true (at_sync_set_follow_all (other, FALSE, &error));
  at_test_sync_ok (other, url_laptop);
  at_test_sync_follow (other, "P-2026-002");
  at_test_sync_ok (other, url_laptop);
  g_assert_cmpint (at_test_sync_count (other, "people"), ==, 1);
  g_assert_cmpint (at_test_sync_count (other, "faces"), ==, 0);
  g_assert_cmpint (at_test_sync_count (other, "face_tags"), ==, 0);
  g_assert_cmpint (at_test_sql_int (other, "SELECT count(*) FROM sync_inbox"), ==, 0);   /* not even sent */
  /* and the face's project later: both */
  at_test_sync_follow (other, "P-2026-001");
  at_test_sync_ok (other, url_laptop);
  g_assert_cmpint (at_test_sync_count (other, "face_tags"), ==, 1);
}

/* The laptop follows P-2026-001 alone, and syncs. */
static void
laptop_follows_first (Fixture *f)
{
  g_assert_true (at_sync_set_follow_all (f->laptop, FALSE, NULL));
  at_test_sync_ok (f->laptop, url_laptop);
  at_test_sync_follow (f->laptop, "P-2026-001");
  at_test_sync_ok (f->laptop, url_laptop);
}

/* A person in each of the first two projects, a face in the first and its
 * tag naming the first's person; the laptop follows the first alone. */
static void
tag_of_first_project (Fixture *f)
{
  at_test_sql_exec (f->desk,
    "INSERT INTO people (id, studio_id, project_id, display_name) SELECT 'person-1', studio_id, id, 'Ana' FROM projects "
    "WHERE project_number = 'P-2026-001';"
    "INSERT INTO people (id, studio_id, project_id, display_name) SELECT 'person-2', studio_id, id, 'Ana B' FROM projects "
    "WHERE project_number = 'P-2026-002';"
    "INSERT INTO faces (id, photo_id, box_x, box_y, box_w, box_h) "
    "SELECT 'face-1', id, 0.1, 0.1, 0.2, 0.2 FROM photos ORDER BY id LIMIT 1;"
    "INSERT INTO face_tags (id, face_id, person_id, source) VALUES ('tag-1', 'face-1', 'person-1', 'auto');");
  at_test_sync_ok (f->desk, url_desk);
  laptop_follows_first (f);
  g_assert_cmpint (at_test_sync_count (f->laptop, "face_tags"), ==, 1);
}

/* A tag moved to a person of a project this laptop does not follow: the
 * laptop's pull does not fail over it; the move waits for that person. */
static void
test_tag_moved_to_unfollowed_person (Fixture *f, gconstpointer data)
{
  tag_of_first_project (f);

  at_test_sql_exec (f->desk, "UPDATE face_tags SET person_id = 'person-2' WHERE id = 'tag-1'");
  at_test_sync_ok (f->desk, url_desk);
  at_test_sync_ok (f->laptop, url_laptop);
  g_assert_cmpint (at_test_sql_int (f->laptop, "SELECT count(*) FROM face_tags WHERE person_id = 'person-1'"), ==, 1);
  /* the tag's whole row again, newer (a desk that sent everything again
   * under a new node): the tag stays, its person waits still */
  {
    g_autofree char *again = at_test_pg_psql (server->pg, "UPDATE sync_cell SET hlc = hlc + 1000, node = 99, "
                                                          "xid = pg_current_xact_id (), seq = nextval ('sync_seq'), "
                                                          "val = jsonb_set (val, '{person_id}', '\"person-2\"') "
                                                          "WHERE pk = 'tag-1' AND col = '*'");
  }
  at_test_sync_ok (f->laptop, url_laptop);
  g_assert_cmpint (at_test_sql_int (f->laptop, "SELECT count(*) FROM face_tags WHERE person_id = 'person-1'"), ==, 1);
  at_test_sql_exec (f->desk, "UPDATE photos SET rating = 4");
  at_test_sync_ok (f->desk, url_desk);
  at_test_sync_ok (f->laptop, url_laptop);
  g_assert_cmpint (at_test_sql_int (f->laptop, "SELECT count(*) FROM photos WHERE rating = 4"), >, 0);
  at_test_sync_follow (f->laptop, "P-2026-002");
  at_test_sync_ok (f->laptop, url_laptop);
  g_assert_cmpint (at_test_sql_int (f->laptop, "SELECT count(*) FROM face_tags WHERE person_id = 'person-2'"), ==, 1);
}

/* SQL: photo-x, a photo of P-2026-001 from a card ingested into a session
 * of P-2026-002 (session-x), which a laptop following the first alone
 * does not have. */
#define PHOTO_OF_ANOTHER_SESSION \
    "INSERT INTO ingest_sessions (id, project_id, source_path, library_root) " \
    "SELECT 'session-x', id, '/media/card', '/photos' FROM projects WHERE project_number = 'P-2026-002';" \
    "CREATE TEMP TABLE x AS SELECT p.* FROM photos p JOIN projects j ON j.id = p.project_id " \
    "WHERE j.project_number = 'P-2026-001' ORDER BY p.id LIMIT 1;" \
    "UPDATE x SET id = 'photo-x', ingest_session_id = 'session-x', library_path = library_path || '-x';" \
    "INSERT INTO photos SELECT * FROM x;"

/* A photo of a followed project, from a card ingested into another
 * project's session: the photo waits for that session, and its face and
 * keyword, come in the same page, wait with it (an SQLite cascade took them
 * for good when it was set aside, their clocks left), the face's embedding
 * and tag too. All come in, in one sync, once the laptop follows the
 * session's project. */
static void
test_row_waits_with_its_children (Fixture *f, gconstpointer data)
{
  at_test_sql_exec (f->desk,
    PHOTO_OF_ANOTHER_SESSION
    "INSERT INTO faces (id, photo_id, box_x, box_y, box_w, box_h, embedding) "
    "VALUES ('face-x', 'photo-x', 0.1, 0.1, 0.2, 0.2, randomblob(512));"
    "INSERT INTO photo_keywords (id, photo_id, keyword) VALUES ('keyword-x', 'photo-x', 'veil');"
    /* the face's embedding travels: its tag confirmed, its person consenting */
    "INSERT INTO people (id, studio_id, project_id, display_name) SELECT 'person-x', studio_id, id, 'Ana' FROM projects "
    "WHERE project_number = 'P-2026-001';"
    "INSERT INTO face_tags (id, face_id, person_id, source, review_state) "
    "VALUES ('tag-x', 'face-x', 'person-x', 'manual', 'confirmed');"
    "INSERT INTO consents (id, person_id, consent_type, consent_version, given_at) "
    "VALUES ('consent-x', 'person-x', 'biometric_processing', 'v1', '2026-11-29T10:00:00Z');");
  at_test_sync_ok (f->desk, url_desk);
  laptop_follows_first (f);
  g_assert_cmpint (at_test_sql_int (f->laptop, "SELECT count(*) FROM photos WHERE id = 'photo-x'"), ==, 0);
  g_assert_cmpint (at_test_sql_int (f->laptop, "SELECT count(*) FROM faces WHERE id = 'face-x'"), ==, 0);

  at_test_sync_follow (f->laptop, "P-2026-002");
  at_test_sync_ok (f->laptop, url_laptop);
  g_assert_cmpint (at_test_sql_int (f->laptop, "SELECT count(*) FROM photos WHERE id = 'photo-x'"), ==, 1);
  g_assert_cmpint (at_test_sql_int (f->laptop, "SELECT count(*) FROM faces WHERE id = 'face-x'"), ==, 1);
  g_assert_cmpint (at_test_sql_int (f->laptop, "SELECT count(*) FROM photo_keywords WHERE photo_id = 'photo-x'"), ==, 1);
  g_assert_cmpint (at_test_sql_int (f->laptop, "SELECT count(*) FROM face_tags WHERE id = 'tag-x'"), ==, 1);
  /* (kept whole while it waited, though its tag, gone first, shut its gate) */
  {
    const char *embedding = "SELECT coalesce(hex(embedding), 'none') FROM faces WHERE id = 'face-x'";
    g_autofree char *desk = at_test_sql_text (f->desk, embedding);
    g_autofree char *laptop = at_test_sql_text (f->laptop, embedding);

    g_assert_cmpuint (strlen (desk), ==, 1024);
    g_assert_cmpstr (laptop, ==, desk);
  }
  g_assert_cmpint (at_test_sql_int (f->laptop, "SELECT count(*) FROM sync_inbox"), ==, 0);
  at_test_sync_assert_same (f->desk, f->laptop);
}

/* A tag's whole row, newer than what the laptop has, names a person of a
 * project the laptop does not follow (a desk that sent everything again
 * under a new node): the tag keeps its person until that one is here, then
 * takes the one the row names, as a workstation that follows both has it.
 * (Before, the row's clock moved past the column it had left, and nothing
 * brought the value.) */
static void
test_row_names_unfollowed_person (Fixture *f, gconstpointer data)
{
  g_autofree char *again = NULL;

  tag_of_first_project (f);

  again = at_test_pg_psql (server->pg, "UPDATE sync_cell SET hlc = hlc + 1000, node = 99, "
                                       "xid = pg_current_xact_id (), seq = nextval ('sync_seq'), "
                                       "val = jsonb_set (val, '{person_id}', '\"person-2\"') "
                                       "WHERE pk = 'tag-1' AND col = '*'");
  at_test_sync_ok (f->laptop, url_laptop);
  g_assert_cmpint (at_test_sql_int (f->laptop, "SELECT count(*) FROM face_tags WHERE person_id = 'person-1'"), ==, 1);
  at_test_sync_follow (f->laptop, "P-2026-002");
  at_test_sync_ok (f->laptop, url_laptop);
  g_assert_cmpint (at_test_sql_int (f->laptop, "SELECT count(*) FROM face_tags WHERE person_id = 'person-2'"), ==, 1);
  g_assert_cmpint (at_test_sql_int (f->laptop, "SELECT count(*) FROM sync_inbox"), ==, 0);
}

/* An editing item of the laptop's, pointed in one page at a version of a
 * photo that waits for its parent (its ingest session is another
 * project's): the item stays, without that output, and gets it when the
 * version comes. (Before, it went out to wait with the version, whole.) */
static void
test_reference_waits_with_its_row (Fixture *f, gconstpointer data)
{
  at_test_sql_exec (f->desk,
    "INSERT INTO editing_jobs (id, project_id, title) SELECT 'job-1', id, 'Retouch' FROM projects "
    "WHERE project_number = 'P-2026-001';"
    "INSERT INTO editing_items (id, job_id, photo_id) SELECT 'item-1', 'job-1', p.id FROM photos p "
    "JOIN projects j ON j.id = p.project_id WHERE j.project_number = 'P-2026-001' ORDER BY p.id LIMIT 1;");
  at_test_sync_ok (f->desk, url_desk);
  laptop_follows_first (f);
  g_assert_cmpint (at_test_sql_int (f->laptop, "SELECT count(*) FROM editing_items WHERE id = 'item-1'"), ==, 1);

  at_test_sql_exec (f->desk,
    PHOTO_OF_ANOTHER_SESSION
    "INSERT INTO photo_versions (id, photo_id, version_number, kind) VALUES ('version-x', 'photo-x', 1, 'edit');"
    "UPDATE editing_items SET output_version_id = 'version-x' WHERE id = 'item-1';");
  at_test_sync_ok (f->desk, url_desk);
  at_test_sync_ok (f->laptop, url_laptop);
  g_assert_cmpint (at_test_sql_int (f->laptop, "SELECT count(*) FROM photo_versions WHERE id = 'version-x'"), ==, 0);
  g_assert_cmpint (at_test_sql_int (f->laptop, "SELECT count(*) FROM editing_items WHERE id = 'item-1' "
                                               "AND output_version_id IS NULL"), ==, 1);

  at_test_sync_follow (f->laptop, "P-2026-002");
  at_test_sync_ok (f->laptop, url_laptop);
  g_assert_cmpint (at_test_sql_int (f->laptop, "SELECT count(*) FROM editing_items WHERE id = 'item-1' "
                                               "AND output_version_id = 'version-x'"), ==, 1);
  g_assert_cmpint (at_test_sql_int (f->laptop, "SELECT count(*) FROM sync_inbox"), ==, 0);
}

/* A photo of one project ingested in a session of another, both followed:
 * stopping following the session's project empties the photo's session
 * here (SQLite: the session is gone; the server keeps it), and following
 * that project again puts it back (it stayed empty for good). */
static void
test_unfollow_keeps_references (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  const char *session = "SELECT coalesce(ingest_session_id, 'none') FROM photos WHERE id = 'photo-x'";
  g_autofree char *before = NULL, *unfollowed = NULL, *after = NULL;
  AtSyncReport r;

  at_test_sql_exec (f->desk, PHOTO_OF_ANOTHER_SESSION);
  at_test_sync_ok (f->desk, url_desk);
  at_test_sync_ok (f->laptop, url_laptop);
  before = at_test_sql_text (f->laptop, session);
  g_assert_cmpstr (before, ==, "session-x");
  g_assert_true (at_sync_unfollow (f->laptop, "P-2026-002", NULL, &error));
  g_assert_no_error (error);
  unfollowed = at_test_sql_text (f->laptop, session);
  g_assert_cmpstr (unfollowed, ==, "none");
  r = at_test_sync_ok (f->laptop, url_laptop);
  g_assert_cmpuint (r.pushed, ==, 0);
  at_test_sync_follow (f->laptop, "P-2026-002");
  at_test_sync_ok (f->laptop, url_laptop);
  after = at_test_sql_text (f->laptop, session);
  g_assert_cmpstr (after, ==, "session-x");
  at_test_sync_assert_same (f->laptop, f->desk);
}

/* A photo of the followed project waits for its session (another
 * project's), and a keyword of it, come later, for the photo; the laptop
 * stops following the photo's project, then follows the session's. The
 * photo and its keywords stay out: their project is not
 * followed, and nothing of it waits any more. (Before, both went in when
 * the session came, in a project no edit of which would reach the laptop
 * again.) Following the photo's project again brings them. */
static void
test_unfollow_drops_waiting_rows (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  at_test_sql_exec (f->desk,
    PHOTO_OF_ANOTHER_SESSION
    "INSERT INTO photo_keywords (id, photo_id, keyword) VALUES ('keyword-x', 'photo-x', 'veil');");
  at_test_sync_ok (f->desk, url_desk);
  laptop_follows_first (f);
  g_assert_cmpint (at_test_sql_int (f->laptop, "SELECT count(*) FROM sync_inbox WHERE pk = 'photo-x'"), >, 0);
  /* a keyword of the waiting photo, come later: it waits under the photo's project too */
  at_test_sql_exec (f->desk, "INSERT INTO photo_keywords (id, photo_id, keyword) VALUES ('keyword-y', 'photo-x', 'lace');");
  at_test_sync_ok (f->desk, url_desk);
  at_test_sync_ok (f->laptop, url_laptop);
  g_assert_cmpint (at_test_sql_int (f->laptop, "SELECT count(*) FROM sync_inbox WHERE pk = 'keyword-y'"), >, 0);

  g_assert_true (at_sync_unfollow (f->laptop, "P-2026-001", NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (at_test_sql_int (f->laptop, "SELECT count(*) FROM sync_inbox"), ==, 0);
  at_test_sync_follow (f->laptop, "P-2026-002");
  at_test_sync_ok (f->laptop, url_laptop);
  g_assert_cmpint (at_test_sql_int (f->laptop, "SELECT count(*) FROM ingest_sessions WHERE id = 'session-x'"), ==, 1);
  g_assert_cmpint (at_test_sql_int (f->laptop, "SELECT count(*) FROM photos WHERE id = 'photo-x'"), ==, 0);
  g_assert_cmpint (at_test_sql_int (f->laptop, "SELECT count(*) FROM photo_keywords WHERE photo_id = 'photo-x'"), ==, 0);

  at_test_sync_follow (f->laptop, "P-2026-001");
  at_test_sync_ok (f->laptop, url_laptop);
  g_assert_cmpint (at_test_sql_int (f->laptop, "SELECT count(*) FROM photos WHERE id = 'photo-x'"), ==, 1);
  g_assert_cmpint (at_test_sql_int (f->laptop, "SELECT count(*) FROM photo_keywords WHERE photo_id = 'photo-x'"), ==, 2);
  g_assert_cmpint (at_test_sql_int (f->laptop, "SELECT count(*) FROM sync_inbox"), ==, 0);
  at_test_sync_assert_same (f->desk, f->laptop);
}

/* The desk's photo of the followed project clashes on its file's path with
 * one of the laptop's and is kept aside; the laptop stops following that
 * project. What was kept aside goes with it: a later sync, the clash gone
 * with the laptop's photo, does not bring the desk's photo in, unfollowed. */
static void
test_unfollow_drops_kept_clashes (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  AtSyncReport r;
#define SAME_PATH(id) \
    "CREATE TEMP TABLE y AS SELECT p.* FROM photos p JOIN projects j ON j.id = p.project_id " \
    "WHERE j.project_number = 'P-2026-001' ORDER BY p.id LIMIT 1;" \
    "UPDATE y SET id = '" id "', library_path = '/photos/same.cr3', content_hash = 'hash-" id "';" \
    "INSERT INTO photos SELECT * FROM y; DROP TABLE y;"

  laptop_follows_first (f);
  at_test_sql_exec (f->laptop, SAME_PATH ("photo-l"));
  at_test_sync_ok (f->laptop, url_laptop);
  at_test_sql_exec (f->desk, SAME_PATH ("photo-d"));
  at_test_sync_ok (f->desk, url_desk);
  r = at_test_sync_ok (f->laptop, url_laptop);
  g_assert_cmpuint (r.conflicts, ==, 1);
  g_assert_cmpint (at_test_sql_int (f->laptop, "SELECT count(*) FROM sync_conflicts WHERE pk = 'photo-d'"), >, 0);

  g_assert_true (at_sync_unfollow (f->laptop, "P-2026-001", NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (at_test_sql_int (f->laptop, "SELECT count(*) FROM sync_conflicts"), ==, 0);
  at_test_sync_ok (f->laptop, url_laptop);
  g_assert_cmpint (at_test_sql_int (f->laptop, "SELECT count(*) FROM photos"), ==, 0);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  server = at_test_sync_server_start ();
  url_laptop = server->laptop;
  url_desk = server->desk;

#define ADD(path, fn) g_test_add (path, Fixture, server, at_test_sync_follow_setup, fn, at_test_sync_follow_teardown)
  ADD ("/sync/parents/item-across-projects", test_item_across_projects);
  ADD ("/sync/parents/face-tag-of-studio-person", test_face_tag_of_studio_person);
  ADD ("/sync/parents/tag-moved-to-unfollowed-person", test_tag_moved_to_unfollowed_person);
  ADD ("/sync/parents/row-names-unfollowed-person", test_row_names_unfollowed_person);
  ADD ("/sync/parents/row-waits-with-its-children", test_row_waits_with_its_children);
  ADD ("/sync/parents/reference-waits-with-its-row", test_reference_waits_with_its_row);
  ADD ("/sync/parents/unfollow-keeps-references", test_unfollow_keeps_references);
  ADD ("/sync/parents/unfollow-drops-waiting-rows", test_unfollow_drops_waiting_rows);
  ADD ("/sync/parents/unfollow-drops-kept-clashes", test_unfollow_drops_kept_clashes);
  status = g_test_run ();
  at_test_sync_server_stop (server);
  return status;
}
