package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"duban/internal/model"
	"duban/internal/store/db"
)

// The read-only queries behind the dashboards, the 台账 and the exports.
// Each takes a FactScope and answers with one query whatever the data size:
// the big ones (reports, target values) stream rows to a callback so a
// province-sized database is never held twice in memory.

// FactScope narrows the dashboard queries. Zero fields mean "all".
type FactScope struct {
	PlanID    int64
	DomainID  int64
	MeasureID int64
	UnitID    int64  // only this unit's assignments
	Text      string // measures whose title or source text contains it
	// The read model recomputes given assignments; their measures and
	// plans are then named too.
	AssignmentIDs []int64
	MeasureIDs    []int64
	PlanIDs       []int64
}

// EscapeLike escapes the LIKE wildcards in s (with \ as the escape
// character), so user text matches literally.
func EscapeLike(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s)
}

// measureConds returns the fixed SQL conditions on measures (alias m) and
// their arguments. Only the arguments carry user input.
func (sc FactScope) measureConds() ([]string, []any) {
	var conds []string
	var args []any
	if sc.PlanID != 0 {
		conds = append(conds, "m.plan_id = ?")
		args = append(args, sc.PlanID)
	}
	if sc.DomainID != 0 {
		conds = append(conds, "m.domain_id = ?")
		args = append(args, sc.DomainID)
	}
	if sc.MeasureID != 0 {
		conds = append(conds, "m.id = ?")
		args = append(args, sc.MeasureID)
	}
	if len(sc.MeasureIDs) > 0 {
		conds = append(conds, "m.id IN ?")
		args = append(args, sc.MeasureIDs)
	}
	if sc.Text != "" {
		p := "%" + EscapeLike(sc.Text) + "%"
		conds = append(conds, `(m.title LIKE ? ESCAPE '\' OR m.source_text LIKE ? ESCAPE '\')`)
		args = append(args, p, p)
	}
	return conds, args
}

// assignmentSQL builds "FROM <from> [JOIN assignments a] [JOIN measures m]
// WHERE …" for a query whose rows belong to assignments; asgCol is the
// column holding the assignment ID (e.g. r.assignment_id). Joins are only
// added when a condition needs them, so an unscoped query scans one table.
func (sc FactScope) assignmentSQL(from, asgCol string) (string, []any) {
	mconds, args := sc.measureConds()
	var b strings.Builder
	b.WriteString(" FROM ")
	b.WriteString(from)
	needA := len(mconds) > 0 || sc.UnitID != 0
	if needA && asgCol != "a.id" {
		b.WriteString(" JOIN assignments a ON a.id = " + asgCol)
	}
	if len(mconds) > 0 {
		b.WriteString(" JOIN measures m ON m.id = a.measure_id")
	}
	conds := mconds
	if sc.UnitID != 0 {
		conds = append(conds, "a.unit_id = ?")
		args = append(args, sc.UnitID)
	}
	if len(sc.AssignmentIDs) > 0 {
		conds = append(conds, asgCol+" IN ?")
		args = append(args, sc.AssignmentIDs)
	}
	if len(conds) > 0 {
		b.WriteString(" WHERE " + strings.Join(conds, " AND "))
	}
	return b.String(), args
}

// epoch is a SQL expression for a timestamp column as Unix seconds (NULL
// stays NULL): integers cross the driver much faster than date strings,
// which matters on a million rows.
func (s *Store) epoch(col string) string {
	if s.db.Dialect == db.Postgres {
		return "CAST(EXTRACT(EPOCH FROM " + col + ") AS BIGINT)"
	}
	return "unixepoch(" + col + ")"
}

// unix turns scanned Unix seconds into a time (zero for NULL).
func unix(n sql.NullInt64) time.Time {
	if !n.Valid {
		return time.Time{}
	}
	return time.Unix(n.Int64, 0).UTC()
}

// Report states and progress states travel as small integers.
const (
	stateCase = "CASE r.state WHEN 'draft' THEN 1 WHEN 'submitted' THEN 2 WHEN 'returned' THEN 3 WHEN 'approved' THEN 4 ELSE 0 END"
	progCase  = "CASE r.progress_state WHEN 'not_started' THEN 1 WHEN 'on_track' THEN 2 WHEN 'behind' THEN 3 WHEN 'done' THEN 4 ELSE 0 END"
)

var (
	stateCodes = []string{"", model.ReportDraft, model.ReportSubmitted, model.ReportReturned, model.ReportApproved}
	progCodes  = []string{"", model.ProgressNotStarted, model.ProgressOnTrack, model.ProgressBehind, model.ProgressDone}
)

func code(list []string, c int) string {
	if c < 0 || c >= len(list) {
		return ""
	}
	return list[c]
}

// FactPlans returns the plans of a scope, newest first, without their
// source text.
func (s *Store) FactPlans(ctx context.Context, sc FactScope) ([]model.Plan, error) {
	q := s.r(ctx).Omit("source_text").Order("id DESC")
	if sc.PlanID != 0 {
		q = q.Where("id = ?", sc.PlanID)
	}
	if len(sc.PlanIDs) > 0 {
		q = q.Where("id IN ?", sc.PlanIDs)
	}
	var ps []model.Plan
	err := q.Find(&ps).Error
	return ps, translate(err, "load plans")
}

// FactDomains returns the domains of a scope's plans, in plan order.
func (s *Store) FactDomains(ctx context.Context, sc FactScope) ([]model.Domain, error) {
	q := s.r(ctx).Order("plan_id, position")
	if sc.PlanID != 0 {
		q = q.Where("plan_id = ?", sc.PlanID)
	}
	if sc.DomainID != 0 {
		q = q.Where("id = ?", sc.DomainID)
	}
	var ds []model.Domain
	err := q.Find(&ds).Error
	return ds, translate(err, "load domains")
}

// measureColumns are the measure columns the dashboards need: everything
// but the source text, which only the measure pages show.
const measureColumns = "m.id, m.plan_id, m.domain_id, m.position, m.label, m.title, m.source_start, m.source_end, " +
	"m.due_on, m.closed_at, m.closed_by, m.closed_note, m.version, m.created_at, m.updated_at"

// FactMeasures returns the scope's measures in plan order, without source
// text. With a unit in scope, only the measures assigned to it.
func (s *Store) FactMeasures(ctx context.Context, sc FactScope) ([]model.Measure, error) {
	conds, args := sc.measureConds()
	if sc.UnitID != 0 {
		conds = append(conds, "EXISTS (SELECT 1 FROM assignments a WHERE a.measure_id = m.id AND a.unit_id = ?)")
		args = append(args, sc.UnitID)
	}
	q := "SELECT " + measureColumns + " FROM measures m"
	if len(conds) > 0 {
		q += " WHERE " + strings.Join(conds, " AND ")
	}
	q += " ORDER BY m.plan_id, m.position"
	var ms []model.Measure
	err := s.r(ctx).Raw(q, args...).Scan(&ms).Error
	return ms, translate(err, "load measures")
}

// FactTargets returns the targets of the scope's measures.
func (s *Store) FactTargets(ctx context.Context, sc FactScope) ([]model.Target, error) {
	conds, args := sc.measureConds()
	if sc.UnitID != 0 {
		conds = append(conds, "EXISTS (SELECT 1 FROM assignments a WHERE a.measure_id = m.id AND a.unit_id = ?)")
		args = append(args, sc.UnitID)
	}
	q := "SELECT t.* FROM targets t JOIN measures m ON m.id = t.measure_id"
	if len(conds) > 0 {
		q += " WHERE " + strings.Join(conds, " AND ")
	}
	q += " ORDER BY t.measure_id, t.position"
	var ts []model.Target
	err := s.r(ctx).Raw(q, args...).Scan(&ts).Error
	return ts, translate(err, "load targets")
}

// FactAssignments returns the scope's assignments, lead first within a
// measure. Only ID, MeasureID, UnitID, Role and SignedAt are filled: a
// province has hundreds of thousands of assignments and the dashboards need
// no more. CreatedAt is filled too: it says from which period a unit owes;
// and DueOn, a deadline moved by an approved extension.
func (s *Store) FactAssignments(ctx context.Context, sc FactScope) ([]model.Assignment, error) {
	mconds, args := sc.measureConds()
	q := "SELECT a.id, a.measure_id, a.unit_id, CASE a.role WHEN 'lead' THEN 1 ELSE 0 END, " + s.epoch("a.signed_at") + ", " +
		s.epoch("a.created_at") + ", " + s.epoch("a.due_on") + " FROM assignments a"
	if len(mconds) > 0 {
		q += " JOIN measures m ON m.id = a.measure_id"
	}
	conds := mconds
	if sc.UnitID != 0 {
		conds = append(conds, "a.unit_id = ?")
		args = append(args, sc.UnitID)
	}
	if len(sc.AssignmentIDs) > 0 {
		conds = append(conds, "a.id IN ?")
		args = append(args, sc.AssignmentIDs)
	}
	if len(conds) > 0 {
		q += " WHERE " + strings.Join(conds, " AND ")
	}
	q += " ORDER BY a.measure_id, a.role, a.id"
	rows, err := s.r(ctx).Raw(q, args...).Rows()
	if err != nil {
		return nil, translate(err, "load assignments")
	}
	defer rows.Close()
	var out []model.Assignment
	var lead int64
	var signed, created, due sql.NullInt64
	for rows.Next() {
		var a model.Assignment
		if err := rows.Scan(&a.ID, &a.MeasureID, &a.UnitID, &lead, &signed, &created, &due); err != nil {
			return nil, fmt.Errorf("scan assignment: %w", err)
		}
		a.Role = model.AssignResponsible
		if lead == 1 {
			a.Role = model.AssignLead
		}
		if signed.Valid {
			t := unix(signed)
			a.SignedAt = &t
		}
		a.CreatedAt = unix(created)
		if due.Valid {
			t := unix(due)
			a.DueOn = &t
		}
		out = append(out, a)
	}
	return out, translate(rows.Err(), "load assignments")
}

// FactPeriods returns the periods of the scope's plans, by plan and seq.
func (s *Store) FactPeriods(ctx context.Context, sc FactScope) ([]model.Period, error) {
	q := s.r(ctx).Order("plan_id, seq")
	if sc.PlanID != 0 {
		q = q.Where("plan_id = ?", sc.PlanID)
	}
	if len(sc.PlanIDs) > 0 {
		q = q.Where("plan_id IN ?", sc.PlanIDs)
	}
	var ps []model.Period
	err := q.Find(&ps).Error
	return ps, translate(err, "load periods")
}

// ReportFact is the part of a report the dashboards compute from.
type ReportFact struct {
	ID            int64
	AssignmentID  int64
	PeriodID      int64
	State         string // one of the model.Report* constants
	ProgressState string // one of the model.Progress* constants
	Percent       int
	SubmittedAt   time.Time // zero when never submitted
	ReturnedAt    time.Time // zero when never returned
}

// EachReportFact streams the scope's reports (one per assignment ×
// period) to fn, in no particular order. fn must not keep the pointer.
func (s *Store) EachReportFact(ctx context.Context, sc FactScope, fn func(*ReportFact) error) error {
	from, args := sc.assignmentSQL("reports r", "r.assignment_id")
	q := "SELECT r.id, r.assignment_id, r.period_id, " + stateCase + ", " + progCase + ", r.percent, " +
		s.epoch("r.submitted_at") + ", " + s.epoch("r.returned_at") + from
	rows, err := s.r(ctx).Raw(q, args...).Rows()
	if err != nil {
		return translate(err, "load reports")
	}
	defer rows.Close()
	// Scan into int64: database/sql converts int64 to int through strings.
	var (
		f                        ReportFact
		state, progress, percent int64
		submitted, returned      sql.NullInt64
	)
	for rows.Next() {
		if err := rows.Scan(&f.ID, &f.AssignmentID, &f.PeriodID, &state, &progress, &percent, &submitted, &returned); err != nil {
			return fmt.Errorf("scan report: %w", err)
		}
		f.Percent = int(percent)
		f.State, f.ProgressState = code(stateCodes, int(state)), code(progCodes, int(progress))
		f.SubmittedAt, f.ReturnedAt = unix(submitted), unix(returned)
		if err := fn(&f); err != nil {
			return err
		}
	}
	return translate(rows.Err(), "load reports")
}

// ValueFact is one reported actual of a target in a submitted or approved
// report.
type ValueFact struct {
	AssignmentID int64
	PeriodID     int64
	TargetID     int64
	Value        float64
}

// EachValueFact streams the actuals reported in the scope's submitted and
// approved reports (drafts and returned reports do not count).
func (s *Store) EachValueFact(ctx context.Context, sc FactScope, fn func(*ValueFact) error) error {
	from, args := sc.assignmentSQL("target_values tv JOIN reports r ON r.id = tv.report_id", "r.assignment_id")
	cond := " r.state IN ('submitted','approved') AND tv.value IS NOT NULL"
	if strings.Contains(from, " WHERE ") {
		from += " AND" + cond
	} else {
		from += " WHERE" + cond
	}
	q := "SELECT r.assignment_id, r.period_id, tv.target_id, tv.value" + from
	rows, err := s.r(ctx).Raw(q, args...).Rows()
	if err != nil {
		return translate(err, "load target values")
	}
	defer rows.Close()
	var f ValueFact
	for rows.Next() {
		if err := rows.Scan(&f.AssignmentID, &f.PeriodID, &f.TargetID, &f.Value); err != nil {
			return fmt.Errorf("scan target value: %w", err)
		}
		if err := fn(&f); err != nil {
			return err
		}
	}
	return translate(rows.Err(), "load target values")
}

// ReviewCount counts the review decisions on one assignment's reports.
type ReviewCount struct {
	AssignmentID int64
	Decision     string // approve or return
	N            int
}

// FactReviewCounts counts review decisions per assignment and decision over
// the scope's reports (every decision, so a report returned twice counts
// twice).
func (s *Store) FactReviewCounts(ctx context.Context, sc FactScope) ([]ReviewCount, error) {
	from, args := sc.assignmentSQL("reviews rv JOIN reports r ON r.id = rv.report_id", "r.assignment_id")
	q := "SELECT r.assignment_id AS assignment_id, rv.decision AS decision, COUNT(*) AS n" + from + " GROUP BY r.assignment_id, rv.decision"
	var out []ReviewCount
	err := s.r(ctx).Raw(q, args...).Scan(&out).Error
	return out, translate(err, "count reviews")
}

// PromptCount counts the 催办 prompts of one assignment × period: all
// that were sent, and those still open. PeriodID is 0 for prompts that
// name no period.
type PromptCount struct {
	AssignmentID int64
	PeriodID     int64
	Sent         int
	Open         int
}

// FactPrompts counts the prompts of the scope's assignments per period.
func (s *Store) FactPrompts(ctx context.Context, sc FactScope) ([]PromptCount, error) {
	from, args := sc.assignmentSQL("prompts p JOIN assignments a ON a.id = p.assignment_id", "a.id")
	q := "SELECT p.assignment_id AS assignment_id, COALESCE(p.period_id, 0) AS period_id, COUNT(*) AS sent, " +
		"SUM(CASE WHEN p.resolved_at IS NULL THEN 1 ELSE 0 END) AS open" + from + " GROUP BY p.assignment_id, p.period_id"
	var out []PromptCount
	err := s.r(ctx).Raw(q, args...).Scan(&out).Error
	return out, translate(err, "count prompts")
}

// HistoryRow is one report of a measure with its reviews' count, for the
// history export.
type HistoryRow struct {
	model.Report
	UnitID int64
	Role   string
}

// MeasureHistory returns every report of a measure (only unitID's when it
// is not 0) with the target values and the review trail, in period and
// assignment order.
func (s *Store) MeasureHistory(ctx context.Context, measureID, unitID int64) ([]HistoryRow, []model.TargetValue, []model.Review, error) {
	q := s.r(ctx).Table("reports r").
		Select("r.*, a.unit_id AS unit_id, a.role AS role").
		Joins("JOIN assignments a ON a.id = r.assignment_id").
		Joins("JOIN periods p ON p.id = r.period_id").
		Where("a.measure_id = ?", measureID)
	if unitID != 0 {
		q = q.Where("a.unit_id = ?", unitID)
	}
	var rows []HistoryRow
	if err := q.Order("p.seq, a.role, a.id").Scan(&rows).Error; err != nil {
		return nil, nil, nil, translate(err, "load report history")
	}
	scoped := func(table string) *gorm.DB {
		db := s.r(ctx).Table(table+" x").Select("x.*").
			Joins("JOIN reports r ON r.id = x.report_id").
			Joins("JOIN assignments a ON a.id = r.assignment_id").
			Where("a.measure_id = ?", measureID)
		if unitID != 0 {
			db = db.Where("a.unit_id = ?", unitID)
		}
		return db.Order("x.id")
	}
	var vals []model.TargetValue
	if err := scoped("target_values").Scan(&vals).Error; err != nil {
		return nil, nil, nil, translate(err, "load target values")
	}
	var revs []model.Review
	if err := scoped("reviews").Scan(&revs).Error; err != nil {
		return nil, nil, nil, translate(err, "load reviews")
	}
	return rows, vals, revs, nil
}

// IsAssigned reports whether unitID has an assignment on measureID.
func (s *Store) IsAssigned(ctx context.Context, measureID, unitID int64) (bool, error) {
	var n int64
	err := s.r(ctx).Model(&model.Assignment{}).Where("measure_id = ? AND unit_id = ?", measureID, unitID).Count(&n).Error
	return n > 0, translate(err, "check assignment")
}

// UnitsOfPlan returns the units with an assignment in a plan, in display
// order.
func (s *Store) UnitsOfPlan(ctx context.Context, planID int64) ([]model.Unit, error) {
	var us []model.Unit
	err := s.r(ctx).Where("id IN (SELECT a.unit_id FROM assignments a JOIN measures m ON m.id = a.measure_id WHERE m.plan_id = ?)", planID).
		Order("sort_order, kind, name").Find(&us).Error
	return us, translate(err, "list units of plan")
}
