/* test-cli.c — atelier-cli as a user runs it: output, exit status, files. */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "at-test-cli.h"
#include "at-test-util.h"

static void
test_help_lists_commands (void)
{
  AtTestRun r = at_test_cli ("--help", NULL);

  g_assert_cmpint (r.status, ==, 0);
  for (const char *const *c = (const char *const[]) { "catalog init", "catalog info", "catalog check", "demo", NULL };
       *c != NULL; c++)
    g_assert_nonnull (strstr (r.out, *c));
  at_test_run_clear (&r);

  r = at_test_cli ("catalog", "frobnicate", NULL);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "unknown command"));
  at_test_run_clear (&r);
}

static void
test_init_info_json (void)
{
  g_autofree char *dir = at_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "studio.atelier", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *root, *tables;
  AtTestRun r = at_test_cli ("catalog", "init", "--catalog", path, NULL);

  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "Created catalog"));
  at_test_run_clear (&r);

  r = at_test_cli ("catalog", "info", "--catalog", path, "--json", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (json_parser_load_from_data (parser, r.out, -1, &error));
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpint (json_object_get_int_member (root, "schema_version"), ==, AT_CATALOG_SCHEMA_VERSION);
  tables = json_object_get_object_member (root, "tables");
  /* the data model, the catalog's own bookkeeping and the sync tables */
  g_assert_cmpuint (json_object_get_size (tables), ==, 50);
  g_assert_true (json_object_has_member (tables, "photos"));
  g_assert_true (json_object_has_member (tables, "audit_log"));
  g_assert_cmpint (json_object_get_int_member (tables, "photos"), ==, 0);
  at_test_run_clear (&r);

  r = at_test_cli ("catalog", "check", "--catalog", path, NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "sound"));
  at_test_run_clear (&r);

  /* init again: nothing to do, nothing changed */
  r = at_test_cli ("catalog", "init", "--catalog", path, NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "already exists"));
  at_test_run_clear (&r);
  at_test_rm_rf (dir);
}

static void
test_demo_and_info (void)
{
  g_autofree char *dir = at_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "demo.atelier", NULL);
  g_autofree char *library = g_build_filename (dir, "Pictures", NULL);
  AtTestRun r;

  g_assert_cmpint (g_mkdir (library, 0755), ==, 0);
  r = at_test_cli ("demo", "--catalog", path, "--library", library, "--photos", "24", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "24 photos"));
  at_test_run_clear (&r);

  r = at_test_cli ("catalog", "info", "--catalog", path, NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (g_regex_match_simple ("photos +24\\b", r.out, 0, 0));
  g_assert_true (g_regex_match_simple ("customers +6\\b", r.out, 0, 0));
  at_test_run_clear (&r);
  at_test_rm_rf (dir);
}

/* Bad input: exit 1, a message naming the problem, the file unchanged. */
static void
expect_refusal (const char *path, const char *needle, const char *command, const char *sub)
{
  g_autofree char *before = at_test_hash_file (path);
  g_autofree char *after = NULL;
  AtTestRun r = at_test_cli (command, sub, "--catalog", path, NULL);

  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, needle));
  g_assert_nonnull (strstr (r.err, path));
  after = at_test_hash_file (path);
  g_assert_cmpstr (before, ==, after);
  at_test_run_clear (&r);
}

static void
test_bad_catalogs (void)
{
  g_autofree char *dir = at_test_make_tmpdir ();
  g_autofree char *text = g_build_filename (dir, "notes.txt", NULL);
  g_autofree char *ro = g_build_filename (dir, "read-only.atelier", NULL);
  g_autofree char *newer = g_build_filename (dir, "newer.atelier", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing.atelier", NULL);
  sqlite3 *db;
  AtTestRun r;

  g_assert_true (g_file_set_contents (text, "JPEG\xff\xd8 not a catalog", -1, NULL));
  expect_refusal (text, "not an SQLite database", "catalog", "info");
  expect_refusal (text, "not an SQLite database", "catalog", "init");
  expect_refusal (text, "not an SQLite database", "catalog", "check");

  r = at_test_cli ("catalog", "init", "--catalog", ro, NULL);
  g_assert_cmpint (r.status, ==, 0);
  at_test_run_clear (&r);
  g_assert_cmpint (g_chmod (ro, 0444), ==, 0);
  expect_refusal (ro, "read-only", "catalog", "info");

  r = at_test_cli ("catalog", "init", "--catalog", newer, NULL);
  at_test_run_clear (&r);
  g_assert_cmpint (sqlite3_open (newer, &db), ==, SQLITE_OK);
  {
    g_autofree char *newer_version = g_strdup_printf ("PRAGMA user_version = %d", AT_CATALOG_SCHEMA_VERSION + 1);
    g_assert_cmpint (sqlite3_exec (db, newer_version, NULL, NULL, NULL), ==, SQLITE_OK);
  }
  sqlite3_close (db);
  expect_refusal (newer, "newer Atelier", "catalog", "info");

  r = at_test_cli ("catalog", "info", "--catalog", missing, NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "No catalog at"));
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
  at_test_run_clear (&r);
  at_test_rm_rf (dir);
}

static void
test_demo_missing_library (void)
{
  g_autofree char *dir = at_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "demo.atelier", NULL);
  g_autofree char *library = g_build_filename (dir, "EXTERNAL_SSD", "Library", NULL);
  AtTestRun r = at_test_cli ("demo", "--catalog", path, "--library", library, NULL);

  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "does not exist"));
  g_assert_nonnull (strstr (r.err, library));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (library, G_FILE_TEST_EXISTS));
  at_test_run_clear (&r);

  r = at_test_cli ("demo", "--catalog", path, "--photos", "-3", NULL);
  g_assert_cmpint (r.status, ==, 2);
  at_test_run_clear (&r);
  at_test_rm_rf (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cli/help", test_help_lists_commands);
  g_test_add_func ("/cli/init-info-json", test_init_info_json);
  g_test_add_func ("/cli/demo-info", test_demo_and_info);
  g_test_add_func ("/cli/bad-catalogs", test_bad_catalogs);
  g_test_add_func ("/cli/demo-missing-library", test_demo_missing_library);
  return g_test_run ();
}
