package store

import (
	"context"
	"fmt"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"duban/internal/db"
	"duban/internal/model"
)

// loginAttemptsKept is how long attempts are kept: far longer than any
// throttling window, short enough that the table stays small.
const loginAttemptsKept = 24 * time.Hour

// BeginLoginAttempt is called before a password is checked. When the account
// (username as typed) or the client address already has max failed attempts
// within window, it records nothing and returns how long until the oldest of
// them leaves the window (retryAfter > 0). Otherwise it records the attempt
// as failed and returns its ID, which MarkLoginSucceeded flips on success.
// Recording before checking, inside one serialised transaction, means
// parallel guesses cannot slip past the limit. An account's failures before
// its last successful login do not count against it.
func (s *Store) BeginLoginAttempt(ctx context.Context, username, addr string, max int, window time.Duration) (id int64, retryAfter time.Duration, err error) {
	username = truncateRunes(username, 150)
	now := s.clock.Now().UTC()
	since := now.Add(-window)
	err = s.Tx(ctx, func(tx *gorm.DB) error {
		if s.db.Dialect == db.Postgres {
			if err := tx.Exec("SELECT pg_advisory_xact_lock(7423002)").Error; err != nil {
				return fmt.Errorf("login attempt lock: %w", err)
			}
		}
		var byUser []model.LoginAttempt
		if err := tx.Where("username = ? AND at >= ?", username, since).Order("at, id").Find(&byUser).Error; err != nil {
			return translate(err, "read login attempts")
		}
		var userFails []time.Time
		for _, a := range byUser {
			if a.Success {
				userFails = userFails[:0]
			} else {
				userFails = append(userFails, a.At)
			}
		}
		var addrFails []time.Time
		if err := tx.Model(&model.LoginAttempt{}).Where("client_addr = ? AND success = ? AND at >= ?", addr, false, since).
			Order("at").Pluck("at", &addrFails).Error; err != nil {
			return translate(err, "read login attempts")
		}
		for _, fails := range [][]time.Time{userFails, addrFails} {
			if len(fails) >= max {
				wait := fails[len(fails)-max].Add(window).Sub(now)
				retryAfter = maxDuration(retryAfter, wait)
			}
		}
		if retryAfter > 0 {
			retryAfter = maxDuration(retryAfter.Round(time.Second), time.Second)
			return nil
		}
		row := model.LoginAttempt{Username: username, ClientAddr: addr, Success: false, At: now}
		if err := tx.Create(&row).Error; err != nil {
			return translate(err, "record login attempt")
		}
		id = row.ID
		// Clean up now and then rather than in a background job.
		if id%32 == 0 {
			if err := tx.Where("at < ?", now.Add(-loginAttemptsKept)).Delete(&model.LoginAttempt{}).Error; err != nil {
				return translate(err, "clean login attempts")
			}
		}
		return nil
	})
	return id, retryAfter, err
}

// RecordLogin completes a successful login: the attempt counts as a
// success, the user's last login time is set and the login is audited, in
// one transaction.
func (s *Store) RecordLogin(ctx context.Context, a Actor, userID, attemptID int64) error {
	now := s.clock.Now().UTC()
	return s.Tx(ctx, func(tx *gorm.DB) error {
		if attemptID != 0 {
			if err := tx.Model(&model.LoginAttempt{}).Where("id = ?", attemptID).Update("success", true).Error; err != nil {
				return translate(err, "record login attempt")
			}
		}
		if err := tx.Model(&model.User{}).Where("id = ?", userID).Update("last_login_at", now).Error; err != nil {
			return translate(err, "record last login")
		}
		return s.Audit(ctx, tx, a, AuditEntry{Action: "login.ok", ObjectType: "user", ObjectID: userID})
	})
}

// MarkLoginAttemptSucceeded counts an attempt as a success (a password
// checked outside the login form, such as the current password when it is
// changed).
func (s *Store) MarkLoginAttemptSucceeded(ctx context.Context, attemptID int64) error {
	err := s.w(ctx).Model(&model.LoginAttempt{}).Where("id = ?", attemptID).Update("success", true).Error
	return translate(err, "record login attempt")
}

// CountLoginAttempts counts the stored attempts (for tests and monitoring).
func (s *Store) CountLoginAttempts(ctx context.Context) (int64, error) {
	var n int64
	err := s.r(ctx).Model(&model.LoginAttempt{}).Count(&n).Error
	return n, translate(err, "count login attempts")
}

func maxDuration(a, b time.Duration) time.Duration {
	if a > b {
		return a
	}
	return b
}

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n])
}
