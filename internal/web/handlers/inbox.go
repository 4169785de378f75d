package handlers

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"duban/internal/web/render"
	"duban/internal/workflow"
	"duban/views/pages/inbox"
)

const inboxPageSize = 30

// Inbox lists the user's notifications, newest first.
func (h *Handlers) Inbox(c echo.Context) error {
	ctx := c.Request().Context()
	u := user(c)
	page, _ := strconv.Atoi(c.QueryParam("page"))
	page = max(page, 1)
	unreadOnly := c.QueryParam("unread") == "1"
	ns, total, err := h.Store.Notifications(ctx, u.ID, unreadOnly, inboxPageSize, (page-1)*inboxPageSize)
	if err != nil {
		return err
	}
	unread, err := h.Store.CountUnreadNotifications(ctx, u.ID)
	if err != nil {
		return err
	}
	p := inbox.Page{Total: total, Unread: int(unread), UnreadOnly: unreadOnly, Page: page,
		Pages: int((total + inboxPageSize - 1) / inboxPageSize)}
	for _, n := range ns {
		p.Items = append(p.Items, inbox.Item{N: n, Note: workflow.ParseNote(n.Message)})
	}
	return render.Page(c, http.StatusOK, inbox.View(p))
}

// MarkRead marks one of the user's notifications read and, with open=1,
// goes to what it is about. Another user's notification is not found.
func (h *Handlers) MarkRead(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	u := user(c)
	n, err := h.Store.NotificationOf(ctx, u.ID, id)
	if err != nil {
		return err
	}
	if err := h.Store.MarkNotificationRead(ctx, u.ID, id); err != nil {
		return err
	}
	if c.FormValue("open") == "1" {
		if to := inbox.Link(*n); to != "" {
			return c.Redirect(http.StatusSeeOther, to)
		}
	}
	return render.Redirect(c, "/inbox", "ok", "inbox.marked")
}

// MarkAllRead empties the unread count.
func (h *Handlers) MarkAllRead(c echo.Context) error {
	if _, err := h.Store.MarkAllNotificationsRead(c.Request().Context(), user(c).ID); err != nil {
		return err
	}
	return render.Redirect(c, "/inbox", "ok", "inbox.all_marked")
}
