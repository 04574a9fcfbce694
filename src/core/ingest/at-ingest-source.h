/* at-ingest-source.h — a card or folder to ingest, with what is new on it. */
#pragma once

#include <gio/gio.h>

#include "at-catalog.h"

G_BEGIN_DECLS

typedef struct
{
  guint   files;
  guint   captures;
  guint   captures_new;
  guint   captures_imported;
  guint64 bytes;
  guint64 bytes_new;
} AtIngestCounts;

gboolean at_ingest_count (AtCatalog       *catalog,
                          const char      *path,
                          AtIngestCounts  *counts,
                          GHashTable      *bodies,
                          GCancellable    *cancellable,
                          GError         **error);

#define AT_TYPE_INGEST_SOURCE (at_ingest_source_get_type ())
G_DECLARE_FINAL_TYPE (AtIngestSource, at_ingest_source, AT, INGEST_SOURCE, GObject)

AtIngestSource *at_ingest_source_new          (const char     *path,
                                               const char     *label,
                                               GMount         *mount);
const char     *at_ingest_source_get_path     (AtIngestSource *self);
const char     *at_ingest_source_get_label    (AtIngestSource *self);
GMount         *at_ingest_source_get_mount    (AtIngestSource *self);
gboolean        at_ingest_source_get_counted  (AtIngestSource *self);
const AtIngestCounts *at_ingest_source_get_counts (AtIngestSource *self);
const char     *at_ingest_source_get_error    (AtIngestSource *self);
GHashTable     *at_ingest_source_get_bodies   (AtIngestSource *self);
guint64         at_ingest_source_get_capacity (AtIngestSource *self);
void            at_ingest_source_recount      (AtIngestSource *self,
                                               AtCatalog      *catalog);

G_END_DECLS
