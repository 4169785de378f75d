package handlers

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"duban/internal/figures"
	"duban/internal/format"
	"duban/internal/model"
	"duban/internal/rules"
	"duban/internal/store"
	"duban/internal/web/render"
	"duban/views/components"
	"duban/views/pages/todo"
)

// Supervision is 督办: the red and yellow assignments of one plan with
// their reasons, the periods a 催办 chases and the button, 50 a page and
// grouped by domain; the plan's review queue and 办结. Everything it says
// about an assignment comes from the rules via the one facts loader; every
// query is limited to the chosen plan, the prompts to the shown page.
func (h *Handlers) Supervision(c echo.Context) error {
	ctx := c.Request().Context()
	now := h.Clock.Now()
	plans, err := h.Store.ListPlans(ctx)
	if err != nil {
		return err
	}
	p := todo.SupervisionPage{Plans: plans, Counts: map[string]int{}, CanAct: user(c).Role == model.RoleReviewer,
		Today: format.Date(now), Self: c.Request().URL.RequestURI()}
	if len(plans) == 0 {
		return render.Page(c, http.StatusOK, todo.Supervision(p))
	}
	p.PlanID = plans[0].ID
	if s := c.QueryParam("plan"); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		found := false
		for _, pl := range plans {
			found = found || pl.ID == id
		}
		if err != nil || !found {
			return fmt.Errorf("plan %q: %w", s, model.ErrNotFound)
		}
		p.PlanID = id
	}
	switch f := c.QueryParam("light"); f {
	case "", "red", "yellow":
		p.Filter = f
	default:
		return echo.NewHTTPError(http.StatusBadRequest, "unknown light filter")
	}
	rows, err := h.Store.AssignmentRowsOfPlan(ctx, p.PlanID)
	if err != nil {
		return err
	}
	snap, err := figures.Load(ctx, h.Store, figures.Scope{PlanID: p.PlanID}, now)
	if err != nil {
		return err
	}
	risky := atRisk(&p, rows, snap)
	p.Total = len(risky)
	no, pages, from, to := components.PageOf(c.QueryParam("page"), len(risky))
	p.Rows, p.From = risky[from:to], from
	q := url.Values{"plan": {strconv.FormatInt(p.PlanID, 10)}}
	if p.Filter != "" {
		q.Set("light", p.Filter)
	}
	p.Pager = components.NewPager("/supervision", q, no, pages)
	if err := h.lastPrompts(c, p.Rows); err != nil {
		return err
	}
	if p.Reviews, err = h.Store.OfficialReportsAwaitingReviewOfPlan(ctx, p.PlanID); err != nil {
		return err
	}
	if p.Closable, err = h.Store.ClosableReportsOfPlan(ctx, p.PlanID); err != nil {
		return err
	}
	return render.Page(c, http.StatusOK, todo.Supervision(p))
}

// lastPrompts puts the newest 催办 of each shown row beside it.
func (h *Handlers) lastPrompts(c echo.Context, rows []todo.SupervisionRow) error {
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.Row.ID
	}
	last, err := h.Store.LastPromptsOf(c.Request().Context(), ids)
	if err != nil {
		return err
	}
	for i := range rows {
		if pr, ok := last[rows[i].Row.ID]; ok {
			rows[i].LastPrompt = &pr
		}
	}
	return nil
}

// atRisk counts the plan's assignments by light into p.Counts, lists the
// lead assignments of closed measures in p.Closed, and returns the red and
// yellow rows the filter keeps: by domain in plan order, red before yellow
// within a domain, then in plan order.
func atRisk(p *todo.SupervisionPage, rows []store.AssignmentRow, snap *figures.Snapshot) []todo.SupervisionRow {
	var out []todo.SupervisionRow
	for _, r := range rows {
		a := snap.Assignment(r.ID)
		if a == nil {
			continue
		}
		l := a.Status
		p.Counts[l.Light.String()]++
		if r.Closed() && r.Role == model.AssignLead {
			p.Closed = append(p.Closed, r)
		}
		if l.Light != rules.Red && l.Light != rules.Yellow || (p.Filter != "" && l.Light.String() != p.Filter) {
			continue
		}
		out = append(out, todo.SupervisionRow{Row: r, Light: l, OpenPrompts: a.OpenPrompts})
	}
	// rows come in plan order, so each domain's rows are together.
	var sorted []todo.SupervisionRow
	for _, run := range components.Runs(out, func(r todo.SupervisionRow) int64 { return r.Row.DomainID }) {
		for _, want := range []rules.Light{rules.Red, rules.Yellow} {
			for _, r := range run {
				if r.Light.Light == want {
					sorted = append(sorted, r)
				}
			}
		}
	}
	return sorted
}
