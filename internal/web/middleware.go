package web

import (
	"crypto/rand"
	"encoding/base64"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"duban/internal/api"
	"duban/internal/auth"
	"duban/internal/i18n"
	"duban/internal/model"
	"duban/internal/reqctx"
	"duban/internal/web/handlers"
	"duban/internal/web/render"
	"duban/views/layout"
)

type (
	echoContext = echo.Context
	echoHandler = echo.HandlerFunc
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// requestLog writes one structured line per request.
func (s *Server) requestLog(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		status := c.Response().Status
		lvl := slog.LevelInfo
		if status >= 500 {
			lvl = slog.LevelError
		}
		if c.Path() == "/healthz" || c.Path() == "/static/*" {
			lvl = slog.LevelDebug
		}
		s.log.Log(c.Request().Context(), lvl, "request",
			"method", c.Request().Method, "path", c.Request().URL.Path, "route", c.Path(),
			"status", status, "bytes", c.Response().Size, "ms", time.Since(start).Milliseconds(),
			"ip", c.RealIP())
		return nil
	}
}

// securityHeaders sets the headers every response carries, error pages
// included, with a fresh CSP nonce per request. It also starts the
// request's reqctx.Info, which later middleware fills in.
func (s *Server) securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		var b [18]byte
		_, _ = rand.Read(b[:])
		nonce := base64.StdEncoding.EncodeToString(b[:])
		info := &reqctx.Info{Nonce: nonce, Demo: s.h.Config.Demo, Secure: s.h.Config.Secure, Now: s.h.Clock.Now(), Path: c.Request().URL.Path}
		r := c.Request()
		ctx := reqctx.With(r.Context(), info)
		ctx = auth.WithClientAddr(ctx, c.RealIP())
		c.SetRequest(r.WithContext(ctx))

		h := c.Response().Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self' 'nonce-"+nonce+"'; style-src 'self' 'nonce-"+nonce+"'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		if s.h.Config.Secure {
			h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		}
		if c.Path() != "/static/*" {
			h.Set("Cache-Control", "no-store")
		}
		return next(c)
	}
}

// validInput refuses, with 400, a request whose path, query or urlencoded
// form carries text that cannot be stored (handlers.ErrBadInput). Multipart
// forms are streamed by their handler, which checks their fields the same
// way (handlers.CheckInput).
func (s *Server) validInput(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if !handlers.ValidText(r.URL.Path) {
			return handlers.ErrBadInput
		}
		q, err := url.ParseQuery(r.URL.RawQuery)
		if err != nil {
			return echo.NewHTTPError(http.StatusBadRequest, "malformed query")
		}
		if err := handlers.CheckInput(q); err != nil {
			return err
		}
		if mt, _, _ := mime.ParseMediaType(r.Header.Get(echo.HeaderContentType)); mt == echo.MIMEApplicationForm {
			if err := r.ParseForm(); err != nil {
				return echo.NewHTTPError(http.StatusBadRequest, "malformed form")
			}
			if err := handlers.CheckInput(r.PostForm); err != nil {
				return err
			}
		}
		return next(c)
	}
}

// locale picks the language the user chose (the cookie), or until they
// choose, the one their browser asks for (Accept-Language; zh-CN by default).
func (s *Server) locale(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		loc := i18n.FromAcceptLanguage(c.Request().Header.Get("Accept-Language"))
		if ck, err := c.Cookie(handlers.LangCookie); err == nil {
			loc = i18n.Normalize(ck.Value)
		} else {
			c.Response().Header().Add("Vary", "Accept-Language")
		}
		r := c.Request()
		c.SetRequest(r.WithContext(i18n.WithLocale(r.Context(), loc)))
		return next(c)
	}
}

// visitStatusKey holds, in the echo context, the read model's status the
// session's query read for a kept page.
const visitStatusKey = "duban.visitStatus"

// session loads the logged-in user (if any) into the request info.
func (s *Server) session(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if c.Path() == "/static/*" || c.Path() == "/healthz" || api.IsAPI(c.Path()) {
			return next(c) // the API never reads the session cookie
		}
		ctx := c.Request().Context()
		info := reqctx.Get(ctx)
		if tok, ok := c.Get("csrf").(string); ok {
			info.CSRF = tok
		}
		info.Flash = render.ReadFlash(c)
		// One query: the session, its user, unit name and unread count,
		// and for a kept page the read model's status (cachePages).
		keep := c.Request().Method == http.MethodGet && cachedRoutes[c.Path()]
		r, v, err := s.h.Sessions.Visit(c.Request(), layout.NavCountMax+1, keep)
		if err != nil {
			return err
		}
		c.SetRequest(r)
		if v.Status != nil {
			c.Set(visitStatusKey, *v.Status)
		}
		uid, _, err := s.h.Sessions.Current(r)
		if err != nil {
			return err
		}
		if uid != 0 {
			switch u := v.User; {
			case u != nil && u.ID == uid && !u.Disabled:
				info.User = u
				info.UnitName = v.UnitName
				info.Unread = v.Unread
			default:
				// Disabled or deleted: the session is dead.
				if err := s.h.Sessions.End(c.Response(), r); err != nil {
					return err
				}
			}
		}
		if info.User == nil && c.Path() == "/login" {
			if n, err := s.h.Store.CountAdmins(ctx); err == nil && n == 0 {
				info.NeedSetup = true
			}
		}
		return next(c)
	}
}

// guard enforces the route table's rules: deny by default; anonymous
// visitors of a protected page are sent to the login page. It also hands
// the user's navigation to the layout.
func (s *Server) guard(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		path := c.Path()
		if api.IsAPI(c.Path()) {
			return next(c) // the API's own guard applies the route table's rules to the token's user
		}
		if u := reqctx.User(c.Request().Context()); u != nil {
			reqctx.Get(c.Request().Context()).Nav = s.nav[u.Role]
		}
		route, ok := s.RouteFor(c.Request().Method, path)
		rule := route.Rule
		if !ok {
			if !routeExists(c.Echo(), path) {
				return next(c) // echo's 404 handler answers
			}
			s.log.Error("route without a policy rule refused", "method", c.Request().Method, "route", path)
			return echo.ErrForbidden
		}
		u := reqctx.User(c.Request().Context())
		role := ""
		if u != nil {
			role = u.Role
		}
		if rule.Allows(role) {
			if u != nil && u.MustChangePassword && !route.DuringPasswordChange {
				return c.Redirect(http.StatusSeeOther, "/password")
			}
			return next(c)
		}
		if u == nil {
			if c.Request().Method == http.MethodGet {
				return c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(c.Request().URL.RequestURI()))
			}
			return render.Redirect(c, "/login", "info", "login.session_expired")
		}
		return model.ErrForbidden
	}
}

// methodAllowed answers a method a page does not take (OPTIONS, TRACE,
// PUT, GET /logout) with 405 and the methods it does, before the CSRF
// check or the guard could take it for a refusal worth auditing.
func (s *Server) methodAllowed(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		path := c.Path()
		if slices.Contains(s.knownMethods(c.Echo(), path), c.Request().Method) {
			return next(c) // the common case, without listing echo's routes
		}
		// Not in the index taken at the first request (a 404, a wrong
		// method, or a route added since): ask echo.
		if !routeExists(c.Echo(), path) {
			return next(c) // echo's 404 handler answers
		}
		if allow := methodsOf(c.Echo(), path); !slices.Contains(allow, c.Request().Method) {
			c.Response().Header().Set(echo.HeaderAllow, strings.Join(allow, ", "))
			return echo.ErrMethodNotAllowed
		}
		return next(c)
	}
}

// knownMethods answers methodsOf from an index of echo's routes taken at
// the first request: echo lists its routes by copying them out of a map,
// and this ran twice on every request.
func (s *Server) knownMethods(e *echo.Echo, path string) []string {
	s.routeIndexOnce.Do(func() {
		s.routeIndex = map[string][]string{}
		for _, r := range e.Routes() {
			if _, ok := s.routeIndex[r.Path]; !ok {
				s.routeIndex[r.Path] = methodsOf(e, r.Path)
			}
		}
	})
	return s.routeIndex[path]
}

// methodsOf lists the methods the route path answers.
func methodsOf(e *echo.Echo, path string) []string {
	var out []string
	for _, r := range e.Routes() {
		if r.Path == path && r.Name != "" && !isNotFoundName(r.Name) && r.Method != echo.RouteNotFound && !slices.Contains(out, r.Method) {
			out = append(out, r.Method)
		}
	}
	slices.Sort(out)
	return out
}

func routeExists(e *echo.Echo, path string) bool {
	if path == "" {
		return false
	}
	for _, r := range e.Routes() {
		if r.Path == path && r.Name != "" && !isNotFoundName(r.Name) {
			return true
		}
	}
	return false
}

func isNotFoundName(name string) bool {
	return name == "github.com/labstack/echo/v4.glob..func1" || name == "github.com/labstack/echo/v4.init.func1"
}
