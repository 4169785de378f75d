package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"duban/internal/web/render"
	adminpages "duban/views/pages/admin"
)

// AdminIndex is the administration start page.
func (h *Handlers) AdminIndex(c echo.Context) error {
	n, err := h.Store.CountUnconfirmedUnits(c.Request().Context())
	if err != nil {
		return err
	}
	return render.Page(c, http.StatusOK, adminpages.Index(adminpages.IndexPage{Unconfirmed: n}))
}
