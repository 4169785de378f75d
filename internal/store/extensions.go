package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"duban/internal/model"
)

// ErrExtensionPending: the assignment already has an open extension request.
var ErrExtensionPending = fmt.Errorf("an extension request is already pending: %w", model.ErrConflict)

// AddExtension records an extension request. A second open request for
// the same assignment is ErrExtensionPending (the unique index decides,
// so two concurrent requests cannot both pass).
func (s *Store) AddExtension(ctx context.Context, e *model.Extension) error {
	pending, err := s.HasPendingExtension(ctx, e.AssignmentID)
	if err != nil {
		return err
	}
	if pending {
		return ErrExtensionPending
	}
	e.CreatedAt = s.clock.Now().UTC()
	e.State = model.ExtensionPending
	err = translate(s.w(ctx).Create(e).Error, "store extension request")
	if errors.Is(err, model.ErrConflict) {
		return ErrExtensionPending
	}
	return err
}

// HasPendingExtension tells whether an extension request of the
// assignment waits for a decision.
func (s *Store) HasPendingExtension(ctx context.Context, assignmentID int64) (bool, error) {
	var n int64
	err := s.r(ctx).Model(&model.Extension{}).
		Where("assignment_id = ? AND state = ?", assignmentID, model.ExtensionPending).Count(&n).Error
	return n > 0, translate(err, "count pending extensions")
}

// ExtensionByID loads an extension request.
func (s *Store) ExtensionByID(ctx context.Context, id int64) (*model.Extension, error) {
	var e model.Extension
	err := s.r(ctx).First(&e, id).Error
	return &e, translate(err, fmt.Sprintf("extension %d", id))
}

// DecideExtension records the office's decision on a pending request;
// model.ErrConflict when it was decided meanwhile.
func (s *Store) DecideExtension(ctx context.Context, id int64, state string, by int64, on *time.Time, reason string) error {
	var onv any
	if on != nil {
		onv = on.UTC()
	}
	res := s.w(ctx).Model(&model.Extension{}).Where("id = ? AND state = ?", id, model.ExtensionPending).
		Updates(map[string]any{"state": state, "decided_by": by, "decided_at": s.clock.Now().UTC(), "decided_on": onv,
			"decision_reason": reason})
	if res.Error != nil {
		return translate(res.Error, "decide extension")
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("decide extension %d: %w", id, model.ErrConflict)
	}
	return nil
}

// SetAssignmentsDue moves the deadline of assignments (an approved
// extension).
func (s *Store) SetAssignmentsDue(ctx context.Context, ids []int64, due time.Time) error {
	err := s.w(ctx).Model(&model.Assignment{}).Where("id IN ?", ids).Update("due_on", due.UTC()).Error
	return translate(err, "move assignment deadline")
}

// ExtensionsOfMeasure lists every extension request of a measure, oldest
// first.
func (s *Store) ExtensionsOfMeasure(ctx context.Context, measureID int64) ([]model.Extension, error) {
	var es []model.Extension
	err := s.r(ctx).Where("measure_id = ?", measureID).Order("created_at, id").Find(&es).Error
	return es, translate(err, "list extensions")
}

// ExtensionRow is a pending request as the office's queue shows it.
type ExtensionRow struct {
	model.Extension
	UnitID       int64
	UnitName     string
	DomainLabel  string
	MeasureLabel string // the measure's own number: format.Citation(DomainLabel, MeasureLabel) cites it
	MeasureTitle string
	PlanID       int64
}

// PendingExtensions lists the requests waiting for the office, oldest
// first.
func (s *Store) PendingExtensions(ctx context.Context) ([]ExtensionRow, error) {
	var rows []ExtensionRow
	err := s.r(ctx).Table("extensions").
		Select("extensions.*, units.id AS unit_id, units.name AS unit_name, "+measureLabels+
			", measures.title AS measure_title, measures.plan_id AS plan_id").
		Joins("JOIN assignments ON assignments.id = extensions.assignment_id").
		Joins("JOIN units ON units.id = assignments.unit_id").
		Joins("JOIN measures ON measures.id = extensions.measure_id").
		Joins("JOIN domains ON domains.id = measures.domain_id").
		Where("extensions.state = ?", model.ExtensionPending).
		Order("extensions.created_at, extensions.id").Scan(&rows).Error
	return rows, translate(err, "list pending extensions")
}

// CountPendingExtensions counts the requests waiting for the office.
func (s *Store) CountPendingExtensions(ctx context.Context) (int, error) {
	var n int64
	err := s.r(ctx).Model(&model.Extension{}).Where("state = ?", model.ExtensionPending).Count(&n).Error
	return int(n), translate(err, "count pending extensions")
}

// AddCaseFile records a stored evidence file of an extension request or
// an instruction's reply.
func (s *Store) AddCaseFile(ctx context.Context, f *model.CaseFile) error {
	f.CreatedAt = s.clock.Now().UTC()
	return translate(s.w(ctx).Create(f).Error, "store evidence file")
}

// CaseFileByID loads an evidence file's record.
func (s *Store) CaseFileByID(ctx context.Context, id int64) (*model.CaseFile, error) {
	var f model.CaseFile
	err := s.r(ctx).First(&f, id).Error
	return &f, translate(err, fmt.Sprintf("evidence file %d", id))
}

// CaseFilesOfMeasure lists the evidence files of a measure's extension
// requests and instruction replies, in upload order.
func (s *Store) CaseFilesOfMeasure(ctx context.Context, measureID int64) ([]model.CaseFile, error) {
	var fs []model.CaseFile
	err := s.r(ctx).Where("extension_id IN (SELECT id FROM extensions WHERE measure_id = ?) OR "+
		"instruction_id IN (SELECT id FROM instructions WHERE measure_id = ?)", measureID, measureID).
		Order("id").Find(&fs).Error
	return fs, translate(err, "list evidence files")
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

// PromptsOfMeasure lists the prompts about a measure's assignments,
// oldest first.
func (s *Store) PromptsOfMeasure(ctx context.Context, measureID int64) ([]model.Prompt, error) {
	var ps []model.Prompt
	err := s.r(ctx).Where("assignment_id IN (SELECT id FROM assignments WHERE measure_id = ?)", measureID).
		Order("created_at, id").Find(&ps).Error
	return ps, translate(err, "list prompts of measure")
}

// VersionOfMeasure is a submitted report version with its report's
// assignment and period.
type VersionOfMeasure struct {
	model.ReportVersion
	AssignmentID int64
	PeriodID     int64
}

// ReviewOfMeasure is a review with its report's assignment and period.
type ReviewOfMeasure struct {
	model.Review
	AssignmentID int64
	PeriodID     int64
}

// VersionsAndReviewsOfMeasure lists the submitted versions and the reviews
// of a measure's reports, oldest first, in two queries.
func (s *Store) VersionsAndReviewsOfMeasure(ctx context.Context, measureID int64) ([]VersionOfMeasure, []ReviewOfMeasure, error) {
	var vs []VersionOfMeasure
	err := s.r(ctx).Table("report_versions x").Select("x.*, r.assignment_id AS assignment_id, r.period_id AS period_id").
		Joins("JOIN reports r ON r.id = x.report_id").Joins("JOIN assignments a ON a.id = r.assignment_id").
		Where("a.measure_id = ?", measureID).Order("x.submitted_at, x.id").Scan(&vs).Error
	if err != nil {
		return nil, nil, translate(err, "list versions of measure")
	}
	var rs []ReviewOfMeasure
	err = s.r(ctx).Table("reviews x").Select("x.*, r.assignment_id AS assignment_id, r.period_id AS period_id").
		Joins("JOIN reports r ON r.id = x.report_id").Joins("JOIN assignments a ON a.id = r.assignment_id").
		Where("a.measure_id = ?", measureID).Order("x.id").Scan(&rs).Error
	return vs, rs, translate(err, "list reviews of measure")
}

// GrantedExtension is an approved extension with the names a bulletin
// cites it by.
type GrantedExtension struct {
	MeasureID    int64
	DomainLabel  string
	MeasureLabel string
	MeasureTitle string
	UnitName     string
	OriginalOn   time.Time
	DecidedOn    time.Time
	DecidedAt    time.Time
}

// ExtensionsGranted lists a plan's extensions approved from from up to
// (not including) to, in decision order.
func (s *Store) ExtensionsGranted(ctx context.Context, planID int64, from, to time.Time) ([]GrantedExtension, error) {
	var out []GrantedExtension
	err := s.r(ctx).Table("extensions e").
		Select("e.measure_id, domains.label AS domain_label, measures.label AS measure_label, measures.title AS measure_title, "+
			"units.name AS unit_name, e.original_on, e.decided_on, e.decided_at").
		Joins("JOIN measures ON measures.id = e.measure_id").
		Joins("JOIN domains ON domains.id = measures.domain_id").
		Joins("JOIN assignments a ON a.id = e.assignment_id").
		Joins("JOIN units ON units.id = a.unit_id").
		Where("measures.plan_id = ? AND e.state = ? AND e.decided_at >= ? AND e.decided_at < ?", planID, model.ExtensionApproved, from, to).
		Order("e.decided_at, e.id").Scan(&out).Error
	return out, translate(err, "list granted extensions")
}
