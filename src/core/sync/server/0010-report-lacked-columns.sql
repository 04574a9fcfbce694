-- Version 10: a report's row takes the edits of the columns its row value
-- lacks, however old.
--
-- A row value (col '*') from an Atelier older than a column, or written by
-- a script, says nothing of that column, and never holds an embedding: the
-- column's own edits decide it, as on the workstations. atelier_rows laid
-- only the edits newer than the row value over it, so a venue set before
-- an older Atelier sent the row again went missing from the reports.

CREATE OR REPLACE VIEW atelier_rows WITH (security_invoker = true) AS
SELECT r.studio_id, r.tbl, r.pk, e.fields
FROM sync_cell r
CROSS JOIN LATERAL (SELECT r.val || coalesce (jsonb_object_agg (f.col, f.val ORDER BY f.hlc), '{}'::jsonb) AS fields
                    FROM sync_cell f
                    WHERE f.studio_id = r.studio_id AND f.tbl = r.tbl AND f.pk = r.pk
                      AND f.col NOT IN ('*', '_deleted')
                      AND ((f.hlc, f.node) > (r.hlc, r.node) OR NOT jsonb_exists (r.val, f.col))) e
WHERE r.col = '*'
  AND NOT EXISTS (SELECT 1 FROM sync_cell d
                  WHERE d.studio_id = r.studio_id AND d.tbl = r.tbl AND d.pk = r.pk AND d.col = '_deleted'
                    AND (d.hlc, d.node) > (r.hlc, r.node));
