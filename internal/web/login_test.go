package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

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
	// The sixth attempt is refused before the password is checked: even the
	// right password does not get in.
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

	// A success clears the account's failures: four more failures and a
	// fifth are allowed again (the address still counts its older ones
	// until they age out).
	p.Clock.Advance(16 * time.Minute)
	c2 := p.Client()
	for range 4 {
		wantStatus(t, postLogin(t, c2, "duchashi", "wrong-password", ""), http.StatusUnauthorized, "failure after success")
	}
	wantStatus(t, postLogin(t, c2, "duchashi", p.App.DemoPassword, ""), http.StatusSeeOther, "success resets the account")
	wantStatus(t, postLogin(t, p.Client(), "duchashi", "wrong-password", ""), http.StatusUnauthorized, "fifth failure of the address")
	wantStatus(t, postLogin(t, p.Client(), "lingdao", p.App.DemoPassword, ""), http.StatusTooManyRequests, "address over the limit")

	// Every throttled attempt is in the audit log.
	n := countAudit(t, p, "login.throttled")
	if n != 3 {
		t.Errorf("%d login.throttled audit entries, want 3", n)
	}
}

func TestLoginThrottlingIgnoresSpoofedForwardedFor(t *testing.T) {
	p := testutil.Start(t)
	c := p.Client()
	// Without a trusted proxy, X-Forwarded-For is the client's own claim:
	// changing it per attempt must not give a fresh address.
	for i := range 5 {
		wantStatus(t, postLogin(t, c, "nobody"+strconv.Itoa(i), "wrong-password", "203.0.113."+strconv.Itoa(i+1)),
			http.StatusUnauthorized, "failure")
	}
	wantStatus(t, postLogin(t, c, "duchashi", p.App.DemoPassword, "198.51.100.7"), http.StatusTooManyRequests,
		"spoofed address after 5 failures")
	if addrs := auditAddrs(t, p, "login.fail"); len(addrs) != 1 || !addrs["127.0.0.1"] {
		t.Errorf("failures recorded from %v, want only the TCP peer 127.0.0.1", addrs)
	}
}

func TestLoginThrottlingBehindTrustedProxy(t *testing.T) {
	p := testutil.Start(t, testutil.WithTrustedProxies("127.0.0.1/32"))
	c := p.Client()
	// Behind a trusted proxy the forwarded address is the client: five
	// failures from one address throttle that address only.
	for i := range 5 {
		wantStatus(t, postLogin(t, c, "nobody"+strconv.Itoa(i), "wrong-password", "203.0.113.1"), http.StatusUnauthorized, "failure")
	}
	wantStatus(t, postLogin(t, c, "lingdao", p.App.DemoPassword, "203.0.113.1"), http.StatusTooManyRequests, "same forwarded address")
	wantStatus(t, postLogin(t, p.Client(), "lingdao", p.App.DemoPassword, "198.51.100.7"), http.StatusSeeOther, "another forwarded address")
	if addrs := auditAddrs(t, p, "login.fail"); len(addrs) != 1 || !addrs["203.0.113.1"] {
		t.Errorf("failures recorded from %v, want the forwarded 203.0.113.1", addrs)
	}

	// One account attacked from many addresses is throttled too.
	for i := range 5 {
		wantStatus(t, postLogin(t, p.Client(), "canlian", "wrong-password", "192.0.2."+strconv.Itoa(i+1)), http.StatusUnauthorized, "account failure")
	}
	wantStatus(t, postLogin(t, p.Client(), "canlian", p.App.DemoPassword, "192.0.2.99"), http.StatusTooManyRequests, "account over the limit")
	wantStatus(t, postLogin(t, p.Client(), "jiaoyuju", p.App.DemoPassword, "192.0.2.99"), http.StatusSeeOther, "other account, fresh address")
}

func TestLoginAttemptsAreCleanedUp(t *testing.T) {
	p := testutil.Start(t)
	ctx := context.Background()
	st := p.App.Store
	for range 20 {
		if _, _, err := st.BeginLoginAttempt(ctx, "nobody", "192.0.2.1", 1000, time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	p.Clock.Advance(25 * time.Hour)
	for range 20 {
		if _, _, err := st.BeginLoginAttempt(ctx, "nobody", "192.0.2.1", 1000, time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	n, err := st.CountLoginAttempts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n >= 40 {
		t.Fatalf("%d login attempts kept, want the day-old ones removed", n)
	}
}
