package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"duban/internal/api"
	"duban/internal/model"
	"duban/internal/reqctx"
	"duban/internal/store"
	"duban/internal/web/handlers"
	"duban/internal/web/render"
	errpages "duban/views/pages/errors"
)

var errCSRF = errors.New("csrf token missing or invalid")

// statusClientClosed marks, in the request log, a request whose client
// disconnected before the answer.
const statusClientClosed = 499

// auditRefusal records who was refused what. A logged-in user's refusal by
// the route policy is written as it is; anonymous refusals (a POST without
// a token, a scanner) and object-level refusals (a unit walking other
// units' IDs, answered 404) go through the aggregating Refusals, so that a
// flood leaves a count rather than a row per request.
func (s *Server) auditRefusal(c echo.Context, status int, err error) {
	ctx := c.Request().Context()
	u := reqctx.User(ctx)
	a := store.ActorOf(u, c.RealIP())
	var refused *model.RefusedError
	var aerr error
	switch {
	case errors.As(err, &refused) && u != nil:
		if refused.ObjectID == 0 {
			// Refused by a rule that does not know the ID: the route's.
			refused.ObjectID, _ = strconv.ParseInt(c.Param("id"), 10, 64)
		}
		aerr = s.refusals.Record(ctx, a, store.AuditEntry{Action: "object.denied", ObjectType: refused.ObjectType, ObjectID: refused.ObjectID})
	case status != http.StatusForbidden:
		return
	case u == nil:
		aerr = s.refusals.Record(ctx, a, store.AuditEntry{Action: "access.denied", ObjectType: "route", New: c.Request().Method + " " + c.Request().URL.Path})
	default:
		aerr = s.h.Store.Audit(ctx, a, store.AuditEntry{Action: "access.denied", ObjectType: "route", New: c.Request().Method + " " + c.Request().URL.Path})
	}
	if aerr != nil {
		s.log.Error("audit refusal", "err", aerr)
	}
}

// handleError is the one place errors become responses: 4xx pages in the
// layout, 5xx logged with slog and shown without internals.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	if errors.Is(err, context.Canceled) && c.Request().Context().Err() != nil {
		// The client went away: nobody to answer and nothing failed here.
		// 499 (nginx's "client closed request") tells the request log.
		c.Response().Status = statusClientClosed
		return
	}
	status := http.StatusInternalServerError
	key := ""
	var he *echo.HTTPError
	switch {
	case errors.Is(err, errCSRF):
		status, key = http.StatusForbidden, "error.403.csrf"
	case errors.Is(err, handlers.ErrBadInput):
		status, key = http.StatusBadRequest, "error.400.input"
	case errors.Is(err, model.ErrNotFound):
		status = http.StatusNotFound
	case errors.Is(err, model.ErrForbidden):
		status = http.StatusForbidden
	case errors.Is(err, model.ErrConflict):
		status = http.StatusConflict
	case errors.Is(err, model.ErrInvalid):
		status = http.StatusUnprocessableEntity
	case errors.As(err, &he):
		status = he.Code
	}
	if key == "" {
		key = "error." + itoa(int64(status))
	}
	if status >= 500 {
		s.log.Error("request failed", "err", err, "method", c.Request().Method, "path", c.Request().URL.Path)
	}
	s.auditRefusal(c, status, err)
	if api.IsAPI(c.Request().URL.Path) {
		if werr := api.WriteError(c, status, key); werr != nil {
			s.log.Error("write api error", "err", werr)
		}
		return
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(status)
		return
	}
	if rerr := render.Page(c, status, errpages.Error(errpages.ErrorPage{Status: status, Key: key})); rerr != nil {
		s.log.Error("render error page", "err", rerr)
		_ = c.String(status, http.StatusText(status))
	}
}
