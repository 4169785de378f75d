package handlers

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"duban/internal/rules"
	"duban/internal/validate"
	"duban/internal/web/render"
	"duban/internal/workflow"
	"duban/views/pages/assignments"
	"duban/views/pages/dashboard"
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
	periodIDs, picked, err := promptPeriods(c)
	if err != nil {
		return err
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
		message = dashboard.PromptMessage(ctx, picked.of(chase.Status.Chase), h.Clock.Now(), settings.ReturnGraceDays)
	}
	_, err = h.Flow.SendPrompt(ctx, actor(c), asgID, periodIDs, message)
	switch {
	case err == nil:
		return render.Redirect(c, back, "ok", "prompt.sent")
	case errors.Is(err, workflow.ErrMeasureClosed):
		return render.Redirect(c, back, "error", "flow.err.measure_closed")
	case validate.FieldsOf(err) == nil:
		return err
	}
	row, _, lerr := h.Flow.AssignmentRow(ctx, asgID)
	if lerr != nil {
		return lerr
	}
	page := assignments.ActionPage{Kind: assignments.ActionPrompt, Row: *row, Chase: chase.Status.Chase, Picked: picked,
		Back: back, Text: message, Errors: validate.FieldsOf(err)}
	return render.Page(c, http.StatusUnprocessableEntity, assignments.Action(page))
}

// pickedPeriods are the periods a 催办 form names; none means every period
// the rules chase.
type pickedPeriods map[int64]bool

// of is what the rules chase among the picked periods.
func (p pickedPeriods) of(cs []rules.Chase) []rules.Chase {
	if len(p) == 0 {
		return cs
	}
	var out []rules.Chase
	for _, ch := range cs {
		if p[ch.PeriodID] {
			out = append(out, ch)
		}
	}
	return out
}

// promptPeriods reads the periods a 催办 form names.
func promptPeriods(c echo.Context) ([]int64, pickedPeriods, error) {
	form, err := c.FormParams()
	if err != nil {
		return nil, nil, echo.NewHTTPError(http.StatusBadRequest, "unreadable form")
	}
	var ids []int64
	picked := pickedPeriods{}
	for _, s := range form["period_id"] {
		if s == "" {
			continue
		}
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			return nil, nil, echo.NewHTTPError(http.StatusBadRequest, "period_id is not a number")
		}
		ids = append(ids, id)
		picked[id] = true
	}
	return ids, picked, nil
}
