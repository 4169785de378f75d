package store

// Editing a stored plan's breakdown (立项/分解) after the import: measures,
// their targets and assignments, and the plan's reporting settings. Every
// change is audited in its own transaction with the old and new values, and
// measures and plans are guarded by their version column so a stale form is
// refused instead of overwriting someone else's edit. The few reads the plan
// pages need beyond plans.go live here too.

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"time"

	"gorm.io/gorm"

	"duban/internal/clock"
	"duban/internal/model"
	"duban/internal/periods"
	"duban/internal/validate"
)

// Field names of the store's refusals of a plan edit: a refusal the
// store can only find with the database (a unit that has reports cannot be
// unassigned, a target with reported values cannot be removed, …) is a
// validate.Error with one message under one of these fields; its first
// argument, when there is one, is the ID of the unit or target it is about.
const (
	FieldForm    = validate.Form
	FieldUnits   = "units"
	FieldTargets = "targets"
	FieldDomain  = "domain"
)

// MeasureEdit is an admin's correction of one measure.
type MeasureEdit struct {
	Title              string
	DueOn              time.Time
	LeadUnitID         int64 // 0: no lead unit
	ResponsibleUnitIDs []int64
	Targets            []TargetEdit // in display order; targets left out are removed
}

// TargetEdit is one target row of the edit form; ID 0 adds a target.
type TargetEdit struct {
	ID        int64
	Text      string
	Indicator string
	Op        string
	Value     float64
	Unit      string
	Year      int
}

// measureSnapshot is what the audit log records of a measure.
type measureSnapshot struct {
	Label       string           `json:"label"`
	Title       string           `json:"title"`
	DueOn       string           `json:"due_on"`
	Version     int              `json:"version"`
	Assignments []assignmentSnap `json:"assignments"`
	Targets     []targetSnap     `json:"targets"`
}

type assignmentSnap struct {
	UnitID int64  `json:"unit_id"`
	Unit   string `json:"unit"`
	Role   string `json:"role"`
}

type targetSnap struct {
	ID        int64   `json:"id"`
	Indicator string  `json:"indicator"`
	Op        string  `json:"op"`
	Value     float64 `json:"value"`
	Unit      string  `json:"unit"`
	Year      int     `json:"year"`
}

func (s *Store) snapshotMeasure(tx *gorm.DB, m *model.Measure) (measureSnapshot, error) {
	snap := measureSnapshot{Label: m.Label, Title: m.Title, DueOn: clock.Date(m.DueOn).Format(time.DateOnly), Version: m.Version,
		Assignments: []assignmentSnap{}, Targets: []targetSnap{}}
	var as []model.Assignment
	if err := tx.Where("measure_id = ?", m.ID).Order("role, id").Find(&as).Error; err != nil {
		return snap, translate(err, "snapshot assignments")
	}
	ids := make([]int64, 0, len(as))
	for _, a := range as {
		ids = append(ids, a.UnitID)
	}
	names := map[int64]string{}
	if len(ids) > 0 {
		var us []model.Unit
		if err := tx.Where("id IN ?", ids).Find(&us).Error; err != nil {
			return snap, translate(err, "snapshot units")
		}
		for _, u := range us {
			names[u.ID] = u.Name
		}
	}
	for _, a := range as {
		snap.Assignments = append(snap.Assignments, assignmentSnap{UnitID: a.UnitID, Unit: names[a.UnitID], Role: a.Role})
	}
	var ts []model.Target
	if err := tx.Where("measure_id = ?", m.ID).Order("position").Find(&ts).Error; err != nil {
		return snap, translate(err, "snapshot targets")
	}
	for _, t := range ts {
		snap.Targets = append(snap.Targets, targetSnap{ID: t.ID, Indicator: t.Indicator, Op: t.Op, Value: t.Value, Unit: t.Unit, Year: t.Year})
	}
	return snap, nil
}

// lockMeasure bumps a measure's version if it is still at version, so the
// rest of the transaction edits what the user saw. A missing measure is
// ErrNotFound, a changed one ErrConflict.
func lockMeasure(tx *gorm.DB, id int64, version int, now time.Time, extra map[string]any) (*model.Measure, error) {
	cols := map[string]any{"version": gorm.Expr("version + 1"), "updated_at": now}
	for k, v := range extra {
		cols[k] = v
	}
	res := tx.Model(&model.Measure{}).Where("id = ? AND version = ?", id, version).Updates(cols)
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

// UpdateMeasure applies an admin's edit of a measure: title, due date, lead
// and responsible units, and targets. Unassigning a unit that already has
// reports or prompts, or removing a target that has reported values, is
// refused with a validate.Error: those records would be deleted with it.
func (s *Store) UpdateMeasure(ctx context.Context, a Actor, id int64, version int, e MeasureEdit) error {
	now := s.clock.Now().UTC()
	return s.WithTx(ctx, func(ctx context.Context) error {
		tx := s.w(ctx)
		var before model.Measure
		if err := tx.First(&before, id).Error; err != nil {
			return translate(err, fmt.Sprintf("measure %d", id))
		}
		old, err := s.snapshotMeasure(tx, &before)
		if err != nil {
			return err
		}
		m, err := lockMeasure(tx, id, version, now, map[string]any{"title": e.Title, "due_on": clock.Date(e.DueOn)})
		if err != nil {
			return err
		}
		if err := s.setAssignments(tx, m.ID, e.LeadUnitID, e.ResponsibleUnitIDs, now); err != nil {
			return err
		}
		if err := setTargets(tx, m.ID, e.Targets); err != nil {
			return err
		}
		m.Title, m.DueOn = e.Title, clock.Date(e.DueOn)
		nu, err := s.snapshotMeasure(tx, m)
		if err != nil {
			return err
		}
		return s.Audit(ctx, a, AuditEntry{Action: "measure.update", ObjectType: "measure", ObjectID: id, Old: old, New: nu})
	})
}

// setAssignments makes the measure's assignments exactly lead + responsible.
func (s *Store) setAssignments(tx *gorm.DB, measureID, lead int64, responsible []int64, now time.Time) error {
	want := map[int64]string{}
	for _, u := range responsible {
		want[u] = model.AssignResponsible
	}
	if lead != 0 {
		want[lead] = model.AssignLead
	}
	if len(want) > 0 {
		ids := make([]int64, 0, len(want))
		for u := range want {
			ids = append(ids, u)
		}
		var n int64
		if err := tx.Model(&model.Unit{}).Where("id IN ?", ids).Count(&n).Error; err != nil {
			return translate(err, "check units")
		}
		if int(n) != len(ids) {
			return validate.Refuse(FieldUnits, "plans.err.unknown_unit")
		}
	}
	var have []model.Assignment
	if err := tx.Where("measure_id = ?", measureID).Order("id").Find(&have).Error; err != nil {
		return translate(err, "list assignments")
	}
	for _, as := range have {
		role, keep := want[as.UnitID]
		delete(want, as.UnitID)
		switch {
		case !keep:
			used, err := assignmentUsed(tx, as.ID)
			if err != nil {
				return err
			}
			if used {
				return validate.Refuse(FieldUnits, "plans.err.unit_has_reports", as.UnitID)
			}
			if err := tx.Delete(&model.Assignment{}, as.ID).Error; err != nil {
				return translate(err, "delete assignment")
			}
		case role != as.Role:
			if err := tx.Model(&model.Assignment{}).Where("id = ?", as.ID).Update("role", role).Error; err != nil {
				return translate(err, "change assignment role")
			}
		}
	}
	// New assignments in a stable order: lead first, then by unit ID.
	var add []model.Assignment
	for u, role := range want {
		add = append(add, model.Assignment{MeasureID: measureID, UnitID: u, Role: role, CreatedAt: now})
	}
	slices.SortFunc(add, func(x, y model.Assignment) int {
		if x.Role != y.Role {
			if x.Role == model.AssignLead {
				return -1
			}
			return 1
		}
		return int(x.UnitID - y.UnitID)
	})
	if len(add) > 0 {
		if err := tx.Create(&add).Error; err != nil {
			return translate(err, "create assignments")
		}
	}
	return nil
}

// assignmentUsed reports whether an assignment has reports or prompts, which
// deleting it would delete too.
func assignmentUsed(tx *gorm.DB, assignmentID int64) (bool, error) {
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

// setTargets makes the measure's targets exactly ts, in that order.
func setTargets(tx *gorm.DB, measureID int64, ts []TargetEdit) error {
	var have []model.Target
	if err := tx.Where("measure_id = ?", measureID).Find(&have).Error; err != nil {
		return translate(err, "list targets")
	}
	byID := map[int64]model.Target{}
	for _, t := range have {
		byID[t.ID] = t
	}
	kept := map[int64]bool{}
	for _, t := range ts {
		if t.ID == 0 {
			continue
		}
		if _, ok := byID[t.ID]; !ok {
			return validate.Refuse(FieldTargets, "plans.err.unknown_target", t.ID)
		}
		kept[t.ID] = true
	}
	for _, t := range have {
		if kept[t.ID] {
			continue
		}
		var n int64
		if err := tx.Model(&model.TargetValue{}).Where("target_id = ?", t.ID).Count(&n).Error; err != nil {
			return translate(err, "count target values")
		}
		if n > 0 {
			return validate.Refuse(FieldTargets, "plans.err.target_has_values", t.ID)
		}
		if err := tx.Delete(&model.Target{}, t.ID).Error; err != nil {
			return translate(err, "delete target")
		}
	}
	for i, t := range ts {
		row := model.Target{ID: t.ID, MeasureID: measureID, Position: i + 1, Text: t.Text, Indicator: t.Indicator,
			Op: t.Op, Value: t.Value, Unit: t.Unit, Year: t.Year}
		if t.ID == 0 {
			if err := tx.Create(&row).Error; err != nil {
				return translate(err, "create target")
			}
			continue
		}
		err := tx.Model(&model.Target{}).Where("id = ?", t.ID).Updates(map[string]any{
			"position": row.Position, "text": row.Text, "indicator": row.Indicator, "op": row.Op,
			"value": row.Value, "unit": row.Unit, "year": row.Year}).Error
		if err != nil {
			return translate(err, "update target")
		}
	}
	return nil
}

var numberedLabel = regexp.MustCompile(`^(\d+)[.．、]$`)

// AddMeasure appends a new measure to a domain of a plan, numbered after the
// domain's last measure, due at the plan's end. Its assignments and targets
// are set on the edit page that follows.
func (s *Store) AddMeasure(ctx context.Context, a Actor, planID, domainID int64, title string, dueOn time.Time) (*model.Measure, error) {
	now := s.clock.Now().UTC()
	var m model.Measure
	err := s.WithTx(ctx, func(ctx context.Context) error {
		tx := s.w(ctx)
		var p model.Plan
		if err := tx.First(&p, planID).Error; err != nil {
			return translate(err, fmt.Sprintf("plan %d", planID))
		}
		var d model.Domain
		if err := tx.Where("id = ? AND plan_id = ?", domainID, planID).First(&d).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return validate.Refuse(FieldDomain, "plans.err.unknown_domain")
			}
			return translate(err, "domain")
		}
		var siblings []model.Measure
		if err := tx.Where("domain_id = ?", d.ID).Order("position").Find(&siblings).Error; err != nil {
			return translate(err, "list measures")
		}
		// The new measure goes after the last measure of its domain, or of
		// the domains before it, so the plan order stays the document order.
		var after struct{ Pos int }
		q := tx.Model(&model.Measure{}).Select("COALESCE(MAX(measures.position), 0) AS pos").
			Joins("JOIN domains ON domains.id = measures.domain_id").
			Where("measures.plan_id = ? AND domains.position <= ?", planID, d.Position)
		if err := q.Scan(&after).Error; err != nil {
			return translate(err, "measure position")
		}
		pos := after.Pos + 1
		if err := tx.Model(&model.Measure{}).Where("plan_id = ? AND position >= ?", planID, pos).
			Update("position", gorm.Expr("position + 1")).Error; err != nil {
			return translate(err, "shift measures")
		}
		used := map[string]bool{}
		n := 0
		for _, x := range siblings {
			used[x.Label] = true
			if g := numberedLabel.FindStringSubmatch(x.Label); g != nil {
				if k, _ := strconv.Atoi(g[1]); k > n {
					n = k
				}
			}
		}
		n = max(n, len(siblings))
		label := ""
		for {
			n++
			label = strconv.Itoa(n) + "."
			if !used[label] {
				break
			}
		}
		if dueOn.IsZero() {
			dueOn = p.EndOn
		}
		m = model.Measure{PlanID: planID, DomainID: d.ID, Position: pos, Label: label, Title: title,
			DueOn: clock.Date(dueOn), Version: 1, CreatedAt: now, UpdatedAt: now}
		if err := tx.Create(&m).Error; err != nil {
			return translate(err, "create measure")
		}
		snap, err := s.snapshotMeasure(tx, &m)
		if err != nil {
			return err
		}
		return s.Audit(ctx, a, AuditEntry{Action: "measure.create", ObjectType: "measure", ObjectID: m.ID,
			New: map[string]any{"plan_id": planID, "domain": d.Label + d.Title, "measure": snap}})
	})
	if err != nil {
		return nil, err
	}
	return &m, nil
}

// DeleteMeasure deletes a measure with its targets and assignments. A
// measure that has reports or prompts is refused (a validate.Error on the form):
// the supervision record must not vanish with it.
func (s *Store) DeleteMeasure(ctx context.Context, a Actor, id int64, version int) error {
	return s.WithTx(ctx, func(ctx context.Context) error {
		tx := s.w(ctx)
		var m model.Measure
		if err := tx.First(&m, id).Error; err != nil {
			return translate(err, fmt.Sprintf("measure %d", id))
		}
		if m.Version != version {
			return fmt.Errorf("measure %d is at version %d, the form had %d: %w", id, m.Version, version, model.ErrConflict)
		}
		var as []model.Assignment
		if err := tx.Where("measure_id = ?", id).Find(&as).Error; err != nil {
			return translate(err, "list assignments")
		}
		for _, x := range as {
			used, err := assignmentUsed(tx, x.ID)
			if err != nil {
				return err
			}
			if used {
				return validate.Refuse(FieldForm, "plans.err.measure_has_reports")
			}
		}
		old, err := s.snapshotMeasure(tx, &m)
		if err != nil {
			return err
		}
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
		return s.Audit(ctx, a, AuditEntry{Action: "measure.delete", ObjectType: "measure", ObjectID: id,
			Old: map[string]any{"plan_id": m.PlanID, "domain_id": m.DomainID, "measure": old}})
	})
}

// PlanSettings are the plan-level values an admin may change.
type PlanSettings struct {
	Title     string
	Reporting string // periods.Quarterly or periods.Monthly
	DueDays   int
	StartOn   time.Time
	EndOn     time.Time
}

// PlanChange says what UpdatePlan did to the reporting periods.
type PlanChange struct {
	PeriodsRegenerated bool // the periods were cut anew
	DueDatesMoved      bool // same periods, new due dates
}

// planSnapshot is what the audit log records of a plan's settings.
type planSnapshot struct {
	Title     string   `json:"title"`
	Reporting string   `json:"reporting"`
	DueDays   int      `json:"due_days"`
	StartOn   string   `json:"start_on"`
	EndOn     string   `json:"end_on"`
	Version   int      `json:"version"`
	Periods   []string `json:"periods"`
}

func snapshotPlan(p *model.Plan, ps []model.Period) planSnapshot {
	snap := planSnapshot{Title: p.Title, Reporting: p.Reporting, DueDays: p.DueDays,
		StartOn: clock.Date(p.StartOn).Format(time.DateOnly), EndOn: clock.Date(p.EndOn).Format(time.DateOnly),
		Version: p.Version, Periods: []string{}}
	for _, x := range ps {
		snap.Periods = append(snap.Periods, x.Label+" "+clock.Date(x.StartsOn).Format(time.DateOnly)+"…"+
			clock.Date(x.EndsOn).Format(time.DateOnly)+" due "+clock.Date(x.DueOn).Format(time.DateOnly))
	}
	return snap
}

// UpdatePlan changes a plan's title and reporting settings. When the
// reporting cycle or the dates change, the periods are cut anew, which is
// only allowed while no report or prompt refers to them (a validate.Error on the
// form otherwise). A change of the due days alone keeps the periods and
// moves their due dates, which loses nothing.
func (s *Store) UpdatePlan(ctx context.Context, a Actor, id int64, version int, ps PlanSettings) (PlanChange, error) {
	var change PlanChange
	now := s.clock.Now().UTC()
	gen, err := periods.Generate(ps.StartOn, ps.EndOn, ps.Reporting, ps.DueDays)
	if err != nil {
		return change, fmt.Errorf("%w: %v", model.ErrInvalid, err)
	}
	err = s.WithTx(ctx, func(ctx context.Context) error {
		tx := s.w(ctx)
		var p model.Plan
		if err := tx.First(&p, id).Error; err != nil {
			return translate(err, fmt.Sprintf("plan %d", id))
		}
		var have []model.Period
		if err := tx.Where("plan_id = ?", id).Order("seq").Find(&have).Error; err != nil {
			return translate(err, "list periods")
		}
		old := snapshotPlan(&p, have)
		res := tx.Model(&model.Plan{}).Where("id = ? AND version = ?", id, version).Updates(map[string]any{
			"title": ps.Title, "reporting": ps.Reporting, "due_days": ps.DueDays,
			"start_on": clock.Date(ps.StartOn), "end_on": clock.Date(ps.EndOn),
			"version": gorm.Expr("version + 1"), "updated_at": now})
		if res.Error != nil {
			return translate(res.Error, "update plan")
		}
		if res.RowsAffected == 0 {
			return fmt.Errorf("plan %d is at version %d, the form had %d: %w", id, p.Version, version, model.ErrConflict)
		}
		samePeriods := len(have) == len(gen)
		for i := 0; samePeriods && i < len(gen); i++ {
			samePeriods = have[i].Label == gen[i].Label && clock.Date(have[i].StartsOn).Equal(gen[i].StartsOn) &&
				clock.Date(have[i].EndsOn).Equal(gen[i].EndsOn)
		}
		switch {
		case samePeriods:
			for i, g := range gen {
				if clock.Date(have[i].DueOn).Equal(g.DueOn) {
					continue
				}
				if err := tx.Model(&model.Period{}).Where("id = ?", have[i].ID).Update("due_on", g.DueOn).Error; err != nil {
					return translate(err, "move period due date")
				}
				change.DueDatesMoved = true
			}
		default:
			reports, prompts, err := planUsage(tx, id)
			if err != nil {
				return err
			}
			if reports > 0 || prompts > 0 {
				return validate.Refuse(FieldForm, "plans.err.periods_in_use")
			}
			if err := tx.Where("plan_id = ?", id).Delete(&model.Period{}).Error; err != nil {
				return translate(err, "delete periods")
			}
			rows := make([]model.Period, 0, len(gen))
			for _, g := range gen {
				rows = append(rows, model.Period{PlanID: id, Seq: g.Seq, Label: g.Label, StartsOn: g.StartsOn, EndsOn: g.EndsOn, DueOn: g.DueOn})
			}
			if len(rows) > 0 {
				if err := tx.Create(&rows).Error; err != nil {
					return translate(err, "create periods")
				}
			}
			change.PeriodsRegenerated = true
		}
		var after model.Plan
		if err := tx.First(&after, id).Error; err != nil {
			return translate(err, "reload plan")
		}
		var cur []model.Period
		if err := tx.Where("plan_id = ?", id).Order("seq").Find(&cur).Error; err != nil {
			return translate(err, "list periods")
		}
		return s.Audit(ctx, a, AuditEntry{Action: "plan.update", ObjectType: "plan", ObjectID: id, Old: old, New: snapshotPlan(&after, cur)})
	})
	return change, err
}

// planUsage counts the reports and prompts that refer to a plan's periods.
func planUsage(tx *gorm.DB, planID int64) (reports, prompts int64, err error) {
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

// PlanUsage counts the reports and prompts that refer to a plan's periods;
// while both are zero the periods may be cut anew.
func (s *Store) PlanUsage(ctx context.Context, planID int64) (reports, prompts int64, err error) {
	return planUsage(s.r(ctx), planID)
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
