package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"duban/internal/model"
)

// PlanByTitle finds a stored plan by title and issuer (how a re-imported
// document is recognised).
func (s *Store) PlanByTitle(ctx context.Context, title, issuer string) (*model.Plan, error) {
	var p model.Plan
	err := s.r(ctx).Omit("source_text").Where("title = ? AND issuer = ?", title, issuer).Order("id").First(&p).Error
	return &p, translate(err, fmt.Sprintf("plan %q", title))
}

// UnitByNameOnly finds a unit by its exact name (no alias lookup).
func (s *Store) UnitByNameOnly(ctx context.Context, name string) (*model.Unit, error) {
	q := s.r(ctx)
	var u model.Unit
	err := q.Where("name = ?", name).First(&u).Error
	return &u, translate(err, fmt.Sprintf("unit %q", name))
}

// UnitByAlias finds the unit an alias stands for,.
func (s *Store) UnitByAlias(ctx context.Context, alias string) (*model.Unit, error) {
	q := s.r(ctx)
	var al model.UnitAlias
	if err := q.Where("alias = ?", alias).First(&al).Error; err != nil {
		return nil, translate(err, fmt.Sprintf("alias %q", alias))
	}
	var u model.Unit
	err := q.First(&u, al.UnitID).Error
	return &u, translate(err, fmt.Sprintf("unit of alias %q", alias))
}

// GroupByName finds a unit group and its member unit IDs (in unit order),.
func (s *Store) GroupByName(ctx context.Context, name string) (*model.UnitGroup, []int64, error) {
	q := s.r(ctx)
	var g model.UnitGroup
	if err := q.Where("name = ?", name).First(&g).Error; err != nil {
		return nil, nil, translate(err, fmt.Sprintf("unit group %q", name))
	}
	var ids []int64
	err := q.Model(&model.UnitGroupMember{}).
		Joins("JOIN units ON units.id = unit_group_members.unit_id").
		Where("unit_group_members.group_id = ?", g.ID).Order("units.sort_order, units.id").
		Pluck("unit_group_members.unit_id", &ids).Error
	return &g, ids, translate(err, "unit group members")
}

// CreateDomain adds a domain to a plan.
func (s *Store) CreateDomain(ctx context.Context, d *model.Domain) error {
	return translate(s.w(ctx).Create(d).Error, "create domain")
}

// UpdateDomainText refreshes a domain's title, goal and source position.
func (s *Store) UpdateDomainText(ctx context.Context, id int64, title, goal string, start, end int) error {
	err := s.w(ctx).Model(&model.Domain{}).Where("id = ?", id).
		Updates(map[string]any{"title": title, "goal": goal, "source_start": start, "source_end": end}).Error
	return translate(err, "update domain")
}

// CreateMeasure adds one measure with its targets and assignments.
func (s *Store) CreateMeasure(ctx context.Context, nm *NewMeasure) error {
	tx := s.w(ctx)
	now := s.clock.Now().UTC()
	m := &nm.Measure
	m.CreatedAt, m.UpdatedAt, m.Version = now, now, 1
	if err := tx.Create(m).Error; err != nil {
		return translate(err, "create measure")
	}
	for i := range nm.Targets {
		nm.Targets[i].MeasureID, nm.Targets[i].Position = m.ID, i+1
	}
	if len(nm.Targets) > 0 {
		if err := tx.Create(&nm.Targets).Error; err != nil {
			return translate(err, "create targets")
		}
	}
	for _, a := range nm.Assignments {
		row := model.Assignment{MeasureID: m.ID, UnitID: a.UnitID, Role: a.Role, CreatedAt: now}
		if err := tx.Create(&row).Error; err != nil {
			return translate(err, "create assignment")
		}
	}
	return nil
}

// UpdateMeasureSource refreshes a measure's text from a revised document.
func (s *Store) UpdateMeasureSource(ctx context.Context, id int64, pos int, title, text string, start, end int) error {
	err := s.w(ctx).Model(&model.Measure{}).Where("id = ?", id).Updates(map[string]any{
		"position": pos, "title": title, "source_text": text, "source_start": start, "source_end": end,
		"updated_at": s.clock.Now().UTC(), "version": gorm.Expr("version + 1"),
	}).Error
	return translate(err, "update measure")
}

// UpdateMeasureDue sets a measure's deadline as a revised document gives
// it: the due date, the phrase it came from and whether the work is ongoing.
func (s *Store) UpdateMeasureDue(ctx context.Context, id int64, due time.Time, note string, ongoing bool) error {
	err := s.w(ctx).Model(&model.Measure{}).Where("id = ?", id).Updates(map[string]any{
		"due_on": due, "due_note": note, "ongoing": ongoing, "updated_at": s.clock.Now().UTC(),
	}).Error
	return translate(err, "update measure deadline")
}

// UpdateMeasurePosition moves a measure in the plan's order.
func (s *Store) UpdateMeasurePosition(ctx context.Context, id int64, pos int) error {
	return translate(s.w(ctx).Model(&model.Measure{}).Where("id = ?", id).Update("position", pos).Error, "move measure")
}

// SaveTarget inserts or updates a target.
func (s *Store) SaveTarget(ctx context.Context, t *model.Target) error {
	return translate(s.w(ctx).Save(t).Error, "save target")
}

// DeleteTargetIfUnreported deletes a target unless values were reported
// for it; a kept target moves to position pos.
func (s *Store) DeleteTargetIfUnreported(ctx context.Context, id int64, pos int) error {
	var n int64
	if err := s.w(ctx).Model(&model.TargetValue{}).Where("target_id = ?", id).Count(&n).Error; err != nil {
		return translate(err, "count target values")
	}
	if n > 0 {
		return translate(s.w(ctx).Model(&model.Target{}).Where("id = ?", id).Update("position", pos).Error, "keep target")
	}
	return translate(s.w(ctx).Delete(&model.Target{}, id).Error, "delete target")
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

// DeleteMeasureIfUnreported deletes a measure unless any of its
// assignments has a report or a prompt; it tells whether it deleted.
func (s *Store) DeleteMeasureIfUnreported(ctx context.Context, id int64) (bool, error) {
	var n int64
	err := s.w(ctx).Model(&model.Report{}).
		Joins("JOIN assignments ON assignments.id = reports.assignment_id").
		Where("assignments.measure_id = ?", id).Count(&n).Error
	if err != nil {
		return false, translate(err, "count reports")
	}
	if n > 0 {
		return false, nil
	}
	err = s.w(ctx).Model(&model.Prompt{}).
		Joins("JOIN assignments ON assignments.id = prompts.assignment_id").
		Where("assignments.measure_id = ?", id).Count(&n).Error
	if err != nil {
		return false, translate(err, "count prompts")
	}
	if n > 0 {
		return false, nil
	}
	res := s.w(ctx).Delete(&model.Measure{}, id)
	if res.Error != nil {
		return false, translate(res.Error, "delete measure")
	}
	if res.RowsAffected == 0 {
		return false, errors.Join(model.ErrNotFound)
	}
	return true, nil
}

// UpdatePlanSource records a revised document on the plan.
func (s *Store) UpdatePlanSource(ctx context.Context, id int64, title, issuer, issuedOn, text, sha, warnings string) error {
	err := s.w(ctx).Model(&model.Plan{}).Where("id = ?", id).Updates(map[string]any{
		"title": title, "issuer": issuer, "issued_on": issuedOn, "source_text": text, "source_sha256": sha,
		"warnings": warnings, "updated_at": s.clock.Now().UTC(), "version": gorm.Expr("version + 1"),
	}).Error
	return translate(err, "update plan source")
}
