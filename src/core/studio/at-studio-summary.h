/* at-studio-summary.h — the handful of numbers the window header shows. */
#pragma once

#include "at-catalog.h"

G_BEGIN_DECLS

typedef struct
{
  gint64 photos;
  gint64 projects;
  gint64 customers;
  gint64 schedules;
  gint64 upcoming_schedules;
  gint64 contracts;
  gint64 payments_pending;
  gint64 pending_cents;
  char   currency[4];
} AtStudioSummary;

gboolean at_studio_summary_load (AtCatalog        *catalog,
                                 AtStudioSummary  *summary,
                                 GError          **error);

G_END_DECLS
