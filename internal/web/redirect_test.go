package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"
)

// evilTargets would leave the site if a redirect passed them on: browsers
// drop tabs and newlines inside a URL and read a backslash as a slash.
var evilTargets = []string{
	"//evil.example/x",
	"/\t/evil.example/x",
	"/\r/evil.example/x",
	"/\n/evil.example/x",
	"/\\evil.example/x",
	"https://evil.example/x",
}

// TestNoOpenRedirect sends every redirect target a form or query takes
// (/login?next=, /lang back=, 签收, 催办, 办结 and reopen back=) a foreign
// target and checks the answer stays on the site.
func TestNoOpenRedirect(t *testing.T) {
	e := newFlow(t)
	cs := e.signAll("jiaoyuju")
	jiaoyu := cs["jiaoyuju"]
	canlian := e.P.Login("canlian")
	rv := e.P.Login("duchashi")
	// The lead reports the measure done, so it can be closed and reopened.
	mustStatus(t, postMultipart(t, jiaoyu, formURL(e.Lead, e.Q1), reportFields("0", "submit", "全部完成", 100, "done",
		fmt.Sprintf("target_%d", e.Target.ID), "93.5")), http.StatusSeeOther, "lead reports done")
	m := e.F.Measures[0]

	for _, evil := range evilTargets {
		t.Run(fmt.Sprintf("%q", evil), func(t *testing.T) {
			check := func(what string, res interface {
				Get(string) string
			}, status int) {
				t.Helper()
				if status != http.StatusSeeOther {
					t.Fatalf("%s: status %d, want 303", what, status)
				}
				if loc := res.Get("Location"); loc != "/" {
					t.Errorf("%s redirects to %q, want /", what, loc)
				}
			}
			res := e.P.Client().PostForm("/login?next="+url.QueryEscape(evil),
				url.Values{"username": {"lingdao"}, "password": {e.P.App.DemoPassword}})
			check("login", res.Header, res.StatusCode)
			if a, _ := e.P.Client().Get("/login?next=" + url.QueryEscape(evil)).Doc(t).Find("form.stack").Attr("action"); a != "/login" {
				t.Errorf("login form action = %q, want /login", a)
			}
			res = e.P.Client().PostForm("/lang", url.Values{"to": {"en"}, "back": {evil}})
			check("/lang", res.Header, res.StatusCode)
			res = canlian.PostForm(fmt.Sprintf("/assignments/%d/sign", e.CoCanlian.ID), url.Values{"back": {evil}})
			check("签收", res.Header, res.StatusCode)
			res = canlian.PostForm("/assignments/sign", url.Values{"back": {evil}})
			check("签收 all", res.Header, res.StatusCode)
			res = rv.PostForm("/prompts", url.Values{"assignment_id": {fmt.Sprint(e.CoTaishan.ID)}, "back": {evil}})
			check("催办", res.Header, res.StatusCode)
			res = rv.PostForm(fmt.Sprintf("/measures/%d/close", m.ID), url.Values{"note": {"完成"}, "closed_on": {"2015-04-02"}, "back": {evil}})
			check("办结", res.Header, res.StatusCode)
			res = rv.PostForm(fmt.Sprintf("/measures/%d/reopen", m.ID), url.Values{"reason": {"复核"}, "back": {evil}})
			check("reopen", res.Header, res.StatusCode)
		})
	}
	// A local target still works.
	res := e.P.Client().PostForm("/lang", url.Values{"to": {"zh-CN"}, "back": {"/plans?x=1"}})
	if loc := res.Header.Get("Location"); loc != "/plans?x=1" {
		t.Errorf("/lang back to a local page → %q", loc)
	}
}
