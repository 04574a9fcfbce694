-- Schema v3: keywords on photos. Set-like data is one row per member with
-- a `present` field (DESIGN.md, Sync): removing a keyword clears `present`,
-- so the removal itself can travel to other workstations. A hierarchical
-- keyword keeps its levels joined by '|', as lr:hierarchicalSubject does.

CREATE TABLE photo_keywords (
  id          TEXT PRIMARY KEY NOT NULL,
  photo_id    TEXT NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
  keyword     TEXT NOT NULL CHECK (length(keyword) > 0),
  present     INTEGER NOT NULL DEFAULT 1 CHECK (present IN (0,1)),
  created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  deleted_at  TEXT,
  UNIQUE (photo_id, keyword)
);
CREATE INDEX photo_keywords_keyword ON photo_keywords (keyword) WHERE present = 1;
-- the Library's filters, each with the grid's order after it, so a filter's
-- count and first page come from one index (the filter values are bound
-- parameters, so these cannot be partial on the value itself)
-- counts under any culling filter come from this index alone
DROP INDEX photos_rating;
CREATE INDEX photos_cull ON photos (rating, color_label, picked) WHERE deleted_at IS NULL;
CREATE INDEX photos_label_time ON photos (color_label, capture_time, id) WHERE deleted_at IS NULL;
CREATE INDEX photos_picked_time ON photos (picked, capture_time, id) WHERE deleted_at IS NULL;
CREATE INDEX photos_body ON photos (body_serial, capture_time, id) WHERE deleted_at IS NULL;

-- Text search over file names and keywords: any run of three or more
-- characters (the trigram tokenizer), answered from an index instead of a
-- LIKE over every row. A photo's entry shares its rowid; triggers keep it
-- current. A local index of local rows: not synced.
CREATE VIRTUAL TABLE photo_search USING fts5 (body, tokenize = 'trigram');

INSERT INTO photo_search (rowid, body)
  SELECT p.rowid, p.file_name || ' ' || p.original_name || ' ' ||
         coalesce ((SELECT group_concat (k.keyword, ' ') FROM photo_keywords k
                    WHERE k.photo_id = p.id AND k.present = 1), '')
  FROM photos p;

CREATE TRIGGER photos_search_insert AFTER INSERT ON photos BEGIN
  INSERT INTO photo_search (rowid, body) VALUES (new.rowid, new.file_name || ' ' || new.original_name);
END;
CREATE TRIGGER photos_search_update AFTER UPDATE OF file_name, original_name ON photos BEGIN
  DELETE FROM photo_search WHERE rowid = old.rowid;
  INSERT INTO photo_search (rowid, body)
    VALUES (new.rowid, new.file_name || ' ' || new.original_name || ' ' ||
            coalesce ((SELECT group_concat (k.keyword, ' ') FROM photo_keywords k
                       WHERE k.photo_id = new.id AND k.present = 1), ''));
END;
CREATE TRIGGER photos_search_delete AFTER DELETE ON photos BEGIN
  DELETE FROM photo_search WHERE rowid = old.rowid;
END;
CREATE TRIGGER photo_keywords_search_insert AFTER INSERT ON photo_keywords BEGIN
  DELETE FROM photo_search WHERE rowid = (SELECT rowid FROM photos WHERE id = new.photo_id);
  INSERT INTO photo_search (rowid, body)
    SELECT p.rowid, p.file_name || ' ' || p.original_name || ' ' ||
           coalesce ((SELECT group_concat (k.keyword, ' ') FROM photo_keywords k
                      WHERE k.photo_id = p.id AND k.present = 1), '')
    FROM photos p WHERE p.id = new.photo_id;
END;
CREATE TRIGGER photo_keywords_search_update AFTER UPDATE OF present, keyword ON photo_keywords BEGIN
  DELETE FROM photo_search WHERE rowid = (SELECT rowid FROM photos WHERE id = new.photo_id);
  INSERT INTO photo_search (rowid, body)
    SELECT p.rowid, p.file_name || ' ' || p.original_name || ' ' ||
           coalesce ((SELECT group_concat (k.keyword, ' ') FROM photo_keywords k
                      WHERE k.photo_id = p.id AND k.present = 1), '')
    FROM photos p WHERE p.id = new.photo_id;
END;
