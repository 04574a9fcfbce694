/* at-s3-upload.h — one file to the bucket, resumable: files above the part
 * size go up as a multipart upload whose UploadId and finished parts are
 * kept in the catalog (uploads, upload_parts), so a run after a crash, a
 * pulled cable or a closed laptop sends only the parts the server does not
 * have; parts go in parallel; a cancel aborts the upload on the server. */
#pragma once

#include "at-catalog.h"
#include "at-s3-client.h"

G_BEGIN_DECLS

#define AT_S3_MIN_PART_SIZE     (5 * 1024 * 1024)
#define AT_S3_DEFAULT_PART_SIZE (8 * 1024 * 1024)
#define AT_S3_MAX_PARTS         10000   /* S3's limit per multipart upload */
/* A file's parts under way are held in memory, at most this much */
#define AT_S3_PARTS_MEMORY      ((gsize) 256 * 1024 * 1024)

#define AT_TYPE_S3_UPLOAD (at_s3_upload_get_type ())
G_DECLARE_FINAL_TYPE (AtS3Upload, at_s3_upload, AT, S3_UPLOAD, GObject)

/* @catalog: where the upload's state is kept; NULL for none (no resume). */
AtS3Upload *at_s3_upload_new            (AtS3Client          *client,
                                         AtCatalog           *catalog,
                                         GFile               *file,
                                         const char          *key);
/* At least @bytes a part; a file that would need more than
 * AT_S3_MAX_PARTS of them goes in bigger ones. */
void        at_s3_upload_set_part_size  (AtS3Upload          *self,
                                         gsize                bytes);
void        at_s3_upload_set_parallel   (AtS3Upload          *self,
                                         guint                parts);
/* How many parts go at once: @parallel, fewer when the parts are big
 * (each is held whole while it goes; at most AT_S3_PARTS_MEMORY in all). */
guint       at_s3_upload_get_parts_at_once (AtS3Upload       *self);
void        at_s3_upload_set_progress   (AtS3Upload          *self,
                                         AtS3Progress         progress,
                                         gpointer             data);
/* TRUE: a cancel is a pause (the parts stay on the server and in the
 * catalog, status 'paused'); FALSE (default): it aborts the upload. */
void        at_s3_upload_set_keep_on_cancel (AtS3Upload      *self,
                                         gboolean             keep);
/* Reads the file now, if it will go in one PUT, so that the run sends it at
 * once: a queue reads the next file while the one before is sent. */
void        at_s3_upload_read_ahead     (AtS3Upload          *self);
void        at_s3_upload_run            (AtS3Upload          *self,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean    at_s3_upload_run_finish     (AtS3Upload          *self,
                                         GAsyncResult        *result,
                                         GError             **error);
goffset     at_s3_upload_get_size       (AtS3Upload          *self);
/* Bytes of the file this run sent (a resumed run leaves out what the server had). */
goffset     at_s3_upload_get_sent_now   (AtS3Upload          *self);
/* Parts the server had from an earlier run, and their bytes. */
guint       at_s3_upload_get_parts_resumed (AtS3Upload       *self);
goffset     at_s3_upload_get_resumed_bytes (AtS3Upload       *self);
/* Whether the run left an unfinished upload it could not abort (the link
 * was down): a bucket lifecycle rule removes it. */
gboolean    at_s3_upload_get_left_on_server (AtS3Upload      *self);

/* The ETag S3 gives @file's bytes sent in one PUT (@part_size 0: their MD5,
 * in hex) or in parts of @part_size (the MD5 of the parts' MD5s, "-" and
 * how many). Blocking: for a worker. */
char       *at_s3_file_etag             (GFile               *file,
                                         gsize                part_size,
                                         GCancellable        *cancellable,
                                         GError             **error);

G_END_DECLS
