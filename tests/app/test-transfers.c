/* test-transfers.c — the Uploads button and its popover in the real window
 * under Xvfb, against the S3 test server (through a proxy that holds each
 * part back, so an upload is seen under way): a project chosen and backed
 * up from the popover, its totals and its files in flight on screen (a
 * screenshot), paused and resumed, and every original in the bucket. */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "at-test-app.h"
#include "at-test-s3.h"
#include "at-test-util.h"
#include "at-transfers-button.h"

#define MIB (1024 * 1024)

static AtApplication *app;

static gboolean
queue_exists (gpointer button)
{
  return at_transfers_button_get_queue (button) != NULL;
}

typedef struct
{
  AtTransfersButton *button;
  AtUploadQueue     *queue;   /* (unowned: compared only) */
} QueueOf;

/* The button has another queue than @data's (its storage set anew). */
static gboolean
queue_replaced (gpointer data)
{
  QueueOf *q = data;
  AtUploadQueue *now = at_transfers_button_get_queue (q->button);

  return now != NULL && now != q->queue;
}

/* under way long enough for a speed and a time left */
static gboolean
some_sent (gpointer button)
{
  AtUploadProgress p;

  at_upload_queue_get_progress (at_transfers_button_get_queue (button), &p);
  return p.bytes_done >= 5 * MIB && p.bytes_per_second > 0 && p.seconds_left >= 0;
}

static gboolean
is_label_with (GtkWidget *widget, gconstpointer part)
{
  return GTK_IS_LABEL (widget) && strstr (gtk_label_get_text (GTK_LABEL (widget)), part) != NULL;
}

/* A label under @root whose text holds @part. */
static GtkLabel *
label_with (GtkWidget *root, const char *part)
{
  return GTK_LABEL (at_test_find_widget_by (root, is_label_with, part));
}

/* Neither sending nor looking in the bucket: a queue's first start looks
 * first, and is not running while it does (a slow machine is still looking
 * when a fixed wait is over). */
static gboolean
at_rest (gpointer button)
{
  AtUploadQueue *queue = at_transfers_button_get_queue (button);

  return !at_upload_queue_is_running (queue) && !at_upload_queue_is_checking (queue);
}

/* Clicks @widget (a button, a check) while the catalog's writer is held
 * 1.5 s: the click must not wait for it. */
static void
click_while_writer_held (AtCatalog *catalog, gpointer widget)
{
  gint64 t0;

  g_assert_nonnull (widget);
  at_test_hold_writer_for (catalog, 1500);
  t0 = g_get_monotonic_time ();
  if (GTK_IS_CHECK_BUTTON (widget))
    gtk_check_button_set_active (widget, !gtk_check_button_get_active (widget));
  else
    g_signal_emit_by_name (widget, "clicked");
  g_assert_cmpint (g_get_monotonic_time () - t0, <, 500 * 1000);
}

static gboolean
under_way (gpointer button)
{
  return !at_rest (button);
}

static void
test_transfers (void)
{
  g_autoptr(GError) error = NULL;
  AtTestS3 *s3 = at_test_s3_start ();
  AtTestS3 *slow = at_test_s3_proxy (s3, 0, 0, 250);
  g_autofree char *dir = at_test_make_tmpdir ();
  g_autoptr(AtCatalog) catalog = at_test_demo_catalog (dir, 6);
  g_autofree char *library = g_build_filename (dir, "library", NULL);
  GSettings *settings = at_application_get_settings (app);
  g_autoptr(AtS3Client) direct = NULL;
  AtTransfersButton *button;
  GtkWidget *popover;
  GtkButton *pause;
  AtWindow *window;
  gint64 files;
  g_autofree char *missing = NULL;
  g_autofree char *away = NULL;

  /* the first two originals big enough to go in parts */
  for (int i = 0; i < 2; i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT library_path FROM photo_files WHERE role IN ('raw', 'jpeg') "
                                              "ORDER BY library_path LIMIT 1 OFFSET %d", i);
      g_autofree char *rel = at_test_sql_text (catalog, sql);
      g_autofree char *path = g_build_filename (library, rel, NULL);
      g_bytes_unref (at_test_random_file (path, 18 * MIB));
    }
  files = at_test_sql_int (catalog, "SELECT count(*) FROM photo_files WHERE role IN ('raw', 'jpeg')");
  /* one original is away (a drive not plugged in): it fails, then goes when it is back */
  {
    g_autofree char *rel = at_test_sql_text (catalog, "SELECT library_path FROM photo_files WHERE role IN ('raw', 'jpeg') "
                                                      "ORDER BY library_path DESC LIMIT 1");
    missing = g_build_filename (library, rel, NULL);
    away = g_strconcat (missing, ".away", NULL);
    g_assert_cmpint (g_rename (missing, away), ==, 0);
  }
  direct = at_test_s3_client (s3->endpoint, "studio", AT_TEST_S3_SECRET);
  at_test_s3_make_bucket (direct);
  /* no keyring in the test session: the variables a headless box would use */
  at_test_s3_set_env (NULL);
  g_settings_set_string (settings, "storage-endpoint", slow->endpoint);
  g_settings_set_string (settings, "storage-bucket", "studio");
  g_settings_set_string (settings, "library-folder", library);
  /* 40 Mbit/s, as on a studio uplink: under way for seconds, long enough
   * to be measured; lifted after the screenshot */
  g_settings_set_double (settings, "upload-limit", 40);

  window = at_test_new_window (app, catalog);
  button = AT_TRANSFERS_BUTTON (at_test_find_widget (GTK_WIDGET (window), AT_TYPE_TRANSFERS_BUTTON));
  g_assert_nonnull (button);
  at_test_wait_until (queue_exists, button, 10);

  /* the first project in the list is the shoot: Back Up */
  gtk_menu_button_popup (GTK_MENU_BUTTON (at_test_find_widget (GTK_WIDGET (button), GTK_TYPE_MENU_BUTTON)));
  at_test_run_main_loop (300);
  popover = at_test_find_widget (GTK_WIDGET (button), GTK_TYPE_POPOVER);
  g_assert_nonnull (popover);
  /* (the catalog's writer busy meanwhile, as with a sync's page: the
   * click does not wait for it) */
  click_while_writer_held (catalog, at_test_find_button (popover, "_Back Up"));
  at_test_wait_until (some_sent, button, 30);
  at_test_run_main_loop (400);
  /* the totals say how fast and how long: "… · 1.2 MB/s · 9 s left" */
  {
    GtkLabel *totals = label_with (popover, " MB/s");
    g_assert_nonnull (totals);
    g_assert_nonnull (strstr (gtk_label_get_text (totals), " left"));
  }
  at_test_save_screenshot (popover, "transfers-uploading.png");
  g_settings_reset (settings, "upload-limit");

  /* pause: what was sent stays; resume: the rest */
  pause = at_test_find_button (popover, "_Pause");
  g_assert_nonnull (pause);
  g_signal_emit_by_name (pause, "clicked");
  at_test_wait_until (at_rest, button, 20);
  g_assert_nonnull (at_test_find_button (popover, "_Resume"));
  /* a pause outlasts a restart */
  g_assert_true (g_settings_get_boolean (settings, "uploads-paused"));
  at_test_save_screenshot (popover, "transfers-paused.png");
  g_signal_emit_by_name (at_test_find_button (popover, "_Resume"), "clicked");
  g_assert_false (g_settings_get_boolean (settings, "uploads-paused"));
  at_test_run_main_loop (200);
  at_test_wait_until (at_rest, button, 60);
  g_assert_true (at_catalog_flush (catalog, NULL));
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM uploads WHERE status = 'completed'"), ==, files - 1);
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM uploads WHERE status = 'failed'"), ==, 1);
  at_test_run_main_loop (300);
  g_assert_nonnull (at_test_find_button (popover, "_Try the Failed Files Again"));
  at_test_save_screenshot (popover, "transfers-failed.png");

  /* back: tried again, sent */
  g_assert_cmpint (g_rename (away, missing), ==, 0);
  click_while_writer_held (catalog, at_test_find_button (popover, "_Try the Failed Files Again"));
  at_test_wait_until (under_way, button, 30);
  at_test_wait_until (at_rest, button, 30);
  g_assert_true (at_catalog_flush (catalog, NULL));
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM uploads WHERE status = 'completed'"), ==, files);
  at_test_run_main_loop (300);
  at_test_save_screenshot (popover, "transfers-done.png");

  /* the project kept backed up, then not: its switch in the catalog */
  {
    GtkCheckButton *keep = GTK_CHECK_BUTTON (at_test_find_widget (popover, GTK_TYPE_CHECK_BUTTON));

    g_assert_nonnull (keep);
    g_assert_false (gtk_check_button_get_active (keep));
    click_while_writer_held (catalog, GTK_WIDGET (keep));
    g_assert_true (gtk_check_button_get_active (keep));
    g_assert_true (at_catalog_flush (catalog, NULL));
    g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM projects WHERE backup_originals = 1"), ==, 1);
    click_while_writer_held (catalog, GTK_WIDGET (keep));
    g_assert_true (at_catalog_flush (catalog, NULL));
    g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM projects WHERE backup_originals = 1"), ==, 0);
    at_test_wait_until (at_rest, button, 30);
  }

  /* storage set anew: the first run looks in the bucket for what the
   * catalog has as backed up there, and says so */
  {
    AtTestS3 *listing = at_test_s3_proxy_doing (s3, "--slow-lists=1500");
    QueueOf was = { button, at_transfers_button_get_queue (button) };
    g_autofree char *here = g_strdup_printf ("UPDATE uploads SET endpoint = '127.0.0.1:%d'", listing->port);
    g_autofree char *back = g_strdup_printf ("UPDATE uploads SET endpoint = '127.0.0.1:%d'", slow->port);

    /* (the same server by another address: what it has is recorded as there) */
    g_assert_true (at_catalog_flush (catalog, NULL));
    at_test_sql_exec (catalog, here);
    g_settings_set_string (settings, "storage-endpoint", listing->endpoint);
    at_test_wait_until (queue_replaced, &was, 10);
    g_signal_emit_by_name (at_test_find_button (popover, "_Back Up"), "clicked");
    at_test_run_main_loop (400);
    g_assert_true (at_upload_queue_is_checking (at_transfers_button_get_queue (button)));
    g_assert_nonnull (label_with (popover, "Looking in the bucket"));
    at_test_save_screenshot (popover, "transfers-checking.png");
    at_test_wait_until (at_rest, button, 30);
    at_test_run_main_loop (1500);
    g_assert_false (at_upload_queue_is_checking (at_transfers_button_get_queue (button)));
    g_assert_null (label_with (popover, "Looking in the bucket"));
    g_assert_true (at_catalog_flush (catalog, NULL));
    at_test_sql_exec (catalog, back);
    was.queue = at_transfers_button_get_queue (button);
    g_settings_set_string (settings, "storage-endpoint", slow->endpoint);
    at_test_wait_until (queue_replaced, &was, 10);
    at_test_s3_stop (listing);
  }

  /* a secret key saved in Preferences for the storage set: the queue made
   * again with it; one saved for another storage changes nothing */
  {
    QueueOf was = { button, at_transfers_button_get_queue (button) };
    g_autofree char *key = g_strdup_printf ("%s %s", slow->endpoint, AT_TEST_S3_KEY);

    at_test_wait_until (at_rest, button, 30);
    at_application_credentials_stored (app, AT_CREDENTIAL_STORAGE, "http://127.0.0.1:9 elsewhere");
    at_test_run_main_loop (300);
    g_assert_true (at_transfers_button_get_queue (button) == was.queue);
    at_application_credentials_stored (app, AT_CREDENTIAL_STORAGE, key);
    at_test_wait_until (queue_replaced, &was, 10);
    at_test_wait_until (at_rest, button, 30);
  }

  /* the link gone (a venue's Wi-Fi): nothing fails, the popover says the
   * files wait and offers to try now */
  at_test_s3_stop (g_steal_pointer (&slow));
  at_s3_client_set_retries (at_upload_queue_get_client (at_transfers_button_get_queue (button)), 2, 10);
  at_test_sql_exec (catalog, "UPDATE uploads SET status = 'queued' WHERE rowid = (SELECT min(rowid) FROM uploads)");
  g_signal_emit_by_name (at_test_find_button (popover, "_Back Up"), "clicked");
  at_test_run_main_loop (200);
  at_test_wait_until (at_rest, button, 30);
  at_test_run_main_loop (200);
  g_assert_nonnull (label_with (popover, "Nothing failed"));
  g_assert_nonnull (at_test_find_button (popover, "_Try Now"));
  g_assert_true (at_catalog_flush (catalog, NULL));
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM uploads WHERE status = 'failed'"), ==, 0);
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM uploads WHERE status = 'paused'"), ==, 1);
  at_test_save_screenshot (popover, "transfers-waiting.png");

  gtk_popover_popdown (GTK_POPOVER (popover));

  /* the storage in Preferences: a field applied is the setting */
  {
    GtkWidget *prefs;
    g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
    at_test_run_main_loop (500);
    prefs = at_test_find_toplevel (ADW_TYPE_PREFERENCES_WINDOW);
    g_assert_nonnull (prefs);
    gtk_window_set_default_size (GTK_WINDOW (prefs), 640, 1000);
    at_test_run_main_loop (300);
    {
      /* the upload limit reaches the queue's client as it is set */
      GtkSpinButton *limit = GTK_SPIN_BUTTON (at_test_find_widget (prefs, GTK_TYPE_SPIN_BUTTON));
      AtS3Client *client = at_upload_queue_get_client (at_transfers_button_get_queue (button));

      g_assert_nonnull (limit);
      g_assert_cmpuint (at_s3_client_get_upload_limit (client), ==, 0);
      gtk_spin_button_set_value (limit, 16);
      g_assert_cmpfloat (g_settings_get_double (settings, "upload-limit"), ==, 16);
      g_assert_cmpuint (at_s3_client_get_upload_limit (client), ==, 2000000);
    }
    {
      /* so does the number of files at once */
      GtkSpinButton *files_spin = GTK_SPIN_BUTTON (at_test_find_widget_nth (prefs, GTK_TYPE_SPIN_BUTTON, 1));

      g_assert_nonnull (files_spin);
      gtk_spin_button_set_value (files_spin, 3);
      g_assert_cmpint (g_settings_get_int (settings, "upload-files"), ==, 3);
      g_assert_cmpuint (at_upload_queue_get_concurrency (at_transfers_button_get_queue (button)), ==, 3);
    }
    {
      AdwEntryRow *region = at_test_find_entry_row (prefs, "_Region");
      g_autofree char *applied = NULL;
      g_assert_nonnull (region);
      gtk_editable_set_text (GTK_EDITABLE (region), " eu-central-1 ");
      g_signal_emit_by_name (region, "apply");
      applied = g_settings_get_string (settings, "storage-region");
      g_assert_cmpstr (applied, ==, "eu-central-1");
    }
    at_test_run_main_loop (100);
    at_test_save_screenshot (prefs, "preferences-storage.png");
    gtk_window_destroy (GTK_WINDOW (prefs));
  }
  g_settings_reset (settings, "storage-region");
  g_settings_reset (settings, "upload-limit");
  g_settings_reset (settings, "upload-files");
  g_settings_reset (settings, "storage-endpoint");
  g_settings_reset (settings, "storage-bucket");
  g_settings_reset (settings, "library-folder");
  gtk_window_destroy (GTK_WINDOW (window));
  at_test_run_main_loop (100);
  at_test_s3_stop (s3);
  at_test_rm_rf (dir);
}

int
main (int argc, char **argv)
{
  int status;

  app = at_test_app_init (&argc, &argv);
  g_test_add_func ("/app/transfers", test_transfers);
  status = g_test_run ();
  g_clear_object (&app);
  return status;
}
