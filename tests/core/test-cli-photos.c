/* test-cli-photos.c — `photos list|set` and `xmp write|read` from a shell. */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "at-test-cli.h"
#include "at-test-util.h"

typedef struct
{
  char *dir;
  char *catalog;
  char *library;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  AtTestRun r;

  f->dir = at_test_make_tmpdir ();
  f->catalog = g_build_filename (f->dir, "c.atelier", NULL);
  f->library = g_build_filename (f->dir, "Pictures", NULL);
  g_assert_cmpint (g_mkdir (f->library, 0755), ==, 0);
  r = at_test_cli ("demo", "--catalog", f->catalog, "--library", f->library, "--photos", "12", NULL);
  g_assert_cmpint (r.status, ==, 0);
  at_test_run_clear (&r);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  at_test_rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->catalog);
  g_free (f->library);
}

/* `photos list --json` with extra filters: the parsed array. */
static JsonArray *
list (Fixture *f, const char *a, const char *b)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  AtTestRun r = at_test_cli ("photos", "list", "--catalog", f->catalog, "--json", a, b, NULL);
  JsonArray *array;

  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (json_parser_load_from_data (parser, r.out, -1, &error));
  array = json_array_ref (json_node_get_array (json_parser_get_root (parser)));
  at_test_run_clear (&r);
  return array;
}

static const char *
member (JsonArray *a, guint i, const char *name)
{
  return json_object_get_string_member (json_array_get_object_element (a, i), name);
}

static void
test_set_and_list (Fixture *f, gconstpointer data)
{
  g_autoptr(JsonArray) all = list (f, NULL, NULL);
  g_autoptr(JsonArray) red = NULL;
  g_autoptr(JsonArray) picked = NULL;
  g_autoptr(JsonArray) four = NULL;
  g_autofree char *a = NULL, *b = NULL;
  g_autofree char *before = NULL, *after = NULL;
  AtTestRun r;

  g_assert_cmpuint (json_array_get_length (all), ==, 12);
  a = g_strdup (member (all, 2, "id"));
  b = g_strdup (member (all, 3, "id"));
  /* a clean slate for the two */
  r = at_test_cli ("photos", "set", "--catalog", f->catalog, a, b, "--rating", "0", "--label", "none", "--flag", "none", NULL);
  g_assert_cmpint (r.status, ==, 0);
  at_test_run_clear (&r);

  r = at_test_cli ("photos", "set", "--catalog", f->catalog, a, b, "--rating", "4", "--label", "Red", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "2 photos changed"));
  at_test_run_clear (&r);
  r = at_test_cli ("photos", "set", "--catalog", f->catalog, b, "--flag", "picked", NULL);
  g_assert_cmpint (r.status, ==, 0);
  at_test_run_clear (&r);

  red = list (f, "--label", "red");
  g_assert_cmpuint (json_array_get_length (red), >=, 2);
  four = list (f, "--rating-min", "4");
  picked = list (f, "--flag", "picked");
  for (guint i = 0; i < json_array_get_length (picked); i++)
    g_assert_cmpstr (member (picked, i, "flag"), ==, "picked");
  {
    gboolean found = FALSE;
    for (guint i = 0; i < json_array_get_length (picked); i++)
      found |= g_str_equal (member (picked, i, "id"), b);
    g_assert_true (found);
  }
  for (guint i = 0; i < json_array_get_length (four); i++)
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (four, i), "rating"), >=, 4);

  /* an unknown id: refused, and nothing changed, not even the known one */
  before = at_test_hash_file (f->catalog);
  r = at_test_cli ("photos", "set", "--catalog", f->catalog, a, "no-such-photo", "--rating", "1", NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "no-such-photo"));
  at_test_run_clear (&r);
  {
    g_autoptr(JsonArray) again = list (f, "--rating-min", "4");
    g_assert_cmpuint (json_array_get_length (again), ==, json_array_get_length (four));
  }

  /* usage errors */
  r = at_test_cli ("photos", "set", "--catalog", f->catalog, a, "--rating", "9", NULL);
  g_assert_cmpint (r.status, ==, 2);
  at_test_run_clear (&r);
  r = at_test_cli ("photos", "list", "--catalog", f->catalog, "--label", "mauve", NULL);
  g_assert_cmpint (r.status, ==, 2);
  at_test_run_clear (&r);
  r = at_test_cli ("photos", "set", "--catalog", f->catalog, a, NULL);
  g_assert_cmpint (r.status, ==, 2);
  at_test_run_clear (&r);
}

/* Dates are the camera's: 23:30 UTC at +02:00 is the next morning there,
 * 01:00 UTC at -05:00 the evening before. */
static void
test_date_range (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AtCatalog) catalog = at_catalog_open (f->catalog, AT_CATALOG_OPEN_DEFAULT, &error);
  g_autoptr(JsonArray) all = list (f, NULL, NULL);
  g_autoptr(JsonArray) late = NULL, early = NULL, day = NULL, both = NULL;
  g_autofree char *sql = NULL;
  AtTestRun r;

  g_assert_no_error (error);
  at_test_sql_exec (catalog, "UPDATE photos SET capture_time = '2026-06-13T12:00:00.000Z', capture_offset = '+02:00'");
  sql = g_strdup_printf ("UPDATE photos SET capture_time = '2026-06-13T23:30:00.000Z' WHERE id = '%s'", member (all, 0, "id"));
  at_test_sql_exec (catalog, sql);
  g_free (sql);
  sql = g_strdup_printf ("UPDATE photos SET capture_time = '2026-06-13T01:00:00.000Z', capture_offset = '-05:00' "
                         "WHERE id = '%s'", member (all, 1, "id"));
  at_test_sql_exec (catalog, sql);

  late = list (f, "--from", "2026-06-14");
  g_assert_cmpuint (json_array_get_length (late), ==, 1);
  g_assert_cmpstr (member (late, 0, "id"), ==, member (all, 0, "id"));
  early = list (f, "--to", "2026-06-12");
  g_assert_cmpuint (json_array_get_length (early), ==, 1);
  g_assert_cmpstr (member (early, 0, "id"), ==, member (all, 1, "id"));
  {
    AtTestRun day_run = at_test_cli ("photos", "list", "--catalog", f->catalog, "--from", "2026-06-13", "--to", "2026-06-13",
                                     NULL);
    g_assert_cmpint (day_run.status, ==, 0);
    g_assert_nonnull (strstr (day_run.err, "10 photos"));
    at_test_run_clear (&day_run);
  }
  both = list (f, "--from", "2026-06-13");
  g_assert_cmpuint (json_array_get_length (both), ==, 11);

  r = at_test_cli ("photos", "list", "--catalog", f->catalog, "--from", "2026-02-30", NULL);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "2026-02-30"));
  at_test_run_clear (&r);
  r = at_test_cli ("photos", "list", "--catalog", f->catalog, "--to", "13/06/2026", NULL);
  g_assert_cmpint (r.status, ==, 2);
  at_test_run_clear (&r);
}

/* Stars and labels go out to a sidecar exiv2 reads, and come back in. */
static void
test_xmp_round_trip (Fixture *f, gconstpointer data)
{
  g_autoptr(JsonArray) all = list (f, NULL, NULL);
  g_autofree char *id = g_strdup (member (all, 0, "id"));
  g_autofree char *image = g_build_filename (f->library, member (all, 0, "library_path"), NULL);
  g_autofree char *sidecar = NULL;
  g_autofree char *printed = NULL;
  g_autofree char *bad = NULL, *bad_hash = NULL, *bad_hash_after = NULL;
  AtTestRun r;

  r = at_test_cli ("photos", "set", "--catalog", f->catalog, id, "--rating", "5", "--label", "blue", "--flag", "picked", NULL);
  g_assert_cmpint (r.status, ==, 0);
  at_test_run_clear (&r);
  r = at_test_cli ("xmp", "write", "--catalog", f->catalog, "--library", f->library, id, NULL);
  g_assert_cmpint (r.status, ==, 0);
  at_test_run_clear (&r);

  sidecar = at_xmp_sidecar_path (image, AT_SIDECAR_ADOBE);
  {
    const char *argv[] = { "exiv2", "-q", "-PXkv", sidecar, NULL };
    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                                 NULL, NULL, &printed, NULL, NULL, NULL));
  }
  g_assert_true (g_regex_match_simple ("Xmp.xmp.Rating +5\\n", printed, 0, 0));
  g_assert_true (g_regex_match_simple ("Xmp.xmp.Label +Blue\\n", printed, 0, 0));

  /* someone else rejects it in their editor; reading brings that in */
  {
    AtXmpData theirs;
    g_autoptr(GError) error = NULL;
    at_xmp_data_init (&theirs);
    theirs.state = (AtCullState) { -1, AT_LABEL_YELLOW, FALSE };
    g_ptr_array_add (theirs.keywords, g_strdup ("Family|Grandparents"));
    g_assert_true (at_xmp_sidecar_write (sidecar, &theirs, &error));
    at_xmp_data_clear (&theirs);
  }
  r = at_test_cli ("xmp", "read", "--catalog", f->catalog, "--library", f->library, id, NULL);
  g_assert_cmpint (r.status, ==, 0);
  at_test_run_clear (&r);
  {
    g_autoptr(JsonArray) rejected = list (f, "--flag", "rejected");
    g_autoptr(JsonArray) by_keyword = list (f, "--text", "Grandparents");
    gboolean found = FALSE;
    for (guint i = 0; i < json_array_get_length (rejected); i++)
      found |= g_str_equal (member (rejected, i, "id"), id) && g_str_equal (member (rejected, i, "label"), "yellow");
    g_assert_true (found);
    g_assert_cmpuint (json_array_get_length (by_keyword), ==, 1);
    g_assert_cmpstr (member (by_keyword, 0, "id"), ==, id);
  }

  /* a sidecar that is not XMP: reported, exit 1, left as it was */
  bad = at_xmp_sidecar_path (image, AT_SIDECAR_DARKTABLE);
  g_assert_true (g_file_set_contents (bad, "not xmp at all", -1, NULL));
  bad_hash = at_test_hash_file (bad);
  r = at_test_cli ("xmp", "write", "--catalog", f->catalog, "--library", f->library, "--style", "darktable", id, NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "not a valid XMP sidecar"));
  at_test_run_clear (&r);
  bad_hash_after = at_test_hash_file (bad);
  g_assert_cmpstr (bad_hash_after, ==, bad_hash);
}

static guint
count_in (Fixture *f, const char *option, const char *value)
{
  g_autoptr(JsonArray) a = list (f, option, value);
  return json_array_get_length (a);
}

static void
test_albums_and_keywords (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) all = list (f, NULL, NULL);
  g_autofree char *a = g_strdup (member (all, 0, "id"));
  g_autofree char *b = g_strdup (member (all, 1, "id"));
  g_autofree char *number = NULL;
  AtTestRun r;

  {
    g_autoptr(AtCatalog) catalog = at_catalog_open (f->catalog, AT_CATALOG_OPEN_DEFAULT, &error);
    g_assert_no_error (error);
    number = at_test_sql_text (catalog, "SELECT project_number FROM projects ORDER BY project_number LIMIT 1");
  }

  r = at_test_cli ("albums", "create", "--catalog", f->catalog, "--project", number, "--name", "Client favourites", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (g_regex_match_simple ("^[0-9a-f-]{36}\n$", r.out, 0, 0));
  at_test_run_clear (&r);
  r = at_test_cli ("albums", "create", "--catalog", f->catalog, "--project", "no such project", "--name", "x", NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "no such project"));
  at_test_run_clear (&r);
  r = at_test_cli ("albums", "create", "--catalog", f->catalog, "--project", number, "--name", "x", "--type", "scrapbook", NULL);
  g_assert_cmpint (r.status, ==, 1);
  at_test_run_clear (&r);

  r = at_test_cli ("albums", "add", "--catalog", f->catalog, "--album", "Client favourites", a, b, NULL);
  g_assert_cmpint (r.status, ==, 0);
  at_test_run_clear (&r);
  g_assert_cmpuint (count_in (f, "--album", "Client favourites"), ==, 2);
  /* an unknown photo: refused, the album unchanged */
  r = at_test_cli ("albums", "remove", "--catalog", f->catalog, "--album", "Client favourites", a, "nope", NULL);
  g_assert_cmpint (r.status, ==, 1);
  at_test_run_clear (&r);
  g_assert_cmpuint (count_in (f, "--album", "Client favourites"), ==, 2);
  r = at_test_cli ("albums", "remove", "--catalog", f->catalog, "--album", "Client favourites", a, NULL);
  g_assert_cmpint (r.status, ==, 0);
  at_test_run_clear (&r);
  r = at_test_cli ("albums", "rename", "--catalog", f->catalog, "--album", "Client favourites", "--name", "Album picks", NULL);
  g_assert_cmpint (r.status, ==, 0);
  at_test_run_clear (&r);
  g_assert_cmpuint (count_in (f, "--album", "Album picks"), ==, 1);
  g_assert_cmpuint (count_in (f, "--album", "Client favourites"), ==, 0);

  /* keywords on several photos, found by text, taken off again */
  r = at_test_cli ("photos", "set", "--catalog", f->catalog, a, b, "--add-keyword", "People|Bride",
                   "--add-keyword", "Ceremony", NULL);
  g_assert_cmpint (r.status, ==, 0);
  at_test_run_clear (&r);
  g_assert_cmpuint (count_in (f, "--text", "Bride"), ==, 2);
  g_assert_cmpuint (count_in (f, "--text", "ceremony"), ==, 2);
  r = at_test_cli ("photos", "set", "--catalog", f->catalog, b, "--remove-keyword", "Ceremony", NULL);
  g_assert_cmpint (r.status, ==, 0);
  at_test_run_clear (&r);
  g_assert_cmpuint (count_in (f, "--text", "ceremony"), ==, 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/cli/photos/date-range", test_date_range);
  ADD ("/cli-photos/set-and-list", test_set_and_list);
  ADD ("/cli-photos/xmp-round-trip", test_xmp_round_trip);
  ADD ("/cli-photos/albums-and-keywords", test_albums_and_keywords);
#undef ADD
  return g_test_run ();
}
