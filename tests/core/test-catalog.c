/* test-catalog.c — opening, schema, writer, and refusing bad files untouched. */
#include "config.h"

#include <glib/gstdio.h>

#include "at-test-util.h"

static const char *const expected_tables[] = {
  "studios", "staff", "customers", "packages", "contracts", "payments", "projects",
  "shooting_schedules", "photographer_availability", "project_milestones", "ingest_sessions",
  "ingest_files", "photos", "photo_files", "albums", "album_items", "photo_versions", "people",
  "faces", "face_tags", "reference_faces", "consents", "proof_sessions", "proof_selections",
  "editing_jobs", "editing_items", "export_recipes", "deliverables", "delivery_items",
  "backup_records", "uploads", "jobs", "audit_log", "schedule_assistants", "schema_migrations",
  "previews", "photo_keywords", "sync_state", "sync_clock", "sync_outbox", "sync_inbox", "sync_conflicts", "sync_unknown", "sync_unknown_values",
  "sync_buckets", "sync_history", "upload_parts", "upload_audits", "face_scans", "face_clusters",
};

typedef struct
{
  char *dir;
  char *path;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->dir = at_test_make_tmpdir ();
  f->path = g_build_filename (f->dir, "catalog.atelier", NULL);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  at_test_rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

static AtCatalog *
create_catalog (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  AtCatalog *catalog = at_catalog_open (f->path, AT_CATALOG_OPEN_CREATE, &error);

  g_assert_no_error (error);
  g_assert_nonnull (catalog);
  return catalog;
}

static gboolean
has_column (AtCatalog *catalog, const char *table, const char *column)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM pragma_table_info('%s') WHERE name = '%s'",
                                          table, column);
  return at_test_sql_int (catalog, sql) == 1;
}

static void
test_init_schema (Fixture *f, gconstpointer data)
{
  g_autoptr(AtCatalog) catalog = create_catalog (f);
  g_autoptr(GPtrArray) counts = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *journal = NULL;

  g_assert_cmpint (at_catalog_get_schema_version (catalog), ==, AT_CATALOG_SCHEMA_VERSION);
  g_assert_cmpint (at_test_sql_int (catalog, "PRAGMA user_version"), ==, AT_CATALOG_SCHEMA_VERSION);
  g_assert_cmpint (at_test_sql_int (catalog, "PRAGMA application_id"), ==, AT_CATALOG_APPLICATION_ID);
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM schema_migrations"), ==, AT_CATALOG_SCHEMA_VERSION);
  journal = at_test_sql_text (catalog, "PRAGMA journal_mode");
  g_assert_cmpstr (journal, ==, "wal");

  counts = at_catalog_count_rows (catalog, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (counts->len, ==, G_N_ELEMENTS (expected_tables));
  for (guint i = 0; i < G_N_ELEMENTS (expected_tables); i++)
    {
      gboolean found = FALSE;
      for (guint j = 0; j < counts->len; j++)
        {
          AtTableCount *c = g_ptr_array_index (counts, j);
          if (g_str_equal (c->table, expected_tables[i]))
            {
              found = TRUE;
              /* a new catalog: its migrations, its one sync_state row, the studio's bucket */
              g_assert_cmpint (c->rows, ==, g_str_equal (c->table, "schema_migrations") ? AT_CATALOG_SCHEMA_VERSION
                                            : g_str_equal (c->table, "sync_state") || g_str_equal (c->table, "sync_buckets")
                                            ? 1 : 0);
            }
        }
      g_assert_true (found);
      /* (bookkeeping, the parts of an upload, the audits of a bucket and the
       * clusters of faces: local, keyed by their owner) */
      if (g_str_equal (expected_tables[i], "schema_migrations") || g_str_has_prefix (expected_tables[i], "sync_") ||
          g_str_equal (expected_tables[i], "upload_parts") || g_str_equal (expected_tables[i], "upload_audits") ||
          g_str_equal (expected_tables[i], "face_clusters"))
        continue;
      /* what field-by-field sync needs from every table */
      g_assert_true (has_column (catalog, expected_tables[i], "id"));
      g_assert_true (has_column (catalog, expected_tables[i], "updated_at"));
      g_assert_true (has_column (catalog, expected_tables[i], "deleted_at"));
      {
        g_autofree char *trigger = g_strdup_printf ("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
                                                    "AND name = '%s_touch'", expected_tables[i]);
        g_assert_cmpint (at_test_sql_int (catalog, trigger), ==, 1);
      }
    }
}

static void
test_reopen (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AtCatalog) again = NULL;

  g_object_unref (create_catalog (f));
  again = at_catalog_open (f->path, AT_CATALOG_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  /* no second migration on reopen */
  g_assert_cmpint (at_test_sql_int (again, "SELECT count(*) FROM schema_migrations"), ==, AT_CATALOG_SCHEMA_VERSION);
}

/* A catalog written at schema v1, with data, opens migrated to the current
 * version and keeps its rows. */
static void
test_migrate_forward (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AtCatalog) again = NULL;
  sqlite3 *db;

  {
    g_autoptr(AtCatalog) catalog = at_test_demo_catalog (f->dir, 5);
    g_free (f->path);
    f->path = g_strdup (at_catalog_get_path (catalog));
  }
  /* take it back to v1: what an older Atelier left on disk */
  g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
  {
    sqlite3_stmt *stmt;
    g_autoptr(GString) drop = g_string_new ("DROP TABLE sync_state; DROP TABLE sync_clock; DROP TABLE sync_outbox; DROP TABLE sync_inbox; DROP TABLE sync_conflicts; DROP TABLE sync_buckets; DROP TABLE sync_unknown; DROP TABLE sync_unknown_values; DROP TABLE sync_history; DROP TABLE upload_parts;");
    g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'sync_%'",
                                         -1, &stmt, NULL), ==, SQLITE_OK);
    while (sqlite3_step (stmt) == SQLITE_ROW)
      g_string_append_printf (drop, "DROP TRIGGER \"%s\";", sqlite3_column_text (stmt, 0));
    sqlite3_finalize (stmt);
    g_assert_cmpint (sqlite3_exec (db, drop->str, NULL, NULL, NULL), ==, SQLITE_OK);
  }
  g_assert_cmpint (sqlite3_exec (db, "DROP TABLE face_scans; DROP TABLE face_clusters; DROP TABLE previews; DROP TABLE photo_keywords; DROP TABLE photo_search; "
                                     "DROP TRIGGER photos_search_insert; DROP TRIGGER photos_search_update; "
                                     "DROP TRIGGER photos_search_delete; DROP INDEX photos_label_time; DROP INDEX photos_picked_time; DROP INDEX photos_body; "
                                     "DROP INDEX photos_cull; DROP INDEX uploads_target; ALTER TABLE uploads DROP COLUMN file_mtime; ALTER TABLE uploads DROP COLUMN part_checksums; ALTER TABLE uploads DROP COLUMN file_identity; DROP INDEX uploads_key; DROP INDEX photo_files_path; ALTER TABLE uploads DROP COLUMN endpoint; ALTER TABLE uploads DROP COLUMN check_first; DROP TABLE upload_audits; ALTER TABLE projects DROP COLUMN backup_originals; ALTER TABLE projects DROP COLUMN face_processing; ALTER TABLE people DROP COLUMN staff_id; CREATE INDEX photos_rating ON photos (rating) WHERE deleted_at IS NULL; "
                                     "DELETE FROM schema_migrations WHERE version > 1; "
                                     "PRAGMA user_version = 1", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  again = at_catalog_open (f->path, AT_CATALOG_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_cmpint (at_test_sql_int (again, "PRAGMA user_version"), ==, AT_CATALOG_SCHEMA_VERSION);
  g_assert_cmpint (at_test_sql_int (again, "SELECT max(version) FROM schema_migrations"), ==, AT_CATALOG_SCHEMA_VERSION);
  g_assert_cmpint (at_test_sql_int (again, "SELECT count(*) FROM previews"), ==, 0);
  g_assert_cmpint (at_test_sql_int (again, "SELECT count(*) FROM sqlite_master WHERE name = 'previews_touch'"), ==, 1);
  g_assert_cmpint (at_test_sql_int (again, "SELECT count(*) FROM photos"), ==, 5);
  /* rows from before sync wait in the outbox for the first push, whole */
  g_assert_cmpint (at_test_sql_int (again, "SELECT count(*) FROM sync_outbox WHERE tbl = 'photos' AND col = '*' "
                                           "AND json_extract(val, '$.id') = pk"), ==, 5);
}

typedef struct
{
  const char *id;
  const char *name;
  int         rating;
} Insert;

static gboolean
insert_studio (AtSqlConn *conn, gpointer data, GError **error)
{
  Insert *ins = data;
  return at_sql_exec_bound (conn, error, "INSERT INTO studios (id, name) VALUES (?1, ?2)", "tt", ins->id, ins->name);
}

static gboolean
update_studio_name (AtSqlConn *conn, gpointer data, GError **error)
{
  Insert *ins = data;
  return at_sql_exec_bound (conn, error, "UPDATE studios SET name = ?2 WHERE id = ?1", "tt", ins->id, ins->name);
}

static gboolean
insert_bad_photo (AtSqlConn *conn, gpointer data, GError **error)
{
  Insert *ins = data;
  return at_sql_exec_bound (conn, error,
                            "INSERT INTO photos (id, content_hash, file_size, original_name, file_name, library_path, rating) "
                            "VALUES (?1, 'h', 1, 'a.jpg', 'a.jpg', ?1, ?2)", "ti", ins->id, ins->rating);
}

static gboolean
insert_orphan_staff (AtSqlConn *conn, gpointer data, GError **error)
{
  Insert *ins = data;
  return at_sql_exec_bound (conn, error,
                            "INSERT INTO staff (id, studio_id, full_name, role) VALUES (?1, 'no-such-studio', 'X', 'editor')",
                            "t", ins->id);
}

static void
test_constraints_and_touch (Fixture *f, gconstpointer data)
{
  g_autoptr(AtCatalog) catalog = create_catalog (f);
  g_autoptr(GError) error = NULL;
  g_autofree char *id = at_uuid_v7_new ();
  g_autofree char *before = NULL, *after = NULL;
  Insert ins = { id, "Studio One", 0 };

  g_assert_true (at_catalog_write_sync (catalog, "studios", insert_studio, &ins, &error));
  g_assert_no_error (error);
  before = at_test_sql_text (catalog, "SELECT updated_at FROM studios");
  g_usleep (5000);
  ins.name = "Studio Two";
  g_assert_true (at_catalog_write_sync (catalog, "studios", update_studio_name, &ins, &error));
  after = at_test_sql_text (catalog, "SELECT updated_at FROM studios");
  g_assert_cmpstr (before, <, after);

  /* CHECK: a rating of 7 does not exist */
  {
    g_autofree char *pid = at_uuid_v7_new ();
    Insert bad = { pid, NULL, 7 };
    g_assert_false (at_catalog_write_sync (catalog, "photos", insert_bad_photo, &bad, &error));
    g_assert_error (error, AT_CATALOG_ERROR, AT_CATALOG_ERROR_CONSTRAINT);
    g_clear_error (&error);
  }
  /* FOREIGN KEY: staff of a studio that does not exist */
  {
    g_autofree char *sid = at_uuid_v7_new ();
    Insert orphan = { sid, NULL, 0 };
    g_assert_false (at_catalog_write_sync (catalog, "staff", insert_orphan_staff, &orphan, &error));
    g_assert_error (error, AT_CATALOG_ERROR, AT_CATALOG_ERROR_CONSTRAINT);
  }
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM photos"), ==, 0);
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM staff"), ==, 0);
}

typedef struct
{
  guint done;
  guint failed;
  guint changed;
} AsyncState;

static void
write_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  AsyncState *st = data;
  g_autoptr(GError) error = NULL;

  if (!at_catalog_write_finish (AT_CATALOG (source), result, &error))
    st->failed++;
  st->done++;
}

static void
changed_cb (AtCatalog *catalog, const char *table, AsyncState *st)
{
  g_assert_cmpstr (table, ==, "studios");
  st->changed++;
}

static void
free_insert (gpointer data)
{
  Insert *ins = data;
  g_free ((char *) ins->id);
  g_free ((char *) ins->name);
  g_free (ins);
}

/* Many queued writes share transactions; one that fails is rolled back
 * alone, and "changed" arrives on the main context after the commit. */
static void
test_writer_batches (Fixture *f, gconstpointer data)
{
  g_autoptr(AtCatalog) catalog = create_catalog (f);
  AsyncState st = { 0 };
  const guint n = 300;

  g_signal_connect (catalog, "changed::studios", G_CALLBACK (changed_cb), &st);
  for (guint i = 0; i < n; i++)
    {
      Insert *ins = g_new0 (Insert, 1);
      /* write 150 reuses the key of write 149: a primary key violation */
      ins->id = i == 150 ? g_strdup_printf ("key-%u", i - 1) : g_strdup_printf ("key-%u", i);
      ins->name = g_strdup_printf ("Studio %u", i);
      at_catalog_write_async (catalog, "studios", insert_studio, ins, free_insert, NULL, write_done_cb, &st);
    }
  while (st.done < n || st.changed == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (st.failed, ==, 1);
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM studios"), ==, n - 1);
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM studios WHERE name = 'Studio 150'"), ==, 0);
  /* batched: fewer commits than writes (each commit emits one "changed") */
  at_test_run_main_loop (50);
  g_assert_cmpuint (st.changed, >=, 1);
  g_assert_cmpuint (st.changed, <, n);
}

static gboolean
run_sql (AtSqlConn *conn, gpointer data, GError **error)
{
  return at_sql_conn_exec (conn, data, error);
}

/* A write that meets a refused row and goes on without it. */
static gboolean
add_staff_else_studio (AtSqlConn *conn, gpointer data, GError **error)
{
  g_autoptr(GError) refused = NULL;

  if (at_sql_conn_exec (conn, "INSERT INTO staff (id, studio_id, full_name, role) VALUES ('x3', 'none', 'No', 'editor')",
                        &refused))
    return TRUE;
  return at_sql_conn_exec (conn, "INSERT INTO studios (id, name) VALUES ('s3', 'Three')", error);
}

/* A write that defers its foreign keys (a pulled page does) leaves the next
 * write in its batch checked at once, and one that leaves a row without
 * its parent fails alone: the batch's other writes still commit. */
static void
test_writer_foreign_keys_per_write (Fixture *f, gconstpointer data)
{
  g_autoptr(AtCatalog) catalog = create_catalog (f);
  static const char *const writes[] = {
    "PRAGMA defer_foreign_keys = ON; INSERT INTO studios (id, name) VALUES ('s1', 'One')",
    "INSERT INTO staff (id, studio_id, full_name, role) VALUES ('x1', 'none', 'Nobody', 'editor')",
    "PRAGMA defer_foreign_keys = ON; INSERT INTO staff (id, studio_id, full_name, role) VALUES ('x2', 'none', 'No', 'editor')",
    "INSERT INTO studios (id, name) VALUES ('s2', 'Two')",
  };
  gboolean expected[] = { TRUE, FALSE, FALSE, TRUE };
  AsyncState st[G_N_ELEMENTS (writes)] = { { 0 } };
  AsyncState fallback = { 0 };
  /* held until the test has queued what follows: one batch */
  AtTestWriterHold *hold = at_test_hold_writer (catalog);

  for (guint i = 0; i < G_N_ELEMENTS (writes); i++)
    {
      at_catalog_write_async (catalog, "studios", run_sql, (gpointer) writes[i], NULL, NULL, write_done_cb, &st[i]);
      if (i == 0)
        at_catalog_write_async (catalog, "studios", add_staff_else_studio, NULL, NULL, NULL, write_done_cb, &fallback);
    }
  at_test_release_writer (hold);
  for (guint i = 0; i < G_N_ELEMENTS (writes); i++)
    {
      while (st[i].done == 0)
        g_main_context_iteration (NULL, TRUE);
      g_assert_cmpuint (st[i].failed, ==, expected[i] ? 0 : 1);
    }
  while (fallback.done == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (fallback.failed, ==, 0);
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM studios"), ==, 3);
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM staff"), ==, 0);
}

static void
test_cancelled_write (Fixture *f, gconstpointer data)
{
  g_autoptr(AtCatalog) catalog = create_catalog (f);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  AsyncState st = { 0 };
  Insert *ins = g_new0 (Insert, 1);

  ins->id = g_strdup ("cancelled");
  ins->name = g_strdup ("never");
  g_cancellable_cancel (cancellable);
  at_catalog_write_async (catalog, "studios", insert_studio, ins, free_insert, cancellable, write_done_cb, &st);
  while (st.done < 1)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (st.failed, ==, 1);
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM studios"), ==, 0);
}

static gboolean
fill_pages (AtSqlConn *conn, gpointer data, GError **error)
{
  /* about 1,500 pages of 4 KiB: more than one checkpoint's worth */
  return at_sql_conn_exec (conn, "CREATE TABLE IF NOT EXISTS filler (b BLOB); "
                                 "WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1500) "
                                 "INSERT INTO filler SELECT randomblob (3000) FROM n", error);
}

/* The WAL is copied back into the database by a thread of its own, not
 * inside COMMIT: whether writes pause (data: 1) or keep coming, they reuse
 * the WAL instead of growing it for ever. */
static void
test_wal_checkpointed (Fixture *f, gconstpointer data)
{
  g_autoptr(AtCatalog) catalog = create_catalog (f);
  g_autofree char *wal = g_strconcat (f->path, "-wal", NULL);
  gboolean pausing = GPOINTER_TO_INT (data);
  guint n = pausing ? 8 : 20;
  GStatBuf st;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_true (at_catalog_write_sync (catalog, NULL, fill_pages, NULL, &error));
      g_assert_no_error (error);
      if (pausing)
        g_usleep (G_USEC_PER_SEC / 5);
    }
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM filler"), ==, n * 1500);
  g_assert_cmpint (g_stat (wal, &st), ==, 0);
  /* one write is about 6 MB: unchecked, 50 and 125 MB; while writes keep
   * coming the WAL may grow to 64 MB */
  g_assert_cmpint (st.st_size, <, pausing ? 20 << 20 : 80 << 20);
}

static gpointer
reader_thread (gpointer data)
{
  return at_catalog_get_reader (AT_CATALOG (data), NULL);
}

static void
test_reader_per_thread (Fixture *f, gconstpointer data)
{
  g_autoptr(AtCatalog) catalog = create_catalog (f);
  AtSqlConn *mine = at_catalog_get_reader (catalog, NULL);
  GThread *t = g_thread_new ("reader", reader_thread, catalog);
  AtSqlConn *theirs = g_thread_join (t);

  g_assert_nonnull (mine);
  g_assert_nonnull (theirs);
  g_assert_true (mine != theirs);
  g_assert_true (at_catalog_get_reader (catalog, NULL) == mine);
  /* readers cannot write */
  g_assert_false (at_sql_conn_exec (mine, "INSERT INTO studios (id, name) VALUES ('x', 'y')", NULL));
}

/* ---- bad input: a clear error, and the file exactly as it was ---- */

static void
assert_refused_untouched (const char *path, AtCatalogOpenFlags flags, int code, const char *needle)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = g_file_test (path, G_FILE_TEST_EXISTS) ? at_test_hash_file (path) : NULL;
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  gboolean had_wal = g_file_test (wal, G_FILE_TEST_EXISTS);
  g_autoptr(AtCatalog) catalog = at_catalog_open (path, flags, &error);
  g_autofree char *after = NULL;

  g_assert_null (catalog);
  g_assert_error (error, AT_CATALOG_ERROR, code);
  g_assert_nonnull (strstr (error->message, needle));
  if (before != NULL)
    {
      after = at_test_hash_file (path);
      g_assert_cmpstr (before, ==, after);
    }
  else
    g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  if (!had_wal)
    {
      g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
      g_assert_false (g_file_test (shm, G_FILE_TEST_EXISTS));
    }
}

/* A catalog opened a second time in a process that has it open already
 * leaves the first one's locks in place: a file descriptor on the catalog
 * closed by other code than SQLite's drops every lock the process holds on
 * it, and another process closing the catalog then takes itself for the
 * last user and deletes the write-ahead log still in use here. */
static void
test_open_twice_keeps_locks (Fixture *f, gconstpointer data)
{
  g_autoptr(AtCatalog) first = create_catalog (f);
  g_autoptr(GError) error = NULL;
  AtCatalog *second;

  g_assert_true (at_test_sqlite_holds (f->path));
  second = at_catalog_open (f->path, AT_CATALOG_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  g_object_unref (second);
  g_assert_true (at_test_sqlite_holds (f->path));
  g_assert_cmpint (at_test_sql_int (first, "SELECT count(*) FROM studios"), >=, 0);
  g_assert_true (at_test_sqlite_holds (f->path));
}

static void
test_bad_not_sqlite (Fixture *f, gconstpointer data)
{
  g_assert_true (g_file_set_contents (f->path, "Dear client, here are your photos.\n", -1, NULL));
  assert_refused_untouched (f->path, AT_CATALOG_OPEN_DEFAULT, AT_CATALOG_ERROR_NOT_A_CATALOG, "not an SQLite database");
  assert_refused_untouched (f->path, AT_CATALOG_OPEN_CREATE, AT_CATALOG_ERROR_NOT_A_CATALOG, "not an SQLite database");
  /* read-only too (a photo on a locked card): said to be no catalog, not
   * read-only (copied somewhere writable, it would still be no catalog) */
  g_assert_cmpint (g_chmod (f->path, 0444), ==, 0);
  assert_refused_untouched (f->path, AT_CATALOG_OPEN_DEFAULT, AT_CATALOG_ERROR_NOT_A_CATALOG, "not an SQLite database");
  /* (a name that means something in a URI is still this file) */
  {
    g_autofree char *odd = g_build_filename (f->dir, "notes?v=2#top %41 é.txt", NULL);

    g_assert_true (g_file_set_contents (odd, "Dear client, here are your photos.\n", -1, NULL));
    g_assert_cmpint (g_chmod (odd, 0444), ==, 0);
    assert_refused_untouched (odd, AT_CATALOG_OPEN_DEFAULT, AT_CATALOG_ERROR_NOT_A_CATALOG, "not an SQLite database");
  }
}

static void
test_bad_other_sqlite (Fixture *f, gconstpointer data)
{
  sqlite3 *db;

  g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE recipes (name TEXT)", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  assert_refused_untouched (f->path, AT_CATALOG_OPEN_CREATE, AT_CATALOG_ERROR_NOT_A_CATALOG, "another application");
}

static void
test_bad_read_only (Fixture *f, gconstpointer data)
{
  g_object_unref (create_catalog (f));
  g_assert_cmpint (g_chmod (f->path, 0444), ==, 0);
  assert_refused_untouched (f->path, AT_CATALOG_OPEN_DEFAULT, AT_CATALOG_ERROR_READ_ONLY, "read-only");
}

static void
test_bad_newer_schema (Fixture *f, gconstpointer data)
{
  sqlite3 *db;

  g_object_unref (create_catalog (f));
  g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA user_version = 99", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  assert_refused_untouched (f->path, AT_CATALOG_OPEN_DEFAULT, AT_CATALOG_ERROR_TOO_NEW, "newer Atelier");
}

static void
test_bad_missing (Fixture *f, gconstpointer data)
{
  assert_refused_untouched (f->path, AT_CATALOG_OPEN_DEFAULT, AT_CATALOG_ERROR_NOT_FOUND, "catalog init");
}

static void
test_bad_empty_file (Fixture *f, gconstpointer data)
{
  g_assert_true (g_file_set_contents (f->path, "", 0, NULL));
  assert_refused_untouched (f->path, AT_CATALOG_OPEN_DEFAULT, AT_CATALOG_ERROR_NOT_A_CATALOG, "empty file");
}

static void
test_check_finds_problems (Fixture *f, gconstpointer data)
{
  g_autoptr(AtCatalog) catalog = create_catalog (f);
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *db;

  problems = at_catalog_check (catalog, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (problems->len, ==, 0);
  g_clear_pointer (&problems, g_ptr_array_unref);

  /* another program, with foreign keys off, leaves an orphan behind */
  g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "INSERT INTO staff (id, studio_id, full_name, role) "
                                     "VALUES ('s1', 'gone', 'Ghost', 'editor')", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  problems = at_catalog_check (catalog, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (problems->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (problems, 0), "staff"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/catalog/init-schema", test_init_schema);
  ADD ("/catalog/reopen", test_reopen);
  ADD ("/catalog/migrate-forward", test_migrate_forward);
  ADD ("/catalog/constraints-and-touch", test_constraints_and_touch);
  ADD ("/catalog/writer-batches", test_writer_batches);
  ADD ("/catalog/writer-foreign-keys-per-write", test_writer_foreign_keys_per_write);
  ADD ("/catalog/cancelled-write", test_cancelled_write);
  ADD ("/catalog/reader-per-thread", test_reader_per_thread);
  g_test_add ("/catalog/wal-checkpointed/pausing", Fixture, GINT_TO_POINTER (1), fixture_setup, test_wal_checkpointed,
              fixture_teardown);
  g_test_add ("/catalog/wal-checkpointed/busy", Fixture, GINT_TO_POINTER (0), fixture_setup, test_wal_checkpointed,
              fixture_teardown);
  ADD ("/catalog/check-finds-problems", test_check_finds_problems);
  ADD ("/catalog/open-twice-keeps-locks", test_open_twice_keeps_locks);
  ADD ("/catalog/bad/not-sqlite", test_bad_not_sqlite);
  ADD ("/catalog/bad/other-sqlite", test_bad_other_sqlite);
  ADD ("/catalog/bad/read-only", test_bad_read_only);
  ADD ("/catalog/bad/newer-schema", test_bad_newer_schema);
  ADD ("/catalog/bad/missing", test_bad_missing);
  ADD ("/catalog/bad/empty-file", test_bad_empty_file);
#undef ADD
  return g_test_run ();
}
