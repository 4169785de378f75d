package testutil

import (
	"context"
	"testing"

	"gorm.io/gorm"

	"duban/internal/model"
)

// UnitNamed is the unit with this exact name; the test fails without one.
func UnitNamed(t testing.TB, p *Portal, name string) *model.Unit {
	t.Helper()
	var u *model.Unit
	err := p.App.Store.Tx(context.Background(), func(tx *gorm.DB) error {
		var err error
		u, err = p.App.Store.UnitByNameTx(context.Background(), tx, name)
		return err
	})
	if err != nil {
		t.Fatalf("unit %q: %v", name, err)
	}
	return u
}
