/* at-catalog-report.h — what `catalog info` and `catalog check` report. */
#pragma once

#include "at-catalog.h"

G_BEGIN_DECLS

typedef struct
{
  char   *table;
  gint64  rows;
} AtTableCount;

void       at_table_count_free       (AtTableCount *count);
GPtrArray *at_catalog_count_rows     (AtCatalog    *self,
                                      GError      **error);
gint64     at_catalog_count_table    (AtCatalog    *self,
                                      const char   *table,
                                      GError      **error);
GPtrArray *at_catalog_check          (AtCatalog    *self,
                                      GError      **error);

G_END_DECLS
