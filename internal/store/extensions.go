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
