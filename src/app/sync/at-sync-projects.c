/* at-sync-projects.c — AtSyncProjects: which projects sync to this
 * workstation. A switch follows every project; otherwise each project has
 * a check. Following one syncs at once; unfollowing one asks first (its
 * rows leave this catalog until it is followed again, which needs the
 * server) and is refused while its changes wait to be sent. Reads and
 * writes run on a worker; each ends with a fresh list, and "changed"
 * (what else the Sync page shows of the projects, their changes kept
 * aside, may have changed with it). */
#define G_LOG_DOMAIN "atelier"

#include "config.h"

#include <glib/gi18n.h>

#include "at-sync-projects.h"
#include "at-toast.h"

struct _AtSyncProjects
{
  AdwPreferencesGroup parent_instance;
  AdwActionRow  *all_row;
  GtkSwitch     *all_switch;
  AdwActionRow  *empty_row;
  GPtrArray     *rows;         /* the project rows shown */
  AtSyncService *service;
  GCancellable  *cancellable;
  guint          generation;   /* of the last job started: older answers are dropped */
  gboolean       updating;     /* widgets set from the catalog, not by a person */
};

G_DEFINE_FINAL_TYPE (AtSyncProjects, at_sync_projects, ADW_TYPE_PREFERENCES_GROUP)

enum { CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

typedef enum { OP_LOAD, OP_FOLLOW, OP_UNFOLLOW, OP_ALL, OP_CHOSEN } Op;

typedef struct
{
  Op         op;
  AtCatalog *catalog;
  char      *project_id;
  char      *project_name;
  guint      generation;
  GError    *op_error;     /* the change refused; the list is read anyway */
  guint      removed;
  gboolean   all;
  GPtrArray *projects;
} Job;

static void
job_free (gpointer data)
{
  Job *job = data;

  g_clear_object (&job->catalog);
  g_free (job->project_id);
  g_free (job->project_name);
  g_clear_error (&job->op_error);
  g_clear_pointer (&job->projects, g_ptr_array_unref);
  g_free (job);
}

static void
job_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Job *job = data;
  GError *error = NULL;

  switch (job->op)
    {
    case OP_FOLLOW:
      at_sync_follow (job->catalog, job->project_id, &job->op_error);
      break;
    case OP_UNFOLLOW:
      at_sync_unfollow (job->catalog, job->project_id, &job->removed, &job->op_error);
      break;
    case OP_ALL:
    case OP_CHOSEN:
      at_sync_set_follow_all (job->catalog, job->op == OP_ALL, &job->op_error);
      break;
    case OP_LOAD:
    default:
      break;
    }
  job->all = at_sync_follows_all (job->catalog, &error);
  if (error == NULL)
    job->projects = at_sync_list_projects (job->catalog, &error);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
toast (AtSyncProjects *self, const char *text)
{
  at_toast_show (GTK_WIDGET (self), text);
}

static void run (AtSyncProjects *self, Op op, const char *project_id, const char *project_name);

static void
unfollow_response_cb (AdwMessageDialog *dialog, const char *response, gpointer data)
{
  AtSyncProjects *self = AT_SYNC_PROJECTS (data);
  GtkCheckButton *check = g_object_get_data (G_OBJECT (dialog), "check");

  if (g_strcmp0 (response, "unfollow") == 0)
    run (self, OP_UNFOLLOW, g_object_get_data (G_OBJECT (check), "project-id"),
         g_object_get_data (G_OBJECT (check), "project-name"));
  else
    {
      self->updating = TRUE;
      gtk_check_button_set_active (check, TRUE);
      self->updating = FALSE;
    }
  g_object_unref (self);
}

static void
check_toggled_cb (GtkCheckButton *check, AtSyncProjects *self)
{
  const char *name = g_object_get_data (G_OBJECT (check), "project-name");
  GtkWidget *dialog;
  g_autofree char *heading = NULL;

  if (self->updating)
    return;
  if (gtk_check_button_get_active (check))
    {
      run (self, OP_FOLLOW, g_object_get_data (G_OBJECT (check), "project-id"), name);
      return;
    }
  heading = g_strdup_printf (_("Stop Following “%s”?"), name);
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), heading,
                                   _("Its photos and work leave this workstation’s catalog. The server and the photo files "
                                     "keep them, and they come back when you follow the project again while online."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "unfollow", _("_Stop Following"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "unfollow", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  /* (held: the list may be made again while the dialog is open) */
  g_object_set_data_full (G_OBJECT (dialog), "check", g_object_ref (check), g_object_unref);
  g_signal_connect (dialog, "response", G_CALLBACK (unfollow_response_cb), g_object_ref (self));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Sets @row (made by project_row) from @p. */
static void
row_set (GtkWidget *row, AtSyncProject *p, gboolean all)
{
  GtkWidget *check = g_object_get_data (G_OBJECT (row), "check");
  g_autofree char *subtitle = NULL;

  if (p->pending > 0)
    subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s · %u change to send", "%s · %u changes to send",
                                             p->pending), p->number, p->pending);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), p->name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle ? subtitle : p->number);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), all || p->followed);
  gtk_widget_set_sensitive (check, !all);
  gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL, p->name, -1);
  g_object_set_data_full (G_OBJECT (check), "project-name", g_strdup (p->name), g_free);
}

static GtkWidget *
project_row (AtSyncProjects *self, AtSyncProject *p, gboolean all)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *check = gtk_check_button_new ();

  /* (plain text: a couple's "&" is no markup) */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
  g_object_set_data_full (G_OBJECT (check), "project-id", g_strdup (p->id), g_free);
  g_object_set_data (G_OBJECT (row), "check", check);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), check);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
  row_set (row, p, all);
  g_signal_connect (check, "toggled", G_CALLBACK (check_toggled_cb), self);
  return row;
}

static const char *
row_id (GtkWidget *row)
{
  return g_object_get_data (g_object_get_data (G_OBJECT (row), "check"), "project-id");
}

/* The list is read again after every sync that sent or brought anything:
 * the rows shown are set anew in place, not made again (a studio's years of
 * projects are a thousand rows, seconds of a stopped window each time).
 * Only when a project came in among them (not after them) is it all made
 * again. */
static void
show (AtSyncProjects *self, Job *job)
{
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  gboolean in_order = TRUE;

  self->updating = TRUE;
  gtk_switch_set_active (self->all_switch, job->all);
  for (guint i = 0; i < job->projects->len; i++)
    g_hash_table_add (ids, ((AtSyncProject *) job->projects->pdata[i])->id);
  /* (the rows of projects gone go, from the end: the array shifts) */
  for (guint i = self->rows->len; i-- > 0;)
    if (!g_hash_table_contains (ids, row_id (self->rows->pdata[i])))
      {
        adw_preferences_group_remove (ADW_PREFERENCES_GROUP (self), self->rows->pdata[i]);
        g_ptr_array_remove_index (self->rows, i);
      }
  for (guint i = 0; i < self->rows->len && in_order; i++)
    in_order = g_str_equal (row_id (self->rows->pdata[i]), ((AtSyncProject *) job->projects->pdata[i])->id);
  if (!in_order)
    {
      for (guint i = 0; i < self->rows->len; i++)
        adw_preferences_group_remove (ADW_PREFERENCES_GROUP (self), self->rows->pdata[i]);
      g_ptr_array_set_size (self->rows, 0);
    }
  for (guint i = 0; i < job->projects->len; i++)
    if (i < self->rows->len)
      row_set (self->rows->pdata[i], job->projects->pdata[i], job->all);
    else
      {
        GtkWidget *row = project_row (self, job->projects->pdata[i], job->all);

        adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), row);
        g_ptr_array_add (self->rows, row);
      }
  gtk_widget_set_visible (GTK_WIDGET (self->empty_row), job->projects->len == 0);
  self->updating = FALSE;
}

static void
job_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  AtSyncProjects *self = AT_SYNC_PROJECTS (source);
  Job *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast (self, error->message);
      return;
    }
  if (job->generation == self->generation)
    show (self, job);
  g_signal_emit (self, signals[CHANGED], 0);
  if (job->op_error != NULL)
    toast (self, job->op_error->message);
  else if (job->op == OP_UNFOLLOW)
    {
      g_autofree char *text = g_strdup_printf (_("No longer following “%s”"), job->project_name);
      toast (self, text);
    }
  else if ((job->op == OP_FOLLOW || job->op == OP_ALL) && self->service != NULL)
    /* what was just followed comes now, not at the next timer */
    at_sync_service_sync_now (self->service);
}

static void
run (AtSyncProjects *self, Op op, const char *project_id, const char *project_name)
{
  g_autoptr(GTask) task = NULL;
  Job *job;

  if (self->service == NULL)
    return;
  job = g_new0 (Job, 1);
  job->op = op;
  job->catalog = g_object_ref (at_sync_service_get_catalog (self->service));
  job->project_id = g_strdup (project_id);
  job->project_name = g_strdup (project_name);
  job->generation = ++self->generation;
  task = g_task_new (self, self->cancellable, job_done_cb, NULL);
  g_task_set_source_tag (task, run);
  g_task_set_task_data (task, job, job_free);
  g_task_run_in_thread (task, job_thread);
}

static void
all_switch_cb (AtSyncProjects *self)
{
  if (!self->updating)
    run (self, gtk_switch_get_active (self->all_switch) ? OP_ALL : OP_CHOSEN, NULL, NULL);
}

void
at_sync_projects_reload (AtSyncProjects *self)
{
  g_return_if_fail (AT_IS_SYNC_PROJECTS (self));
  run (self, OP_LOAD, NULL, NULL);
}

void
at_sync_projects_set_service (AtSyncProjects *self,
                              AtSyncService  *service)
{
  g_return_if_fail (AT_IS_SYNC_PROJECTS (self));

  g_set_object (&self->service, service);
  if (service != NULL)
    at_sync_projects_reload (self);
}

static void
at_sync_projects_dispose (GObject *object)
{
  AtSyncProjects *self = AT_SYNC_PROJECTS (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->service);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  G_OBJECT_CLASS (at_sync_projects_parent_class)->dispose (object);
}

static void
at_sync_projects_class_init (AtSyncProjectsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = at_sync_projects_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/sync/at-sync-projects.ui");
  gtk_widget_class_bind_template_child (widget_class, AtSyncProjects, all_row);
  gtk_widget_class_bind_template_child (widget_class, AtSyncProjects, all_switch);
  gtk_widget_class_bind_template_child (widget_class, AtSyncProjects, empty_row);
  gtk_widget_class_bind_template_callback (widget_class, all_switch_cb);

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 0);
}

static void
at_sync_projects_init (AtSyncProjects *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->rows = g_ptr_array_new ();
  self->cancellable = g_cancellable_new ();
}
