package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"duban/internal/auth"
	"duban/internal/config"
	"duban/internal/store"
)

// TestOpenAPIDocumentValidates checks the served document against the
// OpenAPI 3.1 specification's schema.
func TestOpenAPIDocumentValidates(t *testing.T) {
	e := start(t)
	if ok, errs := e.v.ValidateDocument(); !ok {
		for _, err := range errs {
			t.Errorf("%s: %s", err.Message, err.Reason)
		}
	}
	if v := e.p.App.Server.API.OpenAPI().OpenAPI; v != "3.1.0" {
		t.Errorf("OpenAPI version %q", v)
	}
	want(t, e.call("", "GET", "/plans", nil), http.StatusUnauthorized) // at least one validated call
}

// TestSessionCookieIsNotAccepted: a logged-in browser's cookie (and its
// CSRF token) gets 401 problem+json on the API, read or write.
func TestSessionCookieIsNotAccepted(t *testing.T) {
	e := start(t)
	c := e.p.Login("jiaoyuju")
	for _, r := range []struct{ method, path string }{{"GET", "/api/v1/plans"}, {"POST", "/api/v1/assignments/1/sign"}} {
		req, _ := http.NewRequest(r.method, r.path, strings.NewReader("{}"))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-CSRF-Token", c.CSRF())
		res := c.Do(req)
		if res.StatusCode != http.StatusUnauthorized || res.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s %s with the session cookie: %d %s", r.method, r.path, res.StatusCode, res.Header.Get("Content-Type"))
		}
		if res.Header.Get("WWW-Authenticate") == "" {
			t.Error("no WWW-Authenticate challenge")
		}
	}
	want(t, e.call("", "GET", "/plans", nil), http.StatusUnauthorized)
	want(t, e.call("dbn_not-a-token", "GET", "/plans", nil), http.StatusUnauthorized)
}

// TestTokenScopeAndLife: a read-only token reads but gets 403 on writes;
// a revoked or expired token gets 401 (the expired use audited); the last
// use is recorded at most once a minute.
func TestTokenScopeAndLife(t *testing.T) {
	e := start(t)
	ctx := t.Context()
	ro := e.token("jiaoyuju", auth.NewToken{Name: "ro", ReadOnly: true})
	want(t, e.call(ro, "GET", "/plans", nil), http.StatusOK)
	req, _ := http.NewRequest("GET", e.p.Server.URL+"/api/v1/plans", nil)
	req.Header.Set("Authorization", "bearer "+ro) // the scheme is case-insensitive
	if res := e.p.Client().Do(req); res.StatusCode != http.StatusOK {
		t.Fatalf("lower-case scheme: %d", res.StatusCode)
	}
	var p problemJSON
	want(t, e.call(ro, "POST", "/assignments/1/sign", nil), http.StatusForbidden).json(t, &p)
	if p.Code != "api.err.read_only" {
		t.Fatalf("read-only refusal: %+v", p)
	}

	rw := e.token("jiaoyuju", auth.NewToken{Name: "rw", Days: 1})
	tok, err := e.p.App.Store.APITokenByHash(ctx, auth.HashToken(rw))
	if err != nil {
		t.Fatal(err)
	}
	want(t, e.call(rw, "GET", "/plans", nil), http.StatusOK)
	tok, _ = e.p.App.Store.APITokenByHash(ctx, auth.HashToken(rw))
	if tok.LastUsedAt == nil {
		t.Fatal("last use not recorded")
	}
	first := *tok.LastUsedAt
	e.p.Clock.Advance(10 * time.Second)
	want(t, e.call(rw, "GET", "/plans", nil), http.StatusOK)
	tok, _ = e.p.App.Store.APITokenByHash(ctx, auth.HashToken(rw))
	if !tok.LastUsedAt.Equal(first) {
		t.Fatal("last use written again within a minute")
	}

	// Expired after a day.
	e.p.Clock.Advance(25 * time.Hour)
	want(t, e.call(rw, "GET", "/plans", nil), http.StatusUnauthorized)
	if n := countAudit(t, e, "token.expired_use"); n != 1 {
		t.Fatalf("%d token.expired_use entries", n)
	}

	// Revoked.
	u, _ := e.p.App.Store.UserByUsername(ctx, "jiaoyuju")
	rv := e.token("jiaoyuju", noScope)
	want(t, e.call(rv, "GET", "/plans", nil), http.StatusOK)
	rt, _ := e.p.App.Store.APITokenByHash(ctx, auth.HashToken(rv))
	if err := auth.NewTokens(e.p.App.Store, e.p.Clock).Revoke(ctx, store.ActorOf(u, "test"), rt.ID); err != nil {
		t.Fatal(err)
	}
	want(t, e.call(rv, "GET", "/plans", nil), http.StatusUnauthorized)

	// While an administrator's password stands, the token is refused.
	mt := e.token("taishan", noScope)
	tu, _ := e.p.App.Store.UserByUsername(ctx, "taishan")
	if err := e.p.App.Store.ResetPassword(ctx, store.Actor{Username: "test"}, tu.ID, tu.PasswordHash); err != nil {
		t.Fatal(err)
	}
	want(t, e.call(mt, "GET", "/plans", nil), http.StatusForbidden).json(t, &p)
	if p.Code != "api.err.must_change_password" {
		t.Fatalf("must change password: %+v", p)
	}

	// A disabled user's token stops working.
	dt := e.token("canlian", noScope)
	cu, _ := e.p.App.Store.UserByUsername(ctx, "canlian")
	if err := e.p.App.Store.SetUserDisabled(ctx, store.Actor{Username: "test"}, cu.ID, true); err != nil {
		t.Fatal(err)
	}
	want(t, e.call(dt, "GET", "/plans", nil), http.StatusUnauthorized)
}

func countAudit(t *testing.T, e *env, action string) int {
	t.Helper()
	evs, _, err := e.p.App.Store.ListAudit(context.Background(), store.AuditFilter{Action: action})
	if err != nil {
		t.Fatal(err)
	}
	return len(evs)
}

// TestRateLimit: past the burst a token gets 429 with Retry-After, and
// another token is not affected.
func TestRateLimit(t *testing.T) {
	e := start(t)
	e.p.App.Server.API.SetRate(0.5, 3)
	a, b := e.token("lingdao", noScope), e.token("duchashi", noScope)
	for range 3 {
		want(t, e.call(a, "GET", "/plans", nil), http.StatusOK)
	}
	res := want(t, e.call(a, "GET", "/plans", nil), http.StatusTooManyRequests)
	if ra := res.Header.Get("Retry-After"); ra == "" || ra == "0" {
		t.Fatalf("Retry-After %q", ra)
	}
	want(t, e.call(b, "GET", "/plans", nil), http.StatusOK)
}

// TestErrorsAndPaging: problems come in the caller's language; filters,
// sorts and cursors off the allow-list are 400; pages chain by cursor;
// If-None-Match gives 304.
func TestErrorsAndPaging(t *testing.T) {
	e := start(t)
	tok := e.token("duchashi", noScope)
	var p problemJSON
	want(t, e.call(tok, "GET", "/plans/999999", nil, "Accept-Language", "en"), http.StatusNotFound).json(t, &p)
	if p.Detail != "The page or record was not found." {
		t.Fatalf("English problem: %+v", p)
	}
	want(t, e.call(tok, "GET", "/plans/999999", nil, "Accept-Language", "zh-CN"), http.StatusNotFound).json(t, &p)
	if !strings.Contains(p.Detail, "找不到") {
		t.Fatalf("Chinese problem: %+v", p)
	}
	var plans struct {
		Items []struct {
			ID int64 `json:"id"`
		} `json:"items"`
	}
	want(t, e.call(tok, "GET", "/plans", nil), http.StatusOK).json(t, &plans)
	plan := plans.Items[0].ID
	for _, q := range []string{"/ledger?plan=%d&sort=name", "/ledger?plan=%d&light=purple", "/ledger?plan=%d&colour=red",
		"/ledger?plan=%d&cursor=bm9wZQ", "/scorecard?plan=%d&sort=-size"} {
		want(t, e.call(tok, "GET", path(q, plan), nil), http.StatusBadRequest)
	}
	want(t, e.call(tok, "GET", path("/ledger?plan=%d&period=999999", plan), nil), http.StatusBadRequest).json(t, &p)
	if p.Fields["period"] == "" {
		t.Fatalf("period off the plan: %+v", p)
	}

	// Every measure once, five a page.
	seen := map[int64]bool{}
	cursor := ""
	for pages := 0; ; pages++ {
		var page struct {
			Items []struct {
				ID int64 `json:"id"`
			} `json:"items"`
			NextCursor string `json:"next_cursor"`
		}
		want(t, e.call(tok, "GET", path("/plans/%d/measures?limit=5&cursor=%s", plan, cursor), nil), http.StatusOK).json(t, &page)
		if len(page.Items) > 5 || pages > 500 {
			t.Fatal("page too long or endless")
		}
		for _, it := range page.Items {
			if seen[it.ID] {
				t.Fatalf("measure %d twice", it.ID)
			}
			seen[it.ID] = true
		}
		if page.NextCursor == "" {
			break
		}
		cursor = page.NextCursor
	}
	ms, err := e.p.App.Store.MeasuresOf(t.Context(), plan)
	if err != nil || len(seen) != len(ms) {
		t.Fatalf("paged %d measures of %d (%v)", len(seen), len(ms), err)
	}

	res := want(t, e.call(tok, "GET", path("/ledger?plan=%d", plan), nil), http.StatusOK)
	tag := res.Header.Get("ETag")
	if tag == "" {
		t.Fatal("no ETag")
	}
	if r := e.call(tok, "GET", path("/ledger?plan=%d", plan), nil, "If-None-Match", tag); r.Status != http.StatusNotModified || len(r.Body) != 0 {
		t.Fatalf("If-None-Match: %d", r.Status)
	}
	want(t, e.call(tok, "GET", path("/ledger?plan=%d", plan), nil, "If-None-Match", `"other"`), http.StatusOK)
	want(t, e.call(tok, "GET", path("/scorecard?plan=%d&sort=-on_time", plan), nil), http.StatusOK)
	want(t, e.call(tok, "GET", path("/indicators?plan=%d", plan), nil), http.StatusOK)
}

// TestRateFromTheConfig: --api-rate sets the per-token rate, with a burst
// of five seconds' worth.
func TestRateFromTheConfig(t *testing.T) {
	e := start(t, func(c *config.Config) { c.APIRate = 1 })
	tok := e.token("lingdao", noScope)
	limited := 0
	for range 8 {
		if e.call(tok, "GET", "/plans", nil).Status == http.StatusTooManyRequests {
			limited++
		}
	}
	if limited == 0 || limited > 3 {
		t.Fatalf("%d of 8 requests refused at 1/s with a burst of 5", limited)
	}
}
