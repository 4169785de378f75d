package auth

import (
	"context"
	"duban/internal/model"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestFailuresSinceSuccess: a pair's success forgives the failures
// before it, not the ones after.
func TestFailuresSinceSuccess(t *testing.T) {
	at := func(m int) time.Time { return time.Date(2015, 4, 3, 9, m, 0, 0, time.UTC) }
	fail := func(m int) model.LoginAttempt { return model.LoginAttempt{At: at(m)} }
	ok := func(m int) model.LoginAttempt { return model.LoginAttempt{At: at(m), Success: true} }
	tests := []struct {
		name     string
		attempts []model.LoginAttempt
		want     []time.Time
	}{
		{"none", nil, nil},
		{"failures only", []model.LoginAttempt{fail(1), fail(2)}, []time.Time{at(1), at(2)}},
		{"a success clears", []model.LoginAttempt{fail(1), fail(2), ok(3)}, nil},
		{"failures after a success count", []model.LoginAttempt{fail(1), ok(2), fail(3), fail(4)}, []time.Time{at(3), at(4)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := failuresSinceSuccess(tt.attempts); !slices.Equal(got, tt.want) {
				t.Errorf("failuresSinceSuccess = %v, want %v", got, tt.want)
			}
		})
	}
}

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
		h    LoginHistory
		want LoginVerdict
	}{
		{"nothing", LoginHistory{}, LoginVerdict{}},
		{"pair below the limit", LoginHistory{PairFailures: ago(4, 3, 2, 1), AddrFailures: ago(4, 3, 2, 1), AccountFailures: 4}, LoginVerdict{}},
		{"pair at the limit", LoginHistory{PairFailures: ago(5, 4, 3, 2, 1), AddrFailures: ago(5, 4, 3, 2, 1), AccountFailures: 5},
			LoginVerdict{RetryAfter: 10 * time.Minute}},
		{"address at the limit", LoginHistory{AddrFailures: ago(14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 1)},
			LoginVerdict{RetryAfter: time.Minute}},
		{"account slowed, not refused", LoginHistory{AccountFailures: 5}, LoginVerdict{Delay: AccountDelayBase}},
		{"account slowed more", LoginHistory{AccountFailures: 7}, LoginVerdict{Delay: 4 * AccountDelayBase}},
		{"account delay is capped", LoginHistory{AccountFailures: 500}, LoginVerdict{Delay: AccountDelayMax}},
		{"retry at least a second", LoginHistory{PairFailures: []time.Time{now.Add(-LoginWindow + 100*time.Millisecond), now, now, now, now}},
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
