package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"duban/internal/clock"
	"duban/internal/model"
)

// MeasuresOf returns a plan's measures in the plan's order.
func (s *Store) MeasuresOf(ctx context.Context, planID int64) ([]model.Measure, error) {
	var ms []model.Measure
	err := s.r(ctx).Where("plan_id = ?", planID).Order("position").Find(&ms).Error
	return ms, translate(err, "list measures")
}

// MeasureByID loads a measure.
func (s *Store) MeasureByID(ctx context.Context, id int64) (*model.Measure, error) {
	var m model.Measure
	err := s.r(ctx).First(&m, id).Error
	return &m, translate(err, fmt.Sprintf("measure %d", id))
}

// UpdateMeasureIfVersion sets a measure's title and due date and bumps its
// version if it is still at version, so the rest of the transaction edits
// what the user saw; it returns the measure as stored. A missing measure
// is ErrNotFound, a changed one ErrConflict.
func (s *Store) UpdateMeasureIfVersion(ctx context.Context, id int64, version int, title string, dueOn time.Time) (*model.Measure, error) {
	tx := s.w(ctx)
	res := tx.Model(&model.Measure{}).Where("id = ? AND version = ?", id, version).Updates(map[string]any{
		"title": title, "due_on": clock.Date(dueOn), "version": gorm.Expr("version + 1"), "updated_at": s.clock.Now().UTC()})
	if res.Error != nil {
		return nil, translate(res.Error, fmt.Sprintf("update measure %d", id))
	}
	var m model.Measure
	if err := tx.First(&m, id).Error; err != nil {
		return nil, translate(err, fmt.Sprintf("measure %d", id))
	}
	if res.RowsAffected == 0 {
		return nil, fmt.Errorf("measure %d is at version %d, the form had %d: %w", id, m.Version, version, model.ErrConflict)
	}
	return &m, nil
}

// MeasuresOfDomain lists a domain's measures in plan order.
func (s *Store) MeasuresOfDomain(ctx context.Context, domainID int64) ([]model.Measure, error) {
	var ms []model.Measure
	err := s.r(ctx).Where("domain_id = ?", domainID).Order("position").Find(&ms).Error
	return ms, translate(err, "list measures")
}

// LastMeasurePosition is the position of the last measure of a plan's
// domains up to the one at domainPosition (0 when they have none).
func (s *Store) LastMeasurePosition(ctx context.Context, planID int64, domainPosition int) (int, error) {
	var after struct{ Pos int }
	err := s.r(ctx).Model(&model.Measure{}).Select("COALESCE(MAX(measures.position), 0) AS pos").
		Joins("JOIN domains ON domains.id = measures.domain_id").
		Where("measures.plan_id = ? AND domains.position <= ?", planID, domainPosition).Scan(&after).Error
	return after.Pos, translate(err, "measure position")
}

// ShiftMeasures moves a plan's measures from position from on one down.
func (s *Store) ShiftMeasures(ctx context.Context, planID int64, from int) error {
	err := s.w(ctx).Model(&model.Measure{}).Where("plan_id = ? AND position >= ?", planID, from).
		Update("position", gorm.Expr("position + 1")).Error
	return translate(err, "shift measures")
}

// DeleteMeasureIfVersion deletes a measure with its targets and
// assignments if it is still at version (ErrConflict otherwise).
func (s *Store) DeleteMeasureIfVersion(ctx context.Context, id int64, version int) error {
	return s.WithTx(ctx, func(ctx context.Context) error {
		tx := s.w(ctx)
		// Children first, so the delete does not depend on ON DELETE CASCADE
		// being enforced by the connection.
		if err := tx.Where("measure_id = ?", id).Delete(&model.Target{}).Error; err != nil {
			return translate(err, "delete targets")
		}
		if err := tx.Where("measure_id = ?", id).Delete(&model.Assignment{}).Error; err != nil {
			return translate(err, "delete assignments")
		}
		res := tx.Where("id = ? AND version = ?", id, version).Delete(&model.Measure{})
		if res.Error != nil {
			return translate(res.Error, "delete measure")
		}
		if res.RowsAffected == 0 {
			return fmt.Errorf("measure %d changed while deleting: %w", id, model.ErrConflict)
		}
		return nil
	})
}

// MeasureUsage tells the edit form what may not be removed: the number of
// reports and prompts per assignment, and of reported values per target.
type MeasureUsage struct {
	ByAssignment map[int64]int64 // assignment ID → reports + prompts
	ByTarget     map[int64]int64 // target ID → target values
}

// UsageOfMeasure counts what refers to a measure's assignments and targets.
func (s *Store) UsageOfMeasure(ctx context.Context, measureID int64) (MeasureUsage, error) {
	u := MeasureUsage{ByAssignment: map[int64]int64{}, ByTarget: map[int64]int64{}}
	type row struct {
		ID int64
		N  int64
	}
	var rs []row
	err := s.r(ctx).Model(&model.Report{}).Select("reports.assignment_id AS id, COUNT(*) AS n").
		Joins("JOIN assignments ON assignments.id = reports.assignment_id").
		Where("assignments.measure_id = ?", measureID).Group("reports.assignment_id").Scan(&rs).Error
	if err != nil {
		return u, translate(err, "count reports of measure")
	}
	for _, r := range rs {
		u.ByAssignment[r.ID] += r.N
	}
	rs = nil
	err = s.r(ctx).Model(&model.Prompt{}).Select("prompts.assignment_id AS id, COUNT(*) AS n").
		Joins("JOIN assignments ON assignments.id = prompts.assignment_id").
		Where("assignments.measure_id = ?", measureID).Group("prompts.assignment_id").Scan(&rs).Error
	if err != nil {
		return u, translate(err, "count prompts of measure")
	}
	for _, r := range rs {
		u.ByAssignment[r.ID] += r.N
	}
	rs = nil
	err = s.r(ctx).Model(&model.TargetValue{}).Select("target_values.target_id AS id, COUNT(*) AS n").
		Joins("JOIN targets ON targets.id = target_values.target_id").
		Where("targets.measure_id = ?", measureID).Group("target_values.target_id").Scan(&rs).Error
	if err != nil {
		return u, translate(err, "count target values of measure")
	}
	for _, r := range rs {
		u.ByTarget[r.ID] = r.N
	}
	return u, nil
}

// MeasureCount is the number of measures of a plan and how many are closed.
type MeasureCount struct {
	Total, Closed int64
}

// MeasureCountsByPlan counts every plan's measures, for the plan list.
func (s *Store) MeasureCountsByPlan(ctx context.Context) (map[int64]MeasureCount, error) {
	type row struct {
		PlanID int64
		Total  int64
		Closed int64
	}
	var rs []row
	err := s.r(ctx).Model(&model.Measure{}).
		Select("plan_id, COUNT(*) AS total, COUNT(closed_at) AS closed").Group("plan_id").Scan(&rs).Error
	if err != nil {
		return nil, translate(err, "count measures")
	}
	out := make(map[int64]MeasureCount, len(rs))
	for _, r := range rs {
		out[r.PlanID] = MeasureCount{Total: r.Total, Closed: r.Closed}
	}
	return out, nil
}

// CreateMeasure adds one measure with its targets and assignments.
func (s *Store) CreateMeasure(ctx context.Context, nm *NewMeasure) error {
	tx := s.w(ctx)
	now := s.clock.Now().UTC()
	m := &nm.Measure
	m.CreatedAt, m.UpdatedAt, m.Version = now, now, 1
	if err := tx.Create(m).Error; err != nil {
		return translate(err, "create measure")
	}
	for i := range nm.Targets {
		nm.Targets[i].MeasureID, nm.Targets[i].Position = m.ID, i+1
	}
	if len(nm.Targets) > 0 {
		if err := tx.Create(&nm.Targets).Error; err != nil {
			return translate(err, "create targets")
		}
	}
	for _, a := range nm.Assignments {
		row := model.Assignment{MeasureID: m.ID, UnitID: a.UnitID, Role: a.Role, CreatedAt: now}
		if err := tx.Create(&row).Error; err != nil {
			return translate(err, "create assignment")
		}
	}
	return nil
}

// UpdateMeasureSource refreshes a measure's text from a revised document.
func (s *Store) UpdateMeasureSource(ctx context.Context, id int64, pos int, title, text string, start, end int) error {
	err := s.w(ctx).Model(&model.Measure{}).Where("id = ?", id).Updates(map[string]any{
		"position": pos, "title": title, "source_text": text, "source_start": start, "source_end": end,
		"updated_at": s.clock.Now().UTC(), "version": gorm.Expr("version + 1"),
	}).Error
	return translate(err, "update measure")
}

// UpdateMeasureDue sets a measure's deadline as a revised document gives
// it: the due date, the phrase it came from and whether the work is ongoing.
func (s *Store) UpdateMeasureDue(ctx context.Context, id int64, due time.Time, note string, ongoing bool) error {
	err := s.w(ctx).Model(&model.Measure{}).Where("id = ?", id).Updates(map[string]any{
		"due_on": due, "due_note": note, "ongoing": ongoing, "updated_at": s.clock.Now().UTC(),
	}).Error
	return translate(err, "update measure deadline")
}

// UpdateMeasurePosition moves a measure in the plan's order.
func (s *Store) UpdateMeasurePosition(ctx context.Context, id int64, pos int) error {
	return translate(s.w(ctx).Model(&model.Measure{}).Where("id = ?", id).Update("position", pos).Error, "move measure")
}

// DeleteMeasureIfUnreported deletes a measure unless any of its
// assignments has a report or a prompt; it tells whether it deleted.
func (s *Store) DeleteMeasureIfUnreported(ctx context.Context, id int64) (bool, error) {
	var n int64
	err := s.w(ctx).Model(&model.Report{}).
		Joins("JOIN assignments ON assignments.id = reports.assignment_id").
		Where("assignments.measure_id = ?", id).Count(&n).Error
	if err != nil {
		return false, translate(err, "count reports")
	}
	if n > 0 {
		return false, nil
	}
	err = s.w(ctx).Model(&model.Prompt{}).
		Joins("JOIN assignments ON assignments.id = prompts.assignment_id").
		Where("assignments.measure_id = ?", id).Count(&n).Error
	if err != nil {
		return false, translate(err, "count prompts")
	}
	if n > 0 {
		return false, nil
	}
	res := s.w(ctx).Delete(&model.Measure{}, id)
	if res.Error != nil {
		return false, translate(res.Error, "delete measure")
	}
	if res.RowsAffected == 0 {
		return false, errors.Join(model.ErrNotFound)
	}
	return true, nil
}
