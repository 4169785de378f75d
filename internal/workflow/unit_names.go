package workflow

import (
	"context"
	"strconv"

	"duban/internal/model"
	"duban/internal/store"
)

// unitNames turns unit IDs into names, collapsing a unit group whose
// members are all present into the group's name (各市(区)政府).
type unitNames struct {
	units  map[int64]model.Unit
	groups []store.GroupMembers
}

func (s *Service) unitNames(ctx context.Context, ids []int64) (*unitNames, error) {
	units, err := s.st.UnitsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	groups, err := s.st.UnitGroupsForPlans(ctx)
	if err != nil {
		return nil, err
	}
	return &unitNames{units: units, groups: groups}, nil
}

func (n *unitNames) name(id int64) string {
	if u, ok := n.units[id]; ok {
		return u.Name
	}
	return "#" + strconv.FormatInt(id, 10)
}

// coveredGroups returns the groups (of two or more units) whose members are
// all in ids, and for each covered unit the group's name.
func (n *unitNames) coveredGroups(ids []int64) ([]store.GroupMembers, map[int64]string) {
	in := map[int64]bool{}
	for _, id := range ids {
		in[id] = true
	}
	var out []store.GroupMembers
	of := map[int64]string{}
	for _, g := range n.groups {
		if len(g.UnitIDs) < 2 {
			continue
		}
		all := true
		for _, u := range g.UnitIDs {
			if !in[u] {
				all = false
				break
			}
		}
		if !all {
			continue
		}
		out = append(out, g)
		for _, u := range g.UnitIDs {
			if of[u] == "" {
				of[u] = g.Group.Name
			}
		}
	}
	return out, of
}

// collapse names ids in order, a fully present group once at the place of
// its first member.
func (n *unitNames) collapse(ids []int64) []string {
	_, of := n.coveredGroups(ids)
	seen := map[string]bool{}
	var out []string
	for _, id := range ids {
		name := n.name(id)
		if g := of[id]; g != "" {
			name = g
		}
		if !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	}
	return out
}
