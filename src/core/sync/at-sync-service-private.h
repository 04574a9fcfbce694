/* at-sync-service-private.h — AtSyncService's insides, shared by its
 * files: the service (at-sync-service.c) and its counts of what waits
 * (at-sync-service-count.c). */
#pragma once

#include "at-sync-service.h"

G_BEGIN_DECLS

#define DEBOUNCE_SECONDS 3

struct _AtSyncService
{
  GObject       parent_instance;
  AtCatalog    *catalog;
  char         *url;
  char         *password;
  char         *server;        /* the URL without its password */
  AtSyncState   state;
  guint         pending;
  guint         kept_aside;    /* pulled values kept aside (sync_conflicts) */
  char         *last_sync;
  char         *last_error;
  AtSyncReport  report;
  gboolean      held;          /* the feed held back at the same place two syncs running */
  gboolean      running;
  gboolean      again;
  guint         debounce_id;
  guint         timer_id;
  guint         interval;
  GCancellable *cancellable;
  gboolean      counting;
  gboolean      recount;
  gboolean      push_soon;     /* once counted, schedule a push if anything waits */
  guint         generation;    /* of the server setting: a sync's answer is for the one it began with */
  gboolean      stopped;       /* at_sync_service_stop: nothing starts any more */
  GDestroyNotify stopped_done; /* ...and this runs once no worker is left */
  gpointer      stopped_data;
};

enum { PROP_0, PROP_STATE, PROP_PENDING, PROP_KEPT_ASIDE, AT_SYNC_SERVICE_N_PROPS };
extern GParamSpec *_at_sync_service_properties[AT_SYNC_SERVICE_N_PROPS];

void     _at_sync_service_maybe_stopped    (AtSyncService *self);
gboolean _at_sync_service_debounced        (gpointer       data);

void     _at_sync_service_count_pending    (AtSyncService *self);
gint64   _at_sync_service_count_kept_aside (AtCatalog     *catalog);
void     _at_sync_service_set_kept_aside   (AtSyncService *self,
                                            gint64         n);

G_END_DECLS
