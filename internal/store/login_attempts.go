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

// LoginHistory is what the login limits (auth.JudgeLogin) weigh: the failed
// logins since a moment, oldest first. Attempts are recorded when their
// outcome is known, never while the password is being checked.
type LoginHistory struct {
	// PairFailures are the failures of this account from this address,
	// since the pair's last successful login.
	PairFailures []time.Time
	// AddrFailures are the failures from this address, whatever account.
	AddrFailures []time.Time
	// AccountFailures counts the failures of this account from any address.
	AccountFailures int64
}

// LoginHistory reads the failed logins of username (as typed) and addr since
// since.
func (s *Store) LoginHistory(ctx context.Context, username, addr string, since time.Time) (LoginHistory, error) {
	username = truncateRunes(username, 150)
	since = since.UTC()
	var h LoginHistory
	var pair []model.LoginAttempt
	q := s.r(ctx)
	if err := q.Where("username = ? AND client_addr = ? AND at >= ?", username, addr, since).
		Order("at, id").Find(&pair).Error; err != nil {
		return h, translate(err, "read login attempts")
	}
	for _, a := range pair {
		if a.Success {
			h.PairFailures = h.PairFailures[:0]
		} else {
			h.PairFailures = append(h.PairFailures, a.At)
		}
	}
	if err := q.Model(&model.LoginAttempt{}).Where("client_addr = ? AND success = ? AND at >= ?", addr, false, since).
		Order("at").Pluck("at", &h.AddrFailures).Error; err != nil {
		return h, translate(err, "read login attempts")
	}
	if err := q.Model(&model.LoginAttempt{}).Where("username = ? AND success = ? AND at >= ?", username, false, since).
		Count(&h.AccountFailures).Error; err != nil {
		return h, translate(err, "count login attempts")
	}
	return h, nil
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
