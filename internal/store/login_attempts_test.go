package store_test

import (
	"context"
	"testing"
	"time"

	"duban/internal/store"
)

// TestLoginHistoryOnBothBackends: only recorded outcomes count, a success
// clears its own pair only, and the window is respected.
func TestLoginHistoryOnBothBackends(t *testing.T) {
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
		h, err := b.st.LoginHistory(ctx, "duchashi", "192.0.2.1", start)
		if err != nil {
			t.Fatal(err)
		}
		if len(h.PairFailures) != 3 || len(h.AddrFailures) != 4 || h.AccountFailures != 4 {
			t.Fatalf("history = %d pair, %d address, %d account failures; want 3, 4, 4", len(h.PairFailures), len(h.AddrFailures), h.AccountFailures)
		}
		if !h.PairFailures[0].Equal(start.UTC()) {
			t.Errorf("oldest pair failure at %v, want %v", h.PairFailures[0], start)
		}
		// A success of the pair clears the pair, not the address or account.
		if err := b.st.RecordLoginAttempt(ctx, "duchashi", "192.0.2.1", true); err != nil {
			t.Fatal(err)
		}
		h, _ = b.st.LoginHistory(ctx, "duchashi", "192.0.2.1", start)
		if len(h.PairFailures) != 0 || len(h.AddrFailures) != 4 || h.AccountFailures != 4 {
			t.Fatalf("after a success: %d pair, %d address, %d account failures; want 0, 4, 4", len(h.PairFailures), len(h.AddrFailures), h.AccountFailures)
		}
		// Outside the window nothing counts.
		h, _ = b.st.LoginHistory(ctx, "duchashi", "192.0.2.1", b.clk.Now().Add(time.Second))
		if len(h.AddrFailures) != 0 || h.AccountFailures != 0 {
			t.Fatalf("a window in the future still sees %d/%d failures", len(h.AddrFailures), h.AccountFailures)
		}
	})
}
