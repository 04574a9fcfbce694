/* at-sync-page.h — the Sync section: the studio server, how sync stands,
 * what happened. */
#pragma once

#include <adwaita.h>

#include "at-core.h"

G_BEGIN_DECLS

#define AT_TYPE_SYNC_PAGE (at_sync_page_get_type ())
G_DECLARE_FINAL_TYPE (AtSyncPage, at_sync_page, AT, SYNC_PAGE, AdwBin)

void        at_sync_page_set_service   (AtSyncPage    *self,
                                        AtSyncService *service);
/* "Synced", "3 changes to send", "Offline"... what the header shows too. */
char       *at_sync_state_describe     (AtSyncService *service,
                                        const char   **icon_name);
guint       at_sync_page_get_n_history (AtSyncPage    *self);

G_END_DECLS
