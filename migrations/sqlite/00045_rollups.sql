-- +goose Up
-- Rollups of the read model (issue #11): what the all-plans overview and
-- scorecard show, kept by the writes so those pages read a row per plan
-- and per unit instead of every assignment.
--   rollup_groups    one row per plan × unit: the tally (JSON) of its
--                    assignments (lights, scorecard, rates per period,
--                    indicators), and the instant at which the clock alone
--                    changes it (the plan's current period, a target's
--                    year end); the assignments' own clock changes come
--                    through their state rows.
--   rollup_measures  one row per measure: its light and completion.
--   rollup_plans     per plan the sum of its groups and measures.
--   rollup_units     per unit the sum of its groups over every plan.
-- The triggers below list in rollup_dirty what a write changed (a state
-- row, a measure); internal/readmodel recomputes those groups and
-- measures when the all-plans pages are next read (or on the ticker) and
-- moves the difference into the plan and unit rows.
CREATE TABLE rollup_groups (
    plan_id    INTEGER NOT NULL,
    unit_id    INTEGER NOT NULL,
    tally      TEXT    NOT NULL,
    valid_till INTEGER,
    PRIMARY KEY (plan_id, unit_id)
);
CREATE INDEX idx_rollup_groups_valid ON rollup_groups(valid_till);
CREATE TABLE rollup_measures (
    measure_id INTEGER PRIMARY KEY,
    plan_id    INTEGER NOT NULL,
    light      INTEGER NOT NULL,
    percent    INTEGER NOT NULL
);
CREATE TABLE rollup_plans (
    plan_id INTEGER PRIMARY KEY,
    tally   TEXT NOT NULL
);
CREATE TABLE rollup_units (
    unit_id INTEGER PRIMARY KEY,
    tally   TEXT NOT NULL
);
-- unit_id 0: only the measure; measure_id 0: only the group.
CREATE TABLE rollup_dirty (
    plan_id    INTEGER NOT NULL,
    unit_id    INTEGER NOT NULL,
    measure_id INTEGER NOT NULL,
    PRIMARY KEY (plan_id, unit_id, measure_id)
);

-- +goose StatementBegin
CREATE TRIGGER rollup_states_ins AFTER INSERT ON assignment_states BEGIN
    INSERT INTO rollup_dirty (plan_id, unit_id, measure_id) SELECT NEW.plan_id, NEW.unit_id, NEW.measure_id
        WHERE NOT EXISTS (SELECT 1 FROM rollup_dirty WHERE plan_id = NEW.plan_id AND unit_id = NEW.unit_id AND measure_id = NEW.measure_id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rollup_states_upd AFTER UPDATE ON assignment_states BEGIN
    INSERT INTO rollup_dirty (plan_id, unit_id, measure_id) SELECT OLD.plan_id, OLD.unit_id, OLD.measure_id
        WHERE NOT EXISTS (SELECT 1 FROM rollup_dirty WHERE plan_id = OLD.plan_id AND unit_id = OLD.unit_id AND measure_id = OLD.measure_id);
    INSERT INTO rollup_dirty (plan_id, unit_id, measure_id) SELECT NEW.plan_id, NEW.unit_id, NEW.measure_id
        WHERE NOT EXISTS (SELECT 1 FROM rollup_dirty WHERE plan_id = NEW.plan_id AND unit_id = NEW.unit_id AND measure_id = NEW.measure_id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rollup_states_del AFTER DELETE ON assignment_states BEGIN
    INSERT INTO rollup_dirty (plan_id, unit_id, measure_id) SELECT OLD.plan_id, OLD.unit_id, OLD.measure_id
        WHERE NOT EXISTS (SELECT 1 FROM rollup_dirty WHERE plan_id = OLD.plan_id AND unit_id = OLD.unit_id AND measure_id = OLD.measure_id);
END;
-- +goose StatementEnd
-- A measure counts on its plan's overview even without assignments.
-- +goose StatementBegin
CREATE TRIGGER rollup_measures_ins AFTER INSERT ON measures BEGIN
    INSERT INTO rollup_dirty (plan_id, unit_id, measure_id) SELECT NEW.plan_id, 0, NEW.id
        WHERE NOT EXISTS (SELECT 1 FROM rollup_dirty WHERE plan_id = NEW.plan_id AND unit_id = 0 AND measure_id = NEW.id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rollup_measures_upd AFTER UPDATE OF id, plan_id, closed_at ON measures BEGIN
    INSERT INTO rollup_dirty (plan_id, unit_id, measure_id) SELECT OLD.plan_id, 0, OLD.id
        WHERE NOT EXISTS (SELECT 1 FROM rollup_dirty WHERE plan_id = OLD.plan_id AND unit_id = 0 AND measure_id = OLD.id);
    INSERT INTO rollup_dirty (plan_id, unit_id, measure_id) SELECT NEW.plan_id, 0, NEW.id
        WHERE NOT EXISTS (SELECT 1 FROM rollup_dirty WHERE plan_id = NEW.plan_id AND unit_id = 0 AND measure_id = NEW.id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rollup_measures_del AFTER DELETE ON measures BEGIN
    INSERT INTO rollup_dirty (plan_id, unit_id, measure_id) SELECT OLD.plan_id, 0, OLD.id
        WHERE NOT EXISTS (SELECT 1 FROM rollup_dirty WHERE plan_id = OLD.plan_id AND unit_id = 0 AND measure_id = OLD.id);
END;
-- +goose StatementEnd

-- Existing databases: every group and measure is built on the first drain.
INSERT INTO rollup_dirty (plan_id, unit_id, measure_id)
    SELECT DISTINCT plan_id, unit_id, 0 FROM assignment_states;
INSERT INTO rollup_dirty (plan_id, unit_id, measure_id)
    SELECT plan_id, 0, id FROM measures;

-- +goose Down
DROP TRIGGER rollup_measures_del;
DROP TRIGGER rollup_measures_upd;
DROP TRIGGER rollup_measures_ins;
DROP TRIGGER rollup_states_del;
DROP TRIGGER rollup_states_upd;
DROP TRIGGER rollup_states_ins;
DROP TABLE rollup_dirty;
DROP TABLE rollup_units;
DROP TABLE rollup_plans;
DROP TABLE rollup_measures;
DROP TABLE rollup_groups;
