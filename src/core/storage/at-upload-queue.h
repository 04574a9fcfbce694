/* at-upload-queue.h — the upload queue: a project's originals backed up to
 * the studio's bucket, under studios/{studio}/projects/{project}/originals/.
 * The jobs are rows of the catalog's uploads table, so the queue survives a
 * restart; a few files go at once, each resumable (AtS3Upload); pause keeps
 * every finished part. */
#pragma once

#include "at-catalog.h"
#include "at-s3-client.h"

G_BEGIN_DECLS

typedef struct
{
  guint   files_total;      /* queued or under way when the queue started, and added since */
  guint   files_done;
  guint   files_failed;
  gint64  bytes_total;
  gint64  bytes_done;
  double  bytes_per_second; /* over the last seconds */
  double  seconds_left;     /* -1 while unknown */
} AtUploadProgress;

#define AT_TYPE_UPLOAD_QUEUE (at_upload_queue_get_type ())
G_DECLARE_FINAL_TYPE (AtUploadQueue, at_upload_queue, AT, UPLOAD_QUEUE, GObject)

/* @library: the folder the catalog's library paths are in. */
AtUploadQueue *at_upload_queue_new             (AtCatalog     *catalog,
                                                AtS3Client    *client,
                                                const char    *library);
/* (the queue's client: its upload limit, say) */
AtS3Client    *at_upload_queue_get_client      (AtUploadQueue *self);
/* How many files go at once (1 to 8; 2 by default). */
void           at_upload_queue_set_concurrency (AtUploadQueue *self,
                                                guint          files);
guint          at_upload_queue_get_concurrency (AtUploadQueue *self);
/* Queues the originals of @project (id, name or number; NULL: of every
 * project whose switch is on) that are not in the bucket yet; @queued: how
 * many files were added. Blocking (a catalog write). */
gboolean       at_upload_queue_add_project     (AtUploadQueue *self,
                                                const char    *project,
                                                guint         *queued,
                                                GError       **error);
/* The same on the catalog's writer thread, for the window: it does not
 * wait behind an ingest's or a sync's writes. */
void           at_upload_queue_add_project_async  (AtUploadQueue       *self,
                                                   const char          *project,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
gboolean       at_upload_queue_add_project_finish (AtUploadQueue  *self,
                                                   GAsyncResult   *result,
                                                   guint          *queued,
                                                   GError        **error);
/* The project's switch: on, its originals are queued now (and started) and,
 * with at_upload_queue_watch(), as they arrive. It is the studio's choice:
 * it syncs. */
gboolean       at_upload_queue_set_project_backup (AtUploadQueue *self,
                                                const char    *project,
                                                gboolean       on,
                                                guint         *queued,
                                                GError       **error);
void           at_upload_queue_set_project_backup_async  (AtUploadQueue       *self,
                                                          const char          *project,
                                                          gboolean             on,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
gboolean       at_upload_queue_set_project_backup_finish (AtUploadQueue  *self,
                                                          GAsyncResult   *result,
                                                          guint          *queued,
                                                          GError        **error);
gboolean       at_upload_queue_get_project_backup (AtUploadQueue *self,
                                                const char    *project_id);
/* From now on, originals of switched-on projects that arrive in the catalog
 * (an ingest, a sync) are queued and sent a moment later; and those that
 * are missing now. */
void           at_upload_queue_watch           (AtUploadQueue *self);
/* Sends what is queued (and what a pause or a crash left), and keeps
 * sending as files are added; "changed" while it goes, "drained" when
 * nothing is left or it was paused. */
void           at_upload_queue_start           (AtUploadQueue *self);
void           at_upload_queue_pause           (AtUploadQueue *self);
/* "IMG_0001.CR3: Cannot read …" of the last file that failed, or NULL. */
const char    *at_upload_queue_get_last_error  (AtUploadQueue *self);
/* Why the queue stopped, when the link, the server or the setup stopped it
 * ("The storage server cannot be reached: …"; its files wait, paused, not
 * failed), or NULL; @seconds: in how long it tries again by itself (-1:
 * it does not; a start tries at once). */
const char    *at_upload_queue_get_waiting     (AtUploadQueue *self,
                                                gint64        *seconds);
/* After such a stop, try again by itself @seconds later, then twice as
 * long each time up to 20 times that, and as soon as the network comes
 * back. 0 (the default): only a start tries again. */
void           at_upload_queue_set_retry       (AtUploadQueue *self,
                                                guint          seconds);
/* The files that failed go in the queue again (a drive reconnected, say). */
gboolean       at_upload_queue_retry_failed    (AtUploadQueue *self,
                                                GError       **error);
void           at_upload_queue_retry_failed_async  (AtUploadQueue       *self,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
gboolean       at_upload_queue_retry_failed_finish (AtUploadQueue  *self,
                                                    GAsyncResult   *result,
                                                    GError        **error);
gboolean       at_upload_queue_is_running      (AtUploadQueue *self);
/* Paused by at_upload_queue_pause(), until a start. */
gboolean       at_upload_queue_is_held         (AtUploadQueue *self);
/* Looking in the bucket for what was backed up, before its first run. */
gboolean       at_upload_queue_is_checking     (AtUploadQueue *self);
void           at_upload_queue_get_progress    (AtUploadQueue *self,
                                                AtUploadProgress *progress);
/* The files under way, as AtTransfer. */
GListModel    *at_upload_queue_get_transfers   (AtUploadQueue *self);

G_END_DECLS
