-- +goose Up
-- The read model follows extensions and instructions: an approved extension
-- moves assignments.due_on, and a leader's instruction with a reply date is
-- a fact of the measure's lead assignment (its light turns red when the
-- reply is overdue). The triggers list those assignments in readmodel_dirty
-- like the others of 00015.

DROP TRIGGER readmodel_assignments ON assignments;
CREATE TRIGGER readmodel_assignments AFTER INSERT OR DELETE OR UPDATE OF id, measure_id, unit_id, role, signed_at, created_at, due_on ON assignments
    FOR EACH ROW EXECUTE FUNCTION readmodel_mark_assignments();

-- +goose StatementBegin
CREATE FUNCTION readmodel_mark_instructions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        INSERT INTO readmodel_dirty (assignment_id) SELECT id FROM assignments WHERE measure_id = OLD.measure_id AND role = 'lead' ON CONFLICT DO NOTHING;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO readmodel_dirty (assignment_id) SELECT id FROM assignments WHERE measure_id = NEW.measure_id AND role = 'lead' ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER readmodel_instructions AFTER INSERT OR DELETE OR UPDATE OF measure_id, due_on, replied_at ON instructions
    FOR EACH ROW EXECUTE FUNCTION readmodel_mark_instructions();

-- +goose Down
DROP TRIGGER readmodel_instructions ON instructions;
DROP FUNCTION readmodel_mark_instructions();
DROP TRIGGER readmodel_assignments ON assignments;
CREATE TRIGGER readmodel_assignments AFTER INSERT OR DELETE OR UPDATE OF id, measure_id, unit_id, role, signed_at, created_at ON assignments
    FOR EACH ROW EXECUTE FUNCTION readmodel_mark_assignments();
