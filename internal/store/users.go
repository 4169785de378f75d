package store

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"duban/internal/model"
)

// UserByID loads a user.
func (s *Store) UserByID(ctx context.Context, id int64) (*model.User, error) {
	var u model.User
	err := s.r(ctx).First(&u, id).Error
	return &u, translate(err, fmt.Sprintf("user %d", id))
}

// UserByUsername loads a user by login name.
func (s *Store) UserByUsername(ctx context.Context, username string) (*model.User, error) {
	var u model.User
	err := s.r(ctx).Where("username = ?", username).First(&u).Error
	return &u, translate(err, fmt.Sprintf("user %q", username))
}

// CreateUser inserts a user.
func (s *Store) CreateUser(ctx context.Context, tx *gorm.DB, u *model.User) error {
	if tx == nil {
		tx = s.w(ctx)
	}
	now := s.clock.Now().UTC()
	u.CreatedAt, u.UpdatedAt = now, now
	if u.PasswordChangedAt.IsZero() {
		u.PasswordChangedAt = now
	}
	return translate(tx.Create(u).Error, fmt.Sprintf("create user %q", u.Username))
}

// CountAdmins counts enabled admin accounts.
func (s *Store) CountAdmins(ctx context.Context) (int64, error) {
	var n int64
	err := s.r(ctx).Model(&model.User{}).Where("role = ? AND disabled = ?", model.RoleAdmin, false).Count(&n).Error
	return n, translate(err, "count admins")
}

// CountUsers counts all accounts.
func (s *Store) CountUsers(ctx context.Context) (int64, error) {
	var n int64
	err := s.r(ctx).Model(&model.User{}).Count(&n).Error
	return n, translate(err, "count users")
}

// SetPassword replaces a user's password hash, audited.
func (s *Store) SetPassword(ctx context.Context, a Actor, userID int64, hash string) error {
	now := s.clock.Now().UTC()
	return s.Tx(ctx, func(tx *gorm.DB) error {
		res := tx.Model(&model.User{}).Where("id = ?", userID).
			Updates(map[string]any{"password_hash": hash, "password_changed_at": now, "updated_at": now})
		if res.Error != nil {
			return translate(res.Error, "set password")
		}
		if res.RowsAffected == 0 {
			return fmt.Errorf("set password: %w", model.ErrNotFound)
		}
		return s.Audit(ctx, tx, a, AuditEntry{Action: "user.password", ObjectType: "user", ObjectID: userID})
	})
}

// SetUserDisabled disables or enables an account; disabling ends its
// sessions in the same transaction.
func (s *Store) SetUserDisabled(ctx context.Context, a Actor, userID int64, disabled bool) error {
	return s.Tx(ctx, func(tx *gorm.DB) error {
		res := tx.Model(&model.User{}).Where("id = ?", userID).
			Updates(map[string]any{"disabled": disabled, "updated_at": s.clock.Now().UTC()})
		if res.Error != nil {
			return translate(res.Error, "disable user")
		}
		if res.RowsAffected == 0 {
			return fmt.Errorf("disable user: %w", model.ErrNotFound)
		}
		if disabled {
			if err := tx.Where("user_id = ?", userID).Delete(&model.Session{}).Error; err != nil {
				return translate(err, "end sessions")
			}
		}
		action := "user.enable"
		if disabled {
			action = "user.disable"
		}
		return s.Audit(ctx, tx, a, AuditEntry{Action: action, ObjectType: "user", ObjectID: userID})
	})
}
