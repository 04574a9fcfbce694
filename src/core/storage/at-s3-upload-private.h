/* at-s3-upload-private.h — what at-s3-upload.c (the run: parts, PUT,
 * completion) and at-s3-upload-record.c (the catalog's record of it) share. */
#pragma once

#include "at-s3-upload.h"
#include "at-uuid.h"

G_BEGIN_DECLS

struct _AtS3Upload
{
  GObject       parent_instance;
  AtS3Client   *client;
  AtCatalog    *catalog;
  GFile        *file;
  char         *path;
  char         *key;
  gsize         part_size;
  guint         parallel;
  AtS3Progress  progress;
  gpointer      progress_data;
  AtS3Body     *ahead;       /* the file read ahead, for one PUT */
  gboolean      reading_ahead;
  gboolean      waiting_ahead; /* the run waits for it */

  /* one run */
  GTask        *task;
  GCancellable *stop;        /* ends the parts in flight when one fails for good */
  gulong        stop_watch;  /* the run's cancellable cancels stop */
  GCancellable *starting;    /* the multipart start's: a cancel lets it finish for a while */
  gulong        start_watch;
  guint         start_grace;
  goffset       size;
  gint64        mtime;
  char         *identity;    /* "inode/ctime": see _at_s3_upload_stat */
  char          id[AT_UUID_STRING_LEN + 1];
  char         *upload_id;
  char         *stale_upload_id;
  gboolean      has_row;     /* the catalog has a record of this file and key (a queued one, say) */
  gboolean      check_first; /* its record says: backed up at another endpoint, perhaps this server's */
  gboolean      foreign_upload; /* upload_id was begun at another endpoint */
  gboolean      keep_on_cancel;
  gboolean      restarted;   /* this run began its multipart upload again */
  gboolean      completed;   /* the server has the object: whatever comes after, it is done */
  gboolean      left_on_server; /* an unfinished upload it could not abort */
  GPtrArray    *etags;       /* by part number - 1; NULL while not taken */
  GPtrArray    *sums;        /* the same parts' SHA-256, base64: the completion names them */
  guint         n_parts;
  guint         next;        /* the next part to look at, from 0 */
  guint         in_flight;
  guint         resumed;
  goffset       sent_now;
  goffset       done_bytes;  /* of parts taken, this run or before */
  goffset       resumed_bytes; /* of parts the server had when this run began */
  GPtrArray    *sending;     /* the parts under way: what they have written counts in the progress */
  goffset       told;        /* the progress last told (it never goes back within a run) */
  GSource      *tick;        /* tells the progress while parts are under way */
  GError       *failure;
};

const char *_at_s3_upload_bucket         (AtS3Upload          *self);
/* (at-s3-upload-parts.c) Reads and sends the parts not taken yet,
 * @parallel at a time; then completes (or finishes, on a failure or a
 * stop). */
void        _at_s3_upload_schedule       (AtS3Upload          *self);
/* The parts all taken: the file checked again, the upload completed. */
void        _at_s3_upload_complete       (AtS3Upload          *self);
/* The progress: the parts taken and the bytes the parts under way have
 * written; @restart: from 0 (a new upload). */
void        _at_s3_upload_tell_parts     (AtS3Upload          *self,
                                          gboolean             restart);
/* The run's end: its record, then its answer (at-s3-upload.c). */
void        _at_s3_upload_finish         (AtS3Upload          *self);
/* (at-s3-upload-single.c) One PUT, of what was read ahead if it is still
 * the file. */
void        _at_s3_upload_send_single    (AtS3Upload          *self);
/* The file's size and modification time; @identity (if not NULL) its
 * inode and change time, which no copy keeps. */
gboolean    _at_s3_upload_stat           (AtS3Upload          *self,
                                          goffset             *size,
                                          gint64              *mtime,
                                          char               **identity,
                                          GError             **error);
/* (at-s3-upload-verify.c) Whether the object under the key is the file, or
 * the one the parts just sent make (a completion answered NoSuchUpload). */
void        _at_s3_upload_check_completed        (AtS3Upload          *self,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean    _at_s3_upload_check_completed_finish (AtS3Upload          *self,
                                                  GAsyncResult        *result);
/* On a worker: the file, and the catalog's record of an earlier run. */
void        _at_s3_upload_prepare_thread (GTask               *task,
                                          gpointer             source,
                                          gpointer             data,
                                          GCancellable        *cancellable);
/* The multipart upload started (insert, or update of a queued record). */
void        _at_s3_upload_record_started (AtS3Upload          *self,
                                          GAsyncReadyCallback  callback);
void        _at_s3_upload_record_part    (AtS3Upload          *self,
                                          guint                number,
                                          gsize                size,
                                          const char          *etag,
                                          const char          *sha256);
/* On a resume: what the server holds (ListParts, AtS3Object) wins. */
void        _at_s3_upload_reconcile      (AtS3Upload          *self,
                                          GPtrArray           *parts);
void        _at_s3_upload_record_end     (AtS3Upload          *self,
                                          const char          *status,
                                          const char          *message);

G_END_DECLS
