-- Schema v10: what tells this catalog's batches and its server apart.
-- sync_state.batch_token: the closed batch's token, chosen when a push
-- closes the batch and sent with it. Finding the batch's number recorded on
-- the server proves it merged only if the token is ours too: a copy of this
-- catalog numbers its batches alike.
-- sync_state.server_id: the server's cluster, timeline and database as last
-- seen (at_pg_identity). A server put back from a backup or moved has
-- another: it may have lost what it had taken, and its feed positions are
-- not the ones this catalog's cursors count in.
ALTER TABLE sync_state ADD COLUMN batch_token TEXT;
ALTER TABLE sync_state ADD COLUMN server_id TEXT;
