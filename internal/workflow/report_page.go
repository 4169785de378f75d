package workflow

import (
	"context"
	"errors"
	"fmt"
	"time"

	"duban/internal/clock"
	"duban/internal/model"
	"duban/internal/store"
)

// ReportPage is a report as one viewer may see it, for its page and the
// API: a submitted version (the latest, or the one asked for; the owner
// also sees a draft never submitted), the changes since the version
// before, the version history, the review trail, the evidence files the
// viewer may see and the writes the viewer may make now.
type ReportPage struct {
	Row    store.AssignmentRow
	Period model.Period
	Report model.Report
	// Shown is the version shown; 0 for the owner's unsubmitted content.
	Shown       int
	Content     *Snapshot // nil when nothing can be shown
	VersionPage bool      // one version asked for by number
	Versions    []HistoryLine
	Reviews     []ReviewLine
	Diff        *Diff // the shown version against the one before
	DiffFrom    int
	ReturnedFor []ReviewLine // why the version before was returned
	// Files are the report's evidence files the viewer may see: a file
	// only a draft carries is its unit's own business.
	Files []model.Attachment
	// Allowed are the writes the viewer may make on the latest version
	// now (ActSave, ActSubmit, ActApprove, ActReturn); none on a version
	// page.
	Allowed   []string
	CanEdit   bool
	CanReview bool
	// CoInputs are the co-units' inputs for the period, for a lead unit's
	// report seen by someone other than the lead unit.
	CoInputs []CoInput
}

// CoInput is one co-unit's input for a period, as its lead unit and the
// reviewers see it.
type CoInput struct {
	Row     store.AssignmentRow
	Report  *model.Report
	Content *Snapshot // the latest submitted version, if any
}

// ReportPage assembles report id's page for actor; version 0 shows the
// latest. A report the actor may not see is refused.
func (s *Service) ReportPage(ctx context.Context, a store.Actor, id int64, version int) (*ReportPage, error) {
	rep, err := s.st.ReportByID(ctx, id)
	if err != nil {
		return nil, err
	}
	row, leadUnit, err := s.AssignmentRow(ctx, rep.AssignmentID)
	if err != nil {
		return nil, err
	}
	if !CanSeeReport(a, row.UnitID, leadUnit, rep) {
		return nil, model.Refused("report", id)
	}
	p, err := s.st.PeriodByID(ctx, rep.PeriodID)
	if err != nil {
		return nil, err
	}
	page := &ReportPage{Row: *row, Period: *p, Report: *rep, VersionPage: version > 0}
	snaps, err := s.reportHistory(ctx, page)
	if err != nil {
		return nil, err
	}
	obj := ReportObject(row.Role)
	kind := KindOf(a, obj, row.UnitID, leadUnit)
	switch {
	case version > len(snaps):
		return nil, fmt.Errorf("report %d version %d: %w", id, version, model.ErrNotFound)
	case version > 0:
		page.Shown = version
	default:
		page.Shown = len(snaps)
	}
	if page.Shown > 0 {
		page.Content = &snaps[page.Shown-1]
		if page.Shown >= 2 {
			d := Compare(snaps[page.Shown-2], snaps[page.Shown-1])
			page.Diff, page.DiffFrom = &d, page.Shown-1
			for _, r := range page.Reviews {
				if r.VersionNo == page.DiffFrom && r.Decision == store.DecisionReturn {
					page.ReturnedFor = append(page.ReturnedFor, r)
				}
			}
		}
	} else if kind == Owner {
		if page.Content, err = s.CurrentSnapshot(ctx, row.ID, row.MeasureID, p.ID); err != nil {
			return nil, err
		}
	}
	if err := s.reportFiles(ctx, page, snaps, kind == Owner); err != nil {
		return nil, err
	}
	if version == 0 {
		for _, act := range []string{ActSave, ActSubmit, ActApprove, ActReturn} {
			editing := act == ActSave || act == ActSubmit
			if _, err := Next(obj, rep.State, act, kind); err == nil && !(editing && row.Closed()) {
				page.Allowed = append(page.Allowed, act)
			}
		}
		_, errEdit := Next(obj, rep.State, ActSave, kind)
		page.CanEdit = errEdit == nil && !row.Closed()
		_, errReview := Next(obj, rep.State, ActApprove, kind)
		page.CanReview = errReview == nil
	}
	if row.Role == model.AssignLead && kind != Owner {
		if page.CoInputs, err = s.CoInputs(ctx, row.MeasureID, p.ID); err != nil {
			return nil, err
		}
	}
	return page, nil
}

// reportHistory fills the page's versions (with who submitted them and
// the decision on each) and reviews, and returns every version's content.
func (s *Service) reportHistory(ctx context.Context, page *ReportPage) ([]Snapshot, error) {
	vs, err := s.st.ReportVersions(ctx, page.Report.ID)
	if err != nil {
		return nil, err
	}
	if page.Reviews, err = s.ReviewLines(ctx, []int64{page.Report.ID}, nil); err != nil {
		return nil, err
	}
	var uids []int64
	for _, v := range vs {
		if v.SubmittedBy != nil {
			uids = append(uids, *v.SubmittedBy)
		}
	}
	names, err := s.st.UserNames(ctx, uids)
	if err != nil {
		return nil, err
	}
	decision := map[int]string{}
	for _, r := range page.Reviews {
		decision[r.VersionNo] = r.Decision
	}
	snaps := make([]Snapshot, len(vs))
	for i, v := range vs {
		if snaps[i], err = ParseSnapshot(v.Snapshot); err != nil {
			return nil, err
		}
		line := HistoryLine{ReportID: v.ReportID, No: v.VersionNo, SubmittedAt: v.SubmittedAt, Decision: decision[v.VersionNo]}
		if v.SubmittedBy != nil {
			line.SubmittedBy = names[*v.SubmittedBy]
		}
		page.Versions = append(page.Versions, line)
	}
	return snaps, nil
}

// reportFiles lists the report's evidence files the viewer may see: the
// owner all of them, others those some submitted version lists.
func (s *Service) reportFiles(ctx context.Context, page *ReportPage, snaps []Snapshot, owner bool) error {
	listed := map[int64]bool{}
	for _, sn := range snaps {
		for _, f := range sn.Files {
			listed[f.ID] = true
		}
	}
	files, err := s.st.AttachmentsOf(ctx, []int64{page.Report.ID})
	if err != nil {
		return err
	}
	for _, f := range files {
		if owner || listed[f.ID] {
			page.Files = append(page.Files, f)
		}
	}
	return nil
}

// CoInputs lists the co-units of a measure with their reports for a
// period and the latest version each submitted.
func (s *Service) CoInputs(ctx context.Context, measureID, periodID int64) ([]CoInput, error) {
	rows, err := s.st.AssignmentRowsOfMeasure(ctx, measureID)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, r := range rows {
		if r.Role == model.AssignResponsible {
			ids = append(ids, r.ID)
		}
	}
	reps, err := s.st.ReportsOfAssignments(ctx, ids)
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
	latest, err := s.latestSnapshots(ctx, repIDs)
	if err != nil {
		return nil, err
	}
	var out []CoInput
	for _, r := range rows {
		if r.Role != model.AssignResponsible {
			continue
		}
		ci := CoInput{Row: r, Report: byAsg[r.ID]}
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
func (s *Service) latestSnapshots(ctx context.Context, reportIDs []int64) (map[int64]Snapshot, error) {
	vs, err := s.st.ReportVersionsOf(ctx, reportIDs)
	if err != nil {
		return nil, err
	}
	out := map[int64]Snapshot{}
	for _, v := range vs { // ordered by report, version
		sn, err := ParseSnapshot(v.Snapshot)
		if err != nil {
			return nil, err
		}
		out[v.ReportID] = sn
	}
	return out, nil
}

// ReportForm is the report form of an assignment for a period as its unit
// fills it in: the stored report and actuals, the targets, the files the
// report carries, why the form may not be saved now, the last return's
// reason and, for a lead unit, its co-units' inputs.
type ReportForm struct {
	Row         store.AssignmentRow
	Period      model.Period
	Report      *model.Report // nil before the first save
	Values      []model.TargetValue
	DaysLeft    int
	LockVersion int
	Targets     []model.Target
	Files       []model.Attachment // the files the report carries now
	FormError   string             // catalog key shown above the form
	NeedsSign   bool
	Editable    bool
	LastReturn  *ReviewLine
	CoInputs    []CoInput
	// SeeReport is set when the form is not the viewer's to fill (another
	// unit's, or already submitted) but the report may be read: its ID.
	SeeReport int64
}

// AssignmentPeriod loads an assignment the actor may see, its measure's
// lead unit and one period of its plan.
func (s *Service) AssignmentPeriod(ctx context.Context, a store.Actor, asgID, periodID int64) (*store.AssignmentRow, int64, *model.Period, error) {
	row, leadUnit, err := s.Assignment(ctx, a, asgID)
	if err != nil {
		return nil, 0, nil, err
	}
	p, err := s.st.PeriodByID(ctx, periodID)
	if err != nil {
		return nil, 0, nil, err
	}
	if p.PlanID != row.PlanID {
		return nil, 0, nil, fmt.Errorf("period %d: %w", periodID, model.ErrNotFound)
	}
	return row, leadUnit, p, nil
}

// ReportForm assembles the report form of assignment asgID for period
// periodID for actor at now. Only the assignment's unit fills it in, and
// only while the report is not submitted; anyone else who may read the
// report gets SeeReport, the others a refusal.
func (s *Service) ReportForm(ctx context.Context, a store.Actor, asgID, periodID int64, now time.Time) (*ReportForm, error) {
	row, leadUnit, p, err := s.AssignmentPeriod(ctx, a, asgID, periodID)
	if err != nil {
		return nil, err
	}
	rep, err := s.reportOf(ctx, row.ID, p.ID)
	if err != nil {
		return nil, err
	}
	if !IsOwner(a, row.UnitID) || (rep != nil && (rep.State == model.ReportSubmitted || rep.State == model.ReportApproved)) {
		if rep != nil && CanSeeReport(a, row.UnitID, leadUnit, rep) {
			return &ReportForm{SeeReport: rep.ID}, nil
		}
		return nil, model.Refused("assignment", row.ID)
	}
	return s.reportForm(ctx, row, p, rep, now)
}

// ReportFormOf is the form as it stands, for showing it again after a
// refused save; the caller has checked the actor is the owner.
func (s *Service) ReportFormOf(ctx context.Context, row *store.AssignmentRow, p *model.Period, now time.Time) (*ReportForm, error) {
	rep, err := s.reportOf(ctx, row.ID, p.ID)
	if err != nil {
		return nil, err
	}
	return s.reportForm(ctx, row, p, rep, now)
}

// reportOf is the assignment's report for a period, nil when there is none.
func (s *Service) reportOf(ctx context.Context, asgID, periodID int64) (*model.Report, error) {
	r, err := s.st.ReportOf(ctx, asgID, periodID)
	if errors.Is(err, model.ErrNotFound) {
		return nil, nil
	}
	return r, err
}

func (s *Service) reportForm(ctx context.Context, row *store.AssignmentRow, p *model.Period, rep *model.Report, now time.Time) (*ReportForm, error) {
	f := &ReportForm{Row: *row, Period: *p, Report: rep, DaysLeft: clock.DaysBetween(now, p.DueOn), NeedsSign: row.SignedAt == nil}
	var err error
	if f.Targets, err = s.st.TargetsOf(ctx, row.MeasureID); err != nil {
		return nil, err
	}
	editable := rep == nil || rep.State == model.ReportDraft || rep.State == model.ReportReturned
	switch {
	case row.Closed():
		f.FormError, editable = MessageKey(ErrMeasureClosed), false
	case clock.Date(now).Before(clock.Date(p.StartsOn)):
		f.FormError, editable = MessageKey(ErrPeriodNotOpen), false
	}
	f.Editable = editable && !f.NeedsSign
	if rep != nil {
		if err := s.reportFormOf(ctx, f, rep); err != nil {
			return nil, err
		}
	}
	if row.Role == model.AssignLead {
		if f.CoInputs, err = s.CoInputs(ctx, row.MeasureID, p.ID); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// reportFormOf adds what a saved report brings to its form: its lock
// version, actuals, files and the reason of its last return.
func (s *Service) reportFormOf(ctx context.Context, f *ReportForm, rep *model.Report) error {
	f.LockVersion = rep.LockVersion
	var err error
	if f.Values, err = s.st.TargetValuesOf(ctx, []int64{rep.ID}); err != nil {
		return err
	}
	files, err := s.st.AttachmentsOf(ctx, []int64{rep.ID})
	if err != nil {
		return err
	}
	for _, a := range files {
		if a.RemovedAt == nil {
			f.Files = append(f.Files, a)
		}
	}
	if rep.State != model.ReportReturned {
		return nil
	}
	lines, err := s.ReviewLines(ctx, []int64{rep.ID}, nil)
	if err != nil {
		return err
	}
	for i := len(lines) - 1; i >= 0; i-- {
		if lines[i].Decision == store.DecisionReturn {
			f.LastReturn = &lines[i]
			break
		}
	}
	return nil
}
