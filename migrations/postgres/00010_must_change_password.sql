-- +goose Up
-- After an administrator sets a user's password (a reset, or a new
-- account), the user must choose their own at the next login before doing
-- anything else (issue #14).
ALTER TABLE users ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT FALSE;

-- +goose Down
ALTER TABLE users DROP COLUMN must_change_password;
