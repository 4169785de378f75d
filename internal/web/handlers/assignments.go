package handlers

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"duban/internal/format"
	"duban/internal/web/render"
	"duban/internal/workflow"
	"duban/views/pages/assignments"
	"duban/views/pages/dashboard"
	"duban/views/pages/record"
	"duban/views/paths"
)

// Assignment shows one assignment (unit × measure) to whoever may see it:
// every period with its report, the version history, reviews, evidence,
// prompts and, for the supervision office, the 催办 and 办结 forms.
func (h *Handlers) Assignment(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	now := h.Clock.Now()
	asg, err := h.Flow.AssignmentPage(ctx, actor(c), id, now)
	if err != nil {
		return err
	}
	page := assignments.Page{AssignmentPage: asg, Self: paths.Assignment(id), Today: format.Date(now),
		PromptMessage: dashboard.PromptMessage(ctx, asg.Light.Chase, now, asg.ReturnGraceDays)}
	if page.Record, err = h.recordPage(c, asg.Row.MeasureID, record.Form{}); err != nil {
		return err
	}
	return render.Page(c, http.StatusOK, assignments.View(page))
}

// Sign records 签收 of one assignment and returns to the page it came from.
func (h *Handlers) Sign(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	back := render.SafeNext(c.FormValue("back"))
	if c.FormValue("back") == "" {
		back = paths.Assignment(id)
	}
	err = h.Flow.Sign(c.Request().Context(), actor(c), id)
	switch {
	case err == nil:
		return render.Redirect(c, back, "ok", "sign.done")
	case errors.Is(err, workflow.ErrState):
		return render.Redirect(c, back, "info", "sign.already")
	}
	return err
}

// SignAll signs for every assignment of the user's unit not yet signed.
func (h *Handlers) SignAll(c echo.Context) error {
	back := render.SafeNext(c.FormValue("back"))
	if c.FormValue("back") == "" {
		back = "/todo"
	}
	n, err := h.Flow.SignAll(c.Request().Context(), actor(c))
	if err != nil {
		return err
	}
	if n == 0 {
		return render.Redirect(c, back, "info", "sign.nothing")
	}
	return render.Redirect(c, back, "ok", "sign.all_done")
}
