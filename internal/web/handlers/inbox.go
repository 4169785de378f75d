package handlers

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"duban/internal/web/render"
	"duban/views/pages/inbox"
)

// Inbox lists the user's notifications, newest first.
func (h *Handlers) Inbox(c echo.Context) error {
	page, _ := strconv.Atoi(c.QueryParam("page"))
	p, err := h.Flow.InboxPage(c.Request().Context(), user(c).ID, c.QueryParam("unread") == "1", page)
	if err != nil {
		return err
	}
	return render.Page(c, http.StatusOK, inbox.View(p))
}

// MarkRead marks one of the user's notifications read and, with open=1,
// goes to what it is about. Another user's notification is not found.
func (h *Handlers) MarkRead(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	n, err := h.Store.MarkNotificationRead(c.Request().Context(), user(c).ID, id)
	if err != nil {
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
