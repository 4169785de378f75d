-- +goose Up
-- Personal access tokens for the JSON API (issue #16). Only the SHA-256 of
-- the secret is kept; the prefix lets its owner recognise it in a list.
CREATE TABLE api_tokens (
    id           BIGSERIAL PRIMARY KEY,
    user_id      BIGINT  NOT NULL REFERENCES users(id),
    name         TEXT    NOT NULL,
    prefix       TEXT    NOT NULL,
    secret_hash  TEXT    NOT NULL,
    read_only    BOOLEAN NOT NULL DEFAULT FALSE,
    expires_at   TIMESTAMPTZ,
    last_used_at TIMESTAMPTZ,
    created_at   TIMESTAMPTZ NOT NULL,
    revoked_at   TIMESTAMPTZ,
    revoked_by   BIGINT REFERENCES users(id)
);
CREATE UNIQUE INDEX ux_api_tokens_secret ON api_tokens(secret_hash);
CREATE INDEX idx_api_tokens_user ON api_tokens(user_id, created_at);

-- +goose Down
DROP TABLE api_tokens;
