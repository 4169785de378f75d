// Package handlers holds the HTTP handlers, one file per resource. Handlers
// are thin: bind → validate → call a store or service → render or redirect.
package handlers

import (
	"log/slog"

	"github.com/labstack/echo/v4"

	"duban/internal/auth"
	"duban/internal/bulletin"
	"duban/internal/clock"
	"duban/internal/config"
	"duban/internal/evidence"
	"duban/internal/export"
	"duban/internal/model"
	"duban/internal/reqctx"
	"duban/internal/store"
	"duban/internal/workflow"
)

// Handlers carries the dependencies of every handler.
type Handlers struct {
	Store    *store.Store
	Sessions *auth.SessionStore
	Hasher   *auth.Hasher
	Logins   *auth.Logins
	// Tokens are the personal access tokens of the JSON API.
	Tokens *auth.Tokens
	// Refusals audits refusals without letting one client flood the log.
	Refusals *store.Refusals
	Clock    clock.Clock
	Config   *config.Config
	Log      *slog.Logger
	// Flow runs the reporting and review workflow; Files keeps evidence.
	Flow  *workflow.Service
	Files evidence.Storage
	// Exports admits a few Excel exports at once (nil: no limit).
	Exports *export.Gate
	// Bulletins drafts and publishes the 督查通报.
	Bulletins *bulletin.Service
	// DemoAccounts are listed on the login page in demo mode.
	DemoAccounts []DemoAccount
}

// DemoAccount names a demo login.
type DemoAccount struct {
	Username, Role, Unit string
}

// user is the logged-in user; the policy guard guarantees it on every route
// that is not public.
func user(c echo.Context) *model.User { return reqctx.User(c.Request().Context()) }

// actor describes the logged-in user for the audit log.
func actor(c echo.Context) store.Actor {
	return store.ActorOf(user(c), c.RealIP())
}
