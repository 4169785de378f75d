package handlers

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"duban/internal/clock"
	"duban/internal/figures"
	"duban/internal/model"
	"duban/internal/reqctx"
	"duban/internal/web/render"
	"duban/views/pages/dashboard"
	"duban/views/pages/todo"
)

// How much of the long lists the overview shows; 督办 and the
// scorecard have the rest.
const (
	overviewAttentionMax = 10
	overviewUnitRatesMax = 30
	overviewPeriodsMax   = 8
	overviewActivityMax  = 15
)

// overviewDashboard is the whole-plan start page of reviewers, viewers and
// admins: progress per domain, lights, the overdue and at-risk list with
// 催办, submission rates, indicators and recent activity.
func (h *Handlers) overviewDashboard(c echo.Context) error {
	ctx := c.Request().Context()
	page, err := h.overviewPage(c)
	if err != nil {
		return err
	}
	if page.PlanCount > 0 {
		evs, err := h.Store.RecentActivity(ctx, overviewActivityMax)
		if err != nil {
			return err
		}
		for _, ev := range evs {
			page.Activity = append(page.Activity, dashboard.ActivityItem{At: ev.At, Actor: ev.ActorName,
				Action: ev.Action, ObjectType: ev.ObjectType, ObjectID: ev.ObjectID})
		}
	}
	if user(c).Role == model.RoleReviewer {
		// The supervision office lands on its queue, then the overview.
		t, err := h.todoOf(c)
		if err != nil {
			return err
		}
		return render.Page(c, http.StatusOK, todo.ReviewerHome(t, queuePagers(c, t), page))
	}
	return render.Page(c, http.StatusOK, dashboard.Overview(page))
}

// overviewPage loads the overview of the plan chosen in the URL (the
// newest by default, or every plan with plan=all).
func (h *Handlers) overviewPage(c echo.Context) (dashboard.OverviewPage, error) {
	ctx := c.Request().Context()
	u := user(c)
	plans, planID, err := h.choosePlan(c, true)
	if err != nil || len(plans) == 0 {
		return dashboard.OverviewPage{}, err
	}
	if planID == 0 {
		return h.allPlansPage(c, plans)
	}
	snap, err := figures.Load(ctx, h.Store, figures.Scope{PlanID: planID}, h.Clock.Now())
	if err != nil {
		return dashboard.OverviewPage{}, err
	}
	p := dashboard.OverviewPage{
		Picker:      picker("/", plans, planID, true),
		PlanCount:   len(plans),
		Total:       snap.Total(),
		Lights:      snap.MeasureLights(),
		AsgLights:   snap.AssignmentLights(),
		MeasureRule: snap.Settings.MeasureRule,
		CanPrompt:   u.Role == model.RoleReviewer,
		IsAdmin:     u.Role == model.RoleAdmin,
		PlanQuery:   planQuery(planID),
		Today:       clock.Date(h.Clock.Now()),
	}
	p.Plan = snap.Plan(planID)
	p.Groups = snap.DomainGroups()
	p.Attention, p.AttentionTotal = snap.Attention(overviewAttentionMax)
	setRates(&p, snap.CurrentRates(), snap.Plans)
	p.PeriodRates = snap.PeriodRates(overviewPeriodsMax)
	inds := snap.Indicators()
	p.Indicators, p.IndicatorTotal = figures.IndicatorCounts(inds), len(inds)
	return p, nil
}

// allPlansPage is the overview of every plan, from the read model's
// rollups (a row per plan and per unit).
func (h *Handlers) allPlansPage(c echo.Context, plans []model.Plan) (dashboard.OverviewPage, error) {
	ctx := c.Request().Context()
	u := user(c)
	sum, err := figures.LoadSummary(ctx, h.Store, h.Clock.Now())
	if err != nil {
		return dashboard.OverviewPage{}, err
	}
	p := dashboard.OverviewPage{
		Picker:      picker("/", plans, 0, true),
		PlanCount:   len(plans),
		Total:       sum.Total(),
		ByPlan:      true,
		Groups:      sum.PlanGroups(),
		Lights:      sum.MeasureLights(),
		AsgLights:   sum.AssignmentLights(),
		MeasureRule: sum.Settings.MeasureRule,
		CanPrompt:   u.Role == model.RoleReviewer,
		IsAdmin:     u.Role == model.RoleAdmin,
		PlanQuery:   planQuery(0),
		Today:       clock.Date(h.Clock.Now()),
	}
	if p.Attention, p.AttentionTotal, err = sum.Attention(ctx, h.Store, overviewAttentionMax); err != nil {
		return dashboard.OverviewPage{}, err
	}
	setRates(&p, sum.CurrentRates(), sum.Plans)
	p.PeriodRates = sum.PeriodRates(overviewPeriodsMax)
	p.Indicators, p.IndicatorTotal = sum.IndicatorCounts()
	return p, nil
}

// setRates puts the units' current rates (lowest first) on the page: their
// sum, the first of them and whether the current period is due yet.
func setRates(p *dashboard.OverviewPage, rates []figures.UnitRate, plans []*figures.Plan) {
	for _, r := range rates {
		p.CurrentRate.Expected += r.Expected
		p.CurrentRate.Submitted += r.Submitted
		p.CurrentRate.OnTime += r.OnTime
	}
	p.CurrentNotDue = currentNotDue(plans, p.Today)
	p.UnitRatesTotal = len(rates)
	if len(rates) > overviewUnitRatesMax {
		rates = rates[:overviewUnitRatesMax]
	}
	p.UnitRates = rates
}

// currentNotDue reports whether the current period of every plan shown
// that has one is not yet due on today: the units' current rates are
// then not judged.
func currentNotDue(plans []*figures.Plan, today time.Time) bool {
	any := false
	for _, pl := range plans {
		if per := pl.CurrentPeriod(); per != nil {
			if today.After(clock.Date(per.DueOn)) {
				return false
			}
			any = true
		}
	}
	return any
}

// choosePlan reads the plan query parameter: a plan ID, "all" (when
// allowed; answered as 0) or nothing for the newest plan. It also returns
// every plan for the selector. An unknown plan ID is a 404.
func (h *Handlers) choosePlan(c echo.Context, allowAll bool) ([]model.Plan, int64, error) {
	plans, err := h.Store.ListPlans(c.Request().Context())
	if err != nil || len(plans) == 0 {
		return plans, 0, err
	}
	v := c.QueryParam("plan")
	if v == "all" && allowAll {
		return plans, 0, nil
	}
	if v == "" || v == "all" {
		return plans, plans[0].ID, nil
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return nil, 0, echo.NewHTTPError(http.StatusBadRequest, "plan")
	}
	for _, p := range plans {
		if p.ID == id {
			return plans, id, nil
		}
	}
	return nil, 0, model.ErrNotFound
}

func picker(action string, plans []model.Plan, selected int64, allowAll bool) dashboard.PlanPicker {
	pp := dashboard.PlanPicker{Action: action, Selected: selected, AllowAll: allowAll}
	for _, p := range plans {
		pp.Plans = append(pp.Plans, dashboard.PlanOption{ID: p.ID, Title: p.Title})
	}
	return pp
}

// planQuery is "?plan=ID", or "?plan=all" for every plan.
func planQuery(planID int64) string { return "?plan=" + planParam(planID) }

// unitScope is the unit a user's views are limited to (0 for roles that
// read everything). Unit users only ever see their own unit's rows.
func unitScope(u *model.User) int64 {
	if u.Role == model.RoleUnit {
		return u.UnitIDOr0()
	}
	return 0
}

// reqUnitName is the name of the logged-in user's unit.
func reqUnitName(c echo.Context) string { return reqctx.Get(c.Request().Context()).UnitName }
