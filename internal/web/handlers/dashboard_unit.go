package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"duban/internal/web/render"
	"duban/views/pages/home"
)

// unitDashboard is a unit user's start page.
func (h *Handlers) unitDashboard(c echo.Context) error {
	return h.simpleHome(c)
}

// simpleHome greets the user; it stands until the role dashboards land.
func (h *Handlers) simpleHome(c echo.Context) error {
	u := user(c)
	n, err := h.Store.CountPlans(c.Request().Context())
	if err != nil {
		return err
	}
	name := u.DisplayName
	if name == "" {
		name = u.Username
	}
	return render.Page(c, http.StatusOK, home.Home(home.HomePage{Name: name, PlanCount: n}))
}
