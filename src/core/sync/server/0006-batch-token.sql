-- Version 6: the last batch a client id pushed is known by a token as well
-- as by its number. A catalog copied to a second computer keeps its client
-- id; each copy then numbers its own batches alike, and a push that found
-- its number already recorded took it for its own merged batch whose
-- answer was lost, and dropped it unsent. The token (chosen when the batch
-- is closed) tells the two apart.
ALTER TABLE sync_client ADD COLUMN last_token text;
