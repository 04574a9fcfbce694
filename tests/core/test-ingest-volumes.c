/* test-ingest-volumes.c — ingest from and to real exFAT volumes.
 *
 * Cards are exFAT images on loop devices, mounted by exfat-fuse under
 * /media/$USER as a desktop does; the card monitor must see them come and
 * go, a card is pulled mid-copy by killing its FUSE process, and small
 * volumes stand in for a full or read-only destination drive.
 */
#include "config.h"

#include <glib/gstdio.h>

#include "at-test-card.h"
#include "at-test-ingest.h"
#include "at-test-util.h"
#include "at-test-volume.h"

typedef AtTestIngest Fixture;

static void
items_changed_cb (GListModel *model, guint position, guint removed, guint added, gboolean *changed)
{
  *changed = TRUE;
}

static gboolean
is_counted (gpointer source)
{
  return at_ingest_source_get_counted (source);
}

static void
test_card_appears (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  AtTestCardInfo info;
  AtIngestSummary summary;
  g_autoptr(AtTestVolume) card = at_test_volume_new_card (f->dir, 64, 6, 200 * 1024,
                                            AT_TEST_CARD_RAW | AT_TEST_CARD_SIDECARS | AT_TEST_CARD_JUNK, &info);
  g_autoptr(AtCardMonitor) monitor = at_card_monitor_new (f->catalog);
  g_autoptr(AtIngestSource) source = NULL;
  guint before = g_list_model_get_n_items (G_LIST_MODEL (monitor));
  gboolean changed = FALSE;
  double seconds;

  g_signal_connect (monitor, "items-changed", G_CALLBACK (items_changed_cb), &changed);
  at_test_volume_mount (card, FALSE);
  seconds = at_test_wait_until (at_test_flag_is_set, &changed, 5);
  g_test_message ("the card was listed %.3f s after mounting", seconds);
  g_assert_cmpfloat (seconds, <, 1.0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (monitor)), ==, before + 1);
  source = g_list_model_get_item (G_LIST_MODEL (monitor), before);
  g_assert_cmpstr (at_ingest_source_get_path (source), ==, card->mount_point);
  g_assert_cmpstr (at_ingest_source_get_label (source), ==, card->label);
  g_assert_nonnull (at_ingest_source_get_mount (source));

  /* new versus already imported, counted on a worker */
  /* (polled: a count done before this line has already said so) */
  at_test_wait_until (is_counted, source, 30);
  g_assert_null (at_ingest_source_get_error (source));
  g_assert_cmpuint (at_ingest_source_get_counts (source)->captures_new, ==, info.n_captures);

  g_assert_true (at_test_ingest (f, card->mount_point, &summary, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (summary.copied, ==, info.n_files);
  at_ingest_summary_clear (&summary);
  at_test_ingest_assert_card_imported (f, card->mount_point, info.n_files);

  /* taken out: the card leaves the list */
  changed = FALSE;
  at_test_volume_unmount (card);
  seconds = at_test_wait_until (at_test_flag_is_set, &changed, 5);
  g_assert_cmpfloat (seconds, <, 1.0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (monitor)), ==, before);
}

static void
pull_volume (gpointer card)
{
  at_test_volume_pull (card);
}

static void
test_card_pulled (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  AtTestCardInfo info;
  AtIngestSummary summary;
  g_autoptr(AtTestVolume) card = at_test_volume_new_card (f->dir, 128, 8, 4 << 20, AT_TEST_CARD_RAW | AT_TEST_CARD_SIDECARS, &info);
  g_autoptr(GHashTable) hashes = NULL;
  AtTestIngestTrigger puller = { 4, pull_volume, card, FALSE };
  const char *sources[2] = { NULL, NULL };
  g_autofree char *mount_point = NULL;

  at_test_volume_mount (card, FALSE);
  hashes = at_test_hash_tree (card->mount_point, TRUE);
  /* the bytes were read for the hashes: unmount so the copy reads the card, not the cache */
  at_test_volume_unmount (card);
  at_test_volume_mount (card, FALSE);
  mount_point = g_strdup (card->mount_point);
  sources[0] = mount_point;

  g_assert_false (at_ingest_run (f->catalog, sources, &f->options, at_test_ingest_trigger_cb, &puller, &summary, NULL, &error));
  g_assert_true (puller.done);
  g_assert_error (error, AT_INGEST_ERROR, AT_INGEST_ERROR_SOURCE_GONE);
  g_test_message ("pulled: %s", error->message);
  g_clear_error (&error);
  at_ingest_summary_clear (&summary);

  /* what is cataloged is whole and verified; nothing half-written anywhere */
  at_test_ingest_assert_no_partials (f);
  g_assert_cmpint (at_test_sql_int (f->catalog, "SELECT count(*) FROM photo_files"), >=, 1);
  g_assert_cmpint (at_test_sql_int (f->catalog, "SELECT count(*) FROM photo_files"), <, info.n_files);
  g_assert_cmpint (at_test_sql_int (f->catalog, "SELECT count(*) FROM ingest_sessions WHERE status = 'failed'"), ==, 1);
  {
    g_autoptr(GHashTable) lib = at_test_hash_tree (f->library, FALSE);
    GHashTableIter iter;
    gpointer hash;

    g_hash_table_iter_init (&iter, lib);
    while (g_hash_table_iter_next (&iter, &hash, NULL))
      g_assert_true (g_hash_table_contains (hashes, hash));
  }

  /* re-inserted, the same card resumes and ends complete */
  at_test_volume_unmount (card);
  at_test_volume_mount (card, FALSE);
  g_assert_cmpstr (card->mount_point, ==, mount_point);
  g_assert_true (at_test_ingest (f, card->mount_point, &summary, &error));
  g_assert_no_error (error);
  at_ingest_summary_clear (&summary);
  at_test_ingest_assert_card_imported (f, card->mount_point, info.n_files);
  g_assert_cmpint (at_test_sql_int (f->catalog, "SELECT count(*) FROM photo_files"), ==, info.n_files);
  g_assert_cmpint (at_test_sql_int (f->catalog, "SELECT count(*) FROM ingest_sessions WHERE status = 'completed'"), ==, 1);
}

/* A destination drive on a volume of its own. */
static AtTestVolume *
use_drive (Fixture *f, guint size_mb, gboolean read_only)
{
  AtTestVolume *drive = at_test_volume_new (f->dir, "LIB", size_mb);

  at_test_volume_mount (drive, read_only);
  g_free (f->options.library);
  f->options.library = g_strdup (drive->mount_point);
  return drive;
}

static void
test_destination_read_only (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  AtTestCardInfo info;
  AtIngestSummary summary;
  g_autofree char *card = at_test_card_make (f->dir, "CARD", 3, 0, 0, &info);
  g_autoptr(AtTestVolume) drive = use_drive (f, 32, TRUE);

  g_assert_false (at_test_ingest (f, card, &summary, &error));
  g_assert_error (error, AT_INGEST_ERROR, AT_INGEST_ERROR_DEST_READ_ONLY);
  g_assert_nonnull (strstr (error->message, drive->mount_point));
  g_assert_nonnull (strstr (error->message, "library"));
  g_assert_cmpint (at_test_sql_int (f->catalog, "SELECT count(*) FROM photo_files"), ==, 0);
  at_ingest_summary_clear (&summary);
}

typedef struct
{
  const char *drive;
  char       *filler;
} Filler;

/* Something else fills the drive while the ingest runs. */
static void
fill_drive (gpointer data)
{
  Filler *filler = data;
  g_autofree char *block = g_malloc0 (1 << 16);
  FILE *out;

  filler->filler = g_build_filename (filler->drive, "filler.bin", NULL);
  out = fopen (filler->filler, "wb");
  g_assert_nonnull (out);
  while (fwrite (block, 1, 1 << 16, out) == 1 << 16 && fflush (out) == 0)
    ;
  fclose (out);
}

static void
test_destination_full (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  AtTestCardInfo info;
  AtIngestSummary summary;
  g_autofree char *big = at_test_card_make (f->dir, "BIG", 6, 4 << 20, AT_TEST_CARD_RAW, &info);
  g_autofree char *card = at_test_card_make (f->dir, "CARD", 6, 1 << 20, AT_TEST_CARD_RAW, &info);
  g_autoptr(AtTestVolume) drive = use_drive (f, 40, FALSE);
  Filler filler = { drive->mount_point, NULL };
  /* at the first verified file: the next batches are still to be written */
  AtTestIngestTrigger fill = { 1, fill_drive, &filler, FALSE };
  const char *sources[] = { card, NULL };

  /* known before starting: refused, and the message says which drive */
  g_assert_false (at_test_ingest (f, big, &summary, &error));
  g_assert_error (error, AT_INGEST_ERROR, AT_INGEST_ERROR_DEST_FULL);
  g_assert_nonnull (strstr (error->message, drive->mount_point));
  g_assert_cmpint (at_test_sql_int (f->catalog, "SELECT count(*) FROM photo_files"), ==, 0);
  g_clear_error (&error);
  at_ingest_summary_clear (&summary);

  /* full while copying: a clean stop, then the rest once there is room */
  g_assert_false (at_ingest_run (f->catalog, sources, &f->options, at_test_ingest_trigger_cb, &fill, &summary, NULL, &error));
  g_assert_nonnull (filler.filler);
  g_assert_error (error, AT_INGEST_ERROR, AT_INGEST_ERROR_DEST_FULL);
  g_assert_nonnull (strstr (error->message, drive->mount_point));
  g_test_message ("full: %s", error->message);
  g_clear_error (&error);
  at_ingest_summary_clear (&summary);
  at_test_ingest_assert_no_partials (f);
  g_assert_cmpint (at_test_sql_int (f->catalog, "SELECT count(*) FROM photo_files"), <, info.n_files);

  g_assert_cmpint (g_unlink (filler.filler), ==, 0);
  g_free (filler.filler);
  g_assert_true (at_test_ingest (f, card, &summary, &error));
  g_assert_no_error (error);
  at_ingest_summary_clear (&summary);
  at_test_ingest_assert_card_imported (f, card, info.n_files);
}

int
main (int argc, char **argv)
{
  g_autofree char *why = NULL;

  g_test_init (&argc, &argv, NULL);
  at_test_allow_vips_warnings ();
  g_assert_true (at_vips_init (NULL));
  /* these are the tests of real cards: a machine that cannot make them
   * fails here with the reason, rather than passing without them */
  why = at_test_volume_unavailable ();
  if (why != NULL)
    g_error ("exFAT card volumes cannot be made here: %s (the tests need root, /dev/fuse and loop devices)", why);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, at_test_ingest_setup, fn, at_test_ingest_teardown)
  ADD ("/volumes/card-appears", test_card_appears);
  ADD ("/volumes/card-pulled", test_card_pulled);
  ADD ("/volumes/destination-read-only", test_destination_read_only);
  ADD ("/volumes/destination-full", test_destination_full);
#undef ADD
  return g_test_run ();
}
