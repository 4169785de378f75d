package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"duban/internal/model"
	"duban/internal/reqctx"
	"duban/internal/store"
	"duban/internal/web/handlers"
)

// todoCount fills the navigation's 待办 badge for units and the
// supervision office on every request that may render a page — also a
// form re-shown with 422 after a POST — with COUNT queries, never by
// loading the list. Static files, health checks and downloads skip it; a
// write counts only if it renders a page (most answer with a redirect).
func (s *Server) todoCount(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if c.Path() == "/static/*" || c.Path() == "/healthz" || c.Path() == "/attachments/:id" {
			return next(c)
		}
		ctx := c.Request().Context()
		info := reqctx.Get(ctx)
		u := info.User
		if u == nil || (u.Role != model.RoleUnit && u.Role != model.RoleReviewer) {
			return next(c)
		}
		now := s.h.Clock.Now()
		method := c.Request().Method
		// A unit's dashboard and to-do page show all of its facts: load
		// them once, here, and hand them over.
		full := method == http.MethodGet && (c.Path() == "/" || c.Path() == "/todo")
		count := func(info *reqctx.Info) {
			n, facts, err := s.h.Flow.TodoCount(ctx, store.ActorOf(u, c.RealIP()), now, full)
			if err != nil {
				s.log.Warn("count to-do items", "err", err)
				return
			}
			info.Todo = n
			handlers.KeepFacts(c, facts, now)
		}
		if method == http.MethodGet || method == http.MethodHead {
			count(info)
		} else {
			// A write: its own transaction brings the read model up to
			// date, and it mostly answers with a redirect.
			info.CountLater(count)
		}
		return next(c)
	}
}
