package planadmin

import (
	"context"
	"errors"
	"fmt"

	"duban/internal/model"
	"duban/internal/store"
)

// ErrMergeReports refuses a merge in which both units have an assignment to
// the same measure and the merged one already has reports on it: the
// reports would have to be combined by hand.
var ErrMergeReports = fmt.Errorf("both units are assigned the same measure and the merged unit has reports on it: %w", model.ErrConflict)

// MergeUnit folds unit src into dst: its assignments, prompts, users, group
// memberships and aliases move to dst, its name becomes an alias of dst, and
// src is deleted, all in one audited transaction. Where both units are
// assigned the same measure, dst's assignment is kept (taking the lead role
// if src had it) and src's is dropped, unless src has reports on it.
func (s *Service) MergeUnit(ctx context.Context, a store.Actor, srcID, dstID int64) error {
	if srcID == dstID {
		return fmt.Errorf("merge unit %d into itself: %w", srcID, model.ErrInvalid)
	}
	return s.st.WithTx(ctx, func(ctx context.Context) error {
		src, err := s.st.UnitByID(ctx, srcID)
		if err != nil {
			return err
		}
		dst, err := s.st.UnitByID(ctx, dstID)
		if err != nil {
			return err
		}
		assignments, err := s.st.AssignmentsOfUnit(ctx, srcID)
		if err != nil {
			return err
		}
		moved, dropped := 0, 0
		for _, as := range assignments {
			other, err := s.st.AssignmentOfUnit(ctx, as.MeasureID, dstID)
			if errors.Is(err, model.ErrNotFound) {
				if err := s.st.MoveAssignment(ctx, as.ID, dstID); err != nil {
					return err
				}
				moved++
				continue
			}
			if err != nil {
				return err
			}
			reports, err := s.st.CountReportsOf(ctx, as.ID)
			if err != nil {
				return err
			}
			if reports > 0 {
				return ErrMergeReports
			}
			if as.Role == model.AssignLead && other.Role != model.AssignLead {
				if err := s.st.SetAssignmentRole(ctx, other.ID, model.AssignLead); err != nil {
					return err
				}
			}
			if err := s.st.MovePrompts(ctx, as.ID, other.ID); err != nil {
				return err
			}
			if err := s.st.DeleteAssignment(ctx, as.ID); err != nil {
				return err
			}
			dropped++
		}
		if err := s.st.MoveUnitRecords(ctx, srcID, dstID); err != nil {
			return err
		}
		if err := s.st.DeleteUnit(ctx, srcID); err != nil {
			return err
		}
		// The merged name keeps leading to the unit (e.g. 市人社局 → 市人力资源社会保障局).
		if err := s.st.CreateAlias(ctx, dstID, src.Name); err != nil {
			return err
		}
		return s.st.Audit(ctx, a, store.AuditEntry{Action: "unit.merge", ObjectType: "unit", ObjectID: srcID,
			Old: store.UnitAudit(src),
			New: map[string]any{"into_id": dstID, "into": dst.Name, "assignments_moved": moved, "assignments_dropped": dropped}})
	})
}
