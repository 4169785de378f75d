package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"

	"duban/internal/clock"
	"duban/internal/model"
	"duban/internal/store"
)

// SessionConfig sets the session rules.
type SessionConfig struct {
	Secure   bool          // HTTPS: Secure cookie with the __Host- prefix
	Idle     time.Duration // idle timeout
	Absolute time.Duration // absolute lifetime
	Keys     [][]byte      // signing keys, newest first
}

const userIDKey = "uid"

// SessionStore is a gorilla/sessions Store that keeps sessions in the
// database. The cookie carries only a signed random ID; the row is keyed by
// the ID's SHA-256, so logout, a password change or disabling a user takes
// effect on the server at once.
type SessionStore struct {
	st     *store.Store
	clock  clock.Clock
	cfg    SessionConfig
	codecs []securecookie.Codec
	name   string
}

// NewSessionStore makes the store.
func NewSessionStore(st *store.Store, c clock.Clock, cfg SessionConfig) *SessionStore {
	pairs := make([][]byte, 0, len(cfg.Keys)*2)
	for _, k := range cfg.Keys {
		pairs = append(pairs, k, nil) // sign only: the ID is random and reveals nothing
	}
	codecs := securecookie.CodecsFromPairs(pairs...)
	for _, c := range codecs {
		if sc, ok := c.(*securecookie.SecureCookie); ok {
			sc.MaxAge(int(cfg.Absolute.Seconds()) + 60)
		}
	}
	name := CookieName("duban_session", cfg.Secure)
	return &SessionStore{st: st, clock: c, cfg: cfg, codecs: codecs, name: name}
}

// CookieName is the session cookie's name.
func (s *SessionStore) CookieName() string { return s.name }

// CookieName names a cookie of the portal: over HTTPS with the __Host-
// prefix, which browsers accept only when Secure, path "/" and host-only,
// so a sibling subdomain cannot plant or overwrite it.
func CookieName(base string, secure bool) string {
	if secure {
		return "__Host-" + base
	}
	return base
}

// CSRFCookie is the base name of the CSRF token cookie (echo's CSRF
// middleware); see CookieName.
const CSRFCookie = "duban_csrf"

// CSRFCookieMaxAge is how long a CSRF token cookie lives.
const CSRFCookieMaxAge = 24 * time.Hour

// touchInterval is how much of the idle window may pass before a request
// pushes last_seen_at: often enough that an active user is never timed
// out, rarely enough to spare the writer.
func (s *SessionStore) touchInterval() time.Duration {
	return min(s.cfg.Idle/10, 30*time.Second)
}

func (s *SessionStore) options() *sessions.Options {
	return &sessions.Options{Path: "/", HttpOnly: true, Secure: s.cfg.Secure, SameSite: http.SameSiteLaxMode}
}

func hashID(id string) string {
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:])
}

// Get returns the request's session (cached per request by gorilla).
func (s *SessionStore) Get(r *http.Request, name string) (*sessions.Session, error) {
	return sessions.GetRegistry(r).Get(s, name)
}

// New loads the session named by the cookie, or returns a fresh one. An
// invalid, unknown or expired cookie yields a fresh session, not an error.
func (s *SessionStore) New(r *http.Request, name string) (*sessions.Session, error) {
	sess := sessions.NewSession(s, name)
	sess.Options = s.options()
	sess.IsNew = true
	var id string
	var row *model.Session
	if p, ok := r.Context().Value(visitKey{}).(*visited); ok && p.name == name {
		// Visit read the row already, in the request's one query.
		if p.row == nil {
			return sess, nil
		}
		id, row = p.id, p.row
	} else {
		c, err := r.Cookie(name)
		if err != nil {
			return sess, nil
		}
		if err := securecookie.DecodeMulti(name, c.Value, &id, s.codecs...); err != nil {
			return sess, nil
		}
		row, err = s.st.SessionByHash(r.Context(), hashID(id))
		if err != nil {
			if errors.Is(err, model.ErrNotFound) {
				return sess, nil
			}
			return sess, err
		}
	}
	now := s.clock.Now()
	if now.After(row.ExpiresAt) || now.Sub(row.LastSeenAt) > s.cfg.Idle {
		if err := s.st.DeleteSession(r.Context(), row.IDHash); err != nil {
			return sess, err
		}
		return sess, nil
	}
	if len(row.Data) > 0 {
		var vals map[string]string
		if json.Unmarshal(row.Data, &vals) == nil {
			for k, v := range vals {
				sess.Values[k] = v
			}
		}
	}
	if row.UserID != nil {
		sess.Values[userIDKey] = *row.UserID
	}
	sess.ID = id
	sess.IsNew = false
	// Push the idle deadline once a fraction of the idle window has passed.
	if now.Sub(row.LastSeenAt) >= s.touchInterval() {
		if err := s.st.TouchSession(r.Context(), row.IDHash, now); err != nil {
			return sess, err
		}
	}
	return sess, nil
}

type visitKey struct{}

// visited is the session row Visit read for a request (nil: none), so
// that New does not read it again.
type visited struct {
	name, id string
	row      *model.Session
}

// Visit reads the request's session with its user, the user's unit name,
// the unread count (up to unreadLimit) and, when withStatus, the read
// model's status, in one query (store.VisitByHash). It returns the request
// carrying the row, which the session's later reads through Get and
// Current use instead of querying again: the expiry, idle and touch rules
// stay in New. A request without a valid cookie answers an empty Visit.
func (s *SessionStore) Visit(r *http.Request, unreadLimit int, withStatus bool) (*http.Request, store.Visit, error) {
	c, err := r.Cookie(s.name)
	if err != nil {
		return r, store.Visit{}, nil
	}
	var id string
	if err := securecookie.DecodeMulti(s.name, c.Value, &id, s.codecs...); err != nil {
		return r, store.Visit{}, nil
	}
	v, err := s.st.VisitByHash(r.Context(), hashID(id), unreadLimit, withStatus)
	if err != nil {
		return r, v, fmt.Errorf("load session: %w", err)
	}
	return r.WithContext(context.WithValue(r.Context(), visitKey{}, &visited{name: s.name, id: id, row: v.Session})), v, nil
}

// Save writes the session row and the cookie; MaxAge < 0 deletes both.
func (s *SessionStore) Save(r *http.Request, w http.ResponseWriter, sess *sessions.Session) error {
	ctx := r.Context()
	if sess.Options != nil && sess.Options.MaxAge < 0 {
		if sess.ID != "" {
			if err := s.st.DeleteSession(ctx, hashID(sess.ID)); err != nil {
				return err
			}
		}
		http.SetCookie(w, sessions.NewCookie(sess.Name(), "", &sessions.Options{Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.cfg.Secure, SameSite: http.SameSiteLaxMode}))
		return nil
	}
	now := s.clock.Now().UTC()
	row := &model.Session{LastSeenAt: now, ClientAddr: clientAddrOf(r), UserAgent: truncate(r.UserAgent(), 255)}
	if sess.ID == "" {
		id, err := randomID()
		if err != nil {
			return err
		}
		sess.ID = id
		row.CreatedAt = now
		row.ExpiresAt = now.Add(s.cfg.Absolute)
	} else {
		old, err := s.st.SessionByHash(ctx, hashID(sess.ID))
		if err != nil {
			return err
		}
		row.CreatedAt, row.ExpiresAt = old.CreatedAt, old.ExpiresAt
	}
	row.IDHash = hashID(sess.ID)
	vals := map[string]string{}
	for k, v := range sess.Values {
		ks, ok := k.(string)
		if !ok {
			continue
		}
		switch vv := v.(type) {
		case int64:
			if ks == userIDKey {
				uid := vv
				row.UserID = &uid
			}
		case string:
			vals[ks] = vv
		}
	}
	data, err := json.Marshal(vals)
	if err != nil {
		return err
	}
	row.Data = data
	if err := s.st.SaveSession(ctx, row); err != nil {
		return err
	}
	encoded, err := securecookie.EncodeMulti(sess.Name(), sess.ID, s.codecs...)
	if err != nil {
		return fmt.Errorf("encode session cookie: %w", err)
	}
	http.SetCookie(w, sessions.NewCookie(sess.Name(), encoded, s.options()))
	return nil
}

// Start begins a fresh session for u, replacing any session the request
// carried, and gives the browser a new CSRF token: a new ID and token at
// every login defeat session fixation and a token planted before it.
func (s *SessionStore) Start(w http.ResponseWriter, r *http.Request, u *model.User) error {
	if old, err := s.Get(r, s.name); err == nil && old.ID != "" {
		if err := s.st.DeleteSession(r.Context(), hashID(old.ID)); err != nil {
			return err
		}
	}
	sess := sessions.NewSession(s, s.name)
	sess.Options = s.options()
	sess.IsNew = true
	sess.Values[userIDKey] = u.ID
	if err := s.Save(r, w, sess); err != nil {
		return err
	}
	return s.rotateCSRF(w)
}

// rotateCSRF replaces the CSRF cookie the middleware set for this response
// with a fresh token.
func (s *SessionStore) rotateCSRF(w http.ResponseWriter) error {
	token, err := randomID()
	if err != nil {
		return err
	}
	name := CookieName(CSRFCookie, s.cfg.Secure)
	h := w.Header()
	kept := h.Values("Set-Cookie")[:0:0]
	for _, v := range h.Values("Set-Cookie") {
		if !strings.HasPrefix(v, name+"=") {
			kept = append(kept, v)
		}
	}
	h.Del("Set-Cookie")
	for _, v := range kept {
		h.Add("Set-Cookie", v)
	}
	http.SetCookie(w, &http.Cookie{Name: name, Value: token, Path: "/", HttpOnly: true, Secure: s.cfg.Secure,
		SameSite: http.SameSiteLaxMode, MaxAge: int(CSRFCookieMaxAge.Seconds())})
	return nil
}

// End deletes the request's session and its cookie.
func (s *SessionStore) End(w http.ResponseWriter, r *http.Request) error {
	sess, err := s.Get(r, s.name)
	if err != nil {
		return err
	}
	sess.Options = &sessions.Options{MaxAge: -1}
	return s.Save(r, w, sess)
}

// Current returns the logged-in user's ID and the session's hash, or 0
// when the request has no live session. An error (the database could not
// be read) is not "logged out": the caller answers 500.
func (s *SessionStore) Current(r *http.Request) (int64, string, error) {
	sess, err := s.Get(r, s.name)
	if err != nil {
		return 0, "", fmt.Errorf("load session: %w", err)
	}
	if sess.IsNew {
		return 0, "", nil
	}
	uid, _ := sess.Values[userIDKey].(int64)
	return uid, hashID(sess.ID), nil
}

// Purge deletes the sessions that can no longer be used: past their
// absolute deadline or idle for longer than the idle timeout.
func (s *SessionStore) Purge(ctx context.Context) (int64, error) {
	now := s.clock.Now()
	return s.st.DeleteDeadSessions(ctx, now, now.Add(-s.cfg.Idle))
}

// PurgeEvery purges at once and then every interval until ctx ends,
// logging what it removed and any error.
func (s *SessionStore) PurgeEvery(ctx context.Context, interval time.Duration, log *slog.Logger) {
	clock.Every(ctx, interval, true, "purge sessions", log, func(ctx context.Context) error {
		n, err := s.Purge(ctx)
		if n > 0 {
			log.Info("purged dead sessions", "count", n)
		}
		return err
	})
}

// EndOthers ends every session of userID except the current one.
func (s *SessionStore) EndOthers(ctx context.Context, userID int64, currentHash string) error {
	return s.st.DeleteUserSessions(ctx, userID, currentHash)
}

func randomID() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// truncate makes a request header storable as text: valid UTF-8 without
// NUL bytes, at most n bytes, cut at a character boundary.
func truncate(s string, n int) string {
	s = strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

type clientAddrKey struct{}

// WithClientAddr records the client address (as resolved by the trusted-proxy
// rules) on the request context for the session row and the audit log.
func WithClientAddr(ctx context.Context, addr string) context.Context {
	return context.WithValue(ctx, clientAddrKey{}, addr)
}

// ClientAddr returns the address stored by WithClientAddr.
func ClientAddr(ctx context.Context) string {
	s, _ := ctx.Value(clientAddrKey{}).(string)
	return s
}

func clientAddrOf(r *http.Request) string { return ClientAddr(r.Context()) }

// LoadOrCreateKeys returns the session signing keys: from the configured
// comma-separated hex list, else from DATA_DIR/session.keys (one hex key per
// line, newest first), generating that file on first start. Rotation: put a
// new key on the first line; older lines still verify existing cookies.
func LoadOrCreateKeys(configured, dataDir string) ([][]byte, error) {
	var lines []string
	if configured != "" {
		lines = strings.Split(configured, ",")
	} else {
		path := filepath.Join(dataDir, "session.keys")
		b, err := os.ReadFile(path)
		switch {
		case err == nil:
			lines = strings.Split(string(b), "\n")
		case errors.Is(err, os.ErrNotExist):
			key := securecookie.GenerateRandomKey(32)
			if err := os.MkdirAll(dataDir, 0o750); err != nil {
				return nil, err
			}
			if err := os.WriteFile(path, []byte(hex.EncodeToString(key)+"\n"), 0o600); err != nil {
				return nil, fmt.Errorf("write session key: %w", err)
			}
			return [][]byte{key}, nil
		default:
			return nil, fmt.Errorf("read session keys: %w", err)
		}
	}
	var keys [][]byte
	for _, l := range lines {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		k, err := hex.DecodeString(l)
		if err != nil || len(k) < 32 {
			return nil, errors.New("session keys must be hex strings of at least 32 bytes")
		}
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return nil, errors.New("no session key configured")
	}
	return keys, nil
}
