package auth

import (
	"errors"
	"testing"

	"duban/internal/model"
)

func TestScope(t *testing.T) {
	unit := func(id int64) *int64 { return &id }
	users := map[string]*model.User{
		"admin":     {ID: 1, Role: model.RoleAdmin},
		"reviewer":  {ID: 2, Role: model.RoleReviewer},
		"viewer":    {ID: 3, Role: model.RoleViewer},
		"unit 10":   {ID: 4, Role: model.RoleUnit, UnitID: unit(10)},
		"no unit":   {ID: 5, Role: model.RoleUnit},
		"disabled":  {ID: 6, Role: model.RoleAdmin, Disabled: true},
		"bad role":  {ID: 7, Role: "root"},
		"anonymous": nil,
	}
	tests := []struct {
		user      string
		unitIDs   []int64
		wantAllow bool
	}{
		{"admin", []int64{10}, true},
		{"admin", nil, true},
		{"reviewer", []int64{11}, true},
		{"viewer", []int64{11}, true},
		{"unit 10", []int64{10}, true},
		{"unit 10", []int64{11, 10}, true},
		{"unit 10", []int64{11}, false},
		{"unit 10", nil, false},
		{"unit 10", []int64{0}, false},
		{"no unit", []int64{0}, false},
		{"disabled", []int64{10}, false},
		{"bad role", []int64{10}, false},
		{"anonymous", []int64{10}, false},
	}
	for _, tt := range tests {
		t.Run(tt.user, func(t *testing.T) {
			u := users[tt.user]
			err := ScopeOf(u).Check(tt.unitIDs...)
			if tt.wantAllow && err != nil {
				t.Fatalf("Check(%v) = %v, want allowed", tt.unitIDs, err)
			}
			if !tt.wantAllow && !errors.Is(err, model.ErrNotFound) {
				t.Fatalf("Check(%v) = %v, want model.ErrNotFound", tt.unitIDs, err)
			}
			if len(tt.unitIDs) == 1 && CanSeeUnit(u, tt.unitIDs[0]) != tt.wantAllow {
				t.Fatalf("CanSeeUnit(%d) disagrees with Check", tt.unitIDs[0])
			}
		})
	}
	if all, id := ScopeOf(users["unit 10"]).UnitFilter(); all || id != 10 {
		t.Errorf("unit filter = %v %d", all, id)
	}
	if all, id := ScopeOf(nil).UnitFilter(); all || id != 0 {
		t.Errorf("anonymous filter = %v %d, want a filter matching nothing", all, id)
	}
	if !CanSeeUser(users["admin"], users["viewer"]) || CanSeeUser(users["viewer"], users["admin"]) ||
		!CanSeeUser(users["unit 10"], users["unit 10"]) || CanSeeUser(nil, users["admin"]) {
		t.Error("CanSeeUser: admins see every account, others only their own")
	}
	if !CanAdminister(users["admin"]) || CanAdminister(users["reviewer"]) || CanAdminister(users["disabled"]) {
		t.Error("CanAdminister is for enabled admins only")
	}
}
