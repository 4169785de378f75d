package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"duban/internal/lights"
	"duban/internal/model"
	"duban/internal/web/render"
	"duban/internal/workflow"
	"duban/views/pages/assignments"
	"duban/views/pages/reports"
	"duban/views/pages/todo"
)

// SendPrompt sends a 催办 prompt (form: assignment_id, optional period_id,
// optional message, optional back) and returns to back with a flash.
func (h *Handlers) SendPrompt(c echo.Context) error {
	ctx := c.Request().Context()
	asgID, err := strconv.ParseInt(c.FormValue("assignment_id"), 10, 64)
	if err != nil || asgID <= 0 {
		return echo.NewHTTPError(http.StatusBadRequest, "assignment_id is required")
	}
	var periodID int64
	if s := c.FormValue("period_id"); s != "" {
		if periodID, err = strconv.ParseInt(s, 10, 64); err != nil || periodID <= 0 {
			return echo.NewHTTPError(http.StatusBadRequest, "period_id is not a number")
		}
	}
	message := c.FormValue("message")
	back := render.SafeNext(c.FormValue("back"))
	if c.FormValue("back") == "" {
		back = "/supervision"
	}
	_, err = h.Flow.SendPrompt(ctx, actor(c), asgID, periodID, message)
	switch {
	case err == nil:
		return render.Redirect(c, back, "ok", "prompt.sent")
	case errors.Is(err, workflow.ErrMeasureClosed):
		return render.Redirect(c, back, "error", "flow.err.measure_closed")
	case workflow.FieldErrors(err) == nil:
		return err
	}
	row, leadUnit, lerr := h.wfAssignment(ctx, asgID)
	if lerr != nil {
		return lerr
	}
	periods, cur, lerr := h.wfPromptPeriods(ctx, actor(c), row, leadUnit)
	if lerr != nil {
		return lerr
	}
	if periodID != 0 {
		cur = periodID
	}
	return render.Page(c, http.StatusUnprocessableEntity, assignments.Action(assignments.ActionPage{
		Kind: assignments.ActionPrompt, Row: *row, Periods: periods, Current: cur, Back: back, Text: message,
		Errors: workflow.FieldErrors(err)}))
}

// Supervision is 督办: the red and yellow assignments of a plan with their
// reasons and a one-click 催办, the review queue and 办结.
func (h *Handlers) Supervision(c echo.Context) error {
	ctx := c.Request().Context()
	now := h.Clock.Now()
	plans, err := h.Store.ListPlans(ctx)
	if err != nil {
		return err
	}
	p := todo.SupervisionPage{Plans: plans, Counts: map[string]int{}, CanAct: user(c).Role == model.RoleReviewer,
		Today: reports.Date(now), Self: c.Request().URL.RequestURI()}
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
	res, facts, err := h.Flow.Lights(ctx, rows, now)
	if err != nil {
		return err
	}
	prompts, err := h.Store.PromptsOfPlan(ctx, p.PlanID)
	if err != nil {
		return err
	}
	last, open := map[int64]int{}, map[int64]int{}
	for i, pr := range prompts {
		if pr.AssignmentID == nil {
			continue
		}
		last[*pr.AssignmentID] = i
		if pr.ResolvedAt == nil {
			open[*pr.AssignmentID]++
		}
	}
	ps := facts.Periods[p.PlanID]
	cur := workflow.CurrentPeriod(ps, now)
	for i := range rows {
		r := rows[i]
		l := res[r.ID]
		p.Counts[l.Light.String()]++
		if r.Closed() && r.Role == model.AssignLead {
			p.Closed = append(p.Closed, r)
		}
		if l.Light != lights.Red && l.Light != lights.Yellow || (p.Filter != "" && l.Light.String() != p.Filter) {
			continue
		}
		sr := todo.SupervisionRow{Row: r, Light: l, OpenPrompts: open[r.ID], State: "none"}
		if cur >= 0 {
			sr.Period = &ps[cur]
			if rep := facts.ReportOf(r.ID, ps[cur].ID); rep != nil {
				sr.State = rep.State
				if rep.VersionNo == 0 {
					sr.State = "none" // a draft is not reported yet
				}
			}
		}
		if i, ok := last[r.ID]; ok {
			sr.LastPrompt = &prompts[i]
		}
		p.Rows = append(p.Rows, sr)
	}
	// Red first, then yellow, in plan order.
	var reds, yellows []todo.SupervisionRow
	for _, r := range p.Rows {
		if r.Light.Light == lights.Red {
			reds = append(reds, r)
		} else {
			yellows = append(yellows, r)
		}
	}
	p.Rows = append(reds, yellows...)
	all, err := h.Store.OfficialReportsAwaitingReview(ctx)
	if err != nil {
		return err
	}
	for _, r := range all {
		if r.PlanID == p.PlanID {
			p.Reviews = append(p.Reviews, r)
		}
	}
	closable, err := h.Store.ClosableReports(ctx)
	if err != nil {
		return err
	}
	for _, r := range closable {
		if r.PlanID == p.PlanID {
			p.Closable = append(p.Closable, r)
		}
	}
	return render.Page(c, http.StatusOK, todo.Supervision(p))
}
