package web_test

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"duban/internal/testutil"
)

var cspNonce = regexp.MustCompile(`'nonce-([^']+)'`)

// TestPageCacheFillsTheRequestsTokens: a page served from the cache
// carries the asking client's own CSRF token and this response's CSP
// nonce, never the placeholders it was kept with, and one user's page is
// never another's.
func TestPageCacheFillsTheRequestsTokens(t *testing.T) {
	p := testutil.Start(t)
	rv, unit := p.Login("duchashi"), p.Login("canlian")
	for _, path := range []string{"/", "/todo", "/ledger"} {
		var bodies []string
		for range 3 {
			res := rv.Get(path)
			mustStatus(t, res, 200, "reviewer "+path)
			if strings.Contains(res.Body, "dubanhole") {
				t.Fatalf("%s: a placeholder reached the page", path)
			}
			m := cspNonce.FindStringSubmatch(res.Header.Get("Content-Security-Policy"))
			if m == nil {
				t.Fatalf("%s: no nonce in the CSP", path)
			}
			doc := res.Doc(t)
			doc.Find("[nonce]").Each(func(_ int, s *goquery.Selection) {
				if got := s.AttrOr("nonce", ""); got != m[1] {
					t.Fatalf("%s: nonce %q in the page, %q in the CSP", path, got, m[1])
				}
			})
			n := 0
			doc.Find(`input[name="_csrf"]`).Each(func(_ int, s *goquery.Selection) {
				n++
				if got := s.AttrOr("value", ""); got != rv.CSRF() {
					t.Fatalf("%s: form token %q, the client's is %q", path, got, rv.CSRF())
				}
			})
			if n == 0 {
				t.Fatalf("%s: no form carries a token", path)
			}
			bodies = append(bodies, cspNonce.ReplaceAllString(regexp.MustCompile(`nonce="[^"]*"`).ReplaceAllString(res.Body, ""), ""))
		}
		if bodies[1] != bodies[2] {
			t.Fatalf("%s: a kept page differs from the next one", path)
		}
	}
	// Clients asking at once for a page nobody has rendered yet: one
	// renders it, the others wait and get it with their own tokens.
	errs := make(chan error, 16)
	for range 16 {
		go func() {
			res := rv.Get("/supervision")
			switch {
			case res.StatusCode != 200:
				errs <- fmt.Errorf("status %d", res.StatusCode)
			case strings.Contains(res.Body, "dubanhole") || !strings.Contains(res.Body, `value="`+rv.CSRF()+`"`):
				errs <- fmt.Errorf("a waiting client got a page without its token")
			default:
				errs <- nil
			}
		}()
	}
	for range 16 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}

	// The unit's dashboard after the reviewer's: its own, not the office's.
	res := unit.Get("/")
	mustStatus(t, res, 200, "unit dashboard")
	if !strings.Contains(res.Body, "市残联") || res.Doc(t).Find("#todo-sign").Length() == 0 {
		t.Fatal("the unit got a page that is not its dashboard")
	}
	if unit.CSRF() == rv.CSRF() {
		t.Fatal("two clients share a CSRF token")
	}
}

// TestPageCacheFollowsWrites: a write, through the workflow or the audit
// log, is on the next page at once although the page was kept.
func TestPageCacheFollowsWrites(t *testing.T) {
	e := newFlow(t)
	canlian := e.P.Login("canlian")
	for range 2 { // the second answer comes from the cache
		res := canlian.Get("/")
		mustStatus(t, res, 200, "unit dashboard")
		if !strings.Contains(wfText(t, res, "#todo-sign"), "学前教育") {
			t.Fatal("the to-sign list lacks 学前教育")
		}
	}
	res := canlian.PostForm(fmt.Sprintf("/assignments/%d/sign", e.CoCanlian.ID), url.Values{"back": {"/"}})
	mustStatus(t, res, 303, "sign")
	for range 2 { // the first shows the flash and is not kept
		res = canlian.Get("/")
		mustStatus(t, res, 200, "unit dashboard after signing")
		if strings.Contains(wfText(t, res, "#todo-sign"), "学前教育") {
			t.Fatal("a kept dashboard still lists the signed assignment")
		}
	}

	// The language is part of what a page is kept under.
	zh := wfText(t, res, "#todo-sign h2")
	res = canlian.PostForm("/lang", url.Values{"to": {"en"}, "back": {"/"}})
	mustStatus(t, res, 303, "switch language")
	res = canlian.Get("/")
	mustStatus(t, res, 200, "unit dashboard in English")
	if en := wfText(t, res, "#todo-sign h2"); en == zh || en == "" {
		t.Fatalf("the English dashboard says %q, the Chinese one %q", en, zh)
	}
}
