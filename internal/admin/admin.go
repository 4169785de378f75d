// Package admin is the read side of 系统管理: what the pages of units,
// unit groups, accounts and the audit log show around their forms. The
// writes are the store's (audited there) and, for merging units,
// internal/planadmin's.
package admin

import (
	"context"
	"time"

	"duban/internal/model"
	"duban/internal/store"
)

// Service assembles the administration pages.
type Service struct {
	st *store.Store
}

// New makes a Service over a store.
func New(st *store.Store) *Service { return &Service{st: st} }

// UnitRelations is what a unit's page shows beside its form.
type UnitRelations struct {
	Aliases []model.UnitAlias
	Users   []store.UserRow
	Others  []model.Unit // merge targets: every other unit
}

// UnitRelations lists unit id's aliases, its users and the units it may be
// merged into.
func (s *Service) UnitRelations(ctx context.Context, id int64) (UnitRelations, error) {
	var r UnitRelations
	var err error
	if r.Aliases, err = s.st.UnitAliases(ctx, id); err != nil {
		return r, err
	}
	if r.Users, err = s.st.ListUsers(ctx, store.UserFilter{UnitID: id}); err != nil {
		return r, err
	}
	all, err := s.st.AllUnits(ctx)
	if err != nil {
		return r, err
	}
	for _, u := range all {
		if u.ID != id {
			r.Others = append(r.Others, u)
		}
	}
	return r, nil
}

// GroupMembers is a unit group's form as stored, with every unit to choose
// from.
type GroupMembers struct {
	Group   *model.UnitGroup // nil for a new group
	Members map[int64]bool
	Units   []model.Unit
}

// GroupMembers loads group id (0: a new group, only the units).
func (s *Service) GroupMembers(ctx context.Context, id int64) (GroupMembers, error) {
	var g GroupMembers
	if id != 0 {
		group, members, err := s.st.GroupByID(ctx, id)
		if err != nil {
			return g, err
		}
		g.Group, g.Members = group, map[int64]bool{}
		for _, m := range members {
			g.Members[m] = true
		}
	}
	var err error
	g.Units, err = s.st.AllUnits(ctx)
	return g, err
}

// UserList is the account list with the units its filter offers.
type UserList struct {
	Users []store.UserRow
	Units []model.Unit
}

// Users lists the accounts f selects.
func (s *Service) Users(ctx context.Context, f store.UserFilter) (UserList, error) {
	var l UserList
	var err error
	if l.Users, err = s.st.ListUsers(ctx, f); err != nil {
		return l, err
	}
	l.Units, err = s.st.AllUnits(ctx)
	return l, err
}

// UserRelations is what an account's page shows beside its form.
type UserRelations struct {
	Units    []model.Unit    // to choose a unit user's unit
	Sessions []model.Session // the account's live sessions at now
}

// UserRelations lists the units and, for an existing account (userID > 0),
// its sessions live at now.
func (s *Service) UserRelations(ctx context.Context, userID int64, now time.Time) (UserRelations, error) {
	var r UserRelations
	var err error
	if r.Units, err = s.st.AllUnits(ctx); err != nil || userID == 0 {
		return r, err
	}
	r.Sessions, err = s.st.UserSessions(ctx, userID, now)
	return r, err
}
