package store

import (
	"context"
	"errors"
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

// UnitAudit is what the audit log records of a unit.
func UnitAudit(u *model.Unit) map[string]any { return unitAudit(u) }

// MoveUnitRecords hands what names unit src beside its assignments to
// dst: its prompts, users, aliases and group memberships.
func (s *Store) MoveUnitRecords(ctx context.Context, srcID, dstID int64) error {
	return s.WithTx(ctx, func(ctx context.Context) error {
		tx := s.w(ctx)
		for _, m := range []struct {
			model any
			what  string
		}{{&model.Prompt{}, "prompts"}, {&model.User{}, "users"}, {&model.UnitAlias{}, "aliases"}} {
			if err := tx.Model(m.model).Where("unit_id = ?", srcID).Update("unit_id", dstID).Error; err != nil {
				return translate(err, "move unit "+m.what)
			}
		}
		var groups []int64
		if err := tx.Model(&model.UnitGroupMember{}).Where("unit_id = ?", srcID).Pluck("group_id", &groups).Error; err != nil {
			return translate(err, "move unit groups")
		}
		for _, g := range groups {
			m := model.UnitGroupMember{GroupID: g, UnitID: dstID}
			if err := tx.Where(m).FirstOrCreate(&m).Error; err != nil {
				return translate(err, "move unit group member")
			}
		}
		return translate(tx.Where("unit_id = ?", srcID).Delete(&model.UnitGroupMember{}).Error, "move unit groups")
	})
}

// DeleteUnit deletes a unit.
func (s *Store) DeleteUnit(ctx context.Context, id int64) error {
	return translate(s.w(ctx).Delete(&model.Unit{}, id).Error, "delete unit")
}

// CreateAlias maps another name to a unit (ErrConflict when the name is
// taken).
func (s *Store) CreateAlias(ctx context.Context, unitID int64, alias string) error {
	err := s.w(ctx).Create(&model.UnitAlias{UnitID: unitID, Alias: alias, CreatedAt: s.clock.Now().UTC()}).Error
	return translate(err, "create alias")
}

// CreateUnits inserts units in batches, filling in their IDs (synthetic
// datasets; no audit entries).
func (s *Store) CreateUnits(ctx context.Context, units []model.Unit) error {
	// One transaction: all or nothing, and one commit.
	return s.WithTx(ctx, func(ctx context.Context) error {
		return translate(s.w(ctx).CreateInBatches(&units, 500).Error, "create units")
	})
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

// CountUnits counts the units among ids that exist.
func (s *Store) CountUnits(ctx context.Context, ids []int64) (int64, error) {
	var n int64
	err := s.r(ctx).Model(&model.Unit{}).Where("id IN ?", ids).Count(&n).Error
	return n, translate(err, "check units")
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

// EnsureUnit returns the unit named name (or whose alias it is), creating it
// with kind when absent.
func (s *Store) EnsureUnit(ctx context.Context, name, kind string, confirmed bool) (*model.Unit, error) {
	tx := s.w(ctx)
	var u model.Unit
	err := tx.Where("name = ?", name).First(&u).Error
	if err == nil {
		return &u, nil
	}
	if !errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, translate(err, "find unit")
	}
	var al model.UnitAlias
	if err := tx.Where("alias = ?", name).First(&al).Error; err == nil {
		err = tx.First(&u, al.UnitID).Error
		return &u, translate(err, "unit of alias")
	}
	now := s.clock.Now().UTC()
	u = model.Unit{Name: name, Kind: kind, Confirmed: confirmed, CreatedAt: now, UpdatedAt: now}
	if err := tx.Create(&u).Error; err != nil {
		return nil, translate(err, fmt.Sprintf("create unit %q", name))
	}
	return &u, nil
}

// EnsureAlias maps alias to unitID if the alias is free.
func (s *Store) EnsureAlias(ctx context.Context, unitID int64, alias string) error {
	tx := s.w(ctx)
	var n int64
	if err := tx.Model(&model.UnitAlias{}).Where("alias = ?", alias).Count(&n).Error; err != nil {
		return translate(err, "find alias")
	}
	if n > 0 {
		return nil
	}
	return translate(tx.Create(&model.UnitAlias{UnitID: unitID, Alias: alias, CreatedAt: s.clock.Now().UTC()}).Error, "create alias")
}
