-- Schema v6: resumable multipart uploads to the studio's bucket, and the
-- per-project switch that keeps a project's originals backed up. A file's
-- upload keeps the S3 UploadId (uploads.multipart_id) and every part the
-- server took, so after a crash only the missing parts are sent. Both
-- tables are this workstation's own (local paths, its own transfers): they
-- do not sync.
ALTER TABLE uploads ADD COLUMN file_mtime INTEGER;   -- microseconds: a file changed since is uploaded anew
CREATE UNIQUE INDEX uploads_target ON uploads (local_path, bucket, object_key)
  WHERE status NOT IN ('completed', 'cancelled');

CREATE TABLE upload_parts (
  upload_id    TEXT NOT NULL REFERENCES uploads(id) ON DELETE CASCADE,
  part_number  INTEGER NOT NULL CHECK (part_number BETWEEN 1 AND 10000),
  size_bytes   INTEGER NOT NULL CHECK (size_bytes > 0),
  etag         TEXT NOT NULL,
  PRIMARY KEY (upload_id, part_number)
) WITHOUT ROWID;

-- A project whose originals are kept backed up: every workstation that has
-- them queues them as they arrive (a studio-wide choice, so it syncs).
ALTER TABLE projects ADD COLUMN backup_originals INTEGER NOT NULL DEFAULT 0 CHECK (backup_originals IN (0, 1));
