package store_test

import (
	"context"
	"testing"
	"time"

	"duban/internal/store"
)

// TestLoginAttemptQueriesOnBothBackends: only recorded outcomes count,
// each query keeps to its pair, address or account, and the window is
// respected.
func TestLoginAttemptQueriesOnBothBackends(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		fail := func(user, addr string) {
			t.Helper()
			if err := b.st.RecordLoginFailure(ctx, store.Actor{Username: user, ClientAddr: addr}, 0); err != nil {
				t.Fatal(err)
			}
		}
		start := b.clk.Now()
		for range 3 {
			fail("duchashi", "192.0.2.1")
			b.clk.Advance(time.Minute)
		}
		fail("duchashi", "192.0.2.2")
		fail("lingdao", "192.0.2.1")
		if err := b.st.RecordLoginAttempt(ctx, "duchashi", "192.0.2.1", true); err != nil {
			t.Fatal(err)
		}
		counts := func(since time.Time) (pair, succeeded, addr int, account int64) {
			t.Helper()
			as, err := b.st.LoginAttemptsOf(ctx, "duchashi", "192.0.2.1", since)
			if err != nil {
				t.Fatal(err)
			}
			for i, a := range as {
				if i > 0 && a.At.Before(as[i-1].At) {
					t.Errorf("attempts out of order: %v after %v", a.At, as[i-1].At)
				}
				if a.Success {
					succeeded++
				}
			}
			if len(as) > 0 && since == start && !as[0].At.Equal(start.UTC()) {
				t.Errorf("oldest pair attempt at %v, want %v", as[0].At, start)
			}
			fromAddr, err := b.st.FailedLoginsFrom(ctx, "192.0.2.1", since)
			if err != nil {
				t.Fatal(err)
			}
			account, err = b.st.CountFailedLogins(ctx, "duchashi", since)
			if err != nil {
				t.Fatal(err)
			}
			return len(as), succeeded, len(fromAddr), account
		}
		if pair, ok, addr, account := counts(start); pair != 4 || ok != 1 || addr != 4 || account != 4 {
			t.Fatalf("history = %d pair attempts (%d successful), %d address, %d account failures; want 4 (1), 4, 4", pair, ok, addr, account)
		}
		// Outside the window nothing counts.
		if pair, _, addr, account := counts(b.clk.Now().Add(time.Second)); pair != 0 || addr != 0 || account != 0 {
			t.Fatalf("a window in the future still sees %d/%d/%d attempts", pair, addr, account)
		}
	})
}
