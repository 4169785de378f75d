package db

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// The audit log's append-only guards. They are (re)created after every
// migration run, so `duban migrate` restores a guard someone dropped. The
// one update they let through is sealing a pending entry: setting seq,
// prev_hash and hash of a row whose hash is still empty, every other column
// unchanged. They stop accidents and casual edits; the keyed chain is what
// detects an intruder who drops them.
var auditGuards = map[string][]string{
	SQLite: {
		`CREATE TRIGGER IF NOT EXISTS audit_events_seal_only BEFORE UPDATE ON audit_events
WHEN OLD.hash <> '' OR NEW.id IS NOT OLD.id OR NEW.at IS NOT OLD.at OR NEW.actor_id IS NOT OLD.actor_id
  OR NEW.actor_name IS NOT OLD.actor_name OR NEW.role IS NOT OLD.role OR NEW.unit_id IS NOT OLD.unit_id
  OR NEW.client_addr IS NOT OLD.client_addr OR NEW.action IS NOT OLD.action
  OR NEW.object_type IS NOT OLD.object_type OR NEW.object_id IS NOT OLD.object_id
  OR NEW.old_value IS NOT OLD.old_value OR NEW.new_value IS NOT OLD.new_value OR NEW.mac IS NOT OLD.mac
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END`,
		`CREATE TRIGGER IF NOT EXISTS audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END`,
	},
	Postgres: {
		`CREATE OR REPLACE FUNCTION audit_events_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
      IF OLD.hash = ''
       AND (NEW.id, NEW.at, NEW.actor_id, NEW.actor_name, NEW.role, NEW.unit_id, NEW.client_addr,
            NEW.action, NEW.object_type, NEW.object_id, NEW.old_value, NEW.new_value, NEW.mac)
           IS NOT DISTINCT FROM
           (OLD.id, OLD.at, OLD.actor_id, OLD.actor_name, OLD.role, OLD.unit_id, OLD.client_addr,
            OLD.action, OLD.object_type, OLD.object_id, OLD.old_value, OLD.new_value, OLD.mac) THEN
        RETURN NEW;
      END IF;
    END IF;
    RAISE EXCEPTION 'audit_events is append-only';
END;
$$`,
		`CREATE OR REPLACE TRIGGER audit_events_guard_update BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_guard()`,
		`CREATE OR REPLACE TRIGGER audit_events_guard_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_guard()`,
	},
}

// ensureAuditGuards creates the guards that are missing (and on PostgreSQL
// replaces them with the current definition).
// On PostgreSQL, instances starting at once would replace the same
// function and triggers concurrently ("tuple concurrently updated"): a
// transaction-level advisory lock makes them take turns.
func (d *DB) ensureAuditGuards(ctx context.Context) error {
	err := d.W.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if d.Dialect == Postgres {
			if err := tx.Exec("SELECT pg_advisory_xact_lock(?)", auditGuardsLockID).Error; err != nil {
				return err
			}
		}
		for _, stmt := range auditGuards[d.Dialect] {
			if err := tx.Exec(stmt).Error; err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("audit log guards: %w", err)
	}
	return nil
}

// auditGuardsLockID names the advisory lock of ensureAuditGuards (any
// constant other than goose's own).
const auditGuardsLockID = 0x64756261_6e677264 // "dubangrd"
