package store

import (
	"context"
	"time"

	"gorm.io/gorm"

	"duban/internal/model"
)

// AddPromptTx records a 催办 prompt.
func (s *Store) AddPromptTx(ctx context.Context, tx *gorm.DB, p *model.Prompt) error {
	p.CreatedAt = s.clock.Now().UTC()
	return translate(tx.WithContext(ctx).Create(p).Error, "store prompt")
}

// ResolvePromptsTx marks the open prompts about an assignment's report for
// a period (and those about the assignment in general) as answered, and
// returns their IDs.
func (s *Store) ResolvePromptsTx(ctx context.Context, tx *gorm.DB, assignmentID, periodID int64, at time.Time) ([]int64, error) {
	var ids []int64
	q := tx.WithContext(ctx).Model(&model.Prompt{}).
		Where("assignment_id = ? AND resolved_at IS NULL AND (period_id = ? OR period_id IS NULL)", assignmentID, periodID)
	if err := q.Order("id").Pluck("id", &ids).Error; err != nil {
		return nil, translate(err, "find open prompts")
	}
	if len(ids) == 0 {
		return nil, nil
	}
	err := tx.WithContext(ctx).Model(&model.Prompt{}).Where("id IN ?", ids).Update("resolved_at", at.UTC()).Error
	return ids, translate(err, "resolve prompts")
}

// OpenPromptsOfUnit lists a unit's unanswered prompts, newest first.
func (s *Store) OpenPromptsOfUnit(ctx context.Context, unitID int64) ([]model.Prompt, error) {
	var ps []model.Prompt
	err := s.r(ctx).Where("unit_id = ? AND resolved_at IS NULL", unitID).Order("id DESC").Find(&ps).Error
	return ps, translate(err, "list open prompts")
}

// PromptsOfAssignment lists every prompt about an assignment, newest first.
func (s *Store) PromptsOfAssignment(ctx context.Context, assignmentID int64) ([]model.Prompt, error) {
	var ps []model.Prompt
	err := s.r(ctx).Where("assignment_id = ?", assignmentID).Order("id DESC").Find(&ps).Error
	return ps, translate(err, "list prompts")
}

// PromptsOfPlan lists the prompts about a plan's assignments, oldest first.
func (s *Store) PromptsOfPlan(ctx context.Context, planID int64) ([]model.Prompt, error) {
	var ps []model.Prompt
	err := s.r(ctx).Joins("JOIN assignments ON assignments.id = prompts.assignment_id").
		Joins("JOIN measures ON measures.id = assignments.measure_id").
		Where("measures.plan_id = ?", planID).Order("prompts.id").Find(&ps).Error
	return ps, translate(err, "list prompts of plan")
}
