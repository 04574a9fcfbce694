/* at-ingest-job.h — copy cards into the library, verified, resumable. */
#pragma once

#include "at-catalog.h"

G_BEGIN_DECLS

/* Called from the preview thread when a capture's thumbnail is in the cache. */
typedef void (*AtIngestPreviewFunc)  (const char             *content_hash,
                                      const char             *file_name,
                                      gpointer                user_data);

typedef struct
{
  char       *library;          /* must exist */
  char       *backup;           /* optional; must exist when set */
  char       *project;          /* name or number; created when unknown */
  char       *file_template;    /* NULL: the default */
  char       *folder_template;  /* NULL: the default */
  int         day_start_hour;   /* the event day starts here; default 3 */
  gboolean    verify;           /* read every copy back (default TRUE) */
  GHashTable *clock_offsets;    /* body serial -> gint64 seconds to add (boxed) */
  gboolean    previews;         /* make thumbnails and previews while copying (default TRUE) */
  char       *cache_dir;        /* where they go; NULL: at_preview_default_cache_dir() */
  AtIngestPreviewFunc preview_ready;  /* optional, for a grid that fills while copying */
  gpointer    preview_data;
} AtIngestOptions;

typedef struct
{
  guint    files_total;
  guint    copied;             /* files verified and cataloged by this run */
  guint    skipped_duplicate;  /* already in the library, same bytes */
  guint    failed;
  guint    photos;             /* captures cataloged by this run */
  guint64  bytes;              /* bytes read from the sources */
  double   seconds;
  guint    previews;           /* thumbnails + previews made */
  double   first_preview_seconds; /* from the start to the first thumbnail, or 0 */
  GPtrArray *problems;         /* "path: message" for every file with a problem */
} AtIngestSummary;

typedef struct
{
  guint        files_done;
  guint        files_total;
  guint64      bytes_done;
  guint64      bytes_total;
  const char  *current;
} AtIngestProgress;

typedef void (*AtIngestProgressFunc) (const AtIngestProgress *progress,
                                      gpointer                user_data);

void     at_ingest_options_init   (AtIngestOptions  *options);
void     at_ingest_options_clear  (AtIngestOptions  *options);
void     at_ingest_summary_clear  (AtIngestSummary  *summary);
gboolean at_ingest_run            (AtCatalog              *catalog,
                                   const char *const      *sources,
                                   const AtIngestOptions  *options,
                                   AtIngestProgressFunc    progress,
                                   gpointer                progress_data,
                                   AtIngestSummary        *summary,
                                   GCancellable           *cancellable,
                                   GError                **error);

G_END_DECLS
