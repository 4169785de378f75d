package store

import (
	"context"
	"time"

	"gorm.io/gorm"

	"duban/internal/model"
)

// TodoCounts are the sizes of the to-do lists that exist as rows, counted
// with COUNT queries: the navigation badge runs on every page.
type TodoCounts struct {
	ToSign, Returned, Prompts, Inputs int // a unit's
	Reviews, Closable                 int // the supervision office's (Prompts: every open prompt)
}

// CountUnitTodo counts a unit's assignments to sign for, its returned
// reports, its open prompts and the co-unit inputs waiting for it as a lead.
func (s *Store) CountUnitTodo(ctx context.Context, unitID int64) (TodoCounts, error) {
	var c TodoCounts
	var n int64
	if err := s.r(ctx).Model(&model.Assignment{}).Where("unit_id = ? AND signed_at IS NULL", unitID).Count(&n).Error; err != nil {
		return c, translate(err, "count assignments to sign")
	}
	c.ToSign = int(n)
	if err := s.r(ctx).Table("reports").Joins("JOIN assignments ON assignments.id = reports.assignment_id").
		Joins("JOIN measures ON measures.id = assignments.measure_id").
		Where("assignments.unit_id = ? AND reports.state = ? AND measures.closed_at IS NULL", unitID, model.ReportReturned).
		Count(&n).Error; err != nil {
		return c, translate(err, "count returned reports")
	}
	c.Returned = int(n)
	if err := s.r(ctx).Model(&model.Prompt{}).Where("unit_id = ? AND resolved_at IS NULL", unitID).Count(&n).Error; err != nil {
		return c, translate(err, "count open prompts")
	}
	c.Prompts = int(n)
	var err error
	c.Inputs, err = s.countReportRows(ctx, s.inputsAwaitingLead(ctx, unitID))
	return c, err
}

// CountReviewerTodo counts the supervision office's queue: lead reports
// waiting for review, open prompts and measures that may be closed.
func (s *Store) CountReviewerTodo(ctx context.Context) (TodoCounts, error) {
	var c TodoCounts
	var err error
	if c.Reviews, err = s.countReportRows(ctx, awaitingReview); err != nil {
		return c, err
	}
	if c.Closable, err = s.countReportRows(ctx, s.closable(ctx)); err != nil {
		return c, err
	}
	var n int64
	err = s.r(ctx).Model(&model.Prompt{}).Where("resolved_at IS NULL").Count(&n).Error
	c.Prompts = int(n)
	return c, translate(err, "count open prompts")
}

// PromptRow is a prompt with the names a list shows beside it.
type PromptRow struct {
	model.Prompt
	UnitName     string
	MeasureID    int64
	MeasureLabel string
	MeasureTitle string
	PeriodLabel  string
	PeriodDueOn  *time.Time
	SenderName   string
}

// OpenPrompts lists every unanswered prompt, oldest first: the supervision
// office's 待处理.
func (s *Store) OpenPrompts(ctx context.Context) ([]PromptRow, error) {
	return s.promptRows(ctx, func(q *gorm.DB) *gorm.DB { return q.Where("prompts.resolved_at IS NULL") })
}

func (s *Store) promptRows(ctx context.Context, where func(*gorm.DB) *gorm.DB) ([]PromptRow, error) {
	q := s.r(ctx).Table("prompts").Select("prompts.*, units.name AS unit_name, measures.id AS measure_id, " + measurePlanLabel +
		", measures.title AS measure_title, periods.label AS period_label, periods.due_on AS period_due_on, " +
		"COALESCE(NULLIF(users.display_name, ''), users.username) AS sender_name").
		Joins("JOIN units ON units.id = prompts.unit_id").
		Joins("JOIN assignments ON assignments.id = prompts.assignment_id").
		Joins("JOIN measures ON measures.id = assignments.measure_id").
		Joins("JOIN domains ON domains.id = measures.domain_id").
		Joins("LEFT JOIN periods ON periods.id = prompts.period_id").
		Joins("JOIN users ON users.id = prompts.sender_id")
	var rows []PromptRow
	err := where(q).Order("prompts.created_at, prompts.id").Scan(&rows).Error
	return rows, translate(err, "list prompts")
}
