package workflow

import (
	"context"

	"duban/internal/model"
)

// InboxPageSize is how many notifications one page of the inbox shows.
const InboxPageSize = 30

// InboxPage is one page of a user's inbox (消息), newest first.
type InboxPage struct {
	Items      []InboxItem
	Total      int64
	Unread     int
	UnreadOnly bool
	Page       int
	Pages      int
}

// InboxItem is one notification with what it says.
type InboxItem struct {
	N    model.Notification
	Note Note
}

// InboxPage is page (from 1) of userID's notifications, only the unread
// ones with unreadOnly.
func (s *Service) InboxPage(ctx context.Context, userID int64, unreadOnly bool, page int) (InboxPage, error) {
	page = max(page, 1)
	ns, total, err := s.st.Notifications(ctx, userID, unreadOnly, InboxPageSize, (page-1)*InboxPageSize)
	if err != nil {
		return InboxPage{}, err
	}
	unread, err := s.st.CountUnreadNotifications(ctx, userID)
	if err != nil {
		return InboxPage{}, err
	}
	p := InboxPage{Total: total, Unread: int(unread), UnreadOnly: unreadOnly, Page: page,
		Pages: int((total + InboxPageSize - 1) / InboxPageSize)}
	for _, n := range ns {
		p.Items = append(p.Items, InboxItem{N: n, Note: ParseNote(n.Message)})
	}
	return p, nil
}
