-- +goose Up
-- Indexes for the dashboards (issue #6).
--
-- Every dashboard reads the facts of each report (state, progress, percent,
-- submission and return times). Covering them with an index keyed by
-- assignment lets a plan's reports be read from the index alone, and an
-- all-plans overview scan the small index instead of the table, whose rows
-- carry the long progress texts (the time columns come after them and can
-- sit in overflow pages).
CREATE INDEX idx_reports_facts ON reports(assignment_id, period_id, state, progress_state, percent, submitted_at, returned_at);

-- Open 催办 prompts per assignment (the overview's list, the unit dashboard).
CREATE INDEX idx_prompts_assignment ON prompts(assignment_id, resolved_at);

-- +goose Down
DROP INDEX idx_prompts_assignment;
DROP INDEX idx_reports_facts;
