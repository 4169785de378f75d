package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"duban/internal/metrics"
	"duban/internal/model"
	"duban/internal/rules"
	"duban/internal/web/render"
	"duban/internal/workflow"
	"duban/views/pages/assignments"
	"duban/views/pages/dashboard"
	"duban/views/pages/reports"
	"duban/views/pages/todo"
)

// SendPrompt sends a 催办 prompt (form: assignment_id, period_id — any
// number, none meaning every period the rules chase —, optional message,
// optional back) and returns to back with a flash. A period that is not
// owed or already handed in is refused with 422 and the form again.
func (h *Handlers) SendPrompt(c echo.Context) error {
	ctx := c.Request().Context()
	asgID, err := strconv.ParseInt(c.FormValue("assignment_id"), 10, 64)
	if err != nil || asgID <= 0 {
		return echo.NewHTTPError(http.StatusBadRequest, "assignment_id is required")
	}
	form, err := c.FormParams()
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, "unreadable form")
	}
	var periodIDs []int64
	picked := map[int64]bool{}
	for _, s := range form["period_id"] {
		if s == "" {
			continue
		}
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			return echo.NewHTTPError(http.StatusBadRequest, "period_id is not a number")
		}
		periodIDs = append(periodIDs, id)
		picked[id] = true
	}
	back := render.SafeNext(c.FormValue("back"))
	if c.FormValue("back") == "" {
		back = "/supervision"
	}
	chase, settings, err := h.Flow.ChaseOf(ctx, asgID)
	if err != nil {
		return err
	}
	message := c.FormValue("message")
	if message == "" {
		// The one-click buttons send the default text for what they chase.
		named := chase.Status.Chase
		if len(picked) > 0 {
			named = nil
			for _, ch := range chase.Status.Chase {
				if picked[ch.PeriodID] {
					named = append(named, ch)
				}
			}
		}
		message = dashboard.PromptMessage(ctx, named, h.Clock.Now(), settings.ReturnGraceDays)
	}
	_, err = h.Flow.SendPrompt(ctx, actor(c), asgID, periodIDs, message)
	switch {
	case err == nil:
		return render.Redirect(c, back, "ok", "prompt.sent")
	case errors.Is(err, workflow.ErrMeasureClosed):
		return render.Redirect(c, back, "error", "flow.err.measure_closed")
	case workflow.FieldErrors(err) == nil:
		return err
	}
	row, _, lerr := h.wfAssignment(ctx, asgID)
	if lerr != nil {
		return lerr
	}
	page := assignments.ActionPage{Kind: assignments.ActionPrompt, Row: *row, Chase: chase.Status.Chase, Picked: picked,
		Back: back, Text: message, Errors: workflow.FieldErrors(err)}
	return render.Page(c, http.StatusUnprocessableEntity, assignments.Action(page))
}

// Supervision is 督办: the red and yellow assignments of a plan with their
// reasons, the periods a 催办 chases and the button, the review queue and
// 办结. Everything it says about an assignment comes from the rules via
// the one facts loader.
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
	snap, err := metrics.Load(ctx, h.Store, metrics.Scope{PlanID: p.PlanID}, now)
	if err != nil {
		return err
	}
	prompts, err := h.Store.PromptsOfPlan(ctx, p.PlanID)
	if err != nil {
		return err
	}
	last := map[int64]int{}
	for i, pr := range prompts {
		if pr.AssignmentID != nil {
			last[*pr.AssignmentID] = i
		}
	}
	var reds, yellows []todo.SupervisionRow
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
		sr := todo.SupervisionRow{Row: r, Light: l, OpenPrompts: a.OpenPrompts}
		if i, ok := last[r.ID]; ok {
			sr.LastPrompt = &prompts[i]
		}
		// Red first, then yellow, in plan order.
		if l.Light == rules.Red {
			reds = append(reds, sr)
		} else {
			yellows = append(yellows, sr)
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
