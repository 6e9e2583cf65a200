-- Foundation schema: catalog, work orders, units, identities, journal, audit.
-- Rules that must never break are constraints and triggers, not caller checks.

CREATE TABLE variants (
  id             INTEGER PRIMARY KEY,
  name           TEXT NOT NULL,
  version        INTEGER NOT NULL CHECK (version >= 1),
  status         TEXT NOT NULL CHECK (status IN ('draft', 'approved')),
  document       TEXT NOT NULL,           -- canonical JSON of the variant
  content_sha256 TEXT NOT NULL,
  source         TEXT NOT NULL,           -- file it was imported from
  author         TEXT NOT NULL,
  created_at     TEXT NOT NULL,
  approver       TEXT,
  approved_at    TEXT,
  UNIQUE (name, version),
  CHECK ((status = 'draft' AND approver IS NULL) OR
         (status = 'approved' AND approver IS NOT NULL AND approver <> author))
);
CREATE TRIGGER variants_approved_immutable BEFORE UPDATE ON variants
  WHEN OLD.status = 'approved'
  BEGIN SELECT RAISE(ABORT, 'variant version is approved and immutable'); END;
CREATE TRIGGER variants_approved_undeletable BEFORE DELETE ON variants
  WHEN OLD.status = 'approved'
  BEGIN SELECT RAISE(ABORT, 'variant version is approved and immutable'); END;
CREATE TRIGGER variants_draft_content_fixed BEFORE UPDATE OF document, content_sha256, name, version ON variants
  BEGIN SELECT RAISE(ABORT, 'variant content is fixed; import a new version'); END;

CREATE TABLE environments (
  name           TEXT PRIMARY KEY,
  document       TEXT NOT NULL,           -- canonical JSON of the environment
  content_sha256 TEXT NOT NULL,
  source         TEXT NOT NULL,
  updated_by     TEXT NOT NULL,
  updated_at     TEXT NOT NULL
);

CREATE TABLE work_orders (
  id             TEXT PRIMARY KEY,
  variant_id     INTEGER NOT NULL REFERENCES variants(id),
  environment    TEXT NOT NULL REFERENCES environments(name),
  quantity       INTEGER NOT NULL CHECK (quantity >= 1),
  customer       TEXT NOT NULL,
  site_group     TEXT,
  tariff         TEXT,
  status         TEXT NOT NULL CHECK (status IN ('open', 'closed')),
  created_by     TEXT NOT NULL,
  created_at     TEXT NOT NULL
);

CREATE TABLE units (
  id                INTEGER PRIMARY KEY,
  hardware_id       TEXT NOT NULL UNIQUE,
  serial            TEXT UNIQUE,
  serial_source     TEXT CHECK (serial_source IN ('mes', 'allocated')),
  charger_id        TEXT UNIQUE,
  hardware_revision TEXT NOT NULL,
  work_order_id     TEXT REFERENCES work_orders(id),
  state             TEXT NOT NULL,
  step              TEXT,
  failure_reason    TEXT,
  registered_by     TEXT NOT NULL,
  created_at        TEXT NOT NULL,
  updated_at        TEXT NOT NULL
);
CREATE INDEX units_work_order ON units(work_order_id);
CREATE TRIGGER units_undeletable BEFORE DELETE ON units
  BEGIN SELECT RAISE(ABORT, 'units are never deleted; scrap them'); END;

-- Every identity ever issued, forever: a scrapped unit keeps its row, so a
-- value can never be handed out twice (the primary key makes it impossible).
CREATE TABLE identities (
  kind      TEXT NOT NULL CHECK (kind IN ('serial', 'charger_id')),
  value     TEXT NOT NULL,
  unit_id   INTEGER NOT NULL REFERENCES units(id),
  sequence  TEXT,                          -- sequence it came from, if allocated
  seq       INTEGER,
  issued_at TEXT NOT NULL,
  PRIMARY KEY (kind, value)
);
CREATE UNIQUE INDEX identities_unit_kind ON identities(unit_id, kind);
CREATE TRIGGER identities_undeletable BEFORE DELETE ON identities
  BEGIN SELECT RAISE(ABORT, 'identities are never deleted or reused'); END;
CREATE TRIGGER identities_immutable BEFORE UPDATE ON identities
  BEGIN SELECT RAISE(ABORT, 'identities are never deleted or reused'); END;

-- Naming-convention counters; advanced in the same transaction that records
-- the identity, so a rolled-back allocation leaves no gap.
CREATE TABLE sequences (
  name       TEXT PRIMARY KEY,
  next_value INTEGER NOT NULL CHECK (next_value >= 1)
);

CREATE TABLE unit_connectors (
  unit_id       INTEGER NOT NULL REFERENCES units(id),
  evse_id       INTEGER NOT NULL CHECK (evse_id >= 1),
  connector_id  INTEGER NOT NULL CHECK (connector_id >= 1),
  connector_type TEXT NOT NULL,
  label         TEXT NOT NULL,
  emi3_evse_id  TEXT,
  PRIMARY KEY (unit_id, evse_id, connector_id)
);

CREATE TABLE unit_journal (
  id        INTEGER PRIMARY KEY,
  unit_id   INTEGER NOT NULL REFERENCES units(id),
  step      TEXT NOT NULL,
  event     TEXT NOT NULL,
  detail    TEXT NOT NULL DEFAULT '{}',
  at        TEXT NOT NULL
);
CREATE INDEX unit_journal_unit ON unit_journal(unit_id, id);

-- Append-only, hash-chained audit log (format: docs/audit.md).
CREATE TABLE audit_log (
  seq       INTEGER PRIMARY KEY,
  at        TEXT NOT NULL,
  actor     TEXT NOT NULL,
  action    TEXT NOT NULL,
  object    TEXT NOT NULL,
  detail    TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash      TEXT NOT NULL UNIQUE
);
CREATE TRIGGER audit_log_append_only_u BEFORE UPDATE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_append_only_d BEFORE DELETE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
