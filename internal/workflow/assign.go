package workflow

import (
	"context"

	"duban/internal/model"
	"duban/internal/store"
)

// Sign records 签收 of one assignment by a user of its unit.
func (s *Service) Sign(ctx context.Context, a store.Actor, assignmentID int64) error {
	return s.run(ctx, func(ctx context.Context) error {
		asg, err := s.st.AssignmentByID(ctx, assignmentID)
		if err != nil {
			return err
		}
		return s.sign(ctx, a, asg)
	})
}

// SignAll signs for every assignment of the actor's unit not yet signed
// for, and says how many.
func (s *Service) SignAll(ctx context.Context, a store.Actor) (int, error) {
	n := 0
	err := s.run(ctx, func(ctx context.Context) error {
		n = 0
		if a.Role != model.RoleUnit || a.UnitID == 0 {
			return model.ErrForbidden
		}
		as, err := s.st.UnsignedAssignmentsOfUnit(ctx, a.UnitID)
		if err != nil {
			return err
		}
		for i := range as {
			if err := s.sign(ctx, a, &as[i]); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

func (s *Service) sign(ctx context.Context, a store.Actor, asg *model.Assignment) error {
	leadUnit, err := s.leadUnit(ctx, asg.MeasureID)
	if err != nil {
		return err
	}
	from := StateUnsigned
	if asg.SignedAt != nil {
		from = StateSigned
	}
	to, err := Next(ObjAssignment, from, ActSign, KindOf(a, ObjAssignment, asg.UnitID, leadUnit))
	if err != nil {
		return err
	}
	now := s.now()
	if err := s.st.SignAssignment(ctx, asg.ID, a.UserID, now); err != nil {
		return ErrState
	}
	return s.st.Audit(ctx, a, store.AuditEntry{Action: "assignment." + ActSign, ObjectType: "assignment", ObjectID: asg.ID,
		Old: map[string]any{"state": from}, New: map[string]any{"state": to, "signed_at": now.UTC()}})
}
