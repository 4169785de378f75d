-- +goose Up
-- The office's queues (待审核 reports, 待处理 prompts) are shown oldest
-- first, 50 at a time: with the rows in state order by time, a page reads
-- its 50 rows instead of sorting every one waiting (on a province 17,298
-- reports, ~1 s, and 24,732 prompts, ~140 ms, at every render of the
-- office's start page).
CREATE INDEX IF NOT EXISTS idx_reports_waiting ON reports(state, submitted_at, id);
CREATE INDEX IF NOT EXISTS idx_prompts_open_order ON prompts(resolved_at, created_at, id, assignment_id);

-- +goose Down
DROP INDEX IF EXISTS idx_prompts_open_order;
DROP INDEX IF EXISTS idx_reports_waiting;
