package store

// The queries of editing a stored plan's breakdown (立项/分解) after the
// import; the rules are planadmin's. Measures and plans are guarded by
// their version column so a stale form is refused instead of overwriting
// someone else's edit. The few reads the plan pages need beyond plans.go
// live here too.

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"duban/internal/clock"
	"duban/internal/model"
)

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

// CountUnits counts the units among ids that exist.
func (s *Store) CountUnits(ctx context.Context, ids []int64) (int64, error) {
	var n int64
	err := s.r(ctx).Model(&model.Unit{}).Where("id IN ?", ids).Count(&n).Error
	return n, translate(err, "check units")
}

// CreateAssignments adds assignments, filling in their IDs.
func (s *Store) CreateAssignments(ctx context.Context, as []model.Assignment) error {
	return translate(s.w(ctx).Create(&as).Error, "create assignments")
}

// AssignmentUsed reports whether an assignment has reports or prompts,
// which deleting it would delete too.
func (s *Store) AssignmentUsed(ctx context.Context, assignmentID int64) (bool, error) {
	tx := s.r(ctx)
	var n int64
	if err := tx.Model(&model.Report{}).Where("assignment_id = ?", assignmentID).Count(&n).Error; err != nil {
		return false, translate(err, "count reports")
	}
	if n > 0 {
		return true, nil
	}
	if err := tx.Model(&model.Prompt{}).Where("assignment_id = ?", assignmentID).Count(&n).Error; err != nil {
		return false, translate(err, "count prompts")
	}
	return n > 0, nil
}

// CountTargetValues counts the values reported for a target.
func (s *Store) CountTargetValues(ctx context.Context, targetID int64) (int64, error) {
	var n int64
	err := s.r(ctx).Model(&model.TargetValue{}).Where("target_id = ?", targetID).Count(&n).Error
	return n, translate(err, "count target values")
}

// DeleteTarget deletes a target.
func (s *Store) DeleteTarget(ctx context.Context, id int64) error {
	return translate(s.w(ctx).Delete(&model.Target{}, id).Error, "delete target")
}

// DomainOfPlan loads a domain of a plan (ErrNotFound when the plan has no
// such domain).
func (s *Store) DomainOfPlan(ctx context.Context, planID, domainID int64) (*model.Domain, error) {
	var d model.Domain
	err := s.r(ctx).Where("id = ? AND plan_id = ?", domainID, planID).First(&d).Error
	return &d, translate(err, fmt.Sprintf("domain %d of plan %d", domainID, planID))
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

// UpdatePlanIfVersion sets a plan's title and reporting settings and
// bumps its version if it is still at version (ErrConflict otherwise).
func (s *Store) UpdatePlanIfVersion(ctx context.Context, id int64, version int, title, reporting string, dueDays int, startOn, endOn time.Time) error {
	res := s.w(ctx).Model(&model.Plan{}).Where("id = ? AND version = ?", id, version).Updates(map[string]any{
		"title": title, "reporting": reporting, "due_days": dueDays,
		"start_on": clock.Date(startOn), "end_on": clock.Date(endOn),
		"version": gorm.Expr("version + 1"), "updated_at": s.clock.Now().UTC()})
	if res.Error != nil {
		return translate(res.Error, "update plan")
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("plan %d is not at version %d: %w", id, version, model.ErrConflict)
	}
	return nil
}

// SetPeriodDue moves a reporting period's due date.
func (s *Store) SetPeriodDue(ctx context.Context, id int64, dueOn time.Time) error {
	return translate(s.w(ctx).Model(&model.Period{}).Where("id = ?", id).Update("due_on", dueOn).Error, "move period due date")
}

// ReplacePeriods deletes a plan's reporting periods and stores rows
// instead.
func (s *Store) ReplacePeriods(ctx context.Context, planID int64, rows []model.Period) error {
	return s.WithTx(ctx, func(ctx context.Context) error {
		tx := s.w(ctx)
		if err := tx.Where("plan_id = ?", planID).Delete(&model.Period{}).Error; err != nil {
			return translate(err, "delete periods")
		}
		if len(rows) == 0 {
			return nil
		}
		return translate(tx.Create(&rows).Error, "create periods")
	})
}

// PlanUsage counts the reports and prompts that refer to a plan's periods;
// while both are zero the periods may be cut anew.
func (s *Store) PlanUsage(ctx context.Context, planID int64) (reports, prompts int64, err error) {
	tx := s.r(ctx)
	err = tx.Model(&model.Report{}).Joins("JOIN periods ON periods.id = reports.period_id").
		Where("periods.plan_id = ?", planID).Count(&reports).Error
	if err != nil {
		return 0, 0, translate(err, "count reports of plan")
	}
	err = tx.Model(&model.Prompt{}).Joins("JOIN periods ON periods.id = prompts.period_id").
		Where("periods.plan_id = ?", planID).Count(&prompts).Error
	if err != nil {
		return 0, 0, translate(err, "count prompts of plan")
	}
	return reports, prompts, nil
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

// DomainByID loads a domain.
func (s *Store) DomainByID(ctx context.Context, id int64) (*model.Domain, error) {
	var d model.Domain
	err := s.r(ctx).First(&d, id).Error
	return &d, translate(err, fmt.Sprintf("domain %d", id))
}

// GroupMembers is a unit group with the IDs of its member units.
type GroupMembers struct {
	Group   model.UnitGroup
	UnitIDs []int64
}

// UnitGroupsForPlans returns every unit group with its members, so plan and
// measure pages can show "各市(区)政府" instead of seven names.
func (s *Store) UnitGroupsForPlans(ctx context.Context) ([]GroupMembers, error) {
	var gs []model.UnitGroup
	if err := s.r(ctx).Order("name").Find(&gs).Error; err != nil {
		return nil, translate(err, "list unit groups")
	}
	var ms []model.UnitGroupMember
	if err := s.r(ctx).Order("group_id, unit_id").Find(&ms).Error; err != nil {
		return nil, translate(err, "list unit group members")
	}
	by := map[int64][]int64{}
	for _, m := range ms {
		by[m.GroupID] = append(by[m.GroupID], m.UnitID)
	}
	out := make([]GroupMembers, 0, len(gs))
	for _, g := range gs {
		out = append(out, GroupMembers{Group: g, UnitIDs: by[g.ID]})
	}
	return out, nil
}
