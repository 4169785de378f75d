package handlers

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"duban/internal/clock"
	"duban/internal/store"
	"duban/internal/web/render"
	adminpages "duban/views/pages/admin"
)

// auditPageSize is how many audit entries one page shows.
const auditPageSize = 50

// AdminAudit browses the audit log, newest first, filtered by actor,
// action, object type and a date range (local calendar days, both ends
// included), paged backwards by entry ID.
func (h *Handlers) AdminAudit(c echo.Context) error {
	ctx := c.Request().Context()
	p := adminpages.AuditPage{
		Actor:      field(c, "actor"),
		Action:     c.QueryParam("action"),
		ObjectType: c.QueryParam("object"),
		From:       c.QueryParam("from"),
		To:         c.QueryParam("to"),
		Errors:     map[string]string{},
	}
	f := store.AuditFilter{Actor: p.Actor, Action: p.Action, ObjectType: p.ObjectType, Before: queryInt64(c, "before"), Limit: auditPageSize}
	if p.From != "" {
		if d, err := time.ParseInLocation("2006-01-02", p.From, clock.Zone); err == nil {
			f.From = d
		} else {
			p.Errors["from"] = "admin.audit.bad_date"
		}
	}
	if p.To != "" {
		if d, err := time.ParseInLocation("2006-01-02", p.To, clock.Zone); err == nil {
			f.To = d.AddDate(0, 0, 1)
		} else {
			p.Errors["to"] = "admin.audit.bad_date"
		}
	}
	events, more, err := h.Store.ListAudit(ctx, f)
	if err != nil {
		return err
	}
	p.Events = events
	if p.Actions, p.ObjectTypes, err = h.Store.AuditActions(ctx); err != nil {
		return err
	}
	units, err := h.Store.AllUnits(ctx)
	if err != nil {
		return err
	}
	p.UnitNames = make(map[int64]string, len(units))
	for _, u := range units {
		p.UnitNames[u.ID] = u.Name
	}
	p.Query = url.Values{}
	for k, v := range map[string]string{"actor": p.Actor, "action": p.Action, "object": p.ObjectType, "from": p.From, "to": p.To} {
		if v != "" {
			p.Query.Set(k, v)
		}
	}
	p.First = f.Before == 0
	if more && len(events) > 0 {
		p.Next = url.Values{}
		for k, v := range p.Query {
			p.Next[k] = v
		}
		p.Next.Set("before", strconv.FormatInt(events[len(events)-1].ID, 10))
	}
	return render.Page(c, http.StatusOK, adminpages.Audit(p))
}
