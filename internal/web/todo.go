package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"duban/internal/model"
	"duban/internal/reqctx"
	"duban/internal/store"
	"duban/internal/web/handlers"
)

// todoCount fills the navigation's 待办 badge on pages: units and the
// supervision office. Redirects and downloads do not need it.
func (s *Server) todoCount(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if c.Request().Method != http.MethodGet || c.Path() == "/static/*" || c.Path() == "/healthz" || c.Path() == "/attachments/:id" {
			return next(c)
		}
		ctx := c.Request().Context()
		info := reqctx.Get(ctx)
		if u := info.User; u != nil && (u.Role == model.RoleUnit || u.Role == model.RoleReviewer) {
			t, err := s.h.Flow.Todo(ctx, store.ActorOf(u, c.RealIP()), s.h.Clock.Now())
			if err != nil {
				s.log.Warn("count to-do items", "err", err)
			} else {
				info.Todo = t.Count()
				handlers.KeepTodo(c, t)
			}
		}
		return next(c)
	}
}
