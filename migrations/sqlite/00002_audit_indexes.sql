-- +goose Up
-- The audit browser filters by actor and action; at province scale the log
-- has millions of rows.
CREATE INDEX idx_audit_actor ON audit_events(actor_name, id);
CREATE INDEX idx_audit_action ON audit_events(action, id);

-- +goose Down
DROP INDEX idx_audit_action;
DROP INDEX idx_audit_actor;
