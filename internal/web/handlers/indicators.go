package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"duban/internal/figures"
	"duban/internal/web/render"
	"duban/views/pages/indicators"
)

// Indicators is the indicator table (指标监测): every quantified target of
// a plan with the lead unit's latest actual, met / on its path / behind,
// grouped by domain.
func (h *Handlers) Indicators(c echo.Context) error {
	ctx := c.Request().Context()
	plans, planID, err := h.choosePlan(c, false)
	if err != nil {
		return err
	}
	if len(plans) == 0 {
		return render.Page(c, http.StatusOK, indicators.Indicators(indicators.Page{}))
	}
	snap, err := figures.Load(ctx, h.Store, figures.Scope{PlanID: planID}, h.Clock.Now())
	if err != nil {
		return err
	}
	inds := snap.Indicators()
	p := indicators.Page{Picker: picker("/indicators", plans, planID, false), Plan: snap.Plan(planID),
		Counts: figures.IndicatorCounts(inds), Total: len(inds)}
	var cur *indicators.Group
	for _, ind := range inds {
		if cur == nil || cur.Domain != ind.Measure.Domain {
			p.Groups = append(p.Groups, indicators.Group{Domain: ind.Measure.Domain})
			cur = &p.Groups[len(p.Groups)-1]
		}
		cur.Rows = append(cur.Rows, ind)
	}
	return render.Page(c, http.StatusOK, indicators.Indicators(p))
}
