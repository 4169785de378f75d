package web

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/labstack/echo/v4"

	"duban/internal/clock"
	"duban/internal/i18n"
	"duban/internal/readmodel"
	"duban/internal/reqctx"
	"duban/internal/store"
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

// cachedPage is a kept page cut at its holes: text[0] hole[0] text[1]
// hole[1] … text[n], so filling it is one copy, not a search.
type cachedPage struct {
	text    [][]byte
	holes   []bool // true: the CSRF token, false: the nonce
	size    int    // of the text, without the holes
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

	// rendering lists the pages being rendered: who asks for one
	// meanwhile waits for it instead of rendering it too.
	mu        sync.Mutex
	rendering map[pageKey]chan struct{}
}

func newPageCache() *pageCache {
	c, _ := lru.New[pageKey, *cachedPage](pageCacheEntries)
	return &pageCache{lru: c, csrfHole: hole("csrf"), nonceHole: hole("nonce"), rendering: map[pageKey]chan struct{}{}}
}

// get returns the kept page under k if it is still good.
func (p *pageCache) get(k pageKey, now time.Time) (*cachedPage, bool) {
	pg, ok := p.lru.Get(k)
	return pg, ok && now.Before(pg.expires)
}

// claim makes the caller the one who renders k, or, when another request
// already does, waits for it and returns false.
func (p *pageCache) claim(ctx context.Context, k pageKey) (done func(), mine bool) {
	p.mu.Lock()
	if ch, ok := p.rendering[k]; ok {
		p.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
		}
		return nil, false
	}
	ch := make(chan struct{})
	p.rendering[k] = ch
	p.mu.Unlock()
	return func() {
		p.mu.Lock()
		delete(p.rendering, k)
		p.mu.Unlock()
		close(ch)
	}, true
}

// hole is a placeholder that cannot occur in a page: a random token,
// plain ASCII so no escaping changes it.
func hole(name string) string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return "dubanhole" + name + hex.EncodeToString(b[:])
}

// cut splits a page rendered with holes at them.
func (p *pageCache) cut(body []byte) *cachedPage {
	pg := &cachedPage{}
	csrf, nonce := []byte(p.csrfHole), []byte(p.nonceHole)
	next := func(b, hole []byte) int {
		if i := bytes.Index(b, hole); i >= 0 {
			return i
		}
		return len(b) + 1
	}
	ci, ni := next(body, csrf), next(body, nonce)
	for ci <= len(body) || ni <= len(body) {
		var n int
		if ci < ni {
			pg.text, pg.holes = append(pg.text, body[:ci]), append(pg.holes, true)
			n = ci + len(csrf)
		} else {
			pg.text, pg.holes = append(pg.text, body[:ni]), append(pg.holes, false)
			n = ni + len(nonce)
		}
		body = body[n:]
		if ci -= n; ci < 0 {
			ci = next(body, csrf)
		}
		if ni -= n; ni < 0 {
			ni = next(body, nonce)
		}
	}
	pg.text = append(pg.text, body)
	pg.size = 0
	for _, t := range pg.text {
		pg.size += len(t)
	}
	return pg
}

// fill puts the request's token and nonce into a kept page.
func (pg *cachedPage) fill(csrf, nonce string) []byte {
	out := make([]byte, 0, pg.size+len(pg.holes)*len(csrf))
	for i, t := range pg.text {
		out = append(out, t...)
		if i < len(pg.holes) {
			if pg.holes[i] {
				out = append(out, csrf...)
			} else {
				out = append(out, nonce...)
			}
		}
	}
	return out
}

// send answers 200 with the kept page filled, written piece by piece
// into the response: no copy of the page per request (a page is 10–300
// KB; assembling it was most of a kept page's allocations).
func (pg *cachedPage) send(c echo.Context, csrf, nonce string) error {
	res := c.Response()
	n := pg.size
	for _, h := range pg.holes {
		if h {
			n += len(csrf)
		} else {
			n += len(nonce)
		}
	}
	res.Header().Set(echo.HeaderContentType, pg.ctype)
	res.Header().Set(echo.HeaderContentLength, strconv.Itoa(n))
	res.WriteHeader(http.StatusOK)
	// The page goes out in one write: written piece by piece (a piece
	// between two tokens, ~100 on a queue page), the response's small
	// buffers sent it in a system call per 4 KB, a third of a large kept
	// page's cost.
	bp := sendBuffers.Get().(*[]byte)
	b := (*bp)[:0]
	for i, t := range pg.text {
		b = append(b, t...)
		if i < len(pg.holes) {
			if pg.holes[i] {
				b = append(b, csrf...)
			} else {
				b = append(b, nonce...)
			}
		}
	}
	_, err := res.Write(b)
	if cap(b) <= maxSendBuffer {
		*bp = b
		sendBuffers.Put(bp)
	}
	return err
}

// sendBuffers holds the buffers kept pages are assembled in; one larger
// than maxSendBuffer is left to the collector.
var sendBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 64<<10); return &b }}

const maxSendBuffer = 1 << 20

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
		var rm store.ReadModelStatus
		var err error
		if st, ok := c.Get(visitStatusKey).(store.ReadModelStatus); ok {
			rm, err = readmodel.SyncFrom(ctx, s.h.Store, now, st)
		} else {
			rm, err = readmodel.Sync(ctx, s.h.Store, now)
		}
		if err != nil {
			return err
		}
		key := pageKey{user: info.User.ID, locale: i18n.Locale(ctx), uri: r.URL.RequestURI(),
			generation: rm.Generation, auditMark: rm.AuditMark, unread: info.Unread,
			day: clock.Date(now).Format(time.DateOnly)}
		csrf, nonce := info.CSRF, info.Nonce
		if pg, ok := s.pages.get(key, now); ok {
			return pg.send(c, csrf, nonce)
		}
		done, mine := s.pages.claim(ctx, key)
		if !mine {
			if pg, ok := s.pages.get(key, now); ok {
				return pg.send(c, csrf, nonce)
			}
		} else {
			defer done()
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
		pg := s.pages.cut(rec.buf.Bytes())
		pg.ctype = res.Header().Get(echo.HeaderContentType)
		if err == nil && rec.status == http.StatusOK && strings.HasPrefix(pg.ctype, echo.MIMETextHTML) &&
			len(res.Header().Values("Set-Cookie")) == cookies {
			pg.expires = now.Add(pageCacheTTL)
			s.pages.lru.Add(key, pg)
		}
		orig.WriteHeader(rec.status)
		if _, werr := orig.Write(pg.fill(csrf, nonce)); werr != nil && err == nil {
			err = werr
		}
		return err
	}
}
