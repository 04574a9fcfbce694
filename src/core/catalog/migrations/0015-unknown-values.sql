-- Schema v15: the values of a newer Atelier's columns, met inside a whole
-- row's cell (col '*') from a workstation of that version, are kept here
-- with that cell's clock until an upgrade brings the column; then
-- at_sync_relearn_unknown puts them in (as pulled: a newer value here
-- stays). Before, they were dropped, and the feed read again after the
-- upgrade skipped those cells as seen. (A newer column's own field cells
-- are noted in sync_unknown and read again instead.)
CREATE TABLE sync_unknown_values (
  tbl   TEXT NOT NULL,
  col   TEXT NOT NULL,
  pk    TEXT NOT NULL,
  val   TEXT,              -- JSON, as the cell held it
  hlc   INTEGER NOT NULL,
  node  INTEGER NOT NULL,
  PRIMARY KEY (tbl, col, pk)
) WITHOUT ROWID;
