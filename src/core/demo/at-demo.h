/* at-demo.h — `atelier-cli demo`: a sample studio with real photo files. */
#pragma once

#include "at-catalog.h"

G_BEGIN_DECLS

#define AT_DEMO_DEFAULT_PHOTOS 360

typedef struct
{
  guint    photos;
  guint64  bytes;
  char    *wedding_folder;   /* absolute */
  char    *project_name;
} AtDemoSummary;

typedef void (*AtDemoProgressFunc) (guint    done,
                                    guint    total,
                                    gpointer user_data);

gboolean at_demo_generate      (AtCatalog          *catalog,
                                const char         *library,
                                guint               n_photos,
                                AtDemoProgressFunc  progress,
                                gpointer            progress_data,
                                GCancellable       *cancellable,
                                AtDemoSummary      *summary,
                                GError            **error);
void     at_demo_summary_clear (AtDemoSummary      *summary);

G_END_DECLS
