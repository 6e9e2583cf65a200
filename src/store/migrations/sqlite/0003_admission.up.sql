-- Admission: the one-time bootstrap secrets the MES hands to chargers for the
-- factory endpoint (docs/admission.md). Refusals are audit entries, no table.

CREATE TABLE unit_bootstrap (
  unit_id         INTEGER PRIMARY KEY REFERENCES units(id),
  keyed_hash      TEXT NOT NULL UNIQUE,   -- HMAC-SHA-256(station secret, bootstrap secret)
  issued_by       TEXT NOT NULL,
  issued_at       TEXT NOT NULL,
  consumed_at     TEXT,
  consumed_reason TEXT,
  CHECK ((consumed_at IS NULL) = (consumed_reason IS NULL))
);
