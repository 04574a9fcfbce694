-- Schema v14: when a queue last looked in the bucket for what it backed up.
-- One row per bucket, endpoint and project prefix ("studios/S/projects/P/
-- originals/"), written when the audit (at-upload-queue-audit.c) listed
-- that prefix whole and judged its uploads. A prefix audited within the
-- day is not listed again at the queue's next start: a studio's years of
-- projects were listed at each launch, a request per 1,000 objects.
CREATE TABLE upload_audits (
  bucket     TEXT NOT NULL,
  endpoint   TEXT NOT NULL,
  prefix     TEXT NOT NULL,
  audited_at TEXT NOT NULL,   -- when the audit began, UTC, ISO 8601 to the microsecond
  PRIMARY KEY (bucket, endpoint, prefix)
) WITHOUT ROWID;
