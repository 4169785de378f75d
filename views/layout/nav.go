package layout

import (
	"strconv"
	"strings"

	"duban/internal/model"
	"duban/internal/reqctx"
)

// NavItem is one entry of the main navigation.
type NavItem struct {
	Href  string
	Key   string   // catalog key of the label
	Roles []string // who sees it
	// Count, when set, is shown as a badge (e.g. open to-do items).
	Count func(*reqctx.Info) int
}

// Nav is the main navigation in display order; each feature adds its entry.
var Nav = []NavItem{
	{Href: "/", Key: "nav.home", Roles: model.Roles},
	{Href: "/todo", Key: "nav.todo", Roles: []string{model.RoleUnit, model.RoleReviewer},
		Count: func(i *reqctx.Info) int { return i.Todo }},
	{Href: "/plans", Key: "nav.plans", Roles: model.Roles},
	{Href: "/supervision", Key: "nav.supervision", Roles: []string{model.RoleReviewer, model.RoleViewer, model.RoleAdmin}},
	// Issue #6: 台账 for everyone (scoped), indicators and scorecard for readers.
	{Href: "/ledger", Key: "dash.nav.ledger", Roles: model.Roles},
	{Href: "/indicators", Key: "dash.nav.indicators", Roles: []string{model.RoleAdmin, model.RoleReviewer, model.RoleViewer}},
	{Href: "/scorecard", Key: "dash.nav.scorecard", Roles: []string{model.RoleAdmin, model.RoleReviewer, model.RoleViewer}},
	{Href: "/bulletins", Key: "nav.bulletins", Roles: model.Roles}, // 督查通报 (issue #13)
	{Href: "/inbox", Key: "nav.inbox", Roles: model.Roles, Count: func(i *reqctx.Info) int { return i.Unread }},
	{Href: "/admin", Key: "nav.admin", Roles: []string{model.RoleAdmin}},
}

// NavCountMax is the largest number a badge shows; beyond it says "99+".
const NavCountMax = 99

// navBadge writes a badge number.
func navBadge(n int) string {
	if n > NavCountMax {
		return strconv.Itoa(NavCountMax) + "+"
	}
	return strconv.Itoa(n)
}

// navCount is an entry's badge number (0: none).
func navCount(it NavItem, info *reqctx.Info) int {
	if it.Count == nil {
		return 0
	}
	return it.Count(info)
}

func visibleNav(u *model.User) []NavItem {
	if u == nil {
		return nil
	}
	var out []NavItem
	for _, it := range Nav {
		for _, r := range it.Roles {
			if r == u.Role {
				out = append(out, it)
				break
			}
		}
	}
	return out
}

// active reports whether the nav entry href covers the current path.
func active(href, path string) bool {
	if href == "/" {
		return path == "/"
	}
	return path == href || strings.HasPrefix(path, href+"/")
}
