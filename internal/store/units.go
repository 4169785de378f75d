package store

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"duban/internal/model"
)

// UnitByID loads a unit.
func (s *Store) UnitByID(ctx context.Context, id int64) (*model.Unit, error) {
	var u model.Unit
	err := s.r(ctx).First(&u, id).Error
	return &u, translate(err, fmt.Sprintf("unit %d", id))
}

// UnitByName finds a unit by name or alias.
func (s *Store) UnitByName(ctx context.Context, name string) (*model.Unit, error) {
	var u model.Unit
	err := s.r(ctx).Where("name = ?", name).First(&u).Error
	if err == nil {
		return &u, nil
	}
	var al model.UnitAlias
	if err := s.r(ctx).Where("alias = ?", name).First(&al).Error; err != nil {
		return nil, translate(err, fmt.Sprintf("unit %q", name))
	}
	err = s.r(ctx).First(&u, al.UnitID).Error
	return &u, translate(err, fmt.Sprintf("unit %q", name))
}

// UnitRow is a unit with what hangs on it, for lists.
type UnitRow struct {
	model.Unit
	UserCount       int64
	AssignmentCount int64
}

// UnitFilter selects units; zero fields do not filter.
type UnitFilter struct {
	Q           string // part of the name or of an alias
	Kind        string
	Unconfirmed bool // only units the importer created and no admin confirmed yet
}

// ListUnits returns the units matching f in display order.
func (s *Store) ListUnits(ctx context.Context, f UnitFilter) ([]UnitRow, error) {
	q := s.r(ctx).Table("units").Select(`units.*,
		(SELECT COUNT(*) FROM users WHERE users.unit_id = units.id) AS user_count,
		(SELECT COUNT(*) FROM assignments WHERE assignments.unit_id = units.id) AS assignment_count`)
	if f.Q != "" {
		pat := likePattern(f.Q)
		q = q.Where(`(units.name LIKE ? ESCAPE '\' OR units.id IN (SELECT unit_id FROM unit_aliases WHERE alias LIKE ? ESCAPE '\'))`, pat, pat)
	}
	if f.Kind != "" {
		q = q.Where("units.kind = ?", f.Kind)
	}
	if f.Unconfirmed {
		q = q.Where("units.confirmed = ?", false)
	}
	var out []UnitRow
	err := q.Order("units.sort_order, units.name").Scan(&out).Error
	return out, translate(err, "list units")
}

// AllUnits returns every unit in display order, for choosers.
func (s *Store) AllUnits(ctx context.Context) ([]model.Unit, error) {
	var out []model.Unit
	err := s.r(ctx).Order("sort_order, name").Find(&out).Error
	return out, translate(err, "all units")
}

// CountUnconfirmedUnits counts units waiting for an admin to confirm or
// merge them.
func (s *Store) CountUnconfirmedUnits(ctx context.Context) (int64, error) {
	var n int64
	err := s.r(ctx).Model(&model.Unit{}).Where("confirmed = ?", false).Count(&n).Error
	return n, translate(err, "count unconfirmed units")
}

// UnitAliases lists a unit's other names.
func (s *Store) UnitAliases(ctx context.Context, unitID int64) ([]model.UnitAlias, error) {
	var out []model.UnitAlias
	err := s.r(ctx).Where("unit_id = ?", unitID).Order("alias").Find(&out).Error
	return out, translate(err, "unit aliases")
}

// ErrNameTaken means a unit name or alias is already some unit's name or
// alias: names must lead to one unit.
var ErrNameTaken = fmt.Errorf("the name is already a unit's name or alias: %w", model.ErrConflict)

// nameFree fails with ErrNameTaken when name is a unit name (other than
// exceptUnit's) or an alias.
func nameFree(tx *gorm.DB, name string, exceptUnit int64) error {
	var n int64
	if err := tx.Model(&model.Unit{}).Where("name = ? AND id <> ?", name, exceptUnit).Count(&n).Error; err != nil {
		return translate(err, "check unit name")
	}
	if n == 0 {
		if err := tx.Model(&model.UnitAlias{}).Where("alias = ?", name).Count(&n).Error; err != nil {
			return translate(err, "check unit alias")
		}
	}
	if n > 0 {
		return ErrNameTaken
	}
	return nil
}

// UnitChange is what an administrator sets on a unit.
type UnitChange struct {
	Name      string
	Kind      string
	SortOrder int
	Confirmed bool
}

func unitAudit(u *model.Unit) map[string]any {
	return map[string]any{"name": u.Name, "kind": u.Kind, "sort_order": u.SortOrder, "confirmed": u.Confirmed}
}

// CreateUnit adds a unit, audited.
func (s *Store) CreateUnit(ctx context.Context, a Actor, ch UnitChange) (*model.Unit, error) {
	now := s.clock.Now().UTC()
	u := &model.Unit{Name: ch.Name, Kind: ch.Kind, SortOrder: ch.SortOrder, Confirmed: ch.Confirmed, CreatedAt: now, UpdatedAt: now}
	err := s.WithTx(ctx, func(ctx context.Context) error {
		tx := s.w(ctx)
		if err := nameFree(tx, ch.Name, 0); err != nil {
			return err
		}
		if err := tx.Create(u).Error; err != nil {
			return translate(err, "create unit")
		}
		return s.Audit(ctx, a, AuditEntry{Action: "unit.create", ObjectType: "unit", ObjectID: u.ID, New: unitAudit(u)})
	})
	return u, err
}

// UpdateUnit changes a unit, audited with old and new values.
func (s *Store) UpdateUnit(ctx context.Context, a Actor, id int64, ch UnitChange) error {
	return s.WithTx(ctx, func(ctx context.Context) error {
		tx := s.w(ctx)
		var u model.Unit
		if err := tx.First(&u, id).Error; err != nil {
			return translate(err, fmt.Sprintf("unit %d", id))
		}
		old := unitAudit(&u)
		if err := nameFree(tx, ch.Name, id); err != nil {
			return err
		}
		u.Name, u.Kind, u.SortOrder, u.Confirmed, u.UpdatedAt = ch.Name, ch.Kind, ch.SortOrder, ch.Confirmed, s.clock.Now().UTC()
		if err := tx.Model(&model.Unit{}).Where("id = ?", id).Updates(map[string]any{
			"name": u.Name, "kind": u.Kind, "sort_order": u.SortOrder, "confirmed": u.Confirmed, "updated_at": u.UpdatedAt,
		}).Error; err != nil {
			return translate(err, "update unit")
		}
		return s.Audit(ctx, a, AuditEntry{Action: "unit.update", ObjectType: "unit", ObjectID: id, Old: old, New: unitAudit(&u)})
	})
}

// ConfirmUnit marks a unit the importer created as a real one.
func (s *Store) ConfirmUnit(ctx context.Context, a Actor, id int64) error {
	return s.WithTx(ctx, func(ctx context.Context) error {
		tx := s.w(ctx)
		res := tx.Model(&model.Unit{}).Where("id = ?", id).Updates(map[string]any{"confirmed": true, "updated_at": s.clock.Now().UTC()})
		if res.Error != nil {
			return translate(res.Error, "confirm unit")
		}
		if res.RowsAffected == 0 {
			return fmt.Errorf("confirm unit %d: %w", id, model.ErrNotFound)
		}
		return s.Audit(ctx, a, AuditEntry{Action: "unit.confirm", ObjectType: "unit", ObjectID: id})
	})
}

// AddAlias gives a unit another name, audited.
func (s *Store) AddAlias(ctx context.Context, a Actor, unitID int64, alias string) error {
	return s.WithTx(ctx, func(ctx context.Context) error {
		tx := s.w(ctx)
		var u model.Unit
		if err := tx.First(&u, unitID).Error; err != nil {
			return translate(err, fmt.Sprintf("unit %d", unitID))
		}
		if err := nameFree(tx, alias, 0); err != nil {
			return err
		}
		al := model.UnitAlias{UnitID: unitID, Alias: alias, CreatedAt: s.clock.Now().UTC()}
		if err := tx.Create(&al).Error; err != nil {
			return translate(err, "add alias")
		}
		return s.Audit(ctx, a, AuditEntry{Action: "unit.alias_add", ObjectType: "unit", ObjectID: unitID,
			New: map[string]any{"alias": alias}})
	})
}

// DeleteAlias removes one of a unit's aliases, audited.
func (s *Store) DeleteAlias(ctx context.Context, a Actor, unitID, aliasID int64) error {
	return s.WithTx(ctx, func(ctx context.Context) error {
		tx := s.w(ctx)
		var al model.UnitAlias
		if err := tx.Where("id = ? AND unit_id = ?", aliasID, unitID).First(&al).Error; err != nil {
			return translate(err, fmt.Sprintf("alias %d of unit %d", aliasID, unitID))
		}
		if err := tx.Delete(&al).Error; err != nil {
			return translate(err, "delete alias")
		}
		return s.Audit(ctx, a, AuditEntry{Action: "unit.alias_delete", ObjectType: "unit", ObjectID: unitID,
			Old: map[string]any{"alias": al.Alias}})
	})
}

// ErrMergeReports refuses a merge in which both units have an assignment to
// the same measure and the merged one already has reports on it: the
// reports would have to be combined by hand.
var ErrMergeReports = fmt.Errorf("both units are assigned the same measure and the merged unit has reports on it: %w", model.ErrConflict)

// MergeUnit folds unit src into dst: its assignments, prompts, users, group
// memberships and aliases move to dst, its name becomes an alias of dst, and
// src is deleted, all in one audited transaction. Where both units are
// assigned the same measure, dst's assignment is kept (taking the lead role
// if src had it) and src's is dropped, unless src has reports on it.
func (s *Store) MergeUnit(ctx context.Context, a Actor, srcID, dstID int64) error {
	if srcID == dstID {
		return fmt.Errorf("merge unit %d into itself: %w", srcID, model.ErrInvalid)
	}
	return s.WithTx(ctx, func(ctx context.Context) error {
		tx := s.w(ctx)
		var src, dst model.Unit
		if err := tx.First(&src, srcID).Error; err != nil {
			return translate(err, fmt.Sprintf("unit %d", srcID))
		}
		if err := tx.First(&dst, dstID).Error; err != nil {
			return translate(err, fmt.Sprintf("unit %d", dstID))
		}
		var assignments []model.Assignment
		if err := tx.Where("unit_id = ?", srcID).Find(&assignments).Error; err != nil {
			return translate(err, "merge: assignments")
		}
		moved, dropped := 0, 0
		for _, as := range assignments {
			var other model.Assignment
			err := tx.Where("measure_id = ? AND unit_id = ?", as.MeasureID, dstID).Limit(1).Find(&other).Error
			if err != nil {
				return translate(err, "merge: assignments")
			}
			if other.ID == 0 {
				if err := tx.Model(&model.Assignment{}).Where("id = ?", as.ID).Update("unit_id", dstID).Error; err != nil {
					return translate(err, "merge: move assignment")
				}
				moved++
				continue
			}
			var reports int64
			if err := tx.Model(&model.Report{}).Where("assignment_id = ?", as.ID).Count(&reports).Error; err != nil {
				return translate(err, "merge: reports")
			}
			if reports > 0 {
				return ErrMergeReports
			}
			if as.Role == model.AssignLead && other.Role != model.AssignLead {
				if err := tx.Model(&model.Assignment{}).Where("id = ?", other.ID).Update("role", model.AssignLead).Error; err != nil {
					return translate(err, "merge: lead role")
				}
			}
			if err := tx.Model(&model.Prompt{}).Where("assignment_id = ?", as.ID).Update("assignment_id", other.ID).Error; err != nil {
				return translate(err, "merge: prompts")
			}
			if err := tx.Delete(&model.Assignment{}, as.ID).Error; err != nil {
				return translate(err, "merge: drop assignment")
			}
			dropped++
		}
		for _, m := range []struct {
			model any
			what  string
		}{{&model.Prompt{}, "prompts"}, {&model.User{}, "users"}, {&model.UnitAlias{}, "aliases"}} {
			if err := tx.Model(m.model).Where("unit_id = ?", srcID).Update("unit_id", dstID).Error; err != nil {
				return translate(err, "merge: "+m.what)
			}
		}
		var groups []int64
		if err := tx.Model(&model.UnitGroupMember{}).Where("unit_id = ?", srcID).Pluck("group_id", &groups).Error; err != nil {
			return translate(err, "merge: groups")
		}
		for _, g := range groups {
			m := model.UnitGroupMember{GroupID: g, UnitID: dstID}
			if err := tx.Where(m).FirstOrCreate(&m).Error; err != nil {
				return translate(err, "merge: group member")
			}
		}
		if err := tx.Where("unit_id = ?", srcID).Delete(&model.UnitGroupMember{}).Error; err != nil {
			return translate(err, "merge: groups")
		}
		if err := tx.Delete(&model.Unit{}, srcID).Error; err != nil {
			return translate(err, "merge: delete unit")
		}
		// The merged name keeps leading to the unit (e.g. 市人社局 → 市人力资源社会保障局).
		if err := tx.Create(&model.UnitAlias{UnitID: dstID, Alias: src.Name, CreatedAt: s.clock.Now().UTC()}).Error; err != nil {
			return translate(err, "merge: keep name as alias")
		}
		return s.Audit(ctx, a, AuditEntry{Action: "unit.merge", ObjectType: "unit", ObjectID: srcID,
			Old: unitAudit(&src),
			New: map[string]any{"into_id": dstID, "into": dst.Name, "assignments_moved": moved, "assignments_dropped": dropped}})
	})
}

// CreateUnits inserts units in batches, filling in their IDs (synthetic
// datasets; no audit entries).
func (s *Store) CreateUnits(ctx context.Context, units []model.Unit) error {
	// One transaction: all or nothing, and one commit.
	return s.WithTx(ctx, func(ctx context.Context) error {
		return translate(s.w(ctx).CreateInBatches(&units, 500).Error, "create units")
	})
}
