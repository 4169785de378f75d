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
	Instructions                      int // a unit's 领导批示 to answer or named in
	Reviews, Closable                 int // the supervision office's (Prompts: every open prompt)
	Extensions                        int // the office's 延期申请 to decide
}

// CountUnitTodo counts, in one query, a unit's assignments to sign for,
// its returned reports, its open prompts and the co-unit inputs waiting for
// it as a lead.
func (s *Store) CountUnitTodo(ctx context.Context, unitID int64) (TodoCounts, error) {
	toSign := s.r(ctx).Model(&model.Assignment{}).Select("COUNT(*)").Where("unit_id = ? AND signed_at IS NULL", unitID)
	returned := s.r(ctx).Table("reports").Select("COUNT(*)").Joins("JOIN assignments ON assignments.id = reports.assignment_id").
		Joins("JOIN measures ON measures.id = assignments.measure_id").
		Where("assignments.unit_id = ? AND reports.state = ? AND measures.closed_at IS NULL", unitID, model.ReportReturned)
	prompts := s.r(ctx).Model(&model.Prompt{}).Select("COUNT(*)").Where("unit_id = ? AND resolved_at IS NULL", unitID)
	inputs := s.inputsAwaitingLead(ctx, unitID)(s.reportRowsFrom(ctx).Select("COUNT(*)"))
	instructions := s.openInstructions(ctx, unitID).Select("COUNT(*)")
	var c struct{ ToSign, Returned, Prompts, Inputs, Instructions int64 }
	err := s.r(ctx).Raw("SELECT (?) AS to_sign, (?) AS returned, (?) AS prompts, (?) AS inputs, (?) AS instructions",
		toSign, returned, prompts, inputs, instructions).Scan(&c).Error
	return TodoCounts{ToSign: int(c.ToSign), Returned: int(c.Returned), Prompts: int(c.Prompts), Inputs: int(c.Inputs),
			Instructions: int(c.Instructions)},
		translate(err, "count a unit's to-do items")
}

// CountReviewerTodo counts, in one query, the supervision office's queue:
// lead reports waiting for review, open prompts and measures that may be
// closed.
func (s *Store) CountReviewerTodo(ctx context.Context) (TodoCounts, error) {
	reviews := awaitingReview(s.reportRowsFrom(ctx).Select("COUNT(*)"))
	closable := s.closable(ctx)(s.reportRowsFrom(ctx).Select("COUNT(*)"))
	prompts := s.r(ctx).Model(&model.Prompt{}).Select("COUNT(*)").Where("resolved_at IS NULL")
	exts := s.r(ctx).Model(&model.Extension{}).Select("COUNT(*)").Where("state = ?", model.ExtensionPending)
	var c struct{ Reviews, Closable, Prompts, Extensions int64 }
	err := s.r(ctx).Raw("SELECT (?) AS reviews, (?) AS closable, (?) AS prompts, (?) AS extensions", reviews, closable, prompts, exts).Scan(&c).Error
	return TodoCounts{Reviews: int(c.Reviews), Closable: int(c.Closable), Prompts: int(c.Prompts), Extensions: int(c.Extensions)},
		translate(err, "count the office's to-do items")
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
