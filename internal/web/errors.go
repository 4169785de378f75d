package web

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"duban/internal/model"
	"duban/internal/reqctx"
	"duban/internal/store"
	"duban/internal/web/handlers"
	"duban/internal/web/render"
	errpages "duban/views/pages/errors"
)

var errCSRF = errors.New("csrf token missing or invalid")

// handleError is the one place errors become responses: 4xx pages in the
// layout, 5xx logged with slog and shown without internals.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
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
	if status == http.StatusForbidden {
		ctx := c.Request().Context()
		_ = s.h.Store.Audit(ctx, nil, store.ActorOf(reqctx.User(ctx), c.RealIP()),
			store.AuditEntry{Action: "access.denied", ObjectType: "route", New: c.Request().Method + " " + c.Request().URL.Path})
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
