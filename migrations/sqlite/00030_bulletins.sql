-- +goose Up
-- 督查通报 (issue #13): the office's periodic bulletin on a plan's reporting
-- period. A draft's figures are computed when it is shown; publishing
-- freezes them as JSON, gives the bulletin its number (the year of issue
-- and a sequence within that year) and makes the row immutable.
CREATE TABLE bulletins (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    plan_id      INTEGER NOT NULL REFERENCES plans(id),
    period_id    INTEGER NOT NULL REFERENCES periods(id),
    period_label TEXT    NOT NULL,
    title        TEXT    NOT NULL,
    praise       TEXT    NOT NULL DEFAULT '',
    criticism    TEXT    NOT NULL DEFAULT '',
    requirements TEXT    NOT NULL DEFAULT '',
    figures      TEXT    NOT NULL DEFAULT '',
    state        TEXT    NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'published')),
    year         INTEGER NOT NULL DEFAULT 0,
    seq          INTEGER NOT NULL DEFAULT 0,
    created_by   INTEGER REFERENCES users(id),
    created_at   DATETIME NOT NULL,
    updated_by   INTEGER REFERENCES users(id),
    updated_at   DATETIME NOT NULL,
    published_by INTEGER REFERENCES users(id),
    published_at DATETIME,
    version      INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX ux_bulletins_number ON bulletins(year, seq) WHERE state = 'published';
CREATE INDEX idx_bulletins_list ON bulletins(state, published_at);
CREATE INDEX idx_bulletins_plan_period ON bulletins(plan_id, period_id);

-- A published bulletin never changes and is never removed.
-- +goose StatementBegin
CREATE TRIGGER bulletins_published_no_update BEFORE UPDATE ON bulletins
WHEN OLD.state = 'published'
BEGIN
    SELECT RAISE(ABORT, 'a published bulletin is immutable');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER bulletins_published_no_delete BEFORE DELETE ON bulletins
WHEN OLD.state = 'published'
BEGIN
    SELECT RAISE(ABORT, 'a published bulletin is immutable');
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER bulletins_published_no_delete;
DROP TRIGGER bulletins_published_no_update;
DROP TABLE bulletins;
