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

// UnitByNameTx finds a unit by name or alias inside tx.
func (s *Store) UnitByNameTx(ctx context.Context, tx *gorm.DB, name string) (*model.Unit, error) {
	var u model.Unit
	err := tx.WithContext(ctx).Where("name = ?", name).First(&u).Error
	if err == nil {
		return &u, nil
	}
	var al model.UnitAlias
	if err := tx.WithContext(ctx).Where("alias = ?", name).First(&al).Error; err != nil {
		return nil, translate(err, fmt.Sprintf("unit %q", name))
	}
	err = tx.WithContext(ctx).First(&u, al.UnitID).Error
	return &u, translate(err, fmt.Sprintf("unit %q", name))
}
