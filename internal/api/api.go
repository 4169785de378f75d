// Package api is the versioned JSON API (/api/v1) for the systems around
// the portal: the same services, access policy and audit log as the pages,
// described by an OpenAPI 3.1 document generated from the Go types (huma).
// Only personal access tokens authenticate here; the session cookie is
// never read, so there is no CSRF surface.
package api

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humaecho"
	"github.com/labstack/echo/v4"

	"duban/internal/auth"
	"duban/internal/clock"
	"duban/internal/evidence"
	"duban/internal/i18n"
	"duban/internal/model"
	"duban/internal/reqctx"
	"duban/internal/store"
	"duban/internal/workflow"
)

// Prefix is where the API is mounted.
const Prefix = "/api/v1"

// OpenAPIPath is the document's route.
const OpenAPIPath = Prefix + "/openapi.json"

// Deps are what the API calls: the pages' services.
type Deps struct {
	Store       *store.Store
	Flow        *workflow.Service
	Files       evidence.Storage
	Tokens      *auth.Tokens
	Clock       clock.Clock
	MaxUploadMB int64
	Rate        int64 // requests per second per token (0: the default)
	Log         *slog.Logger
	// Refusals audits object-level refusals like the pages do.
	Refusals *store.Refusals
	// Rule looks up an operation's rule in the portal's route table
	// (internal/web/routes.go), which lists every API operation.
	Rule func(method, path string) (auth.Rule, bool)
}

// API is the mounted JSON API.
type API struct {
	d     Deps
	huma  huma.API
	limit *limiter
}

var setErrorModel sync.Once

// Mount registers every operation under Prefix on e.
func Mount(e *echo.Echo, d Deps) *API {
	setErrorModel.Do(func() {
		// huma's one hook for its error type: every error it writes (its own
		// validation included) becomes our Problem.
		huma.NewErrorWithContext = newProblem
		huma.NewError = func(status int, msg string, errs ...error) huma.StatusError {
			return newProblem(nil, status, msg, errs...)
		}
	})
	cfg := huma.DefaultConfig("Duban API", "1.0.0")
	cfg.Info.Description = "督查督办 (Duban) JSON API: plans, measures, assignments, reports and the supervision workflow. Authenticate with a personal access token: Authorization: Bearer dbn_…"
	cfg.Servers = []*huma.Server{{URL: Prefix}}
	cfg.OpenAPIPath, cfg.DocsPath, cfg.SchemasPath = "", "", ""
	cfg.CreateHooks = nil // no $schema links to a schemas route we do not serve
	// Filters and sorts come from an allow-list: an unknown one is refused.
	cfg.RejectUnknownQueryParameters = true
	cfg.Components.SecuritySchemes = map[string]*huma.SecurityScheme{
		"bearer": {Type: "http", Scheme: "bearer", Description: "A personal access token (create one on /profile or with duban token create)."},
	}
	cfg.Security = []map[string][]string{{"bearer": {}}}
	g := e.Group(Prefix)
	rate, burst := float64(defaultRate), defaultBurst
	if d.Rate > 0 {
		rate, burst = float64(d.Rate), int(5*d.Rate) // five seconds' worth, as the default
	}
	a := &API{d: d, limit: newLimiter(rate, burst)}
	g.Use(a.guard, a.etag)
	a.huma = humaecho.NewWithGroup(e, g, cfg)
	a.registerReads()
	a.registerWrites()
	a.registerExt()
	g.GET("/openapi.json", a.openAPI)
	return a
}

func (a *API) openAPI(c echo.Context) error {
	b, err := a.huma.OpenAPI().MarshalJSON()
	if err != nil {
		return err
	}
	return c.Blob(http.StatusOK, "application/openapi+json", b)
}

type ctxKey int

const (
	actorKey ctxKey = iota
	echoKey
)

// caller is the authenticated user of a request.
type caller struct {
	User  *model.User
	Token *model.APIToken
	Actor store.Actor
}

func callerOf(ctx context.Context) caller {
	c, _ := ctx.Value(actorKey).(caller)
	return c
}

func echoOf(ctx context.Context) echo.Context {
	c, _ := ctx.Value(echoKey).(echo.Context)
	return c
}

// IsAPI reports whether a request path belongs to the API.
func IsAPI(path string) bool { return path == Prefix || strings.HasPrefix(path, Prefix+"/") }

// guard authenticates the bearer token, applies the per-token rate limit,
// the route table's rule (deny by default) and the read-only scope.
// The answer's language is the caller's Accept-Language.
func (a *API) guard(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		ctx := i18n.WithLocale(r.Context(), i18n.FromAcceptLanguage(r.Header.Get("Accept-Language")))
		c.Response().Header().Add("Vary", "Accept-Language")
		c.Response().Header().Set("Cache-Control", "private, no-cache")
		c.SetRequest(r.WithContext(ctx))
		path := c.Path()
		rule, hasRule := a.d.Rule(r.Method, path)
		if hasRule && rule.Public {
			return next(c)
		}
		scheme, secret, ok := strings.Cut(r.Header.Get("Authorization"), " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") { // the scheme is case-insensitive (RFC 9110)
			c.Response().Header().Set("WWW-Authenticate", `Bearer realm="duban"`)
			return writeProblem(c, problemFor(ctx, http.StatusUnauthorized, "api.err.unauthorized"))
		}
		u, tok, err := a.d.Tokens.Authenticate(ctx, strings.TrimSpace(secret), c.RealIP())
		if errors.Is(err, auth.ErrBadToken) {
			c.Response().Header().Set("WWW-Authenticate", `Bearer realm="duban", error="invalid_token"`)
			return writeProblem(c, problemFor(ctx, http.StatusUnauthorized, "api.err.unauthorized"))
		}
		if err != nil {
			return err
		}
		if wait, ok := a.limit.allow(tok.ID); !ok {
			c.Response().Header().Set("Retry-After", wait)
			return writeProblem(c, problemFor(ctx, http.StatusTooManyRequests, "api.err.rate_limited"))
		}
		act := store.ActorOf(u, c.RealIP())
		if info := reqctx.Get(ctx); info != nil {
			info.User = u // for the error handler's refusal audit
		}
		if !hasRule {
			if path == Prefix || path == Prefix+"/*" {
				return next(c) // no such operation: echo's 404
			}
			a.d.Log.Error("api route without a policy rule refused", "method", r.Method, "route", path)
			return writeProblem(c, problemFor(ctx, http.StatusForbidden, "error.403"))
		}
		if !rule.Allows(u.Role) {
			if err := a.d.Store.Audit(ctx, act, store.AuditEntry{Action: "access.denied", ObjectType: "route",
				New: r.Method + " " + r.URL.Path}); err != nil {
				a.d.Log.Error("audit refusal", "err", err)
			}
			return writeProblem(c, problemFor(ctx, http.StatusForbidden, "error.403"))
		}
		if u.MustChangePassword {
			// As on the pages: nothing until the user has chosen their own password.
			return writeProblem(c, problemFor(ctx, http.StatusForbidden, "api.err.must_change_password"))
		}
		if tok.ReadOnly && r.Method != http.MethodGet && r.Method != http.MethodHead {
			return writeProblem(c, problemFor(ctx, http.StatusForbidden, "api.err.read_only"))
		}
		ctx = context.WithValue(ctx, actorKey, caller{User: u, Token: tok, Actor: act})
		ctx = context.WithValue(ctx, echoKey, c)
		c.SetRequest(c.Request().WithContext(ctx))
		return next(c)
	}
}
