/* at-sync-history.h — the syncs this catalog made (the app's and the
 * CLI's), newest first, as the Sync page lists them. */
#pragma once

#include "at-catalog.h"

G_BEGIN_DECLS

typedef struct
{
  GDateTime *first;   /* local time */
  GDateTime *last;    /* the same as first unless times > 1 */
  guint      times;   /* syncs in a row that ended alike (nothing new, offline again) */
  gboolean   failed;
  char      *what;    /* what it sent and received, or why it failed */
} AtSyncHistoryEntry;

void       at_sync_history_entry_free (AtSyncHistoryEntry *entry);
GPtrArray *at_sync_list_history       (AtCatalog          *catalog,
                                       guint               limit,
                                       GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtSyncHistoryEntry, at_sync_history_entry_free)

G_END_DECLS
