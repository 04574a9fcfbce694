-- Schema v10: the closed batch's token (sync_state.batch_token), chosen
-- when a push closes the batch and sent with it. Finding the batch's number
-- recorded on the server proves it merged only if the token is ours too: a
-- copy of this catalog numbers its batches alike.
ALTER TABLE sync_state ADD COLUMN batch_token TEXT;
