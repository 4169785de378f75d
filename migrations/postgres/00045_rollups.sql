-- +goose Up
-- Rollups of the read model (issue #11): what the all-plans overview and
-- scorecard show, kept by the writes so those pages read a row per plan
-- and per unit instead of every assignment. See the SQLite migration of
-- the same number for the tables; the triggers list what changed in
-- rollup_dirty, which internal/readmodel drains when the all-plans pages
-- are next read (or on the ticker).
CREATE TABLE rollup_groups (
    plan_id    BIGINT NOT NULL,
    unit_id    BIGINT NOT NULL,
    tally      TEXT   NOT NULL,
    valid_till BIGINT,
    PRIMARY KEY (plan_id, unit_id)
);
CREATE INDEX idx_rollup_groups_valid ON rollup_groups(valid_till);
CREATE TABLE rollup_measures (
    measure_id BIGINT PRIMARY KEY,
    plan_id    BIGINT  NOT NULL,
    light      INTEGER NOT NULL,
    percent    INTEGER NOT NULL
);
CREATE TABLE rollup_plans (
    plan_id BIGINT PRIMARY KEY,
    tally   TEXT NOT NULL
);
CREATE TABLE rollup_units (
    unit_id BIGINT PRIMARY KEY,
    tally   TEXT NOT NULL
);
-- unit_id 0: only the measure; measure_id 0: only the group.
CREATE TABLE rollup_dirty (
    plan_id    BIGINT NOT NULL,
    unit_id    BIGINT NOT NULL,
    measure_id BIGINT NOT NULL,
    PRIMARY KEY (plan_id, unit_id, measure_id)
);

-- +goose StatementBegin
CREATE FUNCTION rollup_mark_states() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        INSERT INTO rollup_dirty (plan_id, unit_id, measure_id) VALUES (OLD.plan_id, OLD.unit_id, OLD.measure_id) ON CONFLICT DO NOTHING;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO rollup_dirty (plan_id, unit_id, measure_id) VALUES (NEW.plan_id, NEW.unit_id, NEW.measure_id) ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE FUNCTION rollup_mark_measures() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        INSERT INTO rollup_dirty (plan_id, unit_id, measure_id) VALUES (OLD.plan_id, 0, OLD.id) ON CONFLICT DO NOTHING;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO rollup_dirty (plan_id, unit_id, measure_id) VALUES (NEW.plan_id, 0, NEW.id) ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER rollup_states AFTER INSERT OR UPDATE OR DELETE ON assignment_states
    FOR EACH ROW EXECUTE FUNCTION rollup_mark_states();
-- A measure counts on its plan's overview even without assignments.
CREATE TRIGGER rollup_measures AFTER INSERT OR DELETE OR UPDATE OF id, plan_id, closed_at ON measures
    FOR EACH ROW EXECUTE FUNCTION rollup_mark_measures();

-- Existing databases: every group and measure is built on the first drain.
INSERT INTO rollup_dirty (plan_id, unit_id, measure_id)
    SELECT DISTINCT plan_id, unit_id, 0 FROM assignment_states;
INSERT INTO rollup_dirty (plan_id, unit_id, measure_id)
    SELECT plan_id, 0, id FROM measures ON CONFLICT DO NOTHING;

-- +goose Down
DROP TRIGGER rollup_measures ON measures;
DROP TRIGGER rollup_states ON assignment_states;
DROP FUNCTION rollup_mark_measures();
DROP FUNCTION rollup_mark_states();
DROP TABLE rollup_dirty;
DROP TABLE rollup_units;
DROP TABLE rollup_plans;
DROP TABLE rollup_measures;
DROP TABLE rollup_groups;
