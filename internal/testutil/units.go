package testutil

import (
	"context"
	"testing"

	"duban/internal/model"
)

// UnitNamed is the unit with this exact name; the test fails without one.
func UnitNamed(t testing.TB, p *Portal, name string) *model.Unit {
	t.Helper()
	u, err := p.App.Store.UnitByName(context.Background(), name)
	if err != nil {
		t.Fatalf("unit %q: %v", name, err)
	}
	return u
}
