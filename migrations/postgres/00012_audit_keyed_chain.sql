-- +goose Up
-- The audit log becomes a keyed chain sealed after commit (issue #14, #11).
--
-- Writers insert an entry with mac = HMAC(key, its fields) and no link; a
-- sealer then gives pending entries (hash = '') their place in the chain:
-- seq (1, 2, 3, … without gaps), prev_hash and hash = HMAC(key, seq,
-- prev_hash, mac). Writers no longer take a global advisory lock until
-- their transaction ends: only the sealer serialises, and only with itself.
--
-- Entries written before this migration keep their unkeyed SHA-256 chain:
-- they are the rows with seq NULL and mac = '' (the legacy segment, in ID
-- order), and the first keyed entry links to the last of them. The signed
-- head kept outside the database records how many there are.
--
-- The append-only guards are created by the program after every migration
-- run (so `duban migrate` restores dropped ones); the old ones go, because
-- sealing a pending entry is the one update now allowed.
ALTER TABLE audit_events ADD COLUMN seq BIGINT;
ALTER TABLE audit_events ADD COLUMN mac TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX idx_audit_seq ON audit_events(seq);
CREATE INDEX idx_audit_pending ON audit_events(id) WHERE hash = '';
DROP TRIGGER IF EXISTS audit_events_no_update ON audit_events;
DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events;
DROP FUNCTION IF EXISTS audit_events_append_only();

-- +goose Down
DROP TRIGGER IF EXISTS audit_events_guard_update ON audit_events;
DROP TRIGGER IF EXISTS audit_events_guard_truncate ON audit_events;
DROP FUNCTION IF EXISTS audit_events_guard();
DROP INDEX idx_audit_pending;
DROP INDEX idx_audit_seq;
ALTER TABLE audit_events DROP COLUMN mac;
ALTER TABLE audit_events DROP COLUMN seq;
