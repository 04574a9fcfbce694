-- Schema v9: the capture triggers are made again (at_sync_capture_install
-- runs after every migration), for two changes in what they record:
-- * a row without a project of its own is filed under the bucket of its
--   first declared parent, the one that holds it: a face tag under its
--   face's project (not its person's, who may belong to the whole studio),
--   an album item under its album's, a proof selection under its session's;
-- * a face embedding travels only as a field of its own, never inside its
--   row's cell, so that a purge (consent revoked) reaches every copy on the
--   server; a deleted row's embedding is purged with it.
--
-- And what a pull met that this catalog does not have (a newer Atelier's
-- table or column) is noted, so that once it is here (an upgrade) the feed
-- is read again from the start and those values arrive
-- (at_sync_relearn_unknown).
CREATE TABLE sync_unknown (
  tbl  TEXT NOT NULL,
  col  TEXT NOT NULL,   -- '*' for a whole table
  PRIMARY KEY (tbl, col)
) WITHOUT ROWID;

-- Rows waiting in sync_inbox for a parent (col '*') are looked at after
-- every pulled page: found by this index, not by reading every field that
-- waits for its row.
CREATE INDEX sync_inbox_rows ON sync_inbox (tbl, pk) WHERE col = '*';
