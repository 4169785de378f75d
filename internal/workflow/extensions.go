package workflow

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"duban/internal/clock"
	"duban/internal/model"
	"duban/internal/store"
	"duban/internal/validate"
)

// Notification kinds of extensions and instructions.
const (
	NoteExtensionRequested = "extension_requested"
	NoteExtensionApproved  = "extension_approved"
	NoteExtensionRejected  = "extension_rejected"
	NoteInstruction        = "instruction"
	NoteInstructionAnswer  = "instruction_answered"
)

// ExtensionInput is a request for a later deadline (延期申请).
type ExtensionInput struct {
	AssignmentID int64
	WholeMeasure bool      // the lead unit asks for every assignment of the measure
	ProposedOn   time.Time // zero: not given
	Reason       string
	Files        []NewFile
}

// DueOf is the deadline in force for an assignment: an approved
// extension's date, else the measure's.
func DueOf(asg *model.Assignment, m *model.Measure) time.Time {
	if asg.DueOn != nil {
		return clock.Date(*asg.DueOn)
	}
	return clock.Date(m.DueOn)
}

// extensionState is the state of an assignment's extension as the
// transition table reads it: pending while a request waits, else none.
func (s *Service) extensionState(ctx context.Context, assignmentID int64) (string, error) {
	pending, err := s.st.HasPendingExtension(ctx, assignmentID)
	if err != nil {
		return "", fmt.Errorf("extension state: %w", err)
	}
	if pending {
		return StatePending, nil
	}
	return StateNone, nil
}

// RequestExtension records a unit's request for a later deadline of its
// assignment, with evidence; the office is notified. A second open request
// for the same assignment is ErrState (409).
func (s *Service) RequestExtension(ctx context.Context, a store.Actor, in ExtensionInput) (*model.Extension, error) {
	in.Reason = strings.TrimSpace(in.Reason)
	var out *model.Extension
	err := s.run(ctx, func(ctx context.Context) error {
		asg, m, leadUnit, err := s.assignmentOf(ctx, in.AssignmentID)
		if err != nil {
			return err
		}
		from, err := s.extensionState(ctx, asg.ID)
		if err != nil {
			return err
		}
		to, err := Next(ObjExtension, from, ActRequest, KindOf(a, ObjExtension, asg.UnitID, leadUnit))
		if err != nil {
			return err
		}
		if m.ClosedAt != nil {
			return ErrMeasureClosed
		}
		due := DueOf(asg, m)
		errs := validate.Errors{}
		switch {
		case in.Reason == "":
			errs.Set("reason", "ext.err.reason_required")
		case tooLong(in.Reason, MaxReasonRunes):
			errs.Set("reason", "review.err.too_long")
		}
		switch {
		case in.ProposedOn.IsZero():
			errs.Set("proposed_on", "ext.err.date_required")
		case !clock.Date(in.ProposedOn).After(due):
			errs.Set("proposed_on", "ext.err.not_later")
		}
		if in.WholeMeasure && asg.Role != model.AssignLead {
			errs.Set("whole_measure", "ext.err.whole_lead_only")
		}
		if len(in.Files) > MaxFiles {
			errs.Set("files", "report.form.err.too_many_files")
		}
		if err := errs.Err(); err != nil {
			return err
		}
		e := &model.Extension{AssignmentID: asg.ID, MeasureID: m.ID, WholeMeasure: in.WholeMeasure, RequestedBy: a.UserID,
			Reason: in.Reason, OriginalOn: due.UTC(), ProposedOn: clock.Date(in.ProposedOn).UTC()}
		if err := s.st.AddExtension(ctx, e); err != nil {
			if errors.Is(err, store.ErrExtensionPending) {
				return fmt.Errorf("%w: %w", ErrState, err)
			}
			return err
		}
		var names []string
		for _, f := range in.Files {
			cf := &model.CaseFile{ExtensionID: &e.ID, Name: f.Name, ContentType: f.ContentType, Size: f.Blob.Size,
				SHA256: f.Blob.SHA256, StorageKey: f.Blob.Key, UploadedBy: userPtr(a.UserID)}
			if err := s.st.AddCaseFile(ctx, cf); err != nil {
				return err
			}
			names = append(names, f.Name)
		}
		reviewers, err := s.st.ReviewerIDs(ctx)
		if err != nil {
			return err
		}
		if err := s.notify(ctx, reviewers, NoteExtensionRequested, "measure", m.ID, m, asg.UnitID, "",
			clock.DayText(e.ProposedOn)+" "+in.Reason); err != nil {
			return err
		}
		if err := s.st.Audit(ctx, a, store.AuditEntry{Action: "extension." + ActRequest, ObjectType: "extension", ObjectID: e.ID,
			Old: map[string]any{"state": from},
			New: map[string]any{"state": to, "assignment_id": asg.ID, "whole_measure": in.WholeMeasure,
				"original_on": clock.DayText(due), "proposed_on": clock.DayText(e.ProposedOn), "reason": in.Reason, "files": names}}); err != nil {
			return err
		}
		out = e
		return nil
	})
	if err != nil {
		s.discard(ctx, in.Files)
		return nil, err
	}
	return out, nil
}

// DecideExtension records the office's decision on a pending request:
// approve (on: the date granted, zero for the date asked) moves the
// deadline of the assignment, or of every assignment of the measure for a
// whole-measure request, from now on; reject needs a reason. The requester
// and the lead unit are notified.
func (s *Service) DecideExtension(ctx context.Context, a store.Actor, extensionID int64, approve bool, on time.Time, reason string) error {
	reason = strings.TrimSpace(reason)
	return s.run(ctx, func(ctx context.Context) error {
		e, err := s.st.ExtensionByID(ctx, extensionID)
		if err != nil {
			return err
		}
		asg, m, leadUnit, err := s.assignmentOf(ctx, e.AssignmentID)
		if err != nil {
			return err
		}
		act, note := ActReject, NoteExtensionRejected
		if approve {
			act, note = ActApprove, NoteExtensionApproved
		}
		to, err := Next(ObjExtension, e.State, act, KindOf(a, ObjExtension, asg.UnitID, leadUnit))
		if err != nil {
			return err
		}
		errs := validate.Errors{}
		if tooLong(reason, MaxReasonRunes) {
			errs.Set("reason", "review.err.too_long")
		} else if !approve && reason == "" {
			errs.Set("reason", "ext.err.reject_reason")
		}
		var granted *time.Time
		if approve {
			d := clock.Date(e.ProposedOn)
			if !on.IsZero() {
				d = clock.Date(on)
			}
			if !d.After(clock.Date(e.OriginalOn)) {
				errs.Set("decided_on", "ext.err.not_later")
			}
			granted = &d
		}
		if err := errs.Err(); err != nil {
			return err
		}
		if err := s.st.DecideExtension(ctx, e.ID, to, a.UserID, granted, reason); errors.Is(err, model.ErrConflict) {
			return ErrStale
		} else if err != nil {
			return err
		}
		ids := []int64{asg.ID}
		if approve {
			if e.WholeMeasure {
				all, err := s.st.AssignmentsOf(ctx, m.ID)
				if err != nil {
					return err
				}
				ids = ids[:0]
				for _, x := range all {
					// A co-unit granted a later date on its own keeps it.
					if x.ID == asg.ID || DueOf(&x, m).Before(*granted) {
						ids = append(ids, x.ID)
					}
				}
			}
			if err := s.st.SetAssignmentsDue(ctx, ids, *granted); err != nil {
				return err
			}
		}
		users := []int64{e.RequestedBy}
		if leadUnit != 0 {
			lead, err := s.st.UnitUserIDs(ctx, leadUnit)
			if err != nil {
				return err
			}
			for _, u := range lead {
				if !slices.Contains(users, u) {
					users = append(users, u)
				}
			}
		}
		text := reason
		if granted != nil {
			text = strings.TrimSpace(clock.DayText(*granted) + " " + reason)
		}
		if err := s.notify(ctx, users, note, "measure", m.ID, m, asg.UnitID, "", text); err != nil {
			return err
		}
		newVals := map[string]any{"state": to, "reason": reason, "assignments": ids}
		if granted != nil {
			newVals["decided_on"] = clock.DayText(*granted)
		}
		if err := s.st.Audit(ctx, a, store.AuditEntry{Action: "extension." + act, ObjectType: "extension", ObjectID: e.ID,
			Old: map[string]any{"state": e.State, "due_on": clock.DayText(e.OriginalOn)}, New: newVals}); err != nil {
			return err
		}
		return nil
	})
}
