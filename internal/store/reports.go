package store

import (
	"context"
	"fmt"

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
