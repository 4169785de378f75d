package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"duban/internal/model"
)

// inChunk bounds IN lists well below SQLite's and PostgreSQL's parameter
// limits.
const inChunk = 1000

// eachChunk calls fn with ids in slices of at most inChunk.
func eachChunk(ids []int64, fn func([]int64) error) error {
	for len(ids) > 0 {
		n := min(len(ids), inChunk)
		if err := fn(ids[:n]); err != nil {
			return err
		}
		ids = ids[n:]
	}
	return nil
}

// ReportByID loads a report.
func (s *Store) ReportByID(ctx context.Context, id int64) (*model.Report, error) {
	var r model.Report
	err := s.r(ctx).First(&r, id).Error
	return &r, translate(err, fmt.Sprintf("report %d", id))
}

// ReportOf loads the report of an assignment for a period.
func (s *Store) ReportOf(ctx context.Context, assignmentID, periodID int64) (*model.Report, error) {
	var r model.Report
	err := s.r(ctx).Where("assignment_id = ? AND period_id = ?", assignmentID, periodID).First(&r).Error
	return &r, translate(err, fmt.Sprintf("report of assignment %d period %d", assignmentID, periodID))
}

// ReportsOfAssignments loads every report of the given assignments.
func (s *Store) ReportsOfAssignments(ctx context.Context, ids []int64) ([]model.Report, error) {
	var out []model.Report
	err := eachChunk(ids, func(part []int64) error {
		var rs []model.Report
		if err := s.r(ctx).Where("assignment_id IN ?", part).Order("id").Find(&rs).Error; err != nil {
			return translate(err, "list reports")
		}
		out = append(out, rs...)
		return nil
	})
	return out, err
}

// ReportVersions lists a report's submitted versions, oldest first.
func (s *Store) ReportVersions(ctx context.Context, reportID int64) ([]model.ReportVersion, error) {
	var vs []model.ReportVersion
	err := s.r(ctx).Where("report_id = ?", reportID).Order("version_no").Find(&vs).Error
	return vs, translate(err, "list report versions")
}

// ReportVersionsOf lists the submitted versions of several reports.
func (s *Store) ReportVersionsOf(ctx context.Context, reportIDs []int64) ([]model.ReportVersion, error) {
	var out []model.ReportVersion
	err := eachChunk(reportIDs, func(part []int64) error {
		var vs []model.ReportVersion
		if err := s.r(ctx).Where("report_id IN ?", part).Order("report_id, version_no").Find(&vs).Error; err != nil {
			return translate(err, "list report versions")
		}
		out = append(out, vs...)
		return nil
	})
	return out, err
}

// ReportVersion loads one submitted version.
func (s *Store) ReportVersion(ctx context.Context, reportID int64, no int) (*model.ReportVersion, error) {
	var v model.ReportVersion
	err := s.r(ctx).Where("report_id = ? AND version_no = ?", reportID, no).First(&v).Error
	return &v, translate(err, fmt.Sprintf("report %d version %d", reportID, no))
}

// TargetValuesOf loads the target values of reports.
func (s *Store) TargetValuesOf(ctx context.Context, reportIDs []int64) ([]model.TargetValue, error) {
	var out []model.TargetValue
	err := eachChunk(reportIDs, func(part []int64) error {
		var vs []model.TargetValue
		if err := s.r(ctx).Where("report_id IN ?", part).Order("id").Find(&vs).Error; err != nil {
			return translate(err, "list target values")
		}
		out = append(out, vs...)
		return nil
	})
	return out, err
}

// CreateReport inserts a new report. A report for the same assignment
// and period created meanwhile by someone else is a model.ErrConflict.
func (s *Store) CreateReport(ctx context.Context, r *model.Report) error {
	now := s.clock.Now().UTC()
	r.CreatedAt, r.UpdatedAt = now, now
	if r.LockVersion == 0 {
		r.LockVersion = 1
	}
	return translate(s.w(ctx).Create(r).Error, "create report")
}

// UpdateReport writes every mutable column of r, but only if the row is
// still in state wantState at lock version wantLock (optimistic locking):
// otherwise nothing is written and the answer is model.ErrConflict. On
// success r.LockVersion is the new version.
func (s *Store) UpdateReport(ctx context.Context, r *model.Report, wantState string, wantLock int) error {
	now := s.clock.Now().UTC()
	res := s.w(ctx).Model(&model.Report{}).
		Where("id = ? AND state = ? AND lock_version = ?", r.ID, wantState, wantLock).
		Updates(map[string]any{
			"state":          r.State,
			"progress_state": r.ProgressState,
			"percent":        r.Percent,
			"progress":       r.Progress,
			"problems":       r.Problems,
			"next_steps":     r.NextSteps,
			"submitted_at":   r.SubmittedAt,
			"submitted_by":   r.SubmittedBy,
			"returned_at":    r.ReturnedAt,
			"approved_at":    r.ApprovedAt,
			"version_no":     r.VersionNo,
			"lock_version":   wantLock + 1,
			"updated_at":     now,
		})
	if res.Error != nil {
		return translate(res.Error, fmt.Sprintf("update report %d", r.ID))
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("update report %d: %w", r.ID, model.ErrConflict)
	}
	r.LockVersion, r.UpdatedAt = wantLock+1, now
	return nil
}

// SetTargetValues replaces the target values of a report.
func (s *Store) SetTargetValues(ctx context.Context, reportID int64, vals []model.TargetValue) error {
	if err := s.w(ctx).Where("report_id = ?", reportID).Delete(&model.TargetValue{}).Error; err != nil {
		return translate(err, "clear target values")
	}
	if len(vals) == 0 {
		return nil
	}
	for i := range vals {
		vals[i].ID, vals[i].ReportID = 0, reportID
	}
	return translate(s.w(ctx).Create(&vals).Error, "save target values")
}

// TargetValuesOfReport loads one report's target values.
func (s *Store) TargetValuesOfReport(ctx context.Context, reportID int64) ([]model.TargetValue, error) {
	var vs []model.TargetValue
	err := s.r(ctx).Where("report_id = ?", reportID).Order("target_id").Find(&vs).Error
	return vs, translate(err, "list target values")
}

// AddReportVersion stores a submitted version's snapshot.
func (s *Store) AddReportVersion(ctx context.Context, v *model.ReportVersion) error {
	return translate(s.w(ctx).Create(v).Error, "store report version")
}

// LatestReportVersion loads the newest submitted version.
func (s *Store) LatestReportVersion(ctx context.Context, reportID int64) (*model.ReportVersion, error) {
	var v model.ReportVersion
	err := s.r(ctx).Where("report_id = ?", reportID).Order("version_no DESC").First(&v).Error
	return &v, translate(err, fmt.Sprintf("latest version of report %d", reportID))
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

// CountReports counts every report (the demo history runs only on none).
func (s *Store) CountReports(ctx context.Context) (int64, error) {
	var n int64
	err := s.r(ctx).Model(&model.Report{}).Count(&n).Error
	return n, translate(err, "count reports")
}

// CountReportsOf counts an assignment's reports.
func (s *Store) CountReportsOf(ctx context.Context, assignmentID int64) (int64, error) {
	var n int64
	err := s.r(ctx).Model(&model.Report{}).Where("assignment_id = ?", assignmentID).Count(&n).Error
	return n, translate(err, "count reports")
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

// LatestSubmittedReport loads an assignment's report of the latest period
// that has a submitted or approved version (model.ErrNotFound when none).
func (s *Store) LatestSubmittedReport(ctx context.Context, assignmentID int64) (*model.Report, error) {
	var r model.Report
	err := s.r(ctx).Joins("JOIN periods ON periods.id = reports.period_id").
		Where("reports.assignment_id = ? AND reports.state IN ?", assignmentID, []string{model.ReportSubmitted, model.ReportApproved}).
		Order("periods.seq DESC").First(&r).Error
	return &r, translate(err, fmt.Sprintf("latest report of assignment %d", assignmentID))
}
