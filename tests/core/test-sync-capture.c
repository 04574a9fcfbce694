/* test-sync-capture.c — what the capture triggers record: whole rows on
 * insert, changed fields on update (coalesced while unsent), tombstones on
 * delete, a clock that never goes back, nothing while a pull applies, and
 * the same from a write made by another program (the sqlite3 shell). */
#include "config.h"

#include <sqlite3.h>

#include "at-test-util.h"

typedef struct
{
  char      *dir;
  AtCatalog *catalog;
  char      *photo;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->dir = at_test_make_tmpdir ();
  f->catalog = at_test_demo_catalog (f->dir, 4);
  f->photo = at_test_sql_text (f->catalog, "SELECT id FROM photos ORDER BY id LIMIT 1");
  /* as if everything so far had been pushed */
  at_test_sql_exec (f->catalog, "DELETE FROM sync_outbox");
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->catalog);
  at_test_rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->photo);
}

static void
exec (Fixture *f, const char *format, ...) G_GNUC_PRINTF (2, 3);

static void
exec (Fixture *f, const char *format, ...)
{
  va_list args;
  g_autofree char *sql = NULL;

  va_start (args, format);
  sql = g_strdup_vprintf (format, args);
  va_end (args);
  at_test_sql_exec (f->catalog, sql);
}

static gint64
count (Fixture *f, const char *format, ...) G_GNUC_PRINTF (2, 3);

static gint64
count (Fixture *f, const char *format, ...)
{
  va_list args;
  g_autofree char *sql = NULL;

  va_start (args, format);
  sql = g_strdup_vprintf (format, args);
  va_end (args);
  return at_test_sql_int (f->catalog, sql);
}

static void
test_update_coalesces (Fixture *f, gconstpointer data)
{
  gint64 first, second;
  g_autofree char *val = NULL;

  exec (f, "UPDATE photos SET rating = 2 WHERE id = '%s'", f->photo);
  first = count (f, "SELECT hlc FROM sync_outbox WHERE pk = '%s' AND col = 'rating'", f->photo);
  exec (f, "UPDATE photos SET rating = 5, color_label = 'red' WHERE id = '%s'", f->photo);
  second = count (f, "SELECT hlc FROM sync_outbox WHERE pk = '%s' AND col = 'rating'", f->photo);
  /* two edits of one field while unsent: one row, the last value, a later clock */
  g_assert_cmpint (count (f, "SELECT count(*) FROM sync_outbox WHERE pk = '%s' AND col = 'rating'", f->photo), ==, 1);
  val = at_test_sql_text (f->catalog, "SELECT val FROM sync_outbox WHERE col = 'rating'");
  g_assert_cmpstr (val, ==, "5");
  g_assert_cmpint (second, >, first);
  g_assert_cmpint (count (f, "SELECT count(*) FROM sync_outbox WHERE col = 'color_label' AND val = '\"red\"'"), ==, 1);
  /* only what changed: not the untouched columns, not updated_at */
  g_assert_cmpint (count (f, "SELECT count(*) FROM sync_outbox"), ==, 2);
  g_assert_cmpint (count (f, "SELECT hlc FROM sync_clock WHERE tbl = 'photos' AND pk = '%s' AND col = 'rating'", f->photo),
                   ==, second);
  g_assert_cmpint (count (f, "SELECT node FROM sync_clock WHERE col = 'rating'"), ==,
                   count (f, "SELECT node FROM sync_state"));

  /* a closed (sent) batch stays as it was; a new edit is a new row, in the
   * next batch */
  g_assert_cmpint (count (f, "SELECT count(*) FROM sync_outbox WHERE batch = 1"), ==, 2);
  exec (f, "UPDATE sync_state SET next_batch = 2");
  exec (f, "UPDATE photos SET rating = 1 WHERE id = '%s'", f->photo);
  g_assert_cmpint (count (f, "SELECT count(*) FROM sync_outbox WHERE col = 'rating'"), ==, 2);
  g_assert_cmpint (count (f, "SELECT count(*) FROM sync_outbox WHERE col = 'rating' AND batch = 1 AND val = '5'"), ==, 1);
  g_assert_cmpint (count (f, "SELECT count(*) FROM sync_outbox WHERE col = 'rating' AND batch = 2 AND val = '1'"), ==, 1);
}

static void
test_insert_and_delete (Fixture *f, gconstpointer data)
{
  g_autofree char *row = NULL;
  g_autofree char *want = g_strdup_printf ("Ceremony/%s", f->photo);

  exec (f, "INSERT INTO photo_keywords (id, photo_id, keyword) VALUES ('k1', '%s', 'Ceremony')", f->photo);
  row = at_test_sql_text (f->catalog, "SELECT json_extract(val, '$.keyword') || '/' || json_extract(val, '$.photo_id') "
                                      "FROM sync_outbox WHERE tbl = 'photo_keywords' AND pk = 'k1' AND col = '*'");
  g_assert_cmpstr (row, ==, want);
  g_assert_cmpint (count (f, "SELECT count(*) FROM sync_outbox WHERE pk = 'k1'"), ==, 1);

  exec (f, "DELETE FROM photo_keywords WHERE id = 'k1'");
  g_assert_cmpint (count (f, "SELECT count(*) FROM sync_outbox WHERE pk = 'k1' AND col = '_deleted' AND val = 'true'"),
                   ==, 1);
  g_assert_cmpint (count (f, "SELECT count(*) FROM sync_clock WHERE pk = 'k1' AND col = '_deleted'"), ==, 1);

  /* local tables stay local */
  g_assert_cmpint (count (f, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name = 'sync_previews_insert'"),
                   ==, 0);
  g_assert_cmpint (count (f, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name = 'sync_photos_update'"),
                   ==, 1);
}

/* The clock: wall time when it is ahead, one more than the last when the
 * wall clock is behind (a clock set back, or a value seen from a server). */
static void
test_clock_never_goes_back (Fixture *f, gconstpointer data)
{
  gint64 now_ms = g_get_real_time () / 1000;
  gint64 ahead = (now_ms + 86400000) << 16;
  gint64 hlc;
  g_autofree char *sql = NULL;

  exec (f, "UPDATE photos SET rating = 3 WHERE id = '%s'", f->photo);
  hlc = count (f, "SELECT last_hlc FROM sync_state");
  g_assert_cmpint (hlc >> 16, >=, now_ms - 1000);
  g_assert_cmpint (hlc >> 16, <=, now_ms + 60000);

  exec (f, "UPDATE sync_state SET last_hlc = %" G_GINT64_FORMAT, ahead);
  exec (f, "UPDATE photos SET rating = 4 WHERE id = '%s'", f->photo);
  g_assert_cmpint (count (f, "SELECT last_hlc FROM sync_state"), ==, ahead + 1);
  g_assert_cmpint (count (f, "SELECT hlc FROM sync_outbox WHERE col = 'rating'"), ==, ahead + 1);
}

static void
test_applying_is_not_captured (Fixture *f, gconstpointer data)
{
  exec (f, "UPDATE sync_state SET applying = 1");
  exec (f, "UPDATE photos SET rating = 1 WHERE id = '%s'", f->photo);
  exec (f, "UPDATE sync_state SET applying = 0");
  g_assert_cmpint (count (f, "SELECT count(*) FROM sync_outbox"), ==, 0);
}

/* Another program's write is captured too: the triggers need nothing of Atelier. */
static void
test_shell_write (Fixture *f, gconstpointer data)
{
  g_autofree char *sql = g_strdup_printf ("UPDATE photos SET picked = 1 - picked WHERE id = '%s'", f->photo);
  const char *argv[] = { "sqlite3", at_catalog_get_path (f->catalog), sql, NULL };
  int status = 0;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status, NULL));
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_cmpint (count (f, "SELECT count(*) FROM sync_outbox WHERE pk = '%s' AND col = 'picked'", f->photo), ==, 1);
}

/* A row with no project of its own is filed under its container's: a tag
 * of a face in a project, naming a person of the whole studio, goes with
 * the face's project; an album item with its album's. */
static void
test_bucket_of_container (Fixture *f, gconstpointer data)
{
  g_autofree char *project = at_test_sql_text (f->catalog, "SELECT project_id FROM photos ORDER BY id LIMIT 1");
  g_autofree char *other = NULL;
  g_autofree char *sql = NULL;

  exec (f, "INSERT INTO people (id, studio_id, display_name) SELECT 'person-s', id, 'Ana' FROM studios LIMIT 1;"
           "INSERT INTO faces (id, photo_id, box_x, box_y, box_w, box_h) VALUES ('face-s', '%s', 0.1, 0.1, 0.2, 0.2);"
           "INSERT INTO face_tags (id, face_id, person_id, source) VALUES ('tag-s', 'face-s', 'person-s', 'auto');",
        f->photo);
  g_assert_cmpstr (project, !=, "");
  sql = g_strdup ("SELECT bucket FROM sync_outbox WHERE tbl = 'face_tags' AND pk = 'tag-s' AND col = '*'");
  {
    g_autofree char *bucket = at_test_sql_text (f->catalog, sql);
    g_assert_cmpstr (bucket, ==, project);
  }
  other = at_test_sql_text (f->catalog, "SELECT id FROM projects WHERE id <> (SELECT project_id FROM photos ORDER BY id LIMIT 1) "
                                        "ORDER BY id LIMIT 1");
  exec (f, "INSERT INTO albums (id, project_id, name, album_type) VALUES ('album-o', '%s', 'Picks', 'proof');"
           "INSERT INTO album_items (id, album_id, photo_id, position) VALUES ('item-o', 'album-o', '%s', 1);",
        other, f->photo);
  {
    g_autofree char *bucket = at_test_sql_text (f->catalog, "SELECT bucket FROM sync_outbox WHERE tbl = 'album_items' "
                                                            "AND pk = 'item-o' AND col = '*'");
    g_assert_cmpstr (bucket, ==, other);
  }
}

/* A catalog of schema v7 (edits waiting in no batch, a batch sent and not
 * yet answered) opened by this Atelier: the waiting edits are in the batch
 * being filled, the sent one is as it was, and edits coalesce again. */
static void
test_outbox_from_v7 (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_strdup (at_catalog_get_path (f->catalog));
  sqlite3 *db;

  exec (f, "UPDATE photos SET rating = 5 WHERE id = '%s'", f->photo);
  exec (f, "UPDATE photos SET color_label = 'red' WHERE id = '%s'", f->photo);
  g_clear_object (&f->catalog);
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  /* (today's triggers name columns v7 lacks: gone, and made again by the
   * upgrade, which queues each row whole besides) */
  {
    sqlite3_stmt *stmt;
    g_autoptr(GString) drop = g_string_new (NULL);

    g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'sync_%'",
                                         -1, &stmt, NULL), ==, SQLITE_OK);
    while (sqlite3_step (stmt) == SQLITE_ROW)
      g_string_append_printf (drop, "DROP TRIGGER \"%s\";", sqlite3_column_text (stmt, 0));
    sqlite3_finalize (stmt);
    g_assert_cmpint (sqlite3_exec (db, drop->str, NULL, NULL, NULL), ==, SQLITE_OK);
  }
  g_assert_cmpint (sqlite3_exec (db, "DROP INDEX sync_outbox_field; "
                                     "UPDATE sync_state SET acked_batch = 2, next_batch = 4; "
                                     "UPDATE sync_outbox SET batch = CASE col WHEN 'rating' THEN 3 END; "
                                     "CREATE UNIQUE INDEX sync_outbox_unsent ON sync_outbox (tbl, pk, col) WHERE batch IS NULL; "
                                     "CREATE INDEX sync_outbox_batch ON sync_outbox (batch); "
                                     "DROP TABLE sync_unknown; DROP TABLE sync_unknown_values; DROP INDEX sync_inbox_rows; ALTER TABLE sync_state DROP COLUMN batch_token; ALTER TABLE sync_state DROP COLUMN server_id; ALTER TABLE uploads DROP COLUMN part_checksums; ALTER TABLE uploads DROP COLUMN file_identity; DROP INDEX uploads_key; DROP INDEX photo_files_path; ALTER TABLE uploads DROP COLUMN endpoint; ALTER TABLE uploads DROP COLUMN check_first; DROP TABLE upload_audits; ALTER TABLE upload_parts DROP COLUMN sha256; ALTER TABLE sync_outbox DROP COLUMN node; "
                                     "ALTER TABLE sync_inbox DROP COLUMN bucket; ALTER TABLE sync_conflicts DROP COLUMN bucket; DROP TABLE sync_history; "
                                     /* a photo waiting for its parent, a keyword for its photo */
                                     "INSERT INTO sync_inbox VALUES ('photos', 'p-w', '*', '{\"id\": \"p-w\", "
                                     "\"project_id\": \"proj-w\"}', 1, 1), ('photo_keywords', 'k-w', '*', "
                                     "'{\"id\": \"k-w\", \"photo_id\": \"p-w\"}', 1, 1); "
                                     "DELETE FROM schema_migrations WHERE version >= 8; PRAGMA user_version = 7",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  f->catalog = at_catalog_open (path, AT_CATALOG_OPEN_DEFAULT, NULL);
  g_assert_nonnull (f->catalog);
  g_assert_cmpint (count (f, "SELECT count(*) FROM sync_inbox WHERE pk = 'p-w' AND bucket = 'proj-w'"), ==, 1);
  g_assert_cmpint (count (f, "SELECT count(*) FROM sync_inbox WHERE pk = 'k-w' AND bucket IS NULL"), ==, 1);
  g_assert_cmpint (count (f, "SELECT count(*) FROM sync_outbox WHERE col = 'rating' AND batch = 3"), ==, 1);
  g_assert_cmpint (count (f, "SELECT count(*) FROM sync_outbox WHERE col = 'color_label' AND batch = 4"), ==, 1);
  exec (f, "UPDATE photos SET color_label = 'blue', rating = 2 WHERE id = '%s'", f->photo);
  g_assert_cmpint (count (f, "SELECT count(*) FROM sync_outbox WHERE col = 'color_label'"), ==, 1);
  g_assert_cmpint (count (f, "SELECT count(*) FROM sync_outbox WHERE col = 'color_label' AND batch = 4 AND val = '\"blue\"'"),
                   ==, 1);
  g_assert_cmpint (count (f, "SELECT count(*) FROM sync_outbox WHERE col = 'rating'"), ==, 2);
  g_assert_cmpint (count (f, "SELECT count(*) FROM sync_outbox WHERE col = 'rating' AND batch = 4 AND val = '2'"), ==, 1);
}

static gboolean
write_requeue (AtSqlConn *conn, gpointer data, GError **error)
{
  return at_sync_capture_requeue (conn, error);
}

/* Everything queued again (a server that lost it): each field with its own
 * clock, a whole row as it is now; an embedding only as the capture would
 * send it, never the null of a closed consent gate, which would purge it
 * everywhere. */
static void
test_requeue (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  exec (f, "UPDATE photos SET rating = 3 WHERE id = '%s'", f->photo);
  exec (f, "INSERT INTO faces (id, photo_id, box_x, box_y, box_w, box_h, embedding) "
           "VALUES ('face-q', '%s', 0.1, 0.1, 0.2, 0.2, randomblob(512))", f->photo);
  /* an embedding clocked here (as one that had travelled, before a gate closed) */
  exec (f, "INSERT INTO sync_clock (tbl, pk, col, hlc, node) SELECT 'faces', 'face-q', 'embedding', hlc + 1, node "
           "FROM sync_clock WHERE tbl = 'faces' AND pk = 'face-q' AND col = '*'");
  /* the rating as pulled from another catalog: its clock is that one's */
  exec (f, "UPDATE sync_clock SET node = 77 WHERE tbl = 'photos' AND pk = '%s' AND col = 'rating'", f->photo);
  exec (f, "DELETE FROM sync_outbox");
  g_assert_true (at_catalog_write_sync (f->catalog, "sync_outbox", write_requeue, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count (f, "SELECT count(*) FROM sync_outbox o JOIN sync_clock k USING (tbl, pk, col) "
                             "WHERE o.hlc = k.hlc"), ==, count (f, "SELECT count(*) FROM sync_outbox"));
  g_assert_cmpint (count (f, "SELECT count(*) FROM sync_outbox WHERE tbl = 'photos' AND pk = '%s' AND col = 'rating' "
                             "AND val = '3'", f->photo), ==, 1);
  g_assert_cmpint (count (f, "SELECT count(*) FROM sync_outbox WHERE pk = '%s' AND col = '*' "
                             "AND json_extract(val, '$.rating') = 3", f->photo), ==, 1);
  g_assert_cmpint (count (f, "SELECT count(*) FROM sync_outbox WHERE pk = 'face-q' AND col = '*'"), ==, 1);
  g_assert_cmpint (count (f, "SELECT count(*) FROM sync_outbox WHERE pk = 'face-q' AND col = 'embedding'"), ==, 0);
  /* each field goes with its own clock's node (NULL: this catalog's) */
  g_assert_cmpint (count (f, "SELECT count(*) FROM sync_outbox WHERE pk = '%s' AND col = 'rating' AND node = 77", f->photo),
                   ==, 1);
  g_assert_cmpint (count (f, "SELECT count(*) FROM sync_outbox o JOIN sync_clock k USING (tbl, pk, col) "
                             "WHERE o.node IS NOT k.node"), ==, 0);
  /* edited here again, the field is this catalog's own edit */
  exec (f, "UPDATE photos SET rating = 4 WHERE id = '%s'", f->photo);
  g_assert_cmpint (count (f, "SELECT count(*) FROM sync_outbox WHERE pk = '%s' AND col = 'rating' AND node IS NULL "
                             "AND val = '4'", f->photo), ==, 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/sync/capture/bucket-of-container", test_bucket_of_container);
  ADD ("/sync/capture/update-coalesces", test_update_coalesces);
  ADD ("/sync/capture/outbox-from-v7", test_outbox_from_v7);
  ADD ("/sync/capture/insert-delete", test_insert_and_delete);
  ADD ("/sync/capture/clock", test_clock_never_goes_back);
  ADD ("/sync/capture/applying", test_applying_is_not_captured);
  ADD ("/sync/capture/shell", test_shell_write);
  ADD ("/sync/capture/requeue", test_requeue);
  return g_test_run ();
}
