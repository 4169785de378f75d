package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"duban/internal/model"
)

// MeasureTx loads a measure inside tx.
func (s *Store) MeasureTx(ctx context.Context, tx *gorm.DB, id int64) (*model.Measure, error) {
	var m model.Measure
	err := tx.WithContext(ctx).First(&m, id).Error
	return &m, translate(err, fmt.Sprintf("measure %d", id))
}

// CloseMeasureTx records 办结, only if the measure is still open at the
// version the caller read.
func (s *Store) CloseMeasureTx(ctx context.Context, tx *gorm.DB, id int64, version int, at time.Time, by int64, note string) error {
	var byp *int64
	if by != 0 {
		byp = &by
	}
	res := tx.WithContext(ctx).Model(&model.Measure{}).Where("id = ? AND version = ? AND closed_at IS NULL", id, version).
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

// ReopenMeasureTx clears 办结, only if the measure is still closed at the
// version the caller read.
func (s *Store) ReopenMeasureTx(ctx context.Context, tx *gorm.DB, id int64, version int) error {
	res := tx.WithContext(ctx).Model(&model.Measure{}).Where("id = ? AND version = ? AND closed_at IS NOT NULL", id, version).
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

// PlanTx loads a plan (without its source text) inside tx.
func (s *Store) PlanTx(ctx context.Context, tx *gorm.DB, id int64) (*model.Plan, error) {
	var p model.Plan
	err := tx.WithContext(ctx).Omit("source_text").First(&p, id).Error
	return &p, translate(err, fmt.Sprintf("plan %d", id))
}

// UnitWorksOnTx reports whether a unit has an assignment on a measure.
func (s *Store) UnitWorksOnTx(ctx context.Context, tx *gorm.DB, measureID, unitID int64) (bool, error) {
	var n int64
	err := tx.WithContext(ctx).Model(&model.Assignment{}).Where("measure_id = ? AND unit_id = ?", measureID, unitID).Count(&n).Error
	return n > 0, translate(err, "find assignment")
}
