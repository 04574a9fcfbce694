/* test-ingest-card.c — a real exFAT card on the Ingest page under Xvfb.
 *
 * The card is mounted while the page is open: it must be listed within a
 * second; pulled mid-import, the page says so and offers Resume, which
 * asks for the card and, once it is back, copies the rest; the end is
 * announced by a desktop notification, and Eject takes the card out.
 * The notification server is this process, owning
 * org.freedesktop.Notifications on the test's own session bus, so what the
 * application sends is read off the bus as any desktop would receive it.
 */
#include "config.h"

#include "at-ingest-page.h"
#include "at-test-app.h"
#include "at-test-card.h"
#include "at-test-util.h"
#include "at-test-volume.h"

static AtApplication *app;

typedef struct
{
  char *summary;
  char *body;
} Notified;

static const char notifications_xml[] =
  "<node><interface name='org.freedesktop.Notifications'>"
  "<method name='Notify'><arg type='s' direction='in'/><arg type='u' direction='in'/>"
  "<arg type='s' direction='in'/><arg type='s' direction='in'/><arg type='s' direction='in'/>"
  "<arg type='as' direction='in'/><arg type='a{sv}' direction='in'/><arg type='i' direction='in'/>"
  "<arg type='u' direction='out'/></method>"
  "<method name='GetCapabilities'><arg type='as' direction='out'/></method>"
  "</interface></node>";

static void
notifications_call_cb (GDBusConnection       *connection,
                       const char            *sender,
                       const char            *object_path,
                       const char            *interface_name,
                       const char            *method_name,
                       GVariant              *parameters,
                       GDBusMethodInvocation *invocation,
                       gpointer               user_data)
{
  Notified *notified = user_data;

  if (g_str_equal (method_name, "Notify"))
    {
      g_clear_pointer (&notified->summary, g_free);
      g_clear_pointer (&notified->body, g_free);
      g_variant_get (parameters, "(&su&sss@as@a{sv}i)", NULL, NULL, NULL, &notified->summary, &notified->body,
                     NULL, NULL, NULL);
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(u)", 1));
    }
  else
    {
      const char *caps[] = { "body", NULL };
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(^as)", caps));
    }
}

static guint
own_notifications (Notified *notified)
{
  static const GDBusInterfaceVTable vtable = { notifications_call_cb, NULL, NULL, { 0 } };
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (notifications_xml, &error);
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_autoptr(GVariant) reply = NULL;
  guint id;

  g_assert_no_error (error);
  id = g_dbus_connection_register_object (bus, "/org/freedesktop/Notifications", info->interfaces[0],
                                          &vtable, notified, NULL, &error);
  g_assert_no_error (error);
  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                                       "RequestName", g_variant_new ("(su)", "org.freedesktop.Notifications", 0),
                                       G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
  return id;
}

typedef struct
{
  AtIngestPage *page;
  guint         n;
} SourceCount;

static gboolean
n_sources_is (gpointer data)
{
  SourceCount *c = data;
  return at_ingest_page_get_n_sources (c->page) == c->n;
}

static gboolean
import_ready (gpointer data)
{
  /* the button names the photos once the card is counted */
  return at_test_find_button (data, "_Import 12 Photos") != NULL;
}

static gboolean
not_running (gpointer page)
{
  return !at_ingest_page_is_running (page);
}

static gboolean
notified_cb (gpointer data)
{
  return ((Notified *) data)->summary != NULL;
}

static gboolean
is_mounted (const char *mount_point)
{
  g_autofree char *table = NULL;
  g_autofree char *needle = g_strdup_printf (" %s ", mount_point);

  g_assert_true (g_file_get_contents ("/proc/self/mounts", &table, NULL, NULL));
  return strstr (table, needle) != NULL;
}

static gboolean
unmounted (gpointer mount_point)
{
  return !is_mounted (mount_point);
}

static gboolean
hidden (gpointer widget)
{
  return !gtk_widget_get_visible (widget);
}

static void
test_card (void)
{
  g_autofree char *why = at_test_volume_unavailable ();
  g_autofree char *dir = at_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "c.atelier", NULL);
  g_autofree char *library = g_build_filename (dir, "Library", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AtCatalog) catalog = NULL;
  g_autoptr(AtTestVolume) card = NULL;
  g_autofree char *mount_point = NULL;
  GSettings *settings = at_application_get_settings (app);
  Notified notified = { NULL, NULL };
  AtTestCardInfo info;
  AtWindow *window;
  SourceCount count;
  GtkButton *eject;
  g_autofree char *expected = NULL;
  gint64 imported;
  double seconds;

  if (why != NULL)
    g_error ("exFAT card volumes cannot be made here: %s (the tests need root, /dev/fuse and loop devices)", why);
  own_notifications (&notified);
  catalog = at_catalog_open (path, AT_CATALOG_OPEN_CREATE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_mkdir (library, 0755), ==, 0);
  g_settings_set_string (settings, "library-folder", library);
  card = at_test_volume_new_card (dir, 320, 6, 24 << 20, AT_TEST_CARD_RAW | AT_TEST_CARD_SIDECARS, &info);
  g_assert_cmpuint (info.n_captures, ==, 12);

  window = at_test_new_window (app, catalog);
  at_window_set_section (window, "ingest");
  count.page = AT_INGEST_PAGE (at_window_get_section_page (window, "ingest"));
  count.n = at_ingest_page_get_n_sources (count.page) + 1;

  /* the card goes into the reader */
  at_test_volume_mount (card, FALSE);
  mount_point = g_strdup (card->mount_point);
  seconds = at_test_wait_until (n_sources_is, &count, 5);
  g_test_message ("the Ingest page listed the card %.3f s after mounting", seconds);
  g_assert_cmpfloat (seconds, <, 1.0);
  at_test_wait_until (import_ready, count.page, 60);
  at_test_run_main_loop (400);   /* the section's cross-fade */
  at_test_save_screenshot (GTK_WIDGET (window), "ingest-card.png");

  g_signal_emit_by_name (at_test_find_button (GTK_WIDGET (count.page), "_Import 12 Photos"), "clicked");
  g_assert_true (at_ingest_page_is_running (count.page));

  /* pulled out while the import runs: at once, as waiting for its first
   * bytes to show let a fast copy of the whole card (12 × 24 MB through
   * FUSE) beat the pull under ASan on two busy cores (CI run 30) */
  at_test_volume_pull (card);
  at_test_wait_until (not_running, count.page, 60);
  g_assert_nonnull (at_test_find_button (GTK_WIDGET (count.page), "_Resume"));
  at_test_wait_until (notified_cb, &notified, 10);
  g_assert_cmpstr (notified.summary, ==, "Import stopped");
  at_test_save_screenshot (GTK_WIDGET (window), "ingest-card-pulled.png");
  g_clear_pointer (&notified.summary, g_free);
  imported = at_test_sql_int (catalog, "SELECT count(*) FROM photos");
  g_assert_cmpint (imported, <, 12);

  /* the reader forgets the dead card; Resume asks for it */
  at_test_volume_unmount (card);
  count.n--;
  at_test_wait_until (n_sources_is, &count, 5);
  g_signal_emit_by_name (at_test_find_button (GTK_WIDGET (count.page), "_Resume"), "clicked");
  g_assert_false (at_ingest_page_is_running (count.page));

  /* back in: Resume copies what is left, and only that */
  at_test_volume_mount (card, FALSE);
  count.n++;
  at_test_wait_until (n_sources_is, &count, 5);
  at_test_run_main_loop (300);
  g_signal_emit_by_name (at_test_find_button (GTK_WIDGET (count.page), "_Resume"), "clicked");
  g_assert_true (at_ingest_page_is_running (count.page));
  at_test_wait_until (not_running, count.page, 120);
  expected = g_strdup_printf ("%d photos copied and verified", 12 - (int) imported);
  g_assert_nonnull (strstr (at_ingest_page_get_result (count.page), expected));
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM photos"), ==, 12);
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM photo_files"), ==, info.n_files);
  {
    g_autoptr(GHashTable) hashes = at_test_hash_tree (card->mount_point, TRUE);
    at_test_assert_imported_once (hashes, library, info.n_files);
  }

  /* the desktop hears how it went */
  at_test_wait_until (notified_cb, &notified, 10);
  g_assert_cmpstr (notified.summary, ==, "Import finished");
  g_assert_cmpstr (notified.body, ==, at_ingest_page_get_result (count.page));
  at_test_save_screenshot (GTK_WIDGET (window), "ingest-card-done.png");

  /* Eject takes the card out of the system and off the page */
  eject = at_test_find_button (GTK_WIDGET (count.page), "_Eject");
  g_assert_nonnull (eject);
  g_signal_emit_by_name (eject, "clicked");
  at_test_wait_until (unmounted, mount_point, 10);
  count.n--;
  at_test_wait_until (n_sources_is, &count, 5);
  at_test_wait_until (hidden, eject, 5);

  /* the Library shows what came in, RAW + JPEG pairs marked */
  at_window_set_section (window, "library");
  at_test_run_main_loop (1500);
  at_test_save_screenshot (GTK_WIDGET (window), "library-after-ingest.png");

  g_settings_reset (settings, "library-folder");
  gtk_window_destroy (GTK_WINDOW (window));
  at_test_run_main_loop (100);
  g_clear_object (&catalog);
  g_clear_pointer (&card, at_test_volume_free);
  at_test_rm_rf (dir);
  g_free (notified.summary);
  g_free (notified.body);
}

int
main (int argc, char **argv)
{
  int status;

  app = at_test_app_init (&argc, &argv);
  g_test_add_func ("/app/ingest-card", test_card);
  status = g_test_run ();
  g_clear_object (&app);
  return status;
}
