package store

import (
	"context"
	"time"

	"duban/internal/model"
)

// AddPrompt records a 催办 prompt.
func (s *Store) AddPrompt(ctx context.Context, p *model.Prompt) error {
	p.CreatedAt = s.clock.Now().UTC()
	return translate(s.w(ctx).Create(p).Error, "store prompt")
}

// ResolvePrompts marks the open prompts about an assignment's report for
// a period (and those about the assignment in general) as answered, and
// returns their IDs.
func (s *Store) ResolvePrompts(ctx context.Context, assignmentID, periodID int64, at time.Time) ([]int64, error) {
	var ids []int64
	q := s.w(ctx).Model(&model.Prompt{}).
		Where("assignment_id = ? AND resolved_at IS NULL AND (period_id = ? OR period_id IS NULL)", assignmentID, periodID)
	if err := q.Order("id").Pluck("id", &ids).Error; err != nil {
		return nil, translate(err, "find open prompts")
	}
	if len(ids) == 0 {
		return nil, nil
	}
	err := s.w(ctx).Model(&model.Prompt{}).Where("id IN ?", ids).Update("resolved_at", at.UTC()).Error
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

// LastPromptsOf returns the newest prompt about each of the assignments
// that has one, keyed by assignment (督办 shows it beside each row of a page).
func (s *Store) LastPromptsOf(ctx context.Context, assignmentIDs []int64) (map[int64]model.Prompt, error) {
	out := map[int64]model.Prompt{}
	err := eachChunk(assignmentIDs, func(part []int64) error {
		var ps []model.Prompt
		newest := s.r(ctx).Model(&model.Prompt{}).Select("MAX(id)").Where("assignment_id IN ?", part).Group("assignment_id")
		if err := s.r(ctx).Where("id IN (?)", newest).Find(&ps).Error; err != nil {
			return translate(err, "list last prompts")
		}
		for _, p := range ps {
			out[*p.AssignmentID] = p
		}
		return nil
	})
	return out, err
}
