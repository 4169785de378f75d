package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"duban/internal/testutil"
)

// TestAnonymousRefusalsAreCounted: anonymous refusals (a POST without a
// token) leave one audit entry per address and window plus a summary with
// the count, not a row each; HEAD is answered like GET; OPTIONS, TRACE and
// a method a page does not take get 405 with Allow, and nothing audited.
func TestAnonymousRefusalsAreCounted(t *testing.T) {
	p := testutil.Start(t)
	const n = 60
	for i := range n {
		c := p.Client()
		res := c.PostRaw("/profile", "application/x-www-form-urlencoded", strings.NewReader("display_name=x"))
		if res.StatusCode != http.StatusForbidden {
			t.Fatalf("POST without a token #%d = %d, want 403", i+1, res.StatusCode)
		}
	}
	if got := countAudit(t, p, "access.denied"); got != 1 {
		t.Fatalf("%d access.denied entries for %d anonymous refusals from one address, want 1", got, n)
	}
	// Other methods: nothing written.
	head := func(path string) *testutil.Response {
		req, _ := http.NewRequest(http.MethodHead, path, nil)
		return p.Client().Do(req)
	}
	res := head("/login")
	if res.StatusCode != http.StatusOK || res.Body != "" || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		t.Errorf("HEAD /login = %d %q, body %d bytes; want 200 html without a body", res.StatusCode, res.Header.Get("Content-Type"), len(res.Body))
	}
	if res := head("/"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
		t.Errorf("HEAD / = %d → %q, want the login redirect", res.StatusCode, res.Header.Get("Location"))
	}
	if res := head("/static/css/app.css"); res.StatusCode != http.StatusOK {
		t.Errorf("HEAD of a static file = %d", res.StatusCode)
	}
	for _, tc := range []struct{ method, path, allow string }{
		{http.MethodOptions, "/login", "GET, HEAD, POST"},
		{http.MethodTrace, "/login", "GET, HEAD, POST"},
		{http.MethodOptions, "/", "GET, HEAD"},
		{http.MethodGet, "/logout", "POST"},
		{http.MethodPut, "/profile", "GET, HEAD, POST"},
	} {
		req, _ := http.NewRequest(tc.method, tc.path, nil)
		res := p.Client().Do(req)
		if res.StatusCode != http.StatusMethodNotAllowed || res.Header.Get("Allow") != tc.allow {
			t.Errorf("%s %s = %d, Allow %q; want 405, Allow %q", tc.method, tc.path, res.StatusCode, res.Header.Get("Allow"), tc.allow)
		}
	}
	// A logged-in admin's OPTIONS is a 405 too, not a refusal to audit.
	req, _ := http.NewRequest(http.MethodOptions, "/admin/users", nil)
	if res := p.Login("admin").Do(req); res.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("OPTIONS /admin/users as admin = %d, want 405", res.StatusCode)
	}
	if got := countAudit(t, p, "access.denied"); got != 1 {
		t.Errorf("%d access.denied entries after HEAD/OPTIONS/TRACE, want 1", got)
	}
	// When the window ends, one summary counts the rest.
	p.Clock.Advance(11 * time.Minute)
	must(t, p.App.Server.FlushRefusals(context.Background()))
	ev := auditEntries(t, p, "access.denied.repeated")
	if len(ev) != 1 || !strings.Contains(ev[0].NewValue, fmt.Sprintf(`"count":%d`, n-1)) || ev[0].ClientAddr != "127.0.0.1" {
		t.Fatalf("summary entries %+v, want one counting %d from 127.0.0.1", ev, n-1)
	}
	// The next window starts with an entry of its own.
	p.Client().PostRaw("/profile", "application/x-www-form-urlencoded", strings.NewReader("display_name=x"))
	if got := countAudit(t, p, "access.denied"); got != 2 {
		t.Errorf("%d access.denied entries in the second window, want 2", got)
	}
}

// TestObjectRefusalsAreAudited: a unit walking other units' IDs gets 404
// as for a missing object, and the audit log names the user, the object
// type and the first ID, with the rest of the sweep counted.
func TestObjectRefusalsAreAudited(t *testing.T) {
	e := newFlow(t)
	cs := e.signAll("canlian", "taishan", "jiaoyuju")
	taishan, jiaoyu := cs["taishan"], cs["jiaoyuju"]
	ids := []int64{e.CoCanlian.ID, e.Lead.ID, e.OtherLeadCanlian.ID}
	const sweep = 30
	for i := range sweep {
		id := ids[i%len(ids)]
		if res := taishan.Get(fmt.Sprintf("/assignments/%d", id)); res.StatusCode != http.StatusNotFound {
			t.Fatalf("taishan GET /assignments/%d = %d, want 404", id, res.StatusCode)
		}
	}
	// A miss is not a refusal.
	if res := taishan.Get("/assignments/999999"); res.StatusCode != http.StatusNotFound {
		t.Fatalf("a missing assignment = %d", res.StatusCode)
	}
	ev := auditEntries(t, e.P, "object.denied")
	if len(ev) != 1 {
		t.Fatalf("%d object.denied entries for a sweep of %d, want 1", len(ev), sweep)
	}
	if ev[0].ActorName != "taishan" || ev[0].ObjectType != "assignment" || ev[0].ObjectID != ids[0] {
		t.Errorf("object.denied entry %+v, want taishan, assignment %d", ev[0], ids[0])
	}
	// A refusal found by the workflow rules (signing another unit's
	// assignment) names the object of the route.
	if res := jiaoyu.PostForm(fmt.Sprintf("/assignments/%d/sign", e.OtherLeadCanlian.ID), url.Values{}); res.StatusCode != http.StatusNotFound {
		t.Fatalf("signing another unit's assignment = %d, want 404", res.StatusCode)
	}
	ev = auditEntries(t, e.P, "object.denied")
	if len(ev) != 2 || ev[0].ActorName != "jiaoyuju" || ev[0].ObjectID != e.OtherLeadCanlian.ID {
		t.Fatalf("object.denied entries %+v, want jiaoyuju's refusal on assignment %d", ev, e.OtherLeadCanlian.ID)
	}
	e.P.Clock.Advance(11 * time.Minute)
	must(t, e.P.App.Server.FlushRefusals(context.Background()))
	sum := auditEntries(t, e.P, "object.denied.repeated")
	if len(sum) != 1 || sum[0].ActorName != "taishan" || !strings.Contains(sum[0].NewValue, fmt.Sprintf(`"count":%d`, sweep-1)) {
		t.Fatalf("summary %+v, want taishan's sweep counted as %d", sum, sweep-1)
	}
}
