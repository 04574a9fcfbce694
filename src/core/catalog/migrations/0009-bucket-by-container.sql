-- Schema v9: a row without a project of its own is filed under the bucket of
-- its first declared parent, the one that holds it: a face tag under its
-- face's project (not its person's, who may belong to the whole studio),
-- an album item under its album's, a proof selection under its session's.
-- Nothing changes in the tables: the capture triggers are made again after
-- every migration (at_sync_capture_install), and that is the change.
SELECT 1;
