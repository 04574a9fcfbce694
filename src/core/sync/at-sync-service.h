/* at-sync-service.h — sync in the background while the app runs: after
 * local changes (debounced), on a timer, and on request. */
#pragma once

#include "at-catalog.h"
#include "at-sync-client.h"

G_BEGIN_DECLS

typedef enum {
  AT_SYNC_STATE_NOT_CONFIGURED,   /* no server set: working offline by choice */
  AT_SYNC_STATE_SYNCED,           /* the last sync went through */
  AT_SYNC_STATE_SYNCING,
  AT_SYNC_STATE_OFFLINE,          /* the server could not be reached: normal at a venue */
  AT_SYNC_STATE_ERROR,            /* the server refused (login, clock, schema) */
  AT_SYNC_STATE_WAITING,          /* another sync of the catalog, a lock on the server or the catalog busy was in
                                   * the way: no fault, the timer or the next edit tries again */
} AtSyncState;

#define AT_TYPE_SYNC_SERVICE (at_sync_service_get_type ())
G_DECLARE_FINAL_TYPE (AtSyncService, at_sync_service, AT, SYNC_SERVICE, GObject)

AtSyncService *at_sync_service_new          (AtCatalog     *catalog);
AtCatalog     *at_sync_service_get_catalog  (AtSyncService *self);
/* @url: NULL or "" turns sync off; @password: NULL to use the URL's own,
 * or PGPASSWORD / ~/.pgpass. */
void           at_sync_service_set_server   (AtSyncService *self,
                                             const char    *url,
                                             const char    *password);
void           at_sync_service_sync_now     (AtSyncService *self);
/* For good: nothing starts any more, the sync or count under way is
 * cancelled, and @done (@data) runs on this thread once no worker of the
 * service is left (at once if none is): only then may the catalog close,
 * which a worker may still be using. */
void           at_sync_service_stop         (AtSyncService *self,
                                             GDestroyNotify done,
                                             gpointer       data);
AtSyncState    at_sync_service_get_state    (AtSyncService *self);
guint          at_sync_service_get_pending  (AtSyncService *self);
const char    *at_sync_service_get_server   (AtSyncService *self);
const char    *at_sync_service_get_last_sync (AtSyncService *self);
const char    *at_sync_service_get_last_error (AtSyncService *self);
const AtSyncReport *at_sync_service_get_last_report (AtSyncService *self);
/* Values pulled from other workstations and kept aside, each for a clash
 * with what is here (the Sync page says what to do): counted after each
 * sync and each local change. */
guint          at_sync_service_get_kept_aside (AtSyncService *self);
/* Others' changes the server has taken that wait behind a transaction left
 * open there (seen at the same place two syncs running); 0 if none. */
guint          at_sync_service_get_held_back (AtSyncService *self);
/* The interval of the background timer, in seconds (tests shorten it). */
void           at_sync_service_set_interval (AtSyncService *self,
                                             guint          seconds);

G_END_DECLS
