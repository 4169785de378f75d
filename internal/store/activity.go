package store

import (
	"context"

	"duban/internal/model"
)

// ActivityObjectTypes are the audit object types that make up the work of
// supervision (reports, reviews, 催办, 办结, sign-offs, plans); logins,
// settings and access denials are left out of "recent activity".
var ActivityObjectTypes = []string{"report", "review", "prompt", "measure", "assignment", "plan"}

// RecentActivity returns the newest audit entries about the work itself,
// newest first.
func (s *Store) RecentActivity(ctx context.Context, limit int) ([]model.AuditEvent, error) {
	if limit <= 0 || limit > 200 {
		limit = 20
	}
	var evs []model.AuditEvent
	err := s.r(ctx).Omit("old_value", "new_value", "prev_hash", "hash").
		Where("object_type IN ?", ActivityObjectTypes).
		Order("id DESC").Limit(limit).Find(&evs).Error
	return evs, translate(err, "recent activity")
}
