package layout

import (
	"context"
	"strconv"
	"strings"
	"time"

	"duban/internal/clock"
	"duban/internal/i18n"
	"duban/internal/reqctx"
)

func clockZone() *time.Location { return clock.Zone }

// userLabel is "name · unit" or "name · role".
func userLabel(ctx context.Context) string {
	info := reqctx.Get(ctx)
	u := info.User
	name := u.DisplayName
	if name == "" {
		name = u.Username
	}
	if info.UnitName != "" {
		return name + " · " + info.UnitName
	}
	// The demo administrator is called 系统管理员, like the role: say it once.
	if role := i18n.T(ctx, "role."+u.Role); role != name {
		return name + " · " + role
	}
	return name
}

// active reports whether the nav entry href covers the current path.
func active(href, path string) bool {
	if href == "/" {
		return path == "/"
	}
	return path == href || strings.HasPrefix(path, href+"/")
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
