/* at-upload-queue-private.h — AtUploadQueue's parts: running the queue
 * (at-upload-queue.c), queueing projects' originals into it
 * (at-upload-queue-projects.c), checking the bucket holds what was backed
 * up (at-upload-queue-audit.c), trying again after a stop or a failure
 * (at-upload-queue-retry.c), and the writes a person's choice makes
 * (at-upload-queue-write.c). */
#pragma once

#include "at-upload-queue.h"

G_BEGIN_DECLS

struct _AtUploadQueue
{
  GObject           parent_instance;
  AtCatalog        *catalog;
  AtS3Client       *client;
  char             *library;
  char             *root;        /* the library ending in "/": a file's local_path is it and its library_path */
  guint             concurrency;
  gboolean          running;
  gboolean          unpausing;   /* a run's start: what a pause left waits to be queued again */
  GCancellable     *pause;
  GHashTable       *busy;        /* upload id -> Job, under way */
  GHashTable       *ended;       /* upload ids this run is done with (their records may lag) */
  GHashTable       *changes;     /* upload id -> how often its file changed under it this run */
  GHashTable       *counted;     /* upload ids in this run's totals */
  GListStore       *transfers;
  AtUploadProgress  progress;
  gint64            rate_at;     /* when bytes_per_second was last worked out */
  gint64            rate_bytes;  /* bytes_done then */
  gint64            told_at;     /* when "changed" was last emitted for progress */
  guint             look_id;     /* a look for new originals, pending */
  gboolean          held;        /* paused by a person: only they resume it */
  gboolean          restart;     /* started again while a pause was still ending */
  char             *last_error;  /* the last file that failed, and why */
  char             *waiting;     /* why the run stopped: the link, the server or the setup */
  guint             retry_first; /* seconds before trying again by itself after that; 0: it does not */
  guint             retry_seconds;
  gint64            retry_at;
  guint             retry_id;
  gboolean          network_up;  /* as the network monitor last said */
  struct _Job      *ahead;       /* the next file, read while the others go */
  GCancellable     *auditing;    /* a look at the bucket before the first run, under way */
  gboolean          audited;     /* done: what the catalog says is backed up is there */
  char             *unchecked;   /* why it could not be done, said at the run's end */
};

/* (at-upload-queue-write.c) A write that changes the queue: @func on the
 * catalog's writer thread, then @then (if not NULL) on the caller's
 * context. The sync one waits (the CLI); the async one keeps @data until
 * the task goes (_finish gives it back, to read what the write found). */
typedef void (*AtUploadQueueThen) (AtUploadQueue *self, gpointer data);
gboolean _at_upload_queue_write_sync   (AtUploadQueue       *self,
                                        const char          *tables,
                                        AtCatalogWriteFunc   func,
                                        gpointer             data,
                                        AtUploadQueueThen    then,
                                        GError             **error);
void     _at_upload_queue_write_async  (AtUploadQueue       *self,
                                        const char          *tables,
                                        AtCatalogWriteFunc   func,
                                        gpointer             data,
                                        GDestroyNotify       destroy,
                                        AtUploadQueueThen    then,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
gboolean _at_upload_queue_write_finish (AtUploadQueue       *self,
                                        GAsyncResult        *result,
                                        gpointer            *data,
                                        GError             **error);

/* (at-upload-queue-audit.c) Looks in the bucket for what the catalog says
 * is backed up there, queueing again what is not; then calls: */
void _at_upload_queue_audit   (AtUploadQueue *self);
void _at_upload_queue_audited (AtUploadQueue *self,
                               const GError  *error);
/* (at-upload-queue-retry.c) After a stop of the run, tries again by itself
 * a while later. */
void _at_upload_queue_try_later (AtUploadQueue *self);

G_END_DECLS
