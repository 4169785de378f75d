package store

import (
	"context"
	"fmt"

	"duban/internal/model"
	"duban/internal/periods"
)

// NewPlan is a whole plan breakdown to store at once.
type NewPlan struct {
	Plan    model.Plan
	Domains []NewDomain
}

// NewDomain is a domain with its measures.
type NewDomain struct {
	Domain   model.Domain
	Measures []NewMeasure
}

// NewMeasure is a measure with its targets and assignments.
type NewMeasure struct {
	Measure     model.Measure
	Targets     []model.Target
	Assignments []NewAssignment
}

// NewAssignment assigns a measure to a unit as lead or responsible.
type NewAssignment struct {
	UnitID int64
	Role   string
}

// CreatePlan stores a plan with its domains, measures, targets, assignments
// and reporting periods, filling in the IDs. Call it inside WithTx.
func (s *Store) CreatePlan(ctx context.Context, np *NewPlan) error {
	tx := s.w(ctx)
	now := s.clock.Now().UTC()
	p := &np.Plan
	p.CreatedAt, p.UpdatedAt = now, now
	if p.Reporting == "" {
		p.Reporting = periods.Quarterly
	}
	if p.DueDays == 0 {
		p.DueDays = 5
	}
	if p.Warnings == "" {
		p.Warnings = "[]"
	}
	if p.Version == 0 {
		p.Version = 1
	}
	if err := tx.Create(p).Error; err != nil {
		return translate(err, "create plan")
	}
	pos := 0
	for di := range np.Domains {
		nd := &np.Domains[di]
		nd.Domain.PlanID = p.ID
		nd.Domain.Position = di + 1
		if err := tx.Create(&nd.Domain).Error; err != nil {
			return translate(err, fmt.Sprintf("create domain %s", nd.Domain.Label))
		}
		for mi := range nd.Measures {
			nm := &nd.Measures[mi]
			pos++
			m := &nm.Measure
			m.PlanID, m.DomainID, m.Position = p.ID, nd.Domain.ID, pos
			m.CreatedAt, m.UpdatedAt = now, now
			if m.DueOn.IsZero() {
				m.DueOn = p.EndOn
			}
			if m.Version == 0 {
				m.Version = 1
			}
			if err := tx.Create(m).Error; err != nil {
				return translate(err, fmt.Sprintf("create measure %s", m.Label))
			}
			for ti := range nm.Targets {
				nm.Targets[ti].MeasureID = m.ID
				nm.Targets[ti].Position = ti + 1
			}
			if len(nm.Targets) > 0 {
				if err := tx.Create(&nm.Targets).Error; err != nil {
					return translate(err, "create targets")
				}
			}
			if len(nm.Assignments) > 0 {
				as := make([]model.Assignment, 0, len(nm.Assignments))
				for _, a := range nm.Assignments {
					as = append(as, model.Assignment{MeasureID: m.ID, UnitID: a.UnitID, Role: a.Role, CreatedAt: now})
				}
				if err := tx.Create(&as).Error; err != nil {
					return translate(err, fmt.Sprintf("create assignments of %s", m.Label))
				}
			}
		}
	}
	ps, err := periods.Generate(p.StartOn, p.EndOn, p.Reporting, p.DueDays)
	if err != nil {
		return err
	}
	rows := make([]model.Period, 0, len(ps))
	for _, x := range ps {
		rows = append(rows, model.Period{PlanID: p.ID, Seq: x.Seq, Label: x.Label, StartsOn: x.StartsOn, EndsOn: x.EndsOn, DueOn: x.DueOn})
	}
	if len(rows) > 0 {
		if err := tx.Create(&rows).Error; err != nil {
			return translate(err, "create periods")
		}
	}
	return nil
}

// CountPlans counts imported plans.
func (s *Store) CountPlans(ctx context.Context) (int64, error) {
	var n int64
	err := s.r(ctx).Model(&model.Plan{}).Count(&n).Error
	return n, translate(err, "count plans")
}

// PlanByID loads a plan.
func (s *Store) PlanByID(ctx context.Context, id int64) (*model.Plan, error) {
	var p model.Plan
	err := s.r(ctx).First(&p, id).Error
	return &p, translate(err, fmt.Sprintf("plan %d", id))
}

// ListPlans returns every plan, newest first, without the source text.
func (s *Store) ListPlans(ctx context.Context) ([]model.Plan, error) {
	var ps []model.Plan
	err := s.r(ctx).Omit("source_text").Order("id DESC").Find(&ps).Error
	return ps, translate(err, "list plans")
}

// DomainsOf returns a plan's domains in order.
func (s *Store) DomainsOf(ctx context.Context, planID int64) ([]model.Domain, error) {
	var ds []model.Domain
	err := s.r(ctx).Where("plan_id = ?", planID).Order("position").Find(&ds).Error
	return ds, translate(err, "list domains")
}

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

// TargetsOfPlan returns every target of a plan's measures, in order.
func (s *Store) TargetsOfPlan(ctx context.Context, planID int64) ([]model.Target, error) {
	var ts []model.Target
	err := s.r(ctx).Joins("JOIN measures ON measures.id = targets.measure_id").
		Where("measures.plan_id = ?", planID).Order("measures.position, targets.position").Find(&ts).Error
	return ts, translate(err, "list targets")
}

// TargetsOf returns a measure's targets.
func (s *Store) TargetsOf(ctx context.Context, measureID int64) ([]model.Target, error) {
	var ts []model.Target
	err := s.r(ctx).Where("measure_id = ?", measureID).Order("position").Find(&ts).Error
	return ts, translate(err, "list targets")
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

// PeriodsOf returns a plan's reporting periods in order.
func (s *Store) PeriodsOf(ctx context.Context, planID int64) ([]model.Period, error) {
	var ps []model.Period
	err := s.r(ctx).Where("plan_id = ?", planID).Order("seq").Find(&ps).Error
	return ps, translate(err, "list periods")
}

// UnitsByID loads the units with the given IDs, keyed by ID.
func (s *Store) UnitsByID(ctx context.Context, ids []int64) (map[int64]model.Unit, error) {
	out := map[int64]model.Unit{}
	if len(ids) == 0 {
		return out, nil
	}
	var us []model.Unit
	if err := s.r(ctx).Where("id IN ?", ids).Find(&us).Error; err != nil {
		return nil, translate(err, "load units")
	}
	for _, u := range us {
		out[u.ID] = u
	}
	return out, nil
}
