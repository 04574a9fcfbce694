-- Version 2: typed views of the synced data, for managers' reports and other
-- tools. They read sync_cell as the caller (security_invoker), so row-level
-- security applies: a workstation sees its studio's rows only.

-- Each live row's fields: the row as inserted, with every later field edit
-- over it; a deletion newer than the row hides it.
CREATE VIEW atelier_rows WITH (security_invoker = true) AS
SELECT r.studio_id, r.tbl, r.pk,
       r.val || coalesce ((SELECT jsonb_object_agg (f.col, f.val ORDER BY f.hlc)
                           FROM sync_cell f
                           WHERE f.studio_id = r.studio_id AND f.tbl = r.tbl AND f.pk = r.pk
                             AND f.col NOT IN ('*', '_deleted') AND (f.hlc, f.node) > (r.hlc, r.node)),
                          '{}'::jsonb) AS fields
FROM sync_cell r
WHERE r.col = '*'
  AND NOT EXISTS (SELECT 1 FROM sync_cell d
                  WHERE d.studio_id = r.studio_id AND d.tbl = r.tbl AND d.pk = r.pk AND d.col = '_deleted'
                    AND (d.hlc, d.node) > (r.hlc, r.node));

CREATE VIEW atelier_projects WITH (security_invoker = true) AS
SELECT studio_id, pk AS id, fields ->> 'project_number' AS project_number, fields ->> 'name' AS name,
       fields ->> 'project_type' AS project_type, fields ->> 'status' AS status,
       (fields ->> 'event_date')::date AS event_date, fields ->> 'venue' AS venue,
       fields ->> 'customer_id' AS customer_id, fields ->> 'assigned_photographer_id' AS photographer_id,
       fields ->> 'assigned_editor_id' AS editor_id
FROM atelier_rows WHERE tbl = 'projects' AND fields ->> 'deleted_at' IS NULL;

CREATE VIEW atelier_schedules WITH (security_invoker = true) AS
SELECT studio_id, pk AS id, fields ->> 'project_id' AS project_id, fields ->> 'schedule_type' AS schedule_type,
       (fields ->> 'start_at')::timestamptz AS start_at, (fields ->> 'end_at')::timestamptz AS end_at,
       fields ->> 'location' AS location, fields ->> 'photographer_id' AS photographer_id, fields ->> 'status' AS status
FROM atelier_rows WHERE tbl = 'shooting_schedules' AND fields ->> 'deleted_at' IS NULL;

CREATE VIEW atelier_contracts WITH (security_invoker = true) AS
SELECT studio_id, pk AS id, fields ->> 'contract_number' AS contract_number, fields ->> 'customer_id' AS customer_id,
       (fields ->> 'total_cents')::bigint AS total_cents, (fields ->> 'deposit_cents')::bigint AS deposit_cents,
       fields ->> 'currency' AS currency, fields ->> 'status' AS status,
       (fields ->> 'contract_date')::date AS contract_date
FROM atelier_rows WHERE tbl = 'contracts' AND fields ->> 'deleted_at' IS NULL;

CREATE VIEW atelier_payments WITH (security_invoker = true) AS
SELECT studio_id, pk AS id, fields ->> 'contract_id' AS contract_id, fields ->> 'payment_type' AS payment_type,
       (fields ->> 'amount_cents')::bigint AS amount_cents, fields ->> 'currency' AS currency,
       fields ->> 'status' AS status, (fields ->> 'due_at')::timestamptz AS due_at,
       (fields ->> 'paid_at')::timestamptz AS paid_at
FROM atelier_rows WHERE tbl = 'payments' AND fields ->> 'deleted_at' IS NULL;

CREATE VIEW atelier_photos WITH (security_invoker = true) AS
SELECT studio_id, pk AS id, fields ->> 'project_id' AS project_id, fields ->> 'file_name' AS file_name,
       (fields ->> 'capture_time')::timestamptz AS capture_time, fields ->> 'camera_model' AS camera_model,
       fields ->> 'body_serial' AS body_serial, (fields ->> 'rating')::int AS rating,
       fields ->> 'color_label' AS color_label, (fields ->> 'picked')::int = 1 AS picked,
       fields ->> 'edit_status' AS edit_status, fields ->> 'content_hash' AS content_hash
FROM atelier_rows WHERE tbl = 'photos' AND fields ->> 'deleted_at' IS NULL;

GRANT SELECT ON atelier_rows, atelier_projects, atelier_schedules, atelier_contracts, atelier_payments,
                atelier_photos TO atelier_workstation;
