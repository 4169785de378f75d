package handlers

import (
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"duban/internal/clock"
	"duban/internal/format"
	"duban/internal/model"
	"duban/internal/validate"
	"duban/internal/web/render"
	"duban/internal/workflow"
	"duban/views/pages/assignments"
)

// CloseMeasure records 办结 (form: note, closed_on, back). A refused form
// is shown again on a page of its own with what was typed.
func (h *Handlers) CloseMeasure(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	note, date := c.FormValue("note"), c.FormValue("closed_on")
	var on time.Time
	errs := validate.Errors{}
	if date != "" {
		if on, err = time.ParseInLocation(time.DateOnly, date, clock.Zone); err != nil {
			errs.Set("closed_on", "closure.err.date")
		}
	}
	if len(errs) == 0 {
		err = h.Flow.CloseMeasure(ctx, actor(c), id, on, note)
		if err == nil {
			return render.Redirect(c, safeBack(c), "ok", "closure.closed")
		}
		errs = validate.FieldsOf(err)
	}
	return h.closureRefused(c, id, assignments.ActionClose, note, date, errs, err)
}

// ReopenMeasure undoes 办结 (form: reason, back).
func (h *Handlers) ReopenMeasure(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	reason := c.FormValue("reason")
	err = h.Flow.ReopenMeasure(ctx, actor(c), id, reason)
	if err == nil {
		return render.Redirect(c, safeBack(c), "ok", "closure.reopened")
	}
	return h.closureRefused(c, id, assignments.ActionReopen, reason, "", validate.FieldsOf(err), err)
}

// safeBack is the form's back path, or 督办.
func safeBack(c echo.Context) string {
	if b := c.FormValue("back"); b != "" {
		return render.SafeNext(b)
	}
	return "/supervision"
}

func (h *Handlers) closureRefused(c echo.Context, measureID int64, kind, text, date string, errs validate.Errors, err error) error {
	ctx := c.Request().Context()
	status, formErr := http.StatusUnprocessableEntity, ""
	if len(errs) == 0 {
		switch {
		case errors.Is(err, model.ErrConflict):
			status, formErr = http.StatusConflict, workflow.MessageKey(err)
		case err != nil:
			return err
		}
	}
	// The page names the measure by its lead assignment.
	rows, lerr := h.Store.AssignmentRowsOfMeasure(ctx, measureID)
	if lerr != nil {
		return lerr
	}
	if len(rows) == 0 {
		return model.ErrNotFound
	}
	if date == "" && kind == assignments.ActionClose {
		date = format.Date(h.Clock.Now())
	}
	return render.Page(c, status, assignments.Action(assignments.ActionPage{Kind: kind, Row: rows[0],
		Back: safeBack(c), Text: text, Date: date, Errors: errs, FormError: formErr}))
}
