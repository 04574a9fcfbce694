-- Schema v13: where an upload went, beside its bucket.
-- uploads.endpoint: the storage server's host[:port] (at_s3_client_get_endpoint).
-- A bucket of the same name at another provider is another place: a file
-- backed up to one is not taken as backed up to the other. NULL: an upload
-- from before; a queue's audit (at-upload-queue-audit.c) records it as its
-- endpoint's once it finds its object there, or queues it again.
-- uploads.check_first: 1 for a file backed up before at another endpoint
-- (perhaps the same server by another address: the studio's LAN and the
-- outside one): its object is looked at (size, ETag against the file's MD5)
-- before anything is sent, and not sent if it is there.
ALTER TABLE uploads ADD COLUMN endpoint TEXT;
ALTER TABLE uploads ADD COLUMN check_first INTEGER NOT NULL DEFAULT 0 CHECK (check_first IN (0, 1));
-- (what is queued is looked up by its key, and an original by its path)
CREATE INDEX uploads_key ON uploads (object_key, bucket);
CREATE INDEX photo_files_path ON photo_files (library_path);
