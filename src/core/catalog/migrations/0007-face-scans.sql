-- Schema v7: face processing. A project's switch turns detection on for its
-- photos (a studio-wide choice: it syncs). Each photo scanned records the
-- model that scanned it and how many faces it found (none is a result too),
-- so a scan resumes where it stopped and a photo another workstation
-- scanned (its faces arrive by sync) is not scanned again.
ALTER TABLE projects ADD COLUMN face_processing INTEGER NOT NULL DEFAULT 0 CHECK (face_processing IN (0, 1));

-- A person the studio recognises may be one of its own (people already link
-- to a customer).
ALTER TABLE people ADD COLUMN staff_id TEXT REFERENCES staff(id) ON DELETE SET NULL;

-- (keyed by the photo's own id: two workstations scanning one photo write
-- the same row, and the later scan wins)
CREATE TABLE face_scans (
  id            TEXT PRIMARY KEY NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
  model_version TEXT NOT NULL,
  face_count    INTEGER NOT NULL CHECK (face_count >= 0),
  scanned_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  updated_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  deleted_at    TEXT
);

-- Unknown faces grouped by likeness on this workstation (a derived view of
-- the embeddings, rebuilt from them: local, it does not sync). A face joins
-- a cluster once; naming or confirming the cluster tags its faces.
CREATE TABLE face_clusters (
  face_id    TEXT PRIMARY KEY NOT NULL REFERENCES faces(id) ON DELETE CASCADE,
  cluster_id TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX face_clusters_cluster ON face_clusters (cluster_id);
