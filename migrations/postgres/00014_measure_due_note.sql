-- +goose Up
-- Deadlines per measure (issue #12): due_note keeps the phrase of the plan
-- the due date came from (2015年底前, 完成时限 column), and ongoing marks
-- work without an end (长期坚持, 每季度), whose due_on is the plan's end.
ALTER TABLE measures ADD COLUMN due_note TEXT NOT NULL DEFAULT '';
ALTER TABLE measures ADD COLUMN ongoing BOOLEAN NOT NULL DEFAULT FALSE;

-- +goose Down
ALTER TABLE measures DROP COLUMN ongoing;
ALTER TABLE measures DROP COLUMN due_note;
