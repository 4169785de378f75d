package handlers

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"duban/internal/model"
	"duban/internal/validate"
	"duban/internal/web/render"
	"duban/views/pages/reports"
	"duban/views/paths"
)

// Review approves or returns a submitted report (审核). A return without
// a reason re-renders the page with 422 and the text typed; a report
// reviewed or changed meanwhile re-renders it with 409.
func (h *Handlers) Review(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	decision, reason := c.FormValue("decision"), c.FormValue("reason")
	lock, _ := strconv.Atoi(c.FormValue("lock_version"))
	_, err = h.Flow.Review(ctx, actor(c), id, lock, decision, reason)
	if err == nil {
		key := "review.flash.approved"
		if decision == "return" {
			key = "review.flash.returned"
		}
		return render.Redirect(c, paths.Report(id), "ok", key)
	}
	status, form := 0, reports.ReviewForm{Reason: reason}
	switch {
	case validate.FieldsOf(err) != nil:
		status, form.Errors = http.StatusUnprocessableEntity, validate.FieldsOf(err)
	case errors.Is(err, model.ErrConflict):
		status, form.FormError = http.StatusConflict, "review.err.conflict"
	default:
		return err
	}
	page, perr := h.reportPage(c, id, 0)
	if perr != nil {
		return perr
	}
	page.ReviewForm = form
	if !page.CanReview && reason != "" {
		// The form is gone (someone else decided): keep the text anyway.
		page.ReviewForm.Lost = reason
	}
	return render.Page(c, status, reports.View(*page))
}
