/* at-sync-service.c — AtSyncService: at_sync_once on a worker, one at a
 * time, whenever there is reason to: a local change (a few seconds after
 * the last one, so a culling burst is one sync), the timer (others'
 * changes), or the user's "Sync now". A request while a sync runs is
 * remembered and run after it. Offline is a state, not an error: the
 * next try simply happens on the timer.
 */
#define G_LOG_DOMAIN "atelier-sync"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "at-sync-capture.h"
#include "at-sync-service-private.h"

GParamSpec *_at_sync_service_properties[AT_SYNC_SERVICE_N_PROPS];
enum { FINISHED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (AtSyncService, at_sync_service, G_TYPE_OBJECT)

static void start (AtSyncService *self);

/* Stopped, once the last worker is done: said (once). */
void
_at_sync_service_maybe_stopped (AtSyncService *self)
{
  GDestroyNotify done = self->stopped_done;

  if (!self->stopped || self->running || self->counting || done == NULL)
    return;
  self->stopped_done = NULL;
  done (self->stopped_data);
}

static void
set_state (AtSyncService *self, AtSyncState state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), _at_sync_service_properties[PROP_STATE]);
}

typedef struct
{
  char         *url;
  guint         generation;
  AtSyncReport  report;
  gint64        kept_aside;  /* after it */
} Job;

static void
job_free (Job *job)
{
  g_free (job->url);
  g_free (job);
}

static void
sync_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  AtSyncService *self = source;
  Job *job = data;
  GError *error = NULL;

  gboolean ok = at_sync_once (self->catalog, job->url, &job->report, cancellable, &error);

  job->kept_aside = _at_sync_service_count_kept_aside (self->catalog);
  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
sync_done_cb (GObject *object, GAsyncResult *result, gpointer data)
{
  AtSyncService *self = AT_SYNC_SERVICE (object);
  Job *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  gboolean ok;

  self->running = FALSE;
  ok = g_task_propagate_boolean (G_TASK (result), &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->stopped)
    {
      _at_sync_service_maybe_stopped (self);
      return;
    }
  if (job->generation != self->generation)
    {
      /* the server was changed or unset while it ran: its answer is not
       * the state of the server set now (which, if any, syncs next) */
      if (self->again)
        {
          self->again = FALSE;
          start (self);
        }
      return;
    }
  /* others' changes that waited at the same place at the last sync too:
   * a transaction left open on the server holds the feed back */
  self->held = job->report.held_back > 0 && self->report.held_back > 0 && job->report.fence == self->report.fence;
  self->report = job->report;
  g_clear_pointer (&self->last_error, g_free);
  if (ok)
    {
      g_free (self->last_sync);
      self->last_sync = g_date_time_format (now, "%Y-%m-%d %H:%M:%S");
      set_state (self, AT_SYNC_STATE_SYNCED);
    }
  else
    {
      self->last_error = g_strdup (error->message);
      /* (something in the way for a while is no fault: it goes by itself) */
      set_state (self, g_error_matches (error, AT_SYNC_ERROR, AT_SYNC_ERROR_OFFLINE) ? AT_SYNC_STATE_OFFLINE
                       : g_error_matches (error, AT_SYNC_ERROR, AT_SYNC_ERROR_BUSY) ||
                         g_error_matches (error, AT_CATALOG_ERROR, AT_CATALOG_ERROR_BUSY) ? AT_SYNC_STATE_WAITING
                       : AT_SYNC_STATE_ERROR);
    }
  self->pending = job->report.pending;
  g_object_notify_by_pspec (G_OBJECT (self), _at_sync_service_properties[PROP_PENDING]);
  _at_sync_service_set_kept_aside (self, job->kept_aside);
  g_signal_emit (self, signals[FINISHED], 0);
  if (self->again)
    {
      self->again = FALSE;
      start (self);
    }
  else if (self->state == AT_SYNC_STATE_SYNCED && self->pending > 0 && self->debounce_id == 0)
    /* edits made while it ran: they go a moment later, not at the next tick */
    self->debounce_id = g_timeout_add_seconds (DEBOUNCE_SECONDS, _at_sync_service_debounced, self);
  else
    {
      /* the run's count may be older than an edit counted while it ran:
       * counted again (and, synced, what it finds goes a moment later) */
      self->push_soon = self->state == AT_SYNC_STATE_SYNCED;
      _at_sync_service_count_pending (self);
    }
}

/* The URL with the password from the keyring put in, as libpq takes it. */
static char *
full_url (AtSyncService *self)
{
  PQconninfoOption *options;
  GString *out;

  if (self->password == NULL || (options = PQconninfoParse (self->url, NULL)) == NULL)
    return g_strdup (self->url);
  out = g_string_new (NULL);
  for (PQconninfoOption *o = options; o->keyword != NULL; o++)
    {
      const char *value = g_str_equal (o->keyword, "password") ? self->password : o->val;
      g_autofree char *quoted = NULL;
      GString *q;

      if (value == NULL || *value == '\0')
        continue;
      /* conninfo quoting: 'value' with \ and ' escaped */
      q = g_string_new ("'");
      for (const char *p = value; *p; p++)
        {
          if (*p == '\'' || *p == '\\')
            g_string_append_c (q, '\\');
          g_string_append_c (q, *p);
        }
      g_string_append_c (q, '\'');
      quoted = g_string_free (q, FALSE);
      g_string_append_printf (out, "%s%s=%s", out->len ? " " : "", o->keyword, quoted);
    }
  PQconninfoFree (options);
  return g_string_free (out, FALSE);
}

static void
start (AtSyncService *self)
{
  g_autoptr(GTask) task = NULL;
  Job *job;

  if (self->url == NULL || self->stopped)
    return;
  if (self->running)
    {
      self->again = TRUE;
      return;
    }
  self->running = TRUE;
  set_state (self, AT_SYNC_STATE_SYNCING);
  job = g_new0 (Job, 1);
  job->url = full_url (self);
  job->generation = self->generation;
  task = g_task_new (self, self->cancellable, sync_done_cb, NULL);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  g_task_run_in_thread (task, sync_thread);
}

void
at_sync_service_sync_now (AtSyncService *self)
{
  g_return_if_fail (AT_IS_SYNC_SERVICE (self));
  g_clear_handle_id (&self->debounce_id, g_source_remove);
  start (self);
}

gboolean
_at_sync_service_debounced (gpointer data)
{
  AtSyncService *self = data;

  self->debounce_id = 0;
  start (self);
  return G_SOURCE_REMOVE;
}

static gboolean
tick (gpointer data)
{
  start (data);
  return G_SOURCE_CONTINUE;
}

static void
catalog_changed_cb (AtCatalog *catalog, const char *table, AtSyncService *self)
{
  /* a local cache's or journal's writes change nothing to send */
  if (table != NULL && !at_sync_table_is_synced (table))
    return;
  /* a sync's own writes (pulled rows) leave nothing to push: the count says */
  self->push_soon = TRUE;
  _at_sync_service_count_pending (self);
}

static void
restart_timer (AtSyncService *self)
{
  g_clear_handle_id (&self->timer_id, g_source_remove);
  if (self->url != NULL && !self->stopped)
    self->timer_id = g_timeout_add_seconds (self->interval, tick, self);
}

void
at_sync_service_set_server (AtSyncService *self,
                            const char    *url,
                            const char    *password)
{
  g_return_if_fail (AT_IS_SYNC_SERVICE (self));

  g_free (self->url);
  self->url = url != NULL && *url != '\0' ? g_strdup (url) : NULL;
  g_free (self->password);
  self->password = password != NULL && *password != '\0' ? g_strdup (password) : NULL;
  g_free (self->server);
  self->server = at_pg_redact (self->url);
  self->generation++;
  restart_timer (self);
  set_state (self, self->url == NULL ? AT_SYNC_STATE_NOT_CONFIGURED
                   : self->running   ? AT_SYNC_STATE_SYNCING
                                     : AT_SYNC_STATE_OFFLINE);
  if (self->url != NULL)
    start (self);
}

void
at_sync_service_set_interval (AtSyncService *self,
                              guint          seconds)
{
  g_return_if_fail (AT_IS_SYNC_SERVICE (self));
  self->interval = MAX (seconds, 1);
  restart_timer (self);
}

AtSyncState at_sync_service_get_state (AtSyncService *self) { g_return_val_if_fail (AT_IS_SYNC_SERVICE (self), 0); return self->state; }
guint at_sync_service_get_pending (AtSyncService *self) { g_return_val_if_fail (AT_IS_SYNC_SERVICE (self), 0); return self->pending; }
const char *at_sync_service_get_server (AtSyncService *self) { g_return_val_if_fail (AT_IS_SYNC_SERVICE (self), NULL); return self->server; }
const char *at_sync_service_get_last_sync (AtSyncService *self) { g_return_val_if_fail (AT_IS_SYNC_SERVICE (self), NULL); return self->last_sync; }
guint
at_sync_service_get_kept_aside (AtSyncService *self)
{
  g_return_val_if_fail (AT_IS_SYNC_SERVICE (self), 0);
  return self->kept_aside;
}

guint
at_sync_service_get_held_back (AtSyncService *self)
{
  g_return_val_if_fail (AT_IS_SYNC_SERVICE (self), 0);
  return self->held ? self->report.held_back : 0;
}

const char *at_sync_service_get_last_error (AtSyncService *self) { g_return_val_if_fail (AT_IS_SYNC_SERVICE (self), NULL); return self->last_error; }
const AtSyncReport *at_sync_service_get_last_report (AtSyncService *self) { g_return_val_if_fail (AT_IS_SYNC_SERVICE (self), NULL); return &self->report; }

static void
at_sync_service_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  AtSyncService *self = AT_SYNC_SERVICE (object);

  switch (prop_id)
    {
    case PROP_STATE: g_value_set_int (value, self->state); break;
    case PROP_PENDING: g_value_set_uint (value, self->pending); break;
    case PROP_KEPT_ASIDE: g_value_set_uint (value, self->kept_aside); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

void
at_sync_service_stop (AtSyncService  *self,
                      GDestroyNotify  done,
                      gpointer        data)
{
  g_return_if_fail (AT_IS_SYNC_SERVICE (self));
  g_return_if_fail (!self->stopped);

  self->stopped = TRUE;
  self->stopped_done = done;
  self->stopped_data = data;
  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->debounce_id, g_source_remove);
  g_clear_handle_id (&self->timer_id, g_source_remove);
  _at_sync_service_maybe_stopped (self);
}

static void
at_sync_service_dispose (GObject *object)
{
  AtSyncService *self = AT_SYNC_SERVICE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->debounce_id, g_source_remove);
  g_clear_handle_id (&self->timer_id, g_source_remove);
  if (self->catalog != NULL)
    g_signal_handlers_disconnect_by_data (self->catalog, self);
  g_clear_object (&self->catalog);
  G_OBJECT_CLASS (at_sync_service_parent_class)->dispose (object);
}

static void
at_sync_service_finalize (GObject *object)
{
  AtSyncService *self = AT_SYNC_SERVICE (object);

  g_clear_object (&self->cancellable);
  g_free (self->url);
  g_free (self->password);
  g_free (self->server);
  g_free (self->last_sync);
  g_free (self->last_error);
  G_OBJECT_CLASS (at_sync_service_parent_class)->finalize (object);
}

static void
at_sync_service_class_init (AtSyncServiceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamSpec **props = _at_sync_service_properties;

  object_class->get_property = at_sync_service_get_property;
  object_class->dispose = at_sync_service_dispose;
  object_class->finalize = at_sync_service_finalize;

  props[PROP_STATE] = g_param_spec_int ("state", NULL, NULL, AT_SYNC_STATE_NOT_CONFIGURED, AT_SYNC_STATE_WAITING,
                                        AT_SYNC_STATE_NOT_CONFIGURED, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  props[PROP_PENDING] = g_param_spec_uint ("pending", NULL, NULL, 0, G_MAXUINT, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  props[PROP_KEPT_ASIDE] = g_param_spec_uint ("kept-aside", NULL, NULL, 0, G_MAXUINT, 0,
                                              G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, AT_SYNC_SERVICE_N_PROPS, props);
  /**
   * AtSyncService::finished:
   *
   * A sync ended, well or not: the state, report and error say how.
   */
  signals[FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                    G_TYPE_NONE, 0);
}

static void
at_sync_service_init (AtSyncService *self)
{
  self->cancellable = g_cancellable_new ();
  self->interval = 60;
}

AtCatalog *
at_sync_service_get_catalog (AtSyncService *self)
{
  g_return_val_if_fail (AT_IS_SYNC_SERVICE (self), NULL);
  return self->catalog;
}

AtSyncService *
at_sync_service_new (AtCatalog *catalog)
{
  AtSyncService *self;

  g_return_val_if_fail (AT_IS_CATALOG (catalog), NULL);
  self = g_object_new (AT_TYPE_SYNC_SERVICE, NULL);
  self->catalog = g_object_ref (catalog);
  g_signal_connect (catalog, "changed", G_CALLBACK (catalog_changed_cb), self);
  _at_sync_service_count_pending (self);
  return self;
}
