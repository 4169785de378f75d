package auth

import (
	"context"
	"sync"
	"time"

	"duban/internal/clock"
	"duban/internal/model"
	"duban/internal/store"
)

// Login throttling (OWASP ASVS 6.3.1 / 4.0 2.2.1). Only failed attempts
// count, and they are recorded after the password was checked, so users
// logging in at the same time from one address (an office behind one NAT)
// never hold each other up. Three limits, none of which lets a stranger lock
// an account for its owner:
//
//   - an (account, address) pair with PairMaxFailures failures within
//     LoginWindow since the pair's last success is refused (429 with
//     Retry-After) until the oldest of them leaves the window;
//   - an address with AddrMaxFailures failures within LoginWindow, whatever
//     accounts they named, is refused the same way (password spraying);
//   - an account with AccountFreeFailures or more failures within the window
//     from any addresses is slowed down, not locked: every attempt on it
//     waits AccountDelay(n) before its password is checked, doubling with
//     each further failure up to AccountDelayMax. Its owner still gets in
//     from their own address, a few seconds later at worst.
//
// The limits lift by themselves: there is no permanent lockout. The client
// address is the one echo's IP extractor resolves, which believes
// X-Forwarded-For only from --trusted-proxies.
const (
	PairMaxFailures     = 5
	AddrMaxFailures     = 20
	AccountFreeFailures = 5
	LoginWindow         = 15 * time.Minute
	AccountDelayBase    = 100 * time.Millisecond
	AccountDelayMax     = 3 * time.Second
)

// LoginVerdict says what to do with a login attempt before its password is
// checked.
type LoginVerdict struct {
	RetryAfter time.Duration // > 0: refuse, try again after this long
	Delay      time.Duration // > 0: wait this long, then check the password
}

// LoginHistory is what the limits weigh: the failed logins since a
// moment, oldest first. Attempts are recorded when their outcome is known,
// never while the password is being checked.
type LoginHistory struct {
	// PairFailures are the failures of this account from this address,
	// since the pair's last successful login.
	PairFailures []time.Time
	// AddrFailures are the failures from this address, whatever account.
	AddrFailures []time.Time
	// AccountFailures counts the failures of this account from any address.
	AccountFailures int64
}

// History reads the failed logins of username (as typed) and addr since
// since.
func (l *Logins) History(ctx context.Context, username, addr string, since time.Time) (LoginHistory, error) {
	var h LoginHistory
	pair, err := l.st.LoginAttemptsOf(ctx, username, addr, since)
	if err != nil {
		return h, err
	}
	h.PairFailures = failuresSinceSuccess(pair)
	if h.AddrFailures, err = l.st.FailedLoginsFrom(ctx, addr, since); err != nil {
		return h, err
	}
	h.AccountFailures, err = l.st.CountFailedLogins(ctx, username, since)
	return h, err
}

// failuresSinceSuccess is the times of the failures after the last
// success of attempts (oldest first): a pair's success forgives it.
func failuresSinceSuccess(attempts []model.LoginAttempt) []time.Time {
	var out []time.Time
	for _, a := range attempts {
		if a.Success {
			out = out[:0]
		} else {
			out = append(out, a.At)
		}
	}
	return out
}

// JudgeLogin applies the limits above to the recent failures h (as read by
// Logins.History for window LoginWindow) at time now.
func JudgeLogin(now time.Time, h LoginHistory) LoginVerdict {
	var v LoginVerdict
	for _, lim := range []struct {
		fails []time.Time
		max   int
	}{{h.PairFailures, PairMaxFailures}, {h.AddrFailures, AddrMaxFailures}} {
		if len(lim.fails) >= lim.max {
			wait := lim.fails[len(lim.fails)-lim.max].Add(LoginWindow).Sub(now)
			v.RetryAfter = max(v.RetryAfter, wait)
		}
	}
	if v.RetryAfter > 0 {
		v.RetryAfter = max(v.RetryAfter.Round(time.Second), time.Second)
		return v
	}
	v.Delay = AccountDelay(h.AccountFailures)
	return v
}

// AccountDelay is how long an attempt on an account with n recent failures
// waits: nothing below AccountFreeFailures, then AccountDelayBase doubling
// with each failure, at most AccountDelayMax.
func AccountDelay(n int64) time.Duration {
	if n < AccountFreeFailures {
		return 0
	}
	d := AccountDelayBase
	for i := int64(AccountFreeFailures); i < n && d < AccountDelayMax; i++ {
		d *= 2
	}
	return min(d, AccountDelayMax)
}

// LoginGate lets one attempt at a time through per key ((account, address)
// pair) within this process. Failures are recorded after the slow password
// check, so without it a burst of parallel guesses from one pair would all
// pass the limit before the first failure is written; with it, they queue
// and each sees the failures of the one before. Different accounts and
// different addresses do not wait for each other.
type LoginGate struct {
	mu    sync.Mutex
	slots map[string]*gateSlot
}

type gateSlot struct {
	ch   chan struct{}
	refs int
}

// NewLoginGate makes an empty gate.
func NewLoginGate() *LoginGate { return &LoginGate{slots: map[string]*gateSlot{}} }

// Enter waits for key's turn (or ctx) and returns the function that ends it.
func (g *LoginGate) Enter(ctx context.Context, key string) (leave func(), err error) {
	g.mu.Lock()
	s := g.slots[key]
	if s == nil {
		s = &gateSlot{ch: make(chan struct{}, 1)}
		g.slots[key] = s
	}
	s.refs++
	g.mu.Unlock()
	release := func() {
		g.mu.Lock()
		if s.refs--; s.refs == 0 {
			delete(g.slots, key)
		}
		g.mu.Unlock()
	}
	select {
	case s.ch <- struct{}{}:
	case <-ctx.Done():
		release()
		return nil, ctx.Err()
	}
	return func() {
		<-s.ch
		release()
	}, nil
}

// Logins applies the limits above: the one place a password check (login
// form, current password on the password form) asks whether it may go on.
type Logins struct {
	st     *store.Store
	clock  clock.Clock
	gate   *LoginGate
	hasher *Hasher
}

// NewLogins makes the limiter; hasher checks and hashes the passwords.
func NewLogins(st *store.Store, c clock.Clock, hasher *Hasher) *Logins {
	return &Logins{st: st, clock: c, gate: NewLoginGate(), hasher: hasher}
}

// begin is called before a password of username is checked for a client at
// addr (by Login and ChangePassword). When the attempt is refused,
// v.RetryAfter > 0 and there is nothing to end. Otherwise begin has waited
// the account's delay, and the caller checks the password, records the
// outcome (store.RecordLogin, RecordLoginFailure or RecordLoginAttempt)
// and then calls end.
func (l *Logins) begin(ctx context.Context, username, addr string) (v LoginVerdict, end func(), err error) {
	leave, err := l.gate.Enter(ctx, username+"\x00"+addr)
	if err != nil {
		return v, nil, err
	}
	now := l.clock.Now()
	h, err := l.History(ctx, username, addr, now.Add(-LoginWindow))
	if err != nil {
		leave()
		return v, nil, err
	}
	if v = JudgeLogin(now, h); v.RetryAfter > 0 {
		leave()
		return v, nil, nil
	}
	if err := wait(ctx, v.Delay); err != nil {
		leave()
		return v, nil, err
	}
	return v, leave, nil
}

// wait sleeps for d or until ctx ends.
func wait(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
