/* test-ingest.c — the ingest engine on real card trees and real folders. */
#include "config.h"

#include <glib/gstdio.h>

#include "at-test-card.h"
#include "at-test-ingest.h"
#include "at-test-util.h"

typedef AtTestIngest Fixture;

static void
test_basic (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  AtTestCardInfo info;
  AtIngestSummary summary;
  g_autofree char *card = at_test_card_make (f->dir, "EOS_DIGITAL", 10, 300 * 1024,
                                             AT_TEST_CARD_RAW | AT_TEST_CARD_SIDECARS | AT_TEST_CARD_ROLLOVER |
                                             AT_TEST_CARD_CORRUPT | AT_TEST_CARD_ODD | AT_TEST_CARD_JUNK, &info);

  g_assert_true (at_test_ingest (f, card, &summary, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (summary.files_total, ==, info.n_files);
  g_assert_cmpuint (summary.copied, ==, info.n_files);
  g_assert_cmpuint (summary.photos, ==, info.n_captures);
  g_assert_cmpuint (summary.failed, ==, 0);
  g_assert_cmpuint (summary.skipped_duplicate, ==, 0);
  at_test_ingest_assert_card_imported (f, card, info.n_files);

  g_assert_cmpint (at_test_sql_int (f->catalog, "SELECT count(*) FROM photos"), ==, info.n_captures);
  g_assert_cmpint (at_test_sql_int (f->catalog, "SELECT count(*) FROM photo_files"), ==, info.n_files);
  g_assert_cmpint (at_test_sql_int (f->catalog, "SELECT count(*) FROM ingest_files WHERE state <> 'cataloged'"), ==, 0);
  g_assert_cmpint (at_test_sql_int (f->catalog, "SELECT count(*) FROM ingest_sessions WHERE status = 'completed'"), ==, 1);
  /* what another application put in a sidecar comes in with the photo */
  {
    gint64 sidecars = at_test_sql_int (f->catalog, "SELECT count(*) FROM photo_files WHERE role = 'xmp'");
    g_assert_cmpint (sidecars, >, 0);
    g_assert_cmpint (at_test_sql_int (f->catalog, "SELECT count(*) FROM photos WHERE rating = 3 AND color_label = 'green' "
                                                  "AND id IN (SELECT photo_id FROM photo_files WHERE role = 'xmp')"), ==, sidecars);
    g_assert_cmpint (at_test_sql_int (f->catalog, "SELECT count(*) FROM photo_keywords WHERE keyword = 'Ceremony'"), ==, sidecars);
  }
  /* the grid's model knows the RAW + JPEG pairs (body A shoots both) */
  {
    g_autoptr(AtPhotoList) list = at_photo_list_new (f->catalog);
    guint pairs = 0;
    for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (list)); i++)
      {
        g_autoptr(AtPhoto) p = g_list_model_get_item (G_LIST_MODEL (list), i);
        pairs += at_photo_is_raw_jpeg_pair (p);
      }
    g_assert_cmpuint (pairs, ==, 10);
  }
  /* the RAW stands for its capture, and its JPEG and XMP share its name */
  g_assert_cmpint (at_test_sql_int (f->catalog, "SELECT count(*) FROM photos WHERE file_format = 'raw'"), ==, 10);
  g_assert_cmpint (at_test_sql_int (f->catalog,
      "SELECT count(*) FROM photo_files a JOIN photo_files b ON a.photo_id = b.photo_id AND a.id <> b.id "
      "WHERE substr(a.file_name, 1, instr(a.file_name, '.')) <> substr(b.file_name, 1, instr(b.file_name, '.'))"), ==, 0);
  /* capture times from EXIF, in UTC, with the camera's offset and sub-seconds */
  {
    g_autofree char *t = at_test_sql_text (f->catalog, "SELECT capture_time || ' ' || capture_offset FROM photos "
                                                       "WHERE original_name = 'IMG_0001.CR3'");
    g_assert_cmpstr (t, ==, "2026-06-13T12:00:00.000Z +02:00");
  }
  /* two bodies, same numbers: all kept apart */
  g_assert_cmpint (at_test_sql_int (f->catalog, "SELECT count(*) FROM photos WHERE original_name = 'IMG_0001.JPG'"), ==, 1);
  g_assert_cmpint (at_test_sql_int (f->catalog, "SELECT count(DISTINCT body_serial) FROM photos"), ==, 2);
  /* the corrupt files are copied and verified; only their metadata is reported */
  g_assert_cmpint (at_test_sql_int (f->catalog, "SELECT count(*) FROM photos WHERE original_name LIKE 'IMG_424%'"), ==, 2);
  {
    gboolean reported = FALSE;
    for (guint i = 0; i < summary.problems->len; i++)
      reported |= strstr (g_ptr_array_index (summary.problems, i), "IMG_4243.JPG") != NULL;
    g_assert_true (reported);
  }
  /* the project was created and the photos belong to it */
  g_assert_cmpint (at_test_sql_int (f->catalog, "SELECT count(*) FROM photos p JOIN projects j ON j.id = p.project_id "
                                                "WHERE j.name = 'Lindqvist & Okafor wedding'"), ==, info.n_captures);
  problems = at_catalog_check (f->catalog, &error);
  g_assert_cmpuint (problems->len, ==, 0);

  /* thumbnails and previews, from the JPEG when the RAW has no usable preview;
   * the two corrupt files get none and say so */
  g_assert_cmpuint (summary.previews, ==, info.n_captures - 2);
  g_assert_cmpfloat (summary.first_preview_seconds, >, 0);
  g_assert_cmpint (at_test_sql_int (f->catalog, "SELECT count(*) FROM previews"), ==, info.n_captures - 2);
  g_assert_cmpint (at_test_sql_int (f->catalog, "SELECT max(max(thumb_width, thumb_height)) FROM previews"), <=, AT_THUMB_SIZE);
  {
    g_autofree char *hash = at_test_sql_text (f->catalog, "SELECT content_hash FROM photos WHERE original_name = 'IMG_0002.JPG' LIMIT 1");
    g_autofree char *thumb = at_preview_path (f->options.cache_dir, hash, AT_PREVIEW_THUMB);
    g_autoptr(VipsImage) image = vips_image_new_from_file (thumb, NULL);
    g_assert_nonnull (image);
    g_assert_cmpint (MAX (vips_image_get_width (image), vips_image_get_height (image)), ==, 320);  /* never enlarged */
  }
  at_ingest_summary_clear (&summary);

  /* the same card again: nothing new, nothing touched */
  g_assert_true (at_test_ingest (f, card, &summary, &error));
  g_assert_cmpuint (summary.copied, ==, 0);
  g_assert_cmpuint (summary.skipped_duplicate, ==, info.n_files);
  at_test_ingest_assert_card_imported (f, card, info.n_files);
  g_assert_cmpint (at_test_sql_int (f->catalog, "SELECT count(*) FROM photos"), ==, info.n_captures);
  at_ingest_summary_clear (&summary);

  /* a sidecar written on the card since: it joins its photo, nothing else moves */
  {
    g_autofree char *xmp = g_build_filename (card, "DCIM", "100CANON", "IMG_0004.XMP", NULL);
    g_autofree char *joined = NULL;
    g_assert_true (g_file_set_contents (xmp, "<x:xmpmeta xmlns:x='adobe:ns:meta/'><!-- late --></x:xmpmeta>", -1, NULL));
    g_assert_true (at_test_ingest (f, card, &summary, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (summary.copied, ==, 1);
    g_assert_cmpuint (summary.skipped_duplicate, ==, info.n_files);
    at_test_ingest_assert_card_imported (f, card, info.n_files + 1);
    g_assert_cmpint (at_test_sql_int (f->catalog, "SELECT count(*) FROM photos"), ==, info.n_captures);
    g_assert_cmpint (at_test_sql_int (f->catalog, "SELECT count(*) FROM photo_files"), ==, info.n_files + 1);
    joined = at_test_sql_text (f->catalog,
        "SELECT count(*) FROM photo_files x JOIN photos p ON p.id = x.photo_id "
        "WHERE x.role = 'xmp' AND p.original_name = 'IMG_0004.CR3' "
        "AND substr(x.file_name, 1, length(x.file_name) - 4) = substr(p.file_name, 1, length(p.file_name) - 4)");
    g_assert_cmpstr (joined, ==, "1");
    at_ingest_summary_clear (&summary);
  }
}

/* Dual-slot body writing the same files to two cards: one copy. */
static void
test_mirrored_slots (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  AtTestCardInfo info;
  AtIngestSummary summary;
  g_autofree char *slot1 = at_test_card_make (f->dir, "SLOT1", 6, 64 * 1024, AT_TEST_CARD_RAW, &info);
  g_autofree char *slot2 = g_build_filename (f->dir, "SLOT2", NULL);
  g_autofree char *cmd = g_strdup_printf ("cp -a '%s' '%s'", slot1, slot2);
  AtTestCardInfo other_info;
  g_autofree char *other = at_test_card_make (f->dir, "SECOND_SHOOTER", 5, 48 * 1024, AT_TEST_CARD_RAW, &other_info);
  const char *sources[] = { slot1, slot2, other, NULL };

  /* the two slots and another photographer's card, all at once */
  g_assert_cmpint (system (cmd), ==, 0);
  g_assert_true (at_ingest_run (f->catalog, sources, &f->options, NULL, NULL, &summary, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (summary.copied, ==, info.n_files + other_info.n_files);
  g_assert_cmpuint (summary.skipped_duplicate, ==, info.n_files);
  g_assert_cmpuint (summary.files_total, ==, 2 * info.n_files + other_info.n_files);
  g_assert_cmpint (at_test_sql_int (f->catalog, "SELECT count(*) FROM ingest_sessions WHERE status = 'completed'"), ==, 3);
  g_assert_cmpint (at_test_sql_int (f->catalog, "SELECT count(*) FROM photos"), ==, info.n_captures + other_info.n_captures);
  {
    /* one of each slot's files and all of the other card's, nothing more */
    g_autoptr(GHashTable) both = at_test_hash_tree (slot1, TRUE);
    g_autoptr(GHashTable) b = at_test_hash_tree (other, TRUE);
    GHashTableIter iter;
    gpointer key, value;

    g_hash_table_iter_init (&iter, b);
    while (g_hash_table_iter_next (&iter, &key, &value))
      g_hash_table_insert (both, g_strdup (key), value);
    at_test_assert_imported_once (both, f->library, info.n_files + other_info.n_files);
    at_test_assert_imported_once (both, f->backup, info.n_files + other_info.n_files);
  }
  at_ingest_summary_clear (&summary);
}

/* A name already taken in the library is never overwritten. */
static void
test_collision (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  AtTestCardInfo info;
  AtIngestSummary summary;
  g_autofree char *card = at_test_card_make (f->dir, "CARD", 2, 0, 0, &info);
  g_autofree char *dir = g_build_filename (f->library, "2026", "2026-06-13", NULL);
  g_autofree char *taken = g_build_filename (dir, "IMG_0001_032021001234.jpg", NULL);
  g_autofree char *bak_dir = g_build_filename (f->backup, "2026", "2026-06-13", NULL);
  g_autofree char *theirs = NULL;

  g_free (f->options.file_template);
  f->options.file_template = g_strdup ("{original}_{serial}");
  g_free (f->options.folder_template);
  f->options.folder_template = g_strdup ("{year}/{eventdate}");
  /* that template cannot tell a 9999 → 0001 rollover apart: refused */
  g_assert_false (at_test_ingest (f, card, &summary, &error));
  g_assert_error (error, AT_INGEST_ERROR, AT_INGEST_ERROR_BAD_TEMPLATE);
  g_assert_nonnull (strstr (error->message, "same name"));
  g_clear_error (&error);

  g_free (f->options.file_template);
  f->options.file_template = g_strdup ("{original}_{serial}_{time}");
  g_free (taken);
  taken = g_build_filename (dir, "IMG_0001_032021001234_140000.jpg", NULL);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_assert_true (g_file_set_contents (taken, "the editor's retouched version", -1, NULL));
  theirs = at_test_hash_file (taken);

  g_assert_true (at_test_ingest (f, card, &summary, &error));
  g_assert_no_error (error);
  {
    g_autofree char *after = at_test_hash_file (taken);
    g_autofree char *ours = g_build_filename (dir, "IMG_0001_032021001234_140000_1.jpg", NULL);
    g_autofree char *recorded = at_test_sql_text (f->catalog, "SELECT collided_with FROM ingest_files WHERE collided_with IS NOT NULL");
    g_assert_cmpstr (after, ==, theirs);
    g_assert_true (g_file_test (ours, G_FILE_TEST_EXISTS));
    g_assert_cmpstr (recorded, ==, "2026/2026-06-13/IMG_0001_032021001234_140000.jpg");
  }
  g_assert_true (g_file_test (bak_dir, G_FILE_TEST_IS_DIR));
  at_ingest_summary_clear (&summary);
}

/* The card goes away mid-ingest; put back, the run resumes and completes. */
static void
pull_folder (gpointer data)
{
  const char *const *paths = data;   /* the card, where it goes */
  g_assert_cmpint (g_rename (paths[0], paths[1]), ==, 0);
}

static void
test_source_vanishes (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  AtTestCardInfo info;
  AtIngestSummary summary;
  g_autofree char *card = at_test_card_make (f->dir, "PULLED", 8, 256 * 1024, AT_TEST_CARD_RAW, &info);
  g_autofree char *gone = g_strconcat (card, ".gone", NULL);
  const char *sources[] = { card, NULL };
  const char *paths[] = { card, gone };
  AtTestIngestTrigger puller = { 5, pull_folder, (gpointer) paths, FALSE };
  g_autoptr(GHashTable) lib = NULL;

  g_assert_false (at_ingest_run (f->catalog, sources, &f->options, at_test_ingest_trigger_cb, &puller, &summary, NULL, &error));
  g_assert_true (puller.done);
  g_assert_error (error, AT_INGEST_ERROR, AT_INGEST_ERROR_SOURCE_GONE);
  g_clear_error (&error);
  at_ingest_summary_clear (&summary);

  /* what is cataloged is whole and verified; nothing half-written anywhere */
  lib = at_test_hash_tree (f->library, FALSE);
  g_assert_cmpint (at_test_sql_int (f->catalog, "SELECT count(*) FROM photo_files"), <, info.n_files);
  g_assert_cmpint (at_test_sql_int (f->catalog, "SELECT count(*) FROM ingest_sessions WHERE status = 'failed'"), ==, 1);
  at_test_ingest_assert_no_partials (f);

  /* while the card was out, the camera wrote a voice memo sidecar for a
   * capture that is journaled but not imported yet: it joins its capture */
  {
    g_autofree char *memo = g_build_filename (gone, "DCIM", "100EOSR6", "IMG_0008.WAV", NULL);
    g_assert_true (g_file_set_contents (memo, "RIFF\0\0\0\0WAVE late memo", 20, NULL));
  }
  g_assert_cmpint (g_rename (gone, card), ==, 0);
  g_assert_true (at_test_ingest (f, card, &summary, &error));
  g_assert_no_error (error);
  at_test_ingest_assert_card_imported (f, card, info.n_files + 1);
  g_assert_cmpint (at_test_sql_int (f->catalog, "SELECT count(*) FROM photo_files WHERE role = 'audio'"), ==, 1);
  g_assert_cmpint (at_test_sql_int (f->catalog,
      "SELECT count(*) FROM photo_files a JOIN photo_files b ON a.photo_id = b.photo_id "
      "WHERE a.role = 'audio' AND b.role = 'jpeg' AND substr(a.file_name, 1, length(a.file_name) - 3) = "
      "substr(b.file_name, 1, length(b.file_name) - 3)"), ==, 1);
  g_assert_cmpint (at_test_sql_int (f->catalog, "SELECT count(*) FROM photos"), ==, info.n_captures);
  g_assert_cmpint (at_test_sql_int (f->catalog, "SELECT count(*) FROM photo_files"), ==, info.n_files + 1);
  g_assert_cmpint (at_test_sql_int (f->catalog, "SELECT count(*) FROM ingest_sessions"), ==, 1);
  g_assert_cmpint (at_test_sql_int (f->catalog, "SELECT count(*) FROM ingest_sessions WHERE status = 'completed'"), ==, 1);
  at_ingest_summary_clear (&summary);
}

static void
test_bad_destinations (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  AtIngestSummary summary;
  AtTestCardInfo info;
  g_autofree char *card = at_test_card_make (f->dir, "CARD", 2, 0, 0, &info);
  g_autofree char *missing = g_build_filename (f->dir, "UNPLUGGED", NULL);
  g_autofree char *empty = g_build_filename (f->dir, "EMPTY", NULL);

  g_free (f->options.backup);
  f->options.backup = g_strdup (missing);
  g_assert_false (at_test_ingest (f, card, &summary, &error));
  g_assert_nonnull (strstr (error->message, "backup"));
  g_assert_nonnull (strstr (error->message, missing));
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
  g_assert_cmpint (at_test_sql_int (f->catalog, "SELECT count(*) FROM ingest_files"), ==, 0);
  g_clear_error (&error);

  g_free (f->options.backup);
  f->options.backup = g_strdup (f->backup);
  g_assert_cmpint (g_mkdir (empty, 0755), ==, 0);
  g_assert_false (at_test_ingest (f, empty, &summary, &error));
  g_assert_error (error, AT_INGEST_ERROR, AT_INGEST_ERROR_NO_MEDIA);
  at_ingest_summary_clear (&summary);
}

static void
test_templates (void)
{
  g_autoptr(GError) error = NULL;
  AtTemplateContext ctx = {
    .local_unix = 1781400725, /* 2026-06-14 01:32:05 wall time: after midnight, before 03:00 */
    .subsec_ms = 42, .day_start_hour = 3, .original = "IMG_0001", .model = "Canon EOS R5",
    .serial = "032021001234", .job = "LO001", .seq = 7, .dayseq = 3,
  };
  g_autofree char *name = at_ingest_template_expand ("{date}-{time}{subsec}_{model}_{original}_{seq}", &ctx);
  g_autofree char *folder = at_ingest_template_expand ("{year}/{eventdate}{job}", &ctx);
  g_autofree char *odd = at_ingest_sanitize_component ("a/b\\c:d*e?f\"g<h>i|j k.");

  g_assert_cmpstr (name, ==, "20260614-013205.042_Canon-EOS-R5_IMG_0001_0007");
  /* the reception after midnight still belongs to the wedding day */
  g_assert_cmpstr (folder, ==, "2026/2026-06-13_LO001");
  g_assert_cmpstr (odd, ==, "a_b_c_d_e_f_g_h_i_j-k");

  g_assert_true (at_ingest_template_validate ("{date}_{seq}", "{year}", &error));
  g_assert_true (at_ingest_template_validate ("{original}_{serial}_{date}{time}", NULL, &error));
  g_assert_false (at_ingest_template_validate ("{original}_{serial}_{date}", NULL, &error));
  g_clear_error (&error);
  g_assert_false (at_ingest_template_validate ("{original}", NULL, &error));
  g_assert_error (error, AT_INGEST_ERROR, AT_INGEST_ERROR_BAD_TEMPLATE);
  g_clear_error (&error);
  g_assert_false (at_ingest_template_validate ("{date}_{shutter}", NULL, &error));
  g_assert_nonnull (strstr (error->message, "{shutter}"));
  g_clear_error (&error);
  g_assert_false (at_ingest_template_validate ("{seq}", "../outside", &error));
  g_clear_error (&error);
  g_assert_false (at_ingest_template_validate ("{seq", NULL, &error));
}

/* RAW files with the camera's JPEG inside: the preview comes from it. */
static void
test_embedded_previews (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  AtTestCardInfo info;
  AtIngestSummary summary;
  g_autofree char *card = at_test_card_make (f->dir, "EOS_R5", 3, 0, AT_TEST_CARD_EMBEDDED, &info);

  g_assert_true (at_test_ingest (f, card, &summary, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < summary.problems->len; i++)
    g_test_message ("%s", (char *) g_ptr_array_index (summary.problems, i));
  g_assert_cmpuint (summary.previews, ==, info.n_captures);
  /* the DNG stands for its capture, with the time from its own EXIF */
  g_assert_cmpint (at_test_sql_int (f->catalog, "SELECT count(*) FROM photos WHERE file_format = 'raw'"), ==, 3);
  g_assert_cmpint (at_test_sql_int (f->catalog, "SELECT count(*) FROM photos WHERE file_format = 'raw' "
                                                "AND capture_time LIKE '2026-06-13T12:00:0%' AND body_serial = '032021001234'"), ==, 3);
  /* embedded 1600 px previews, not the 600 px TIFF image around them */
  g_assert_cmpint (at_test_sql_int (f->catalog, "SELECT count(*) FROM previews p JOIN photos ph ON ph.content_hash = p.content_hash "
                                                "WHERE ph.file_format = 'raw' AND p.source = 'embedded' AND p.preview_width = 1600 "
                                                "AND p.thumb_width = 400"), ==, 3);
  at_ingest_summary_clear (&summary);
}

/* What the Ingest page shows for a card: new versus already imported. */
static void
counted_cb (GObject *source, GParamSpec *pspec, gboolean *done)
{
  *done = TRUE;
}

static void
test_counts_and_sources (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AtCardMonitor) monitor = at_card_monitor_new (f->catalog);
  g_autoptr(AtIngestSource) source = NULL;
  g_autofree char *plain = g_build_filename (f->dir, "Downloads", NULL);
  AtIngestCounts counts;
  AtIngestSummary summary;
  AtTestCardInfo info;
  g_autofree char *card = at_test_card_make (f->dir, "EOS_R6", 5, 32 * 1024, AT_TEST_CARD_RAW | AT_TEST_CARD_SIDECARS, &info);
  gboolean done = FALSE;

  g_assert_true (at_card_monitor_is_card (card));
  g_assert_cmpint (g_mkdir (plain, 0755), ==, 0);
  g_assert_false (at_card_monitor_is_card (plain));

  g_assert_true (at_ingest_count (f->catalog, card, &counts, NULL, NULL, &error));
  g_assert_cmpuint (counts.files, ==, info.n_files);
  g_assert_cmpuint (counts.captures, ==, info.n_captures);
  g_assert_cmpuint (counts.captures_new, ==, info.n_captures);
  g_assert_cmpuint (counts.captures_imported, ==, 0);

  /* a folder added by hand is counted on a worker, result on this thread */
  source = at_card_monitor_add_folder (monitor, card);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (monitor)), >=, 1);
  g_signal_connect (source, "notify::counted", G_CALLBACK (counted_cb), &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (at_ingest_source_get_error (source));
  g_assert_cmpuint (at_ingest_source_get_counts (source)->captures_new, ==, info.n_captures);
  g_assert_cmpstr (at_ingest_source_get_label (source), ==, "EOS_R6");
  /* the bodies on the card, for the camera clock corrections */
  g_assert_cmpuint (g_hash_table_size (at_ingest_source_get_bodies (source)), ==, 2);
  g_assert_cmpstr (g_hash_table_lookup (at_ingest_source_get_bodies (source), "083033004321"), ==, "Canon EOS R6");

  g_assert_true (at_test_ingest (f, card, &summary, &error));
  at_ingest_summary_clear (&summary);
  g_assert_true (at_ingest_count (f->catalog, card, &counts, NULL, NULL, &error));
  g_assert_cmpuint (counts.captures_new, ==, 0);
  g_assert_cmpuint (counts.captures_imported, ==, info.n_captures);

  done = FALSE;
  at_ingest_source_recount (source, f->catalog);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (at_ingest_source_get_counts (source)->captures_imported, ==, info.n_captures);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  at_test_allow_vips_warnings ();
  g_assert_true (at_vips_init (NULL));
  g_test_add_func ("/ingest/templates", test_templates);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, at_test_ingest_setup, fn, at_test_ingest_teardown)
  ADD ("/ingest/basic-and-reinsert", test_basic);
  ADD ("/ingest/mirrored-slots", test_mirrored_slots);
  ADD ("/ingest/collision", test_collision);
  ADD ("/ingest/source-vanishes", test_source_vanishes);
  ADD ("/ingest/bad-destinations", test_bad_destinations);
  ADD ("/ingest/counts-and-sources", test_counts_and_sources);
  ADD ("/ingest/embedded-previews", test_embedded_previews);
#undef ADD
  return g_test_run ();
}
