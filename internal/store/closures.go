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

// AddMeasureClosure records 办结 or reopening of a measure.
func (s *Store) AddMeasureClosure(ctx context.Context, c *model.MeasureClosure) error {
	return translate(s.w(ctx).Create(c).Error, "record closure")
}

// ClosuresOf lists a measure's 办结 and reopenings, oldest first.
func (s *Store) ClosuresOf(ctx context.Context, measureID int64) ([]model.MeasureClosure, error) {
	var cs []model.MeasureClosure
	err := s.r(ctx).Where("measure_id = ?", measureID).Order("at, id").Find(&cs).Error
	return cs, translate(err, "list closures")
}
