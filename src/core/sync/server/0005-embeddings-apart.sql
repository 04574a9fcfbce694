-- Version 5: a face embedding is kept only as a field of its own.
--
-- A purge (the embedding set to NULL, as revoking consent does) overwrites
-- that field; it could not reach a copy inside a whole row's cell, where an
-- Atelier before this one put the embedding of a face or selfie made while
-- consent was given. Such a copy moves to a field of its own (clocked just
-- after its row, unless a newer field is there, a purge say), and the row's
-- cell keeps null.
INSERT INTO sync_cell (studio_id, tbl, pk, col, val, hlc, node, bucket)
  SELECT studio_id, tbl, pk, 'embedding', val -> 'embedding', hlc + 1, node, bucket FROM sync_cell
  WHERE tbl IN ('faces', 'reference_faces') AND col = '*' AND jsonb_typeof (val -> 'embedding') = 'string'
  ON CONFLICT (studio_id, tbl, pk, col) DO NOTHING;
UPDATE sync_cell SET val = jsonb_set (val, '{embedding}', 'null')
  WHERE tbl IN ('faces', 'reference_faces') AND col = '*' AND jsonb_typeof (val -> 'embedding') = 'string';
