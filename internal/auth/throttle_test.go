package auth

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"duban/internal/store"
)

func TestJudgeLogin(t *testing.T) {
	now := time.Date(2015, 4, 3, 9, 0, 0, 0, time.UTC)
	ago := func(mins ...int) []time.Time {
		var out []time.Time
		for _, m := range mins {
			out = append(out, now.Add(-time.Duration(m)*time.Minute))
		}
		return out
	}
	tests := []struct {
		name string
		h    store.LoginHistory
		want LoginVerdict
	}{
		{"nothing", store.LoginHistory{}, LoginVerdict{}},
		{"pair below the limit", store.LoginHistory{PairFailures: ago(4, 3, 2, 1), AddrFailures: ago(4, 3, 2, 1), AccountFailures: 4}, LoginVerdict{}},
		{"pair at the limit", store.LoginHistory{PairFailures: ago(5, 4, 3, 2, 1), AddrFailures: ago(5, 4, 3, 2, 1), AccountFailures: 5},
			LoginVerdict{RetryAfter: 10 * time.Minute}},
		{"address at the limit", store.LoginHistory{AddrFailures: ago(14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 1)},
			LoginVerdict{RetryAfter: time.Minute}},
		{"account slowed, not refused", store.LoginHistory{AccountFailures: 5}, LoginVerdict{Delay: AccountDelayBase}},
		{"account slowed more", store.LoginHistory{AccountFailures: 7}, LoginVerdict{Delay: 4 * AccountDelayBase}},
		{"account delay is capped", store.LoginHistory{AccountFailures: 500}, LoginVerdict{Delay: AccountDelayMax}},
		{"retry at least a second", store.LoginHistory{PairFailures: []time.Time{now.Add(-LoginWindow + 100*time.Millisecond), now, now, now, now}},
			LoginVerdict{RetryAfter: time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := JudgeLogin(now, tt.h); got != tt.want {
				t.Fatalf("JudgeLogin = %+v, want %+v", got, tt.want)
			}
		})
	}
}

// TestLoginGate: one key at a time, other keys in parallel, and a waiting
// caller gives up with its context.
func TestLoginGate(t *testing.T) {
	g := NewLoginGate()
	ctx := context.Background()
	var inside, most atomic.Int32
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			leave, err := g.Enter(ctx, "admin\x00192.0.2.1")
			if err != nil {
				t.Error(err)
				return
			}
			n := inside.Add(1)
			for {
				m := most.Load()
				if n <= m || most.CompareAndSwap(m, n) {
					break
				}
			}
			time.Sleep(2 * time.Millisecond)
			inside.Add(-1)
			leave()
		}()
	}
	wg.Wait()
	if most.Load() != 1 {
		t.Fatalf("%d attempts of one pair ran at once", most.Load())
	}
	leave, _ := g.Enter(ctx, "a")
	other, err := g.Enter(ctx, "b")
	if err != nil {
		t.Fatal(err)
	}
	other()
	short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if _, err := g.Enter(short, "a"); err == nil {
		t.Fatal("a second attempt of a busy key got in")
	}
	leave()
	if len(g.slots) != 0 {
		t.Fatalf("%d gate slots left behind", len(g.slots))
	}
}
