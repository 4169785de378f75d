package handlers

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"duban/internal/clock"
	"duban/internal/i18n"
	"duban/internal/store"
	"duban/internal/validate"
	"duban/internal/web/render"
	adminpages "duban/views/pages/admin"
)

// auditChoices lists the actions and object types the filter offers: those
// with a label in the catalog (audit.action.*, audit.object.*), which every
// feature adds for what it records. Reading them from the catalog spares a
// DISTINCT over the whole log on every page view.
func auditChoices() (actions, objectTypes []string) {
	for _, k := range i18n.Default().Keys() {
		switch {
		case strings.HasPrefix(k, "audit.action."):
			actions = append(actions, strings.TrimPrefix(k, "audit.action."))
		case strings.HasPrefix(k, "audit.object."):
			objectTypes = append(objectTypes, strings.TrimPrefix(k, "audit.object."))
		}
	}
	return actions, objectTypes
}

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
		Errors:     validate.Errors{},
	}
	f := store.AuditFilter{Actor: p.Actor, Action: p.Action, ObjectType: p.ObjectType, Before: queryInt64(c, "before"), Limit: auditPageSize}
	if p.From != "" {
		if d, err := time.ParseInLocation("2006-01-02", p.From, clock.Zone); err == nil {
			f.From = d
		} else {
			p.Errors.Set("from", "admin.audit.bad_date")
		}
	}
	if p.To != "" {
		if d, err := time.ParseInLocation("2006-01-02", p.To, clock.Zone); err == nil {
			f.To = d.AddDate(0, 0, 1)
		} else {
			p.Errors.Set("to", "admin.audit.bad_date")
		}
	}
	events, more, err := h.Store.ListAudit(ctx, f)
	if err != nil {
		return err
	}
	p.Events = events
	p.Actions, p.ObjectTypes = auditChoices()
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
