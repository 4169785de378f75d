package store

import (
	"context"
	"database/sql"
	"time"

	"gorm.io/gorm"

	"duban/internal/model"
)

// TodoCounts are the sizes of a unit's to-do lists that exist as rows,
// counted with COUNT queries: the navigation badge runs on every page. The
// reports it owes are counted by the read model (UnitBadge counts all five at once).
type TodoCounts struct {
	ToSign, Prompts, Inputs int
	Instructions            int // 领导批示 to answer as lead or named in
}

// CountUnitTodo counts, in one query, a unit's assignments to sign for,
// its open prompts and the co-unit inputs waiting for it as a lead.
func (s *Store) CountUnitTodo(ctx context.Context, unitID int64) (TodoCounts, error) {
	toSign := s.r(ctx).Model(&model.Assignment{}).Select("COUNT(*)").Where("unit_id = ? AND signed_at IS NULL", unitID)
	prompts := s.r(ctx).Model(&model.Prompt{}).Select("COUNT(*)").Where("unit_id = ? AND resolved_at IS NULL", unitID)
	inputs := s.inputsAwaitingLead(ctx, unitID)(s.reportRowsFrom(ctx).Select("COUNT(*)"))
	instructions := s.openInstructions(ctx, unitID).Select("COUNT(*)")
	var c struct{ ToSign, Prompts, Inputs, Instructions int64 }
	err := s.r(ctx).Raw("SELECT (?) AS to_sign, (?) AS prompts, (?) AS inputs, (?) AS instructions",
		toSign, prompts, inputs, instructions).Scan(&c).Error
	return TodoCounts{ToSign: int(c.ToSign), Prompts: int(c.Prompts), Inputs: int(c.Inputs), Instructions: int(c.Instructions)},
		translate(err, "count a unit's to-do items")
}

// CountOpenPrompts counts the unanswered prompts (the office's 待处理).
func (s *Store) CountOpenPrompts(ctx context.Context) (int, error) {
	var n int64
	err := s.r(ctx).Model(&model.Prompt{}).Where("resolved_at IS NULL").Count(&n).Error
	return int(n), translate(err, "count open prompts")
}

// PromptRow is a prompt with the names a list shows beside it.
type PromptRow struct {
	model.Prompt
	UnitName     string
	MeasureID    int64
	DomainLabel  string
	MeasureLabel string // the measure's own number: format.Citation(DomainLabel, MeasureLabel) cites it
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
	q := s.r(ctx).Table("prompts").Select("prompts.*, units.name AS unit_name, measures.id AS measure_id, " + measureLabels +
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

// OfficialReportsAwaitingReviewPage is one page of
// OfficialReportsAwaitingReview, oldest first, with the queue's length: a
// province's office has thousands waiting, and its start page shows them
// a page at a time.
func (s *Store) OfficialReportsAwaitingReviewPage(ctx context.Context, offset, limit int) ([]ReportRow, int, error) {
	// Only the assignments the read model says have reports waiting (the
	// same rule, kept by the writes) are looked at, not every lead report;
	// their count is the read model's sum, and the page's reports are
	// picked in submission order from idx_reports_waiting before the
	// names are joined to those 50 only.
	waiting := s.r(ctx).Table("assignment_states").Select("assignment_id").Where("role = ? AND awaiting_review > 0", model.AssignLead)
	var total sql.NullInt64
	if err := s.r(ctx).Raw("SELECT SUM(awaiting_review) FROM assignment_states WHERE role = ? AND awaiting_review > 0",
		model.AssignLead).Row().Scan(&total); err != nil {
		return nil, 0, translate(err, "count reports awaiting review")
	}
	page := s.r(ctx).Table("reports r").Select("r.id").Where("r.state = ? AND r.assignment_id IN (?)", model.ReportSubmitted, waiting).
		Order("r.submitted_at, r.id").Offset(offset).Limit(limit)
	var rows []ReportRow
	err := awaitingReview(s.reportRowsFrom(ctx).Select(reportRowSelect)).Where("reports.id IN (?)", page).
		Order("reports.submitted_at, reports.id").Scan(&rows).Error
	return rows, int(total.Int64), translate(err, "list reports awaiting review")
}

// OpenPromptsPage is one page of OpenPrompts, oldest first, with how many
// are open in all.
func (s *Store) OpenPromptsPage(ctx context.Context, offset, limit int) ([]PromptRow, int, error) {
	var total int64
	if err := s.r(ctx).Model(&model.Prompt{}).Where("resolved_at IS NULL AND assignment_id IS NOT NULL").Count(&total).Error; err != nil {
		return nil, 0, translate(err, "count open prompts")
	}
	rows, err := s.promptRows(ctx, func(q *gorm.DB) *gorm.DB {
		return q.Where("prompts.resolved_at IS NULL").Offset(offset).Limit(limit)
	})
	return rows, int(total), err
}
