package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"duban/internal/model"
)

// UnitWorksOn reports whether a unit has an assignment on a measure.
func (s *Store) UnitWorksOn(ctx context.Context, measureID, unitID int64) (bool, error) {
	var n int64
	err := s.r(ctx).Model(&model.Assignment{}).Where("measure_id = ? AND unit_id = ?", measureID, unitID).Count(&n).Error
	return n > 0, translate(err, "find assignment")
}

// SetAssignmentsDue moves the deadline of assignments (an approved
// extension).
func (s *Store) SetAssignmentsDue(ctx context.Context, ids []int64, due time.Time) error {
	err := s.w(ctx).Model(&model.Assignment{}).Where("id IN ?", ids).Update("due_on", due.UTC()).Error
	return translate(err, "move assignment deadline")
}

// AssignmentsOfPlan returns every assignment of a plan's measures.
func (s *Store) AssignmentsOfPlan(ctx context.Context, planID int64) ([]model.Assignment, error) {
	var as []model.Assignment
	err := s.r(ctx).Joins("JOIN measures ON measures.id = assignments.measure_id").
		Where("measures.plan_id = ?", planID).Order("measures.position, assignments.role, assignments.id").Find(&as).Error
	return as, translate(err, "list assignments")
}

// AssignmentsOf returns a measure's assignments, lead first.
func (s *Store) AssignmentsOf(ctx context.Context, measureID int64) ([]model.Assignment, error) {
	var as []model.Assignment
	err := s.r(ctx).Where("measure_id = ?", measureID).Order("role, id").Find(&as).Error
	return as, translate(err, "list assignments")
}

// AssignmentByID loads an assignment.
func (s *Store) AssignmentByID(ctx context.Context, id int64) (*model.Assignment, error) {
	var a model.Assignment
	err := s.r(ctx).First(&a, id).Error
	return &a, translate(err, fmt.Sprintf("assignment %d", id))
}

// AssignmentOpen tells whether an assignment is signed for and its measure
// still open (not 办结): the guard a report's write checks in its
// transaction after deciding on what it read before. One statement of
// fixed text.
func (s *Store) AssignmentOpen(ctx context.Context, id int64) (signed, open bool, err error) {
	var row struct{ Signed, Open bool }
	res := s.r(ctx).Raw(`SELECT assignments.signed_at IS NOT NULL AS signed, measures.closed_at IS NULL AS open
		FROM assignments JOIN measures ON measures.id = assignments.measure_id WHERE assignments.id = ?`, id).Scan(&row)
	if res.Error == nil && res.RowsAffected == 0 {
		return false, false, fmt.Errorf("assignment %d: %w", id, model.ErrNotFound)
	}
	return row.Signed, row.Open, translate(res.Error, fmt.Sprintf("assignment %d", id))
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

// SyncAssignments makes a measure's assignments match want: new ones are
// added, roles updated, and ones no longer wanted removed unless they have
// reports or prompts.
func (s *Store) SyncAssignments(ctx context.Context, measureID int64, want []NewAssignment) error {
	tx := s.w(ctx)
	var have []model.Assignment
	if err := tx.Where("measure_id = ?", measureID).Find(&have).Error; err != nil {
		return translate(err, "load assignments")
	}
	wanted := map[int64]string{}
	for _, a := range want {
		wanted[a.UnitID] = a.Role
	}
	existing := map[int64]model.Assignment{}
	for _, a := range have {
		existing[a.UnitID] = a
		role, ok := wanted[a.UnitID]
		switch {
		case ok && role != a.Role:
			if err := tx.Model(&model.Assignment{}).Where("id = ?", a.ID).Update("role", role).Error; err != nil {
				return translate(err, "update assignment role")
			}
		case !ok:
			var n, prompts int64
			if err := tx.Model(&model.Report{}).Where("assignment_id = ?", a.ID).Count(&n).Error; err != nil {
				return translate(err, "count reports")
			}
			if err := tx.Model(&model.Prompt{}).Where("assignment_id = ?", a.ID).Count(&prompts).Error; err != nil {
				return translate(err, "count prompts")
			}
			// Reports and prompts are supervision records: an assignment
			// that has any stays.
			if n+prompts == 0 {
				if err := tx.Delete(&model.Assignment{}, a.ID).Error; err != nil {
					return translate(err, "delete assignment")
				}
			}
		}
	}
	now := s.clock.Now().UTC()
	for _, a := range want {
		if _, ok := existing[a.UnitID]; !ok {
			row := model.Assignment{MeasureID: measureID, UnitID: a.UnitID, Role: a.Role, CreatedAt: now}
			if err := tx.Create(&row).Error; err != nil {
				return translate(err, "create assignment")
			}
		}
	}
	return nil
}

// AssignmentsOfUnit lists a unit's assignments.
func (s *Store) AssignmentsOfUnit(ctx context.Context, unitID int64) ([]model.Assignment, error) {
	var as []model.Assignment
	err := s.r(ctx).Where("unit_id = ?", unitID).Order("id").Find(&as).Error
	return as, translate(err, "list assignments of unit")
}

// AssignmentOfUnit is a unit's assignment to a measure (ErrNotFound when
// the unit has none).
func (s *Store) AssignmentOfUnit(ctx context.Context, measureID, unitID int64) (*model.Assignment, error) {
	var a model.Assignment
	err := s.r(ctx).Where("measure_id = ? AND unit_id = ?", measureID, unitID).Order("id").First(&a).Error
	return &a, translate(err, fmt.Sprintf("assignment of unit %d to measure %d", unitID, measureID))
}

// SetAssignmentRole gives an assignment another role (lead, responsible).
func (s *Store) SetAssignmentRole(ctx context.Context, id int64, role string) error {
	return translate(s.w(ctx).Model(&model.Assignment{}).Where("id = ?", id).Update("role", role).Error, "change assignment role")
}

// MoveAssignment hands an assignment, with its reports and prompts, to
// another unit.
func (s *Store) MoveAssignment(ctx context.Context, id, unitID int64) error {
	return translate(s.w(ctx).Model(&model.Assignment{}).Where("id = ?", id).Update("unit_id", unitID).Error, "move assignment")
}

// DeleteAssignment deletes an assignment.
func (s *Store) DeleteAssignment(ctx context.Context, id int64) error {
	return translate(s.w(ctx).Delete(&model.Assignment{}, id).Error, "delete assignment")
}

// AssignmentRow is an assignment with what lists and to-do pages show of it.
type AssignmentRow struct {
	model.Assignment
	UnitName        string
	MeasureLabel    string // the measure's own number: format.Citation(DomainLabel, MeasureLabel) cites it
	MeasureTitle    string
	MeasurePosition int
	MeasureDueOn    time.Time
	MeasureClosedAt *time.Time
	DomainID        int64
	DomainLabel     string
	DomainTitle     string
	PlanID          int64
	PlanTitle       string
	PlanStartOn     time.Time
}

// Closed reports whether the row's measure is closed (办结).
func (r *AssignmentRow) Closed() bool { return r.MeasureClosedAt != nil }

// measureLabels are the labels a measure is cited by, its domain's and its
// own: rows carry both and format.Citation writes (一)2 ("2." alone is
// ambiguous across domains).
const measureLabels = "domains.label AS domain_label, measures.label AS measure_label"

const assignmentRowSelect = "assignments.*, units.name AS unit_name, " +
	"measures.label AS measure_label, measures.title AS measure_title, measures.position AS measure_position, " +
	"measures.due_on AS measure_due_on, measures.closed_at AS measure_closed_at, " +
	"domains.id AS domain_id, domains.label AS domain_label, domains.title AS domain_title, " +
	"plans.id AS plan_id, plans.title AS plan_title, plans.start_on AS plan_start_on"

// assignmentRowQuery selects assignment rows (the columns of
// assignmentRowSelect, then extra) with the joins they are read from.
func (s *Store) assignmentRowQuery(ctx context.Context, extra string, args ...any) *gorm.DB {
	return s.r(ctx).Table("assignments").Select(assignmentRowSelect+extra, args...).
		Joins("JOIN units ON units.id = assignments.unit_id").
		Joins("JOIN measures ON measures.id = assignments.measure_id").
		Joins("JOIN domains ON domains.id = measures.domain_id").
		Joins("JOIN plans ON plans.id = measures.plan_id")
}

func (s *Store) assignmentRows(ctx context.Context, where func(*gorm.DB) *gorm.DB) ([]AssignmentRow, error) {
	q := s.assignmentRowQuery(ctx, "")
	var rows []AssignmentRow
	err := where(q).Order("plans.id DESC, measures.position, assignments.role, assignments.id").Scan(&rows).Error
	return rows, translate(err, "list assignments")
}

// AssignmentRowsOfUnit lists a unit's assignments across every plan, in
// plan order.
func (s *Store) AssignmentRowsOfUnit(ctx context.Context, unitID int64) ([]AssignmentRow, error) {
	return s.assignmentRows(ctx, func(q *gorm.DB) *gorm.DB { return q.Where("assignments.unit_id = ?", unitID) })
}

// AssignmentRowsOfPlan lists a plan's assignments in plan order, lead first.
func (s *Store) AssignmentRowsOfPlan(ctx context.Context, planID int64) ([]AssignmentRow, error) {
	return s.assignmentRows(ctx, func(q *gorm.DB) *gorm.DB { return q.Where("measures.plan_id = ?", planID) })
}

// AssignmentRowsOfMeasure lists a measure's assignments, lead first.
func (s *Store) AssignmentRowsOfMeasure(ctx context.Context, measureID int64) ([]AssignmentRow, error) {
	return s.assignmentRows(ctx, func(q *gorm.DB) *gorm.DB { return q.Where("assignments.measure_id = ?", measureID) })
}

// AssignmentRowAndLead loads one assignment row and the unit leading its
// measure (0 when none does) in one statement: what every page and write
// about one assignment checks first.
func (s *Store) AssignmentRowAndLead(ctx context.Context, id int64) (*AssignmentRow, int64, error) {
	var rows []struct {
		AssignmentRow
		LeadUnitID *int64
	}
	err := s.assignmentRowQuery(ctx, ", (SELECT lead.unit_id FROM assignments lead WHERE lead.measure_id = assignments.measure_id AND lead.role = ? ORDER BY lead.id LIMIT 1) AS lead_unit_id", model.AssignLead).
		Where("assignments.id = ?", id).Scan(&rows).Error
	if err != nil {
		return nil, 0, translate(err, fmt.Sprintf("assignment %d", id))
	}
	if len(rows) == 0 {
		return nil, 0, fmt.Errorf("assignment %d: %w", id, model.ErrNotFound)
	}
	var lead int64
	if rows[0].LeadUnitID != nil {
		lead = *rows[0].LeadUnitID
	}
	return &rows[0].AssignmentRow, lead, nil
}

// LeadAssignmentsOf returns the lead assignment of each of the measures
// that has one, keyed by measure ID.
func (s *Store) LeadAssignmentsOf(ctx context.Context, measureIDs []int64) (map[int64]model.Assignment, error) {
	out := map[int64]model.Assignment{}
	err := eachChunk(measureIDs, func(part []int64) error {
		var as []model.Assignment
		if err := s.r(ctx).Where("measure_id IN ? AND role = ?", part, model.AssignLead).Order("id").Find(&as).Error; err != nil {
			return translate(err, "list lead assignments")
		}
		for _, a := range as {
			if _, ok := out[a.MeasureID]; !ok {
				out[a.MeasureID] = a
			}
		}
		return nil
	})
	return out, err
}

// LeadOfMeasure loads a measure's lead assignment
// (model.ErrNotFound when the measure has none).
func (s *Store) LeadOfMeasure(ctx context.Context, measureID int64) (*model.Assignment, error) {
	var a model.Assignment
	err := s.r(ctx).Where("measure_id = ? AND role = ?", measureID, model.AssignLead).Order("id").First(&a).Error
	return &a, translate(err, fmt.Sprintf("lead of measure %d", measureID))
}

// UnsignedAssignmentsOfUnit lists a unit's assignments not yet signed for.
func (s *Store) UnsignedAssignmentsOfUnit(ctx context.Context, unitID int64) ([]model.Assignment, error) {
	var as []model.Assignment
	err := s.r(ctx).Where("unit_id = ? AND signed_at IS NULL", unitID).Order("id").Find(&as).Error
	return as, translate(err, "list unsigned assignments")
}

// SignAssignment records 签收, only if nobody signed meanwhile.
func (s *Store) SignAssignment(ctx context.Context, id, userID int64, at time.Time) error {
	var by *int64
	if userID != 0 {
		by = &userID
	}
	res := s.w(ctx).Model(&model.Assignment{}).Where("id = ? AND signed_at IS NULL", id).
		Updates(map[string]any{"signed_at": at.UTC(), "signed_by": by})
	if res.Error != nil {
		return translate(res.Error, "sign assignment")
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("sign assignment %d: %w", id, model.ErrConflict)
	}
	return nil
}
