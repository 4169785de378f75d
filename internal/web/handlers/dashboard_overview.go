package handlers

import "github.com/labstack/echo/v4"

// overviewDashboard is the whole-plan start page of reviewers, viewers and
// admins.
func (h *Handlers) overviewDashboard(c echo.Context) error {
	return h.simpleHome(c)
}
