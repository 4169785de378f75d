// Package testutil starts a real portal for integration tests: a migrated
// SQLite file in t.TempDir(), the real echo router behind httptest, a cookie
// jar, CSRF handled like a browser form would, and goquery for reading pages.
package testutil

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"duban/internal/app"
	"duban/internal/clock"
	"duban/internal/config"
	"duban/internal/demo"
)

// Portal is a running test portal.
type Portal struct {
	T      testing.TB
	App    *app.App
	Server *httptest.Server
	Clock  *clock.Fake
	Config *config.Config
}

// Option adjusts the config before start.
type Option func(*config.Config)

// WithDB points the portal at another database (e.g. a postgres:// URL).
func WithDB(dsn string) Option { return func(c *config.Config) { c.DB = dsn } }

// DemoWithoutPlan seeds the demo accounts but not the Jiangmen plan, for
// tests whose numbers come from their own fixture.
func DemoWithoutPlan() Option { return func(c *config.Config) { c.SkipDemoPlan = true } }

// WithDemoHistory seeds the full demo, reporting history included, as
// `serve --demo` does.
func WithDemoHistory() Option { return func(c *config.Config) { c.SkipDemoHistory = false } }

// NoDemo starts an empty portal.
func NoDemo() Option { return func(c *config.Config) { c.Demo = false } }

// WithDataDir uses dir instead of a fresh temporary data directory, e.g. to
// start a second portal on the first one's database and keys.
func WithDataDir(dir string) Option { return func(c *config.Config) { c.DataDir = dir } }

// WithSecure starts the portal as if served over HTTPS: Secure cookies with
// the __Host- prefix and HSTS. The test server still speaks plain HTTP on
// loopback, where cookie jars and browsers send Secure cookies anyway.
func WithSecure() Option { return func(c *config.Config) { c.Secure = true } }

// WithTrustedProxies believes X-Forwarded-For from these CIDRs, like
// --trusted-proxies (the test client connects from 127.0.0.1).
func WithTrustedProxies(cidrs ...string) Option {
	return func(c *config.Config) {
		for _, s := range cidrs {
			_, n, err := net.ParseCIDR(s)
			if err != nil {
				panic("testutil.WithTrustedProxies: " + err.Error())
			}
			c.TrustedProxies = append(c.TrustedProxies, n)
		}
	}
}

// WithSessionTimeouts sets the idle and absolute session lifetimes.
func WithSessionTimeouts(idle, absolute time.Duration) Option {
	return func(c *config.Config) { c.SessionIdle, c.SessionAbsolute = idle, absolute }
}

// Start runs a portal with the demo data at the demo date (09:00 local).
func Start(t testing.TB, opts ...Option) *Portal {
	t.Helper()
	fs, cfg, finish := config.FlagSet("test")
	if err := fs.Parse(nil); err != nil {
		t.Fatal(err)
	}
	cfg.DataDir = t.TempDir()
	cfg.Demo = true
	// The reporting history takes seconds to write; tests ask for it with
	// WithDemoHistory.
	cfg.SkipDemoHistory = true
	for _, o := range opts {
		o(cfg)
	}
	if err := finish(); err != nil {
		t.Fatal(err)
	}
	now, _ := clock.ParseNow(demo.Date)
	fake := clock.NewFake(now)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		log = slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	a, err := app.New(context.Background(), cfg, app.Options{Clock: fake, Log: log})
	if err != nil {
		t.Fatalf("start portal: %v", err)
	}
	srv := httptest.NewServer(a.Server.E)
	t.Cleanup(func() {
		srv.Close()
		a.Close()
	})
	return &Portal{T: t, App: a, Server: srv, Clock: fake, Config: cfg}
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// Count counts the rows of m's table that match where ("1 = 1": all):
// what a test checks was written, or not, whatever page would show it.
// It reads the primary, so a write just made is counted.
func (p *Portal) Count(m any, where string, args ...any) int64 {
	p.T.Helper()
	var n int64
	if err := p.App.DB.W.Model(m).Where(where, args...).Count(&n).Error; err != nil {
		p.T.Fatalf("count %T where %s: %v", m, where, err)
	}
	return n
}

// Client is one browser: a cookie jar that does not follow redirects, so
// tests can assert them.
type Client struct {
	p    *Portal
	HTTP *http.Client
}

// Client makes a fresh anonymous client.
func (p *Portal) Client() *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{p: p, HTTP: &http.Client{
		Jar:     jar,
		Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}}
}

// Login returns a client logged in as username with the demo password.
func (p *Portal) Login(username string) *Client {
	c := p.Client()
	res := c.PostForm("/login", url.Values{"username": {username}, "password": {p.App.DemoPassword}})
	if res.StatusCode != http.StatusSeeOther {
		p.T.Fatalf("login as %s: status %d, want 303", username, res.StatusCode)
	}
	return c
}

// Response is a read response.
type Response struct {
	*http.Response
	Body string
}

// Doc parses the body as HTML.
func (r *Response) Doc(t testing.TB) *goquery.Document {
	t.Helper()
	d, err := goquery.NewDocumentFromReader(strings.NewReader(r.Body))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func (c *Client) do(req *http.Request) *Response {
	c.p.T.Helper()
	res, err := c.HTTP.Do(req)
	if err != nil {
		c.p.T.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		c.p.T.Fatal(err)
	}
	return &Response{Response: res, Body: string(b)}
}

// Get fetches a path.
func (c *Client) Get(path string) *Response {
	c.p.T.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.p.Server.URL+path, nil)
	return c.do(req)
}

// CSRF returns the client's CSRF token, fetching the login page first if the
// jar has none yet (as a browser would have loaded a form).
func (c *Client) CSRF() string {
	c.p.T.Helper()
	u, _ := url.Parse(c.p.Server.URL)
	for _, ck := range c.HTTP.Jar.Cookies(u) {
		if ck.Name == "duban_csrf" || ck.Name == "__Host-duban_csrf" {
			return ck.Value
		}
	}
	c.Get("/login")
	for _, ck := range c.HTTP.Jar.Cookies(u) {
		if ck.Name == "duban_csrf" || ck.Name == "__Host-duban_csrf" {
			return ck.Value
		}
	}
	c.p.T.Fatal("no CSRF cookie set")
	return ""
}

// PostForm posts a form with the CSRF token added.
func (c *Client) PostForm(path string, form url.Values) *Response {
	c.p.T.Helper()
	if form == nil {
		form = url.Values{}
	}
	if form.Get("_csrf") == "" {
		form.Set("_csrf", c.CSRF())
	}
	return c.PostRaw(path, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
}

// PostRaw posts a body as is (no CSRF token is added).
func (c *Client) PostRaw(path, contentType string, body io.Reader) *Response {
	c.p.T.Helper()
	req, _ := http.NewRequest(http.MethodPost, c.p.Server.URL+path, body)
	req.Header.Set("Content-Type", contentType)
	return c.do(req)
}

// Do sends a prepared request (its URL is taken relative to the portal).
func (c *Client) Do(req *http.Request) *Response {
	c.p.T.Helper()
	u, _ := url.Parse(c.p.Server.URL)
	req.URL.Scheme, req.URL.Host = u.Scheme, u.Host
	return c.do(req)
}
