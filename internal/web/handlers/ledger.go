package handlers

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"duban/internal/figures"
	"duban/internal/i18n"
	"duban/internal/model"
	"duban/internal/paging"
	"duban/internal/rules"
	"duban/internal/web/render"
	"duban/internal/workflow"
	"duban/views/components"
	"duban/views/pages/ledger"
)

// ledgerRequest is a parsed 台账 URL: the plan, the scope the database
// applies (domain, unit, text) and the filters applied to the computed rows
// (light, state, period). Values that are not valid are ignored, so an old
// bookmark still opens.
type ledgerRequest struct {
	plans    []model.Plan
	planID   int64
	scope    figures.Scope
	filter   figures.LedgerFilter
	form     ledger.Filters
	unitName string // the unit a unit user is limited to
	periods  []model.Period
}

func (h *Handlers) parseLedger(c echo.Context) (*ledgerRequest, error) {
	u := user(c)
	plans, planID, err := h.choosePlan(c, false)
	if err != nil || len(plans) == 0 {
		return &ledgerRequest{plans: plans}, err
	}
	lr := &ledgerRequest{plans: plans, planID: planID, scope: figures.Scope{PlanID: planID}}
	id := func(name string) int64 {
		n, err := strconv.ParseInt(c.QueryParam(name), 10, 64)
		if err != nil || n <= 0 {
			return 0
		}
		return n
	}
	if d := id("domain"); d != 0 {
		lr.scope.DomainID = d
		lr.form.Domain = strconv.FormatInt(d, 10)
	}
	if uid := unitScope(u); uid != 0 {
		lr.scope.UnitID = uid
		lr.unitName = reqUnitName(c)
	} else if un := id("unit"); un != 0 {
		lr.scope.UnitID = un
		lr.form.Unit = strconv.FormatInt(un, 10)
	}
	if l := c.QueryParam("light"); l != "" {
		if _, ok := rules.Parse(l); ok {
			lr.filter.Light, lr.form.Light = l, l
		}
	}
	if s := c.QueryParam("state"); slices.Contains(figures.LedgerStates, s) {
		lr.filter.State, lr.form.State = s, s
	}
	if pid := id("period"); pid != 0 { // kept if it is one of the plan's (see ledger)
		lr.filter.PeriodID = pid
		lr.form.Period = strconv.FormatInt(pid, 10)
	}
	if q := strings.TrimSpace(c.QueryParam("q")); q != "" {
		if utf8.RuneCountInString(q) > 100 {
			q = string([]rune(q)[:100])
		}
		lr.scope.Text, lr.form.Q = q, q
	}
	return lr, nil
}

// query is the filters as URL parameters (for links, paging and export).
func (lr *ledgerRequest) query() url.Values {
	v := url.Values{}
	v.Set("plan", strconv.FormatInt(lr.planID, 10))
	for k, x := range map[string]string{"domain": lr.form.Domain, "unit": lr.form.Unit, "light": lr.form.Light,
		"state": lr.form.State, "period": lr.form.Period, "q": lr.form.Q} {
		if x != "" {
			v.Set(k, x)
		}
	}
	return v
}

// ledger computes the parsed 台账 through the workflow's Ledger (the page,
// its export and the API read the same) and keeps the filters it took;
// units asks for the plan's units for the filter form.
func (h *Handlers) ledger(c echo.Context, lr *ledgerRequest, units bool) (*workflow.Ledger, error) {
	q := workflow.LedgerQuery{PlanID: lr.planID, DomainID: lr.scope.DomainID, UnitID: lr.scope.UnitID, Text: lr.scope.Text,
		Light: lr.filter.Light, State: lr.filter.State, PeriodID: lr.filter.PeriodID, Units: units}
	l, err := h.Flow.Ledger(c.Request().Context(), actor(c), q, h.Clock.Now())
	if err != nil {
		return nil, err
	}
	lr.periods, lr.scope, lr.filter = l.Periods, l.Scope, l.Filter
	if l.Filter.PeriodID == 0 {
		lr.form.Period = ""
	}
	return l, nil
}

// Ledger is the 督办台账: one row per measure × unit, filtered and
// searched by the URL (a GET form, so a view can be bookmarked), 50 rows a
// page grouped by domain in plan order.
// Unit users see only their own unit's rows.
func (h *Handlers) Ledger(c echo.Context) error {
	ctx := c.Request().Context()
	lr, err := h.parseLedger(c)
	if err != nil {
		return err
	}
	if len(lr.plans) == 0 {
		return render.Page(c, http.StatusOK, ledger.Ledger(ledger.Page{}))
	}
	l, err := h.ledger(c, lr, lr.unitName == "")
	if err != nil {
		return err
	}
	p := ledger.Page{
		Picker: picker("/ledger", lr.plans, lr.planID, false), Plan: l.Plan, Filters: lr.form,
		UnitLocked: lr.unitName, Total: len(l.Rows), ByPeriod: lr.filter.PeriodID != 0,
	}
	for _, d := range p.Plan.Domains {
		p.Domains = append(p.Domains, ledger.Option{Value: strconv.FormatInt(d.ID, 10), Label: d.Label + " " + d.Title})
	}
	for _, u := range l.Units {
		p.Units = append(p.Units, ledger.Option{Value: strconv.FormatInt(u.ID, 10), Label: u.Name})
	}
	for _, per := range lr.periods {
		p.Periods = append(p.Periods, ledger.Option{Value: strconv.FormatInt(per.ID, 10), Label: i18n.PeriodLabel(ctx, per.Label)})
	}
	no, pages, from, to := paging.Of(c.QueryParam("page"), len(l.Rows))
	p.Rows, p.From = l.Rows[from:to], from
	q := lr.query()
	p.ExportURL = "/ledger.xlsx?" + q.Encode()
	p.Pager = components.NewPager("/ledger", q, no, pages)
	return render.Page(c, http.StatusOK, ledger.Ledger(p))
}
