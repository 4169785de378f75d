package store

import (
	"context"

	"duban/internal/model"
)

// Review decisions.
const (
	DecisionApprove = "approve"
	DecisionReturn  = "return"
)

// AddReview records a review decision.
func (s *Store) AddReview(ctx context.Context, r *model.Review) error {
	r.CreatedAt = s.clock.Now().UTC()
	return translate(s.w(ctx).Create(r).Error, "store review")
}

// ReviewsOf lists the reviews of reports, oldest first.
func (s *Store) ReviewsOf(ctx context.Context, reportIDs []int64) ([]model.Review, error) {
	var out []model.Review
	err := eachChunk(reportIDs, func(part []int64) error {
		var rs []model.Review
		if err := s.r(ctx).Where("report_id IN ?", part).Order("id").Find(&rs).Error; err != nil {
			return translate(err, "list reviews")
		}
		out = append(out, rs...)
		return nil
	})
	return out, err
}
