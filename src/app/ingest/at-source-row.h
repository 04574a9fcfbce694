/* at-source-row.h — one card or folder in the Ingest page's source list. */
#pragma once

#include <adwaita.h>

#include "at-core.h"

G_BEGIN_DECLS

#define AT_TYPE_SOURCE_ROW (at_source_row_get_type ())
G_DECLARE_FINAL_TYPE (AtSourceRow, at_source_row, AT, SOURCE_ROW, AdwActionRow)

GtkWidget      *at_source_row_new        (AtIngestSource *source);
AtIngestSource *at_source_row_get_source (AtSourceRow    *self);
gboolean        at_source_row_get_active (AtSourceRow    *self);
void            at_source_row_set_active (AtSourceRow    *self,
                                          gboolean        active);

G_END_DECLS
