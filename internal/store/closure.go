package store

import (
	"context"
	"fmt"
	"time"

	"duban/internal/model"
)

// CloseMeasure records 办结, only if the measure is still open at the
// version the caller read.
func (s *Store) CloseMeasure(ctx context.Context, id int64, version int, at time.Time, by int64, note string) error {
	var byp *int64
	if by != 0 {
		byp = &by
	}
	res := s.w(ctx).Model(&model.Measure{}).Where("id = ? AND version = ? AND closed_at IS NULL", id, version).
		Updates(map[string]any{"closed_at": at.UTC(), "closed_by": byp, "closed_note": note,
			"version": version + 1, "updated_at": s.clock.Now().UTC()})
	if res.Error != nil {
		return translate(res.Error, "close measure")
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("close measure %d: %w", id, model.ErrConflict)
	}
	return nil
}

// ReopenMeasure clears 办结, only if the measure is still closed at the
// version the caller read.
func (s *Store) ReopenMeasure(ctx context.Context, id int64, version int) error {
	res := s.w(ctx).Model(&model.Measure{}).Where("id = ? AND version = ? AND closed_at IS NOT NULL", id, version).
		Updates(map[string]any{"closed_at": nil, "closed_by": nil, "closed_note": "",
			"version": version + 1, "updated_at": s.clock.Now().UTC()})
	if res.Error != nil {
		return translate(res.Error, "reopen measure")
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("reopen measure %d: %w", id, model.ErrConflict)
	}
	return nil
}

// AuditEventsOf lists the audit entries about one object with the given
// actions, oldest first (e.g. a measure's 办结 and reopen history).
func (s *Store) AuditEventsOf(ctx context.Context, objectType string, objectID int64, actions ...string) ([]model.AuditEvent, error) {
	q := s.r(ctx).Where("object_type = ? AND object_id = ?", objectType, objectID)
	if len(actions) > 0 {
		q = q.Where("action IN ?", actions)
	}
	var evs []model.AuditEvent
	err := q.Order("id").Find(&evs).Error
	return evs, translate(err, "list audit events")
}

// UnitWorksOn reports whether a unit has an assignment on a measure.
func (s *Store) UnitWorksOn(ctx context.Context, measureID, unitID int64) (bool, error) {
	var n int64
	err := s.r(ctx).Model(&model.Assignment{}).Where("measure_id = ? AND unit_id = ?", measureID, unitID).Count(&n).Error
	return n > 0, translate(err, "find assignment")
}
