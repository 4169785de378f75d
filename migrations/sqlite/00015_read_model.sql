-- +goose Up
-- The read model (issue #11): one row per assignment with the compact facts
-- the rules read (JSON), what the rules answered (light, counts) and the
-- instant at which the clock alone can change that answer. Instants are
-- Unix seconds. The workflow refreshes the rows of the assignments it
-- touches in its own transaction; every other writer is covered by the
-- triggers below, which list the assignments whose facts changed in
-- readmodel_dirty, drained by the next write transaction or read.
CREATE TABLE assignment_states (
    assignment_id     INTEGER PRIMARY KEY,
    plan_id           INTEGER NOT NULL,
    domain_id         INTEGER NOT NULL,
    measure_id        INTEGER NOT NULL,
    unit_id           INTEGER NOT NULL,
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
    last_submitted_at INTEGER,
    next_change_at    INTEGER
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
    assignment_id INTEGER PRIMARY KEY
);

-- The read model's generation is the sum of two counters, so cached
-- snapshots (in any instance) know they are stale: row 1 is bumped last in
-- every transaction that changes assignment_states, row 2 by the triggers
-- on names, titles, targets and periods. Two rows, so a writer that holds
-- one early (closing a measure) never waits in a cycle with a writer that
-- takes the other at its end.
CREATE TABLE readmodel_generation (
    id         INTEGER PRIMARY KEY CHECK (id IN (1, 2)),
    generation INTEGER NOT NULL
);
INSERT INTO readmodel_generation (id, generation) VALUES (1, 0), (2, 0);

-- +goose StatementBegin
CREATE TRIGGER readmodel_reports_ins AFTER INSERT ON reports BEGIN
    INSERT OR IGNORE INTO readmodel_dirty (assignment_id) VALUES (NEW.assignment_id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER readmodel_reports_upd AFTER UPDATE OF assignment_id, period_id, state, progress_state, percent, submitted_at, returned_at ON reports BEGIN
    INSERT OR IGNORE INTO readmodel_dirty (assignment_id) VALUES (OLD.assignment_id), (NEW.assignment_id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER readmodel_reports_del AFTER DELETE ON reports BEGIN
    INSERT OR IGNORE INTO readmodel_dirty (assignment_id) VALUES (OLD.assignment_id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER readmodel_values_ins AFTER INSERT ON target_values BEGIN
    INSERT OR IGNORE INTO readmodel_dirty (assignment_id) SELECT assignment_id FROM reports WHERE id = NEW.report_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER readmodel_values_upd AFTER UPDATE ON target_values BEGIN
    INSERT OR IGNORE INTO readmodel_dirty (assignment_id) SELECT assignment_id FROM reports WHERE id IN (OLD.report_id, NEW.report_id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER readmodel_values_del AFTER DELETE ON target_values BEGIN
    INSERT OR IGNORE INTO readmodel_dirty (assignment_id) SELECT assignment_id FROM reports WHERE id = OLD.report_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER readmodel_reviews_ins AFTER INSERT ON reviews BEGIN
    INSERT OR IGNORE INTO readmodel_dirty (assignment_id) SELECT assignment_id FROM reports WHERE id = NEW.report_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER readmodel_reviews_del AFTER DELETE ON reviews BEGIN
    INSERT OR IGNORE INTO readmodel_dirty (assignment_id) SELECT assignment_id FROM reports WHERE id = OLD.report_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER readmodel_prompts_ins AFTER INSERT ON prompts WHEN NEW.assignment_id IS NOT NULL BEGIN
    INSERT OR IGNORE INTO readmodel_dirty (assignment_id) VALUES (NEW.assignment_id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER readmodel_prompts_upd AFTER UPDATE ON prompts BEGIN
    INSERT OR IGNORE INTO readmodel_dirty (assignment_id)
        SELECT x FROM (SELECT OLD.assignment_id AS x UNION SELECT NEW.assignment_id) WHERE x IS NOT NULL;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER readmodel_prompts_del AFTER DELETE ON prompts WHEN OLD.assignment_id IS NOT NULL BEGIN
    INSERT OR IGNORE INTO readmodel_dirty (assignment_id) VALUES (OLD.assignment_id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER readmodel_assignments_ins AFTER INSERT ON assignments BEGIN
    INSERT OR IGNORE INTO readmodel_dirty (assignment_id) VALUES (NEW.id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER readmodel_assignments_upd AFTER UPDATE OF id, measure_id, unit_id, role, signed_at, created_at ON assignments BEGIN
    INSERT OR IGNORE INTO readmodel_dirty (assignment_id) VALUES (OLD.id), (NEW.id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER readmodel_assignments_del AFTER DELETE ON assignments BEGIN
    INSERT OR IGNORE INTO readmodel_dirty (assignment_id) VALUES (OLD.id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER readmodel_measures_upd AFTER UPDATE OF plan_id, domain_id, due_on, closed_at ON measures BEGIN
    INSERT OR IGNORE INTO readmodel_dirty (assignment_id) SELECT id FROM assignments WHERE measure_id = NEW.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER readmodel_targets_ins AFTER INSERT ON targets BEGIN
    INSERT OR IGNORE INTO readmodel_dirty (assignment_id) SELECT id FROM assignments WHERE measure_id = NEW.measure_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER readmodel_targets_upd AFTER UPDATE ON targets BEGIN
    INSERT OR IGNORE INTO readmodel_dirty (assignment_id) SELECT id FROM assignments WHERE measure_id IN (OLD.measure_id, NEW.measure_id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER readmodel_targets_del AFTER DELETE ON targets BEGIN
    INSERT OR IGNORE INTO readmodel_dirty (assignment_id) SELECT id FROM assignments WHERE measure_id = OLD.measure_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER readmodel_periods_ins AFTER INSERT ON periods BEGIN
    INSERT OR IGNORE INTO readmodel_dirty (assignment_id)
        SELECT a.id FROM assignments a JOIN measures m ON m.id = a.measure_id WHERE m.plan_id = NEW.plan_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER readmodel_periods_upd AFTER UPDATE ON periods BEGIN
    INSERT OR IGNORE INTO readmodel_dirty (assignment_id)
        SELECT a.id FROM assignments a JOIN measures m ON m.id = a.measure_id WHERE m.plan_id IN (OLD.plan_id, NEW.plan_id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER readmodel_periods_del AFTER DELETE ON periods BEGIN
    INSERT OR IGNORE INTO readmodel_dirty (assignment_id)
        SELECT a.id FROM assignments a JOIN measures m ON m.id = a.measure_id WHERE m.plan_id = OLD.plan_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER readmodel_plans_upd AFTER UPDATE OF start_on, created_at ON plans BEGIN
    INSERT OR IGNORE INTO readmodel_dirty (assignment_id)
        SELECT a.id FROM assignments a JOIN measures m ON m.id = a.measure_id WHERE m.plan_id = NEW.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER readmodel_settings_ins AFTER INSERT ON settings WHEN NEW.key = 'light_rules' BEGIN
    INSERT OR IGNORE INTO readmodel_dirty (assignment_id) SELECT id FROM assignments;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER readmodel_settings_upd AFTER UPDATE ON settings WHEN NEW.key = 'light_rules' BEGIN
    INSERT OR IGNORE INTO readmodel_dirty (assignment_id) SELECT id FROM assignments;
END;
-- +goose StatementEnd

-- What a snapshot shows besides the facts (names, titles, periods, targets)
-- changes the generation too, so cached snapshots never show old names.
-- +goose StatementBegin
CREATE TRIGGER readmodel_gen_units_ins AFTER INSERT ON units BEGIN
    UPDATE readmodel_generation SET generation = generation + 1 WHERE id = 2;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER readmodel_gen_units_upd AFTER UPDATE ON units BEGIN
    UPDATE readmodel_generation SET generation = generation + 1 WHERE id = 2;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER readmodel_gen_units_del AFTER DELETE ON units BEGIN
    UPDATE readmodel_generation SET generation = generation + 1 WHERE id = 2;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER readmodel_gen_plans_ins AFTER INSERT ON plans BEGIN
    UPDATE readmodel_generation SET generation = generation + 1 WHERE id = 2;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER readmodel_gen_plans_upd AFTER UPDATE ON plans BEGIN
    UPDATE readmodel_generation SET generation = generation + 1 WHERE id = 2;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER readmodel_gen_plans_del AFTER DELETE ON plans BEGIN
    UPDATE readmodel_generation SET generation = generation + 1 WHERE id = 2;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER readmodel_gen_domains_ins AFTER INSERT ON domains BEGIN
    UPDATE readmodel_generation SET generation = generation + 1 WHERE id = 2;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER readmodel_gen_domains_upd AFTER UPDATE ON domains BEGIN
    UPDATE readmodel_generation SET generation = generation + 1 WHERE id = 2;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER readmodel_gen_domains_del AFTER DELETE ON domains BEGIN
    UPDATE readmodel_generation SET generation = generation + 1 WHERE id = 2;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER readmodel_gen_measures_ins AFTER INSERT ON measures BEGIN
    UPDATE readmodel_generation SET generation = generation + 1 WHERE id = 2;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER readmodel_gen_measures_upd AFTER UPDATE ON measures BEGIN
    UPDATE readmodel_generation SET generation = generation + 1 WHERE id = 2;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER readmodel_gen_measures_del AFTER DELETE ON measures BEGIN
    UPDATE readmodel_generation SET generation = generation + 1 WHERE id = 2;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER readmodel_gen_targets_ins AFTER INSERT ON targets BEGIN
    UPDATE readmodel_generation SET generation = generation + 1 WHERE id = 2;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER readmodel_gen_targets_upd AFTER UPDATE ON targets BEGIN
    UPDATE readmodel_generation SET generation = generation + 1 WHERE id = 2;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER readmodel_gen_targets_del AFTER DELETE ON targets BEGIN
    UPDATE readmodel_generation SET generation = generation + 1 WHERE id = 2;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER readmodel_gen_periods_ins AFTER INSERT ON periods BEGIN
    UPDATE readmodel_generation SET generation = generation + 1 WHERE id = 2;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER readmodel_gen_periods_upd AFTER UPDATE ON periods BEGIN
    UPDATE readmodel_generation SET generation = generation + 1 WHERE id = 2;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER readmodel_gen_periods_del AFTER DELETE ON periods BEGIN
    UPDATE readmodel_generation SET generation = generation + 1 WHERE id = 2;
END;
-- +goose StatementEnd

-- Existing databases: every assignment is built on the first drain.
INSERT INTO readmodel_dirty (assignment_id) SELECT id FROM assignments;

-- +goose Down
DROP TRIGGER readmodel_gen_units_ins;
DROP TRIGGER readmodel_gen_units_upd;
DROP TRIGGER readmodel_gen_units_del;
DROP TRIGGER readmodel_gen_plans_ins;
DROP TRIGGER readmodel_gen_plans_upd;
DROP TRIGGER readmodel_gen_plans_del;
DROP TRIGGER readmodel_gen_domains_ins;
DROP TRIGGER readmodel_gen_domains_upd;
DROP TRIGGER readmodel_gen_domains_del;
DROP TRIGGER readmodel_gen_measures_ins;
DROP TRIGGER readmodel_gen_measures_upd;
DROP TRIGGER readmodel_gen_measures_del;
DROP TRIGGER readmodel_gen_targets_ins;
DROP TRIGGER readmodel_gen_targets_upd;
DROP TRIGGER readmodel_gen_targets_del;
DROP TRIGGER readmodel_gen_periods_ins;
DROP TRIGGER readmodel_gen_periods_upd;
DROP TRIGGER readmodel_gen_periods_del;
DROP TRIGGER readmodel_settings_upd;
DROP TRIGGER readmodel_settings_ins;
DROP TRIGGER readmodel_plans_upd;
DROP TRIGGER readmodel_periods_del;
DROP TRIGGER readmodel_periods_upd;
DROP TRIGGER readmodel_periods_ins;
DROP TRIGGER readmodel_targets_del;
DROP TRIGGER readmodel_targets_upd;
DROP TRIGGER readmodel_targets_ins;
DROP TRIGGER readmodel_measures_upd;
DROP TRIGGER readmodel_assignments_del;
DROP TRIGGER readmodel_assignments_upd;
DROP TRIGGER readmodel_assignments_ins;
DROP TRIGGER readmodel_prompts_del;
DROP TRIGGER readmodel_prompts_upd;
DROP TRIGGER readmodel_prompts_ins;
DROP TRIGGER readmodel_reviews_del;
DROP TRIGGER readmodel_reviews_ins;
DROP TRIGGER readmodel_values_del;
DROP TRIGGER readmodel_values_upd;
DROP TRIGGER readmodel_values_ins;
DROP TRIGGER readmodel_reports_del;
DROP TRIGGER readmodel_reports_upd;
DROP TRIGGER readmodel_reports_ins;
DROP TABLE readmodel_generation;
DROP TABLE readmodel_dirty;
DROP TABLE assignment_states;
DROP INDEX idx_prompts_open;
