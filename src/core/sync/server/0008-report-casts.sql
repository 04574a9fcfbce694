-- Version 8: one malformed value no longer breaks a whole report.
--
-- The typed views cast text fields (a date, an amount) as they read them,
-- and a single value the cast refuses ("TBD" for an event date, from a
-- hand-edited or damaged catalog) made every query on the view fail, for
-- every row. Such a value now reads as NULL; atelier_rows still shows it
-- as it is.

CREATE FUNCTION atelier_date (value text) RETURNS date
  LANGUAGE plpgsql STABLE SET search_path = pg_catalog
  AS $$ BEGIN RETURN value::date; EXCEPTION WHEN data_exception THEN RETURN NULL; END $$;
CREATE FUNCTION atelier_timestamptz (value text) RETURNS timestamptz
  LANGUAGE plpgsql STABLE SET search_path = pg_catalog
  AS $$ BEGIN RETURN value::timestamptz; EXCEPTION WHEN data_exception THEN RETURN NULL; END $$;
-- (whole numbers by their digits, which no cast refuses: plain SQL, taken
-- into the view's query, with no exception block per row)
CREATE FUNCTION atelier_bigint (value text) RETURNS bigint
  LANGUAGE sql IMMUTABLE
  AS $$ SELECT CASE WHEN value ~ '^\s*[-+]?[0-9]{1,18}\s*$' THEN value::bigint END $$;
CREATE FUNCTION atelier_int (value text) RETURNS int
  LANGUAGE sql IMMUTABLE
  AS $$ SELECT CASE WHEN value ~ '^\s*[-+]?[0-9]{1,9}\s*$' THEN value::int END $$;
GRANT EXECUTE ON FUNCTION atelier_date (text), atelier_timestamptz (text), atelier_bigint (text), atelier_int (text)
  TO atelier_workstation;

CREATE OR REPLACE VIEW atelier_projects WITH (security_invoker = true) AS
SELECT studio_id, pk AS id, fields ->> 'project_number' AS project_number, fields ->> 'name' AS name,
       fields ->> 'project_type' AS project_type, fields ->> 'status' AS status,
       atelier_date (fields ->> 'event_date') AS event_date, fields ->> 'venue' AS venue,
       fields ->> 'customer_id' AS customer_id, fields ->> 'assigned_photographer_id' AS photographer_id,
       fields ->> 'assigned_editor_id' AS editor_id
FROM atelier_rows WHERE tbl = 'projects' AND fields ->> 'deleted_at' IS NULL;

CREATE OR REPLACE VIEW atelier_schedules WITH (security_invoker = true) AS
SELECT studio_id, pk AS id, fields ->> 'project_id' AS project_id, fields ->> 'schedule_type' AS schedule_type,
       atelier_timestamptz (fields ->> 'start_at') AS start_at, atelier_timestamptz (fields ->> 'end_at') AS end_at,
       fields ->> 'location' AS location, fields ->> 'photographer_id' AS photographer_id, fields ->> 'status' AS status
FROM atelier_rows WHERE tbl = 'shooting_schedules' AND fields ->> 'deleted_at' IS NULL;

CREATE OR REPLACE VIEW atelier_contracts WITH (security_invoker = true) AS
SELECT studio_id, pk AS id, fields ->> 'contract_number' AS contract_number, fields ->> 'customer_id' AS customer_id,
       atelier_bigint (fields ->> 'total_cents') AS total_cents, atelier_bigint (fields ->> 'deposit_cents') AS deposit_cents,
       fields ->> 'currency' AS currency, fields ->> 'status' AS status,
       atelier_date (fields ->> 'contract_date') AS contract_date
FROM atelier_rows WHERE tbl = 'contracts' AND fields ->> 'deleted_at' IS NULL;

CREATE OR REPLACE VIEW atelier_payments WITH (security_invoker = true) AS
SELECT studio_id, pk AS id, fields ->> 'contract_id' AS contract_id, fields ->> 'payment_type' AS payment_type,
       atelier_bigint (fields ->> 'amount_cents') AS amount_cents, fields ->> 'currency' AS currency,
       fields ->> 'status' AS status, atelier_timestamptz (fields ->> 'due_at') AS due_at,
       atelier_timestamptz (fields ->> 'paid_at') AS paid_at
FROM atelier_rows WHERE tbl = 'payments' AND fields ->> 'deleted_at' IS NULL;

CREATE OR REPLACE VIEW atelier_photos WITH (security_invoker = true) AS
SELECT studio_id, pk AS id, fields ->> 'project_id' AS project_id, fields ->> 'file_name' AS file_name,
       atelier_timestamptz (fields ->> 'capture_time') AS capture_time, fields ->> 'camera_model' AS camera_model,
       fields ->> 'body_serial' AS body_serial, atelier_int (fields ->> 'rating') AS rating,
       fields ->> 'color_label' AS color_label, atelier_int (fields ->> 'picked') = 1 AS picked,
       fields ->> 'edit_status' AS edit_status, fields ->> 'content_hash' AS content_hash
FROM atelier_rows WHERE tbl = 'photos' AND fields ->> 'deleted_at' IS NULL;
