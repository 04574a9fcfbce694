-- Schema v2: which photos have a thumbnail and preview in this workstation's
-- cache. Keyed by content hash (equal bytes, one preview); the files live in
-- the cache folder under thumbs/ and previews/ (at-preview.c). A local index
-- of a local cache: not synced.

CREATE TABLE previews (
  id             TEXT PRIMARY KEY NOT NULL,
  content_hash   TEXT NOT NULL UNIQUE,
  source         TEXT NOT NULL CHECK (source IN ('embedded','decoded')),
  thumb_width    INTEGER NOT NULL CHECK (thumb_width > 0),
  thumb_height   INTEGER NOT NULL CHECK (thumb_height > 0),
  preview_width  INTEGER NOT NULL CHECK (preview_width > 0),
  preview_height INTEGER NOT NULL CHECK (preview_height > 0),
  created_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  updated_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  deleted_at     TEXT
);
