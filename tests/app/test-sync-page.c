/* test-sync-page.c — the Sync section and the header's indicator, in the
 * real window under Xvfb, against a real PostgreSQL: synced after start,
 * a change counted and sent a moment later, offline when the server is
 * gone (a state, with the reason, not an alarm), synced again after; then
 * the projects it follows: every one, then all but one, after asking. */
#include "config.h"

#include "at-sync-indicator.h"
#include "at-sync-page.h"
#include "at-sync-projects.h"
#include "at-test-app.h"
#include "at-test-sync.h"
#include "at-test-pg.h"
#include "at-test-util.h"

static AtApplication *app;

static gboolean
in_state (gpointer data)
{
  AtSyncService *sync = ((gpointer *) data)[0];
  AtSyncState want = GPOINTER_TO_INT (((gpointer *) data)[1]);
  return at_sync_service_get_state (sync) == want;
}

static void
wait_state (AtSyncService *sync, AtSyncState state)
{
  gpointer data[2] = { sync, GINT_TO_POINTER (state) };
  at_test_wait_until (in_state, data, 30);
}

static gboolean
nothing_pending (gpointer sync)
{
  return at_sync_service_get_state (sync) == AT_SYNC_STATE_SYNCED && at_sync_service_get_pending (sync) == 0;
}

static gboolean
one_pending (gpointer sync)
{
  return at_sync_service_get_pending (sync) == 1;
}

/* synced, and nothing held back on the server any more */
static gboolean
nothing_held (gpointer sync)
{
  return at_sync_service_get_state (sync) == AT_SYNC_STATE_SYNCED && at_sync_service_get_held_back (sync) == 0;
}

static gboolean
is_row_titled (GtkWidget *widget, gconstpointer title)
{
  return ADW_IS_ACTION_ROW (widget) && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0;
}

/* The check of the project row titled @name. */
static GtkCheckButton *
project_check (GtkWidget *root, const char *name)
{
  GtkWidget *row = at_test_find_widget_by (root, is_row_titled, name);

  return row != NULL ? GTK_CHECK_BUTTON (at_test_find_widget (row, GTK_TYPE_CHECK_BUTTON)) : NULL;
}

static gboolean
is_group_titled (GtkWidget *widget, gconstpointer title)
{
  return ADW_IS_PREFERENCES_GROUP (widget) &&
         g_strcmp0 (adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (widget)), title) == 0;
}

/* The preferences group under @root headed @title. */
static GtkWidget *
group_titled (GtkWidget *root, const char *title)
{
  return at_test_find_widget_by (root, is_group_titled, title);
}

/* The group headed @title is there and shown. */
static void
assert_group_shown (AtWindow *window, const char *title)
{
  GtkWidget *group = group_titled (GTK_WIDGET (window), title);

  g_assert_nonnull (group);
  g_assert_true (gtk_widget_get_visible (group));
}

static gboolean
has_project_rows (gpointer projects)
{
  return project_check (projects, "Haddad & Vik engagement shoot") != NULL;
}

/* The list of ((gpointer *) data)[0] made again: its row's check is
 * another than [1] (which the dialog asking about it still holds). */
/* (the list is made again when the change is done, in the main loop) */
static gboolean
project_checkable (gpointer projects)
{
  GtkCheckButton *check = project_check (projects, "Haddad & Vik engagement shoot");

  return check != NULL && gtk_widget_get_sensitive (GTK_WIDGET (check));
}

static gboolean
follows_chosen (gpointer catalog)
{
  return at_test_sql_int (catalog, "SELECT scope = 'projects' FROM sync_state") == 1;
}

static gboolean
dialog_shown (gpointer data)
{
  return at_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG) != NULL;
}

static gboolean
unfollowed (gpointer catalog)
{
  return at_test_sql_int (catalog, "SELECT count(*) FROM sync_buckets b JOIN projects p ON p.id = b.bucket "
                                   "WHERE p.project_number = 'P-2026-003'") == 0 &&
         at_test_sql_int (catalog, "SELECT count(*) FROM sync_buckets") > 1;
}

static gboolean
group_shown (gpointer group)
{
  return gtk_widget_get_visible (group);
}

static gboolean
group_hidden (gpointer group)
{
  return !gtk_widget_get_visible (group);
}

static gboolean
kept_aside (gpointer catalog)
{
  return at_test_sql_int (catalog, "SELECT count(*) FROM sync_conflicts") == 1;
}

/* { AtSyncIndicator *, const char *text } */
static gboolean
indicator_says (gpointer data)
{
  gpointer *args = data;

  return g_strcmp0 (at_sync_indicator_get_text (args[0]), args[1]) == 0;
}

static gboolean
not_kept_aside (gpointer catalog)
{
  return at_test_sql_int (catalog, "SELECT count(*) FROM sync_conflicts") == 0;
}

/* Every project followed, then the switch off and one project unchecked:
 * it asks first, then the catalog follows the others only; a change of it
 * kept aside goes from the page with it. */
static void
count_up (guint *n)
{
  (*n)++;
}

/* pair: a row, and what its title holds */
static gboolean
title_has (gpointer data)
{
  gpointer *pair = data;

  return strstr (adw_preferences_row_get_title (pair[0]), pair[1]) != NULL;
}

static gboolean
is_row_saying (GtkWidget *widget, gconstpointer part)
{
  return ADW_IS_ACTION_ROW (widget) && adw_action_row_get_subtitle (ADW_ACTION_ROW (widget)) != NULL &&
         strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (widget)), part) != NULL;
}

/* The first action row under @root whose subtitle holds @part. */
static GtkWidget *
row_saying (GtkWidget *root, const char *part)
{
  return at_test_find_widget_by (root, is_row_saying, part);
}

static void
check_projects (AtWindow *window, AtCatalog *catalog, AtTestPg *pg)
{
  GtkWidget *projects = at_test_find_widget (GTK_WIDGET (window), AT_TYPE_SYNC_PROJECTS);
  GtkSwitch *all;
  GtkCheckButton *check;

  g_assert_nonnull (projects);
  at_test_wait_until (has_project_rows, projects, 10);
  all = GTK_SWITCH (at_test_find_widget (projects, GTK_TYPE_SWITCH));
  check = project_check (projects, "Haddad & Vik engagement shoot");
  g_assert_true (gtk_switch_get_active (all));
  g_assert_true (gtk_check_button_get_active (check));
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (check)));

  gtk_switch_set_active (all, FALSE);
  at_test_wait_until (follows_chosen, catalog, 10);
  at_test_wait_until (project_checkable, projects, 10);
  check = project_check (projects, "Haddad & Vik engagement shoot");
  g_assert_true (gtk_check_button_get_active (check));

  /* asked, then the list read again under the dialog (a sync ended), then
   * Cancel: still followed. The rows are kept, set anew, not made again (a
   * thousand projects took seconds of a stopped window at every sync) */
  gtk_check_button_set_active (check, FALSE);
  at_test_wait_until (dialog_shown, NULL, 5);
  {
    guint read = 0;

    g_signal_connect_swapped (projects, "changed", G_CALLBACK (count_up), &read);
    at_sync_projects_reload (AT_SYNC_PROJECTS (projects));
    at_test_wait_until (at_test_flag_is_set, &read, 10);
    g_signal_handlers_disconnect_by_func (projects, count_up, &read);
    g_assert_true (project_check (projects, "Haddad & Vik engagement shoot") == check);
  }
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (at_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG)), "cancel");
  at_test_run_main_loop (300);
  check = project_check (projects, "Haddad & Vik engagement shoot");
  g_assert_true (gtk_check_button_get_active (check));

  /* a photo of that project from elsewhere, on a file path one here has:
   * kept aside */
  g_free (at_test_pg_psql (pg, "INSERT INTO sync_cell (studio_id, tbl, pk, col, val, hlc, node, bucket) "
                               "SELECT c.studio_id, c.tbl, 'clash-p3', c.col, "
                               "c.val || jsonb_build_object ('id', 'clash-p3', 'project_id', p.pk), c.hlc + 1, 77, p.pk "
                               "FROM sync_cell c JOIN sync_cell p ON p.tbl = 'projects' AND p.col = '*' "
                               "AND p.val ->> 'project_number' = 'P-2026-003' "
                               "WHERE c.tbl = 'photos' AND c.col = '*' ORDER BY c.pk LIMIT 1"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.sync-now", NULL));
  at_test_wait_until (kept_aside, catalog, 30);
  at_test_wait_until (group_shown, group_titled (GTK_WIDGET (window), "Kept Aside"), 10);

  gtk_check_button_set_active (check, FALSE);
  at_test_wait_until (dialog_shown, NULL, 5);
  at_test_run_main_loop (300);
  at_test_save_screenshot (at_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG), "sync-unfollow-dialog.png");
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (at_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG)), "unfollow");
  at_test_wait_until (unfollowed, catalog, 10);
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM sync_conflicts"), ==, 0);
  at_test_wait_until (group_hidden, group_titled (GTK_WIDGET (window), "Kept Aside"), 10);
  at_test_run_main_loop (500);
  check = project_check (projects, "Haddad & Vik engagement shoot");
  g_assert_false (gtk_check_button_get_active (check));
  g_assert_true (gtk_check_button_get_active (project_check (projects, "Lindqvist & Okafor wedding")));
  gtk_widget_grab_focus (GTK_WIDGET (check));
  at_test_save_screenshot (GTK_WIDGET (window), "sync-projects.png");
  /* (shown: its toast; the later screenshots are of other things) */
  at_test_dismiss_toasts (GTK_WIDGET (window));
}


/* Whether @widget has a shortcut @accel that activates @action. */
static gboolean
has_shortcut (GtkWidget *widget, const char *accel, const char *action)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) c = g_list_model_get_item (controllers, i);

      for (guint j = 0; GTK_IS_SHORTCUT_CONTROLLER (c) && j < g_list_model_get_n_items (G_LIST_MODEL (c)); j++)
        {
          g_autoptr(GtkShortcut) s = g_list_model_get_item (G_LIST_MODEL (c), j);
          g_autofree char *trigger = gtk_shortcut_trigger_to_string (gtk_shortcut_get_trigger (s));
          GtkShortcutAction *a = gtk_shortcut_get_action (s);

          if (g_str_equal (trigger, accel) && GTK_IS_NAMED_ACTION (a) &&
              g_str_equal (gtk_named_action_get_action_name (GTK_NAMED_ACTION (a)), action))
            return TRUE;
        }
    }
  return FALSE;
}

/* (notify::state) sync turned off, if only for a moment */
static void
note_off (gboolean *off, GParamSpec *pspec, AtSyncService *sync)
{
  *off |= at_sync_service_get_state (sync) == AT_SYNC_STATE_NOT_CONFIGURED;
}

static gboolean
clock_told (gpointer sync)
{
  return at_sync_service_get_state (sync) == AT_SYNC_STATE_SYNCED &&
         at_sync_service_get_last_report (sync)->clock_behind_s > 0;
}

static gboolean
clock_right (gpointer sync)
{
  return at_sync_service_get_state (sync) == AT_SYNC_STATE_SYNCED &&
         at_sync_service_get_last_report (sync)->clock_behind_s == 0;
}

static gboolean
venue_came (gpointer catalog)
{
  return at_test_sql_int (catalog, "SELECT count(*) FROM projects WHERE venue = 'Villa Rosa'") == 1;
}

static gboolean
has_last_sync (gpointer sync)
{
  return at_sync_service_get_last_sync (sync) != NULL;
}

static gboolean
at_least (gpointer data)
{
  gpointer *pair = data;

  return *(guint *) pair[0] >= GPOINTER_TO_UINT (pair[1]);
}

/* pair: the page, and how many rows its history shows */
static gboolean
history_rows (gpointer data)
{
  gpointer *pair = data;

  return at_sync_page_get_n_history (pair[0]) == GPOINTER_TO_UINT (pair[1]);
}

/* (on the sync's thread) */
static gboolean
slow_commit (const char *point, gpointer data)
{
  if (g_str_equal (point, "before-commit"))
    g_usleep (G_USEC_PER_SEC);
  return FALSE;
}

static void
test_sync_page (void)
{
  g_autoptr(GError) error = NULL;
  AtTestPg *pg = at_test_pg_start ();
  g_autofree char *dir = at_test_make_tmpdir ();
  g_autoptr(AtCatalog) catalog = at_test_demo_catalog (dir, 10);
  GSettings *settings = at_application_get_settings (app);
  g_autofree char *server = NULL;
  g_autofree char *photo = at_test_sql_text (catalog, "SELECT id FROM photos ORDER BY id LIMIT 1");
  AtWindow *window;
  AtSyncService *sync;
  AtSyncPage *page;
  AtSyncIndicator *indicator;

  g_assert_true (at_sync_server_migrate (pg->admin, NULL, NULL, &error));
  g_free (at_sync_server_add_studio (pg->admin, "Studio", &error));
  g_assert_true (at_sync_server_add_workstation (pg->admin, "Studio", "laptop", "pw-laptop", &error));
  g_assert_no_error (error);
  /* the password is not in the setting nor in the keyring: the environment's */
  server = g_strdup_printf ("host=127.0.0.1 port=%d dbname=postgres user=laptop connect_timeout=5", pg->port);
  g_setenv ("ATELIER_SERVER_PASSWORD", "pw-laptop", TRUE);
  g_settings_set_string (settings, "sync-server", server);

  window = at_test_new_window (app, catalog);
  at_window_set_section (window, "sync");
  sync = at_window_get_sync_service (window);
  /* (no timer's sync in the middle: a slow run lasts past its minute) */
  at_sync_service_set_interval (sync, 3600);
  page = AT_SYNC_PAGE (at_window_get_section_page (window, "sync"));
  indicator = AT_SYNC_INDICATOR (at_test_find_widget (GTK_WIDGET (window), AT_TYPE_SYNC_INDICATOR));
  g_assert_nonnull (indicator);

  /* the whole demo catalog goes up on its own */
  at_test_wait_until (nothing_pending, sync, 30);
  g_assert_cmpuint (at_sync_service_get_last_report (sync)->pushed, >, 10);
  g_assert_cmpstr (at_sync_indicator_get_text (indicator), ==, "Synced");
  /* (what the catalog recorded, read back after the sync) */
  at_test_wait_until (history_rows, (gpointer[]) { page, GUINT_TO_POINTER (at_test_sql_int (catalog, "SELECT count(*) FROM sync_history")) }, 10);
  g_assert_cmpuint (at_sync_page_get_n_history (page), >=, 1);
  at_test_run_main_loop (600);   /* past the section's crossfade */
  at_test_save_screenshot (GTK_WIDGET (window), "sync-synced.png");
  {
    g_autofree char *cells = at_test_pg_psql (pg, "SELECT count(*) FROM sync_cell WHERE tbl = 'photos'");
    g_assert_cmpint (atoi (cells), ==, 10);
  }

  /* Sync Now from the keyboard too */
  g_assert_true (has_shortcut (GTK_WIDGET (window), "<Control>r", "win.sync-now"));

  /* syncs that bring nothing new, one after another: one row for them,
   * saying how often (a timer runs every minute for days) */
  {
    guint finished = 0, before = at_sync_page_get_n_history (page);
    GtkListBox *history = GTK_LIST_BOX (gtk_widget_get_parent (row_saying (GTK_WIDGET (page), " received")));
    GtkListBoxRow *top = gtk_list_box_get_row_at_index (history, 0);

    g_signal_connect_swapped (sync, "finished", G_CALLBACK (count_up), &finished);
    for (guint i = 0; i < 3; i++)
      {
        g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.sync-now", NULL));
        at_test_wait_until (at_least, (gpointer[]) { &finished, GUINT_TO_POINTER (i + 1) }, 20);
      }
    g_signal_handlers_disconnect_by_func (sync, count_up, &finished);
    g_assert_cmpint (at_test_sql_int (catalog, "SELECT times FROM sync_history ORDER BY id DESC LIMIT 1"), ==, 3);
    at_test_wait_until (history_rows, (gpointer[]) { page, GUINT_TO_POINTER (before + 1) }, 10);
    /* (its rows set anew in place, not made again at every sync) */
    at_test_wait_until (title_has, (gpointer[]) { top, "3 times since" }, 10);
    g_assert_true (gtk_list_box_get_row_at_index (history, 0) == top);
    {
      GtkWidget *scrolled = NULL;
      GtkAdjustment *v;

      /* (the page's own, not the one inside the hidden empty state) */
      for (guint n = 0; (scrolled = at_test_find_widget_nth (GTK_WIDGET (page), GTK_TYPE_SCROLLED_WINDOW, n)) != NULL; n++)
        if (gtk_widget_get_mapped (scrolled))
          break;
      g_assert_nonnull (scrolled);
      v = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
      at_test_run_main_loop (300);
      gtk_adjustment_set_value (v, gtk_adjustment_get_upper (v));
      at_test_run_main_loop (300);
      at_test_save_screenshot (GTK_WIDGET (window), "sync-history.png");
      gtk_adjustment_set_value (v, 0);
    }
  }

  /* a password saved in Preferences for the server set: looked up again
   * and synced with, sync never off meanwhile; one saved for another
   * server changes nothing here */
  {
    guint finished = 0;
    gboolean off = FALSE;
    gulong watch = g_signal_connect_swapped (sync, "notify::state", G_CALLBACK (note_off), &off);

    g_signal_connect_swapped (sync, "finished", G_CALLBACK (count_up), &finished);
    at_application_credentials_stored (app, AT_CREDENTIAL_SERVER, "host=elsewhere dbname=postgres");
    at_test_run_main_loop (500);
    g_assert_cmpuint (finished, ==, 0);
    at_application_credentials_stored (app, AT_CREDENTIAL_SERVER, server);
    at_test_wait_until (at_least, (gpointer[]) { &finished, GUINT_TO_POINTER (1) }, 20);
    g_signal_handlers_disconnect_by_func (sync, count_up, &finished);
    g_signal_handler_disconnect (sync, watch);
    g_assert_false (off);
    g_assert_cmpint (at_sync_service_get_state (sync), ==, AT_SYNC_STATE_SYNCED);
  }

  /* a rating: counted at once, sent a moment later without asking */
  {
    g_autofree char *sql = g_strdup_printf ("UPDATE photos SET rating = 5 WHERE id = '%s'", photo);
    at_test_sql_exec (catalog, sql);
  }
  /* (counted on a worker; sent 3 s after) */
  at_test_wait_until (one_pending, sync, 10);
  g_assert_cmpuint (at_sync_service_get_pending (sync), ==, 1);
  at_test_wait_until (nothing_pending, sync, 20);
  {
    g_autofree char *sql = g_strdup_printf ("SELECT val FROM sync_cell WHERE pk = '%s' AND col = 'rating'", photo);
    g_autofree char *val = at_test_pg_psql (pg, sql);
    g_assert_cmpstr (val, ==, "5");
  }

  /* the server goes away: offline, the change kept, the reason shown */
  at_test_pg_halt (pg);
  {
    g_autofree char *sql = g_strdup_printf ("UPDATE photos SET color_label = 'red' WHERE id = '%s'", photo);
    at_test_sql_exec (catalog, sql);
  }
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.sync-now", NULL));
  wait_state (sync, AT_SYNC_STATE_OFFLINE);
  at_test_run_main_loop (300);
  g_assert_cmpuint (at_sync_service_get_pending (sync), ==, 1);
  g_assert_true (g_str_has_prefix (at_sync_indicator_get_text (indicator), "Offline"));
  g_assert_nonnull (at_sync_service_get_last_error (sync));
  assert_group_shown (window, "Offline");
  g_assert_null (group_titled (GTK_WIDGET (window), "Problem"));
  at_test_save_screenshot (GTK_WIDGET (window), "sync-offline.png");

  /* back: the kept change goes */
  at_test_pg_resume (pg);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.sync-now", NULL));
  at_test_wait_until (nothing_pending, sync, 30);
  g_assert_cmpstr (at_sync_indicator_get_text (indicator), ==, "Synced");

  /* a lock held on the server (a psql transaction left open): a wait, not
   * a problem; the change waits too, and goes once the lock is let go */
  {
    g_autoptr(PGconn) holder = at_pg_connect (pg->admin, &error);
    g_autofree char *sql = g_strdup_printf ("UPDATE photos SET rating = 4 WHERE id = '%s'", photo);

    g_assert_true (at_pg_exec (holder, "BEGIN; LOCK TABLE sync_client IN EXCLUSIVE MODE", &error));
    at_pg_set_lock_timeout (300);
    at_test_sql_exec (catalog, sql);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.sync-now", NULL));
    wait_state (sync, AT_SYNC_STATE_WAITING);
    at_pg_set_lock_timeout (0);
    at_test_run_main_loop (300);
    g_assert_cmpstr (at_sync_indicator_get_text (indicator), ==, "Sync waiting · 1 change to send");
    g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (indicator), "error"));
    assert_group_shown (window, "Waiting");
    at_test_save_screenshot (GTK_WIDGET (window), "sync-waiting.png");
    g_assert_true (at_pg_exec (holder, "ROLLBACK", &error));
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.sync-now", NULL));
    at_test_wait_until (nothing_pending, sync, 30);
  }

  check_projects (window, catalog, pg);

  /* a clock a day behind: synced, and the page says what it means */
  at_sync_set_clock_offset (-86400000);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.sync-now", NULL));
  at_test_wait_until (clock_told, sync, 30);
  at_sync_set_clock_offset (0);
  at_test_run_main_loop (300);
  g_assert_cmpint (at_sync_service_get_state (sync), ==, AT_SYNC_STATE_SYNCED);
  assert_group_shown (window, "Clock");
  at_test_save_screenshot (GTK_WIDGET (window), "sync-clock.png");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.sync-now", NULL));
  at_test_wait_until (clock_right, sync, 30);
  at_test_run_main_loop (300);
  g_assert_null (group_titled (GTK_WIDGET (window), "Clock"));

  /* a transaction left open on the server, a change committed after it:
   * held back at the same place two syncs running, and said */
  {
    g_autoptr(PGconn) open = at_pg_connect (pg->admin, &error);
    g_assert_no_error (error);
    g_assert_true (at_pg_exec (open, "BEGIN; SELECT pg_current_xact_id ()", &error));
    g_free (at_test_pg_psql (pg, "INSERT INTO sync_cell (studio_id, tbl, pk, col, val, hlc, node, bucket) "
                                 "SELECT studio_id, tbl, pk, 'venue', '\"Villa Rosa\"', hlc + 1, 77, bucket FROM sync_cell "
                                 "WHERE tbl = 'projects' AND col = '*' AND val ->> 'project_number' = 'P-2026-001'"));
    for (int i = 0; i < 2; i++)
      {
        guint finished = 0;
        g_signal_connect_swapped (sync, "finished", G_CALLBACK (count_up), &finished);
        g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.sync-now", NULL));
        at_test_wait_until (at_least, (gpointer[]) { &finished, GUINT_TO_POINTER (1) }, 20);
        g_signal_handlers_disconnect_by_func (sync, count_up, &finished);
      }
    at_test_run_main_loop (300);
    g_assert_cmpuint (at_sync_service_get_held_back (sync), ==, 1);
    assert_group_shown (window, "Waiting on the Server");
    at_test_save_screenshot (GTK_WIDGET (window), "sync-held-back.png");
    g_assert_true (at_pg_exec (open, "COMMIT", &error));
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.sync-now", NULL));
    at_test_wait_until (venue_came, catalog, 20);
    /* (the sync that brought it has still to end) */
    at_test_wait_until (nothing_held, sync, 20);
    g_assert_cmpuint (at_sync_service_get_held_back (sync), ==, 0);
    g_assert_null (group_titled (GTK_WIDGET (window), "Waiting on the Server"));
  }

  /* a project from elsewhere with a number taken here: kept aside, and
   * said; given another number here, it comes in */
  g_free (at_test_pg_psql (pg, "INSERT INTO sync_cell (studio_id, tbl, pk, col, val, hlc, node, bucket) "
                               "SELECT studio_id, tbl, 'clash-1', col, val || '{\"id\": \"clash-1\", "
                               "\"name\": \"Okafor reception\"}', hlc + 1, 77, bucket FROM sync_cell "
                               "WHERE tbl = 'projects' AND col = '*' AND val ->> 'project_number' = 'P-2026-002'"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.sync-now", NULL));
  at_test_wait_until (kept_aside, catalog, 30);
  at_test_wait_until (group_shown, group_titled (GTK_WIDGET (window), "Kept Aside"), 10);
  /* the header says so too: synced, but not everything came in */
  at_test_wait_until (indicator_says, (gpointer[]) { indicator, "Synced · 1 change kept aside" }, 10);
  at_test_run_main_loop (300);
  at_test_save_screenshot (GTK_WIDGET (window), "sync-kept-aside.png");
  at_test_sql_exec (catalog, "UPDATE projects SET project_number = 'P-2026-002b' WHERE project_number = 'P-2026-002'");
  at_test_wait_until (nothing_pending, sync, 30);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.sync-now", NULL));
  at_test_wait_until (not_kept_aside, catalog, 30);
  at_test_wait_until (group_hidden, group_titled (GTK_WIDGET (window), "Kept Aside"), 10);
  g_assert_cmpint (at_test_sql_int (catalog, "SELECT count(*) FROM projects WHERE id = 'clash-1'"), ==, 1);
  at_test_wait_until (indicator_says, (gpointer[]) { indicator, "Synced" }, 10);

  /* the next launch says when the last sync was before it syncs again */
  {
    g_autoptr(AtSyncService) later = at_sync_service_new (catalog);
    at_test_wait_until (has_last_sync, later, 10);
    g_assert_cmpuint (strlen (at_sync_service_get_last_sync (later)), ==, strlen ("2026-11-30 15:06:32"));
    g_assert_cmpint (at_sync_service_get_state (later), ==, AT_SYNC_STATE_NOT_CONFIGURED);
    /* and what the syncs before it did */
    {
      AtSyncPage *again = g_object_ref_sink (g_object_new (AT_TYPE_SYNC_PAGE, NULL));
      guint rows = (guint) at_test_sql_int (catalog, "SELECT count(*) FROM sync_history");

      g_assert_cmpuint (rows, >=, 3);
      at_sync_page_set_service (again, later);
      at_test_wait_until (history_rows, (gpointer[]) { again, GUINT_TO_POINTER (rows) }, 10);
      at_sync_page_set_service (again, NULL);
      g_object_unref (again);
    }
  }

  /* a login the server refuses: a problem (not offline), its reason shown */
  {
    g_autofree char *stranger = g_strdup_printf ("host=127.0.0.1 port=%d dbname=postgres user=stranger connect_timeout=5",
                                                 pg->port);
    g_settings_set_string (settings, "sync-server", stranger);
    wait_state (sync, AT_SYNC_STATE_ERROR);
    at_test_run_main_loop (300);
    g_assert_nonnull (strstr (at_sync_service_get_last_error (sync), "check this workstation’s user name and password"));
    g_assert_null (strstr (at_sync_service_get_last_error (sync), "FATAL"));
    assert_group_shown (window, "Problem");
    g_assert_cmpstr (at_sync_indicator_get_text (indicator), !=, "Synced");
    at_test_save_screenshot (GTK_WIDGET (window), "sync-problem.png");
    /* an edit does not knock again a moment later (a login refused at each
     * burst of edits): the timer, "Sync now" or a new setting will */
    {
      guint finished = 0;
      g_autofree char *sql = g_strdup_printf ("UPDATE photos SET rating = 1 WHERE id = '%s'", photo);

      g_signal_connect_swapped (sync, "finished", G_CALLBACK (count_up), &finished);
      at_test_sql_exec (catalog, sql);
      at_test_run_main_loop (4500);
      g_signal_handlers_disconnect_by_func (sync, count_up, &finished);
      g_assert_cmpuint (finished, ==, 0);
      g_assert_cmpuint (at_sync_service_get_pending (sync), >, 0);
      /* (and the header still says that changes wait) */
      g_assert_true (g_str_has_prefix (at_sync_indicator_get_text (indicator), "Sync problem · "));
    }
    g_settings_set_string (settings, "sync-server", server);
    at_test_wait_until (nothing_pending, sync, 30);
  }

  /* the server unset while a sync runs (held a moment before its commit):
   * its answer is not taken for the state, sync stays off */
  at_sync_set_fault_func (slow_commit, NULL);
  {
    g_autofree char *sql = g_strdup_printf ("UPDATE photos SET rating = 2 WHERE id = '%s'", photo);
    at_test_sql_exec (catalog, sql);
  }
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.sync-now", NULL));
  wait_state (sync, AT_SYNC_STATE_SYNCING);
  g_settings_set_string (settings, "sync-server", "");
  at_test_run_main_loop (2500);
  at_sync_set_fault_func (NULL, NULL);
  g_assert_cmpint (at_sync_service_get_state (sync), ==, AT_SYNC_STATE_NOT_CONFIGURED);
  g_assert_cmpstr (at_sync_indicator_get_text (indicator), !=, "Synced");

  g_settings_reset (settings, "sync-server");
  gtk_window_destroy (GTK_WINDOW (window));
  at_test_run_main_loop (100);
  at_test_pg_stop (pg);
  at_test_rm_rf (dir);
}

/* The password saved in Preferences goes to the keyring (the test's own
 * Secret Service, at-test-app.c) and the sync finds it there, with no
 * fallback in the environment. */
static void
test_keyring (void)
{
  AtTestSyncServer *studio = at_test_sync_server_start ();
  g_autofree char *dir = at_test_make_tmpdir ();
  g_autoptr(AtCatalog) catalog = at_test_demo_catalog (dir, 3);
  GSettings *settings = at_application_get_settings (app);
  g_autofree char *server = g_strdup_printf ("host=127.0.0.1 port=%d dbname=postgres user=laptop connect_timeout=5",
                                             studio->pg->port);
  AtWindow *window;
  AtSyncService *sync;
  GtkWidget *prefs;
  AdwEntryRow *password;

  g_unsetenv ("ATELIER_SERVER_PASSWORD");
  window = at_test_new_window (app, catalog);
  at_window_set_section (window, "sync");
  sync = at_window_get_sync_service (window);
  at_sync_service_set_interval (sync, 3600);

  /* no password anywhere: refused, and said so */
  g_settings_set_string (settings, "sync-server", server);
  wait_state (sync, AT_SYNC_STATE_ERROR);
  g_assert_nonnull (strstr (at_sync_service_get_last_error (sync), "refused the login (no password supplied)"));

  /* saved in Preferences: into the keyring, and from there to the sync */
  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  at_test_run_main_loop (500);
  prefs = at_test_find_toplevel (ADW_TYPE_PREFERENCES_WINDOW);
  g_assert_nonnull (prefs);
  password = at_test_find_entry_row (prefs, "_Password (kept in the keyring)");
  g_assert_nonnull (password);
  gtk_editable_set_text (GTK_EDITABLE (password), "pw-laptop");
  g_signal_emit_by_name (password, "apply");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (password)), ==, "");
  at_test_wait_until (nothing_pending, sync, 30);
  g_assert_null (at_sync_service_get_last_error (sync));
  g_assert_cmpint (at_sync_service_get_last_report (sync)->pushed, >, 0);
  at_test_run_main_loop (300);
  at_test_save_screenshot (prefs, "preferences-sync-password.png");
  gtk_window_destroy (GTK_WINDOW (prefs));

  /* and again at the next launch: the keyring keeps it */
  {
    GtkWidget *second = GTK_WIDGET (at_test_new_window (app, catalog));
    AtSyncService *again = at_window_get_sync_service (AT_WINDOW (second));

    at_test_wait_until (in_state, (gpointer[]) { again, GINT_TO_POINTER (AT_SYNC_STATE_SYNCED) }, 30);
    gtk_window_destroy (GTK_WINDOW (second));
  }

  g_settings_reset (settings, "sync-server");
  gtk_window_destroy (GTK_WINDOW (window));
  at_test_run_main_loop (100);
  at_test_sync_server_stop (studio);
  at_test_rm_rf (dir);
}

int
main (int argc, char **argv)
{
  int status;

  app = at_test_app_init (&argc, &argv);
  g_test_add_func ("/app/sync-page", test_sync_page);
  g_test_add_func ("/app/sync-page/keyring", test_keyring);
  status = g_test_run ();
  g_clear_object (&app);
  return status;
}
