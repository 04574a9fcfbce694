/* at-ingest-run.h — the state of one ingest run, shared by the files of
 * ingest/ that plan it (at-ingest-plan.c), copy it (at-ingest-job.c) and
 * make its previews (at-ingest-previews.c). Internal to ingest/. */
#pragma once

#include "at-ingest-job.h"
#include "at-ingest-journal.h"

G_BEGIN_DECLS

#define BUFFER_SIZE (4 << 20)

typedef struct
{
  AtCatalog              *catalog;
  const AtIngestOptions  *opt;
  char                   *project_id;
  char                   *job_code;
  const char             *file_template;
  const char             *folder_template;
  AtIngestProgressFunc    progress;
  gpointer                progress_data;
  AtIngestProgress        p;           /* p.current is current_name */
  char                   *current_name; /* owned: the file it names may be freed first */
  gint64                  last_report;
  AtIngestSummary        *summary;
  GCancellable           *cancellable;
  guint8                 *buffer;
  GHashTable             *planned_paths;  /* library-relative paths planned in this run */
  GThreadPool            *previews;       /* makes thumbnails while copying goes on */
  char                   *cache_dir;
  gint64                  started;
  GMutex                  lock;           /* p and summary: sources copy in parallel */
  GHashTable             *prekeys;        /* "size|time|serial" -> AtPrekeySeen*, across sources */
  guint                   source_index;   /* the source being planned */
} Run;

/* A capture planned in this run, for telling mirrored cards apart. */
typedef struct
{
  char *path;
  char *hash;    /* computed when another card shows the same pre-key */
  guint source;  /* which source it is on: one card never mirrors itself */
} AtPrekeySeen;


void       at_ingest_run_problem    (Run               *run,
                                     const char        *path,
                                     const char        *message);
void       at_ingest_run_tally      (Run               *run,
                                     guint              files,
                                     guint64            bytes,
                                     guint64            bytes_read,
                                     const char        *current,
                                     gboolean           force);
void       at_ingest_run_count      (Run               *run,
                                     guint             *counter,
                                     guint              n);
void       at_ingest_run_copy_progress (guint64         bytes,
                                        gpointer        run);
typedef struct _AtIngestBatch AtIngestBatch;

AtIngestBatch *at_ingest_stage_batch (Run               *run,
                                      guint8            *buffer,
                                      AtJournalSession  *session,
                                      AtJournalGroup   **groups,
                                      guint              n_groups,
                                      GError           **error);
void       at_ingest_batch_finish_start (AtIngestBatch  *batch);
gboolean   at_ingest_batch_finish_join  (AtIngestBatch  *batch,
                                         GError        **error);
void       at_ingest_batch_free     (AtIngestBatch     *batch);
void       at_ingest_batch_abandon  (AtIngestBatch     *batch);
GPtrArray *at_ingest_plan_source    (Run               *run,
                                     AtJournalSession  *session,
                                     GPtrArray         *captures,
                                     GHashTable        *journal,
                                     GError           **error);
void       at_ingest_previews_make  (gpointer           job,
                                     gpointer           run);
void       at_ingest_previews_queue (Run               *run,
                                     AtJournalGroup    *group);

G_END_DECLS
