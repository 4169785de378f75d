package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"duban/internal/clock"
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

// assignmentPeriod loads the assignment and period of a report form URL,
// checking the caller may see the assignment.
func (h *Handlers) assignmentPeriod(c echo.Context) (*store.AssignmentRow, int64, *model.Period, error) {
	ctx := c.Request().Context()
	id, err := paramID(c, "id")
	if err != nil {
		return nil, 0, nil, err
	}
	pid, err := paramID(c, "period")
	if err != nil {
		return nil, 0, nil, err
	}
	row, leadUnit, err := h.Flow.Assignment(ctx, actor(c), id)
	if err != nil {
		return nil, 0, nil, err
	}
	p, err := h.Store.PeriodByID(ctx, pid)
	if err != nil {
		return nil, 0, nil, err
	}
	if p.PlanID != row.PlanID {
		return nil, 0, nil, fmt.Errorf("period %d: %w", pid, model.ErrNotFound)
	}
	return row, leadUnit, p, nil
}

func (h *Handlers) reportOf(ctx context.Context, asgID, periodID int64) (*model.Report, error) {
	r, err := h.Store.ReportOf(ctx, asgID, periodID)
	if errors.Is(err, model.ErrNotFound) {
		return nil, nil
	}
	return r, err
}

// ReportForm shows the report form to the assignment's unit. Others are
// sent to the report page, if there is one they may see.
func (h *Handlers) ReportForm(c echo.Context) error {
	ctx := c.Request().Context()
	row, leadUnit, p, err := h.assignmentPeriod(c)
	if err != nil {
		return err
	}
	rep, err := h.reportOf(ctx, row.ID, p.ID)
	if err != nil {
		return err
	}
	a := actor(c)
	if !workflow.IsOwner(a, row.UnitID) || (rep != nil && (rep.State == model.ReportSubmitted || rep.State == model.ReportApproved)) {
		if rep != nil && workflow.CanSeeReport(a, row.UnitID, leadUnit, rep) {
			return c.Redirect(http.StatusSeeOther, paths.Report(rep.ID))
		}
		return model.Refused("assignment", row.ID)
	}
	page, err := h.reportFormPage(ctx, row, p, rep)
	if err != nil {
		return err
	}
	var vals []model.TargetValue
	if rep != nil {
		if vals, err = h.Store.TargetValuesOf(ctx, []int64{rep.ID}); err != nil {
			return err
		}
	}
	page.Input = formInputOf(rep, vals)
	return render.Page(c, http.StatusOK, reports.Form(*page))
}

// reportFormPage assembles everything the form shows but the user's input.
func (h *Handlers) reportFormPage(ctx context.Context, row *store.AssignmentRow, p *model.Period, rep *model.Report) (*reports.FormPage, error) {
	now := h.Clock.Now()
	page := &reports.FormPage{Row: *row, Period: *p, Report: rep, Action: paths.ReportForm(row.ID, p.ID),
		DaysLeft: clock.DaysBetween(now, p.DueOn), MaxUploadMB: h.Config.MaxUploadMB, Accept: evidence.Accept(),
		NeedsSign: row.SignedAt == nil, Errors: validate.Errors{}}
	var err error
	if page.Targets, err = h.Store.TargetsOf(ctx, row.MeasureID); err != nil {
		return nil, err
	}
	editable := rep == nil || rep.State == model.ReportDraft || rep.State == model.ReportReturned
	switch {
	case row.Closed():
		page.FormError, editable = "flow.err.measure_closed", false
	case clock.Date(now).Before(clock.Date(p.StartsOn)):
		page.FormError, editable = "flow.err.period_not_open", false
	}
	page.Editable = editable && !page.NeedsSign
	if rep != nil {
		page.LockVersion = rep.LockVersion
		files, err := h.Store.AttachmentsOf(ctx, []int64{rep.ID})
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			if f.RemovedAt == nil {
				page.Files = append(page.Files, f)
			}
		}
		if rep.State == model.ReportReturned {
			lines, err := h.Flow.ReviewLines(ctx, []int64{rep.ID}, nil)
			if err != nil {
				return nil, err
			}
			for i := len(lines) - 1; i >= 0; i-- {
				if lines[i].Decision == store.DecisionReturn {
					page.LastReturn = &lines[i]
					break
				}
			}
		}
	}
	if row.Role == model.AssignLead {
		if page.CoInputs, err = h.coInputs(ctx, row.MeasureID, p.ID); err != nil {
			return nil, err
		}
	}
	return page, nil
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

// coInputs lists the co-units of a measure with their reports for a
// period and the latest version each submitted.
func (h *Handlers) coInputs(ctx context.Context, measureID, periodID int64) ([]reports.CoInput, error) {
	rows, err := h.Store.AssignmentRowsOfMeasure(ctx, measureID)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, r := range rows {
		if r.Role == model.AssignResponsible {
			ids = append(ids, r.ID)
		}
	}
	reps, err := h.Store.ReportsOfAssignments(ctx, ids)
	if err != nil {
		return nil, err
	}
	byAsg := map[int64]*model.Report{}
	var repIDs []int64
	for i, r := range reps {
		if r.PeriodID == periodID {
			byAsg[r.AssignmentID] = &reps[i]
			repIDs = append(repIDs, r.ID)
		}
	}
	latest, err := h.latestSnapshots(ctx, repIDs)
	if err != nil {
		return nil, err
	}
	var out []reports.CoInput
	for _, r := range rows {
		if r.Role != model.AssignResponsible {
			continue
		}
		ci := reports.CoInput{Row: r, Report: byAsg[r.ID]}
		if ci.Report != nil {
			if sn, ok := latest[ci.Report.ID]; ok {
				ci.Content = &sn
			}
		}
		out = append(out, ci)
	}
	return out, nil
}

// latestSnapshots returns the newest submitted version of each report.
func (h *Handlers) latestSnapshots(ctx context.Context, reportIDs []int64) (map[int64]workflow.Snapshot, error) {
	vs, err := h.Store.ReportVersionsOf(ctx, reportIDs)
	if err != nil {
		return nil, err
	}
	out := map[int64]workflow.Snapshot{}
	for _, v := range vs { // ordered by report, version
		sn, err := workflow.ParseSnapshot(v.Snapshot)
		if err != nil {
			return nil, err
		}
		out[v.ReportID] = sn
	}
	return out, nil
}

// SaveReport saves the report form as a draft or submits it. Bad input
// re-renders the form with 422 and everything typed; a concurrent change
// re-renders it with 409, the typed input and the other person's version;
// a file over the size limit answers 413 and keeps nothing.
func (h *Handlers) SaveReport(c echo.Context) error {
	ctx := c.Request().Context()
	row, leadUnit, p, err := h.assignmentPeriod(c)
	if err != nil {
		return err
	}
	a := actor(c)
	if !workflow.IsOwner(a, row.UnitID) {
		if workflow.CanSeeAssignment(a, row.UnitID, leadUnit) {
			return model.ErrForbidden
		}
		return model.Refused("assignment", row.ID)
	}
	vals, ups, rerr := h.readReportForm(c)
	if rerr != nil && !errors.Is(rerr, errUploadTooLarge) {
		return rerr
	}
	if vals == nil {
		vals = url.Values{}
	}
	in, typed, errs := parseReport(vals, row.ID, p.ID)
	submit := vals.Get("action") == "submit"
	var files []workflow.NewFile
	for _, u := range ups {
		if u.Blob != nil {
			files = append(files, workflow.NewFile{Name: u.Name, ContentType: u.Kind.ContentType, Blob: u.Blob})
		}
	}
	in.AddFiles = files
	rerender := func(status int, formErr string, latest *workflow.Snapshot) error {
		rep, err := h.reportOf(ctx, row.ID, p.ID)
		if err != nil {
			return err
		}
		page, err := h.reportFormPage(ctx, row, p, rep)
		if err != nil {
			return err
		}
		if latest == nil {
			// The form keeps the version it was loaded at.
			page.LockVersion = in.LockVersion
		}
		page.Input, page.Errors, page.FormError, page.Latest = typed, errs, formErr, latest
		page.FileErrors = fileProblems(ups)
		page.FilesLost = len(ups) > 0
		return render.Page(c, status, reports.Form(*page))
	}
	if rerr != nil { // a file over the limit
		h.discardUploads(ctx, ups)
		errs.Set("files", "evidence.err.too_large")
		return rerender(http.StatusRequestEntityTooLarge, "", nil)
	}
	for k, v := range in.Validate(submit) {
		if _, ok := errs[k]; !ok {
			errs[k] = v
		}
	}
	if fp := fileProblems(ups); len(fp) > 0 {
		errs.Set("files", "evidence.err.refused")
	}
	if len(errs) > 0 {
		h.discardUploads(ctx, ups)
		return rerender(http.StatusUnprocessableEntity, "", nil)
	}
	rep, err := h.Flow.SaveReport(ctx, a, in, submit)
	if err != nil {
		// The service removed the new files.
		if fe := validate.FieldsOf(err); fe != nil {
			errs = fe
			return rerender(http.StatusUnprocessableEntity, "", nil)
		}
		switch {
		case errors.Is(err, workflow.ErrStale):
			latest, err := h.Flow.CurrentSnapshot(ctx, row.ID, row.MeasureID, p.ID)
			if err != nil {
				return err
			}
			return rerender(http.StatusConflict, "report.form.conflict", latest)
		case errors.Is(err, workflow.ErrNotSigned), errors.Is(err, workflow.ErrMeasureClosed),
			errors.Is(err, workflow.ErrPeriodNotOpen), errors.Is(err, workflow.ErrState):
			return rerender(http.StatusConflict, workflow.MessageKey(err), nil)
		}
		return err
	}
	if submit {
		return render.Redirect(c, paths.Report(rep.ID), "ok", "report.flash.submitted")
	}
	return render.Redirect(c, paths.ReportForm(row.ID, p.ID), "ok", "report.flash.saved")
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
	for _, s := range v["remove_file"] {
		if id, err := strconv.ParseInt(s, 10, 64); err == nil && !slices.Contains(in.RemoveFiles, id) {
			in.RemoveFiles = append(in.RemoveFiles, id)
			typed.Remove[id] = true
		}
	}
	return in, typed, errs
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

// reportPage assembles a report page; version 0 means the latest.
func (h *Handlers) reportPage(c echo.Context, reportID int64, version int) (*reports.ReportPage, error) {
	ctx := c.Request().Context()
	rep, err := h.Store.ReportByID(ctx, reportID)
	if err != nil {
		return nil, err
	}
	row, leadUnit, err := h.Flow.AssignmentRow(ctx, rep.AssignmentID)
	if err != nil {
		return nil, err
	}
	a := actor(c)
	if !workflow.CanSeeReport(a, row.UnitID, leadUnit, rep) {
		return nil, model.Refused("report", reportID)
	}
	p, err := h.Store.PeriodByID(ctx, rep.PeriodID)
	if err != nil {
		return nil, err
	}
	vs, err := h.Store.ReportVersions(ctx, rep.ID)
	if err != nil {
		return nil, err
	}
	reviews, err := h.Flow.ReviewLines(ctx, []int64{rep.ID}, nil)
	if err != nil {
		return nil, err
	}
	var uids []int64
	for _, v := range vs {
		if v.SubmittedBy != nil {
			uids = append(uids, *v.SubmittedBy)
		}
	}
	names, err := h.Store.UserNames(ctx, uids)
	if err != nil {
		return nil, err
	}
	page := &reports.ReportPage{Row: *row, Period: *p, Report: *rep, VersionPage: version > 0}
	decision := map[int]string{}
	for _, r := range reviews {
		decision[r.VersionNo] = r.Decision
	}
	snaps := make([]workflow.Snapshot, len(vs))
	for i, v := range vs {
		if snaps[i], err = workflow.ParseSnapshot(v.Snapshot); err != nil {
			return nil, err
		}
		line := reports.VersionLine{No: v.VersionNo, SubmittedAt: v.SubmittedAt, Decision: decision[v.VersionNo]}
		if v.SubmittedBy != nil {
			line.SubmittedBy = names[*v.SubmittedBy]
		}
		page.Versions = append(page.Versions, line)
	}
	page.Reviews = reviews
	obj := workflow.ReportObject(row.Role)
	kind := workflow.KindOf(a, obj, row.UnitID, leadUnit)
	switch {
	case version > 0:
		if version > len(vs) {
			return nil, fmt.Errorf("report %d version %d: %w", reportID, version, model.ErrNotFound)
		}
		page.Shown = version
	case len(vs) > 0:
		page.Shown = len(vs)
	}
	if page.Shown > 0 {
		page.Content = &snaps[page.Shown-1]
		if page.Shown >= 2 {
			d := workflow.Compare(snaps[page.Shown-2], snaps[page.Shown-1])
			page.Diff, page.DiffFrom = &d, page.Shown-1
			for _, r := range reviews {
				if r.VersionNo == page.DiffFrom && r.Decision == store.DecisionReturn {
					page.ReturnedFor = append(page.ReturnedFor, r)
				}
			}
		}
	} else if kind == workflow.Owner {
		cur, err := h.Flow.CurrentSnapshot(ctx, row.ID, row.MeasureID, p.ID)
		if err != nil {
			return nil, err
		}
		page.Content = cur
	}
	if version == 0 {
		_, errEdit := workflow.Next(obj, rep.State, workflow.ActSave, kind)
		page.CanEdit = errEdit == nil && !row.Closed()
		_, errReview := workflow.Next(obj, rep.State, workflow.ActApprove, kind)
		page.CanReview = errReview == nil
	}
	if row.Role == model.AssignLead && kind != workflow.Owner {
		if page.CoInputs, err = h.coInputs(ctx, row.MeasureID, p.ID); err != nil {
			return nil, err
		}
	}
	return page, nil
}
