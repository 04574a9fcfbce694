-- Schema v17: the history of syncs, in the catalog, so the Sync page shows
-- what happened before this launch (last night's failed syncs, and why)
-- and the CLI's syncs (a desk's `sync --watch`) beside the app's. Local to
-- this catalog: never captured nor synced. A sync that ends as the one
-- before it did (nothing new, offline again) counts on that one's row
-- instead of a row of its own; the newest rows are kept (at-sync-history.c).
CREATE TABLE sync_history (
  id         INTEGER PRIMARY KEY,
  first_at   TEXT NOT NULL,              -- UTC, ISO 8601
  last_at    TEXT NOT NULL,
  times      INTEGER NOT NULL DEFAULT 1 CHECK (times >= 1),
  pushed     INTEGER NOT NULL DEFAULT 0,
  pulled     INTEGER NOT NULL DEFAULT 0,
  applied    INTEGER NOT NULL DEFAULT 0,
  conflicts  INTEGER NOT NULL DEFAULT 0,
  settled    INTEGER NOT NULL DEFAULT 0,
  repaired   TEXT CHECK (repaired IN ('resent_all', 'read_again', 'reregistered')),
  error      TEXT
);
