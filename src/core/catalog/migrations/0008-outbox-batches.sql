-- Schema v8: an edit is queued straight into the batch being filled
-- (sync_state.next_batch), where it used to wait in no batch until a push
-- numbered every waiting row. A push now closes its batch by moving
-- next_batch on: one row of sync_state, not every row of the outbox
-- (100,000 edits took 250 ms to number). Edits of one field still coalesce
-- while their batch is open: one row per field and batch.
-- (Batch first: the same index finds a batch to send or to drop.)
UPDATE sync_outbox SET batch = (SELECT next_batch FROM sync_state) WHERE batch IS NULL;
DROP INDEX sync_outbox_unsent;
DROP INDEX sync_outbox_batch;
CREATE UNIQUE INDEX sync_outbox_field ON sync_outbox (batch, tbl, pk, col);
