package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"duban/internal/evidence"
	"duban/internal/format"
	"duban/internal/model"
	"duban/internal/store"
	"duban/internal/validate"
	"duban/internal/web/render"
	"duban/internal/workflow"
	"duban/views/pages/reports"
	"duban/views/paths"
)

// reportFormIDs reads the assignment and period of a report form URL.
func reportFormIDs(c echo.Context) (asgID, periodID int64, err error) {
	if asgID, err = paramID(c, "id"); err != nil {
		return 0, 0, err
	}
	periodID, err = paramID(c, "period")
	return asgID, periodID, err
}

// ReportForm shows the report form to the assignment's unit. Others are
// sent to the report page, if there is one they may see.
func (h *Handlers) ReportForm(c echo.Context) error {
	asgID, periodID, err := reportFormIDs(c)
	if err != nil {
		return err
	}
	f, err := h.Flow.ReportForm(c.Request().Context(), actor(c), asgID, periodID, h.Clock.Now())
	if err != nil {
		return err
	}
	if f.SeeReport != 0 {
		return c.Redirect(http.StatusSeeOther, paths.Report(f.SeeReport))
	}
	page := h.formPage(f)
	page.Input = formInputOf(f.Report, f.Values)
	return render.Page(c, http.StatusOK, reports.Form(page))
}

// formPage is the form's view model around the workflow's form model.
func (h *Handlers) formPage(f *workflow.ReportForm) reports.FormPage {
	return reports.FormPage{ReportForm: f, Action: paths.ReportForm(f.Row.ID, f.Period.ID), MaxUploadMB: h.Config.MaxUploadMB,
		Accept: evidence.Accept(), Errors: validate.Errors{}}
}

// formInputOf fills the form from the stored report (or defaults).
func formInputOf(rep *model.Report, vals []model.TargetValue) reports.FormInput {
	in := reports.FormInput{ProgressState: model.ProgressNotStarted, Percent: "0", Targets: map[int64]string{}, Remove: map[int64]bool{}}
	if rep == nil {
		return in
	}
	in.ProgressState, in.Percent = rep.ProgressState, strconv.Itoa(rep.Percent)
	in.Progress, in.Problems, in.NextSteps = rep.Progress, rep.Problems, rep.NextSteps
	for _, v := range vals {
		in.Targets[v.TargetID] = format.NumPtr(v.Value)
	}
	return in
}

// SaveReport saves the report form as a draft or submits it. Bad input
// re-renders the form with 422 and everything typed; a concurrent change
// re-renders it with 409, the typed input and the other person's version;
// a file over the size limit answers 413 and keeps nothing.
func (h *Handlers) SaveReport(c echo.Context) error {
	ctx := c.Request().Context()
	asgID, periodID, err := reportFormIDs(c)
	if err != nil {
		return err
	}
	a := actor(c)
	row, leadUnit, p, err := h.Flow.AssignmentPeriod(ctx, a, asgID, periodID)
	if err != nil {
		return err
	}
	if !workflow.IsOwner(a, row.UnitID) {
		if workflow.CanSeeAssignment(a, row.UnitID, leadUnit) {
			return model.ErrForbidden
		}
		return model.Refused("assignment", row.ID)
	}
	sub, err := h.readReportSubmission(c, row, p)
	if err != nil {
		return err
	}
	if sub.status != 0 {
		h.discardUploads(ctx, sub.ups)
		return h.reportFormAgain(c, sub, sub.status, "", nil)
	}
	sub.in.Place = &workflow.ReportPlace{Row: row, LeadUnit: leadUnit, Period: p}
	rep, err := h.Flow.SaveReport(ctx, a, sub.in, sub.submit)
	if err != nil {
		return h.saveRefused(c, sub, err) // the service removed the new files
	}
	if sub.submit {
		return render.Redirect(c, paths.Report(rep.ID), "ok", "report.flash.submitted")
	}
	return render.Redirect(c, paths.ReportForm(row.ID, p.ID), "ok", "report.flash.saved")
}

// reportSubmission is a posted report form: what to save, the input as
// typed and what is wrong with it.
type reportSubmission struct {
	row    *store.AssignmentRow
	period *model.Period
	in     workflow.ReportInput
	typed  reports.FormInput
	errs   validate.Errors
	ups    []evidenceUpload
	submit bool
	status int // 413 or 422 when refused before saving
}

// readReportSubmission reads, binds and checks the posted form and its
// files.
func (h *Handlers) readReportSubmission(c echo.Context, row *store.AssignmentRow, p *model.Period) (*reportSubmission, error) {
	vals, ups, rerr := h.readReportForm(c)
	if rerr != nil && !errors.Is(rerr, errUploadTooLarge) {
		return nil, rerr
	}
	if vals == nil {
		vals = url.Values{}
	}
	sub := &reportSubmission{row: row, period: p, ups: ups, submit: vals.Get("action") == "submit"}
	sub.in, sub.typed, sub.errs = parseReport(vals, row.ID, p.ID)
	sub.in.AddFiles = workflow.FilesOf(ups)
	if rerr != nil { // a file over the limit
		sub.errs.Set("files", "evidence.err.too_large")
		sub.status = http.StatusRequestEntityTooLarge
		return sub, nil
	}
	for k, v := range sub.in.Validate(sub.submit) {
		if _, ok := sub.errs[k]; !ok {
			sub.errs[k] = v
		}
	}
	if fp := fileProblems(ups); len(fp) > 0 {
		sub.errs.Set("files", "evidence.err.refused")
	}
	if len(sub.errs) > 0 {
		sub.status = http.StatusUnprocessableEntity
	}
	return sub, nil
}

// saveRefused shows the form again after the service refused the save.
func (h *Handlers) saveRefused(c echo.Context, sub *reportSubmission, err error) error {
	if fe := validate.FieldsOf(err); fe != nil {
		sub.errs = fe
		return h.reportFormAgain(c, sub, http.StatusUnprocessableEntity, "", nil)
	}
	switch {
	case errors.Is(err, workflow.ErrStale):
		latest, err := h.Flow.CurrentSnapshot(c.Request().Context(), sub.row.ID, sub.row.MeasureID, sub.period.ID)
		if err != nil {
			return err
		}
		return h.reportFormAgain(c, sub, http.StatusConflict, "report.form.conflict", latest)
	case errors.Is(err, workflow.ErrNotSigned), errors.Is(err, workflow.ErrMeasureClosed),
		errors.Is(err, workflow.ErrPeriodNotOpen), errors.Is(err, workflow.ErrState):
		return h.reportFormAgain(c, sub, http.StatusConflict, workflow.MessageKey(err), nil)
	}
	return err
}

// reportFormAgain shows the form with status, the typed input and its
// errors; latest is someone else's newer save after a conflict.
func (h *Handlers) reportFormAgain(c echo.Context, sub *reportSubmission, status int, formErr string, latest *workflow.Snapshot) error {
	f, err := h.Flow.ReportFormOf(c.Request().Context(), sub.row, sub.period, h.Clock.Now())
	if err != nil {
		return err
	}
	page := h.formPage(f)
	if latest == nil {
		// The form keeps the version it was loaded at.
		page.LockVersion = sub.in.LockVersion
	}
	page.Input, page.Errors, page.FormError, page.Latest = sub.typed, sub.errs, formErr, latest
	page.FileErrors = fileProblems(sub.ups)
	page.FilesLost = len(sub.ups) > 0
	return render.Page(c, status, reports.Form(page))
}

// parseReport binds the report form. typed keeps the raw input for a
// re-render; errs holds what could not be parsed.
func parseReport(v url.Values, asgID, periodID int64) (workflow.ReportInput, reports.FormInput, validate.Errors) {
	errs := validate.Errors{}
	typed := reports.FormInput{
		ProgressState: v.Get("progress_state"), Percent: strings.TrimSpace(v.Get("percent")),
		Progress: v.Get("progress"), Problems: v.Get("problems"), NextSteps: v.Get("next_steps"),
		Targets: map[int64]string{}, Remove: map[int64]bool{},
	}
	in := workflow.ReportInput{AssignmentID: asgID, PeriodID: periodID, ProgressState: typed.ProgressState,
		Progress: strings.TrimSpace(typed.Progress), Problems: strings.TrimSpace(typed.Problems),
		NextSteps: strings.TrimSpace(typed.NextSteps), Targets: map[int64]*float64{}}
	if lv, err := strconv.Atoi(v.Get("lock_version")); err == nil && lv >= 0 {
		in.LockVersion = lv
	} else {
		errs.Set("_form", "report.form.err.reload")
	}
	if typed.Percent == "" {
		in.Percent = 0
	} else if n, err := strconv.Atoi(typed.Percent); err == nil {
		in.Percent = n
	} else {
		errs.Set("percent", "report.form.err.percent")
	}
	parseTargetValues(v, &in, &typed, errs)
	for _, s := range v["remove_file"] {
		if id, err := strconv.ParseInt(s, 10, 64); err == nil && !slices.Contains(in.RemoveFiles, id) {
			in.RemoveFiles = append(in.RemoveFiles, id)
			typed.Remove[id] = true
		}
	}
	return in, typed, errs
}

// parseTargetValues binds the target_<id> fields: a number (thousands
// separators allowed) or empty for no value.
func parseTargetValues(v url.Values, in *workflow.ReportInput, typed *reports.FormInput, errs validate.Errors) {
	for k, vs := range v {
		id, ok := strings.CutPrefix(k, "target_")
		if !ok || len(vs) == 0 {
			continue
		}
		tid, err := strconv.ParseInt(id, 10, 64)
		if err != nil {
			continue
		}
		raw := strings.TrimSpace(vs[0])
		typed.Targets[tid] = raw
		if raw == "" {
			continue
		}
		x, err := strconv.ParseFloat(strings.ReplaceAll(raw, ",", ""), 64)
		if err != nil {
			errs.Set(k, "report.form.err.number")
			continue
		}
		in.Targets[tid] = &x
	}
}

// Report shows a report: its latest submitted version (the owner also
// sees a draft never submitted), the changes since the version before,
// the review trail and the review form for whoever reviews it.
func (h *Handlers) Report(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	page, err := h.reportPage(c, id, 0)
	if err != nil {
		return err
	}
	return render.Page(c, http.StatusOK, reports.View(*page))
}

// ReportVersion shows one submitted version of a report.
func (h *Handlers) ReportVersion(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	no, err := strconv.Atoi(c.Param("no"))
	if err != nil || no <= 0 {
		return model.ErrNotFound
	}
	page, err := h.reportPage(c, id, no)
	if err != nil {
		return err
	}
	return render.Page(c, http.StatusOK, reports.View(*page))
}

// reportPage is a report page's view model; version 0 means the latest.
func (h *Handlers) reportPage(c echo.Context, reportID int64, version int) (*reports.ReportPage, error) {
	p, err := h.Flow.ReportPage(c.Request().Context(), actor(c), reportID, version)
	if err != nil {
		return nil, err
	}
	return &reports.ReportPage{ReportPage: p}, nil
}
