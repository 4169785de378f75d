package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"duban/internal/auth"
	"duban/internal/testutil"
)

// postLogin submits the login form, optionally claiming to come through a
// proxy for xff.
func postLogin(t *testing.T, c *testutil.Client, username, password, xff string) *testutil.Response {
	t.Helper()
	form := url.Values{"username": {username}, "password": {password}, "_csrf": {c.CSRF()}}
	req, _ := http.NewRequest(http.MethodPost, "/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if xff != "" {
		req.Header.Set("X-Forwarded-For", xff)
	}
	return c.Do(req)
}

func wantStatus(t *testing.T, res *testutil.Response, want int, what string) {
	t.Helper()
	if res.StatusCode != want {
		t.Fatalf("%s: status %d, want %d", what, res.StatusCode, want)
	}
}

func retryAfter(t *testing.T, res *testutil.Response) int {
	t.Helper()
	n, err := strconv.Atoi(res.Header.Get("Retry-After"))
	if err != nil {
		t.Fatalf("Retry-After %q is not a number of seconds", res.Header.Get("Retry-After"))
	}
	return n
}

func TestLoginThrottlingLiftsByItself(t *testing.T) {
	p := testutil.Start(t)
	c := p.Client()
	for i := range 5 {
		wantStatus(t, postLogin(t, c, "duchashi", "wrong-password", ""), http.StatusUnauthorized, "failure "+strconv.Itoa(i+1))
		p.Clock.Advance(time.Minute)
	}
	// The sixth attempt of the same account from the same address is
	// refused before the password is checked: even the right password does
	// not get in.
	res := postLogin(t, c, "duchashi", p.App.DemoPassword, "")
	wantStatus(t, res, http.StatusTooManyRequests, "sixth attempt")
	// The first failure (5 minutes ago) leaves the 15-minute window in 10.
	if got := retryAfter(t, res); got != 600 {
		t.Errorf("Retry-After = %d, want 600", got)
	}
	msg := res.Doc(t).Find(".flash-error").Text()
	if !strings.Contains(msg, "登录失败次数过多") || !strings.Contains(msg, "10 分钟") {
		t.Errorf("throttled page says %q", msg)
	}
	if c.Get("/").StatusCode != http.StatusSeeOther {
		t.Fatal("a throttled login created a session")
	}
	// Throttled attempts are not counted as failures, so they do not
	// prolong the lock; the limit lifts when the oldest failure ages out.
	p.Clock.Advance(9*time.Minute + 59*time.Second)
	wantStatus(t, postLogin(t, c, "duchashi", p.App.DemoPassword, ""), http.StatusTooManyRequests, "just before lifting")
	p.Clock.Advance(2 * time.Second)
	wantStatus(t, postLogin(t, c, "duchashi", p.App.DemoPassword, ""), http.StatusSeeOther, "after the window")

	// A success clears the pair's failures: four more failures and a
	// fifth are allowed again at once.
	c2 := p.Client()
	for range 4 {
		wantStatus(t, postLogin(t, c2, "duchashi", "wrong-password", ""), http.StatusUnauthorized, "failure after success")
	}
	wantStatus(t, postLogin(t, c2, "duchashi", p.App.DemoPassword, ""), http.StatusSeeOther, "success resets the pair")
	wantStatus(t, postLogin(t, p.Client(), "duchashi", "wrong-password", ""), http.StatusUnauthorized, "failure after the reset")

	// Throttled attempts are audited, the repeats of one address counted
	// into one summary entry per window.
	if n := countAudit(t, p, "login.throttled"); n != 1 {
		t.Errorf("%d login.throttled audit entries, want 1", n)
	}
	p.Clock.Advance(time.Hour)
	must(t, p.App.Server.FlushRefusals(context.Background()))
	if ev := auditEntries(t, p, "login.throttled.repeated"); len(ev) != 1 || !strings.Contains(ev[0].NewValue, `"count":1`) {
		t.Errorf("login.throttled.repeated = %+v, want one entry counting 1", ev)
	}
}

// TestParallelCorrectLoginsFromOneAddress: an office behind one NAT logs in
// at nine o'clock. Attempts in progress must not count as failures: ten
// parallel correct logins from one address all get in, and no failure is
// recorded for them.
func TestParallelCorrectLoginsFromOneAddress(t *testing.T) {
	p := testutil.Start(t)
	users := []string{"admin", "duchashi", "jiaoyuju", "canlian", "taishan", "lingdao", "duchashi", "jiaoyuju", "canlian", "lingdao"}
	type attempt struct {
		c   *testutil.Client
		req *http.Request
	}
	var attempts []attempt
	for _, u := range users {
		c := p.Client()
		form := url.Values{"username": {u}, "password": {p.App.DemoPassword}, "_csrf": {c.CSRF()}}
		req, _ := http.NewRequest(http.MethodPost, p.Server.URL+"/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		attempts = append(attempts, attempt{c, req})
	}
	statuses := make([]int, len(attempts))
	var wg sync.WaitGroup
	for i, a := range attempts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := a.c.HTTP.Do(a.req)
			if err != nil {
				statuses[i] = -1
				return
			}
			res.Body.Close()
			statuses[i] = res.StatusCode
		}()
	}
	wg.Wait()
	for i, st := range statuses {
		if st != http.StatusSeeOther {
			t.Errorf("login %d (%s) = %d, want 303", i+1, users[i], st)
		}
	}
	if n := countAudit(t, p, "login.ok"); n != len(users) {
		t.Errorf("%d login.ok audit entries, want %d", n, len(users))
	}
	fails, err := p.App.Store.FailedLoginsFrom(context.Background(), "127.0.0.1", p.Clock.Now().Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(fails) != 0 {
		t.Errorf("%d failures recorded for correct logins", len(fails))
	}
}

// TestStrangerCannotLockAnAccount: wrong passwords for admin from one
// address throttle that address (for admin at once, for every account once
// it has sprayed enough), but admin still logs in from their own address,
// only slowed down.
func TestStrangerCannotLockAnAccount(t *testing.T) {
	p := testutil.Start(t, testutil.WithTrustedProxies("127.0.0.1/32"))
	const a, b = "203.0.113.66", "198.51.100.7"
	for i := range auth.PairMaxFailures {
		wantStatus(t, postLogin(t, p.Client(), "admin", "wrong-password", a), http.StatusUnauthorized, "failure "+strconv.Itoa(i+1))
	}
	wantStatus(t, postLogin(t, p.Client(), "admin", p.App.DemoPassword, a), http.StatusTooManyRequests, "admin from the attacking address")
	start := time.Now()
	wantStatus(t, postLogin(t, p.Client(), "admin", p.App.DemoPassword, b), http.StatusSeeOther, "admin from their own address")
	if took, want := time.Since(start), auth.AccountDelay(auth.PairMaxFailures); took < want {
		t.Errorf("the attacked account's login took %v, want it slowed by at least %v", took, want)
	}
	// The attacker sprays other accounts until the address is refused for
	// all of them; the accounts themselves stay open elsewhere.
	for i := auth.PairMaxFailures; i < auth.AddrMaxFailures; i++ {
		wantStatus(t, postLogin(t, p.Client(), "user"+strconv.Itoa(i), "wrong-password", a), http.StatusUnauthorized, "spray "+strconv.Itoa(i))
	}
	wantStatus(t, postLogin(t, p.Client(), "lingdao", p.App.DemoPassword, a), http.StatusTooManyRequests, "sprayed address")
	wantStatus(t, postLogin(t, p.Client(), "lingdao", p.App.DemoPassword, b), http.StatusSeeOther, "lingdao elsewhere")

	// One account attacked from many addresses is slowed, never locked.
	for i := range 8 {
		wantStatus(t, postLogin(t, p.Client(), "canlian", "wrong-password", "192.0.2."+strconv.Itoa(i+1)), http.StatusUnauthorized, "distributed failure")
	}
	start = time.Now()
	wantStatus(t, postLogin(t, p.Client(), "canlian", p.App.DemoPassword, "192.0.2.99"), http.StatusSeeOther, "canlian after a distributed attack")
	if took, want := time.Since(start), auth.AccountDelay(8); took < want {
		t.Errorf("login took %v, want at least the account delay %v", took, want)
	}
}

func TestLoginThrottlingIgnoresSpoofedForwardedFor(t *testing.T) {
	p := testutil.Start(t)
	c := p.Client()
	// Without a trusted proxy, X-Forwarded-For is the client's own claim:
	// changing it per attempt must not give a fresh address.
	for i := range auth.AddrMaxFailures {
		wantStatus(t, postLogin(t, c, "nobody"+strconv.Itoa(i), "wrong-password", "203.0.113."+strconv.Itoa(i+1)),
			http.StatusUnauthorized, "failure")
	}
	wantStatus(t, postLogin(t, c, "duchashi", p.App.DemoPassword, "198.51.100.7"), http.StatusTooManyRequests,
		"spoofed address after the address limit")
	if addrs := auditAddrs(t, p, "login.fail"); len(addrs) != 1 || !addrs["127.0.0.1"] {
		t.Errorf("failures recorded from %v, want only the TCP peer 127.0.0.1", addrs)
	}
}

func TestLoginThrottlingBehindTrustedProxy(t *testing.T) {
	p := testutil.Start(t, testutil.WithTrustedProxies("127.0.0.1/32"))
	c := p.Client()
	// Behind a trusted proxy the forwarded address is the client: failures
	// from one address throttle that address only.
	for i := range auth.AddrMaxFailures {
		wantStatus(t, postLogin(t, c, "nobody"+strconv.Itoa(i), "wrong-password", "203.0.113.1"), http.StatusUnauthorized, "failure")
	}
	wantStatus(t, postLogin(t, c, "lingdao", p.App.DemoPassword, "203.0.113.1"), http.StatusTooManyRequests, "same forwarded address")
	wantStatus(t, postLogin(t, p.Client(), "lingdao", p.App.DemoPassword, "198.51.100.7"), http.StatusSeeOther, "another forwarded address")
	if addrs := auditAddrs(t, p, "login.fail"); len(addrs) != 1 || !addrs["203.0.113.1"] {
		t.Errorf("failures recorded from %v, want the forwarded 203.0.113.1", addrs)
	}
}

func TestLoginAttemptsAreCleanedUp(t *testing.T) {
	p := testutil.Start(t)
	ctx := context.Background()
	st := p.App.Store
	for range 40 {
		if err := st.RecordLoginAttempt(ctx, "nobody", "192.0.2.1", false); err != nil {
			t.Fatal(err)
		}
	}
	p.Clock.Advance(25 * time.Hour)
	for range 40 {
		if err := st.RecordLoginAttempt(ctx, "nobody", "192.0.2.1", false); err != nil {
			t.Fatal(err)
		}
	}
	n, err := st.CountLoginAttempts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n >= 80 {
		t.Fatalf("%d login attempts kept, want the day-old ones removed", n)
	}
}
