// Package auth holds passwords, sessions and the access policy.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/trustelem/zxcvbn"
	"github.com/trustelem/zxcvbn/frequency"
	"golang.org/x/crypto/argon2"
)

// argon2id parameters: the OWASP minimum (m=19 MiB, t=2, p=1).
const (
	argonMemory  = 19 * 1024
	argonTime    = 2
	argonThreads = 1
	argonKeyLen  = 32
	saltLen      = 16
)

// The password policy (OWASP ASVS 5.0 level 2, V6.2): at least
// MinPasswordLen characters (ASVS asks for 8 and recommends 15; 12 keeps a
// passphrase typeable on a shared office PC), at most MaxPasswordLen, any
// characters allowed and no composition rules, and refused when it is a
// known common or breached password, contains the account name, is one
// character repeated or only whitespace, or is otherwise easy to guess:
// zxcvbn estimates fewer than 10^8 guesses (score below MinPasswordScore)
// counting dictionary words, keyboard walks, sequences, repeats, dates and
// leetspeak, with the account and the portal's own names as known words.
const (
	MinPasswordLen   = 12
	MaxPasswordLen   = 128
	MinPasswordScore = 3
	// zxcvbn's cost grows with the length; past this many characters a
	// password is judged by its beginning.
	scoredPrefix = 64
)

// Password policy errors; each has a catalog key via PasswordErrorKey.
var (
	ErrPasswordShort     = errors.New("password is shorter than 12 characters")
	ErrPasswordLong      = errors.New("password is longer than 128 characters")
	ErrPasswordCommon    = errors.New("password is on the list of common passwords")
	ErrPasswordBlank     = errors.New("password is only whitespace")
	ErrPasswordRepeated  = errors.New("password is one character repeated")
	ErrPasswordUsername  = errors.New("password contains the account name")
	ErrPasswordGuessable = errors.New("password is easy to guess")
)

// siteWords are words an attacker tries first on this portal.
var siteWords = []string{"duban", "jiangmen", "督办", "江门", "admin", "password"}

// common-passwords.txt adds passwords common in Chinese offices (pinyin,
// 520/1314, the portal's own name) to zxcvbn's list of the 30,000 most
// frequent passwords of public breaches.
//
//go:embed common-passwords.txt
var commonPasswordsText string

// Hasher hashes and checks passwords with argon2id. Each hash takes 19 MiB,
// so a semaphore bounds how many run at once: a login flood queues instead of
// exhausting memory.
type Hasher struct {
	sem    chan struct{}
	common map[string]bool
	dummy  string
	// ready is closed once common and dummy are set: NewHasher prepares
	// them in the background (a list of tens of thousands of passwords and
	// a real hash, a few hundred ms on a loaded machine), so the portal
	// listens without waiting for them; only a login or a password change
	// waits.
	ready chan struct{}
}

// NewHasher allows at most concurrency hashes at a time.
func NewHasher(concurrency int) *Hasher {
	h := &Hasher{sem: make(chan struct{}, max(1, concurrency)), common: map[string]bool{}, ready: make(chan struct{})}
	go func() {
		defer close(h.ready)
		for _, l := range frequency.FrequencyLists["passwords"] {
			h.common[l] = true
		}
		for _, l := range strings.Split(commonPasswordsText, "\n") {
			if l = strings.TrimSpace(l); l != "" {
				h.common[strings.ToLower(l)] = true
			}
		}
		// A real hash of a random password, checked when a username is
		// unknown so that unknown users and wrong passwords take the same
		// time.
		var b [16]byte
		_, _ = rand.Read(b[:])
		h.dummy = h.encode(string(b[:]))
	}()
	return h
}

// Check validates a new password against the policy. userInputs are the
// account's own words (username, display name): a password containing the
// username is refused, and all of them count as easy guesses.
func (h *Hasher) Check(password string, userInputs ...string) error {
	<-h.ready
	n := utf8.RuneCountInString(password)
	lower := strings.ToLower(password)
	switch {
	case n > MaxPasswordLen:
		return ErrPasswordLong
	case strings.TrimSpace(password) == "":
		return ErrPasswordBlank
	case h.common[lower] || h.common[strings.TrimSpace(lower)]:
		return ErrPasswordCommon
	case n < MinPasswordLen:
		return ErrPasswordShort
	case oneRune(password):
		return ErrPasswordRepeated
	}
	if len(userInputs) > 0 {
		if name := strings.ToLower(strings.TrimSpace(userInputs[0])); len(name) >= 3 && strings.Contains(lower, name) {
			return ErrPasswordUsername
		}
	}
	scored := password
	if n > scoredPrefix {
		scored = string([]rune(password)[:scoredPrefix])
	}
	words := append(append([]string{}, siteWords...), userInputs...)
	if zxcvbn.PasswordStrength(scored, words).Score < MinPasswordScore {
		return ErrPasswordGuessable
	}
	return nil
}

func oneRune(s string) bool {
	first, _ := utf8.DecodeRuneInString(s)
	for _, r := range s {
		if r != first {
			return false
		}
	}
	return true
}

// PasswordErrorKey returns the catalog key for a policy error.
func PasswordErrorKey(err error) string {
	switch {
	case errors.Is(err, ErrPasswordShort):
		return "password.err.short"
	case errors.Is(err, ErrPasswordLong):
		return "password.err.long"
	case errors.Is(err, ErrPasswordCommon):
		return "password.err.common"
	case errors.Is(err, ErrPasswordBlank):
		return "password.err.blank"
	case errors.Is(err, ErrPasswordRepeated):
		return "password.err.repeated"
	case errors.Is(err, ErrPasswordUsername):
		return "password.err.username"
	case errors.Is(err, ErrPasswordGuessable):
		return "password.err.guessable"
	}
	return "password.err.invalid"
}

// Hash checks the policy (see Check for userInputs) and returns a
// PHC-format argon2id hash.
func (h *Hasher) Hash(ctx context.Context, password string, userInputs ...string) (string, error) {
	if err := h.Check(password, userInputs...); err != nil {
		return "", err
	}
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	defer h.release()
	return h.encode(password), nil
}

func (h *Hasher) encode(password string) string {
	salt := make([]byte, saltLen)
	_, _ = rand.Read(salt)
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

// Verify reports whether password matches encoded. An empty encoded hash
// (unknown user) is checked against a dummy hash so it costs the same time.
func (h *Hasher) Verify(ctx context.Context, encoded, password string) (bool, error) {
	// Both answers wait for the dummy hash, so they take the same time
	// even right after the start.
	select {
	case <-h.ready:
	case <-ctx.Done():
		return false, ctx.Err()
	}
	if err := h.acquire(ctx); err != nil {
		return false, err
	}
	defer h.release()
	if encoded == "" {
		_, _ = verify(h.dummy, password)
		return false, nil
	}
	return verify(encoded, password)
}

func verify(encoded, password string) (bool, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errors.New("unknown password hash format")
	}
	var m uint32
	var t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false, fmt.Errorf("password hash parameters: %w", err)
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return false, fmt.Errorf("password hash salt: %w", err)
	}
	want, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil {
		return false, fmt.Errorf("password hash: %w", err)
	}
	got := argon2.IDKey([]byte(password), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

func (h *Hasher) acquire(ctx context.Context) error {
	select {
	case h.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (h *Hasher) release() { <-h.sem }
