package store

import (
	"context"
	"fmt"
	"time"

	"duban/internal/model"
)

// PeriodsOf returns a plan's reporting periods in order.
func (s *Store) PeriodsOf(ctx context.Context, planID int64) ([]model.Period, error) {
	var ps []model.Period
	err := s.r(ctx).Where("plan_id = ?", planID).Order("seq").Find(&ps).Error
	return ps, translate(err, "list periods")
}

// SetPeriodDue moves a reporting period's due date.
func (s *Store) SetPeriodDue(ctx context.Context, id int64, dueOn time.Time) error {
	return translate(s.w(ctx).Model(&model.Period{}).Where("id = ?", id).Update("due_on", dueOn).Error, "move period due date")
}

// ReplacePeriods deletes a plan's reporting periods and stores rows
// instead.
func (s *Store) ReplacePeriods(ctx context.Context, planID int64, rows []model.Period) error {
	return s.WithTx(ctx, func(ctx context.Context) error {
		tx := s.w(ctx)
		if err := tx.Where("plan_id = ?", planID).Delete(&model.Period{}).Error; err != nil {
			return translate(err, "delete periods")
		}
		if len(rows) == 0 {
			return nil
		}
		return translate(tx.Create(&rows).Error, "create periods")
	})
}

// PeriodByID loads a reporting period.
func (s *Store) PeriodByID(ctx context.Context, id int64) (*model.Period, error) {
	var p model.Period
	err := s.r(ctx).First(&p, id).Error
	return &p, translate(err, fmt.Sprintf("period %d", id))
}

// PeriodsOfPlans loads the periods of several plans, keyed by plan, in order.
func (s *Store) PeriodsOfPlans(ctx context.Context, planIDs []int64) (map[int64][]model.Period, error) {
	out := map[int64][]model.Period{}
	err := eachChunk(planIDs, func(part []int64) error {
		var ps []model.Period
		if err := s.r(ctx).Where("plan_id IN ?", part).Order("plan_id, seq").Find(&ps).Error; err != nil {
			return translate(err, "list periods")
		}
		for _, p := range ps {
			out[p.PlanID] = append(out[p.PlanID], p)
		}
		return nil
	})
	return out, err
}
