package store

import (
	"context"
	"fmt"
	"slices"

	"gorm.io/gorm"

	"duban/internal/model"
)

// GroupRow is a unit group with its members, for lists.
type GroupRow struct {
	model.UnitGroup
	Members []model.Unit
}

// ListGroups returns every unit group with its members, by name.
func (s *Store) ListGroups(ctx context.Context) ([]GroupRow, error) {
	var groups []model.UnitGroup
	if err := s.r(ctx).Order("name").Find(&groups).Error; err != nil {
		return nil, translate(err, "list unit groups")
	}
	type member struct {
		GroupID int64
		model.Unit
	}
	var members []member
	err := s.r(ctx).Table("unit_group_members").Select("unit_group_members.group_id, units.*").
		Joins("JOIN units ON units.id = unit_group_members.unit_id").
		Order("units.sort_order, units.name").Scan(&members).Error
	if err != nil {
		return nil, translate(err, "list unit group members")
	}
	out := make([]GroupRow, len(groups))
	idx := map[int64]int{}
	for i, g := range groups {
		out[i].UnitGroup = g
		idx[g.ID] = i
	}
	for _, m := range members {
		if i, ok := idx[m.GroupID]; ok {
			out[i].Members = append(out[i].Members, m.Unit)
		}
	}
	return out, nil
}

// GroupByID loads a group and its member unit IDs.
func (s *Store) GroupByID(ctx context.Context, id int64) (*model.UnitGroup, []int64, error) {
	var g model.UnitGroup
	if err := s.r(ctx).First(&g, id).Error; err != nil {
		return nil, nil, translate(err, fmt.Sprintf("unit group %d", id))
	}
	var ids []int64
	if err := s.r(ctx).Model(&model.UnitGroupMember{}).Where("group_id = ?", id).Order("unit_id").Pluck("unit_id", &ids).Error; err != nil {
		return nil, nil, translate(err, "unit group members")
	}
	return &g, ids, nil
}

// CreateGroup adds a unit group with members, audited.
func (s *Store) CreateGroup(ctx context.Context, a Actor, name string, members []int64) (*model.UnitGroup, error) {
	now := s.clock.Now().UTC()
	g := &model.UnitGroup{Name: name, CreatedAt: now, UpdatedAt: now}
	err := s.WithTx(ctx, func(ctx context.Context) error {
		tx := s.w(ctx)
		if err := tx.Create(g).Error; err != nil {
			return translate(err, "create unit group")
		}
		if err := setMembers(tx, g.ID, members); err != nil {
			return err
		}
		return s.Audit(ctx, a, AuditEntry{Action: "group.create", ObjectType: "unit_group", ObjectID: g.ID,
			New: map[string]any{"name": name, "members": members}})
	})
	return g, err
}

// UpdateGroup renames a group and replaces its members, audited.
func (s *Store) UpdateGroup(ctx context.Context, a Actor, id int64, name string, members []int64) error {
	return s.WithTx(ctx, func(ctx context.Context) error {
		tx := s.w(ctx)
		var g model.UnitGroup
		if err := tx.First(&g, id).Error; err != nil {
			return translate(err, fmt.Sprintf("unit group %d", id))
		}
		var old []int64
		if err := tx.Model(&model.UnitGroupMember{}).Where("group_id = ?", id).Order("unit_id").Pluck("unit_id", &old).Error; err != nil {
			return translate(err, "unit group members")
		}
		if err := tx.Model(&model.UnitGroup{}).Where("id = ?", id).
			Updates(map[string]any{"name": name, "updated_at": s.clock.Now().UTC()}).Error; err != nil {
			return translate(err, "update unit group")
		}
		if err := tx.Where("group_id = ?", id).Delete(&model.UnitGroupMember{}).Error; err != nil {
			return translate(err, "update unit group members")
		}
		if err := setMembers(tx, id, members); err != nil {
			return err
		}
		return s.Audit(ctx, a, AuditEntry{Action: "group.update", ObjectType: "unit_group", ObjectID: id,
			Old: map[string]any{"name": g.Name, "members": old}, New: map[string]any{"name": name, "members": members}})
	})
}

// DeleteGroup removes a group (its units stay), audited.
func (s *Store) DeleteGroup(ctx context.Context, a Actor, id int64) error {
	return s.WithTx(ctx, func(ctx context.Context) error {
		tx := s.w(ctx)
		var g model.UnitGroup
		if err := tx.First(&g, id).Error; err != nil {
			return translate(err, fmt.Sprintf("unit group %d", id))
		}
		if err := tx.Where("group_id = ?", id).Delete(&model.UnitGroupMember{}).Error; err != nil {
			return translate(err, "delete unit group members")
		}
		if err := tx.Delete(&g).Error; err != nil {
			return translate(err, "delete unit group")
		}
		return s.Audit(ctx, a, AuditEntry{Action: "group.delete", ObjectType: "unit_group", ObjectID: id,
			Old: map[string]any{"name": g.Name}})
	})
}

// setMembers adds members to a group; unknown unit IDs are refused.
func setMembers(tx *gorm.DB, groupID int64, members []int64) error {
	members = slices.Compact(slices.Sorted(slices.Values(members)))
	if len(members) == 0 {
		return nil
	}
	var n int64
	if err := tx.Model(&model.Unit{}).Where("id IN ?", members).Count(&n).Error; err != nil {
		return translate(err, "check group members")
	}
	if int(n) != len(members) {
		return fmt.Errorf("unit group members: %w", model.ErrInvalid)
	}
	rows := make([]model.UnitGroupMember, len(members))
	for i, id := range members {
		rows[i] = model.UnitGroupMember{GroupID: groupID, UnitID: id}
	}
	return translate(tx.Create(&rows).Error, "add group members")
}
