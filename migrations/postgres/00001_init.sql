-- +goose Up
-- The whole data model of DESIGN.md ("Data it keeps"). Later changes get new
-- files; a landed migration is never edited.

CREATE TABLE units (
    id           BIGSERIAL PRIMARY KEY,
    name         TEXT    NOT NULL UNIQUE,
    kind         TEXT    NOT NULL DEFAULT 'department' CHECK (kind IN ('department','district','company','other')),
    confirmed    BOOLEAN NOT NULL DEFAULT TRUE,
    sort_order   INTEGER NOT NULL DEFAULT 0,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);

CREATE TABLE unit_aliases (
    id         BIGSERIAL PRIMARY KEY,
    unit_id    BIGINT NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    alias      TEXT    NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX idx_unit_aliases_unit ON unit_aliases(unit_id);

CREATE TABLE unit_groups (
    id         BIGSERIAL PRIMARY KEY,
    name       TEXT    NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE unit_group_members (
    group_id BIGINT NOT NULL REFERENCES unit_groups(id) ON DELETE CASCADE,
    unit_id  BIGINT NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, unit_id)
);

CREATE TABLE users (
    id                  BIGSERIAL PRIMARY KEY,
    username            TEXT    NOT NULL UNIQUE,
    display_name        TEXT    NOT NULL DEFAULT '',
    password_hash       TEXT    NOT NULL CHECK (password_hash <> ''),
    role                TEXT    NOT NULL CHECK (role IN ('admin','reviewer','unit','viewer')),
    unit_id             BIGINT REFERENCES units(id),
    disabled            BOOLEAN NOT NULL DEFAULT FALSE,
    demo                BOOLEAN NOT NULL DEFAULT FALSE,
    password_changed_at TIMESTAMPTZ NOT NULL,
    last_login_at       TIMESTAMPTZ,
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL,
    CHECK ((role = 'unit') = (unit_id IS NOT NULL))
);
CREATE INDEX idx_users_unit ON users(unit_id);

-- Server-side sessions: the cookie carries only a signed random ID; the row
-- holds a hash of it so a database leak does not hand out live sessions.
CREATE TABLE sessions (
    id_hash      TEXT    PRIMARY KEY,
    user_id      BIGINT REFERENCES users(id) ON DELETE CASCADE,
    data         BYTEA,
    client_addr  TEXT    NOT NULL DEFAULT '',
    user_agent   TEXT    NOT NULL DEFAULT '',
    created_at   TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX idx_sessions_user ON sessions(user_id);
CREATE INDEX idx_sessions_expires ON sessions(expires_at);

CREATE TABLE login_attempts (
    id          BIGSERIAL PRIMARY KEY,
    username    TEXT    NOT NULL,
    client_addr TEXT    NOT NULL,
    success     BOOLEAN NOT NULL,
    at          TIMESTAMPTZ NOT NULL
);
CREATE INDEX idx_login_attempts_user ON login_attempts(username, at);
CREATE INDEX idx_login_attempts_addr ON login_attempts(client_addr, at);

CREATE TABLE settings (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE plans (
    id             BIGSERIAL PRIMARY KEY,
    title          TEXT    NOT NULL,
    issuer         TEXT    NOT NULL DEFAULT '',
    issued_on      TEXT    NOT NULL DEFAULT '',
    start_on       TIMESTAMPTZ NOT NULL,
    end_on         TIMESTAMPTZ NOT NULL,
    reporting      TEXT    NOT NULL DEFAULT 'quarterly' CHECK (reporting IN ('quarterly','monthly')),
    due_days       INTEGER NOT NULL DEFAULT 5,
    source_text    TEXT    NOT NULL DEFAULT '',
    source_sha256  TEXT    NOT NULL DEFAULT '',
    warnings       TEXT    NOT NULL DEFAULT '[]',
    demo           BOOLEAN NOT NULL DEFAULT FALSE,
    version        INTEGER NOT NULL DEFAULT 1,
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX idx_plans_sha ON plans(source_sha256);

CREATE TABLE domains (
    id           BIGSERIAL PRIMARY KEY,
    plan_id      BIGINT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    label        TEXT    NOT NULL,
    title        TEXT    NOT NULL,
    goal         TEXT    NOT NULL DEFAULT '',
    source_start INTEGER NOT NULL DEFAULT 0,
    source_end   INTEGER NOT NULL DEFAULT 0,
    UNIQUE (plan_id, position)
);

CREATE TABLE measures (
    id           BIGSERIAL PRIMARY KEY,
    plan_id      BIGINT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    domain_id    BIGINT NOT NULL REFERENCES domains(id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    label        TEXT    NOT NULL,
    title        TEXT    NOT NULL,
    source_text  TEXT    NOT NULL DEFAULT '',
    source_start INTEGER NOT NULL DEFAULT 0,
    source_end   INTEGER NOT NULL DEFAULT 0,
    due_on       TIMESTAMPTZ NOT NULL,
    closed_at    TIMESTAMPTZ,
    closed_by    BIGINT REFERENCES users(id),
    closed_note  TEXT    NOT NULL DEFAULT '',
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX idx_measures_plan ON measures(plan_id, position);
CREATE INDEX idx_measures_domain ON measures(domain_id, position);

CREATE TABLE targets (
    id         BIGSERIAL PRIMARY KEY,
    measure_id BIGINT NOT NULL REFERENCES measures(id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    text       TEXT    NOT NULL,
    indicator  TEXT    NOT NULL,
    op         TEXT    NOT NULL CHECK (op IN ('>=','>','<=','<','=','~')),
    value      DOUBLE PRECISION    NOT NULL,
    unit       TEXT    NOT NULL DEFAULT '',
    year       INTEGER NOT NULL
);
CREATE INDEX idx_targets_measure ON targets(measure_id, position);

CREATE TABLE assignments (
    id         BIGSERIAL PRIMARY KEY,
    measure_id BIGINT NOT NULL REFERENCES measures(id) ON DELETE CASCADE,
    unit_id    BIGINT NOT NULL REFERENCES units(id),
    role       TEXT    NOT NULL CHECK (role IN ('lead','responsible')),
    signed_at  TIMESTAMPTZ,
    signed_by  BIGINT REFERENCES users(id),
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (measure_id, unit_id)
);
CREATE INDEX idx_assignments_unit ON assignments(unit_id);

CREATE TABLE periods (
    id        BIGSERIAL PRIMARY KEY,
    plan_id   BIGINT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    seq       INTEGER NOT NULL,
    label     TEXT    NOT NULL,
    starts_on TIMESTAMPTZ NOT NULL,
    ends_on   TIMESTAMPTZ NOT NULL,
    due_on    TIMESTAMPTZ NOT NULL,
    UNIQUE (plan_id, seq)
);

CREATE TABLE reports (
    id             BIGSERIAL PRIMARY KEY,
    assignment_id  BIGINT NOT NULL REFERENCES assignments(id) ON DELETE CASCADE,
    period_id      BIGINT NOT NULL REFERENCES periods(id) ON DELETE CASCADE,
    state          TEXT    NOT NULL DEFAULT 'draft' CHECK (state IN ('draft','submitted','returned','approved')),
    progress_state TEXT    NOT NULL DEFAULT 'not_started' CHECK (progress_state IN ('not_started','on_track','behind','done')),
    percent        INTEGER NOT NULL DEFAULT 0 CHECK (percent BETWEEN 0 AND 100),
    progress       TEXT    NOT NULL DEFAULT '',
    problems       TEXT    NOT NULL DEFAULT '',
    next_steps     TEXT    NOT NULL DEFAULT '',
    submitted_at   TIMESTAMPTZ,
    submitted_by   BIGINT REFERENCES users(id),
    returned_at    TIMESTAMPTZ,
    approved_at    TIMESTAMPTZ,
    version_no     INTEGER NOT NULL DEFAULT 0,
    lock_version   INTEGER NOT NULL DEFAULT 1,
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL,
    UNIQUE (assignment_id, period_id)
);
CREATE INDEX idx_reports_period ON reports(period_id, state);

-- Every submitted version of a report, frozen as JSON.
CREATE TABLE report_versions (
    id           BIGSERIAL PRIMARY KEY,
    report_id    BIGINT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    version_no   INTEGER NOT NULL,
    snapshot     TEXT    NOT NULL,
    submitted_at TIMESTAMPTZ NOT NULL,
    submitted_by BIGINT REFERENCES users(id),
    UNIQUE (report_id, version_no)
);

CREATE TABLE target_values (
    id        BIGSERIAL PRIMARY KEY,
    report_id BIGINT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    target_id BIGINT NOT NULL REFERENCES targets(id) ON DELETE CASCADE,
    value     DOUBLE PRECISION,
    note      TEXT NOT NULL DEFAULT '',
    UNIQUE (report_id, target_id)
);
CREATE INDEX idx_target_values_target ON target_values(target_id);

CREATE TABLE attachments (
    id           BIGSERIAL PRIMARY KEY,
    report_id    BIGINT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    name         TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    size         INTEGER NOT NULL CHECK (size > 0),
    sha256       TEXT    NOT NULL,
    storage_key  TEXT    NOT NULL UNIQUE,
    uploaded_by  BIGINT REFERENCES users(id),
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX idx_attachments_report ON attachments(report_id);

CREATE TABLE reviews (
    id          BIGSERIAL PRIMARY KEY,
    report_id   BIGINT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    version_no  INTEGER NOT NULL,
    reviewer_id BIGINT NOT NULL REFERENCES users(id),
    decision    TEXT    NOT NULL CHECK (decision IN ('approve','return')),
    reason      TEXT    NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ NOT NULL,
    CHECK (decision = 'approve' OR reason <> '')
);
CREATE INDEX idx_reviews_report ON reviews(report_id);

-- 催办
CREATE TABLE prompts (
    id            BIGSERIAL PRIMARY KEY,
    unit_id       BIGINT NOT NULL REFERENCES units(id),
    assignment_id BIGINT REFERENCES assignments(id) ON DELETE CASCADE,
    period_id     BIGINT REFERENCES periods(id) ON DELETE CASCADE,
    sender_id     BIGINT NOT NULL REFERENCES users(id),
    message       TEXT    NOT NULL DEFAULT '',
    created_at    TIMESTAMPTZ NOT NULL,
    resolved_at   TIMESTAMPTZ
);
CREATE INDEX idx_prompts_unit ON prompts(unit_id, resolved_at);

CREATE TABLE notifications (
    id          BIGSERIAL PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind        TEXT    NOT NULL,
    object_type TEXT    NOT NULL DEFAULT '',
    object_id   BIGINT NOT NULL DEFAULT 0,
    message     TEXT    NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ NOT NULL,
    read_at     TIMESTAMPTZ
);
CREATE INDEX idx_notifications_user ON notifications(user_id, read_at);

-- Append-only and hash-chained: each row's hash covers the previous hash.
CREATE TABLE audit_events (
    id          BIGSERIAL PRIMARY KEY,
    at          TIMESTAMPTZ NOT NULL,
    actor_id    BIGINT,
    actor_name  TEXT    NOT NULL DEFAULT '',
    role        TEXT    NOT NULL DEFAULT '',
    unit_id     BIGINT,
    client_addr TEXT    NOT NULL DEFAULT '',
    action      TEXT    NOT NULL,
    object_type TEXT    NOT NULL DEFAULT '',
    object_id   BIGINT NOT NULL DEFAULT 0,
    old_value   TEXT    NOT NULL DEFAULT '',
    new_value   TEXT    NOT NULL DEFAULT '',
    prev_hash   TEXT    NOT NULL DEFAULT '',
    hash        TEXT    NOT NULL
);
CREATE INDEX idx_audit_at ON audit_events(at);
CREATE INDEX idx_audit_object ON audit_events(object_type, object_id);

-- +goose StatementBegin
CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only';
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();

-- +goose Down
DROP TABLE audit_events;
DROP FUNCTION audit_events_append_only();
DROP TABLE notifications;
DROP TABLE prompts;
DROP TABLE reviews;
DROP TABLE attachments;
DROP TABLE target_values;
DROP TABLE report_versions;
DROP TABLE reports;
DROP TABLE periods;
DROP TABLE assignments;
DROP TABLE targets;
DROP TABLE measures;
DROP TABLE domains;
DROP TABLE plans;
DROP TABLE settings;
DROP TABLE login_attempts;
DROP TABLE sessions;
DROP TABLE users;
DROP TABLE unit_group_members;
DROP TABLE unit_groups;
DROP TABLE unit_aliases;
DROP TABLE units;
