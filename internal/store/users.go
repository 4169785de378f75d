package store

import (
	"context"
	"fmt"
	"strings"
	"time"

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
func (s *Store) CreateUser(ctx context.Context, u *model.User) error {
	tx := s.w(ctx)
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

// SetPassword replaces a user's password hash with one the user chose
// (which clears must_change_password), audited.
func (s *Store) SetPassword(ctx context.Context, a Actor, userID int64, hash string) error {
	now := s.clock.Now().UTC()
	return s.WithTx(ctx, func(ctx context.Context) error {
		tx := s.w(ctx)
		res := tx.Model(&model.User{}).Where("id = ?", userID).
			Updates(map[string]any{"password_hash": hash, "password_changed_at": now, "updated_at": now, "must_change_password": false})
		if res.Error != nil {
			return translate(res.Error, "set password")
		}
		if res.RowsAffected == 0 {
			return fmt.Errorf("set password: %w", model.ErrNotFound)
		}
		return s.Audit(ctx, a, AuditEntry{Action: "user.password", ObjectType: "user", ObjectID: userID})
	})
}

// SetUserDisabled disables or enables an account; disabling ends its
// sessions in the same transaction.
func (s *Store) SetUserDisabled(ctx context.Context, a Actor, userID int64, disabled bool) error {
	return s.WithTx(ctx, func(ctx context.Context) error {
		tx := s.w(ctx)
		var u model.User
		if err := tx.First(&u, userID).Error; err != nil {
			return translate(err, fmt.Sprintf("disable user %d", userID))
		}
		if disabled && u.Role == model.RoleAdmin && !u.Disabled {
			if err := s.keepAnAdmin(tx, userID); err != nil {
				return err
			}
		}
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
		return s.Audit(ctx, a, AuditEntry{Action: action, ObjectType: "user", ObjectID: userID})
	})
}

// ErrLastAdmin refuses to disable or demote the last enabled administrator,
// which would leave nobody able to manage the portal.
var ErrLastAdmin = fmt.Errorf("the last enabled administrator must stay: %w", model.ErrConflict)

// UserRow is a user with their unit's name, for lists.
type UserRow struct {
	model.User
	UnitName string
}

// UserFilter selects users; zero fields do not filter.
type UserFilter struct {
	Q        string // part of the username or display name
	Role     string
	UnitID   int64
	Disabled *bool
}

// ListUsers returns the users matching f, by username.
func (s *Store) ListUsers(ctx context.Context, f UserFilter) ([]UserRow, error) {
	q := s.r(ctx).Table("users").Select("users.*, units.name AS unit_name").
		Joins("LEFT JOIN units ON units.id = users.unit_id")
	if f.Q != "" {
		pat := likePattern(f.Q)
		q = q.Where(`(users.username LIKE ? ESCAPE '\' OR users.display_name LIKE ? ESCAPE '\')`, pat, pat)
	}
	if f.Role != "" {
		q = q.Where("users.role = ?", f.Role)
	}
	if f.UnitID != 0 {
		q = q.Where("users.unit_id = ?", f.UnitID)
	}
	if f.Disabled != nil {
		q = q.Where("users.disabled = ?", *f.Disabled)
	}
	var out []UserRow
	err := q.Order("users.username").Scan(&out).Error
	return out, translate(err, "list users")
}

// AddUser creates a user, audited.
func (s *Store) AddUser(ctx context.Context, a Actor, u *model.User) error {
	return s.WithTx(ctx, func(ctx context.Context) error {
		if err := s.CreateUser(ctx, u); err != nil {
			return err
		}
		return s.Audit(ctx, a, AuditEntry{Action: "user.create", ObjectType: "user", ObjectID: u.ID, New: userAudit(u)})
	})
}

// UserChange is what an administrator may change of an account.
type UserChange struct {
	DisplayName string
	Role        string
	UnitID      *int64 // set for role unit only
}

// UpdateUser changes an account, audited with the old and new values.
func (s *Store) UpdateUser(ctx context.Context, a Actor, id int64, ch UserChange) error {
	return s.WithTx(ctx, func(ctx context.Context) error {
		tx := s.w(ctx)
		var u model.User
		if err := tx.First(&u, id).Error; err != nil {
			return translate(err, fmt.Sprintf("user %d", id))
		}
		old := userAudit(&u)
		if u.Role == model.RoleAdmin && ch.Role != model.RoleAdmin && !u.Disabled {
			if err := s.keepAnAdmin(tx, u.ID); err != nil {
				return err
			}
		}
		res := tx.Model(&model.User{}).Where("id = ?", id).Updates(map[string]any{
			"display_name": ch.DisplayName, "role": ch.Role, "unit_id": ch.UnitID, "updated_at": s.clock.Now().UTC(),
		})
		if res.Error != nil {
			return translate(res.Error, "update user")
		}
		u.DisplayName, u.Role, u.UnitID = ch.DisplayName, ch.Role, ch.UnitID
		return s.Audit(ctx, a, AuditEntry{Action: "user.update", ObjectType: "user", ObjectID: id, Old: old, New: userAudit(&u)})
	})
}

// UpdateProfile changes the fields a user may set on their own account.
func (s *Store) UpdateProfile(ctx context.Context, a Actor, id int64, displayName string) error {
	return s.WithTx(ctx, func(ctx context.Context) error {
		tx := s.w(ctx)
		var u model.User
		if err := tx.First(&u, id).Error; err != nil {
			return translate(err, fmt.Sprintf("user %d", id))
		}
		if err := tx.Model(&model.User{}).Where("id = ?", id).
			Updates(map[string]any{"display_name": displayName, "updated_at": s.clock.Now().UTC()}).Error; err != nil {
			return translate(err, "update profile")
		}
		return s.Audit(ctx, a, AuditEntry{Action: "user.profile", ObjectType: "user", ObjectID: id,
			Old: map[string]any{"display_name": u.DisplayName}, New: map[string]any{"display_name": displayName}})
	})
}

// keepAnAdmin fails with ErrLastAdmin unless an enabled admin other than
// userID exists.
func (s *Store) keepAnAdmin(tx *gorm.DB, userID int64) error {
	var n int64
	if err := tx.Model(&model.User{}).Where("role = ? AND disabled = ? AND id <> ?", model.RoleAdmin, false, userID).
		Count(&n).Error; err != nil {
		return translate(err, "count admins")
	}
	if n == 0 {
		return ErrLastAdmin
	}
	return nil
}

// ResetPassword sets a new password chosen by an administrator and ends all
// of the user's sessions, in one audited transaction; the user must choose
// their own at the next login.
func (s *Store) ResetPassword(ctx context.Context, a Actor, userID int64, hash string) error {
	now := s.clock.Now().UTC()
	return s.WithTx(ctx, func(ctx context.Context) error {
		tx := s.w(ctx)
		res := tx.Model(&model.User{}).Where("id = ?", userID).
			Updates(map[string]any{"password_hash": hash, "password_changed_at": now, "updated_at": now, "must_change_password": true})
		if res.Error != nil {
			return translate(res.Error, "reset password")
		}
		if res.RowsAffected == 0 {
			return fmt.Errorf("reset password: %w", model.ErrNotFound)
		}
		if err := tx.Where("user_id = ?", userID).Delete(&model.Session{}).Error; err != nil {
			return translate(err, "end sessions")
		}
		return s.Audit(ctx, a, AuditEntry{Action: "user.password_reset", ObjectType: "user", ObjectID: userID})
	})
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

// userAudit is what the audit log records of an account (never the hash).
func userAudit(u *model.User) map[string]any {
	return map[string]any{"username": u.Username, "display_name": u.DisplayName, "role": u.Role,
		"unit_id": u.UnitID, "disabled": u.Disabled}
}

// likePattern makes a LIKE pattern matching s anywhere, with LIKE's
// wildcards in s escaped (use with ESCAPE '\').
func likePattern(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(s) + "%"
}

// CreateUsers inserts accounts in batches, filling in their IDs
// (synthetic datasets; no audit entries).
func (s *Store) CreateUsers(ctx context.Context, users []model.User) error {
	// One transaction: all or nothing, and one commit.
	return s.WithTx(ctx, func(ctx context.Context) error {
		return translate(s.w(ctx).CreateInBatches(&users, 500).Error, "create users")
	})
}

// EnableUsers enables the named accounts with a password hash (the load
// tool's synthetic accounts; no audit entries).
func (s *Store) EnableUsers(ctx context.Context, usernames []string, passwordHash string) error {
	err := s.w(ctx).Model(&model.User{}).Where("username IN ?", usernames).
		Updates(map[string]any{"disabled": false, "password_hash": passwordHash}).Error
	return translate(err, "enable users")
}
