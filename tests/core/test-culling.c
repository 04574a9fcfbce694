/* test-culling.c — ratings, labels and picks: shown at once, written behind, undone. */
#include "config.h"

#include "at-test-cli.h"
#include "at-test-util.h"

typedef struct
{
  char        *dir;
  AtCatalog   *catalog;
  AtPhotoList *list;
  AtCulling   *culling;
  guint        items_changed;
  char        *stored;   /* what stored() last read */
  guint        written;  /* "written" signals seen */
  GError      *write_error;   /* the last one's */
} Fixture;

static void
items_changed_cb (GListModel *model, guint position, guint removed, guint added, Fixture *f)
{
  f->items_changed++;
}

static void
culling_changed_cb (AtCulling *culling, char **ids, AtCullState *states, Fixture *f)
{
  at_photo_list_apply_states (f->list, (const char *const *) ids, states);
}

static void
culling_written_cb (AtCulling *culling, char **ids, const GError *error, Fixture *f)
{
  at_photo_list_states_written (f->list, (const char *const *) ids, error == NULL);
  f->written++;
  g_clear_error (&f->write_error);
  f->write_error = error ? g_error_copy (error) : NULL;
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->dir = at_test_make_tmpdir ();
  f->catalog = at_test_demo_catalog (f->dir, 40);
  f->list = at_photo_list_new (f->catalog);
  f->culling = at_culling_new (f->catalog);
  g_signal_connect (f->list, "items-changed", G_CALLBACK (items_changed_cb), f);
  g_signal_connect (f->culling, "changed", G_CALLBACK (culling_changed_cb), f);
  g_signal_connect (f->culling, "written", G_CALLBACK (culling_written_cb), f);
  /* a clean slate: no stars, labels or picks */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GListModel) all = G_LIST_MODEL (g_object_ref (f->list));
    guint n = g_list_model_get_n_items (all);
    g_autofree AtCullState *states = g_new0 (AtCullState, n);
    g_auto(GStrv) ids = g_new0 (char *, n + 1);

    for (guint i = 0; i < n; i++)
      {
        g_autoptr(AtPhoto) p = g_list_model_get_item (all, i);
        ids[i] = g_strdup (at_photo_get_id (p));
      }
    g_assert_true (at_culling_write_sync (f->catalog, (const char *const *) ids, states, n, &error));
    g_assert_no_error (error);
    at_test_run_main_loop (120);
    f->items_changed = 0;
  }
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->culling);
  g_clear_object (&f->list);
  g_clear_object (&f->catalog);
  at_test_rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->stored);
  g_clear_error (&f->write_error);
}

static AtPhoto *
item (Fixture *f, guint i)
{
  AtPhoto *p = g_list_model_get_item (G_LIST_MODEL (f->list), i);
  g_object_unref (p);   /* the list's cache holds it */
  return p;
}

/* The catalog's row for @p, as "rating label picked" (valid until the
 * next call). */
static const char *
stored (Fixture *f, AtPhoto *p)
{
  g_autofree char *sql = g_strdup_printf ("SELECT rating || ' ' || color_label || ' ' || picked FROM photos "
                                          "WHERE id = '%s'", at_photo_get_id (p));
  g_free (f->stored);
  f->stored = at_test_sql_text (f->catalog, sql);
  return f->stored;
}

static void
settle (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (at_catalog_flush (f->catalog, &error));
  g_assert_no_error (error);
  at_test_run_main_loop (120);   /* "changed" is coalesced over 50 ms */
}

static void
apply (Fixture *f, AtCullFields fields, int rating, AtLabel label, AtFlag flag, guint first, guint n)
{
  g_autofree AtPhoto **photos = g_new0 (AtPhoto *, n);
  AtCullChange change = { fields, rating, label, flag };

  for (guint i = 0; i < n; i++)
    photos[i] = item (f, first + i);
  at_culling_apply (f->culling, photos, n, &change);
}

static void
count_cb (GObject *object, GParamSpec *pspec, guint *count)
{
  (*count)++;
}

static void
test_apply_undo_redo (Fixture *f, gconstpointer data)
{
  AtPhoto *a = item (f, 0), *b = item (f, 1), *c = item (f, 2);
  guint notified = 0;

  g_signal_connect (a, "notify::rating", G_CALLBACK (count_cb), &notified);

  /* three stars on a and b: on screen before the catalog has it */
  apply (f, AT_CULL_RATING, 3, 0, 0, 0, 2);
  g_assert_cmpint (at_photo_get_rating (a), ==, 3);
  g_assert_cmpint (at_photo_get_rating (b), ==, 3);
  g_assert_cmpuint (notified, >=, 1);
  g_assert_true (at_culling_can_undo (f->culling));
  g_assert_false (at_culling_can_redo (f->culling));
  settle (f);
  g_assert_cmpstr (stored (f, a), ==, "3 none 0");

  /* reject a (rating -1, as xmp:Rating says it), pick b, red on both */
  apply (f, AT_CULL_FLAG, 0, 0, AT_FLAG_REJECTED, 0, 1);
  apply (f, AT_CULL_FLAG, 0, 0, AT_FLAG_PICKED, 1, 1);
  apply (f, AT_CULL_LABEL, 0, AT_LABEL_RED, 0, 0, 2);
  settle (f);
  g_assert_cmpstr (stored (f, a), ==, "-1 red 0");
  g_assert_cmpstr (stored (f, b), ==, "3 red 1");
  g_assert_cmpint (at_cull_state_get_flag (&(AtCullState){ -1, 0, FALSE }), ==, AT_FLAG_REJECTED);

  /* the same label again takes it off */
  apply (f, AT_CULL_LABEL, 0, AT_LABEL_RED, 0, 0, 2);
  g_assert_cmpstr (at_photo_get_color_label (a), ==, "none");
  /* stars on a rejected photo take the rejection back */
  apply (f, AT_CULL_RATING, 5, 0, 0, 0, 1);
  g_assert_cmpint (at_photo_get_rating (a), ==, 5);
  settle (f);
  g_assert_cmpstr (stored (f, a), ==, "5 none 0");

  /* undo, step by step, back to the start; the untouched photo stays */
  for (guint i = 0; i < 6; i++)
    g_assert_true (at_culling_undo (f->culling));
  g_assert_false (at_culling_undo (f->culling));
  g_assert_cmpint (at_photo_get_rating (a), ==, 0);
  g_assert_cmpint (at_photo_get_rating (b), ==, 0);
  g_assert_false (at_photo_get_picked (b));
  settle (f);
  g_assert_cmpstr (stored (f, a), ==, "0 none 0");
  g_assert_cmpstr (stored (f, b), ==, "0 none 0");
  g_assert_cmpstr (stored (f, c), ==, "0 none 0");

  /* redo twice: three stars, then the rejection */
  g_assert_true (at_culling_redo (f->culling));
  g_assert_true (at_culling_redo (f->culling));
  g_assert_cmpint (at_photo_get_rating (a), ==, -1);
  g_assert_cmpint (at_photo_get_rating (b), ==, 3);
  settle (f);
  g_assert_cmpstr (stored (f, a), ==, "-1 none 0");
  g_assert_cmpstr (stored (f, b), ==, "3 none 0");

  /* a new decision forgets what could be redone */
  apply (f, AT_CULL_RATING, 1, 0, 0, 2, 1);
  g_assert_false (at_culling_can_redo (f->culling));
  settle (f);

  /* the grid's objects stayed the same all along: no reset, no lost selection */
  g_assert_true (item (f, 0) == a);
  g_assert_cmpuint (f->items_changed, ==, 0);
}

/* A change written by someone else (the CLI, sync) reaches the same objects. */
static void
test_outside_change (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  AtPhoto *a = item (f, 5);
  const char *ids[] = { at_photo_get_id (a), NULL };
  AtCullState state = { 4, AT_LABEL_BLUE, TRUE };

  g_assert_true (at_culling_write_sync (f->catalog, ids, &state, 1, &error));
  at_test_run_main_loop (120);
  g_assert_cmpint (at_photo_get_rating (a), ==, 4);
  g_assert_cmpstr (at_photo_get_color_label (a), ==, "blue");
  g_assert_true (at_photo_get_picked (a));
  g_assert_cmpuint (f->items_changed, ==, 0);
}

static gboolean
rated_five (gpointer photo)
{
  return at_photo_get_rating (photo) == 5;
}

/* Another process (the CLI) changes the catalog file: the open list shows it. */
static void
test_other_process (Fixture *f, gconstpointer data)
{
  AtPhoto *a = item (f, 7);
  AtTestRun r = at_test_cli ("photos", "set", "--catalog", at_catalog_get_path (f->catalog),
                             at_photo_get_id (a), "--rating", "5", NULL);
  double seconds;

  g_assert_cmpint (r.status, ==, 0);
  at_test_run_clear (&r);
  seconds = at_test_wait_until (rated_five, a, 5);
  g_test_message ("seen %.2f s after the other process wrote", seconds);
  g_assert_true (item (f, 7) == a);
  g_assert_cmpuint (f->items_changed, ==, 0);
}

static gboolean
written_once (gpointer data)
{
  return ((Fixture *) data)->written > 0;
}

/* The list read again while a decision is still on its way to the catalog
 * (after another write's commit, or a sync's) shows the decision, not the
 * stored value: culling with auto-advance must not flicker back. */
static void
test_reread_keeps_unwritten (Fixture *f, gconstpointer data)
{
  AtPhoto *a = item (f, 3);
  AtTestWriterHold *hold = at_test_hold_writer (f->catalog);

  apply (f, AT_CULL_RATING | AT_CULL_LABEL, 4, AT_LABEL_GREEN, 0, 3, 1);
  at_photo_list_reload (f->list);
  g_assert_cmpstr (stored (f, a), ==, "0 none 0");
  g_assert_cmpint (at_photo_get_rating (a), ==, 4);
  g_assert_cmpstr (at_photo_get_color_label (a), ==, "green");
  /* a page read fresh (scrolled back to) shows it too */
  at_photo_list_set_sort (f->list, AT_PHOTO_SORT_NAME);
  at_photo_list_set_sort (f->list, AT_PHOTO_SORT_CAPTURE_TIME);
  g_assert_cmpint (at_photo_get_rating (item (f, 3)), ==, 4);
  g_assert_cmpuint (f->written, ==, 0);

  at_test_release_writer (hold);
  at_test_wait_until (written_once, f, 10);
  g_assert_no_error (f->write_error);
  settle (f);
  g_assert_cmpstr (stored (f, item (f, 3)), ==, "4 green 0");
  g_assert_cmpint (at_photo_get_rating (item (f, 3)), ==, 4);
}

/* A decision the catalog could not take is reported, and the list shows
 * what the catalog holds again instead of the decision. */
static void
test_write_fails (Fixture *f, gconstpointer data)
{
  AtPhoto *a = item (f, 6);

  at_test_refuse_photo_updates (f->catalog, "NEW.rating = 5");
  apply (f, AT_CULL_RATING, 2, 0, 0, 6, 1);
  at_test_wait_until (written_once, f, 10);
  g_assert_no_error (f->write_error);
  settle (f);   /* its "changed" too, which would read the list again */
  f->written = 0;

  apply (f, AT_CULL_RATING, 5, 0, 0, 6, 1);
  g_assert_cmpint (at_photo_get_rating (a), ==, 5);
  at_test_wait_until (written_once, f, 10);
  g_assert_nonnull (f->write_error);
  g_assert_nonnull (strstr (f->write_error->message, "disk is full"));
  settle (f);
  g_assert_cmpstr (stored (f, a), ==, "2 none 0");
  g_assert_cmpint (at_photo_get_rating (item (f, 6)), ==, 2);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  at_test_allow_vips_warnings ();
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/culling/apply-undo-redo", test_apply_undo_redo);
  ADD ("/culling/outside-change", test_outside_change);
  ADD ("/culling/other-process", test_other_process);
  ADD ("/culling/reread-keeps-unwritten", test_reread_keeps_unwritten);
  ADD ("/culling/write-fails", test_write_fails);
#undef ADD
  return g_test_run ();
}
