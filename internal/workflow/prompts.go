package workflow

import (
	"context"
	"fmt"
	"strings"

	"duban/internal/figures"
	"duban/internal/model"
	"duban/internal/rules"
	"duban/internal/store"
	"duban/internal/validate"
)

// ChaseOf is what the rules say a 催办 about an assignment may name now:
// the assignment as the one facts loader sees it, and the settings in
// force. Its Status.Chase lists the periods, earliest first.
func (s *Service) ChaseOf(ctx context.Context, assignmentID int64) (*figures.Assignment, rules.Settings, error) {
	// Inside the caller's transaction (the demo history) ctx carries it:
	// the reads see what it wrote and never wait for the writer it holds.
	st := s.st
	asg, err := st.AssignmentByID(ctx, assignmentID)
	if err != nil {
		return nil, rules.Settings{}, err
	}
	snap, err := figures.Load(ctx, st, figures.Scope{MeasureID: asg.MeasureID}, s.now())
	if err != nil {
		return nil, rules.Settings{}, err
	}
	a := snap.Assignment(assignmentID)
	if a == nil {
		return nil, rules.Settings{}, fmt.Errorf("assignment %d: %w", assignmentID, model.ErrNotFound)
	}
	return a, snap.Settings, nil
}

// SendPrompt sends a 催办 prompt about an assignment to its unit, one per
// period named (none named: every period the rules chase now). A period
// that is not owed or already handed in is refused with a field error, so
// every prompt can be answered by a report. Each prompt is a prompts row,
// a notification to each of the unit's users and an audit entry.
func (s *Service) SendPrompt(ctx context.Context, a store.Actor, assignmentID int64, periodIDs []int64, message string) ([]model.Prompt, error) {
	message = strings.TrimSpace(message)
	if tooLong(message, MaxPromptRunes) {
		return nil, validate.Refuse("message", "prompt.err.too_long")
	}
	if a.UserID == 0 {
		return nil, fmt.Errorf("a prompt needs a sender account: %w", model.ErrForbidden)
	}
	chase, _, err := s.ChaseOf(ctx, assignmentID)
	if err != nil {
		return nil, err
	}
	var leadUnit int64
	if l := chase.Measure.Lead(); l != nil {
		leadUnit = l.UnitID
	}
	if _, err := Next(ObjPrompt, StateNone, ActSend, KindOf(a, ObjPrompt, chase.UnitID, leadUnit)); err != nil {
		return nil, err
	}
	if chase.Measure.Closed() {
		return nil, ErrMeasureClosed
	}
	plan := chase.Plan()
	var idx []int
	if len(periodIDs) == 0 {
		for _, c := range chase.Status.Chase {
			idx = append(idx, c.Index)
		}
		if len(idx) == 0 {
			return nil, validate.Refuse("period_id", "rules.prompt.err.nothing_owed")
		}
	}
	for _, id := range periodIDs {
		i := plan.PeriodIndex(id)
		if i < 0 {
			return nil, fmt.Errorf("period %d of another plan: %w", id, model.ErrNotFound)
		}
		if !chase.Status.Chases(i) {
			return nil, validate.Refuse("period_id", "rules.prompt.err.not_owed")
		}
		idx = append(idx, i)
	}
	var out []model.Prompt
	err = s.run(ctx, func(ctx context.Context) error {
		asg, m, leadUnit, err := s.assignmentOf(ctx, assignmentID)
		if err != nil {
			return err
		}
		if m.ClosedAt != nil {
			return ErrMeasureClosed
		}
		to, err := Next(ObjPrompt, StateNone, ActSend, KindOf(a, ObjPrompt, asg.UnitID, leadUnit))
		if err != nil {
			return err
		}
		users, err := s.st.UnitUserIDs(ctx, asg.UnitID)
		if err != nil {
			return err
		}
		for _, i := range idx {
			per := plan.Periods[i]
			p := &model.Prompt{UnitID: asg.UnitID, AssignmentID: &asg.ID, PeriodID: &per.ID, SenderID: a.UserID, Message: message}
			if err := s.st.AddPrompt(ctx, p); err != nil {
				return err
			}
			if err := s.notify(ctx, users, NotePrompt, "assignment", asg.ID, m, asg.UnitID, per.Label, message); err != nil {
				return err
			}
			if err := s.st.Audit(ctx, a, store.AuditEntry{Action: "prompt." + ActSend, ObjectType: "prompt", ObjectID: p.ID,
				Old: map[string]any{"state": StateNone},
				New: map[string]any{"state": to, "assignment_id": asg.ID, "unit_id": asg.UnitID, "period": per.Label,
					"nth": chase.Sent(i) + 1, "message": message}}); err != nil {
				return err
			}
			out = append(out, *p)
		}
		return nil
	})
	return out, err
}
