-- Atelier's central schema, version 1: studios, their workstations, and the
-- synced fields (DESIGN.md, Sync). Runs as the database owner, in one
-- transaction, once (atelier_schema records it).

CREATE TABLE atelier_studios (
  id          text PRIMARY KEY,
  name        text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- A workstation is a login role; it sees its own studio's rows only.
CREATE TABLE atelier_workstations (
  role_name   name PRIMARY KEY,
  studio_id   text NOT NULL REFERENCES atelier_studios (id),
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- The studio of the role that logged in (session_user: SET ROLE cannot
-- change it); NULL for a role that is no workstation, which sees nothing.
CREATE FUNCTION atelier_current_studio () RETURNS text
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$ SELECT studio_id FROM public.atelier_workstations WHERE role_name = session_user $$;

DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'atelier_workstation') THEN
    CREATE ROLE atelier_workstation NOLOGIN;
  END IF;
END $$;

-- Every synced field, compacted: the latest value of (table, row, column).
-- col '*' is a row as it was inserted (a JSON object), '_deleted' a deletion.
-- (xid, seq) orders the change feed: a change's xid8 is its transaction's,
-- and a pull only reads below the oldest transaction still running, so a
-- late commit holds the feed back instead of being skipped.
-- Cached per session: the feed orders by (xid, seq), and within one
-- transaction a session's numbers still rise.
CREATE SEQUENCE sync_seq CACHE 1000;
-- (No foreign key on studio_id: row-level security already admits only the
-- writer's own studio, and a per-row key check halved the merge rate.)
CREATE TABLE sync_cell (
  studio_id  text   NOT NULL DEFAULT atelier_current_studio (),
  tbl        text   NOT NULL,
  pk         text   NOT NULL,
  col        text   NOT NULL,
  val        jsonb,
  hlc        bigint NOT NULL,
  node       bigint NOT NULL,
  xid        xid8   NOT NULL DEFAULT pg_current_xact_id (),
  seq        bigint NOT NULL DEFAULT nextval ('sync_seq'),
  PRIMARY KEY (studio_id, tbl, pk, col)
);
CREATE INDEX sync_cell_feed ON sync_cell (studio_id, xid, seq);

-- One row per workstation catalog: the last batch it pushed that was merged,
-- so a batch resent after a lost answer is recognised and not merged twice.
CREATE TABLE sync_client (
  client_id      text PRIMARY KEY,
  studio_id      text NOT NULL DEFAULT atelier_current_studio () REFERENCES atelier_studios (id),
  node           bigint NOT NULL,
  last_batch     bigint NOT NULL DEFAULT 0,
  schema_version int,
  created_at     timestamptz NOT NULL DEFAULT now(),
  last_seen      timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE sync_cell ENABLE ROW LEVEL SECURITY;
ALTER TABLE sync_client ENABLE ROW LEVEL SECURITY;
-- (SELECT ...): evaluated once per statement, not once per row
CREATE POLICY studio_only ON sync_cell
  USING (studio_id = (SELECT atelier_current_studio ())) WITH CHECK (studio_id = (SELECT atelier_current_studio ()));
CREATE POLICY studio_only ON sync_client
  USING (studio_id = (SELECT atelier_current_studio ())) WITH CHECK (studio_id = (SELECT atelier_current_studio ()));

REVOKE ALL ON atelier_studios, atelier_workstations FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE ON sync_cell, sync_client TO atelier_workstation;
GRANT USAGE ON SEQUENCE sync_seq TO atelier_workstation;
GRANT EXECUTE ON FUNCTION atelier_current_studio () TO atelier_workstation;
-- the version handshake
GRANT SELECT ON atelier_schema TO atelier_workstation;
