-- +goose Up
-- The whole data model of DESIGN.md ("Data it keeps"). Later changes get new
-- files; a landed migration is never edited.

CREATE TABLE units (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    name         TEXT    NOT NULL UNIQUE,
    kind         TEXT    NOT NULL DEFAULT 'department' CHECK (kind IN ('department','district','company','other')),
    confirmed    BOOLEAN NOT NULL DEFAULT 1,
    sort_order   INTEGER NOT NULL DEFAULT 0,
    created_at   DATETIME NOT NULL,
    updated_at   DATETIME NOT NULL
);

CREATE TABLE unit_aliases (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id    INTEGER NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    alias      TEXT    NOT NULL UNIQUE,
    created_at DATETIME NOT NULL
);
CREATE INDEX idx_unit_aliases_unit ON unit_aliases(unit_id);

CREATE TABLE unit_groups (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT    NOT NULL UNIQUE,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL
);

CREATE TABLE unit_group_members (
    group_id INTEGER NOT NULL REFERENCES unit_groups(id) ON DELETE CASCADE,
    unit_id  INTEGER NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, unit_id)
);

CREATE TABLE users (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    username            TEXT    NOT NULL UNIQUE,
    display_name        TEXT    NOT NULL DEFAULT '',
    password_hash       TEXT    NOT NULL CHECK (password_hash <> ''),
    role                TEXT    NOT NULL CHECK (role IN ('admin','reviewer','unit','viewer')),
    unit_id             INTEGER REFERENCES units(id),
    disabled            BOOLEAN NOT NULL DEFAULT 0,
    demo                BOOLEAN NOT NULL DEFAULT 0,
    password_changed_at DATETIME NOT NULL,
    last_login_at       DATETIME,
    created_at          DATETIME NOT NULL,
    updated_at          DATETIME NOT NULL,
    CHECK ((role = 'unit') = (unit_id IS NOT NULL))
);
CREATE INDEX idx_users_unit ON users(unit_id);

-- Server-side sessions: the cookie carries only a signed random ID; the row
-- holds a hash of it so a database leak does not hand out live sessions.
CREATE TABLE sessions (
    id_hash      TEXT    PRIMARY KEY,
    user_id      INTEGER REFERENCES users(id) ON DELETE CASCADE,
    data         BLOB,
    client_addr  TEXT    NOT NULL DEFAULT '',
    user_agent   TEXT    NOT NULL DEFAULT '',
    created_at   DATETIME NOT NULL,
    last_seen_at DATETIME NOT NULL,
    expires_at   DATETIME NOT NULL
);
CREATE INDEX idx_sessions_user ON sessions(user_id);
CREATE INDEX idx_sessions_expires ON sessions(expires_at);

CREATE TABLE login_attempts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    username    TEXT    NOT NULL,
    client_addr TEXT    NOT NULL,
    success     BOOLEAN NOT NULL,
    at          DATETIME NOT NULL
);
CREATE INDEX idx_login_attempts_user ON login_attempts(username, at);
CREATE INDEX idx_login_attempts_addr ON login_attempts(client_addr, at);

CREATE TABLE settings (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at DATETIME NOT NULL
);

CREATE TABLE plans (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    title          TEXT    NOT NULL,
    issuer         TEXT    NOT NULL DEFAULT '',
    issued_on      TEXT    NOT NULL DEFAULT '',
    start_on       DATE    NOT NULL,
    end_on         DATE    NOT NULL,
    reporting      TEXT    NOT NULL DEFAULT 'quarterly' CHECK (reporting IN ('quarterly','monthly')),
    due_days       INTEGER NOT NULL DEFAULT 5,
    source_text    TEXT    NOT NULL DEFAULT '',
    source_sha256  TEXT    NOT NULL DEFAULT '',
    warnings       TEXT    NOT NULL DEFAULT '[]',
    demo           BOOLEAN NOT NULL DEFAULT 0,
    version        INTEGER NOT NULL DEFAULT 1,
    created_at     DATETIME NOT NULL,
    updated_at     DATETIME NOT NULL
);
CREATE INDEX idx_plans_sha ON plans(source_sha256);

CREATE TABLE domains (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    plan_id      INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    label        TEXT    NOT NULL,
    title        TEXT    NOT NULL,
    goal         TEXT    NOT NULL DEFAULT '',
    source_start INTEGER NOT NULL DEFAULT 0,
    source_end   INTEGER NOT NULL DEFAULT 0,
    UNIQUE (plan_id, position)
);

CREATE TABLE measures (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    plan_id      INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    domain_id    INTEGER NOT NULL REFERENCES domains(id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    label        TEXT    NOT NULL,
    title        TEXT    NOT NULL,
    source_text  TEXT    NOT NULL DEFAULT '',
    source_start INTEGER NOT NULL DEFAULT 0,
    source_end   INTEGER NOT NULL DEFAULT 0,
    due_on       DATE    NOT NULL,
    closed_at    DATETIME,
    closed_by    INTEGER REFERENCES users(id),
    closed_note  TEXT    NOT NULL DEFAULT '',
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   DATETIME NOT NULL,
    updated_at   DATETIME NOT NULL
);
CREATE INDEX idx_measures_plan ON measures(plan_id, position);
CREATE INDEX idx_measures_domain ON measures(domain_id, position);

CREATE TABLE targets (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    measure_id INTEGER NOT NULL REFERENCES measures(id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    text       TEXT    NOT NULL,
    indicator  TEXT    NOT NULL,
    op         TEXT    NOT NULL CHECK (op IN ('>=','>','<=','<','=','~')),
    value      REAL    NOT NULL,
    unit       TEXT    NOT NULL DEFAULT '',
    year       INTEGER NOT NULL
);
CREATE INDEX idx_targets_measure ON targets(measure_id, position);

CREATE TABLE assignments (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    measure_id INTEGER NOT NULL REFERENCES measures(id) ON DELETE CASCADE,
    unit_id    INTEGER NOT NULL REFERENCES units(id),
    role       TEXT    NOT NULL CHECK (role IN ('lead','responsible')),
    signed_at  DATETIME,
    signed_by  INTEGER REFERENCES users(id),
    created_at DATETIME NOT NULL,
    UNIQUE (measure_id, unit_id)
);
CREATE INDEX idx_assignments_unit ON assignments(unit_id);

CREATE TABLE periods (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    plan_id   INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    seq       INTEGER NOT NULL,
    label     TEXT    NOT NULL,
    starts_on DATE    NOT NULL,
    ends_on   DATE    NOT NULL,
    due_on    DATE    NOT NULL,
    UNIQUE (plan_id, seq)
);

CREATE TABLE reports (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    assignment_id  INTEGER NOT NULL REFERENCES assignments(id) ON DELETE CASCADE,
    period_id      INTEGER NOT NULL REFERENCES periods(id) ON DELETE CASCADE,
    state          TEXT    NOT NULL DEFAULT 'draft' CHECK (state IN ('draft','submitted','returned','approved')),
    progress_state TEXT    NOT NULL DEFAULT 'not_started' CHECK (progress_state IN ('not_started','on_track','behind','done')),
    percent        INTEGER NOT NULL DEFAULT 0 CHECK (percent BETWEEN 0 AND 100),
    progress       TEXT    NOT NULL DEFAULT '',
    problems       TEXT    NOT NULL DEFAULT '',
    next_steps     TEXT    NOT NULL DEFAULT '',
    submitted_at   DATETIME,
    submitted_by   INTEGER REFERENCES users(id),
    returned_at    DATETIME,
    approved_at    DATETIME,
    version_no     INTEGER NOT NULL DEFAULT 0,
    lock_version   INTEGER NOT NULL DEFAULT 1,
    created_at     DATETIME NOT NULL,
    updated_at     DATETIME NOT NULL,
    UNIQUE (assignment_id, period_id)
);
CREATE INDEX idx_reports_period ON reports(period_id, state);

-- Every submitted version of a report, frozen as JSON.
CREATE TABLE report_versions (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    report_id    INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    version_no   INTEGER NOT NULL,
    snapshot     TEXT    NOT NULL,
    submitted_at DATETIME NOT NULL,
    submitted_by INTEGER REFERENCES users(id),
    UNIQUE (report_id, version_no)
);

CREATE TABLE target_values (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    target_id INTEGER NOT NULL REFERENCES targets(id) ON DELETE CASCADE,
    value     REAL,
    note      TEXT NOT NULL DEFAULT '',
    UNIQUE (report_id, target_id)
);
CREATE INDEX idx_target_values_target ON target_values(target_id);

CREATE TABLE attachments (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    report_id    INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    name         TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    size         INTEGER NOT NULL CHECK (size > 0),
    sha256       TEXT    NOT NULL,
    storage_key  TEXT    NOT NULL UNIQUE,
    uploaded_by  INTEGER REFERENCES users(id),
    created_at   DATETIME NOT NULL
);
CREATE INDEX idx_attachments_report ON attachments(report_id);

CREATE TABLE reviews (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    report_id   INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    version_no  INTEGER NOT NULL,
    reviewer_id INTEGER NOT NULL REFERENCES users(id),
    decision    TEXT    NOT NULL CHECK (decision IN ('approve','return')),
    reason      TEXT    NOT NULL DEFAULT '',
    created_at  DATETIME NOT NULL,
    CHECK (decision = 'approve' OR reason <> '')
);
CREATE INDEX idx_reviews_report ON reviews(report_id);

-- 催办
CREATE TABLE prompts (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id       INTEGER NOT NULL REFERENCES units(id),
    assignment_id INTEGER REFERENCES assignments(id) ON DELETE CASCADE,
    period_id     INTEGER REFERENCES periods(id) ON DELETE CASCADE,
    sender_id     INTEGER NOT NULL REFERENCES users(id),
    message       TEXT    NOT NULL DEFAULT '',
    created_at    DATETIME NOT NULL,
    resolved_at   DATETIME
);
CREATE INDEX idx_prompts_unit ON prompts(unit_id, resolved_at);

CREATE TABLE notifications (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind        TEXT    NOT NULL,
    object_type TEXT    NOT NULL DEFAULT '',
    object_id   INTEGER NOT NULL DEFAULT 0,
    message     TEXT    NOT NULL DEFAULT '',
    created_at  DATETIME NOT NULL,
    read_at     DATETIME
);
CREATE INDEX idx_notifications_user ON notifications(user_id, read_at);

-- Append-only and hash-chained: each row's hash covers the previous hash.
CREATE TABLE audit_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at          DATETIME NOT NULL,
    actor_id    INTEGER,
    actor_name  TEXT    NOT NULL DEFAULT '',
    role        TEXT    NOT NULL DEFAULT '',
    unit_id     INTEGER,
    client_addr TEXT    NOT NULL DEFAULT '',
    action      TEXT    NOT NULL,
    object_type TEXT    NOT NULL DEFAULT '',
    object_id   INTEGER NOT NULL DEFAULT 0,
    old_value   TEXT    NOT NULL DEFAULT '',
    new_value   TEXT    NOT NULL DEFAULT '',
    prev_hash   TEXT    NOT NULL DEFAULT '',
    hash        TEXT    NOT NULL
);
CREATE INDEX idx_audit_at ON audit_events(at);
CREATE INDEX idx_audit_object ON audit_events(object_type, object_id);

-- +goose StatementBegin
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE audit_events;
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
