package store

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"

	"duban/internal/model"
)

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

// EnsureGroup returns the unit group named name with exactly members added
// (existing members are kept).
func (s *Store) EnsureGroup(ctx context.Context, name string, members []int64) (*model.UnitGroup, error) {
	tx := s.w(ctx)
	var g model.UnitGroup
	err := tx.Where("name = ?", name).First(&g).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		now := s.clock.Now().UTC()
		g = model.UnitGroup{Name: name, CreatedAt: now, UpdatedAt: now}
		err = tx.Create(&g).Error
	}
	if err != nil {
		return nil, translate(err, "ensure unit group")
	}
	for _, id := range members {
		m := model.UnitGroupMember{GroupID: g.ID, UnitID: id}
		if err := tx.Where(m).FirstOrCreate(&m).Error; err != nil {
			return nil, translate(err, "add group member")
		}
	}
	return &g, nil
}
