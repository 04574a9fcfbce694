/* at-sync-indicator.h — the header's word on sync: synced, N changes to
 * send, offline, a problem; a click opens the Sync section. */
#pragma once

#include <gtk/gtk.h>

#include "at-core.h"

G_BEGIN_DECLS

#define AT_TYPE_SYNC_INDICATOR (at_sync_indicator_get_type ())
G_DECLARE_FINAL_TYPE (AtSyncIndicator, at_sync_indicator, AT, SYNC_INDICATOR, GtkButton)

void        at_sync_indicator_set_service (AtSyncIndicator *self,
                                           AtSyncService   *service);
const char *at_sync_indicator_get_text    (AtSyncIndicator *self);

G_END_DECLS
