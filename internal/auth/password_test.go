package auth

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestPasswordPolicyAndHashing(t *testing.T) {
	h := NewHasher(2)
	ctx := context.Background()
	tests := []struct {
		name, pw string
		want     error
	}{
		{"short", "abc123", ErrPasswordShort},
		{"common", "Password123", ErrPasswordCommon},
		{"too long", strings.Repeat("x", 129), ErrPasswordLong},
		{"chinese ok", "督办江门二〇一五年", nil},
		{"ok", "correct horse battery", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			enc, err := h.Hash(ctx, tt.pw)
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
