package store

import (
	"context"

	"duban/internal/model"
)

// CountUnreadNotifications counts a user's unread inbox items.
func (s *Store) CountUnreadNotifications(ctx context.Context, userID int64) (int64, error) {
	var n int64
	err := s.r(ctx).Model(&model.Notification{}).Where("user_id = ? AND read_at IS NULL", userID).Count(&n).Error
	return n, translate(err, "count notifications")
}
