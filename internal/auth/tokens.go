package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"duban/internal/clock"
	"duban/internal/model"
	"duban/internal/store"
	"duban/internal/validate"
)

// TokenPrefix starts every API token, so a secret pasted in the wrong
// place (a log, a chat) is recognisable.
const TokenPrefix = "dbn_"

// Limits of personal access tokens.
const (
	MaxTokenNameRunes = 100
	MaxTokenDays      = 366
	// shownPrefix is how many characters of a secret the lists show.
	shownPrefix = len(TokenPrefix) + 8
	// touchEvery bounds the last-used writes: at most one a minute per
	// token, not one per request.
	touchEvery = time.Minute
)

// ErrBadToken is a token that is unknown, revoked, expired or whose user
// is disabled: the API answers 401 without saying which.
var ErrBadToken = errors.New("invalid api token")

// Tokens creates, checks and revokes personal access tokens.
type Tokens struct {
	st  *store.Store
	clk clock.Clock

	mu      sync.Mutex
	touched map[int64]time.Time // token ID → last recorded use or expired-use audit
}

// NewTokens makes the token service.
func NewTokens(st *store.Store, clk clock.Clock) *Tokens {
	return &Tokens{st: st, clk: clk, touched: map[int64]time.Time{}}
}

// NewToken is what a user asks for.
type NewToken struct {
	Name     string
	ReadOnly bool
	Days     int // 0: never expires
}

// Validate checks the request (field → catalog key).
func (n NewToken) Validate() validate.Errors {
	errs := validate.Errors{}
	name := strings.TrimSpace(n.Name)
	switch {
	case name == "":
		errs.Set("name", "token.err.name_required")
	case utf8.RuneCountInString(name) > MaxTokenNameRunes:
		errs.Set("name", "token.err.name_too_long")
	}
	if n.Days < 0 || n.Days > MaxTokenDays {
		errs.Set("expires", "token.err.expires")
	}
	return errs
}

// HashToken is the stored form of a secret.
func HashToken(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// Create makes a token for userID and returns its secret, which is shown
// once and never stored.
func (t *Tokens) Create(ctx context.Context, a store.Actor, userID int64, n NewToken) (string, *model.APIToken, error) {
	if err := n.Validate().Err(); err != nil {
		return "", nil, err
	}
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", nil, err
	}
	secret := TokenPrefix + base64.RawURLEncoding.EncodeToString(raw[:])
	now := t.clk.Now().UTC()
	tok := &model.APIToken{UserID: userID, Name: strings.TrimSpace(n.Name), Prefix: secret[:shownPrefix],
		SecretHash: HashToken(secret), ReadOnly: n.ReadOnly, CreatedAt: now}
	if n.Days > 0 {
		exp := now.AddDate(0, 0, n.Days)
		tok.ExpiresAt = &exp
	}
	err := t.st.WithTx(ctx, func(ctx context.Context) error {
		if err := t.st.CreateAPIToken(ctx, tok); err != nil {
			return err
		}
		return t.st.Audit(ctx, a, store.AuditEntry{Action: "token.create", ObjectType: "api_token", ObjectID: tok.ID,
			New: map[string]any{"user_id": userID, "name": tok.Name, "prefix": tok.Prefix, "read_only": tok.ReadOnly, "expires_at": tok.ExpiresAt}})
	})
	if err != nil {
		return "", nil, fmt.Errorf("create token: %w", err)
	}
	return secret, tok, nil
}

// Authenticate finds the user of a secret. Use of an expired token is
// audited (at most once a minute per token); the last use is recorded at
// most once a minute per token.
func (t *Tokens) Authenticate(ctx context.Context, secret, addr string) (*model.User, *model.APIToken, error) {
	if !strings.HasPrefix(secret, TokenPrefix) || len(secret) > 100 {
		return nil, nil, ErrBadToken
	}
	tok, err := t.st.APITokenByHash(ctx, HashToken(secret))
	if errors.Is(err, model.ErrNotFound) {
		return nil, nil, ErrBadToken
	}
	if err != nil {
		return nil, nil, err
	}
	now := t.clk.Now()
	if tok.RevokedAt != nil {
		return nil, nil, ErrBadToken
	}
	u, err := t.st.UserByID(ctx, tok.UserID)
	if err != nil {
		return nil, nil, err
	}
	if !tok.Active(now) {
		if t.due(tok.ID, now) {
			err := t.st.Audit(ctx, store.ActorOf(u, addr), store.AuditEntry{Action: "token.expired_use",
				ObjectType: "api_token", ObjectID: tok.ID, New: map[string]any{"prefix": tok.Prefix, "expires_at": tok.ExpiresAt}})
			if err != nil {
				return nil, nil, err
			}
		}
		return nil, nil, ErrBadToken
	}
	if u.Disabled {
		return nil, nil, ErrBadToken
	}
	if t.due(tok.ID, now) {
		if err := t.st.TouchAPIToken(ctx, tok.ID, now); err != nil {
			return nil, nil, err
		}
	}
	return u, tok, nil
}

// due reports whether a minute has passed since the token's last recorded
// use, and if so counts this one as recorded.
func (t *Tokens) due(id int64, now time.Time) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if last, ok := t.touched[id]; ok && now.Sub(last) < touchEvery && !now.Before(last) {
		return false
	}
	t.touched[id] = now
	return true
}

// Revoke ends a token. Its owner may revoke it, and an admin any token;
// for anyone else it does not exist.
func (t *Tokens) Revoke(ctx context.Context, a store.Actor, id int64) error {
	return t.st.WithTx(ctx, func(ctx context.Context) error {
		tok, err := t.st.APITokenByID(ctx, id)
		if err != nil {
			return err
		}
		if tok.UserID != a.UserID && a.Role != model.RoleAdmin {
			return model.Refused("api_token", id)
		}
		if tok.RevokedAt != nil {
			return nil
		}
		if err := t.st.RevokeAPIToken(ctx, id, a.UserID, t.clk.Now()); err != nil {
			return err
		}
		return t.st.Audit(ctx, a, store.AuditEntry{Action: "token.revoke", ObjectType: "api_token", ObjectID: id,
			Old: map[string]any{"user_id": tok.UserID, "name": tok.Name, "prefix": tok.Prefix}})
	})
}
