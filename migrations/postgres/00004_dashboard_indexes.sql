-- +goose Up
-- Indexes for the dashboards (issue #6).
--
-- Every dashboard reads the facts of each report (state, progress, percent,
-- submission and return times). Covering them lets a plan's reports be read
-- with an index-only scan instead of visiting rows that carry the long
-- progress texts.
CREATE INDEX idx_reports_facts ON reports(assignment_id, period_id) INCLUDE (state, progress_state, percent, submitted_at, returned_at);

-- Open 催办 prompts per assignment (the overview's list, the unit dashboard).
CREATE INDEX idx_prompts_assignment ON prompts(assignment_id, resolved_at);

-- +goose Down
DROP INDEX idx_prompts_assignment;
DROP INDEX idx_reports_facts;
