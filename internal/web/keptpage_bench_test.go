package web_test

import (
	"net/http"
	"net/url"
	"testing"

	"duban/internal/testutil"
)

// discard is a ResponseWriter that keeps the status and counts the bytes,
// so the benchmark measures the server's work, not a client's.
type discard struct {
	h      http.Header
	status int
	n      int
}

func (d *discard) Header() http.Header    { return d.h }
func (d *discard) WriteHeader(status int) { d.status = status }
func (d *discard) Write(b []byte) (int, error) {
	if d.status == 0 {
		d.status = http.StatusOK
	}
	d.n += len(b)
	return len(b), nil
}

// BenchmarkKeptPage measures what a kept page costs the server per
// request — the middleware chain (session, CSRF, guard, the cache key)
// and the fill — through the real router with no network between, so
// its ns/op and allocs/op compare across runs on a loaded machine (issue
// #11: the demo's p99 is this floor times the queue).
//
//	go test -run XXX -bench KeptPage -benchmem ./internal/web/
func BenchmarkKeptPage(b *testing.B) {
	p := testutil.Start(b, testutil.WithDemoHistory())
	base, _ := url.Parse(p.Server.URL)
	for _, bc := range []struct{ user, path string }{
		{"duchashi", "/"},
		{"jiaoyuju", "/"},
		{"jiaoyuju", "/todo"},
	} {
		c := p.Login(bc.user)
		if res := c.Get(bc.path); res.StatusCode != http.StatusOK {
			b.Fatalf("GET %s as %s = %d", bc.path, bc.user, res.StatusCode)
		}
		cookies := c.HTTP.Jar.Cookies(base)
		b.Run(bc.user+bc.path, func(b *testing.B) {
			b.ReportAllocs()
			var size int
			for b.Loop() {
				req, _ := http.NewRequest(http.MethodGet, p.Server.URL+bc.path, nil)
				req.RemoteAddr = "127.0.0.1:40000"
				for _, ck := range cookies {
					req.AddCookie(ck)
				}
				w := &discard{h: http.Header{}}
				p.App.Server.E.ServeHTTP(w, req)
				if w.status != http.StatusOK {
					b.Fatalf("GET %s = %d", bc.path, w.status)
				}
				size = w.n
			}
			b.ReportMetric(float64(size), "bytes/page")
		})
	}
}
