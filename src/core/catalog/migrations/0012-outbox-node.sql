-- Schema v12: sync_outbox.node, the node of a field's clock when it is not
-- this catalog's. Everything sent again (a server put back from a backup,
-- at_sync_capture_requeue) goes with the clock each field has here, first
-- writer's node included: sent under this catalog's node, a field would
-- win the tie with its own first writer's copy on the server and be
-- rewritten, and pulled again, everywhere. NULL: this catalog's own edit.
ALTER TABLE sync_outbox ADD COLUMN node INTEGER;
