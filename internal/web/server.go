// Package web assembles the echo server: one route table, the middleware
// chain, the error handler and graceful shutdown.
package web

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"duban/internal/api"
	"duban/internal/auth"
	"duban/internal/clock"
	"duban/internal/reqctx"
	"duban/internal/store"
	"duban/internal/web/handlers"
	"duban/static"
)

// Server is the portal's HTTP server.
type Server struct {
	E   *echo.Echo
	h   *handlers.Handlers
	log *slog.Logger
	// refusals audits refused requests of anonymous clients and
	// object-level refusals, aggregated per client and window.
	refusals *store.Refusals
	// pages keeps rendered read-only pages per user and data state.
	pages *pageCache
	// The route table (routes.go), indexed: rows by "METHOD /pattern" for
	// the guard, and each role's main navigation.
	rows  []Route
	table map[string]Route
	nav   map[string][]reqctx.NavLink
	// API is the JSON API under /api/v1 (token authentication only).
	API *api.API
	// routeIndex maps each route path to the methods it answers
	// (knownMethods), built once at the first request.
	routeIndexOnce sync.Once
	routeIndex     map[string][]string
}

// refusalWindow is how long repeated refusals of one client are counted
// into one audit entry.
const refusalWindow = 10 * time.Minute

// New builds the echo instance with every route and middleware.
func New(h *handlers.Handlers) *Server {
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	s := &Server{E: e, h: h, log: h.Log, refusals: store.NewRefusals(h.Store, refusalWindow),
		pages: newPageCache()}
	h.Refusals = s.refusals

	// The client address: behind configured proxies only, X-Forwarded-For
	// is believed; otherwise the TCP peer.
	if len(h.Config.TrustedProxies) > 0 {
		opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
		for _, n := range h.Config.TrustedProxies {
			opts = append(opts, echo.TrustIPRange(n))
		}
		e.IPExtractor = echo.ExtractIPFromXFFHeader(opts...)
	} else {
		e.IPExtractor = echo.ExtractIPDirect()
	}
	e.HTTPErrorHandler = s.handleError

	e.Use(middleware.Recover())
	e.Use(s.requestLog)
	e.Use(s.securityHeaders)
	e.Use(middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{
		Limit: bodyLimit(h.Config.MaxUploadMB), Skipper: readsOwnBody}))
	e.Use(s.limitOwnBody)
	e.Use(s.validInput)
	e.Use(s.methodAllowed)
	e.Use(s.locale)
	e.Use(middleware.CSRFWithConfig(middleware.CSRFConfig{
		// The header first: a request carrying it (scripts, tests) is
		// checked without parsing a multipart body into memory, so the
		// evidence upload can stream it to disk.
		TokenLookup:    "header:X-CSRF-Token,form:_csrf",
		CookieName:     auth.CookieName(auth.CSRFCookie, h.Config.Secure),
		CookieMaxAge:   int(auth.CSRFCookieMaxAge.Seconds()),
		CookiePath:     "/",
		CookieHTTPOnly: true,
		CookieSecure:   h.Config.Secure,
		CookieSameSite: http.SameSiteLaxMode,
		ErrorHandler: func(err error, c echo.Context) error {
			return errCSRF
		},
		// The API takes no cookie, so it has no CSRF surface.
		Skipper: func(c echo.Context) bool { return api.IsAPI(c.Path()) },
	}))
	e.Use(s.session)
	e.Use(s.guard)
	e.Use(s.cachePages)
	e.Use(s.todoCount)

	s.routes()
	s.API = api.Mount(e, api.Deps{Store: h.Store, Flow: h.Flow, Files: h.Files, Tokens: h.Tokens, Clock: h.Clock,
		MaxUploadMB: h.Config.MaxUploadMB, Rate: h.Config.APIRate, Log: h.Log, Refusals: s.refusals,
		Rule: func(method, path string) (auth.Rule, bool) {
			r, ok := s.RouteFor(method, path)
			return r.Rule, ok
		}})
	return s
}

// bodyLimit allows one evidence file plus the form around it; the upload
// handler enforces the per-file limit itself.
func bodyLimit(maxUploadMB int64) string {
	return itoa(maxUploadMB+2) + "M"
}

// readsOwnBody is the report form's POST: it reads its body under the same
// limit itself (limitOwnBody) instead of echo's BodyLimit, which refuses a
// body announced as too large before reading a byte. Its fields come
// before its files, so a body over the limit is answered with the form
// again, the typed text kept and the evidence marked, not a bare 413.
func readsOwnBody(c echo.Context) bool {
	return c.Request().Method == http.MethodPost && c.Path() == "/assignments/:id/periods/:period"
}

func (s *Server) limitOwnBody(next echo.HandlerFunc) echo.HandlerFunc {
	limit := (s.h.Config.MaxUploadMB + 2) * 1000 * 1000 // as bodyLimit's "M"
	return func(c echo.Context) error {
		if readsOwnBody(c) {
			r := c.Request()
			r.Body = http.MaxBytesReader(c.Response(), r.Body, limit)
		}
		return next(c)
	}
}

func (s *Server) staticHandler() echo.HandlerFunc {
	sub, _ := fs.Sub(static.FS, ".")
	fileServer := http.StripPrefix("/static/", http.FileServer(http.FS(sub)))
	return func(c echo.Context) error {
		// Files only: a folder would be listed.
		name := strings.TrimPrefix(path.Clean("/"+c.Param("*")), "/")
		if fi, err := fs.Stat(sub, name); err != nil || fi.IsDir() {
			return echo.ErrNotFound
		}
		h := c.Response().Header()
		if c.QueryParam("v") != "" {
			h.Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			h.Set("Cache-Control", "public, max-age=300")
		}
		fileServer.ServeHTTP(c.Response(), c.Request())
		return nil
	}
}

// FlushRefusals writes the summaries of ended refusal windows.
func (s *Server) FlushRefusals(ctx context.Context) error { return s.refusals.Flush(ctx) }

func (s *Server) flushRefusalsEvery(ctx context.Context, interval time.Duration) {
	clock.Every(ctx, interval, false, "audit refusal summaries", s.log, s.FlushRefusals)
}

// Run serves until ctx is cancelled (SIGINT/SIGTERM), then lets in-flight
// requests finish before returning.
func (s *Server) Run(ctx context.Context, addr string) error {
	srv := &http.Server{
		Addr:              addr,
		Handler:           s.E,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute, // large evidence uploads on slow intranets
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	// Dead sessions are purged at start and hourly while serving.
	purgeCtx, stopPurge := context.WithCancel(ctx)
	defer stopPurge()
	go s.h.Sessions.PurgeEvery(purgeCtx, time.Hour, s.log)
	go s.flushRefusalsEvery(purgeCtx, time.Minute)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.log.Info("shutting down: waiting for in-flight requests")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
