-- +goose Up
-- Personal access tokens for the JSON API (issue #16). Only the SHA-256 of
-- the secret is kept; the prefix lets its owner recognise it in a list.
CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id      INTEGER NOT NULL REFERENCES users(id),
    name         TEXT    NOT NULL,
    prefix       TEXT    NOT NULL,
    secret_hash  TEXT    NOT NULL,
    read_only    BOOLEAN NOT NULL DEFAULT 0,
    expires_at   DATETIME,
    last_used_at DATETIME,
    created_at   DATETIME NOT NULL,
    revoked_at   DATETIME,
    revoked_by   INTEGER REFERENCES users(id)
);
CREATE UNIQUE INDEX ux_api_tokens_secret ON api_tokens(secret_hash);
CREATE INDEX idx_api_tokens_user ON api_tokens(user_id, created_at);

-- +goose Down
DROP TABLE api_tokens;
