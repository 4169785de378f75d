package store

import (
	"context"
	"fmt"
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

// EndUserSessions ends every session of a user, audited, and returns how
// many there were.
func (s *Store) EndUserSessions(ctx context.Context, a Actor, userID int64) (int64, error) {
	var n int64
	err := s.WithTx(ctx, func(ctx context.Context) error {
		tx := s.w(ctx)
		var u model.User
		if err := tx.First(&u, userID).Error; err != nil {
			return translate(err, fmt.Sprintf("user %d", userID))
		}
		res := tx.Where("user_id = ?", userID).Delete(&model.Session{})
		if res.Error != nil {
			return translate(res.Error, "end sessions")
		}
		n = res.RowsAffected
		return s.Audit(ctx, a, AuditEntry{Action: "user.sessions_end", ObjectType: "user", ObjectID: userID,
			New: map[string]any{"sessions": n}})
	})
	return n, err
}

// UserSessions lists a user's live sessions, most recent first.
func (s *Store) UserSessions(ctx context.Context, userID int64, now time.Time) ([]model.Session, error) {
	var out []model.Session
	err := s.r(ctx).Where("user_id = ? AND expires_at > ?", userID, now.UTC()).Order("last_seen_at DESC").Find(&out).Error
	return out, translate(err, "user sessions")
}
