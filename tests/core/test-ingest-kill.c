/* test-ingest-kill.c — SIGKILL atelier-cli ingest at random moments, then
 * let it finish: every card file must end up exactly once in the library
 * and once in the backup, byte for byte, with no .partial left, and the
 * catalog must list each capture once. */
#include "config.h"

#include <signal.h>
#include <glib/gstdio.h>

#include "at-test-card.h"
#include "at-test-util.h"

#define TRIALS 20

static GSubprocess *
spawn_ingest (const char *card,
              const char *catalog,
              const char *library,
              const char *backup)
{
  g_autoptr(GError) error = NULL;
  GSubprocess *p = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
                                     g_getenv ("AT_CLI"), "ingest", card, "--catalog", catalog,
                                     "--library", library, "--backup", backup, "--project", "Kill test", NULL);
  g_assert_no_error (error);
  return p;
}

/* Whether any file has landed under @dir yet. */
static gboolean
has_a_file (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR) ? has_a_file (path) : TRUE)
        return TRUE;
    }
  return FALSE;
}

/* Ctrl-C stops it cleanly after the file being copied, with the shell's
 * status for it (130); run again, it finishes the card. */
static void
test_interrupt_and_resume (void)
{
  g_autofree char *dir = at_test_make_tmpdir ();
  g_autofree char *catalog_path = g_build_filename (dir, "catalog.atelier", NULL);
  g_autofree char *library = g_build_filename (dir, "Library", NULL);
  g_autofree char *backup = g_build_filename (dir, "Backup", NULL);
  g_autoptr(GHashTable) card_hashes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) p = NULL;
  g_autofree char *card = NULL;
  AtTestCardInfo info;
  gint64 deadline;

  g_assert_cmpint (g_mkdir (library, 0755), ==, 0);
  g_assert_cmpint (g_mkdir (backup, 0755), ==, 0);
  card = at_test_card_make (dir, "EOS_R5", 120, 1536 * 1024, AT_TEST_CARD_RAW | AT_TEST_CARD_SIDECARS, &info);
  card_hashes = at_test_hash_tree (card, TRUE);

  p = spawn_ingest (card, catalog_path, library, backup);
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (!has_a_file (library) && g_get_monotonic_time () < deadline)
    g_usleep (2000);
  g_subprocess_send_signal (p, SIGINT);
  g_assert_true (g_subprocess_wait (p, NULL, &error));
  g_assert_true (g_subprocess_get_if_exited (p));
  g_assert_cmpint (g_subprocess_get_exit_status (p), ==, 130);
  g_clear_object (&p);
  /* stopped short of the card's end */
  {
    g_autoptr(GHashTable) got = at_test_hash_tree (library, TRUE);

    g_assert_cmpuint (g_hash_table_size (got), <, info.n_files);
  }

  p = spawn_ingest (card, catalog_path, library, backup);
  g_assert_true (g_subprocess_wait_check (p, NULL, &error));
  g_assert_no_error (error);
  at_test_assert_imported_once (card_hashes, library, info.n_files);
  at_test_assert_imported_once (card_hashes, backup, info.n_files);
  at_test_rm_rf (dir);
}

static void
test_kill_and_resume (void)
{
  g_autofree char *dir = at_test_make_tmpdir ();
  g_autofree char *catalog_path = g_build_filename (dir, "catalog.atelier", NULL);
  g_autofree char *library = g_build_filename (dir, "Library", NULL);
  g_autofree char *backup = g_build_filename (dir, "Backup", NULL);
  g_autoptr(GRand) rand = g_rand_new ();
  g_autoptr(GHashTable) card_hashes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(AtCatalog) catalog = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autofree char *card = NULL;
  AtTestCardInfo info;
  gint64 full_us;
  guint killed = 0;

  g_assert_cmpint (g_mkdir (library, 0755), ==, 0);
  g_assert_cmpint (g_mkdir (backup, 0755), ==, 0);
  card = at_test_card_make (dir, "EOS_R5", 24, 1536 * 1024,
                            AT_TEST_CARD_RAW | AT_TEST_CARD_SIDECARS | AT_TEST_CARD_ROLLOVER, &info);
  card_hashes = at_test_hash_tree (card, TRUE);

  /* how long one uninterrupted run takes, on a scratch copy */
  {
    g_autofree char *scratch_cat = g_build_filename (dir, "scratch.atelier", NULL);
    g_autofree char *scratch_lib = g_build_filename (dir, "ScratchLib", NULL);
    g_autofree char *scratch_bak = g_build_filename (dir, "ScratchBak", NULL);
    g_autoptr(GSubprocess) p = NULL;
    gint64 t0;

    g_assert_cmpint (g_mkdir (scratch_lib, 0755), ==, 0);
    g_assert_cmpint (g_mkdir (scratch_bak, 0755), ==, 0);
    t0 = g_get_monotonic_time ();
    p = spawn_ingest (card, scratch_cat, scratch_lib, scratch_bak);
    g_assert_true (g_subprocess_wait_check (p, NULL, &error));
    full_us = g_get_monotonic_time () - t0;
    at_test_rm_rf (scratch_lib);
    at_test_rm_rf (scratch_bak);
  }
  g_test_message ("one full run: %.0f ms; seed %u", full_us / 1000.0, g_test_rand_int ());

  /* Each trial: one to three kills at random moments, then a run that must
   * finish; check; start over from an empty library. */
  for (guint trial = 0; trial < TRIALS; trial++)
    {
      guint kills = (guint) g_rand_int_range (rand, 1, 4);
      gint64 window = full_us;
      guint hits = 0;

      /* until the wanted number of kills landed on a running ingest; a run
       * that finished first narrows the window */
      while (hits < kills)
        {
          g_autoptr(GSubprocess) p = spawn_ingest (card, catalog_path, library, backup);
          guint delay_us = (guint) g_rand_int_range (rand, 1000, (gint32) MAX (2000, window));

          g_usleep (delay_us);
          g_subprocess_send_signal (p, SIGKILL);
          g_subprocess_wait (p, NULL, NULL);
          if (g_subprocess_get_if_signaled (p) && g_subprocess_get_term_sig (p) == SIGKILL)
            hits++;
          else
            window = MAX (2000, window / 2);
        }
      killed += hits;

      {
        g_autoptr(GSubprocess) p = spawn_ingest (card, catalog_path, library, backup);
        g_assert_true (g_subprocess_wait_check (p, NULL, &error));
        g_assert_no_error (error);
      }
      at_test_assert_imported_once (card_hashes, library, info.n_files);
      at_test_assert_imported_once (card_hashes, backup, info.n_files);

      catalog = at_catalog_open (catalog_path, AT_CATALOG_OPEN_DEFAULT, &error);
      g_assert_no_error (error);
      g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM photos"), ==, info.n_captures);
      g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM photo_files"), ==, info.n_files);
      g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(DISTINCT library_path) FROM photo_files"), ==, info.n_files);
      g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM ingest_sessions WHERE status <> 'completed'"), ==, 0);
      problems = at_catalog_check (catalog, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (problems->len, ==, 0);
      g_clear_pointer (&problems, g_ptr_array_unref);
      g_clear_object (&catalog);

      /* start the next trial from nothing */
      at_test_rm_rf (library);
      at_test_rm_rf (backup);
      g_assert_cmpint (g_mkdir (library, 0755), ==, 0);
      g_assert_cmpint (g_mkdir (backup, 0755), ==, 0);
      {
        g_autofree char *wal = g_strconcat (catalog_path, "-wal", NULL);
        g_autofree char *shm = g_strconcat (catalog_path, "-shm", NULL);
        g_unlink (catalog_path);
        g_unlink (wal);
        g_unlink (shm);
      }
    }
  g_test_message ("%u runs were killed mid-ingest over %d trials", killed, TRIALS);
  g_assert_cmpuint (killed, >=, TRIALS);

  g_clear_object (&catalog);
  at_test_rm_rf (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_assert_true (at_vips_init (NULL));
  g_test_add_func ("/ingest/kill-and-resume", test_kill_and_resume);
  g_test_add_func ("/ingest/interrupt-and-resume", test_interrupt_and_resume);
  return g_test_run ();
}
