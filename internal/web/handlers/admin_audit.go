package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"duban/internal/admin"
	"duban/internal/web/render"
	adminpages "duban/views/pages/admin"
)

// AdminAudit browses the audit log, newest first, filtered by actor,
// action, object type and a date range, paged backwards by entry ID.
func (h *Handlers) AdminAudit(c echo.Context) error {
	q := admin.AuditQuery{Actor: field(c, "actor"), Action: c.QueryParam("action"), ObjectType: c.QueryParam("object"),
		From: c.QueryParam("from"), To: c.QueryParam("to"), Before: queryInt64(c, "before")}
	p, err := admin.New(h.Store).AuditPage(c.Request().Context(), q)
	if err != nil {
		return err
	}
	return render.Page(c, http.StatusOK, adminpages.Audit(p))
}
