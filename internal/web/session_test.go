package web_test

import (
	"context"
	"encoding/hex"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/securecookie"

	"duban/internal/model"
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
		csrf       string
		wantSecure bool
	}{
		{"http", nil, "duban_session", "duban_csrf", false},
		{"https", []testutil.Option{testutil.WithSecure()}, "__Host-duban_session", "__Host-duban_csrf", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := testutil.Start(t, tt.opts...)
			c := p.Client()
			login := c.Get("/login")
			res := c.PostForm("/login", url.Values{"username": {"duchashi"}, "password": {p.App.DemoPassword}})
			wantStatus(t, res, http.StatusSeeOther, "login")
			for _, ck := range []*http.Cookie{findCookie(res, tt.cookie), findCookie(login, tt.csrf), findCookie(res, tt.csrf)} {
				if ck == nil {
					t.Fatalf("no %s / %s cookie in %q", tt.cookie, tt.csrf, res.Header.Values("Set-Cookie"))
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
			// The flash cookie of a redirect is Secure like the others.
			res = c.PostForm("/logout", nil)
			if ck := findCookie(res, "duban_flash"); ck == nil || ck.Secure != tt.wantSecure || !ck.HttpOnly {
				t.Errorf("flash cookie after logout: %+v, want HttpOnly and Secure=%v", ck, tt.wantSecure)
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

// TestActiveUserStaysLoggedInWithShortIdle: with --session-idle 1m, a user
// who clicks every 50 seconds is never logged out; one who pauses for more
// than a minute is.
func TestActiveUserStaysLoggedInWithShortIdle(t *testing.T) {
	p := testutil.Start(t, testutil.WithSessionTimeouts(time.Minute, time.Hour))
	c := p.Login("lingdao")
	for i := range 6 {
		p.Clock.Advance(50 * time.Second)
		if !loggedIn(t, c) {
			t.Fatalf("logged out at click %d, %v after login, 50 s after the last click", i+1, time.Duration(i+1)*50*time.Second)
		}
	}
	p.Clock.Advance(59 * time.Second)
	if !loggedIn(t, c) {
		t.Fatal("logged out 59 s after the last click")
	}
	p.Clock.Advance(61 * time.Second)
	if loggedIn(t, c) {
		t.Fatal("alive 61 s after the last click with a 1-minute idle timeout")
	}
}

// TestCSRFTokenRotatesAtLogin: a token known before login (planted, or read
// off a shared machine) is worthless after it.
func TestCSRFTokenRotatesAtLogin(t *testing.T) {
	for _, secure := range []bool{false, true} {
		t.Run(map[bool]string{false: "http", true: "https"}[secure], func(t *testing.T) {
			var opts []testutil.Option
			name := "duban_csrf"
			if secure {
				opts, name = append(opts, testutil.WithSecure()), "__Host-duban_csrf"
			}
			p := testutil.Start(t, opts...)
			c := p.Client()
			before := c.CSRF()
			res := c.PostForm("/login", url.Values{"username": {"duchashi"}, "password": {p.App.DemoPassword}})
			wantStatus(t, res, http.StatusSeeOther, "login")
			var set []*http.Cookie
			for _, ck := range res.Cookies() {
				if ck.Name == name {
					set = append(set, ck)
				}
			}
			if len(set) != 1 || set[0].Value == before || set[0].Value == "" || set[0].Secure != secure || set[0].Path != "/" {
				t.Fatalf("login sets %d %s cookies %+v; want one new token (old %q)", len(set), name, set, before)
			}
			if c.CSRF() != set[0].Value {
				t.Fatal("the browser did not keep the new token")
			}
			res = c.PostForm("/profile", url.Values{"display_name": {"督查室"}, "_csrf": {before}})
			wantStatus(t, res, http.StatusForbidden, "the token from before login")
			res = c.PostForm("/profile", url.Values{"display_name": {"督查室"}})
			wantStatus(t, res, http.StatusSeeOther, "the new token")
		})
	}
}

// TestSessionLoadErrorIsNotALogout: when the session cannot be read, the
// user gets an error page, not the login page (which would hide the fault
// and lose their work).
func TestSessionLoadErrorIsNotALogout(t *testing.T) {
	p := testutil.Start(t)
	c := p.Login("lingdao")
	// A fault the product cannot cause: the sessions table gone for a moment.
	must(t, p.App.DB.W.Exec("ALTER TABLE sessions RENAME TO sessions_away").Error)
	res := c.Get("/")
	if res.StatusCode != http.StatusInternalServerError {
		t.Fatalf("GET / with the sessions table gone = %d → %q, want 500", res.StatusCode, res.Header.Get("Location"))
	}
	must(t, p.App.DB.W.Exec("ALTER TABLE sessions_away RENAME TO sessions").Error)
	if !loggedIn(t, c) {
		t.Fatal("the session did not survive the fault")
	}
}

// TestDeadSessionsArePurged: sessions past the idle or absolute deadline
// are deleted by the purge that serve runs at start and hourly.
func TestDeadSessionsArePurged(t *testing.T) {
	p := testutil.Start(t)
	ctx := context.Background()
	p.Login("lingdao")
	p.Login("canlian")
	p.Clock.Advance(31 * time.Minute) // idle
	idleish := p.Login("taishan")
	p.Clock.Advance(20 * time.Minute)
	alive := p.Login("duchashi")
	count := func() int64 { return p.Count(&model.Session{}, "1 = 1") }
	if n := count(); n != 4 {
		t.Fatalf("%d sessions, want 4", n)
	}
	n, err := p.App.Sessions.Purge(ctx)
	if err != nil || n != 2 {
		t.Fatalf("purge = %d, %v; want the 2 sessions idle for 51 minutes", n, err)
	}
	if count() != 2 || !loggedIn(t, alive) || !loggedIn(t, idleish) {
		t.Fatal("a live session was purged")
	}
	// Past the absolute deadline, active or not.
	for range 30 {
		p.Clock.Advance(25 * time.Minute)
		loggedIn(t, alive)
	}
	// The loop serve runs purges at once, and stops with its context.
	loop, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		p.App.Sessions.PurgeEvery(loop, time.Hour, p.App.Log)
		close(done)
	}()
	deadline := time.Now().Add(10 * time.Second)
	for count() != 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	<-done
	if n := count(); n != 0 {
		t.Fatalf("%d sessions left after the 12-hour deadline and a purge", n)
	}
}
