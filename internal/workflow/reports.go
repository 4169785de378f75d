package workflow

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"duban/internal/evidence"
	"duban/internal/format"
	"duban/internal/model"
	"duban/internal/store"
	"duban/internal/validate"
)

// ReportInput is what a unit enters in the report form.
type ReportInput struct {
	AssignmentID  int64
	PeriodID      int64
	LockVersion   int // the version the form was loaded at; 0 for a new report
	ProgressState string
	Percent       int
	Progress      string
	Problems      string
	NextSteps     string
	Targets       map[int64]*float64 // target ID → actual value; nil or absent: not given
	AddFiles      []NewFile
	RemoveFiles   []int64 // attachment IDs to take off the report
	// Place is the assignment and period as the caller loaded them
	// (AssignmentPeriod) to check the actor and read the form, so the save
	// does not read them again; nil (or a nil part): the save loads them.
	Place *ReportPlace
}

// ReportPlace is where a report belongs: its assignment (with the leading
// unit of its measure) and its period.
type ReportPlace struct {
	Row      *store.AssignmentRow
	LeadUnit int64
	Period   *model.Period
}

// NewFile is an evidence file already in storage, to attach.
type NewFile struct {
	Name        string // sanitised original name
	ContentType string
	Blob        *evidence.Blob
}

// Validate checks the input (field → catalog key); a submission also needs
// the progress described, and 已完成 means 100%.
func (in *ReportInput) Validate(submit bool) validate.Errors {
	errs := validate.Errors{}
	if !slices.Contains(model.ProgressStates, in.ProgressState) {
		errs.Set("progress_state", "report.form.err.progress_state")
	}
	if in.Percent < 0 || in.Percent > 100 {
		errs.Set("percent", "report.form.err.percent")
	}
	for _, f := range []struct{ name, v string }{
		{"progress", in.Progress}, {"problems", in.Problems}, {"next_steps", in.NextSteps},
	} {
		if tooLong(f.v, MaxTextRunes) {
			errs.Set(f.name, "report.form.err.too_long")
		}
	}
	for id, v := range in.Targets {
		if v != nil && (math.IsNaN(*v) || math.IsInf(*v, 0) || math.Abs(*v) > 1e12) {
			errs.Set(fmt.Sprintf("target_%d", id), "report.form.err.number")
		}
	}
	if submit {
		if strings.TrimSpace(in.Progress) == "" {
			errs.Set("progress", "report.form.err.progress_required")
		}
		if in.ProgressState == model.ProgressDone && in.Percent != 100 {
			if !errs.Has("percent") {
				errs.Set("percent", "report.form.err.done_percent")
			}
		}
	}
	return errs
}

func (s *Service) discard(ctx context.Context, files []NewFile) {
	if s.files == nil {
		return
	}
	for _, f := range files {
		if f.Blob != nil {
			_ = s.files.Remove(ctx, f.Blob.Key)
		}
	}
}

// SaveReport saves a report as a draft (submit false) or submits it. The
// form's lock version must still be current, or nothing is written and the
// answer is ErrStale. New files are removed from storage again when the
// save fails; files taken off the report are deleted, unless a submitted
// version lists them.
//
// What the save decides on is read first, outside the write transaction
// (on SQLite every unit's write queues for the one writer, so its reads
// run beside the queue, not in it); the transaction then writes only if
// none of it moved: the report by its state and lock version (the files
// and versions change only with them), the assignment and the measure by
// one guard.
func (s *Service) SaveReport(ctx context.Context, a store.Actor, in ReportInput, submit bool) (*model.Report, error) {
	var (
		out  *model.Report
		drop []string
	)
	ld, err := s.loadSave(ctx, a, in, submit)
	if h := afterLoadSave; h != nil && err == nil {
		h()
	}
	if err == nil {
		err = s.run(ctx, func(ctx context.Context) error {
			var err error
			out, drop, err = s.applySave(ctx, a, in, ld)
			return err
		})
	}
	if err != nil {
		s.discard(ctx, in.AddFiles)
		return nil, err
	}
	if !s.st.InTransaction(ctx) && s.files != nil {
		for _, k := range drop {
			_ = s.files.Remove(ctx, k)
		}
	}
	return out, nil
}

// afterLoadSave, when set (by tests), runs between a save's reads and its
// write transaction: where another writer may get in.
var afterLoadSave func()

// saveLoad is what a report save decides on, read before its write
// transaction.
type saveLoad struct {
	row      *store.AssignmentRow
	p        *model.Period
	leadUnit int64
	obj      string
	action   string
	from, to string
	cur      *model.Report // nil: no report yet
	targets  []model.Target
	files    []model.Attachment // the report's current files
	listed   Snapshot           // the latest submitted version's, when there is one
	notifyTo []int64            // a submission's recipients
	note     string             // and what their notification says
}

func (s *Service) loadSave(ctx context.Context, a store.Actor, in ReportInput, submit bool) (*saveLoad, error) {
	now := s.now()
	ld := &saveLoad{action: ActSave}
	if submit {
		ld.action = ActSubmit
	}
	var err error
	pl := in.Place
	if pl != nil && pl.Row != nil && pl.Row.ID == in.AssignmentID {
		ld.row, ld.leadUnit = pl.Row, pl.LeadUnit
	} else if ld.row, ld.leadUnit, err = s.AssignmentRow(ctx, in.AssignmentID); err != nil {
		return nil, err
	}
	if pl != nil && pl.Period != nil && pl.Period.ID == in.PeriodID {
		ld.p = pl.Period
	} else if ld.p, err = s.st.PeriodByID(ctx, in.PeriodID); err != nil {
		return nil, err
	}
	if ld.p.PlanID != ld.row.PlanID {
		return nil, fmt.Errorf("period %d of another plan: %w", ld.p.ID, model.ErrNotFound)
	}
	asg := &ld.row.Assignment
	ld.obj = ReportObject(asg.Role)
	kind := KindOf(a, ld.obj, asg.UnitID, ld.leadUnit)
	// The report first: whatever else changes after it changes its lock
	// version, which the write checks.
	ld.from = StateNone
	switch cur, err := s.st.ReportOf(ctx, asg.ID, ld.p.ID); {
	case err == nil:
		ld.cur, ld.from = cur, cur.State
	case !errors.Is(err, model.ErrNotFound):
		return nil, err
	}
	if ld.to, err = Next(ld.obj, ld.from, ld.action, kind); err != nil {
		return nil, err
	}
	switch {
	case asg.SignedAt == nil:
		return nil, ErrNotSigned
	case ld.row.Closed():
		return nil, ErrMeasureClosed
	case today(now).Before(today(ld.p.StartsOn)):
		return nil, ErrPeriodNotOpen
	case ld.cur != nil && ld.cur.LockVersion != in.LockVersion, ld.cur == nil && in.LockVersion != 0:
		return nil, ErrStale
	}
	if err := in.Validate(submit).Err(); err != nil {
		return nil, err
	}
	if ld.targets, err = s.st.TargetsOf(ctx, asg.MeasureID); err != nil {
		return nil, err
	}
	if ld.cur != nil {
		if ld.files, err = s.st.CurrentAttachments(ctx, ld.cur.ID); err != nil {
			return nil, err
		}
		if ld.cur.VersionNo > 0 {
			v, err := s.st.LatestReportVersion(ctx, ld.cur.ID)
			if err != nil {
				return nil, err
			}
			if ld.listed, err = ParseSnapshot(v.Snapshot); err != nil {
				return nil, err
			}
		}
	}
	kept := 0
	for _, f := range ld.files {
		if !slices.Contains(in.RemoveFiles, f.ID) {
			kept++
		}
	}
	if kept+len(in.AddFiles) > MaxFiles {
		return nil, validate.Refuse("files", "report.form.err.too_many_files")
	}
	if submit {
		if ld.obj == ObjInput {
			if ld.leadUnit != 0 {
				ld.notifyTo, err = s.st.UnitUserIDs(ctx, ld.leadUnit)
			}
		} else {
			ld.notifyTo, err = s.st.ReviewerIDs(ctx)
		}
		if err != nil {
			return nil, err
		}
		ld.note = Note{Measure: format.MeasureName(ld.row.DomainLabel, ld.row.MeasureLabel, ld.row.MeasureTitle),
			Unit: ld.row.UnitName, Period: ld.p.Label}.message()
	}
	return ld, nil
}

// applySave writes what loadSave decided, in the write transaction ctx
// carries, unless the report, the assignment or the measure moved since.
func (s *Service) applySave(ctx context.Context, a store.Actor, in ReportInput, ld *saveLoad) (*model.Report, []string, error) {
	now := s.now()
	submit := ld.action == ActSubmit
	asg := &ld.row.Assignment
	signed, open, err := s.st.AssignmentOpen(ctx, asg.ID)
	switch {
	case err != nil:
		return nil, nil, err
	case !signed:
		return nil, nil, ErrNotSigned
	case !open:
		return nil, nil, ErrMeasureClosed
	}
	r := &model.Report{AssignmentID: asg.ID, PeriodID: ld.p.ID}
	old := map[string]any{"state": ld.from}
	if cur := ld.cur; cur != nil {
		c := *cur
		r = &c
		old["lock_version"], old["version_no"] = cur.LockVersion, cur.VersionNo
		old["progress_state"], old["percent"] = cur.ProgressState, cur.Percent
	}
	r.State, r.ProgressState, r.Percent = ld.to, in.ProgressState, in.Percent
	r.Progress, r.Problems, r.NextSteps = in.Progress, in.Problems, in.NextSteps
	if submit {
		at := now.UTC()
		r.VersionNo++
		r.SubmittedAt, r.SubmittedBy = &at, userPtr(a.UserID)
	}
	if ld.cur != nil {
		err = s.st.UpdateReport(ctx, r, ld.from, in.LockVersion)
	} else {
		err = s.st.CreateReport(ctx, r)
	}
	if errors.Is(err, model.ErrConflict) {
		return nil, nil, ErrStale
	}
	if err != nil {
		return nil, nil, err
	}

	// Actual values, only for the measure's own targets.
	var vals []model.TargetValue
	for _, t := range ld.targets {
		if v := in.Targets[t.ID]; v != nil {
			x := *v
			vals = append(vals, model.TargetValue{TargetID: t.ID, Value: &x})
		}
	}
	// A report just created has no values to replace.
	if ld.cur != nil || len(vals) > 0 {
		if err := s.st.SetTargetValues(ctx, r.ID, vals); err != nil {
			return nil, nil, err
		}
	}

	// Evidence: files a submitted version lists stay for the history.
	var drop []string
	var removed []int64
	var current []model.Attachment // the files the report carries after this save, by ID
	for _, f := range ld.files {
		if !slices.Contains(in.RemoveFiles, f.ID) {
			current = append(current, f)
			continue
		}
		if ld.listed.HasFile(f.ID) {
			err = s.st.MarkAttachmentRemoved(ctx, f.ID, a.UserID, now)
		} else {
			err = s.st.DeleteAttachment(ctx, f.ID)
			drop = append(drop, f.StorageKey)
		}
		if err != nil {
			return nil, nil, err
		}
		removed = append(removed, f.ID)
	}
	var added []string
	for _, f := range in.AddFiles {
		att := &model.Attachment{ReportID: r.ID, Name: f.Name, ContentType: f.ContentType, Size: f.Blob.Size,
			SHA256: f.Blob.SHA256, StorageKey: f.Blob.Key, UploadedBy: userPtr(a.UserID)}
		if err := s.st.AddAttachment(ctx, att); err != nil {
			return nil, nil, err
		}
		current = append(current, *att)
		added = append(added, f.Name)
	}

	newVals := map[string]any{"state": ld.to, "lock_version": r.LockVersion, "version_no": r.VersionNo,
		"progress_state": r.ProgressState, "percent": r.Percent}
	if len(added) > 0 {
		newVals["files_added"] = added
	}
	if len(removed) > 0 {
		newVals["files_removed"] = removed
	}
	if submit {
		// The version lists what this transaction just wrote: the
		// measure's targets with the values given, the files kept and
		// added (new IDs are higher, so the order is the stored one).
		b, _ := json.Marshal(BuildSnapshot(r, ld.targets, vals, current))
		if err := s.st.AddReportVersion(ctx, &model.ReportVersion{ReportID: r.ID, VersionNo: r.VersionNo,
			Snapshot: string(b), SubmittedAt: now.UTC(), SubmittedBy: userPtr(a.UserID)}); err != nil {
			return nil, nil, err
		}
		resolved, err := s.resolvePrompts(ctx, a, asg, ld.leadUnit, ld.p.ID)
		if err != nil {
			return nil, nil, err
		}
		if len(resolved) > 0 {
			newVals["prompts_resolved"] = resolved
		}
		if err := s.st.Notify(ctx, ld.notifyTo, model.Notification{Kind: NoteReviewWaiting, ObjectType: "report",
			ObjectID: r.ID, Message: ld.note}); err != nil {
			return nil, nil, err
		}
	}
	if err := s.st.Audit(ctx, a, store.AuditEntry{Action: "report." + ld.action, ObjectType: "report", ObjectID: r.ID,
		Old: old, New: newVals}); err != nil {
		return nil, nil, err
	}
	return r, drop, nil
}

// resolvePrompts answers the open prompts about a report just submitted.
func (s *Service) resolvePrompts(ctx context.Context, a store.Actor, asg *model.Assignment, leadUnit, periodID int64) ([]int64, error) {
	if _, err := Next(ObjPrompt, StateOpen, ActResolve, KindOf(a, ObjPrompt, asg.UnitID, leadUnit)); err != nil {
		return nil, err
	}
	ids, err := s.st.ResolvePrompts(ctx, asg.ID, periodID, s.now())
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		if err := s.st.Audit(ctx, a, store.AuditEntry{Action: "prompt." + ActResolve, ObjectType: "prompt", ObjectID: id,
			Old: map[string]any{"state": StateOpen}, New: map[string]any{"state": StateResolved}}); err != nil {
			return nil, err
		}
	}
	return ids, nil
}

// Review approves or returns a submitted report: the lead unit reviews its
// co-units' inputs, the supervision office the lead units' reports. A
// return needs a reason. Exactly one of two reviewers acting on the same
// version succeeds; the other gets ErrStale or ErrState.
func (s *Service) Review(ctx context.Context, a store.Actor, reportID int64, lockVersion int, decision, reason string) (*model.Report, error) {
	reason = strings.TrimSpace(reason)
	var out *model.Report
	err := s.run(ctx, func(ctx context.Context) error {
		now := s.now()
		r, err := s.st.ReportByID(ctx, reportID)
		if err != nil {
			return err
		}
		asg, m, leadUnit, err := s.assignmentOf(ctx, r.AssignmentID)
		if err != nil {
			return err
		}
		obj := ReportObject(asg.Role)
		kind := KindOf(a, obj, asg.UnitID, leadUnit)
		if kind != Owner && r.VersionNo == 0 {
			// Nobody but the owner learns of a report never submitted.
			return fmt.Errorf("report %d: %w", r.ID, model.ErrNotFound)
		}
		var action string
		switch decision {
		case store.DecisionApprove:
			action = ActApprove
		case store.DecisionReturn:
			action = ActReturn
		default:
			return validate.Refuse("decision", "review.err.decision")
		}
		to, err := Next(obj, r.State, action, kind)
		if err != nil {
			return err
		}
		if r.LockVersion != lockVersion {
			return ErrStale
		}
		errs := validate.Errors{}
		if action == ActReturn && reason == "" {
			errs.Set("reason", "review.err.reason_required")
		}
		if tooLong(reason, MaxReasonRunes) {
			errs.Set("reason", "review.err.too_long")
		}
		if err := errs.Err(); err != nil {
			return err
		}
		if a.UserID == 0 {
			return fmt.Errorf("review needs a user account: %w", model.ErrForbidden)
		}
		from := r.State
		at := now.UTC()
		r.State = to
		if to == model.ReportApproved {
			r.ApprovedAt = &at
		} else {
			r.ReturnedAt = &at
		}
		if err := s.st.UpdateReport(ctx, r, from, lockVersion); err != nil {
			if errors.Is(err, model.ErrConflict) {
				return ErrStale
			}
			return err
		}
		if err := s.st.AddReview(ctx, &model.Review{ReportID: r.ID, VersionNo: r.VersionNo, ReviewerID: a.UserID,
			Decision: decision, Reason: reason}); err != nil {
			return err
		}
		p, err := s.st.PeriodByID(ctx, r.PeriodID)
		if err != nil {
			return err
		}
		users, err := s.st.UnitUserIDs(ctx, asg.UnitID)
		if err != nil {
			return err
		}
		kindNote := NoteApproved
		if to == model.ReportReturned {
			kindNote = NoteReturned
		}
		if err := s.notify(ctx, users, kindNote, "report", r.ID, m, asg.UnitID, p.Label, reason); err != nil {
			return err
		}
		out = r
		return s.st.Audit(ctx, a, store.AuditEntry{Action: "report." + action, ObjectType: "report", ObjectID: r.ID,
			Old: map[string]any{"state": from, "lock_version": lockVersion},
			New: map[string]any{"state": to, "lock_version": r.LockVersion, "version_no": r.VersionNo, "reason": reason}})
	})
	return out, err
}
