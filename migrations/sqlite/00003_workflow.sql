-- +goose Up
-- Workflow (issue #5). An evidence file that was part of a submitted report
-- version must stay downloadable from the version history, so removing it
-- from a revised report only marks it removed.
ALTER TABLE attachments ADD COLUMN removed_at DATETIME;
ALTER TABLE attachments ADD COLUMN removed_by INTEGER REFERENCES users(id);

-- The review queue (submitted reports) and the prompts of one assignment
-- are read on every to-do page.
CREATE INDEX idx_reports_state ON reports(state);
CREATE INDEX idx_prompts_assignment_period ON prompts(assignment_id, period_id);

-- +goose Down
DROP INDEX idx_prompts_assignment_period;
DROP INDEX idx_reports_state;
ALTER TABLE attachments DROP COLUMN removed_by;
ALTER TABLE attachments DROP COLUMN removed_at;
