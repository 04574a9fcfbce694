-- Schema v11: multipart uploads as AWS checks them. An upload started with
-- x-amz-checksum-algorithm SHA256 takes a SHA-256 with each part and wants
-- them all again, in order, to complete; one started without refuses a part
-- that carries one.
-- uploads.part_checksums: 1 for an upload started so. An unfinished one
-- from before (0) is begun again: its parts could not be completed.
-- upload_parts.sha256: the part's SHA-256, base64, as sent.
-- uploads.file_identity: the file's inode and change time ("ino/ctime"),
-- beside its size and modification time: a file replaced by another of the
-- same size with its time kept (cp -p, rsync -a) is not resumed into a mix
-- of the two.
ALTER TABLE uploads ADD COLUMN part_checksums INTEGER NOT NULL DEFAULT 0 CHECK (part_checksums IN (0, 1));
ALTER TABLE upload_parts ADD COLUMN sha256 TEXT;
ALTER TABLE uploads ADD COLUMN file_identity TEXT;
