package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"duban/internal/model"
	"duban/internal/store"
	"duban/internal/testutil"
)

// auditEntries returns the audit entries with action, newest first.
func auditEntries(t *testing.T, p *testutil.Portal, action string) []model.AuditEvent {
	t.Helper()
	evs, _, err := p.App.Store.ListAudit(context.Background(), store.AuditFilter{Action: action})
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

func countAudit(t *testing.T, p *testutil.Portal, action string) int {
	t.Helper()
	return len(auditEntries(t, p, action))
}

// auditAddrs is the set of client addresses of the entries with action.
func auditAddrs(t *testing.T, p *testutil.Portal, action string) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	for _, ev := range auditEntries(t, p, action) {
		out[ev.ClientAddr] = true
	}
	return out
}

// snapshot copies the client's cookies, to replay them later from another
// client (as a thief of the cookie would).
func snapshot(p *testutil.Portal, c *testutil.Client) []*http.Cookie {
	u, _ := url.Parse(p.Server.URL)
	var out []*http.Cookie
	for _, ck := range c.HTTP.Jar.Cookies(u) {
		out = append(out, &http.Cookie{Name: ck.Name, Value: ck.Value})
	}
	return out
}

// replay makes a client that carries cookies.
func replay(p *testutil.Portal, cookies []*http.Cookie) *testutil.Client {
	c := p.Client()
	u, _ := url.Parse(p.Server.URL)
	c.HTTP.Jar.SetCookies(u, cookies)
	return c
}

// loggedIn reports whether the client's session is alive: the dashboard
// answers 200 rather than a redirect to the login page.
func loggedIn(t *testing.T, c *testutil.Client) bool {
	t.Helper()
	res := c.Get("/")
	switch {
	case res.StatusCode == http.StatusOK:
		return true
	case res.StatusCode == http.StatusSeeOther && strings.HasPrefix(res.Header.Get("Location"), "/login"):
		return false
	}
	t.Fatalf("GET / = %d → %s", res.StatusCode, res.Header.Get("Location"))
	return false
}
