package store

import (
	"context"
	"time"

	"duban/internal/model"
)

// SessionByHash loads a server-side session by the hash of its ID.
func (s *Store) SessionByHash(ctx context.Context, idHash string) (*model.Session, error) {
	var row model.Session
	err := s.r(ctx).Where("id_hash = ?", idHash).First(&row).Error
	return &row, translate(err, "session")
}

// SaveSession inserts or updates a session row.
func (s *Store) SaveSession(ctx context.Context, row *model.Session) error {
	return translate(s.w(ctx).Save(row).Error, "save session")
}

// TouchSession records activity, pushing the idle deadline.
func (s *Store) TouchSession(ctx context.Context, idHash string, at time.Time) error {
	err := s.w(ctx).Model(&model.Session{}).Where("id_hash = ?", idHash).Update("last_seen_at", at.UTC()).Error
	return translate(err, "touch session")
}

// DeleteSession ends one session.
func (s *Store) DeleteSession(ctx context.Context, idHash string) error {
	return translate(s.w(ctx).Where("id_hash = ?", idHash).Delete(&model.Session{}).Error, "delete session")
}

// DeleteUserSessions ends every session of a user except keepHash (may be "").
func (s *Store) DeleteUserSessions(ctx context.Context, userID int64, keepHash string) error {
	q := s.w(ctx).Where("user_id = ?", userID)
	if keepHash != "" {
		q = q.Where("id_hash <> ?", keepHash)
	}
	return translate(q.Delete(&model.Session{}).Error, "delete user sessions")
}

// DeleteDeadSessions removes the sessions past their absolute deadline
// (expires_at before now) or last seen before idleSince.
func (s *Store) DeleteDeadSessions(ctx context.Context, now, idleSince time.Time) (int64, error) {
	res := s.w(ctx).Where("expires_at < ? OR last_seen_at < ?", now.UTC(), idleSince.UTC()).Delete(&model.Session{})
	return res.RowsAffected, translate(res.Error, "delete dead sessions")
}
