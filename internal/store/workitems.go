package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"duban/internal/model"
)

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

func (s *Store) assignmentRows(ctx context.Context, where func(*gorm.DB) *gorm.DB) ([]AssignmentRow, error) {
	q := s.r(ctx).Table("assignments").Select(assignmentRowSelect).
		Joins("JOIN units ON units.id = assignments.unit_id").
		Joins("JOIN measures ON measures.id = assignments.measure_id").
		Joins("JOIN domains ON domains.id = measures.domain_id").
		Joins("JOIN plans ON plans.id = measures.plan_id")
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

// AssignmentRowByID loads one assignment row.
func (s *Store) AssignmentRowByID(ctx context.Context, id int64) (*AssignmentRow, error) {
	rows, err := s.assignmentRows(ctx, func(q *gorm.DB) *gorm.DB { return q.Where("assignments.id = ?", id) })
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("assignment %d: %w", id, model.ErrNotFound)
	}
	return &rows[0], nil
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

// PeriodByID loads a reporting period.
func (s *Store) PeriodByID(ctx context.Context, id int64) (*model.Period, error) {
	var p model.Period
	err := s.r(ctx).First(&p, id).Error
	return &p, translate(err, fmt.Sprintf("period %d", id))
}

// PeriodsOfPlans loads the periods of several plans, keyed by plan, in order.
func (s *Store) PeriodsOfPlans(ctx context.Context, planIDs []int64) (map[int64][]model.Period, error) {
	out := map[int64][]model.Period{}
	err := eachChunk(planIDs, func(part []int64) error {
		var ps []model.Period
		if err := s.r(ctx).Where("plan_id IN ?", part).Order("plan_id, seq").Find(&ps).Error; err != nil {
			return translate(err, "list periods")
		}
		for _, p := range ps {
			out[p.PlanID] = append(out[p.PlanID], p)
		}
		return nil
	})
	return out, err
}

// TargetsOfMeasures loads the targets of several measures, keyed by
// measure, in order.
func (s *Store) TargetsOfMeasures(ctx context.Context, measureIDs []int64) (map[int64][]model.Target, error) {
	out := map[int64][]model.Target{}
	err := eachChunk(measureIDs, func(part []int64) error {
		var ts []model.Target
		if err := s.r(ctx).Where("measure_id IN ?", part).Order("measure_id, position").Find(&ts).Error; err != nil {
			return translate(err, "list targets")
		}
		for _, t := range ts {
			out[t.MeasureID] = append(out[t.MeasureID], t)
		}
		return nil
	})
	return out, err
}

// ReportRow is a report with the names a list shows beside it.
type ReportRow struct {
	model.Report
	AssignmentRole string
	UnitID         int64
	UnitName       string
	MeasureID      int64
	DomainLabel    string
	MeasureLabel   string // the measure's own number: format.Citation(DomainLabel, MeasureLabel) cites it
	MeasureTitle   string
	PlanID         int64
	PeriodLabel    string
	PeriodSeq      int
	PeriodDueOn    time.Time
}

const reportRowSelect = "reports.*, assignments.role AS assignment_role, assignments.unit_id AS unit_id, " +
	"units.name AS unit_name, measures.id AS measure_id, " + measureLabels + ", " +
	"measures.title AS measure_title, measures.plan_id AS plan_id, periods.label AS period_label, periods.seq AS period_seq, periods.due_on AS period_due_on"

func (s *Store) reportRows(ctx context.Context, where func(*gorm.DB) *gorm.DB) ([]ReportRow, error) {
	var rows []ReportRow
	err := where(s.reportRowsFrom(ctx).Select(reportRowSelect)).Order("reports.submitted_at, reports.id").Scan(&rows).Error
	return rows, translate(err, "list reports")
}

// reportRowsFrom joins what a report row shows (the lists and their
// counts share it).
func (s *Store) reportRowsFrom(ctx context.Context) *gorm.DB {
	return s.r(ctx).Table("reports").
		Joins("JOIN assignments ON assignments.id = reports.assignment_id").
		Joins("JOIN units ON units.id = assignments.unit_id").
		Joins("JOIN measures ON measures.id = assignments.measure_id").
		Joins("JOIN domains ON domains.id = measures.domain_id").
		Joins("JOIN periods ON periods.id = reports.period_id")
}

// InputsAwaitingLead lists the co-unit inputs submitted to a lead unit and
// not yet reviewed by it.
func (s *Store) InputsAwaitingLead(ctx context.Context, leadUnitID int64) ([]ReportRow, error) {
	return s.reportRows(ctx, s.inputsAwaitingLead(ctx, leadUnitID))
}

func (s *Store) inputsAwaitingLead(ctx context.Context, leadUnitID int64) func(*gorm.DB) *gorm.DB {
	return func(q *gorm.DB) *gorm.DB {
		return q.Where("reports.state = ? AND assignments.role = ?", model.ReportSubmitted, model.AssignResponsible).
			Where("assignments.measure_id IN (?)", s.r(ctx).Model(&model.Assignment{}).Select("measure_id").
				Where("unit_id = ? AND role = ?", leadUnitID, model.AssignLead))
	}
}

// OfficialReportsAwaitingReview lists the lead units' submitted reports the
// supervision office has not reviewed yet.
func (s *Store) OfficialReportsAwaitingReview(ctx context.Context) ([]ReportRow, error) {
	return s.reportRows(ctx, awaitingReview)
}

// OfficialReportsAwaitingReviewOfPlan is OfficialReportsAwaitingReview
// of one plan (督办 shows one plan at a time).
func (s *Store) OfficialReportsAwaitingReviewOfPlan(ctx context.Context, planID int64) ([]ReportRow, error) {
	return s.reportRows(ctx, func(q *gorm.DB) *gorm.DB { return awaitingReview(q).Where("measures.plan_id = ?", planID) })
}

func awaitingReview(q *gorm.DB) *gorm.DB {
	return q.Where("reports.state = ? AND assignments.role = ?", model.ReportSubmitted, model.AssignLead)
}

// ClosableReports lists, for each open measure whose lead unit's latest
// submitted report says 已完成, that report: the measures the supervision
// office may close (办结).
func (s *Store) ClosableReports(ctx context.Context) ([]ReportRow, error) {
	return s.reportRows(ctx, s.closable(ctx))
}

// ClosableReportsOfPlan is ClosableReports of one plan.
func (s *Store) ClosableReportsOfPlan(ctx context.Context, planID int64) ([]ReportRow, error) {
	closable := s.closable(ctx)
	return s.reportRows(ctx, func(q *gorm.DB) *gorm.DB { return closable(q).Where("measures.plan_id = ?", planID) })
}

func (s *Store) closable(ctx context.Context) func(*gorm.DB) *gorm.DB {
	states := []string{model.ReportSubmitted, model.ReportApproved}
	latest := s.r(ctx).Table("reports AS r2").Select("MAX(p2.seq)").
		Joins("JOIN periods AS p2 ON p2.id = r2.period_id").
		Where("r2.assignment_id = reports.assignment_id AND r2.state IN ?", states)
	// The read model marks the closable assignments (the same rule, kept
	// by the writes): only their reports are looked at, instead of every
	// lead report with a MAX(seq) over its assignment's history each.
	marked := s.r(ctx).Table("assignment_states").Select("assignment_id").Where("closable = 1")
	return func(q *gorm.DB) *gorm.DB {
		return q.Where("reports.assignment_id IN (?)", marked).
			Where("reports.state IN ? AND assignments.role = ? AND measures.closed_at IS NULL AND reports.progress_state = ?",
				states, model.AssignLead, model.ProgressDone).
			Where("periods.seq = (?)", latest)
	}
}

// UserNames maps user IDs to display names (username when unset).
func (s *Store) UserNames(ctx context.Context, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	err := eachChunk(ids, func(part []int64) error {
		var us []model.User
		if err := s.r(ctx).Select("id, username, display_name").Where("id IN ?", part).Find(&us).Error; err != nil {
			return translate(err, "load user names")
		}
		for _, u := range us {
			out[u.ID] = u.DisplayName
			if u.DisplayName == "" {
				out[u.ID] = u.Username
			}
		}
		return nil
	})
	return out, err
}

// LatestSubmittedReport loads an assignment's report of the latest period
// that has a submitted or approved version (model.ErrNotFound when none).
func (s *Store) LatestSubmittedReport(ctx context.Context, assignmentID int64) (*model.Report, error) {
	var r model.Report
	err := s.r(ctx).Joins("JOIN periods ON periods.id = reports.period_id").
		Where("reports.assignment_id = ? AND reports.state IN ?", assignmentID, []string{model.ReportSubmitted, model.ReportApproved}).
		Order("periods.seq DESC").First(&r).Error
	return &r, translate(err, fmt.Sprintf("latest report of assignment %d", assignmentID))
}
