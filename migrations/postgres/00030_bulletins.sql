-- +goose Up
-- 督查通报 (issue #13): the office's periodic bulletin on a plan's reporting
-- period. A draft's figures are computed when it is shown; publishing
-- freezes them as JSON, gives the bulletin its number (the year of issue
-- and a sequence within that year) and makes the row immutable.
CREATE TABLE bulletins (
    id           BIGSERIAL PRIMARY KEY,
    plan_id      BIGINT NOT NULL REFERENCES plans(id),
    period_id    BIGINT NOT NULL REFERENCES periods(id),
    period_label TEXT   NOT NULL,
    title        TEXT   NOT NULL,
    praise       TEXT   NOT NULL DEFAULT '',
    criticism    TEXT   NOT NULL DEFAULT '',
    requirements TEXT   NOT NULL DEFAULT '',
    figures      TEXT   NOT NULL DEFAULT '',
    state        TEXT   NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'published')),
    year         INTEGER NOT NULL DEFAULT 0,
    seq          INTEGER NOT NULL DEFAULT 0,
    created_by   BIGINT REFERENCES users(id),
    created_at   TIMESTAMPTZ NOT NULL,
    updated_by   BIGINT REFERENCES users(id),
    updated_at   TIMESTAMPTZ NOT NULL,
    published_by BIGINT REFERENCES users(id),
    published_at TIMESTAMPTZ,
    version      INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX ux_bulletins_number ON bulletins(year, seq) WHERE state = 'published';
CREATE INDEX idx_bulletins_list ON bulletins(state, published_at);
CREATE INDEX idx_bulletins_plan_period ON bulletins(plan_id, period_id);

-- A published bulletin never changes and is never removed.
-- +goose StatementBegin
CREATE FUNCTION bulletins_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.state = 'published' THEN
        RAISE EXCEPTION 'a published bulletin is immutable';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER bulletins_published_guard BEFORE UPDATE OR DELETE ON bulletins
    FOR EACH ROW EXECUTE FUNCTION bulletins_guard();

-- +goose Down
DROP TRIGGER bulletins_published_guard ON bulletins;
DROP FUNCTION bulletins_guard();
DROP TABLE bulletins;
