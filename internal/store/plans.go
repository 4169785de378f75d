package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"duban/internal/clock"
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

// PlanByTitle finds a stored plan by title and issuer (how a re-imported
// document is recognised).
func (s *Store) PlanByTitle(ctx context.Context, title, issuer string) (*model.Plan, error) {
	var p model.Plan
	err := s.r(ctx).Omit("source_text").Where("title = ? AND issuer = ?", title, issuer).Order("id").First(&p).Error
	return &p, translate(err, fmt.Sprintf("plan %q", title))
}

// UpdatePlanSource records a revised document on the plan.
func (s *Store) UpdatePlanSource(ctx context.Context, id int64, title, issuer, issuedOn, text, sha, warnings string) error {
	err := s.w(ctx).Model(&model.Plan{}).Where("id = ?", id).Updates(map[string]any{
		"title": title, "issuer": issuer, "issued_on": issuedOn, "source_text": text, "source_sha256": sha,
		"warnings": warnings, "updated_at": s.clock.Now().UTC(), "version": gorm.Expr("version + 1"),
	}).Error
	return translate(err, "update plan source")
}
