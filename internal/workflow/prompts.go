package workflow

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"duban/internal/model"
	"duban/internal/store"
)

// SendPrompt sends a 催办 prompt about an assignment (and optionally one of
// its reporting periods) to the assignment's unit: a prompts row, a
// notification to each of the unit's users and an audit entry.
func (s *Service) SendPrompt(ctx context.Context, a store.Actor, assignmentID, periodID int64, message string) (*model.Prompt, error) {
	message = strings.TrimSpace(message)
	var out *model.Prompt
	err := s.run(ctx, func(tx *gorm.DB) error {
		asg, err := s.st.AssignmentTx(ctx, tx, assignmentID)
		if err != nil {
			return err
		}
		m, err := s.st.MeasureTx(ctx, tx, asg.MeasureID)
		if err != nil {
			return err
		}
		leadUnit, err := s.leadUnitTx(ctx, tx, m.ID)
		if err != nil {
			return err
		}
		to, err := Next(ObjPrompt, StateNone, ActSend, KindOf(a, ObjPrompt, asg.UnitID, leadUnit))
		if err != nil {
			return err
		}
		if tooLong(message, MaxPromptRunes) {
			return invalid(map[string]string{"message": "prompt.err.too_long"})
		}
		if m.ClosedAt != nil {
			return ErrMeasureClosed
		}
		label := ""
		p := &model.Prompt{UnitID: asg.UnitID, AssignmentID: &asg.ID, SenderID: a.UserID, Message: message}
		if periodID != 0 {
			per, err := s.st.PeriodTx(ctx, tx, periodID)
			if err != nil {
				return err
			}
			if per.PlanID != m.PlanID {
				return fmt.Errorf("period %d of another plan: %w", periodID, model.ErrNotFound)
			}
			p.PeriodID, label = &per.ID, per.Label
		}
		if a.UserID == 0 {
			return fmt.Errorf("a prompt needs a sender account: %w", model.ErrForbidden)
		}
		if err := s.st.AddPromptTx(ctx, tx, p); err != nil {
			return err
		}
		users, err := s.st.UnitUserIDsTx(ctx, tx, asg.UnitID)
		if err != nil {
			return err
		}
		if err := s.notifyTx(ctx, tx, users, NotePrompt, "assignment", asg.ID, m, asg.UnitID, label, message); err != nil {
			return err
		}
		out = p
		return s.st.Audit(ctx, tx, a, store.AuditEntry{Action: "prompt." + ActSend, ObjectType: "prompt", ObjectID: p.ID,
			Old: map[string]any{"state": StateNone},
			New: map[string]any{"state": to, "assignment_id": asg.ID, "unit_id": asg.UnitID, "period": label, "message": message}})
	})
	return out, err
}
