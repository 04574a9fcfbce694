-- Version 3: partial sync, and the oldest workstation the studio accepts.

-- Every cell is filed under a bucket: '' for the studio's own data, a
-- project's id for everything of that project (the workstation works it out
-- when it captures the change). The feed is read per bucket, each with its
-- own cursor, so one index serves a laptop that follows one project and a
-- desk that follows them all. Cells from before version 3 stay in ''.
ALTER TABLE sync_cell ADD COLUMN bucket text NOT NULL DEFAULT '';
DROP INDEX sync_cell_feed;
CREATE INDEX sync_cell_feed ON sync_cell (studio_id, bucket, xid, seq);

-- The oldest catalog schema that may sync: raised when a change of the
-- central schema needs every workstation upgraded first. A workstation
-- below it is refused when it registers, before it sends or reads anything,
-- and keeps its changes until it is upgraded.
CREATE TABLE atelier_settings (
  id                 int PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  min_client_schema  int NOT NULL DEFAULT 0
);
INSERT INTO atelier_settings DEFAULT VALUES;
REVOKE ALL ON atelier_settings FROM PUBLIC;
GRANT SELECT ON atelier_settings TO atelier_workstation;

-- SQLSTATE AT001 tells the workstation what this is (see at-pg.c).
CREATE FUNCTION atelier_check_client () RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
DECLARE
  needed int;
BEGIN
  SELECT min_client_schema INTO needed FROM public.atelier_settings;
  IF coalesce (NEW.schema_version, 0) < needed THEN
    RAISE EXCEPTION 'this workstation''s catalog has schema % and the studio''s server needs % or later: update Atelier on it',
      coalesce (NEW.schema_version, 0), needed USING ERRCODE = 'AT001';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER atelier_check_client BEFORE INSERT OR UPDATE ON sync_client
  FOR EACH ROW EXECUTE FUNCTION atelier_check_client ();
