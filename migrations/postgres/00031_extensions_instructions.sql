-- +goose Up
-- 延期申请, 领导批示 and the closure history (issue #13).

-- An approved extension moves one assignment's deadline; the measure keeps
-- the plan's original due_on. NULL: the measure's date applies.
ALTER TABLE assignments ADD COLUMN due_on TIMESTAMPTZ;

-- A unit's request for a later deadline of one assignment (whole_measure:
-- the lead unit asks for every assignment of the measure). decided_on is
-- the date the office granted (it may differ from proposed_on).
CREATE TABLE extensions (
    id              BIGSERIAL PRIMARY KEY,
    assignment_id   BIGINT NOT NULL REFERENCES assignments(id) ON DELETE CASCADE,
    measure_id      BIGINT NOT NULL REFERENCES measures(id) ON DELETE CASCADE,
    whole_measure   BOOLEAN NOT NULL DEFAULT FALSE,
    requested_by    BIGINT NOT NULL REFERENCES users(id),
    reason          TEXT    NOT NULL CHECK (reason <> ''),
    original_on     TIMESTAMPTZ    NOT NULL,
    proposed_on     TIMESTAMPTZ    NOT NULL,
    state           TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending','approved','rejected')),
    decided_by      BIGINT REFERENCES users(id),
    decided_at      TIMESTAMPTZ,
    decided_on      TIMESTAMPTZ,
    decision_reason TEXT    NOT NULL DEFAULT '',
    created_at      TIMESTAMPTZ NOT NULL,
    CHECK (state <> 'rejected' OR decision_reason <> ''),
    CHECK (state <> 'approved' OR decided_on IS NOT NULL)
);
CREATE INDEX idx_extensions_measure ON extensions(measure_id);
CREATE INDEX idx_extensions_state ON extensions(state);
-- One open request per assignment.
CREATE UNIQUE INDEX idx_extensions_one_pending ON extensions(assignment_id) WHERE state = 'pending';

-- A leader's or the office's instruction (批示) on a measure or one of its
-- reports, answered once by the lead unit with 落实情况.
CREATE TABLE instructions (
    id          BIGSERIAL PRIMARY KEY,
    measure_id  BIGINT NOT NULL REFERENCES measures(id) ON DELETE CASCADE,
    report_id   BIGINT REFERENCES reports(id) ON DELETE SET NULL,
    author_id   BIGINT NOT NULL REFERENCES users(id),
    body        TEXT    NOT NULL CHECK (body <> ''),
    due_on      TIMESTAMPTZ,
    created_at  TIMESTAMPTZ NOT NULL,
    reply       TEXT    NOT NULL DEFAULT '',
    replied_at  TIMESTAMPTZ,
    replied_by  BIGINT REFERENCES users(id),
    CHECK (replied_at IS NULL OR reply <> '')
);
CREATE INDEX idx_instructions_measure ON instructions(measure_id);

-- The co-units an instruction names besides the lead unit.
CREATE TABLE instruction_units (
    instruction_id BIGINT NOT NULL REFERENCES instructions(id) ON DELETE CASCADE,
    unit_id        BIGINT NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    PRIMARY KEY (instruction_id, unit_id)
);

-- Evidence files of an extension request or an instruction's reply; the
-- files themselves live in the same storage as the reports' evidence.
CREATE TABLE case_files (
    id             BIGSERIAL PRIMARY KEY,
    extension_id   BIGINT REFERENCES extensions(id) ON DELETE CASCADE,
    instruction_id BIGINT REFERENCES instructions(id) ON DELETE CASCADE,
    name           TEXT    NOT NULL,
    content_type   TEXT    NOT NULL,
    size           BIGINT NOT NULL CHECK (size > 0),
    sha256         TEXT    NOT NULL,
    storage_key    TEXT    NOT NULL UNIQUE,
    uploaded_by    BIGINT REFERENCES users(id),
    created_at     TIMESTAMPTZ NOT NULL,
    CHECK ((extension_id IS NULL) <> (instruction_id IS NULL))
);
CREATE INDEX idx_case_files_extension ON case_files(extension_id);
CREATE INDEX idx_case_files_instruction ON case_files(instruction_id);

-- 办结 and reopen, one row each, so a measure's record is read from a
-- table rather than the audit log. Measures closed before this table
-- existed get their close row.
CREATE TABLE measure_closures (
    id         BIGSERIAL PRIMARY KEY,
    measure_id BIGINT NOT NULL REFERENCES measures(id) ON DELETE CASCADE,
    action     TEXT    NOT NULL CHECK (action IN ('close','reopen')),
    at         TIMESTAMPTZ NOT NULL,
    actor_id   BIGINT REFERENCES users(id),
    note       TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX idx_measure_closures_measure ON measure_closures(measure_id);
INSERT INTO measure_closures (measure_id, action, at, actor_id, note)
    SELECT id, 'close', closed_at, closed_by, closed_note FROM measures WHERE closed_at IS NOT NULL;

-- +goose Down
DROP TABLE measure_closures;
DROP TABLE case_files;
DROP TABLE instruction_units;
DROP TABLE instructions;
DROP TABLE extensions;
ALTER TABLE assignments DROP COLUMN due_on;
