-- Schema v5: partial sync. The server's feed is read per bucket: '' holds the
-- studio's own data (staff, customers, contracts, payments, the list of
-- projects), and each project has a bucket of everything of that project
-- (photos, albums, keywords, faces, proofs, editing, delivery). A laptop at
-- a venue can follow only the projects it works on.

-- The bucket of each change waiting to go, worked out by the capture triggers.
ALTER TABLE sync_outbox ADD COLUMN bucket TEXT NOT NULL DEFAULT '';

-- The buckets this catalog follows, each with how far it has read the feed.
-- A pull leaves out what this workstation wrote (it has it), except while a
-- bucket is read from the start (with_own): one followed again after being
-- dropped has lost those rows too. Every cell it wrote before is in a server
-- transaction below own_until (the server's next xid when the reading
-- began), so with_own ends once the bucket is read past that.
CREATE TABLE sync_buckets (
  bucket      TEXT PRIMARY KEY,
  cursor_xid  TEXT NOT NULL DEFAULT '0',
  cursor_seq  INTEGER NOT NULL DEFAULT 0,
  with_own    INTEGER NOT NULL DEFAULT 1,
  own_until   TEXT,
  added_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
) WITHOUT ROWID;
-- Until now the whole studio was one feed: it is the studio bucket's.
INSERT INTO sync_buckets (bucket, cursor_xid, cursor_seq, with_own) SELECT '', cursor_xid, cursor_seq, 0 FROM sync_state;

-- 'all': every project of the studio (a new one is followed as it arrives);
-- 'projects': only those in sync_buckets (and any this workstation writes to).
ALTER TABLE sync_state ADD COLUMN scope TEXT NOT NULL DEFAULT 'all' CHECK (scope IN ('all', 'projects'));
