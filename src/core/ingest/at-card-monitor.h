/* at-card-monitor.h — memory cards as they are mounted, plus chosen folders. */
#pragma once

#include <gio/gio.h>

#include "at-catalog.h"
#include "at-ingest-source.h"

G_BEGIN_DECLS

#define AT_TYPE_CARD_MONITOR (at_card_monitor_get_type ())
G_DECLARE_FINAL_TYPE (AtCardMonitor, at_card_monitor, AT, CARD_MONITOR, GObject)

AtCardMonitor  *at_card_monitor_new        (AtCatalog     *catalog);
AtIngestSource *at_card_monitor_add_folder (AtCardMonitor *self,
                                            const char    *path);
gboolean        at_card_monitor_is_card    (const char    *path);

G_END_DECLS
