-- +goose Up
-- The read model follows extensions and instructions: an approved extension
-- moves assignments.due_on, and a leader's instruction with a reply date is
-- a fact of the measure's lead assignment (its light turns red when the
-- reply is overdue). The triggers list those assignments in readmodel_dirty
-- like the others of 00015.

-- +goose StatementBegin
DROP TRIGGER readmodel_assignments_upd;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER readmodel_assignments_upd AFTER UPDATE OF id, measure_id, unit_id, role, signed_at, created_at, due_on ON assignments BEGIN
    INSERT INTO readmodel_dirty (assignment_id) SELECT OLD.id WHERE NOT EXISTS (SELECT 1 FROM readmodel_dirty WHERE assignment_id = OLD.id);
    INSERT INTO readmodel_dirty (assignment_id) SELECT NEW.id WHERE NOT EXISTS (SELECT 1 FROM readmodel_dirty WHERE assignment_id = NEW.id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER readmodel_instructions_ins AFTER INSERT ON instructions BEGIN
    INSERT INTO readmodel_dirty (assignment_id)
        SELECT DISTINCT id FROM assignments WHERE NOT EXISTS (SELECT 1 FROM readmodel_dirty d WHERE d.assignment_id = id) AND (measure_id = NEW.measure_id AND role = 'lead');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER readmodel_instructions_upd AFTER UPDATE OF measure_id, due_on, replied_at ON instructions BEGIN
    INSERT INTO readmodel_dirty (assignment_id)
        SELECT DISTINCT id FROM assignments WHERE NOT EXISTS (SELECT 1 FROM readmodel_dirty d WHERE d.assignment_id = id) AND (measure_id IN (OLD.measure_id, NEW.measure_id) AND role = 'lead');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER readmodel_instructions_del AFTER DELETE ON instructions BEGIN
    INSERT INTO readmodel_dirty (assignment_id)
        SELECT DISTINCT id FROM assignments WHERE NOT EXISTS (SELECT 1 FROM readmodel_dirty d WHERE d.assignment_id = id) AND (measure_id = OLD.measure_id AND role = 'lead');
END;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
DROP TRIGGER readmodel_instructions_del;
-- +goose StatementEnd
-- +goose StatementBegin
DROP TRIGGER readmodel_instructions_upd;
-- +goose StatementEnd
-- +goose StatementBegin
DROP TRIGGER readmodel_instructions_ins;
-- +goose StatementEnd
-- +goose StatementBegin
DROP TRIGGER readmodel_assignments_upd;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER readmodel_assignments_upd AFTER UPDATE OF id, measure_id, unit_id, role, signed_at, created_at ON assignments BEGIN
    INSERT INTO readmodel_dirty (assignment_id) SELECT OLD.id WHERE NOT EXISTS (SELECT 1 FROM readmodel_dirty WHERE assignment_id = OLD.id);
    INSERT INTO readmodel_dirty (assignment_id) SELECT NEW.id WHERE NOT EXISTS (SELECT 1 FROM readmodel_dirty WHERE assignment_id = NEW.id);
END;
-- +goose StatementEnd
