package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"
	"golang.org/x/time/rate"
)

// The per-token rate limit: a steady rate with room for a burst (a script
// paging through the 台账).
const (
	defaultRate  = 20 // requests per second
	defaultBurst = 100
)

// limiter keeps one token bucket per API token.
type limiter struct {
	rate  rate.Limit
	burst int
	mu    sync.Mutex
	byTok map[int64]*rate.Limiter
}

func newLimiter(perSecond float64, burst int) *limiter {
	return &limiter{rate: rate.Limit(perSecond), burst: burst, byTok: map[int64]*rate.Limiter{}}
}

// allow takes one request from the token's bucket; when it is empty the
// answer says how many seconds to wait (for Retry-After).
func (l *limiter) allow(tokenID int64) (string, bool) {
	l.mu.Lock()
	lim := l.byTok[tokenID]
	if lim == nil {
		lim = rate.NewLimiter(l.rate, l.burst)
		l.byTok[tokenID] = lim
	}
	l.mu.Unlock()
	r := lim.Reserve()
	if d := r.Delay(); d > 0 {
		r.Cancel()
		return strconv.Itoa(int(math.Ceil(d.Seconds()))), false
	}
	return "", true
}

// etagWriter holds a GET answer back to give it an ETag.
type etagWriter struct {
	http.ResponseWriter
	buf    bytes.Buffer
	status int
}

func (w *etagWriter) WriteHeader(code int) { w.status = code }

func (w *etagWriter) Write(b []byte) (int, error) { return w.buf.Write(b) }

// etag gives every successful JSON read an ETag (the answer's hash, unless
// the operation set one, as a report does with its lock version) and
// answers If-None-Match with 304.
func (a *API) etag(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if c.Request().Method != http.MethodGet || c.Path() == Prefix+"/attachments/:id" {
			return next(c)
		}
		res := c.Response()
		orig := res.Writer
		w := &etagWriter{ResponseWriter: orig, status: http.StatusOK}
		res.Writer = w
		err := next(c)
		res.Writer = orig
		if err != nil {
			return err
		}
		tag := res.Header().Get("ETag")
		if w.status == http.StatusOK && tag == "" {
			sum := sha256.Sum256(w.buf.Bytes())
			tag = `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`
			res.Header().Set("ETag", tag)
		}
		if w.status == http.StatusOK && matches(c.Request().Header.Get("If-None-Match"), tag) {
			res.Header().Del("Content-Length")
			res.Status = http.StatusNotModified
			orig.WriteHeader(http.StatusNotModified)
			return nil
		}
		orig.WriteHeader(w.status)
		_, err = orig.Write(w.buf.Bytes())
		return err
	}
}

// matches reports whether an If-None-Match list names tag (weak compare).
func matches(header, tag string) bool {
	if header == "" || tag == "" {
		return false
	}
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == strings.TrimPrefix(tag, "W/") {
			return true
		}
	}
	return false
}
