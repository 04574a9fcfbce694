-- Atelier catalog, schema v1: the whole data model of DESIGN.md.
--
-- Conventions every table follows (the sync layer relies on them):
--   id          UUIDv7 text generated on the workstation
--   created_at  UTC, ISO 8601 with milliseconds
--   updated_at  UTC, bumped by a trigger the migrator adds to every table
--   deleted_at  soft delete (tombstone); rows are never hard-deleted by the app
-- Set-like data (album membership, selections, assistants) is one row per
-- member with a `present` flag, so that membership merges field by field.
-- Money is integer minor units (cents) plus an ISO 4217 currency.

-- ---------------------------------------------------------------- people & money

CREATE TABLE studios (
  id          TEXT PRIMARY KEY NOT NULL,
  name        TEXT NOT NULL,
  timezone    TEXT NOT NULL DEFAULT 'UTC',
  currency    TEXT NOT NULL DEFAULT 'EUR' CHECK (length(currency) = 3),
  locale      TEXT NOT NULL DEFAULT 'en',
  email       TEXT,
  phone       TEXT,
  address     TEXT,
  created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  deleted_at  TEXT
);

CREATE TABLE staff (
  id               TEXT PRIMARY KEY NOT NULL,
  studio_id        TEXT NOT NULL REFERENCES studios(id) ON DELETE CASCADE,
  full_name        TEXT NOT NULL,
  email            TEXT,
  phone            TEXT,
  role             TEXT NOT NULL CHECK (role IN ('admin','manager','photographer','editor')),
  status           TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','inactive','suspended')),
  specialties      TEXT,
  experience_years INTEGER CHECK (experience_years IS NULL OR experience_years >= 0),
  home_base        TEXT,
  last_login_at    TEXT,
  created_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  updated_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  deleted_at       TEXT
);
CREATE INDEX staff_studio_role ON staff (studio_id, role) WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX staff_email ON staff (studio_id, email) WHERE email IS NOT NULL;

CREATE TABLE customers (
  id                  TEXT PRIMARY KEY NOT NULL,
  studio_id           TEXT NOT NULL REFERENCES studios(id) ON DELETE CASCADE,
  primary_name        TEXT NOT NULL,
  partner_name        TEXT,
  phone               TEXT,
  partner_phone       TEXT,
  email               TEXT,
  address             TEXT,
  source_channel      TEXT,
  lead_status         TEXT NOT NULL DEFAULT 'inquiry'
                      CHECK (lead_status IN ('inquiry','consultation','proposal','contracted','completed','cancelled')),
  assigned_manager_id TEXT REFERENCES staff(id) ON DELETE SET NULL,
  notes               TEXT,
  created_at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  updated_at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  deleted_at          TEXT
);
CREATE INDEX customers_studio_status ON customers (studio_id, lead_status) WHERE deleted_at IS NULL;
CREATE INDEX customers_email ON customers (email);
CREATE INDEX customers_manager ON customers (assigned_manager_id);

CREATE TABLE packages (
  id              TEXT PRIMARY KEY NOT NULL,
  studio_id       TEXT NOT NULL REFERENCES studios(id) ON DELETE CASCADE,
  name            TEXT NOT NULL,
  description     TEXT,
  price_cents     INTEGER NOT NULL CHECK (price_cents >= 0),
  currency        TEXT NOT NULL DEFAULT 'EUR' CHECK (length(currency) = 3),
  photo_count     INTEGER CHECK (photo_count IS NULL OR photo_count >= 0),
  coverage_hours  REAL CHECK (coverage_hours IS NULL OR coverage_hours >= 0),
  is_active       INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0,1)),
  created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  updated_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  deleted_at      TEXT
);
CREATE INDEX packages_studio ON packages (studio_id) WHERE deleted_at IS NULL;

CREATE TABLE contracts (
  id                TEXT PRIMARY KEY NOT NULL,
  studio_id         TEXT NOT NULL REFERENCES studios(id) ON DELETE CASCADE,
  contract_number   TEXT NOT NULL UNIQUE,
  customer_id       TEXT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  package_id        TEXT REFERENCES packages(id) ON DELETE SET NULL,
  total_cents       INTEGER NOT NULL CHECK (total_cents >= 0),
  deposit_cents     INTEGER CHECK (deposit_cents IS NULL OR deposit_cents >= 0),
  balance_cents     INTEGER,
  currency          TEXT NOT NULL DEFAULT 'EUR' CHECK (length(currency) = 3),
  status            TEXT NOT NULL DEFAULT 'draft'
                    CHECK (status IN ('draft','sent','signed','active','completed','cancelled')),
  contract_date     TEXT,
  signed_at         TEXT,
  signed_by_client  INTEGER NOT NULL DEFAULT 0 CHECK (signed_by_client IN (0,1)),
  signature_path    TEXT,
  terms             TEXT,
  pdf_path          TEXT,
  refund_policy     TEXT CHECK (refund_policy IS NULL OR json_valid(refund_policy)),
  penalty_terms     TEXT CHECK (penalty_terms IS NULL OR json_valid(penalty_terms)),
  created_at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  updated_at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  deleted_at        TEXT
);
CREATE INDEX contracts_customer ON contracts (customer_id);
CREATE INDEX contracts_studio_status ON contracts (studio_id, status) WHERE deleted_at IS NULL;

CREATE TABLE payments (
  id                  TEXT PRIMARY KEY NOT NULL,
  contract_id         TEXT NOT NULL REFERENCES contracts(id) ON DELETE CASCADE,
  payment_type        TEXT NOT NULL CHECK (payment_type IN ('deposit','balance','additional','refund')),
  amount_cents        INTEGER NOT NULL CHECK (amount_cents >= 0),
  currency            TEXT NOT NULL DEFAULT 'EUR' CHECK (length(currency) = 3),
  payment_method      TEXT,
  status              TEXT NOT NULL DEFAULT 'pending'
                      CHECK (status IN ('pending','completed','failed','refunded')),
  paid_at             TEXT,
  due_at              TEXT,
  transaction_ref     TEXT,
  receipt_path        TEXT,
  cash_receipt_issued INTEGER NOT NULL DEFAULT 0 CHECK (cash_receipt_issued IN (0,1)),
  notes               TEXT,
  created_at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  updated_at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  deleted_at          TEXT
);
CREATE INDEX payments_contract ON payments (contract_id, paid_at);
CREATE INDEX payments_status_due ON payments (status, due_at) WHERE deleted_at IS NULL;

-- ---------------------------------------------------------------- work

CREATE TABLE projects (
  id                       TEXT PRIMARY KEY NOT NULL,
  studio_id                TEXT NOT NULL REFERENCES studios(id) ON DELETE CASCADE,
  project_number           TEXT NOT NULL UNIQUE,
  name                     TEXT NOT NULL,
  job_code                 TEXT,
  customer_id              TEXT REFERENCES customers(id) ON DELETE SET NULL,
  contract_id              TEXT REFERENCES contracts(id) ON DELETE SET NULL,
  project_type             TEXT NOT NULL
                           CHECK (project_type IN ('wedding','pre_wedding','studio','outdoor','family','portrait','event','commercial')),
  status                   TEXT NOT NULL DEFAULT 'scheduled'
                           CHECK (status IN ('scheduled','in_progress','proof_ready','editing','completed','delivered','archived')),
  event_date               TEXT,
  event_time               TEXT,
  timezone                 TEXT,
  venue                    TEXT,
  makeup_info              TEXT,
  special_requests         TEXT,
  assigned_photographer_id TEXT REFERENCES staff(id) ON DELETE SET NULL,
  assigned_editor_id       TEXT REFERENCES staff(id) ON DELETE SET NULL,
  created_at               TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  updated_at               TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  deleted_at               TEXT
);
CREATE INDEX projects_studio_status ON projects (studio_id, status) WHERE deleted_at IS NULL;
CREATE INDEX projects_event_date ON projects (event_date);
CREATE INDEX projects_customer ON projects (customer_id);
CREATE INDEX projects_photographer ON projects (assigned_photographer_id);
CREATE INDEX projects_editor ON projects (assigned_editor_id);

CREATE TABLE shooting_schedules (
  id                  TEXT PRIMARY KEY NOT NULL,
  project_id          TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  schedule_type       TEXT NOT NULL
                      CHECK (schedule_type IN ('main_shoot','pre_wedding','makeup','ceremony','reception','portrait','other')),
  start_at            TEXT NOT NULL,
  end_at              TEXT NOT NULL,
  location            TEXT,
  location_address    TEXT,
  travel_time_minutes INTEGER CHECK (travel_time_minutes IS NULL OR travel_time_minutes >= 0),
  photographer_id     TEXT REFERENCES staff(id) ON DELETE SET NULL,
  equipment_notes     TEXT,
  status              TEXT NOT NULL DEFAULT 'scheduled'
                      CHECK (status IN ('scheduled','confirmed','in_progress','completed','cancelled')),
  notes               TEXT,
  created_at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  updated_at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  deleted_at          TEXT,
  CHECK (end_at > start_at)
);
CREATE INDEX schedules_project ON shooting_schedules (project_id, start_at);
-- double-booking checks scan one photographer's slots by time
CREATE INDEX schedules_photographer_time ON shooting_schedules (photographer_id, start_at, end_at)
  WHERE deleted_at IS NULL;
CREATE INDEX schedules_time ON shooting_schedules (start_at, end_at);

-- The seed's assistant_ids array, as one row per member (see header).
CREATE TABLE schedule_assistants (
  id          TEXT PRIMARY KEY NOT NULL,
  schedule_id TEXT NOT NULL REFERENCES shooting_schedules(id) ON DELETE CASCADE,
  staff_id    TEXT NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
  present     INTEGER NOT NULL DEFAULT 1 CHECK (present IN (0,1)),
  created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  deleted_at  TEXT,
  UNIQUE (schedule_id, staff_id)
);
CREATE INDEX schedule_assistants_staff ON schedule_assistants (staff_id);

CREATE TABLE photographer_availability (
  id              TEXT PRIMARY KEY NOT NULL,
  photographer_id TEXT NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
  date            TEXT NOT NULL,
  slot_start      TEXT,
  slot_end        TEXT,
  is_available    INTEGER NOT NULL DEFAULT 1 CHECK (is_available IN (0,1)),
  reason          TEXT,
  created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  updated_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  deleted_at      TEXT,
  UNIQUE (photographer_id, date, slot_start),
  CHECK (slot_end IS NULL OR slot_start IS NULL OR slot_end > slot_start)
);
CREATE INDEX availability_date ON photographer_availability (date);

CREATE TABLE project_milestones (
  id             TEXT PRIMARY KEY NOT NULL,
  project_id     TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  milestone_type TEXT NOT NULL
                 CHECK (milestone_type IN ('contract_signed','deposit_paid','shoot_completed','proofs_sent',
                                           'selection_received','editing_completed','delivered','balance_paid','other')),
  target_date    TEXT,
  reached_at     TEXT,
  notes          TEXT,
  created_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  updated_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  deleted_at     TEXT
);
CREATE INDEX milestones_project ON project_milestones (project_id, target_date);
CREATE INDEX milestones_open ON project_milestones (target_date) WHERE reached_at IS NULL AND deleted_at IS NULL;

-- ---------------------------------------------------------------- pixels

CREATE TABLE ingest_sessions (
  id               TEXT PRIMARY KEY NOT NULL,
  project_id       TEXT REFERENCES projects(id) ON DELETE SET NULL,
  operator_id      TEXT REFERENCES staff(id) ON DELETE SET NULL,
  source_label     TEXT,
  source_path      TEXT NOT NULL,
  source_uuid      TEXT,
  library_root     TEXT NOT NULL,
  backup_root      TEXT,
  file_template    TEXT,
  folder_template  TEXT,
  status           TEXT NOT NULL DEFAULT 'planned'
                   CHECK (status IN ('planned','running','paused','completed','failed','cancelled')),
  files_total      INTEGER NOT NULL DEFAULT 0 CHECK (files_total >= 0),
  bytes_total      INTEGER NOT NULL DEFAULT 0 CHECK (bytes_total >= 0),
  files_done       INTEGER NOT NULL DEFAULT 0 CHECK (files_done >= 0),
  bytes_done       INTEGER NOT NULL DEFAULT 0 CHECK (bytes_done >= 0),
  started_at       TEXT,
  finished_at      TEXT,
  error            TEXT,
  created_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  updated_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  deleted_at       TEXT
);
CREATE INDEX ingest_sessions_status ON ingest_sessions (status, started_at);

-- The per-file journal: a restart resumes each file from its state.
CREATE TABLE ingest_files (
  id            TEXT PRIMARY KEY NOT NULL,
  session_id    TEXT NOT NULL REFERENCES ingest_sessions(id) ON DELETE CASCADE,
  source_path   TEXT NOT NULL,
  source_size   INTEGER NOT NULL CHECK (source_size >= 0),
  source_mtime  TEXT,
  capture_group TEXT NOT NULL,
  role          TEXT NOT NULL CHECK (role IN ('raw','jpeg','heif','video','xmp','audio','thumbnail','other')),
  state         TEXT NOT NULL DEFAULT 'planned'
                CHECK (state IN ('planned','copying','copied','verified','cataloged','skipped','failed')),
  content_hash  TEXT,
  library_path  TEXT,
  backup_path   TEXT,
  collided_with TEXT,
  photo_id      TEXT REFERENCES photos(id) ON DELETE SET NULL,
  error         TEXT,
  created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  updated_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  deleted_at    TEXT,
  UNIQUE (session_id, source_path)
);
CREATE INDEX ingest_files_state ON ingest_files (session_id, state);
CREATE INDEX ingest_files_hash ON ingest_files (content_hash);

CREATE TABLE photos (
  id                TEXT PRIMARY KEY NOT NULL,
  project_id        TEXT REFERENCES projects(id) ON DELETE SET NULL,
  ingest_session_id TEXT REFERENCES ingest_sessions(id) ON DELETE SET NULL,
  photographer_id   TEXT REFERENCES staff(id) ON DELETE SET NULL,
  content_hash      TEXT NOT NULL,
  file_size         INTEGER NOT NULL CHECK (file_size >= 0),
  original_name     TEXT NOT NULL,
  file_name         TEXT NOT NULL,
  library_path      TEXT NOT NULL,
  file_format       TEXT,
  capture_time      TEXT,
  capture_subsec    INTEGER CHECK (capture_subsec IS NULL OR capture_subsec BETWEEN 0 AND 999),
  capture_offset    TEXT,
  camera_make       TEXT,
  camera_model      TEXT,
  body_serial       TEXT,
  lens              TEXT,
  width             INTEGER CHECK (width IS NULL OR width > 0),
  height            INTEGER CHECK (height IS NULL OR height > 0),
  orientation       INTEGER NOT NULL DEFAULT 1 CHECK (orientation BETWEEN 1 AND 8),
  rating            INTEGER NOT NULL DEFAULT 0 CHECK (rating BETWEEN -1 AND 5),
  color_label       TEXT NOT NULL DEFAULT 'none'
                    CHECK (color_label IN ('none','red','yellow','green','blue','purple')),
  picked            INTEGER NOT NULL DEFAULT 0 CHECK (picked IN (0,1)),
  edit_status       TEXT NOT NULL DEFAULT 'none'
                    CHECK (edit_status IN ('none','pending','in_progress','completed','approved')),
  created_at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  updated_at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  deleted_at        TEXT
);
-- the library grid pages by capture time
CREATE INDEX photos_capture ON photos (capture_time, id) WHERE deleted_at IS NULL;
CREATE INDEX photos_project_capture ON photos (project_id, capture_time) WHERE deleted_at IS NULL;
CREATE INDEX photos_hash ON photos (content_hash);
-- "already imported" pre-key before hashing
CREATE INDEX photos_prekey ON photos (file_size, capture_time, body_serial);
CREATE INDEX photos_rating ON photos (rating) WHERE deleted_at IS NULL;
CREATE INDEX photos_label ON photos (color_label) WHERE color_label <> 'none';
CREATE UNIQUE INDEX photos_library_path ON photos (library_path);

CREATE TABLE photo_files (
  id            TEXT PRIMARY KEY NOT NULL,
  photo_id      TEXT NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
  role          TEXT NOT NULL CHECK (role IN ('raw','jpeg','heif','video','xmp','audio','thumbnail','other')),
  file_name     TEXT NOT NULL,
  library_path  TEXT NOT NULL,
  backup_path   TEXT,
  content_hash  TEXT,
  file_size     INTEGER CHECK (file_size IS NULL OR file_size >= 0),
  created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  updated_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  deleted_at    TEXT
);
CREATE INDEX photo_files_photo ON photo_files (photo_id, role);
CREATE INDEX photo_files_hash ON photo_files (content_hash);

CREATE TABLE albums (
  id               TEXT PRIMARY KEY NOT NULL,
  project_id       TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  album_type       TEXT NOT NULL CHECK (album_type IN ('raw','proof','edited','final','backup')),
  name             TEXT NOT NULL,
  storage_location TEXT,
  upload_status    TEXT NOT NULL DEFAULT 'pending'
                   CHECK (upload_status IN ('pending','uploading','completed','failed')),
  uploaded_by      TEXT REFERENCES staff(id) ON DELETE SET NULL,
  uploaded_at      TEXT,
  created_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  updated_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  deleted_at       TEXT
);
CREATE INDEX albums_project ON albums (project_id, album_type);

CREATE TABLE album_items (
  id          TEXT PRIMARY KEY NOT NULL,
  album_id    TEXT NOT NULL REFERENCES albums(id) ON DELETE CASCADE,
  photo_id    TEXT NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
  position    INTEGER,
  present     INTEGER NOT NULL DEFAULT 1 CHECK (present IN (0,1)),
  created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  deleted_at  TEXT,
  UNIQUE (album_id, photo_id)
);
CREATE INDEX album_items_photo ON album_items (photo_id);

CREATE TABLE photo_versions (
  id             TEXT PRIMARY KEY NOT NULL,
  photo_id       TEXT NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
  version_number INTEGER NOT NULL CHECK (version_number >= 0),
  kind           TEXT NOT NULL CHECK (kind IN ('original','edit','export','proof')),
  status         TEXT NOT NULL DEFAULT 'ready' CHECK (status IN ('processing','ready','failed')),
  file_path      TEXT,
  content_hash   TEXT,
  file_size      INTEGER CHECK (file_size IS NULL OR file_size >= 0),
  width          INTEGER,
  height         INTEGER,
  editor_app     TEXT,
  created_by     TEXT REFERENCES staff(id) ON DELETE SET NULL,
  notes          TEXT,
  created_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  updated_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  deleted_at     TEXT,
  UNIQUE (photo_id, version_number)
);

-- ---------------------------------------------------------------- faces

CREATE TABLE people (
  id           TEXT PRIMARY KEY NOT NULL,
  studio_id    TEXT NOT NULL REFERENCES studios(id) ON DELETE CASCADE,
  project_id   TEXT REFERENCES projects(id) ON DELETE SET NULL,
  customer_id  TEXT REFERENCES customers(id) ON DELETE SET NULL,
  display_name TEXT NOT NULL,
  email        TEXT,
  phone        TEXT,
  notes        TEXT,
  created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  updated_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  deleted_at   TEXT
);
CREATE INDEX people_project ON people (project_id);

CREATE TABLE faces (
  id             TEXT PRIMARY KEY NOT NULL,
  photo_id       TEXT NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
  box_x          REAL NOT NULL CHECK (box_x BETWEEN 0 AND 1),
  box_y          REAL NOT NULL CHECK (box_y BETWEEN 0 AND 1),
  box_w          REAL NOT NULL CHECK (box_w > 0 AND box_w <= 1),
  box_h          REAL NOT NULL CHECK (box_h > 0 AND box_h <= 1),
  landmarks      BLOB CHECK (landmarks IS NULL OR length(landmarks) = 68 * 2 * 4),
  embedding      BLOB CHECK (embedding IS NULL OR length(embedding) = 128 * 4),
  detector_score REAL,
  quality_score  REAL,
  model_version  TEXT,
  created_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  updated_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  deleted_at     TEXT
);
CREATE INDEX faces_photo ON faces (photo_id);

CREATE TABLE face_tags (
  id           TEXT PRIMARY KEY NOT NULL,
  face_id      TEXT NOT NULL REFERENCES faces(id) ON DELETE CASCADE,
  person_id    TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
  distance     REAL,
  source       TEXT NOT NULL CHECK (source IN ('auto','manual')),
  review_state TEXT NOT NULL DEFAULT 'pending' CHECK (review_state IN ('pending','confirmed','rejected')),
  reviewed_by  TEXT REFERENCES staff(id) ON DELETE SET NULL,
  reviewed_at  TEXT,
  created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  updated_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  deleted_at   TEXT,
  UNIQUE (face_id, person_id)
);
CREATE INDEX face_tags_person ON face_tags (person_id, review_state);
CREATE INDEX face_tags_review ON face_tags (review_state) WHERE review_state = 'pending';

CREATE TABLE reference_faces (
  id               TEXT PRIMARY KEY NOT NULL,
  person_id        TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
  source_path      TEXT,
  embedding        BLOB CHECK (embedding IS NULL OR length(embedding) = 128 * 4),
  quality_score    REAL,
  status           TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','approved','rejected')),
  rejection_reason TEXT,
  created_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  updated_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  deleted_at       TEXT
);
CREATE INDEX reference_faces_person ON reference_faces (person_id);

CREATE TABLE consents (
  id              TEXT PRIMARY KEY NOT NULL,
  person_id       TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
  consent_type    TEXT NOT NULL CHECK (consent_type IN ('biometric_processing','photo_publication','marketing')),
  consent_version TEXT NOT NULL,
  given_at        TEXT NOT NULL,
  revoked_at      TEXT,
  evidence        TEXT,
  recorded_by     TEXT REFERENCES staff(id) ON DELETE SET NULL,
  created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  updated_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  deleted_at      TEXT,
  CHECK (revoked_at IS NULL OR revoked_at >= given_at)
);
CREATE INDEX consents_person_active ON consents (person_id, consent_type) WHERE revoked_at IS NULL;

-- ---------------------------------------------------------------- proofing

CREATE TABLE proof_sessions (
  id               TEXT PRIMARY KEY NOT NULL,
  project_id       TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  album_id         TEXT REFERENCES albums(id) ON DELETE SET NULL,
  title            TEXT,
  token_hash       TEXT NOT NULL UNIQUE,
  expires_at       TEXT NOT NULL,
  max_selections   INTEGER CHECK (max_selections IS NULL OR max_selections > 0),
  client_viewed_at TEXT,
  completed_at     TEXT,
  status           TEXT NOT NULL DEFAULT 'pending'
                   CHECK (status IN ('pending','active','completed','expired','revoked')),
  created_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  updated_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  deleted_at       TEXT
);
CREATE INDEX proof_sessions_project ON proof_sessions (project_id, status);
CREATE INDEX proof_sessions_expiry ON proof_sessions (expires_at) WHERE status IN ('pending','active');

CREATE TABLE proof_selections (
  id              TEXT PRIMARY KEY NOT NULL,
  session_id      TEXT NOT NULL REFERENCES proof_sessions(id) ON DELETE CASCADE,
  photo_id        TEXT NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
  selection_order INTEGER,
  client_comment  TEXT,
  present         INTEGER NOT NULL DEFAULT 1 CHECK (present IN (0,1)),
  selected_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  updated_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  deleted_at      TEXT,
  UNIQUE (session_id, photo_id)
);
CREATE INDEX proof_selections_photo ON proof_selections (photo_id);

-- ---------------------------------------------------------------- editing

CREATE TABLE editing_jobs (
  id                 TEXT PRIMARY KEY NOT NULL,
  project_id         TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  assigned_editor_id TEXT REFERENCES staff(id) ON DELETE SET NULL,
  title              TEXT,
  editing_type       TEXT,
  priority           TEXT NOT NULL DEFAULT 'normal' CHECK (priority IN ('low','normal','high','urgent')),
  status             TEXT NOT NULL DEFAULT 'queued'
                     CHECK (status IN ('queued','in_progress','review','completed','revision')),
  due_at             TEXT,
  started_at         TEXT,
  completed_at       TEXT,
  revision_count     INTEGER NOT NULL DEFAULT 0 CHECK (revision_count >= 0),
  notes              TEXT,
  created_at         TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  updated_at         TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  deleted_at         TEXT
);
-- the editor's queue: open jobs by assignee, most urgent and soonest due first
CREATE INDEX editing_jobs_queue ON editing_jobs (assigned_editor_id, status, due_at) WHERE deleted_at IS NULL;
CREATE INDEX editing_jobs_project ON editing_jobs (project_id);

-- The seed's photo_ids array, as one row per member.
CREATE TABLE editing_items (
  id                TEXT PRIMARY KEY NOT NULL,
  job_id            TEXT NOT NULL REFERENCES editing_jobs(id) ON DELETE CASCADE,
  photo_id          TEXT NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
  position          INTEGER,
  status            TEXT NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending','in_progress','completed','approved','revision')),
  instructions      TEXT,
  output_version_id TEXT REFERENCES photo_versions(id) ON DELETE SET NULL,
  present           INTEGER NOT NULL DEFAULT 1 CHECK (present IN (0,1)),
  created_at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  updated_at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  deleted_at        TEXT,
  UNIQUE (job_id, photo_id)
);
CREATE INDEX editing_items_photo ON editing_items (photo_id);

-- ---------------------------------------------------------------- delivery

CREATE TABLE export_recipes (
  id              TEXT PRIMARY KEY NOT NULL,
  studio_id       TEXT NOT NULL REFERENCES studios(id) ON DELETE CASCADE,
  name            TEXT NOT NULL,
  format          TEXT NOT NULL DEFAULT 'jpeg' CHECK (format IN ('jpeg','tiff','png','webp','original')),
  long_edge_px    INTEGER CHECK (long_edge_px IS NULL OR long_edge_px > 0),
  quality         INTEGER CHECK (quality IS NULL OR quality BETWEEN 1 AND 100),
  color_space     TEXT NOT NULL DEFAULT 'srgb' CHECK (color_space IN ('srgb','adobe_rgb','display_p3')),
  sharpen         TEXT NOT NULL DEFAULT 'none' CHECK (sharpen IN ('none','screen','matte','glossy')),
  watermark_text  TEXT,
  strip_metadata  INTEGER NOT NULL DEFAULT 0 CHECK (strip_metadata IN (0,1)),
  file_template   TEXT,
  created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  updated_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  deleted_at      TEXT
);

CREATE TABLE deliverables (
  id               TEXT PRIMARY KEY NOT NULL,
  project_id       TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  recipe_id        TEXT REFERENCES export_recipes(id) ON DELETE SET NULL,
  delivery_type    TEXT NOT NULL CHECK (delivery_type IN ('digital_download','usb','album','cloud_link')),
  status           TEXT NOT NULL DEFAULT 'preparing' CHECK (status IN ('preparing','ready','delivered','expired')),
  storage_path     TEXT,
  link_expires_at  TEXT,
  max_downloads    INTEGER CHECK (max_downloads IS NULL OR max_downloads > 0),
  download_count   INTEGER NOT NULL DEFAULT 0 CHECK (download_count >= 0),
  delivered_at     TEXT,
  recipient_name   TEXT,
  shipping_address TEXT,
  tracking_number  TEXT,
  created_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  updated_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  deleted_at       TEXT
);
CREATE INDEX deliverables_project ON deliverables (project_id, status);

CREATE TABLE delivery_items (
  id             TEXT PRIMARY KEY NOT NULL,
  deliverable_id TEXT NOT NULL REFERENCES deliverables(id) ON DELETE CASCADE,
  photo_id       TEXT NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
  version_id     TEXT REFERENCES photo_versions(id) ON DELETE SET NULL,
  output_path    TEXT,
  content_hash   TEXT,
  file_size      INTEGER CHECK (file_size IS NULL OR file_size >= 0),
  status         TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','rendered','uploaded','failed')),
  present        INTEGER NOT NULL DEFAULT 1 CHECK (present IN (0,1)),
  created_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  updated_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  deleted_at     TEXT,
  UNIQUE (deliverable_id, photo_id)
);
CREATE INDEX delivery_items_photo ON delivery_items (photo_id);

CREATE TABLE backup_records (
  id                  TEXT PRIMARY KEY NOT NULL,
  project_id          TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  backup_type         TEXT NOT NULL CHECK (backup_type IN ('ssd','hdd','nas','glacier','s3')),
  storage_location    TEXT,
  backup_path         TEXT,
  size_bytes          INTEGER CHECK (size_bytes IS NULL OR size_bytes >= 0),
  backup_date         TEXT NOT NULL,
  verification_status TEXT NOT NULL DEFAULT 'pending' CHECK (verification_status IN ('pending','verified','failed')),
  verified_at         TEXT,
  retention_until     TEXT,
  notes               TEXT,
  created_at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  updated_at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  deleted_at          TEXT
);
CREATE INDEX backup_records_project ON backup_records (project_id, verification_status);

CREATE TABLE uploads (
  id             TEXT PRIMARY KEY NOT NULL,
  deliverable_id TEXT REFERENCES deliverables(id) ON DELETE SET NULL,
  photo_id       TEXT REFERENCES photos(id) ON DELETE SET NULL,
  local_path     TEXT NOT NULL,
  bucket         TEXT NOT NULL,
  object_key     TEXT NOT NULL,
  size_bytes     INTEGER NOT NULL CHECK (size_bytes >= 0),
  content_hash   TEXT,
  multipart_id   TEXT,
  part_size      INTEGER CHECK (part_size IS NULL OR part_size > 0),
  status         TEXT NOT NULL DEFAULT 'queued'
                 CHECK (status IN ('queued','uploading','paused','completed','failed','cancelled')),
  bytes_sent     INTEGER NOT NULL DEFAULT 0 CHECK (bytes_sent >= 0),
  attempts       INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  last_error     TEXT,
  started_at     TEXT,
  completed_at   TEXT,
  created_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  updated_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  deleted_at     TEXT
);
CREATE INDEX uploads_status ON uploads (status, created_at);

-- ---------------------------------------------------------------- operations

CREATE TABLE jobs (
  id          TEXT PRIMARY KEY NOT NULL,
  kind        TEXT NOT NULL,
  state       TEXT NOT NULL DEFAULT 'queued'
              CHECK (state IN ('queued','running','completed','failed','cancelled')),
  priority    INTEGER NOT NULL DEFAULT 0,
  payload     TEXT CHECK (payload IS NULL OR json_valid(payload)),
  progress    REAL NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 1),
  attempts    INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  last_error  TEXT,
  run_after   TEXT,
  started_at  TEXT,
  finished_at TEXT,
  created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  deleted_at  TEXT
);
CREATE INDEX jobs_runnable ON jobs (state, priority DESC, run_after) WHERE state IN ('queued','running');

CREATE TABLE audit_log (
  id          TEXT PRIMARY KEY NOT NULL,
  studio_id   TEXT REFERENCES studios(id) ON DELETE SET NULL,
  actor_id    TEXT REFERENCES staff(id) ON DELETE SET NULL,
  action      TEXT NOT NULL,
  entity_type TEXT NOT NULL,
  entity_id   TEXT,
  before_json TEXT CHECK (before_json IS NULL OR json_valid(before_json)),
  after_json  TEXT CHECK (after_json IS NULL OR json_valid(after_json)),
  created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  deleted_at  TEXT
);
CREATE INDEX audit_log_entity ON audit_log (entity_type, entity_id, created_at);
CREATE INDEX audit_log_time ON audit_log (created_at);
