package web

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"strings"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/labstack/echo/v4"

	"duban/internal/clock"
	"duban/internal/i18n"
	"duban/internal/readmodel"
	"duban/internal/reqctx"
)

// cachedRoutes are the read-only pages whose HTML is kept per user: the
// dashboards, queues, ledger and measure pages everyone opens many times
// a day. Their handlers write nothing and set no cookie.
var cachedRoutes = map[string]bool{
	"/": true, "/todo": true, "/supervision": true, "/ledger": true,
	"/indicators": true, "/scorecard": true, "/measures/:id": true,
}

const (
	// pageCacheEntries bounds the cache (a page is 10–300 KB).
	pageCacheEntries = 256
	// pageCacheTTL bounds how long a page is kept even when nothing it
	// keys on moved: on PostgreSQL an audit ID can commit after a larger
	// one, which the mark would miss.
	pageCacheTTL = 30 * time.Second
)

// pageKey is everything a cached page depends on besides the two
// per-request holes (CSRF token, CSP nonce): who asks, in which language,
// for what, and the state of the data and the day.
type pageKey struct {
	user       int64
	locale     string
	uri        string
	generation int64
	auditMark  int64
	unread     int
	day        string
}

type cachedPage struct {
	body    []byte
	ctype   string
	expires time.Time
}

// pageCache keeps rendered pages. A page is rendered with placeholder
// tokens in place of the request's CSRF token and CSP nonce, kept, and
// served with the real ones put in. The read model's generation (every
// workflow write, name and plan change bumps it, in any instance, and so
// does the clock when a light changes) and the newest audit ID key it, so
// a page is rendered again as soon as anything on it may have changed.
type pageCache struct {
	lru       *lru.Cache[pageKey, *cachedPage]
	csrfHole  string
	nonceHole string
}

func newPageCache() *pageCache {
	c, _ := lru.New[pageKey, *cachedPage](pageCacheEntries)
	return &pageCache{lru: c, csrfHole: hole("csrf"), nonceHole: hole("nonce")}
}

// hole is a placeholder that cannot occur in a page: a random token,
// plain ASCII so no escaping changes it.
func hole(name string) string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return "dubanhole" + name + hex.EncodeToString(b[:])
}

// fill puts the request's token and nonce into a kept page.
func (p *pageCache) fill(body []byte, csrf, nonce string) []byte {
	out := bytes.ReplaceAll(body, []byte(p.csrfHole), []byte(csrf))
	return bytes.ReplaceAll(out, []byte(p.nonceHole), []byte(nonce))
}

// recorder keeps what a handler writes so it can be stored before it is
// sent.
type recorder struct {
	http.ResponseWriter
	status int
	buf    bytes.Buffer
}

func (r *recorder) WriteHeader(status int) { r.status = status }
func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.buf.Write(b)
}

// cachePages serves the cachedRoutes from the page cache, or renders them
// with holes, keeps a 200 HTML answer and sends it filled.
func (s *Server) cachePages(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		ctx := r.Context()
		info := reqctx.Get(ctx)
		if r.Method != http.MethodGet || !cachedRoutes[c.Path()] || info.User == nil || info.Flash != nil {
			return next(c)
		}
		now := s.h.Clock.Now()
		rm, err := readmodel.Sync(ctx, s.h.Store, now)
		if err != nil {
			return err
		}
		key := pageKey{user: info.User.ID, locale: i18n.Locale(ctx), uri: r.URL.RequestURI(),
			generation: rm.Generation, auditMark: rm.AuditMark, unread: info.Unread,
			day: clock.Date(now).Format(time.DateOnly)}
		csrf, nonce := info.CSRF, info.Nonce
		if pg, ok := s.pages.lru.Get(key); ok && now.Before(pg.expires) {
			c.Response().Header().Set(echo.HeaderContentType, pg.ctype)
			return c.HTMLBlob(http.StatusOK, s.pages.fill(pg.body, csrf, nonce))
		}
		// Render with holes: the request's own info is a copy, so
		// nothing else sees the placeholders.
		holed := *info
		holed.CSRF, holed.Nonce = s.pages.csrfHole, s.pages.nonceHole
		c.SetRequest(r.WithContext(reqctx.With(ctx, &holed)))
		cookies := len(c.Response().Header().Values("Set-Cookie"))
		res := c.Response()
		orig := res.Writer
		rec := &recorder{ResponseWriter: orig}
		res.Writer = rec
		err = next(c)
		res.Writer = orig
		c.SetRequest(r)
		// The info the middleware before us keeps pointing at gets the
		// handler's changes (e.g. a badge) without the holes.
		holed.CSRF, holed.Nonce = csrf, nonce
		*info = holed
		if rec.status == 0 && rec.buf.Len() == 0 {
			return err // nothing written: the error handler answers
		}
		body := rec.buf.Bytes()
		ctype := res.Header().Get(echo.HeaderContentType)
		if err == nil && rec.status == http.StatusOK && strings.HasPrefix(ctype, echo.MIMETextHTML) &&
			len(res.Header().Values("Set-Cookie")) == cookies {
			kept := bytes.Clone(body)
			s.pages.lru.Add(key, &cachedPage{body: kept, ctype: ctype, expires: now.Add(pageCacheTTL)})
		}
		orig.WriteHeader(rec.status)
		if _, werr := orig.Write(s.pages.fill(body, csrf, nonce)); werr != nil && err == nil {
			err = werr
		}
		return err
	}
}
