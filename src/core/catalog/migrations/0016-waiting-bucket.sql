-- Schema v16: what waits in sync_inbox or sync_conflicts remembers the
-- bucket (a project's id, '' for the studio's data) it belongs to, so
-- that stopping following a project takes it out with the project's
-- rows. Before, a photo of that project waiting for its parent went in
-- when the parent came, unfollowed. NULL: not known (kept from before).
ALTER TABLE sync_inbox ADD COLUMN bucket TEXT;
ALTER TABLE sync_conflicts ADD COLUMN bucket TEXT;
-- What waits already: a whole row that has a project of its own is that
-- project's (its children keep NULL, and go with the rows they belong to
-- while those are here).
UPDATE sync_inbox SET bucket = json_extract(val, '$.project_id')
  WHERE col = '*' AND json_type(val, '$.project_id') = 'text';
UPDATE sync_conflicts SET bucket = json_extract(val, '$.project_id')
  WHERE col = '*' AND json_type(val, '$.project_id') = 'text';
