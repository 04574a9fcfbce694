-- Schema v4: what sync with the central PostgreSQL keeps (DESIGN.md, Sync).
-- The capture triggers themselves are made by src/core/sync/at-sync-capture.c
-- from the tables' columns, after every migration, so new columns sync too.

-- One row: who this catalog is to the server, and how far it has pulled.
CREATE TABLE sync_state (
  id          INTEGER PRIMARY KEY CHECK (id = 1),
  client_id   TEXT NOT NULL,
  node        INTEGER NOT NULL,           -- breaks (hlc) ties; random, below 2^53
  last_hlc    INTEGER NOT NULL DEFAULT 0, -- the hybrid logical clock: (unix ms << 16) | counter
  applying    INTEGER NOT NULL DEFAULT 0, -- 1 while pulled changes are written: not captured
  next_batch  INTEGER NOT NULL DEFAULT 1,
  acked_batch INTEGER NOT NULL DEFAULT 0,
  cursor_xid  TEXT NOT NULL DEFAULT '0',  -- the server feed's (xid8, seq) read so far
  cursor_seq  INTEGER NOT NULL DEFAULT 0,
  server      TEXT,                       -- where it last synced (no password)
  last_sync   TEXT,
  last_error  TEXT
);
INSERT INTO sync_state (id, client_id, node)
VALUES (1, lower(hex(randomblob(16))), abs(random()) % 9007199254740991);

-- The version of every field written here or pulled: (hlc, node) decides.
-- col '*' is a whole row as inserted; '_deleted' a deletion.
CREATE TABLE sync_clock (
  tbl   TEXT NOT NULL,
  pk    TEXT NOT NULL,
  col   TEXT NOT NULL,
  hlc   INTEGER NOT NULL,
  node  INTEGER NOT NULL,
  PRIMARY KEY (tbl, pk, col)
) WITHOUT ROWID;

-- Changes not yet merged by the server. Unsent edits of one field coalesce
-- (the partial unique index); a push freezes them into a numbered batch.
CREATE TABLE sync_outbox (
  oid    INTEGER PRIMARY KEY,
  tbl    TEXT NOT NULL,
  pk     TEXT NOT NULL,
  col    TEXT NOT NULL,
  val    TEXT,                -- JSON
  hlc    INTEGER NOT NULL,
  batch  INTEGER
);
CREATE UNIQUE INDEX sync_outbox_unsent ON sync_outbox (tbl, pk, col) WHERE batch IS NULL;
CREATE INDEX sync_outbox_batch ON sync_outbox (batch);

-- Pulled field edits of a row this catalog does not have (yet): kept until
-- the row arrives, then applied like any other pulled field.
CREATE TABLE sync_inbox (
  tbl   TEXT NOT NULL,
  pk    TEXT NOT NULL,
  col   TEXT NOT NULL,
  val   TEXT,
  hlc   INTEGER NOT NULL,
  node  INTEGER NOT NULL,
  PRIMARY KEY (tbl, pk, col)
) WITHOUT ROWID;

-- Pulled values that clash with a row here on a unique key (two workstations
-- gave two projects one number, say): kept here, not applied, for a person
-- to settle; the rest of the sync goes on.
CREATE TABLE sync_conflicts (
  tbl      TEXT NOT NULL,
  pk       TEXT NOT NULL,
  col      TEXT NOT NULL,
  val      TEXT,
  hlc      INTEGER NOT NULL,
  node     INTEGER NOT NULL,
  problem  TEXT NOT NULL,
  seen_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  PRIMARY KEY (tbl, pk, col)
) WITHOUT ROWID;
