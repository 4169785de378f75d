-- +goose Up
-- A unit's badge and to-do list count its unanswered instructions on
-- every page it opens: read from the open ones (few), not by walking
-- every measure and looking for its instructions (24,000 measures on a
-- province, the most of a unit's page after a write).
CREATE INDEX IF NOT EXISTS idx_instructions_open ON instructions(replied_at, measure_id);

-- +goose Down
DROP INDEX IF EXISTS idx_instructions_open;
