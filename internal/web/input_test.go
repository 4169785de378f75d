package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"duban/internal/testutil"
	"duban/internal/web/handlers"
)

// TestBadBytesAreRefusedOnBothDatabases: a NUL byte or invalid UTF-8 in
// any input is answered 400 with a page that says why, the same on SQLite
// and PostgreSQL (which would otherwise fail with a 500), and nothing of it
// is stored.
func TestBadBytesAreRefusedOnBothDatabases(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { badBytes(t) })
	t.Run("postgres", func(t *testing.T) { badBytes(t, testutil.WithDB(testutil.PostgresURL(t))) })
}

func badBytes(t *testing.T, opts ...testutil.Option) {
	e := newFlow(t, opts...)
	p := e.P
	admin := p.Login("admin")
	jiaoyu := e.signAll("jiaoyuju")["jiaoyuju"]
	for _, bad := range []string{"\x00", "\xff\xfe", "ok\x00ok", "\xe6\x95"} {
		name := url.QueryEscape(bad)
		check := func(what string, res *testutil.Response) {
			t.Helper()
			if res.StatusCode != http.StatusBadRequest {
				t.Errorf("%s with %q: status %d, want 400", what, bad, res.StatusCode)
				return
			}
			if !strings.Contains(res.Body, "无法保存的字符") {
				t.Errorf("%s with %q: the page does not say why", what, bad)
			}
		}
		check("login", p.Client().PostForm("/login", url.Values{"username": {"admin" + bad}, "password": {"x"}}))
		check("login password", p.Client().PostForm("/login", url.Values{"username": {"admin"}, "password": {bad}}))
		check("ledger search", admin.Get("/ledger?q="+name))
		check("audit filter", admin.Get("/admin/audit?action="+name))
		check("audit date", admin.Get("/admin/audit?from="+name))
		check("profile", admin.PostForm("/profile", url.Values{"display_name": {"管理员" + bad}}))
		check("form field name", admin.PostForm("/profile", url.Values{"display_name": {"管理员"}, "x" + bad: {"1"}}))
		check("path", admin.Get("/plans/"+name))
		check("report fields", postMultipart(t, jiaoyu, formURL(e.Lead, e.Q1),
			reportFields("0", "save", "进展"+bad, 30, "on_track")))
		check("prompt", p.Login("duchashi").PostForm("/prompts", url.Values{"assignment_id": {idStr(e.CoCanlian.ID)}, "message": {bad}}))
	}
	if dn := userNamed(t, p, "admin").DisplayName; !handlers.ValidText(dn) {
		t.Errorf("bad bytes were stored in the profile: %q", dn)
	}
	// A browser with odd bytes in its User-Agent still logs in.
	c := p.Client()
	form := url.Values{"username": {"lingdao"}, "password": {p.App.DemoPassword}, "_csrf": {c.CSRF()}}
	req, _ := http.NewRequest(http.MethodPost, "/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("User-Agent", "Mozilla/5.0 \xff\xfe"+strings.Repeat("浏览器", 100))
	wantStatus(t, c.Do(req), http.StatusSeeOther, "login with a broken User-Agent")
	if !loggedIn(t, c) {
		t.Fatal("no session after a login with a broken User-Agent")
	}
}
