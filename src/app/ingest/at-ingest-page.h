/* at-ingest-page.h — the Ingest section: sources, destination, progress. */
#pragma once

#include <adwaita.h>

#include "at-core.h"

G_BEGIN_DECLS

#define AT_TYPE_INGEST_PAGE (at_ingest_page_get_type ())
G_DECLARE_FINAL_TYPE (AtIngestPage, at_ingest_page, AT, INGEST_PAGE, AdwBin)

void        at_ingest_page_setup        (AtIngestPage *self,
                                         AtCatalog    *catalog,
                                         GSettings    *settings,
                                         const char   *library,
                                         const char   *cache_dir);
void        at_ingest_page_add_folder   (AtIngestPage *self,
                                         const char   *path);
void        at_ingest_page_start        (AtIngestPage *self);
gboolean    at_ingest_page_is_running   (AtIngestPage *self);
GListModel *at_ingest_page_get_landed   (AtIngestPage *self);
guint       at_ingest_page_get_n_sources (AtIngestPage *self);
const char *at_ingest_page_get_result   (AtIngestPage *self);

G_END_DECLS
