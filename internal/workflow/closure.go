package workflow

import (
	"context"
	"errors"
	"strings"
	"time"

	"duban/internal/clock"
	"duban/internal/model"
	"duban/internal/store"
	"duban/internal/validate"
)

// measureKind is how actor stands to a measure: the office reviews it,
// units that work on it may look at it, others may not.
func (s *Service) measureKind(ctx context.Context, a store.Actor, m *model.Measure) (string, int64, error) {
	leadUnit, err := s.leadUnit(ctx, m.ID)
	if err != nil {
		return "", 0, err
	}
	kind := KindOf(a, ObjMeasure, 0, leadUnit)
	if kind == Stranger && a.Role == model.RoleUnit {
		works, err := s.st.UnitWorksOn(ctx, m.ID, a.UnitID)
		if err != nil {
			return "", 0, err
		}
		if works {
			kind = Observer
		}
	}
	return kind, leadUnit, nil
}

// measureTransition loads a measure and asks the transition table whether
// actor may apply action to it, returning the measure, its lead unit and the
// states before and after.
func (s *Service) measureTransition(ctx context.Context, a store.Actor, measureID int64, action string) (*model.Measure, int64, string, string, error) {
	m, err := s.st.MeasureByID(ctx, measureID)
	if err != nil {
		return nil, 0, "", "", err
	}
	kind, leadUnit, err := s.measureKind(ctx, a, m)
	if err != nil {
		return nil, 0, "", "", err
	}
	from := measureState(m.ClosedAt != nil)
	to, err := Next(ObjMeasure, from, action, kind)
	if err != nil {
		return nil, 0, "", "", err
	}
	return m, leadUnit, from, to, nil
}

func measureState(closed bool) string {
	if closed {
		return StateClosed
	}
	return StateOpen
}

// canClose is CloseMeasure's rule for the pages that offer its form: the
// transition table lets kind close the measure, and the lead unit's latest
// submitted report says 已完成 (leadProgress; "" when there is none).
func canClose(kind string, closed bool, leadProgress string) bool {
	_, err := Next(ObjMeasure, measureState(closed), ActClose, kind)
	return err == nil && leadProgress == model.ProgressDone
}

// canReopen is ReopenMeasure's rule for the pages that offer its form.
func canReopen(kind string, closed bool) bool {
	_, err := Next(ObjMeasure, measureState(closed), ActReopen, kind)
	return err == nil
}

// CloseMeasure records 办结 of a measure on the day on (today when zero)
// with a note. The lead unit's latest submitted report must say 已完成.
func (s *Service) CloseMeasure(ctx context.Context, a store.Actor, measureID int64, on time.Time, note string) error {
	note = strings.TrimSpace(note)
	return s.run(ctx, func(ctx context.Context) error {
		now := s.now()
		m, leadUnit, from, to, err := s.measureTransition(ctx, a, measureID, ActClose)
		if err != nil {
			return err
		}
		errs := validate.Errors{}
		if note == "" {
			errs.Set("note", "closure.err.note_required")
		} else if tooLong(note, MaxReasonRunes) {
			errs.Set("note", "review.err.too_long")
		}
		at := now
		if !on.IsZero() && !clock.Date(on).Equal(today(now)) {
			plan, err := s.st.PlanByID(ctx, m.PlanID)
			if err != nil {
				return err
			}
			switch d := clock.Date(on); {
			case d.After(today(now)):
				errs.Set("closed_on", "closure.err.future")
			case d.Before(today(plan.StartOn)):
				errs.Set("closed_on", "closure.err.before_plan")
			default:
				at = d.Add(12 * time.Hour) // the chosen day, noon local
			}
		}
		if err := errs.Err(); err != nil {
			return err
		}
		lead, err := s.st.LeadOfMeasure(ctx, m.ID)
		if err != nil {
			if errors.Is(err, model.ErrNotFound) {
				return ErrNotDone
			}
			return err
		}
		r, err := s.st.LatestSubmittedReport(ctx, lead.ID)
		if errors.Is(err, model.ErrNotFound) || (err == nil && r.ProgressState != model.ProgressDone) {
			return ErrNotDone
		}
		if err != nil {
			return err
		}
		if err := s.st.CloseMeasure(ctx, m.ID, m.Version, at, a.UserID, note); errors.Is(err, model.ErrConflict) {
			return ErrStale
		} else if err != nil {
			return err
		}
		if err := s.st.AddMeasureClosure(ctx, &model.MeasureClosure{MeasureID: m.ID, Action: ActClose, At: at.UTC(),
			ActorID: userPtr(a.UserID), Note: note}); err != nil {
			return err
		}
		users, err := s.st.UnitUserIDs(ctx, leadUnit)
		if err != nil {
			return err
		}
		if err := s.notify(ctx, users, NoteClosed, "assignment", lead.ID, m, 0, "", note); err != nil {
			return err
		}
		return s.st.Audit(ctx, a, store.AuditEntry{Action: "measure." + ActClose, ObjectType: "measure", ObjectID: m.ID,
			Old: map[string]any{"state": from}, New: map[string]any{"state": to, "closed_at": at.UTC(), "note": note}})
	})
}

// ReopenMeasure undoes 办结; the reason is required and kept in the audit
// log and the lead unit's inbox.
func (s *Service) ReopenMeasure(ctx context.Context, a store.Actor, measureID int64, reason string) error {
	reason = strings.TrimSpace(reason)
	return s.run(ctx, func(ctx context.Context) error {
		m, leadUnit, from, to, err := s.measureTransition(ctx, a, measureID, ActReopen)
		if err != nil {
			return err
		}
		if reason == "" {
			return validate.Refuse("reason", "closure.err.reason_required")
		}
		if tooLong(reason, MaxReasonRunes) {
			return validate.Refuse("reason", "review.err.too_long")
		}
		if err := s.st.ReopenMeasure(ctx, m.ID, m.Version); errors.Is(err, model.ErrConflict) {
			return ErrStale
		} else if err != nil {
			return err
		}
		if err := s.st.AddMeasureClosure(ctx, &model.MeasureClosure{MeasureID: m.ID, Action: ActReopen, At: s.now().UTC(),
			ActorID: userPtr(a.UserID), Note: reason}); err != nil {
			return err
		}
		if leadUnit != 0 {
			lead, err := s.st.LeadOfMeasure(ctx, m.ID)
			if err != nil {
				return err
			}
			users, err := s.st.UnitUserIDs(ctx, leadUnit)
			if err != nil {
				return err
			}
			if err := s.notify(ctx, users, NoteReopened, "assignment", lead.ID, m, 0, "", reason); err != nil {
				return err
			}
		}
		return s.st.Audit(ctx, a, store.AuditEntry{Action: "measure." + ActReopen, ObjectType: "measure", ObjectID: m.ID,
			Old: map[string]any{"state": from, "closed_at": m.ClosedAt, "note": m.ClosedNote},
			New: map[string]any{"state": to, "reason": reason}})
	})
}
