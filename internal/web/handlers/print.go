package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"duban/internal/figures"
	"duban/internal/model"
	"duban/internal/web/render"
	printpages "duban/views/pages/print"
)

// PrintOverview is the overview laid out for A4 paper.
func (h *Handlers) PrintOverview(c echo.Context) error {
	p, err := h.overviewPage(c)
	if err != nil {
		return err
	}
	if p.PlanCount == 0 {
		return model.ErrNotFound
	}
	return render.Page(c, http.StatusOK, printpages.Overview(p))
}

// PrintMeasure is a measure laid out for A4 paper: source text, targets
// with actuals, each unit's light and report history. A unit user sees
// only their own unit's rows, and only for measures assigned to them.
func (h *Handlers) PrintMeasure(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	m, err := h.Store.MeasureByID(ctx, id)
	if err != nil {
		return err
	}
	u := user(c)
	snap, err := figures.Load(ctx, h.Store, figures.Scope{PlanID: m.PlanID, MeasureID: id, UnitID: unitScope(u)}, h.Clock.Now())
	if err != nil {
		return err
	}
	sm := snap.Measure(id)
	if sm == nil {
		return model.Refused("measure", id) // a unit user's view of a measure not assigned to them
	}
	p := printpages.MeasurePage{Measure: sm, SourceText: m.SourceText, Indicators: snap.Indicators(),
		Rows: snap.Ledger(figures.LedgerFilter{})}
	if unitScope(u) != 0 {
		p.UnitLocked = reqUnitName(c)
	}
	last := sm.Plan.Current
	for i := 0; i <= last && i < len(sm.Plan.Periods); i++ {
		p.Periods = append(p.Periods, sm.Plan.Periods[i].Label)
	}
	for _, a := range sm.Assignments {
		row := printpages.HistoryRow{Assignment: a}
		for i := range p.Periods {
			row.Cells = append(row.Cells, printpages.HistoryCell{State: a.Reports[i].State(), Percent: a.Reports[i].Percent()})
		}
		p.History = append(p.History, row)
	}
	return render.Page(c, http.StatusOK, printpages.Measure(p))
}
