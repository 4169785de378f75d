package handlers

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"duban/internal/clock"
	"duban/internal/format"
	"duban/internal/metrics"
	"duban/internal/model"
	"duban/internal/rules"
	"duban/internal/store"
	"duban/internal/web/render"
	"duban/internal/workflow"
	"duban/views/pages/assignments"
	"duban/views/pages/dashboard"
	"duban/views/pages/record"
	"duban/views/pages/reports"
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
	row, leadUnit, err := h.wfAssignment(ctx, id)
	if err != nil {
		return err
	}
	a := actor(c)
	if !workflow.CanSeeAssignment(a, row.UnitID, leadUnit) {
		return model.Refused("assignment", id)
	}
	now := h.Clock.Now()
	m, err := h.Store.MeasureByID(ctx, row.MeasureID)
	if err != nil {
		return err
	}
	page := assignments.Page{Row: *row, Measure: *m, Self: paths.Assignment(row.ID), Today: format.Date(now),
		IsOwner: workflow.IsOwner(a, row.UnitID)}
	others, err := h.Store.AssignmentRowsOfMeasure(ctx, row.MeasureID)
	if err != nil {
		return err
	}
	for _, o := range others {
		if o.ID != row.ID {
			page.Others = append(page.Others, o)
		}
	}
	if page.Targets, err = h.Store.TargetsOf(ctx, row.MeasureID); err != nil {
		return err
	}
	// What the rules say about every unit on the measure, and the measure.
	snap, err := metrics.Load(ctx, h.Store, metrics.Scope{PlanID: row.PlanID, MeasureID: row.MeasureID}, now)
	if err != nil {
		return err
	}
	me := snap.Assignment(row.ID)
	if me == nil {
		return fmt.Errorf("assignment %d: %w", id, model.ErrNotFound)
	}
	page.Light = me.Status
	page.MeasureLight = me.Measure.Light
	page.OtherLights = map[int64]rules.Status{}
	for _, o := range me.Measure.Assignments {
		page.OtherLights[o.ID] = o.Status
	}
	for _, f := range me.Measure.Flagged() {
		page.Flagged = append(page.Flagged, f.Unit.Name)
	}
	reps, err := h.Store.ReportsOfAssignments(ctx, []int64{row.ID})
	if err != nil {
		return err
	}
	page.Periods, page.Current = wfPeriodLines(a, row, leadUnit, me, reps, now)
	page.PromptMessage = dashboard.PromptMessage(ctx, me.Status.Chase, now, snap.Settings.ReturnGraceDays)

	var repIDs []int64
	label := map[int64]string{}
	periodOf := map[int64]string{}
	for _, pl := range page.Periods {
		periodOf[pl.Period.ID] = pl.Period.Label
	}
	for _, r := range reps {
		repIDs = append(repIDs, r.ID)
		label[r.ID] = periodOf[r.PeriodID]
	}
	if page.Reviews, err = h.wfReviewLines(ctx, repIDs, label); err != nil {
		return err
	}
	decision := map[[2]int64]string{}
	for _, rv := range page.Reviews {
		decision[[2]int64{rv.ReportID, int64(rv.VersionNo)}] = rv.Decision
	}
	vs, err := h.Store.ReportVersionsOf(ctx, repIDs)
	if err != nil {
		return err
	}
	listed := map[int64]bool{} // files some submitted version lists
	var uids []int64
	for _, v := range vs {
		sn, err := workflow.ParseSnapshot(v.Snapshot)
		if err != nil {
			return err
		}
		for _, f := range sn.Files {
			listed[f.ID] = true
		}
		if v.SubmittedBy != nil {
			uids = append(uids, *v.SubmittedBy)
		}
	}
	prompts, err := h.Store.PromptsOfAssignment(ctx, row.ID)
	if err != nil {
		return err
	}
	for _, p := range prompts {
		uids = append(uids, p.SenderID)
	}
	if row.SignedBy != nil {
		uids = append(uids, *row.SignedBy)
	}
	closure, err := h.Store.AuditEventsOf(ctx, "measure", row.MeasureID, "measure.close", "measure.reopen")
	if err != nil {
		return err
	}
	for _, e := range closure {
		if e.ActorID != nil {
			uids = append(uids, *e.ActorID)
		}
	}
	names, err := h.Store.UserNames(ctx, uids)
	if err != nil {
		return err
	}
	if row.SignedBy != nil {
		page.SignedBy = names[*row.SignedBy]
	}
	for i := len(vs) - 1; i >= 0; i-- {
		v := vs[i]
		line := assignments.HistoryLine{ReportID: v.ReportID, Period: label[v.ReportID], No: v.VersionNo,
			SubmittedAt: v.SubmittedAt, Decision: decision[[2]int64{v.ReportID, int64(v.VersionNo)}]}
		if v.SubmittedBy != nil {
			line.SubmittedBy = names[*v.SubmittedBy]
		}
		page.Versions = append(page.Versions, line)
	}
	files, err := h.Store.AttachmentsOf(ctx, repIDs)
	if err != nil {
		return err
	}
	for _, f := range files {
		if !page.IsOwner && !listed[f.ID] {
			continue // a draft's file is the unit's own business
		}
		page.Files = append(page.Files, assignments.FileLine{ID: f.ID, Name: f.Name, Size: f.Size, Period: label[f.ReportID],
			UploadedAt: f.CreatedAt, Removed: f.RemovedAt != nil})
	}
	// Prompts come newest first; number them per period oldest first.
	nth := map[int64]int{}
	for i := len(prompts) - 1; i >= 0; i-- {
		p := prompts[i]
		pl := assignments.PromptLine{At: p.CreatedAt, Sender: names[p.SenderID], Message: p.Message, ResolvedAt: p.ResolvedAt}
		if p.PeriodID != nil {
			pl.Period = periodOf[*p.PeriodID]
			nth[*p.PeriodID]++
			pl.Nth = nth[*p.PeriodID]
		}
		page.Prompts = append([]assignments.PromptLine{pl}, page.Prompts...)
	}
	for _, e := range closure {
		cl := assignments.ClosureLine{At: e.At, Action: workflow.ActClose}
		if e.Action == "measure.reopen" {
			cl.Action = workflow.ActReopen
		}
		if e.ActorID != nil {
			cl.Actor = names[*e.ActorID]
		}
		var v struct {
			Note   string `json:"note"`
			Reason string `json:"reason"`
		}
		_ = json.Unmarshal([]byte(e.NewValue), &v)
		cl.Text = v.Note + v.Reason
		page.Closure = append(page.Closure, cl)
	}
	_, signErr := workflow.Next(workflow.ObjAssignment, wfSignState(row), workflow.ActSign,
		workflow.KindOf(a, workflow.ObjAssignment, row.UnitID, leadUnit))
	page.CanSign = signErr == nil
	if a.Role == model.RoleReviewer {
		page.CanPrompt = !row.Closed()
		if row.Role == model.AssignLead {
			page.CanReopen = row.Closed()
			if i := me.LatestSubmitted(); !row.Closed() && i >= 0 {
				page.CanClose = me.Reports[i].Progress() == model.ProgressDone
			}
		}
	}
	if page.Record, err = h.recordPage(c, row.MeasureID, record.Form{}); err != nil {
		return err
	}
	return render.Page(c, http.StatusOK, assignments.View(page))
}

func wfSignState(row *store.AssignmentRow) string {
	if row.SignedAt != nil {
		return workflow.StateSigned
	}
	return workflow.StateUnsigned
}

// wfPeriodLines lists the periods of an assignment's plan with its
// reports as the viewer may see them, and the current period's ID (the
// rules' current period among those the assignment owes).
func wfPeriodLines(a store.Actor, row *store.AssignmentRow, leadUnit int64, me *metrics.Assignment, reps []model.Report, now time.Time) ([]assignments.PeriodLine, int64) {
	ps := me.Plan().Periods
	byPeriod := map[int64]*model.Report{}
	for i := range reps {
		byPeriod[reps[i].PeriodID] = &reps[i]
	}
	owner := workflow.IsOwner(a, row.UnitID)
	var out []assignments.PeriodLine
	var curID int64
	for i, p := range ps {
		l := assignments.PeriodLine{Period: p, Report: byPeriod[p.ID], Current: i == me.Status.Current,
			Started: !clock.Date(now).Before(clock.Date(p.StartsOn)), DaysLeft: clock.DaysBetween(now, p.DueOn), State: "none"}
		if l.Current {
			curID = p.ID
		}
		switch {
		case owner && l.Report != nil && (l.Report.State == model.ReportSubmitted || l.Report.State == model.ReportApproved):
			l.State, l.Link = l.Report.State, paths.Report(l.Report.ID)
		case owner && l.Started && !row.Closed():
			l.State, l.Link = reports.StateOf(l.Report), paths.ReportForm(row.ID, p.ID)
		case owner && l.Report != nil:
			l.State, l.Link = l.Report.State, paths.Report(l.Report.ID)
		case l.Report != nil && workflow.CanSeeReport(a, row.UnitID, leadUnit, l.Report):
			l.State, l.Link = l.Report.State, paths.Report(l.Report.ID)
		}
		out = append(out, l)
	}
	return out, curID
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
