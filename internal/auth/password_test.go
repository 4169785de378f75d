package auth

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestPasswordPolicyAndHashing(t *testing.T) {
	h := NewHasher(2)
	ctx := context.Background()
	tests := []struct {
		name, pw string
		user     []string // username, display name
		want     error
	}{
		{"short", "kx7#mq", nil, ErrPasswordShort},
		{"eleven", "kx7#mq2!vzp", nil, ErrPasswordShort},
		{"common", "Password123", nil, ErrPasswordCommon},
		{"common long", "qwerty123456", nil, ErrPasswordCommon},
		{"common breached", "1qaz2wsx3edc", nil, ErrPasswordCommon},
		{"local list", "5201314520", nil, ErrPasswordCommon},
		{"too long", strings.Repeat("x", 129), nil, ErrPasswordLong},
		{"one character", "aaaaaaaaaaaa", nil, ErrPasswordRepeated},
		{"one Chinese character", "好好好好好好好好好好好好", nil, ErrPasswordRepeated},
		{"spaces", strings.Repeat(" ", 12), nil, ErrPasswordBlank},
		{"whitespace", " \t \t \u3000 \t \t  ", nil, ErrPasswordBlank},
		{"username", "Duchashi-2015-spring", []string{"duchashi", "督查室"}, ErrPasswordUsername},
		{"equal to username", "jiaoyuju2015x", []string{"jiaoyuju2015x"}, ErrPasswordUsername},
		{"keyboard walk", "qwertyuiop[]", nil, ErrPasswordGuessable},
		{"sequence", "abcdefghijkl", nil, ErrPasswordGuessable},
		{"word and digits", "password2015", nil, ErrPasswordGuessable},
		{"portal name", "Jiangmen@2015", nil, ErrPasswordGuessable},
		{"display name", "wangfang1985!", []string{"wf01", "wangfang"}, ErrPasswordGuessable},
		{"chinese ok", "督办江门二〇一五年公共服务", nil, nil},
		{"ok", "correct horse battery", nil, nil},
		{"short username not matched", "ab-harbour-lights-9", []string{"ab"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			enc, err := h.Hash(ctx, tt.pw, tt.user...)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Hash(%q) error = %v, want %v", tt.pw, err, tt.want)
			}
			if tt.want != nil {
				if enc != "" {
					t.Fatal("a refused password still produced a hash")
				}
				return
			}
			if !strings.HasPrefix(enc, "$argon2id$v=19$m=19456,t=2,p=1$") {
				t.Fatalf("hash %q is not argon2id with the expected parameters", enc)
			}
			ok, err := h.Verify(ctx, enc, tt.pw)
			if err != nil || !ok {
				t.Fatalf("Verify(right) = %v, %v", ok, err)
			}
			ok, _ = h.Verify(ctx, enc, tt.pw+"x")
			if ok {
				t.Fatal("Verify accepted a wrong password")
			}
		})
	}
	if ok, _ := h.Verify(ctx, "", "anything1"); ok {
		t.Fatal("empty hash verified")
	}
}

// TestHasherConcurrencyLimit checks that the semaphore holds: with a limit of
// one and the slot taken, hashing and verifying wait, and give up with the
// context's error instead of running a second 19 MiB hash.
func TestHasherConcurrencyLimit(t *testing.T) {
	h := NewHasher(1)
	if err := h.acquire(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := h.Hash(ctx, "correct horse battery"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Hash with the slot taken = %v, want context.DeadlineExceeded", err)
	}
	if _, err := h.Verify(ctx, "", "correct horse battery"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Verify with the slot taken = %v, want context.DeadlineExceeded", err)
	}
	// Once the slot is free, a waiting hash proceeds.
	done := make(chan error, 1)
	go func() {
		_, err := h.Hash(context.Background(), "correct horse battery")
		done <- err
	}()
	select {
	case err := <-done:
		t.Fatalf("Hash ran while the slot was taken (err %v)", err)
	case <-time.After(50 * time.Millisecond):
	}
	h.release()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
