package store

import (
	"context"

	"duban/internal/model"
)

// TargetsOfPlan returns every target of a plan's measures, in order.
func (s *Store) TargetsOfPlan(ctx context.Context, planID int64) ([]model.Target, error) {
	var ts []model.Target
	err := s.r(ctx).Joins("JOIN measures ON measures.id = targets.measure_id").
		Where("measures.plan_id = ?", planID).Order("measures.position, targets.position").Find(&ts).Error
	return ts, translate(err, "list targets")
}

// TargetsOf returns a measure's targets.
func (s *Store) TargetsOf(ctx context.Context, measureID int64) ([]model.Target, error) {
	var ts []model.Target
	err := s.r(ctx).Where("measure_id = ?", measureID).Order("position").Find(&ts).Error
	return ts, translate(err, "list targets")
}

// CountTargetValues counts the values reported for a target.
func (s *Store) CountTargetValues(ctx context.Context, targetID int64) (int64, error) {
	var n int64
	err := s.r(ctx).Model(&model.TargetValue{}).Where("target_id = ?", targetID).Count(&n).Error
	return n, translate(err, "count target values")
}

// DeleteTarget deletes a target.
func (s *Store) DeleteTarget(ctx context.Context, id int64) error {
	return translate(s.w(ctx).Delete(&model.Target{}, id).Error, "delete target")
}

// SaveTarget inserts or updates a target.
func (s *Store) SaveTarget(ctx context.Context, t *model.Target) error {
	return translate(s.w(ctx).Save(t).Error, "save target")
}

// DeleteTargetIfUnreported deletes a target unless values were reported
// for it; a kept target moves to position pos.
func (s *Store) DeleteTargetIfUnreported(ctx context.Context, id int64, pos int) error {
	var n int64
	if err := s.w(ctx).Model(&model.TargetValue{}).Where("target_id = ?", id).Count(&n).Error; err != nil {
		return translate(err, "count target values")
	}
	if n > 0 {
		return translate(s.w(ctx).Model(&model.Target{}).Where("id = ?", id).Update("position", pos).Error, "keep target")
	}
	return translate(s.w(ctx).Delete(&model.Target{}, id).Error, "delete target")
}

// TargetsOfMeasures loads the targets of several measures, keyed by
// measure, in order.
func (s *Store) TargetsOfMeasures(ctx context.Context, measureIDs []int64) (map[int64][]model.Target, error) {
	out := map[int64][]model.Target{}
	err := eachChunk(measureIDs, func(part []int64) error {
		var ts []model.Target
		if err := s.r(ctx).Where("measure_id IN ?", part).Order("measure_id, position").Find(&ts).Error; err != nil {
			return translate(err, "list targets")
		}
		for _, t := range ts {
			out[t.MeasureID] = append(out[t.MeasureID], t)
		}
		return nil
	})
	return out, err
}
