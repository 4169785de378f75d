package store

import (
	"context"
	"time"

	"duban/internal/model"
)

// APITokenRow is a token with its owner's name, for the admin list.
type APITokenRow struct {
	model.APIToken
	Username string
}

// CreateAPIToken inserts a token.
func (s *Store) CreateAPIToken(ctx context.Context, t *model.APIToken) error {
	return translate(s.w(ctx).Create(t).Error, "create api token")
}

// APITokenByHash loads a token by the hash of its secret.
func (s *Store) APITokenByHash(ctx context.Context, secretHash string) (*model.APIToken, error) {
	var t model.APIToken
	err := s.r(ctx).Where("secret_hash = ?", secretHash).First(&t).Error
	return &t, translate(err, "api token")
}

// APITokenByID loads a token by ID.
func (s *Store) APITokenByID(ctx context.Context, id int64) (*model.APIToken, error) {
	var t model.APIToken
	err := s.r(ctx).First(&t, id).Error
	return &t, translate(err, "api token")
}

// APITokensOfUser lists a user's tokens, newest first.
func (s *Store) APITokensOfUser(ctx context.Context, userID int64) ([]model.APIToken, error) {
	var out []model.APIToken
	err := s.r(ctx).Where("user_id = ?", userID).Order("created_at DESC, id DESC").Find(&out).Error
	return out, translate(err, "api tokens")
}

// ActiveAPITokens lists every token not revoked, newest first, with its
// owner (the admins' list; expired ones are shown as such).
func (s *Store) ActiveAPITokens(ctx context.Context) ([]APITokenRow, error) {
	var out []APITokenRow
	err := s.r(ctx).Table("api_tokens").Select("api_tokens.*, users.username").
		Joins("JOIN users ON users.id = api_tokens.user_id").
		Where("api_tokens.revoked_at IS NULL").Order("api_tokens.created_at DESC, api_tokens.id DESC").Scan(&out).Error
	return out, translate(err, "api tokens")
}

// RevokeAPIToken marks a token revoked; revoking twice is a no-op.
func (s *Store) RevokeAPIToken(ctx context.Context, id, by int64, at time.Time) error {
	var byPtr *int64
	if by != 0 {
		byPtr = &by
	}
	err := s.w(ctx).Model(&model.APIToken{}).Where("id = ? AND revoked_at IS NULL", id).
		Updates(map[string]any{"revoked_at": at.UTC(), "revoked_by": byPtr}).Error
	return translate(err, "revoke api token")
}

// TouchAPIToken records the token's last use.
func (s *Store) TouchAPIToken(ctx context.Context, id int64, at time.Time) error {
	err := s.w(ctx).Model(&model.APIToken{}).Where("id = ?", id).Update("last_used_at", at.UTC()).Error
	return translate(err, "touch api token")
}
