package store

import (
	"context"

	"duban/internal/model"
)

// CountPlans counts imported plans.
func (s *Store) CountPlans(ctx context.Context) (int64, error) {
	var n int64
	err := s.r(ctx).Model(&model.Plan{}).Count(&n).Error
	return n, translate(err, "count plans")
}
