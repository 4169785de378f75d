-- +goose Up
-- The read model (issue #11): one row per assignment with the compact facts
-- the rules read (JSON), what the rules answered (light, counts) and the
-- instant at which the clock alone can change that answer. Instants are
-- Unix seconds. The workflow refreshes the rows of the assignments it
-- touches in its own transaction; every other writer is covered by the
-- triggers below, which list the assignments whose facts changed in
-- readmodel_dirty, drained by the next write transaction or read.
CREATE TABLE assignment_states (
    assignment_id     BIGINT PRIMARY KEY,
    plan_id           BIGINT  NOT NULL,
    domain_id         BIGINT  NOT NULL,
    measure_id        BIGINT  NOT NULL,
    unit_id           BIGINT  NOT NULL,
    role              TEXT    NOT NULL,
    facts             TEXT    NOT NULL,
    light             INTEGER NOT NULL,
    due_count         INTEGER NOT NULL DEFAULT 0,
    returned_count    INTEGER NOT NULL DEFAULT 0,
    late_count        INTEGER NOT NULL DEFAULT 0,
    open_prompts      INTEGER NOT NULL DEFAULT 0,
    latest_percent    INTEGER NOT NULL DEFAULT 0,
    awaiting_review   INTEGER NOT NULL DEFAULT 0,
    closable          INTEGER NOT NULL DEFAULT 0,
    last_submitted_at BIGINT,
    next_change_at    BIGINT
);
CREATE INDEX idx_assignment_states_plan ON assignment_states(plan_id, measure_id);
CREATE INDEX idx_assignment_states_measure ON assignment_states(measure_id);
CREATE INDEX idx_assignment_states_unit ON assignment_states(unit_id, plan_id);
CREATE INDEX idx_assignment_states_next ON assignment_states(next_change_at);
-- The office's badge: reports waiting for review, measures it may close.
CREATE INDEX idx_assignment_states_review ON assignment_states(role, awaiting_review);
CREATE INDEX idx_assignment_states_closable ON assignment_states(closable);
CREATE INDEX idx_prompts_open ON prompts(resolved_at);

CREATE TABLE readmodel_dirty (
    assignment_id BIGINT PRIMARY KEY
);

-- The read model's generation is the sum of two counters, so cached
-- snapshots (in any instance) know they are stale: row 1 is bumped last in
-- every transaction that changes assignment_states, row 2 by the triggers
-- on names, titles, targets and periods. Two rows, so a writer that holds
-- one early (closing a measure) never waits in a cycle with a writer that
-- takes the other at its end.
CREATE TABLE readmodel_generation (
    id         INTEGER PRIMARY KEY CHECK (id IN (1, 2)),
    generation BIGINT NOT NULL
);
INSERT INTO readmodel_generation (id, generation) VALUES (1, 0), (2, 0);

-- +goose StatementBegin
CREATE FUNCTION readmodel_mark_reports() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        INSERT INTO readmodel_dirty (assignment_id) VALUES (OLD.assignment_id) ON CONFLICT DO NOTHING;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO readmodel_dirty (assignment_id) VALUES (NEW.assignment_id) ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE FUNCTION readmodel_mark_report_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        INSERT INTO readmodel_dirty (assignment_id) SELECT assignment_id FROM reports WHERE id = OLD.report_id ON CONFLICT DO NOTHING;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO readmodel_dirty (assignment_id) SELECT assignment_id FROM reports WHERE id = NEW.report_id ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE FUNCTION readmodel_mark_prompts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        IF OLD.assignment_id IS NOT NULL THEN INSERT INTO readmodel_dirty (assignment_id) VALUES (OLD.assignment_id) ON CONFLICT DO NOTHING; END IF;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        IF NEW.assignment_id IS NOT NULL THEN INSERT INTO readmodel_dirty (assignment_id) VALUES (NEW.assignment_id) ON CONFLICT DO NOTHING; END IF;
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE FUNCTION readmodel_mark_assignments() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        INSERT INTO readmodel_dirty (assignment_id) VALUES (OLD.id) ON CONFLICT DO NOTHING;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO readmodel_dirty (assignment_id) VALUES (NEW.id) ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE FUNCTION readmodel_mark_measures() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        INSERT INTO readmodel_dirty (assignment_id) SELECT id FROM assignments WHERE measure_id = OLD.id ON CONFLICT DO NOTHING;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO readmodel_dirty (assignment_id) SELECT id FROM assignments WHERE measure_id = NEW.id ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE FUNCTION readmodel_mark_targets() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        INSERT INTO readmodel_dirty (assignment_id) SELECT id FROM assignments WHERE measure_id = OLD.measure_id ON CONFLICT DO NOTHING;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO readmodel_dirty (assignment_id) SELECT id FROM assignments WHERE measure_id = NEW.measure_id ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE FUNCTION readmodel_mark_periods() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        INSERT INTO readmodel_dirty (assignment_id) SELECT a.id FROM assignments a JOIN measures m ON m.id = a.measure_id WHERE m.plan_id = OLD.plan_id ON CONFLICT DO NOTHING;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO readmodel_dirty (assignment_id) SELECT a.id FROM assignments a JOIN measures m ON m.id = a.measure_id WHERE m.plan_id = NEW.plan_id ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE FUNCTION readmodel_mark_plans() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO readmodel_dirty (assignment_id) SELECT a.id FROM assignments a JOIN measures m ON m.id = a.measure_id WHERE m.plan_id = NEW.id ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE FUNCTION readmodel_mark_settings() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.key = 'light_rules' THEN
        INSERT INTO readmodel_dirty (assignment_id) SELECT id FROM assignments ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER readmodel_reports AFTER INSERT OR DELETE OR UPDATE OF assignment_id, period_id, state, progress_state, percent, submitted_at, returned_at ON reports
    FOR EACH ROW EXECUTE FUNCTION readmodel_mark_reports();
CREATE TRIGGER readmodel_target_values AFTER INSERT OR UPDATE OR DELETE ON target_values
    FOR EACH ROW EXECUTE FUNCTION readmodel_mark_report_rows();
CREATE TRIGGER readmodel_reviews AFTER INSERT OR DELETE ON reviews
    FOR EACH ROW EXECUTE FUNCTION readmodel_mark_report_rows();
CREATE TRIGGER readmodel_prompts AFTER INSERT OR UPDATE OR DELETE ON prompts
    FOR EACH ROW EXECUTE FUNCTION readmodel_mark_prompts();
CREATE TRIGGER readmodel_assignments AFTER INSERT OR DELETE OR UPDATE OF id, measure_id, unit_id, role, signed_at, created_at ON assignments
    FOR EACH ROW EXECUTE FUNCTION readmodel_mark_assignments();
CREATE TRIGGER readmodel_measures AFTER UPDATE OF plan_id, domain_id, due_on, closed_at ON measures
    FOR EACH ROW EXECUTE FUNCTION readmodel_mark_measures();
CREATE TRIGGER readmodel_targets AFTER INSERT OR UPDATE OR DELETE ON targets
    FOR EACH ROW EXECUTE FUNCTION readmodel_mark_targets();
CREATE TRIGGER readmodel_periods AFTER INSERT OR UPDATE OR DELETE ON periods
    FOR EACH ROW EXECUTE FUNCTION readmodel_mark_periods();
CREATE TRIGGER readmodel_plans AFTER UPDATE OF start_on, created_at ON plans
    FOR EACH ROW EXECUTE FUNCTION readmodel_mark_plans();
CREATE TRIGGER readmodel_settings AFTER INSERT OR UPDATE ON settings
    FOR EACH ROW EXECUTE FUNCTION readmodel_mark_settings();

-- What a snapshot shows besides the facts (names, titles, periods, targets)
-- changes the generation too, so cached snapshots never show old names.
-- +goose StatementBegin
CREATE FUNCTION readmodel_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE readmodel_generation SET generation = generation + 1 WHERE id = 2;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER readmodel_gen_units AFTER INSERT OR UPDATE OR DELETE ON units
    FOR EACH STATEMENT EXECUTE FUNCTION readmodel_bump();
CREATE TRIGGER readmodel_gen_plans AFTER INSERT OR UPDATE OR DELETE ON plans
    FOR EACH STATEMENT EXECUTE FUNCTION readmodel_bump();
CREATE TRIGGER readmodel_gen_domains AFTER INSERT OR UPDATE OR DELETE ON domains
    FOR EACH STATEMENT EXECUTE FUNCTION readmodel_bump();
CREATE TRIGGER readmodel_gen_measures AFTER INSERT OR UPDATE OR DELETE ON measures
    FOR EACH STATEMENT EXECUTE FUNCTION readmodel_bump();
CREATE TRIGGER readmodel_gen_targets AFTER INSERT OR UPDATE OR DELETE ON targets
    FOR EACH STATEMENT EXECUTE FUNCTION readmodel_bump();
CREATE TRIGGER readmodel_gen_periods AFTER INSERT OR UPDATE OR DELETE ON periods
    FOR EACH STATEMENT EXECUTE FUNCTION readmodel_bump();

-- Existing databases: every assignment is built on the first drain.
INSERT INTO readmodel_dirty (assignment_id) SELECT id FROM assignments;

-- +goose Down
DROP TRIGGER readmodel_gen_units ON units;
DROP TRIGGER readmodel_gen_plans ON plans;
DROP TRIGGER readmodel_gen_domains ON domains;
DROP TRIGGER readmodel_gen_measures ON measures;
DROP TRIGGER readmodel_gen_targets ON targets;
DROP TRIGGER readmodel_gen_periods ON periods;
DROP FUNCTION readmodel_bump();
DROP TRIGGER readmodel_settings ON settings;
DROP TRIGGER readmodel_plans ON plans;
DROP TRIGGER readmodel_periods ON periods;
DROP TRIGGER readmodel_targets ON targets;
DROP TRIGGER readmodel_measures ON measures;
DROP TRIGGER readmodel_assignments ON assignments;
DROP TRIGGER readmodel_prompts ON prompts;
DROP TRIGGER readmodel_reviews ON reviews;
DROP TRIGGER readmodel_target_values ON target_values;
DROP TRIGGER readmodel_reports ON reports;
DROP FUNCTION readmodel_mark_settings();
DROP FUNCTION readmodel_mark_plans();
DROP FUNCTION readmodel_mark_periods();
DROP FUNCTION readmodel_mark_targets();
DROP FUNCTION readmodel_mark_measures();
DROP FUNCTION readmodel_mark_assignments();
DROP FUNCTION readmodel_mark_prompts();
DROP FUNCTION readmodel_mark_report_rows();
DROP FUNCTION readmodel_mark_reports();
DROP TABLE readmodel_generation;
DROP TABLE readmodel_dirty;
DROP TABLE assignment_states;
DROP INDEX idx_prompts_open;
