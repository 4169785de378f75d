package planadmin

// Editing a stored plan's breakdown (立项/分解) after the import: measures,
// their targets and assignments, and the plan's reporting settings. Every
// change is audited in its own transaction with the old and new values;
// a change that would delete supervision records (reports, prompts,
// reported values) is refused with a validate.Error.

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"time"

	"duban/internal/clock"
	"duban/internal/model"
	"duban/internal/periods"
	"duban/internal/store"
	"duban/internal/validate"
)

// Field names of the refusals of a plan edit: a refusal that can only be
// found with the database (a unit that has reports cannot be unassigned, a
// target with reported values cannot be removed, …) is a validate.Error
// with one message under one of these fields; its first argument, when
// there is one, is the ID of the unit or target it is about.
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

func (s *Service) snapshotMeasure(ctx context.Context, m *model.Measure) (measureSnapshot, error) {
	snap := measureSnapshot{Label: m.Label, Title: m.Title, DueOn: clock.Date(m.DueOn).Format(time.DateOnly), Version: m.Version,
		Assignments: []assignmentSnap{}, Targets: []targetSnap{}}
	as, err := s.st.AssignmentsOf(ctx, m.ID)
	if err != nil {
		return snap, err
	}
	ids := make([]int64, 0, len(as))
	for _, a := range as {
		ids = append(ids, a.UnitID)
	}
	units, err := s.st.UnitsByID(ctx, ids)
	if err != nil {
		return snap, err
	}
	for _, a := range as {
		snap.Assignments = append(snap.Assignments, assignmentSnap{UnitID: a.UnitID, Unit: units[a.UnitID].Name, Role: a.Role})
	}
	ts, err := s.st.TargetsOf(ctx, m.ID)
	if err != nil {
		return snap, err
	}
	for _, t := range ts {
		snap.Targets = append(snap.Targets, targetSnap{ID: t.ID, Indicator: t.Indicator, Op: t.Op, Value: t.Value, Unit: t.Unit, Year: t.Year})
	}
	return snap, nil
}

// UpdateMeasure applies an admin's edit of a measure: title, due date, lead
// and responsible units, and targets. Unassigning a unit that already has
// reports or prompts, or removing a target that has reported values, is
// refused with a validate.Error: those records would be deleted with it.
func (s *Service) UpdateMeasure(ctx context.Context, a store.Actor, id int64, version int, e MeasureEdit) error {
	return s.st.WithTx(ctx, func(ctx context.Context) error {
		before, err := s.st.MeasureByID(ctx, id)
		if err != nil {
			return err
		}
		old, err := s.snapshotMeasure(ctx, before)
		if err != nil {
			return err
		}
		m, err := s.st.UpdateMeasureIfVersion(ctx, id, version, e.Title, e.DueOn)
		if err != nil {
			return err
		}
		if err := s.setAssignments(ctx, m.ID, e.LeadUnitID, e.ResponsibleUnitIDs); err != nil {
			return err
		}
		if err := s.setTargets(ctx, m.ID, e.Targets); err != nil {
			return err
		}
		nu, err := s.snapshotMeasure(ctx, m)
		if err != nil {
			return err
		}
		return s.st.Audit(ctx, a, store.AuditEntry{Action: "measure.update", ObjectType: "measure", ObjectID: id, Old: old, New: nu})
	})
}

// setAssignments makes the measure's assignments exactly lead + responsible.
func (s *Service) setAssignments(ctx context.Context, measureID, lead int64, responsible []int64) error {
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
		n, err := s.st.CountUnits(ctx, ids)
		if err != nil {
			return err
		}
		if int(n) != len(ids) {
			return validate.Refuse(FieldUnits, "plans.err.unknown_unit")
		}
	}
	have, err := s.st.AssignmentsOf(ctx, measureID)
	if err != nil {
		return err
	}
	slices.SortFunc(have, func(x, y model.Assignment) int { return int(x.ID - y.ID) })
	for _, as := range have {
		role, keep := want[as.UnitID]
		delete(want, as.UnitID)
		switch {
		case !keep:
			used, err := s.st.AssignmentUsed(ctx, as.ID)
			if err != nil {
				return err
			}
			if used {
				return validate.Refuse(FieldUnits, "plans.err.unit_has_reports", as.UnitID)
			}
			if err := s.st.DeleteAssignment(ctx, as.ID); err != nil {
				return err
			}
		case role != as.Role:
			if err := s.st.SetAssignmentRole(ctx, as.ID, role); err != nil {
				return err
			}
		}
	}
	// New assignments in a stable order: lead first, then by unit ID.
	now := s.st.Clock().Now().UTC()
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
	if len(add) == 0 {
		return nil
	}
	return s.st.CreateAssignments(ctx, add)
}

// setTargets makes the measure's targets exactly ts, in that order.
func (s *Service) setTargets(ctx context.Context, measureID int64, ts []TargetEdit) error {
	have, err := s.st.TargetsOf(ctx, measureID)
	if err != nil {
		return err
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
		n, err := s.st.CountTargetValues(ctx, t.ID)
		if err != nil {
			return err
		}
		if n > 0 {
			return validate.Refuse(FieldTargets, "plans.err.target_has_values", t.ID)
		}
		if err := s.st.DeleteTarget(ctx, t.ID); err != nil {
			return err
		}
	}
	for i, t := range ts {
		row := model.Target{ID: t.ID, MeasureID: measureID, Position: i + 1, Text: t.Text, Indicator: t.Indicator,
			Op: t.Op, Value: t.Value, Unit: t.Unit, Year: t.Year}
		if err := s.st.SaveTarget(ctx, &row); err != nil {
			return err
		}
	}
	return nil
}

var numberedLabel = regexp.MustCompile(`^(\d+)[.．、]$`)

// nextLabel numbers a new measure after its siblings' labels (1. 2. …),
// skipping labels already in use.
func nextLabel(siblings []model.Measure) string {
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
	for {
		n++
		if label := strconv.Itoa(n) + "."; !used[label] {
			return label
		}
	}
}

// AddMeasure appends a new measure to a domain of a plan, numbered after the
// domain's last measure, due at the plan's end. Its assignments and targets
// are set on the edit page that follows.
func (s *Service) AddMeasure(ctx context.Context, a store.Actor, planID, domainID int64, title string, dueOn time.Time) (*model.Measure, error) {
	var m *model.Measure
	err := s.st.WithTx(ctx, func(ctx context.Context) error {
		p, err := s.st.PlanByID(ctx, planID)
		if err != nil {
			return err
		}
		d, err := s.st.DomainOfPlan(ctx, planID, domainID)
		if errors.Is(err, model.ErrNotFound) {
			return validate.Refuse(FieldDomain, "plans.err.unknown_domain")
		}
		if err != nil {
			return err
		}
		siblings, err := s.st.MeasuresOfDomain(ctx, d.ID)
		if err != nil {
			return err
		}
		// The new measure goes after the last measure of its domain, or of
		// the domains before it, so the plan order stays the document order.
		last, err := s.st.LastMeasurePosition(ctx, planID, d.Position)
		if err != nil {
			return err
		}
		pos := last + 1
		if err := s.st.ShiftMeasures(ctx, planID, pos); err != nil {
			return err
		}
		if dueOn.IsZero() {
			dueOn = p.EndOn
		}
		nm := &store.NewMeasure{Measure: model.Measure{PlanID: planID, DomainID: d.ID, Position: pos, Label: nextLabel(siblings),
			Title: title, DueOn: clock.Date(dueOn)}}
		if err := s.st.CreateMeasure(ctx, nm); err != nil {
			return err
		}
		m = &nm.Measure
		snap, err := s.snapshotMeasure(ctx, m)
		if err != nil {
			return err
		}
		return s.st.Audit(ctx, a, store.AuditEntry{Action: "measure.create", ObjectType: "measure", ObjectID: m.ID,
			New: map[string]any{"plan_id": planID, "domain": d.Label + d.Title, "measure": snap}})
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// DeleteMeasure deletes a measure with its targets and assignments. A
// measure that has reports or prompts is refused (a validate.Error on the form):
// the supervision record must not vanish with it.
func (s *Service) DeleteMeasure(ctx context.Context, a store.Actor, id int64, version int) error {
	return s.st.WithTx(ctx, func(ctx context.Context) error {
		m, err := s.st.MeasureByID(ctx, id)
		if err != nil {
			return err
		}
		if m.Version != version {
			return fmt.Errorf("measure %d is at version %d, the form had %d: %w", id, m.Version, version, model.ErrConflict)
		}
		as, err := s.st.AssignmentsOf(ctx, id)
		if err != nil {
			return err
		}
		for _, x := range as {
			used, err := s.st.AssignmentUsed(ctx, x.ID)
			if err != nil {
				return err
			}
			if used {
				return validate.Refuse(FieldForm, "plans.err.measure_has_reports")
			}
		}
		old, err := s.snapshotMeasure(ctx, m)
		if err != nil {
			return err
		}
		if err := s.st.DeleteMeasureIfVersion(ctx, id, version); err != nil {
			return err
		}
		return s.st.Audit(ctx, a, store.AuditEntry{Action: "measure.delete", ObjectType: "measure", ObjectID: id,
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

// samePeriods tells whether the generated periods are the stored ones
// (labels and dates; due dates aside).
func samePeriods(have []model.Period, gen []periods.Period) bool {
	if len(have) != len(gen) {
		return false
	}
	for i := range gen {
		if have[i].Label != gen[i].Label || !clock.Date(have[i].StartsOn).Equal(gen[i].StartsOn) ||
			!clock.Date(have[i].EndsOn).Equal(gen[i].EndsOn) {
			return false
		}
	}
	return true
}

// UpdatePlan changes a plan's title and reporting settings. When the
// reporting cycle or the dates change, the periods are cut anew, which is
// only allowed while no report or prompt refers to them (a validate.Error on the
// form otherwise). A change of the due days alone keeps the periods and
// moves their due dates, which loses nothing.
func (s *Service) UpdatePlan(ctx context.Context, a store.Actor, id int64, version int, ps PlanSettings) (PlanChange, error) {
	var change PlanChange
	gen, err := periods.Generate(ps.StartOn, ps.EndOn, ps.Reporting, ps.DueDays)
	if err != nil {
		return change, fmt.Errorf("%w: %v", model.ErrInvalid, err)
	}
	err = s.st.WithTx(ctx, func(ctx context.Context) error {
		p, err := s.st.PlanByID(ctx, id)
		if err != nil {
			return err
		}
		have, err := s.st.PeriodsOf(ctx, id)
		if err != nil {
			return err
		}
		old := snapshotPlan(p, have)
		if err := s.st.UpdatePlanIfVersion(ctx, id, version, ps.Title, ps.Reporting, ps.DueDays, ps.StartOn, ps.EndOn); err != nil {
			if errors.Is(err, model.ErrConflict) {
				return fmt.Errorf("plan %d is at version %d, the form had %d: %w", id, p.Version, version, model.ErrConflict)
			}
			return err
		}
		if samePeriods(have, gen) {
			for i, g := range gen {
				if clock.Date(have[i].DueOn).Equal(g.DueOn) {
					continue
				}
				if err := s.st.SetPeriodDue(ctx, have[i].ID, g.DueOn); err != nil {
					return err
				}
				change.DueDatesMoved = true
			}
		} else {
			reports, prompts, err := s.st.PlanUsage(ctx, id)
			if err != nil {
				return err
			}
			if reports > 0 || prompts > 0 {
				return validate.Refuse(FieldForm, "plans.err.periods_in_use")
			}
			rows := make([]model.Period, 0, len(gen))
			for _, g := range gen {
				rows = append(rows, model.Period{PlanID: id, Seq: g.Seq, Label: g.Label, StartsOn: g.StartsOn, EndsOn: g.EndsOn, DueOn: g.DueOn})
			}
			if err := s.st.ReplacePeriods(ctx, id, rows); err != nil {
				return err
			}
			change.PeriodsRegenerated = true
		}
		after, err := s.st.PlanByID(ctx, id)
		if err != nil {
			return err
		}
		cur, err := s.st.PeriodsOf(ctx, id)
		if err != nil {
			return err
		}
		return s.st.Audit(ctx, a, store.AuditEntry{Action: "plan.update", ObjectType: "plan", ObjectID: id, Old: old, New: snapshotPlan(after, cur)})
	})
	return change, err
}
