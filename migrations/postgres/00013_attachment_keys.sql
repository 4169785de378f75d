-- +goose Up
-- The storage sweep asks which stored files a row still references
-- (issue #14, finding 10); backups list the files by key.
CREATE INDEX idx_attachments_storage_key ON attachments(storage_key);

-- +goose Down
DROP INDEX idx_attachments_storage_key;
