package web_test

import (
	"encoding/hex"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/securecookie"

	"duban/internal/testutil"
)

func findCookie(res *testutil.Response, name string) *http.Cookie {
	for _, ck := range res.Cookies() {
		if ck.Name == name {
			return ck
		}
	}
	return nil
}

func TestSessionCookieFlags(t *testing.T) {
	tests := []struct {
		name       string
		opts       []testutil.Option
		cookie     string
		wantSecure bool
	}{
		{"http", nil, "duban_session", false},
		{"https", []testutil.Option{testutil.WithSecure()}, "__Host-duban_session", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := testutil.Start(t, tt.opts...)
			c := p.Client()
			login := c.Get("/login")
			res := c.PostForm("/login", url.Values{"username": {"duchashi"}, "password": {p.App.DemoPassword}})
			wantStatus(t, res, http.StatusSeeOther, "login")
			for _, ck := range []*http.Cookie{findCookie(res, tt.cookie), findCookie(login, "duban_csrf")} {
				if ck == nil {
					t.Fatalf("no %s / duban_csrf cookie in %q", tt.cookie, res.Header.Values("Set-Cookie"))
				}
				if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/" || ck.Domain != "" || ck.Secure != tt.wantSecure {
					t.Errorf("cookie %s: HttpOnly=%v SameSite=%v Path=%q Domain=%q Secure=%v, want HttpOnly, Lax, /, no domain, Secure=%v",
						ck.Name, ck.HttpOnly, ck.SameSite, ck.Path, ck.Domain, ck.Secure, tt.wantSecure)
				}
			}
			// The cookie carries only a signed random ID, nothing readable.
			ck := findCookie(res, tt.cookie)
			if strings.Contains(ck.Value, "duchashi") || len(ck.Value) < 40 {
				t.Errorf("session cookie value %q", ck.Value)
			}
			hsts := res.Header.Get("Strict-Transport-Security")
			if (hsts != "") != tt.wantSecure {
				t.Errorf("Strict-Transport-Security = %q", hsts)
			}
			if !loggedIn(t, c) {
				t.Fatal("the session does not work")
			}
			// A new ID at every login: logging in again replaces the cookie
			// and the previous one dies.
			before := snapshot(p, c)
			res = c.PostForm("/login", url.Values{"username": {"duchashi"}, "password": {p.App.DemoPassword}})
			if again := findCookie(res, tt.cookie); again == nil || again.Value == ck.Value {
				t.Fatal("a second login kept the session ID")
			}
			if loggedIn(t, replay(p, before)) {
				t.Fatal("the session replaced at login still works")
			}
		})
	}
}

func TestSessionIdleTimeout(t *testing.T) {
	p := testutil.Start(t)
	c := p.Login("lingdao")
	p.Clock.Advance(29 * time.Minute)
	if !loggedIn(t, c) {
		t.Fatal("dead after 29 idle minutes")
	}
	p.Clock.Advance(29 * time.Minute) // 58 minutes after login, 29 after the last request
	if !loggedIn(t, c) {
		t.Fatal("activity did not push the idle deadline")
	}
	p.Clock.Advance(31 * time.Minute)
	if loggedIn(t, c) {
		t.Fatal("alive after 31 idle minutes")
	}
}

func TestSessionAbsoluteTimeout(t *testing.T) {
	p := testutil.Start(t)
	c := p.Login("lingdao")
	const step = 25 * time.Minute
	var elapsed time.Duration
	for elapsed+step < 12*time.Hour {
		p.Clock.Advance(step)
		elapsed += step
		if !loggedIn(t, c) {
			t.Fatalf("dead after %v of activity", elapsed)
		}
	}
	p.Clock.Advance(step) // 12h05m after login
	if loggedIn(t, c) {
		t.Fatal("alive after 12 hours")
	}
}

func TestSessionTimeoutsAreConfigurable(t *testing.T) {
	p := testutil.Start(t, testutil.WithSessionTimeouts(5*time.Minute, time.Hour))
	c := p.Login("lingdao")
	p.Clock.Advance(6 * time.Minute)
	if loggedIn(t, c) {
		t.Fatal("alive after 6 idle minutes with --session-idle 5m")
	}
}

// TestSessionKeyRotation puts a new key first in DATA_DIR/session.keys: the
// cookies signed with the old key keep working, new ones are signed with the
// new key.
func TestSessionKeyRotation(t *testing.T) {
	dir := t.TempDir()
	p1 := testutil.Start(t, testutil.WithDataDir(dir))
	old := snapshot(p1, p1.Login("duchashi"))

	path := filepath.Join(dir, "session.keys")
	oldKeys, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("no session key file generated: %v", err)
	}
	newKey := securecookie.GenerateRandomKey(32)
	if err := os.WriteFile(path, []byte(hex.EncodeToString(newKey)+"\n"+string(oldKeys)), 0o600); err != nil {
		t.Fatal(err)
	}
	p2 := testutil.Start(t, testutil.WithDataDir(dir))
	if !loggedIn(t, replay(p2, old)) {
		t.Fatal("a cookie signed with the old key stopped working after rotation")
	}
	fresh := snapshot(p2, p2.Login("lingdao"))
	var sessionValue string
	for _, ck := range fresh {
		if ck.Name == "duban_session" {
			sessionValue = ck.Value
		}
	}
	var id string
	if err := securecookie.New(newKey, nil).Decode("duban_session", sessionValue, &id); err != nil || id == "" {
		t.Fatalf("a new cookie is not signed with the new key: %v", err)
	}
	// The portal still running on the old key alone refuses it.
	if loggedIn(t, replay(p1, fresh)) {
		t.Fatal("a cookie signed with the new key passed the old key")
	}
}

func TestPasswordChangeEndsOtherSessions(t *testing.T) {
	p := testutil.Start(t)
	a := p.Login("jiaoyuju")
	b := p.Login("jiaoyuju")
	beforeA := snapshot(p, a)
	res := a.PostForm("/password", url.Values{"current": {p.App.DemoPassword}, "new": {"jiangmen-2015-reform"}, "confirm": {"jiangmen-2015-reform"}})
	wantStatus(t, res, http.StatusSeeOther, "change password")
	if !loggedIn(t, a) {
		t.Fatal("the session that changed the password was logged out")
	}
	if loggedIn(t, b) {
		t.Fatal("another session survived the password change")
	}
	if loggedIn(t, replay(p, beforeA)) {
		t.Fatal("the pre-change cookie of the same browser still works")
	}
	wantStatus(t, postLogin(t, p.Client(), "jiaoyuju", p.App.DemoPassword, ""), http.StatusUnauthorized, "old password")
	wantStatus(t, postLogin(t, p.Client(), "jiaoyuju", "jiangmen-2015-reform", ""), http.StatusSeeOther, "new password")

	// Policy errors re-render the form with 422 and change nothing.
	res = a.PostForm("/password", url.Values{"current": {"jiangmen-2015-reform"}, "new": {"password"}, "confirm": {"password"}})
	wantStatus(t, res, http.StatusUnprocessableEntity, "common password")
	if res.Doc(t).Find(".field-error").Length() == 0 {
		t.Error("no field error shown")
	}
}

// TestPasswordFormIsThrottled: guessing the current password through the
// change-password form counts against the login limit.
func TestPasswordFormIsThrottled(t *testing.T) {
	p := testutil.Start(t)
	c := p.Login("jiaoyuju")
	for range 5 {
		res := c.PostForm("/password", url.Values{"current": {"guess-guess"}, "new": {"jiangmen-2015-reform"}, "confirm": {"jiangmen-2015-reform"}})
		wantStatus(t, res, http.StatusUnprocessableEntity, "wrong current password")
	}
	res := c.PostForm("/password", url.Values{"current": {p.App.DemoPassword}, "new": {"jiangmen-2015-reform"}, "confirm": {"jiangmen-2015-reform"}})
	wantStatus(t, res, http.StatusTooManyRequests, "sixth try")
	if res.Header.Get("Retry-After") == "" {
		t.Error("no Retry-After")
	}
	p.Clock.Advance(16 * time.Minute)
	res = c.PostForm("/password", url.Values{"current": {p.App.DemoPassword}, "new": {"jiangmen-2015-reform"}, "confirm": {"jiangmen-2015-reform"}})
	wantStatus(t, res, http.StatusSeeOther, "after the window")
}

// TestLoginReturnsToTheRequestedPage: the page an anonymous visitor asked
// for survives the login form; a foreign target does not.
func TestLoginReturnsToTheRequestedPage(t *testing.T) {
	p := testutil.Start(t)
	c := p.Client()
	res := c.Get("/admin/users?role=unit")
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || loc != "/login?next=%2Fadmin%2Fusers%3Frole%3Dunit" {
		t.Fatalf("anonymous GET = %d → %q", res.StatusCode, loc)
	}
	action, _ := c.Get(loc).Doc(t).Find("form.stack").Attr("action")
	res = c.PostForm(action, url.Values{"username": {"admin"}, "password": {p.App.DemoPassword}})
	if res.Header.Get("Location") != "/admin/users?role=unit" {
		t.Fatalf("after login → %q (form action %q)", res.Header.Get("Location"), action)
	}
	res = p.Client().PostForm("/login?next=//evil.example/x", url.Values{"username": {"admin"}, "password": {p.App.DemoPassword}})
	if res.Header.Get("Location") != "/" {
		t.Fatalf("open redirect: → %q", res.Header.Get("Location"))
	}
}
