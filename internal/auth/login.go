package auth

import (
	"context"
	"errors"
	"time"

	"duban/internal/model"
	"duban/internal/store"
	"duban/internal/validate"
)

// The two forms that check a password: the login and the change of one's
// own password. Both count their guesses against the limits above.

// LoginOutcome is what became of a login attempt.
type LoginOutcome struct {
	// RetryAfter > 0: the attempt was refused by the limits, its password
	// not checked.
	RetryAfter time.Duration
	// User is the account logged in; nil when the name or password was
	// wrong (or the account is disabled).
	User *model.User
}

// Login checks username's password for a client at addr and records the
// outcome. Unknown users and wrong passwords cost the same work (a dummy
// hash is verified) and get the same answer.
func (l *Logins) Login(ctx context.Context, username, password, addr string) (LoginOutcome, error) {
	v, end, err := l.begin(ctx, username, addr)
	if err != nil || v.RetryAfter > 0 {
		return LoginOutcome{RetryAfter: v.RetryAfter}, err
	}
	defer end()
	u, err := l.st.UserByUsername(ctx, username)
	if err != nil && !errors.Is(err, model.ErrNotFound) {
		return LoginOutcome{}, err
	}
	hash := ""
	if err == nil && !u.Disabled {
		hash = u.PasswordHash
	}
	ok, err := l.hasher.Verify(ctx, hash, password)
	if err != nil {
		return LoginOutcome{}, err
	}
	if !ok {
		return LoginOutcome{}, l.st.RecordLoginFailure(ctx, store.Actor{Username: username, ClientAddr: addr}, u.ID)
	}
	return LoginOutcome{User: u}, l.st.RecordLogin(ctx, store.ActorOf(u, addr), u.ID)
}

// ChangePassword changes u's own password after checking the current one,
// and ends every session of u (the caller starts a fresh one). The current
// password is as much a secret as at login: guesses through this form count
// against the same limits, or a stolen session could find it out and lock
// the owner out. It returns the limits' refusal (RetryAfter > 0) or the
// field errors of the form (current, new, confirm).
func (l *Logins) ChangePassword(ctx context.Context, a store.Actor, u *model.User, addr, current, password, confirm string) (time.Duration, validate.Errors, error) {
	v, end, err := l.begin(ctx, u.Username, addr)
	if err != nil || v.RetryAfter > 0 {
		return v.RetryAfter, nil, err
	}
	ok, err := l.hasher.Verify(ctx, u.PasswordHash, current)
	if err == nil {
		err = l.st.RecordLoginAttempt(ctx, u.Username, addr, ok)
	}
	end()
	if err != nil {
		return 0, nil, err
	}
	errs := validate.Errors{}
	if !ok {
		errs.Set("current", "password.err.current")
	}
	if err := l.hasher.Check(password, u.Username, u.DisplayName); err != nil {
		errs.Set("new", PasswordErrorKey(err))
	} else if password == current {
		errs.Set("new", "password.err.same")
	} else if password != confirm {
		errs.Set("confirm", "password.err.mismatch")
	}
	if len(errs) > 0 {
		return 0, errs, nil
	}
	hash, err := l.hasher.Hash(ctx, password, u.Username, u.DisplayName)
	if err != nil {
		return 0, nil, err
	}
	if err := l.st.SetPassword(ctx, a, u.ID, hash); err != nil {
		return 0, nil, err
	}
	return 0, nil, l.st.DeleteUserSessions(ctx, u.ID, "")
}
