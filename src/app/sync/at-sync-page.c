/* at-sync-page.c — AtSyncPage: rows that follow an AtSyncService, and a
 * history of the catalog's syncs, newest first. Offline reads as a state
 * ("will sync when the server can be reached"), a refusal as a problem
 * with the server's own words, a clock far behind as what it costs; pulled
 * changes kept aside for a clash are listed with what to do. */
#define G_LOG_DOMAIN "atelier"

#include "config.h"

#include <glib/gi18n.h>

#include "at-sync-history.h"
#include "at-sync-page.h"
#include "at-sync-projects.h"

#define HISTORY_MAX 50

struct _AtSyncPage
{
  AdwBin         parent_instance;
  GtkStack      *stack;
  AdwActionRow  *status_row;
  GtkImage      *status_icon;
  AdwActionRow  *server_row;
  AdwActionRow  *last_row;
  AdwActionRow  *pending_row;
  GtkWidget     *problem_group;
  GtkLabel      *problem_label;
  GtkListBox    *history;
  guint          n_history;
  GtkWidget     *kept_group;
  GtkListBox    *kept;
  AtSyncProjects *projects;
  AtSyncService *service;
  GCancellable  *cancellable;
};

G_DEFINE_FINAL_TYPE (AtSyncPage, at_sync_page, ADW_TYPE_BIN)

char *
at_sync_state_describe (AtSyncService *service,
                        const char   **icon_name)
{
  guint pending = at_sync_service_get_pending (service);

  switch (at_sync_service_get_state (service))
    {
    case AT_SYNC_STATE_SYNCING:
      *icon_name = "emblem-synchronizing-symbolic";
      return g_strdup (_("Syncing…"));
    case AT_SYNC_STATE_OFFLINE:
      *icon_name = "network-offline-symbolic";
      return pending > 0 ? g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Offline · %u change to send",
                                                          "Offline · %u changes to send", pending), pending)
                         : g_strdup (_("Offline"));
    case AT_SYNC_STATE_ERROR:
      *icon_name = "dialog-warning-symbolic";
      return pending > 0 ? g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Sync problem · %u change to send",
                                                          "Sync problem · %u changes to send", pending), pending)
                         : g_strdup (_("Sync problem"));
    case AT_SYNC_STATE_WAITING:
      *icon_name = "content-loading-symbolic";
      return pending > 0 ? g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Sync waiting · %u change to send",
                                                          "Sync waiting · %u changes to send", pending), pending)
                         : g_strdup (_("Sync waiting"));
    case AT_SYNC_STATE_SYNCED:
      {
        guint kept = at_sync_service_get_kept_aside (service);
        g_autofree char *synced = pending > 0
          ? g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u change to send", "%u changes to send", pending), pending)
          : g_strdup (_("Synced"));

        *icon_name = pending > 0 ? "emblem-synchronizing-symbolic" : "emblem-ok-symbolic";
        if (kept == 0)
          return g_steal_pointer (&synced);
        /* synced, but something from elsewhere waits for someone here */
        *icon_name = "dialog-warning-symbolic";
        return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s · %u change kept aside", "%s · %u changes kept aside",
                                             kept), synced, kept);
      }
    case AT_SYNC_STATE_NOT_CONFIGURED:
    default:
      *icon_name = "computer-symbolic";
      return g_strdup (_("On this workstation only"));
    }
}

static void
update (AtSyncPage *self)
{
  const char *icon = NULL;
  g_autofree char *status = NULL;
  g_autofree char *pending = NULL;
  const char *error;
  g_autofree char *server = NULL;
  g_autofree char *clock = NULL;
  AtSyncState state;
  guint n, held;

  if (self->service == NULL)
    return;
  state = at_sync_service_get_state (self->service);
  gtk_stack_set_visible_child_name (self->stack, state == AT_SYNC_STATE_NOT_CONFIGURED ? "off" : "on");
  status = at_sync_state_describe (self->service, &icon);
  adw_action_row_set_subtitle (self->status_row, status);
  gtk_image_set_from_icon_name (self->status_icon, icon);
  server = at_pg_describe (at_sync_service_get_server (self->service));
  adw_action_row_set_subtitle (self->server_row, server);
  /* (the whole connection string, password taken out, for whoever set it up) */
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->server_row), at_sync_service_get_server (self->service));
  adw_action_row_set_subtitle (self->last_row, at_sync_service_get_last_sync (self->service)
                                               ? at_sync_service_get_last_sync (self->service) : _("Not yet"));
  n = at_sync_service_get_pending (self->service);
  pending = n == 0 ? g_strdup (_("Nothing: every change has reached the server"))
                   : g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u change", "%u changes", n), n);
  adw_action_row_set_subtitle (self->pending_row, pending);
  gtk_widget_set_sensitive (gtk_widget_get_parent (GTK_WIDGET (self->status_icon)), TRUE);
  error = at_sync_service_get_last_error (self->service);
  clock = state == AT_SYNC_STATE_SYNCED ? at_sync_clock_behind_text (at_sync_service_get_last_report (self->service))
                                        : NULL;
  held = state == AT_SYNC_STATE_SYNCED ? at_sync_service_get_held_back (self->service) : 0;
  if (clock != NULL || held > 0)
    {
      g_autofree char *waiting = held == 0 ? NULL
        : g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                        "%u change from other workstations waits on the server behind a transaction "
                                        "still open there (a psql session left open, or another workstation’s long "
                                        "push): it comes in once that transaction ends.",
                                        "%u changes from other workstations wait on the server behind a transaction "
                                        "still open there (a psql session left open, or another workstation’s long "
                                        "push): they come in once that transaction ends.",
                                        held), held);
      g_autofree char *both = g_strjoin ("\n\n", clock ? clock : waiting, clock ? waiting : NULL, NULL);
      gtk_label_set_label (self->problem_label, both);
    }
  else if (state == AT_SYNC_STATE_OFFLINE && error != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Changes are kept here and sent when the server can be reached.\n%s"), error);
      gtk_label_set_label (self->problem_label, text);
    }
  else if (error != NULL)
    gtk_label_set_label (self->problem_label, error);
  /* offline is a state of the day, not a fault: said so in the heading too */
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self->problem_group),
                                   clock != NULL ? _("Clock") : held > 0 ? _("Waiting on the Server")
                                   : state == AT_SYNC_STATE_OFFLINE ? _("Offline")
                                   : state == AT_SYNC_STATE_WAITING ? _("Waiting") : _("Problem"));
  gtk_widget_set_visible (self->problem_group,
                          clock != NULL || held > 0 || (error != NULL && state != AT_SYNC_STATE_SYNCING));
}

/* A time in the history: the hour alone today. */
static char *
when_of (GDateTime *t)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  return g_date_time_format (t, g_date_time_get_year (t) == g_date_time_get_year (now) &&
                                g_date_time_get_day_of_year (t) == g_date_time_get_day_of_year (now)
                                ? "%H:%M:%S" : "%Y-%m-%d %H:%M:%S");
}

/* The page's lists (the history, the values kept aside) are read after
 * each sync on a worker: the catalog's readers are per thread. */
typedef GPtrArray *(*ListReader) (AtCatalog *catalog, GError **error);

typedef struct
{
  AtCatalog  *catalog;
  ListReader  read;
} ListRead;

static void
list_read_free (ListRead *r)
{
  g_object_unref (r->catalog);
  g_free (r);
}

static void
list_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  ListRead *r = data;
  GError *error = NULL;
  GPtrArray *list = r->read (r->catalog, &error);

  if (list == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, list, (GDestroyNotify) g_ptr_array_unref);
}

static void
read_list (AtSyncPage *self, ListReader read, GAsyncReadyCallback done)
{
  g_autoptr(GTask) task = NULL;
  ListRead *r;

  if (self->service == NULL)
    return;
  r = g_new0 (ListRead, 1);
  r->catalog = g_object_ref (at_sync_service_get_catalog (self->service));
  r->read = read;
  task = g_task_new (self, self->cancellable, done, NULL);
  g_task_set_task_data (task, r, (GDestroyNotify) list_read_free);
  g_task_run_in_thread (task, list_thread);
}

/* Row @i of @list, made by @make if the list has fewer. The lists are read
 * again after every sync: their rows are set anew in place, not made again
 * (that stopped the window a moment per few dozen rows each time). */
static GtkWidget *
nth_row (GtkListBox *list, guint i, GtkWidget *(*make) (void))
{
  GtkWidget *row = GTK_WIDGET (gtk_list_box_get_row_at_index (list, (int) i));

  if (row == NULL)
    {
      row = make ();
      gtk_list_box_append (list, row);
    }
  return row;
}

/* Leaves @list its first @n rows. */
static void
trim_list (GtkListBox *list, guint n)
{
  GtkWidget *row;

  while ((row = GTK_WIDGET (gtk_list_box_get_row_at_index (list, (int) n))) != NULL)
    gtk_list_box_remove (list, row);
}

static GtkWidget *
history_row (void)
{
  return adw_action_row_new ();
}

static GtkWidget *
kept_row (void)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("dialog-warning-symbolic"));
  return row;
}

/* The syncs the catalog recorded (this launch's, earlier ones', the
 * CLI's). A sync that ended as the one before it (nothing new, offline
 * again) is no row of its own: the row says when the last was, and how
 * often since the first. */
static GPtrArray *
history_of (AtCatalog *catalog, GError **error)
{
  return at_sync_list_history (catalog, HISTORY_MAX, error);
}

static void
history_read (GObject *object, GAsyncResult *result, gpointer data)
{
  AtSyncPage *self = AT_SYNC_PAGE (object);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = g_task_propagate_pointer (G_TASK (result), &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (entries == NULL)
    {
      g_warning ("sync history not read: %s", error->message);
      return;
    }
  trim_list (self->history, entries->len);
  for (guint i = 0; i < entries->len; i++)
    {
      AtSyncHistoryEntry *e = entries->pdata[i];
      g_autofree char *last = when_of (e->last);
      g_autofree char *first = when_of (e->first);
      g_autofree char *title = e->times > 1 ? g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s (%u time since %s)",
                                                                            "%s (%u times since %s)", e->times),
                                                               last, e->times, first)
                                            : g_strdup (last);
      GtkWidget *row = nth_row (self->history, i, history_row);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), e->what);
    }
  self->n_history = entries->len;
}

static void
reload_history (AtSyncPage *self)
{
  read_list (self, history_of, history_read);
}

/* The pulled values kept aside for a clash on a unique key, each said with
 * what to do. */
static void
kept_read (GObject *object, GAsyncResult *result, gpointer data)
{
  AtSyncPage *self = AT_SYNC_PAGE (object);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) kept = g_task_propagate_pointer (G_TASK (result), &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  trim_list (self->kept, kept != NULL ? kept->len : 0);
  for (guint i = 0; kept != NULL && i < kept->len; i++)
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (nth_row (self->kept, i, kept_row)), kept->pdata[i]);
  gtk_widget_set_visible (self->kept_group, kept != NULL && kept->len > 0);
}

static void
reload_kept (AtSyncPage *self)
{
  read_list (self, at_sync_list_conflicts, kept_read);
}

static void
finished_cb (AtSyncPage *self)
{
  const AtSyncReport *r = at_sync_service_get_last_report (self->service);

  reload_history (self);
  reload_kept (self);
  /* a sync may have brought projects, or sent a project's last changes */
  if (r->pushed > 0 || r->pulled > 0 || r->reregistered)
    at_sync_projects_reload (self->projects);
  update (self);
}

void
at_sync_page_set_service (AtSyncPage    *self,
                          AtSyncService *service)
{
  g_return_if_fail (AT_IS_SYNC_PAGE (self));

  if (self->service != NULL)
    g_signal_handlers_disconnect_by_data (self->service, self);
  g_set_object (&self->service, service);
  at_sync_projects_set_service (self->projects, service);
  if (service == NULL)
    return;
  g_signal_connect_swapped (service, "notify::state", G_CALLBACK (update), self);
  g_signal_connect_swapped (service, "notify::pending", G_CALLBACK (update), self);
  g_signal_connect_swapped (service, "notify::kept-aside", G_CALLBACK (update), self);
  g_signal_connect_swapped (service, "finished", G_CALLBACK (finished_cb), self);
  reload_history (self);
  reload_kept (self);
  update (self);
}

guint
at_sync_page_get_n_history (AtSyncPage *self)
{
  g_return_val_if_fail (AT_IS_SYNC_PAGE (self), 0);
  return self->n_history;
}

static void
at_sync_page_dispose (GObject *object)
{
  AtSyncPage *self = AT_SYNC_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->service != NULL)
    g_signal_handlers_disconnect_by_data (self->service, self);
  g_clear_object (&self->service);
  G_OBJECT_CLASS (at_sync_page_parent_class)->dispose (object);
}

static void
at_sync_page_class_init (AtSyncPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = at_sync_page_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/sync/at-sync-page.ui");
  gtk_widget_class_bind_template_child (widget_class, AtSyncPage, stack);
  gtk_widget_class_bind_template_child (widget_class, AtSyncPage, status_row);
  gtk_widget_class_bind_template_child (widget_class, AtSyncPage, status_icon);
  gtk_widget_class_bind_template_child (widget_class, AtSyncPage, server_row);
  gtk_widget_class_bind_template_child (widget_class, AtSyncPage, last_row);
  gtk_widget_class_bind_template_child (widget_class, AtSyncPage, pending_row);
  gtk_widget_class_bind_template_child (widget_class, AtSyncPage, problem_group);
  gtk_widget_class_bind_template_child (widget_class, AtSyncPage, problem_label);
  gtk_widget_class_bind_template_child (widget_class, AtSyncPage, history);
  gtk_widget_class_bind_template_child (widget_class, AtSyncPage, kept_group);
  gtk_widget_class_bind_template_child (widget_class, AtSyncPage, kept);
  gtk_widget_class_bind_template_child (widget_class, AtSyncPage, projects);
}

static void
at_sync_page_init (AtSyncPage *self)
{
  g_type_ensure (AT_TYPE_SYNC_PROJECTS);
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  /* (an unfollowed project's changes kept aside went with it) */
  g_signal_connect_swapped (self->projects, "changed", G_CALLBACK (reload_kept), self);
}
