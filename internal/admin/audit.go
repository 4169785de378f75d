package admin

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"time"

	"duban/internal/clock"
	"duban/internal/i18n"
	"duban/internal/model"
	"duban/internal/store"
	"duban/internal/validate"
)

// AuditPageSize is how many audit entries one page shows.
const AuditPageSize = 50

// AuditQuery is the audit log's filter as typed: actor, action, object
// type, a date range (local calendar days, both ends included) and the
// entry to page back from.
type AuditQuery struct {
	Actor, Action, ObjectType, From, To string
	Before                              int64
}

// AuditPage is one page of the audit log, newest first.
type AuditPage struct {
	Actor, Action, ObjectType, From, To string // the filter as typed
	Actions, ObjectTypes                []string
	Events                              []model.AuditEvent
	UnitNames                           map[int64]string
	Errors                              validate.Errors
	// Query is the filter (for the newest page); Next is the query of the
	// following (older) page, nil on the last.
	Query url.Values
	Next  url.Values
	First bool // this is the newest page
}

// AuditPage is the page of the audit log q asks for; a date that is not
// one is a field error and does not filter.
func (s *Service) AuditPage(ctx context.Context, q AuditQuery) (AuditPage, error) {
	p := AuditPage{Actor: q.Actor, Action: q.Action, ObjectType: q.ObjectType, From: q.From, To: q.To, Errors: validate.Errors{}}
	f := store.AuditFilter{Actor: q.Actor, Action: q.Action, ObjectType: q.ObjectType, Before: q.Before, Limit: AuditPageSize}
	if q.From != "" {
		if d, err := time.ParseInLocation("2006-01-02", q.From, clock.Zone); err == nil {
			f.From = d
		} else {
			p.Errors.Set("from", "admin.audit.bad_date")
		}
	}
	if q.To != "" {
		if d, err := time.ParseInLocation("2006-01-02", q.To, clock.Zone); err == nil {
			f.To = d.AddDate(0, 0, 1)
		} else {
			p.Errors.Set("to", "admin.audit.bad_date")
		}
	}
	events, more, err := s.st.ListAudit(ctx, f)
	if err != nil {
		return p, err
	}
	p.Events = events
	p.Actions, p.ObjectTypes = auditChoices()
	// The names of the units the page's entries name, not of every unit.
	var ids []int64
	for _, e := range events {
		if e.UnitID != nil {
			ids = append(ids, *e.UnitID)
		}
	}
	units, err := s.st.UnitsByID(ctx, ids)
	if err != nil {
		return p, err
	}
	p.UnitNames = make(map[int64]string, len(units))
	for id, u := range units {
		p.UnitNames[id] = u.Name
	}
	p.Query = url.Values{}
	for k, v := range map[string]string{"actor": q.Actor, "action": q.Action, "object": q.ObjectType, "from": q.From, "to": q.To} {
		if v != "" {
			p.Query.Set(k, v)
		}
	}
	p.First = q.Before == 0
	if more && len(events) > 0 {
		p.Next = url.Values{}
		for k, v := range p.Query {
			p.Next[k] = v
		}
		p.Next.Set("before", strconv.FormatInt(events[len(events)-1].ID, 10))
	}
	return p, nil
}

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
