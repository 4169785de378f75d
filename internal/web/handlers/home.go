package handlers

import (
	"github.com/labstack/echo/v4"

	"duban/internal/model"
)

// Home is the dashboard; what it shows depends on the role.
func (h *Handlers) Home(c echo.Context) error {
	if user(c).Role == model.RoleUnit {
		return h.unitDashboard(c)
	}
	return h.overviewDashboard(c)
}
