package store

import (
	"context"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"duban/internal/model"
)

// loginAttemptsKept is how long attempts are kept: far longer than any
// throttling window, short enough that the table stays small.
const loginAttemptsKept = 24 * time.Hour

// The counting queries of login throttling; the limits and what counts
// against them are auth's (auth.Logins).

// LoginAttemptsOf lists the recorded attempts of username (as typed) from
// addr since since, oldest first, successes included.
func (s *Store) LoginAttemptsOf(ctx context.Context, username, addr string, since time.Time) ([]model.LoginAttempt, error) {
	var out []model.LoginAttempt
	err := s.r(ctx).Where("username = ? AND client_addr = ? AND at >= ?", truncateRunes(username, 150), addr, since.UTC()).
		Order("at, id").Find(&out).Error
	return out, translate(err, "read login attempts")
}

// FailedLoginsFrom lists the times of the failed logins from addr since
// since, whatever account they named, oldest first.
func (s *Store) FailedLoginsFrom(ctx context.Context, addr string, since time.Time) ([]time.Time, error) {
	var out []time.Time
	err := s.r(ctx).Model(&model.LoginAttempt{}).Where("client_addr = ? AND success = ? AND at >= ?", addr, false, since.UTC()).
		Order("at").Pluck("at", &out).Error
	return out, translate(err, "read login attempts")
}

// CountFailedLogins counts the failed logins of username (as typed) since
// since, from any address.
func (s *Store) CountFailedLogins(ctx context.Context, username string, since time.Time) (int64, error) {
	var n int64
	err := s.r(ctx).Model(&model.LoginAttempt{}).Where("username = ? AND success = ? AND at >= ?", truncateRunes(username, 150), false, since.UTC()).
		Count(&n).Error
	return n, translate(err, "count login attempts")
}

// RecordLoginAttempt stores the outcome of a checked password: a login, or
// the current password given to change it.
func (s *Store) RecordLoginAttempt(ctx context.Context, username, addr string, success bool) error {
	return s.WithTx(ctx, func(ctx context.Context) error { return s.recordLoginAttempt(s.w(ctx), username, addr, success) })
}

func (s *Store) recordLoginAttempt(tx *gorm.DB, username, addr string, success bool) error {
	now := s.clock.Now().UTC()
	row := model.LoginAttempt{Username: truncateRunes(username, 150), ClientAddr: addr, Success: success, At: now}
	if err := tx.Create(&row).Error; err != nil {
		return translate(err, "record login attempt")
	}
	// Clean up now and then rather than in a background job.
	if row.ID%32 == 0 {
		if err := tx.Where("at < ?", now.Add(-loginAttemptsKept)).Delete(&model.LoginAttempt{}).Error; err != nil {
			return translate(err, "clean login attempts")
		}
	}
	return nil
}

// RecordLoginFailure stores a failed login and audits it, in one
// transaction; a names the account as typed, userID is 0 for an unknown one.
func (s *Store) RecordLoginFailure(ctx context.Context, a Actor, userID int64) error {
	return s.WithTx(ctx, func(ctx context.Context) error {
		tx := s.w(ctx)
		if err := s.recordLoginAttempt(tx, a.Username, a.ClientAddr, false); err != nil {
			return err
		}
		return s.Audit(ctx, a, AuditEntry{Action: "login.fail", ObjectType: "user", ObjectID: userID})
	})
}

// RecordLogin completes a successful login: the attempt is stored as a
// success, the user's last login time is set and the login is audited, in
// one transaction.
func (s *Store) RecordLogin(ctx context.Context, a Actor, userID int64) error {
	now := s.clock.Now().UTC()
	return s.WithTx(ctx, func(ctx context.Context) error {
		tx := s.w(ctx)
		if err := s.recordLoginAttempt(tx, a.Username, a.ClientAddr, true); err != nil {
			return err
		}
		if err := tx.Model(&model.User{}).Where("id = ?", userID).Update("last_login_at", now).Error; err != nil {
			return translate(err, "record last login")
		}
		return s.Audit(ctx, a, AuditEntry{Action: "login.ok", ObjectType: "user", ObjectID: userID})
	})
}

// CountLoginAttempts counts the stored attempts (for tests and monitoring).
func (s *Store) CountLoginAttempts(ctx context.Context) (int64, error) {
	var n int64
	err := s.r(ctx).Model(&model.LoginAttempt{}).Count(&n).Error
	return n, translate(err, "count login attempts")
}

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n])
}
