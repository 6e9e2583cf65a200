-- Factory PKI: CAs, issued certificates, per-unit credential hashes (docs/pki.md).

CREATE TABLE pki_cas (
  name               TEXT PRIMARY KEY,
  environment        TEXT NOT NULL,
  environment_kind   TEXT NOT NULL,
  role               TEXT NOT NULL CHECK (role IN ('root', 'issuing')),
  parent             TEXT REFERENCES pki_cas(name),
  key_backend        TEXT NOT NULL CHECK (key_backend IN ('file', 'pkcs11')),
  key_locator        TEXT NOT NULL,
  secret_source      TEXT NOT NULL,
  subject            TEXT NOT NULL,
  serial_hex         TEXT NOT NULL,
  not_before         TEXT NOT NULL,
  not_after          TEXT NOT NULL,
  fingerprint_sha256 TEXT NOT NULL UNIQUE,
  spki_sha256        TEXT NOT NULL UNIQUE,   -- no two CAs ever share a key
  certificate_pem    TEXT NOT NULL,
  allow_ec_p256      INTEGER NOT NULL CHECK (allow_ec_p256 IN (0, 1)),
  allow_ec_p384      INTEGER NOT NULL CHECK (allow_ec_p384 IN (0, 1)),
  min_rsa_bits       INTEGER NOT NULL CHECK (min_rsa_bits = 0 OR min_rsa_bits >= 2048),
  leaf_validity_days INTEGER NOT NULL CHECK (leaf_validity_days >= 1),
  crl_validity_days  INTEGER NOT NULL CHECK (crl_validity_days >= 1),
  next_crl_number    INTEGER NOT NULL CHECK (next_crl_number >= 1),
  created_by         TEXT NOT NULL,
  created_at         TEXT NOT NULL,
  CHECK ((role = 'root' AND parent IS NULL) OR (role = 'issuing' AND parent IS NOT NULL)),
  CHECK (environment_kind <> 'production' OR key_backend <> 'file')
);
-- One root and one issuing CA per environment.
CREATE UNIQUE INDEX pki_cas_environment_role ON pki_cas(environment, role);
CREATE TRIGGER pki_cas_undeletable BEFORE DELETE ON pki_cas
  BEGIN SELECT RAISE(ABORT, 'CAs are never deleted'); END;

CREATE TABLE certificates (
  id                 INTEGER PRIMARY KEY,
  unit_id            INTEGER REFERENCES units(id),   -- NULL for the station's own
  ca_name            TEXT NOT NULL REFERENCES pki_cas(name),
  usage              TEXT NOT NULL CHECK (usage IN ('charging_station', 'tls_server', 'passport_signing')),
  serial_hex         TEXT NOT NULL UNIQUE,
  subject            TEXT NOT NULL,
  fingerprint_sha256 TEXT NOT NULL UNIQUE,
  spki_sha256        TEXT NOT NULL UNIQUE,           -- a key is certified once, ever
  not_before         TEXT NOT NULL,
  not_after          TEXT NOT NULL,
  certificate_pem    TEXT NOT NULL,
  issued_by          TEXT NOT NULL,
  issued_at          TEXT NOT NULL,
  revoked_at         TEXT,
  revocation_reason  TEXT,
  CHECK ((revoked_at IS NULL) = (revocation_reason IS NULL))
);
CREATE INDEX certificates_unit ON certificates(unit_id);
CREATE INDEX certificates_ca_revoked ON certificates(ca_name, revoked_at);
CREATE TRIGGER certificates_undeletable BEFORE DELETE ON certificates
  BEGIN SELECT RAISE(ABORT, 'certificates are never deleted; revoke them'); END;
CREATE TRIGGER certificates_revocation_final BEFORE UPDATE ON certificates
  WHEN OLD.revoked_at IS NOT NULL
  BEGIN SELECT RAISE(ABORT, 'a revoked certificate stays revoked'); END;

CREATE TABLE unit_credentials (
  unit_id     INTEGER NOT NULL REFERENCES units(id),
  kind        TEXT NOT NULL CHECK (kind IN ('basic_auth')),
  keyed_hash  TEXT NOT NULL UNIQUE,                  -- HMAC-SHA-256(station secret, password)
  created_by  TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  PRIMARY KEY (unit_id, kind)
);
