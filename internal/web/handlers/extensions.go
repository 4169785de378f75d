package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"duban/internal/clock"
	"duban/internal/evidence"
	"duban/internal/validate"
	"duban/internal/web/render"
	"duban/internal/workflow"
	"duban/views/pages/record"
	"duban/views/paths"
)

// recordPage builds the record part of the measure page for the user,
// filtered by the ?unit= query.
func (h *Handlers) recordPage(c echo.Context, measureID int64, form record.Form) (record.Page, error) {
	var unit int64
	if v := c.QueryParam("unit"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return record.Page{}, echo.NewHTTPError(http.StatusBadRequest, "unit: not an ID")
		}
		unit = n
	}
	rec, err := h.Flow.MeasureRecord(c.Request().Context(), actor(c), measureID, unit)
	if err != nil {
		return record.Page{}, err
	}
	return record.Page{MeasureID: measureID, Rec: rec, Form: form, Accept: evidence.Accept(),
		MaxUploadMB: h.Config.MaxUploadMB, Today: clock.DayText(h.Clock.Now())}, nil
}

// optionalDay reads an optional yyyy-mm-dd field; ok is false when it is
// given and not a date.
func optionalDay(v string) (time.Time, bool) {
	if strings.TrimSpace(v) == "" {
		return time.Time{}, true
	}
	return clock.ParseDay(v)
}

// formValues keeps the typed text fields of a refused form.
func formValues(vals url.Values, fields ...string) map[string]string {
	out := map[string]string{}
	for _, f := range fields {
		out[f] = vals.Get(f)
	}
	return out
}

// refusedForm answers a workflow refusal of a record form: field errors
// re-render the measure page with 422, a state conflict with 409 and the
// reason, anything else goes to the error handler.
func (h *Handlers) refusedForm(c echo.Context, measureID int64, form record.Form, err error) error {
	if fe := validate.FieldsOf(err); fe != nil {
		form.Errors = fe
		return h.showMeasure(c, measureID, http.StatusUnprocessableEntity, form)
	}
	if errors.Is(err, workflow.ErrState) || errors.Is(err, workflow.ErrStale) || errors.Is(err, workflow.ErrMeasureClosed) {
		form.Errors = validate.Errors{"_form": {Key: workflow.MessageKey(err)}}
		if errors.Is(err, workflow.ErrState) && form.Name == record.FormRequest {
			form.Errors.Set("_form", "ext.err.pending")
		}
		return h.showMeasure(c, measureID, http.StatusConflict, form)
	}
	return err
}

// RequestExtension records a unit's 延期申请 for its assignment, with
// evidence files.
func (h *Handlers) RequestExtension(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	asg, err := h.Store.AssignmentByID(ctx, id)
	if err != nil {
		return err
	}
	vals, ups, rerr := h.readReportForm(c)
	if rerr != nil {
		h.discardUploads(ctx, ups)
		return rerr
	}
	form := record.Form{Name: record.FormRequest, Values: formValues(vals, "proposed_on", "reason", "whole_measure")}
	on, ok := optionalDay(vals.Get("proposed_on"))
	if !ok {
		h.discardUploads(ctx, ups)
		form.Errors = validate.Errors{"proposed_on": {Key: "ext.err.date_required"}}
		return h.showMeasure(c, asg.MeasureID, http.StatusUnprocessableEntity, form)
	}
	if len(fileProblems(ups)) > 0 {
		h.discardUploads(ctx, ups)
		form.Errors = validate.Errors{"files": {Key: "evidence.err.refused"}}
		return h.showMeasure(c, asg.MeasureID, http.StatusUnprocessableEntity, form)
	}
	in := workflow.ExtensionInput{AssignmentID: id, ProposedOn: on, Reason: vals.Get("reason"),
		WholeMeasure: vals.Get("whole_measure") == "1", Files: workflow.FilesOf(ups)}
	if _, err := h.Flow.RequestExtension(ctx, actor(c), in); err != nil {
		return h.refusedForm(c, asg.MeasureID, form, err)
	}
	return render.Redirect(c, paths.MeasureAt(asg.MeasureID, "extensions"), "ok", "ext.requested")
}

// DecideExtension records the office's approval (with the date granted) or
// rejection (with a reason) of a request.
func (h *Handlers) DecideExtension(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	e, err := h.Store.ExtensionByID(ctx, id)
	if err != nil {
		return err
	}
	form := record.Form{Name: record.DecideFormName(id), Values: map[string]string{"decided_on": c.FormValue("decided_on"), "reason": c.FormValue("reason")}}
	approve := c.FormValue("decision") == "approve"
	if !approve && c.FormValue("decision") != "reject" {
		return echo.NewHTTPError(http.StatusBadRequest, "decision: approve or reject")
	}
	on, ok := optionalDay(c.FormValue("decided_on"))
	if !ok {
		form.Errors = validate.Errors{"decided_on": {Key: "ext.err.date_required"}}
		return h.showMeasure(c, e.MeasureID, http.StatusUnprocessableEntity, form)
	}
	if err := h.Flow.DecideExtension(ctx, actor(c), id, approve, on, c.FormValue("reason")); err != nil {
		return h.refusedForm(c, e.MeasureID, form, err)
	}
	key := "ext.rejected"
	if approve {
		key = "ext.approved"
	}
	return render.Redirect(c, paths.MeasureAt(e.MeasureID, "extension-"+strconv.FormatInt(id, 10)), "ok", key)
}
