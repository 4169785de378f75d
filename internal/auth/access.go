package auth

import (
	"fmt"

	"duban/internal/model"
)

// Object-level access (who may see which record), the second half of access
// control after the route table in policy.go.
//
// The rule for every object that belongs to units (assignments, reports,
// attachments, prompts, …):
//
//   - admin, reviewer and viewer see everything;
//   - a unit user sees the objects of their own unit only;
//   - a unit user asking for another unit's object gets model.ErrNotFound,
//     not model.ErrForbidden, so that IDs cannot be probed to learn which
//     objects exist (the answer is the same as for an ID that does not exist);
//   - nobody logged in (nil user) sees nothing.
//
// Services load the object, then call Scope.Check with the unit IDs it
// belongs to; list queries in the store take Scope.UnitFilter so they never
// load what the user may not see.

// Scope describes what a user may see. The zero Scope sees nothing.
type Scope struct {
	all    bool
	unitID int64
}

// ScopeOf returns the scope of u.
func ScopeOf(u *model.User) Scope {
	if u == nil || u.Disabled {
		return Scope{}
	}
	switch u.Role {
	case model.RoleAdmin, model.RoleReviewer, model.RoleViewer:
		return Scope{all: true}
	case model.RoleUnit:
		return Scope{unitID: u.UnitIDOr0()}
	}
	return Scope{}
}

// All reports whether the scope covers every unit.
func (s Scope) All() bool { return s.all }

// UnitID is the one unit a restricted scope covers (0: none).
func (s Scope) UnitID() int64 { return s.unitID }

// UnitFilter is what a store list query needs: all=true means no
// restriction; otherwise only rows of unitID (0 matches no row, since IDs
// start at 1).
func (s Scope) UnitFilter() (all bool, unitID int64) { return s.all, s.unitID }

// SeesUnit reports whether objects of unitID are visible.
func (s Scope) SeesUnit(unitID int64) bool {
	return s.all || (s.unitID != 0 && s.unitID == unitID)
}

// Check returns nil when an object belonging to any of unitIDs is visible,
// and model.ErrNotFound otherwise (see the rule above). An object of a
// measure with several assigned units passes all their IDs.
func (s Scope) Check(unitIDs ...int64) error {
	if s.all {
		return nil
	}
	for _, id := range unitIDs {
		if s.SeesUnit(id) {
			return nil
		}
	}
	return fmt.Errorf("object outside the user's units: %w", model.ErrNotFound)
}

// CanSeeUnit reports whether u may see the unit and the objects assigned
// to it.
func CanSeeUnit(u *model.User, unitID int64) bool { return ScopeOf(u).SeesUnit(unitID) }

// CanSeeUser reports whether u may see the account target: admins see every
// account, everyone else only their own.
func CanSeeUser(u, target *model.User) bool {
	if u == nil || target == nil || u.Disabled {
		return false
	}
	return u.Role == model.RoleAdmin || u.ID == target.ID
}

// CanAdminister reports whether u may change units, users and plans.
func CanAdminister(u *model.User) bool {
	return u != nil && !u.Disabled && u.Role == model.RoleAdmin
}
