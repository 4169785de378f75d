package handlers

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"duban/internal/clock"
	"duban/internal/format"
	"duban/internal/model"
	"duban/internal/reqctx"
	"duban/internal/store"
	"duban/internal/web/render"
	planpages "duban/views/pages/plans"
)

// Plan pages (立项/分解): the list of plans and one plan in its own order,
// domains (一)…(十) with their measures. Every role reads every plan; a unit
// user's own assignments are highlighted and can be filtered to.

func reportingKey(cycle string) string { return "plans.reporting." + cycle }

// Plans lists every plan.
func (h *Handlers) Plans(c echo.Context) error {
	ctx := c.Request().Context()
	ps, err := h.Store.ListPlans(ctx)
	if err != nil {
		return err
	}
	counts, err := h.Store.MeasureCountsByPlan(ctx)
	if err != nil {
		return err
	}
	page := planpages.ListPage{CanManage: user(c).Role == model.RoleAdmin}
	for _, p := range ps {
		n := counts[p.ID]
		page.Plans = append(page.Plans, planpages.PlanRow{ID: p.ID, Title: p.Title, Issuer: p.Issuer, IssuedOn: p.IssuedOn,
			StartOn: clock.DayText(p.StartOn), EndOn: clock.DayText(p.EndOn), ReportingKey: reportingKey(p.Reporting),
			Measures: n.Total, Closed: n.Closed, Demo: p.Demo})
	}
	return render.Page(c, http.StatusOK, planpages.List(page))
}

// Plan shows one plan with its domains and measures.
func (h *Handlers) Plan(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	page, err := h.planPage(c, id, c.QueryParam("mine") == "1")
	if err != nil {
		return err
	}
	return render.Page(c, http.StatusOK, planpages.Show(page))
}

// unitNamer turns unit IDs into names, collapsing a unit group whose
// members are all present into the group's name (各市(区)政府).
type unitNamer struct {
	units  map[int64]model.Unit
	groups []store.GroupMembers
}

func (h *Handlers) newUnitNamer(ctx context.Context, ids []int64) (*unitNamer, error) {
	units, err := h.Store.UnitsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	groups, err := h.Store.UnitGroupsForPlans(ctx)
	if err != nil {
		return nil, err
	}
	return &unitNamer{units: units, groups: groups}, nil
}

func (n *unitNamer) name(id int64) string {
	if u, ok := n.units[id]; ok {
		return u.Name
	}
	return "#" + strconv.FormatInt(id, 10)
}

// coveredGroups returns the groups (of two or more units) whose members are
// all in ids, and for each covered unit the group's name.
func (n *unitNamer) coveredGroups(ids []int64) ([]store.GroupMembers, map[int64]string) {
	in := map[int64]bool{}
	for _, id := range ids {
		in[id] = true
	}
	var out []store.GroupMembers
	of := map[int64]string{}
	for _, g := range n.groups {
		if len(g.UnitIDs) < 2 {
			continue
		}
		all := true
		for _, u := range g.UnitIDs {
			if !in[u] {
				all = false
				break
			}
		}
		if !all {
			continue
		}
		out = append(out, g)
		for _, u := range g.UnitIDs {
			if of[u] == "" {
				of[u] = g.Group.Name
			}
		}
	}
	return out, of
}

// collapse names ids in order, a fully present group once at the place of
// its first member.
func (n *unitNamer) collapse(ids []int64) []string {
	_, of := n.coveredGroups(ids)
	seen := map[string]bool{}
	var out []string
	for _, id := range ids {
		name := n.name(id)
		if g := of[id]; g != "" {
			name = g
		}
		if !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	}
	return out
}

// planWarnings reads the plan's stored import warnings (a JSON array of
// strings); anything unreadable is shown as it is rather than hidden.
func planWarnings(raw string) []string {
	var ws []string
	if raw == "" || raw == "[]" {
		return nil
	}
	if err := json.Unmarshal([]byte(raw), &ws); err != nil {
		return []string{raw}
	}
	return ws
}

// planPage builds the plan page's view model.
func (h *Handlers) planPage(c echo.Context, planID int64, mineOnly bool) (planpages.ShowPage, error) {
	ctx := c.Request().Context()
	u := user(c)
	var page planpages.ShowPage
	p, err := h.Store.PlanByID(ctx, planID)
	if err != nil {
		return page, err
	}
	domains, err := h.Store.DomainsOf(ctx, planID)
	if err != nil {
		return page, err
	}
	measures, err := h.Store.MeasuresOf(ctx, planID)
	if err != nil {
		return page, err
	}
	targets, err := h.Store.TargetsOfPlan(ctx, planID)
	if err != nil {
		return page, err
	}
	assigns, err := h.Store.AssignmentsOfPlan(ctx, planID)
	if err != nil {
		return page, err
	}
	ps, err := h.Store.PeriodsOf(ctx, planID)
	if err != nil {
		return page, err
	}
	var unitIDs []int64
	for _, a := range assigns {
		unitIDs = append(unitIDs, a.UnitID)
	}
	names, err := h.newUnitNamer(ctx, unitIDs)
	if err != nil {
		return page, err
	}
	targetCount := map[int64]int{}
	for _, t := range targets {
		targetCount[t.MeasureID]++
	}
	type roles struct{ lead, resp []int64 }
	byMeasure := map[int64]*roles{}
	myUnit := u.UnitIDOr0()
	mine := map[int64]string{}
	for _, a := range assigns {
		r := byMeasure[a.MeasureID]
		if r == nil {
			r = &roles{}
			byMeasure[a.MeasureID] = r
		}
		if a.Role == model.AssignLead {
			r.lead = append(r.lead, a.UnitID)
		} else {
			r.resp = append(r.resp, a.UnitID)
		}
		if myUnit != 0 && a.UnitID == myUnit {
			mine[a.MeasureID] = a.Role
		}
	}
	today := clock.Date(h.Clock.Now())
	page = planpages.ShowPage{
		Plan: planpages.PlanInfo{ID: p.ID, Title: p.Title, Issuer: p.Issuer, IssuedOn: p.IssuedOn,
			StartOn: clock.DayText(p.StartOn), EndOn: clock.DayText(p.EndOn), ReportingKey: reportingKey(p.Reporting),
			DueDays: p.DueDays, Periods: len(ps), Demo: p.Demo},
		IsAdmin:  u.Role == model.RoleAdmin,
		Targets:  len(targets),
		MineOnly: mineOnly && myUnit != 0,
	}
	if page.IsAdmin {
		page.Warnings = planWarnings(p.Warnings)
	}
	if u.Role == model.RoleUnit {
		page.MyUnit = reqctx.Get(ctx).UnitName
		page.MyCount = len(mine)
	}
	idx := map[int64]int{}
	for _, d := range domains {
		idx[d.ID] = len(page.Domains)
		page.Domains = append(page.Domains, planpages.DomainView{ID: d.ID, Label: d.Label, Title: d.Title, Goal: d.Goal})
	}
	for _, m := range measures {
		i, ok := idx[m.DomainID]
		if !ok {
			continue
		}
		page.Measures++
		if m.ClosedAt != nil {
			page.Closed++
		}
		if page.MineOnly && mine[m.ID] == "" {
			continue
		}
		row := planpages.MeasureRow{ID: m.ID, PlanLabel: format.Citation(page.Domains[i].Label, m.Label), Title: m.Title,
			Targets: targetCount[m.ID], DueOn: clock.DayText(m.DueOn), Closed: m.ClosedAt != nil, MineRole: mine[m.ID]}
		if m.ClosedAt != nil {
			row.ClosedOn = clock.DayText(*m.ClosedAt)
		} else {
			row.Overdue = clock.Date(m.DueOn).Before(today)
		}
		if r := byMeasure[m.ID]; r != nil {
			for _, id := range r.lead {
				row.Lead = append(row.Lead, names.name(id))
			}
			row.Responsible = names.collapse(r.resp)
		}
		page.Domains[i].Measures = append(page.Domains[i].Measures, row)
	}
	return page, nil
}
