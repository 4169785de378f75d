package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"duban/internal/testutil"
)

func TestHealthz(t *testing.T) {
	p := testutil.Start(t)
	res := p.Client().Get("/healthz")
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, `"ok"`) {
		t.Fatalf("healthz = %d %s", res.StatusCode, res.Body)
	}
	p.App.DB.Close()
	res = p.Client().Get("/healthz")
	if res.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("healthz with the database closed = %d, want 503", res.StatusCode)
	}
}

func TestLoginPageInBothLanguages(t *testing.T) {
	p := testutil.Start(t)
	c := p.Client()
	res := c.Get("/login")
	doc := res.Doc(t)
	if got := doc.Find("h1").Text(); got != "登录督办平台" {
		t.Fatalf("zh h1 = %q", got)
	}
	if lang, _ := doc.Find("html").Attr("lang"); lang != "zh-CN" {
		t.Fatalf("html lang = %q", lang)
	}
	res = c.PostForm("/lang", url.Values{"to": {"en"}, "back": {"/login"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login" {
		t.Fatalf("lang switch = %d → %s", res.StatusCode, res.Header.Get("Location"))
	}
	doc = c.Get("/login").Doc(t)
	if got := doc.Find("h1").Text(); got != "Log in to Duban" {
		t.Fatalf("en h1 = %q", got)
	}
	// The choice persists on other pages and an open redirect is refused.
	res = c.PostForm("/lang", url.Values{"to": {"zh-CN"}, "back": {"//evil.example/"}})
	if loc := res.Header.Get("Location"); loc != "/" {
		t.Fatalf("lang switch back = %q, want /", loc)
	}
}

func TestLoginLogoutAndDeadCookie(t *testing.T) {
	p := testutil.Start(t)
	anon := p.Client()
	res := anon.Get("/")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
		t.Fatalf("anonymous / = %d → %s", res.StatusCode, res.Header.Get("Location"))
	}
	bad := anon.PostForm("/login", url.Values{"username": {"duchashi"}, "password": {"wrong-password"}})
	unknown := anon.PostForm("/login", url.Values{"username": {"nobody"}, "password": {"wrong-password"}})
	if bad.StatusCode != http.StatusUnauthorized || unknown.StatusCode != http.StatusUnauthorized {
		t.Fatalf("failed logins = %d / %d, want 401", bad.StatusCode, unknown.StatusCode)
	}
	if bad.Doc(t).Find(".flash-error").Text() != unknown.Doc(t).Find(".flash-error").Text() {
		t.Fatal("unknown user and wrong password answer differently")
	}

	c := p.Login("duchashi")
	res = c.Get("/")
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "市政府督查室") {
		t.Fatalf("dashboard = %d", res.StatusCode)
	}
	// Keep the session cookie to replay it after logout.
	u, _ := url.Parse(p.Server.URL)
	var old []*http.Cookie
	for _, ck := range c.HTTP.Jar.Cookies(u) {
		old = append(old, &http.Cookie{Name: ck.Name, Value: ck.Value})
	}
	res = c.PostForm("/logout", nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout = %d", res.StatusCode)
	}
	replay := p.Client()
	replay.HTTP.Jar.SetCookies(u, old)
	if res := replay.Get("/"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("old cookie after logout = %d, want redirect to login", res.StatusCode)
	}
}

func TestErrorPagesAndHeaders(t *testing.T) {
	p := testutil.Start(t)
	c := p.Login("duchashi")
	res := c.Get("/no/such/page")
	if res.StatusCode != http.StatusNotFound {
		t.Fatalf("404 page = %d", res.StatusCode)
	}
	doc := res.Doc(t)
	if doc.Find(".error-code").Text() != "404" || doc.Find("header.site-header").Length() != 1 {
		t.Fatal("the 404 page is not rendered in the layout")
	}
	for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy"} {
		if res.Header.Get(h) == "" {
			t.Errorf("404 lacks %s", h)
		}
	}
	csp := res.Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "'nonce-"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	// A POST without the CSRF token is refused and changes nothing.
	res = c.PostRaw("/logout", "application/x-www-form-urlencoded", strings.NewReader(""))
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("POST without CSRF = %d, want 403", res.StatusCode)
	}
	if c.Get("/").StatusCode != http.StatusOK {
		t.Fatal("the refused logout still logged the user out")
	}
}

func TestStaticAssetsAreCached(t *testing.T) {
	p := testutil.Start(t)
	doc := p.Client().Get("/login").Doc(t)
	href, _ := doc.Find(`link[rel=stylesheet]`).First().Attr("href")
	if !strings.Contains(href, "?v=") {
		t.Fatalf("stylesheet URL %q has no version", href)
	}
	res := p.Client().Get(href)
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Cache-Control"), "immutable") {
		t.Fatalf("static = %d, Cache-Control %q", res.StatusCode, res.Header.Get("Cache-Control"))
	}
	if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/css") {
		t.Fatalf("content type %q", res.Header.Get("Content-Type"))
	}
}
