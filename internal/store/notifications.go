package store

import (
	"context"
	"fmt"
	"time"

	"duban/internal/model"
)

// CountUnreadNotifications counts a user's unread inbox items.
func (s *Store) CountUnreadNotifications(ctx context.Context, userID int64) (int64, error) {
	var n int64
	err := s.r(ctx).Model(&model.Notification{}).Where("user_id = ? AND read_at IS NULL", userID).Count(&n).Error
	return n, translate(err, "count notifications")
}

// CountUnreadUpTo counts a user's unread inbox items up to limit: the
// navigation's badge says "99+" beyond that, and an office that never
// opens its inbox has tens of thousands, which every page would count.
func (s *Store) CountUnreadUpTo(ctx context.Context, userID int64, limit int) (int, error) {
	var n int64
	err := s.r(ctx).Raw("SELECT COUNT(*) FROM (SELECT 1 FROM notifications WHERE user_id = ? AND read_at IS NULL LIMIT ?) AS unread",
		userID, limit).Row().Scan(&n)
	return int(n), translate(err, "count notifications")
}

// Notify puts one notification into each user's inbox.
func (s *Store) Notify(ctx context.Context, userIDs []int64, n model.Notification) error {
	if len(userIDs) == 0 {
		return nil
	}
	now := s.clock.Now().UTC()
	rows := make([]model.Notification, 0, len(userIDs))
	for _, id := range userIDs {
		x := n
		x.ID, x.UserID, x.CreatedAt, x.ReadAt = 0, id, now, nil
		rows = append(rows, x)
	}
	return translate(s.w(ctx).Create(&rows).Error, "store notifications")
}

// Notifications lists a user's inbox, newest first, a page at a time.
func (s *Store) Notifications(ctx context.Context, userID int64, unreadOnly bool, limit, offset int) ([]model.Notification, int64, error) {
	q := s.r(ctx).Model(&model.Notification{}).Where("user_id = ?", userID)
	if unreadOnly {
		q = q.Where("read_at IS NULL")
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, translate(err, "count notifications")
	}
	var ns []model.Notification
	err := q.Order("id DESC").Limit(limit).Offset(offset).Find(&ns).Error
	return ns, total, translate(err, "list notifications")
}

// NotificationOf loads one of a user's notifications; another user's is
// model.ErrNotFound.
func (s *Store) NotificationOf(ctx context.Context, userID, id int64) (*model.Notification, error) {
	var n model.Notification
	err := s.r(ctx).Where("id = ? AND user_id = ?", id, userID).First(&n).Error
	return &n, translate(err, fmt.Sprintf("notification %d", id))
}

// MarkNotificationRead marks one of a user's notifications read and
// returns it (as it was before); another user's is model.ErrNotFound.
func (s *Store) MarkNotificationRead(ctx context.Context, userID, id int64) (*model.Notification, error) {
	n, err := s.NotificationOf(ctx, userID, id)
	if err != nil {
		return nil, err
	}
	err = s.w(ctx).Model(&model.Notification{}).Where("id = ? AND user_id = ? AND read_at IS NULL", id, userID).
		Update("read_at", s.clock.Now().UTC()).Error
	return n, translate(err, "mark notification read")
}

// MarkAllNotificationsRead marks a user's whole inbox read.
func (s *Store) MarkAllNotificationsRead(ctx context.Context, userID int64) (int64, error) {
	res := s.w(ctx).Model(&model.Notification{}).Where("user_id = ? AND read_at IS NULL", userID).
		Update("read_at", s.clock.Now().UTC())
	return res.RowsAffected, translate(res.Error, "mark notifications read")
}

// MarkNotificationsReadBefore marks every notification created before t
// as read at t (the demo history's old news).
func (s *Store) MarkNotificationsReadBefore(ctx context.Context, t time.Time) error {
	err := s.w(ctx).Model(&model.Notification{}).Where("created_at < ? AND read_at IS NULL", t.UTC()).
		Update("read_at", t.UTC()).Error
	return translate(err, "mark old notifications read")
}
