// Package admin holds the administration pages: units, unit groups, users
// and the audit log. Pages take one view model and never query.
package admin

import (
	"context"
	"net/url"
	"strconv"
	"time"

	"github.com/a-h/templ"

	"duban/internal/clock"
	"duban/internal/i18n"
)

// Section is one entry of the administration index.
type Section struct {
	Href     string
	TitleKey string // catalog keys
	TextKey  string
}

// Sections are the administration areas in display order. The plan importer
// adds its entry ({Href: "/admin/plans", …}) here, after units.
var Sections = []Section{
	{Href: "/admin/units", TitleKey: "admin.units", TextKey: "admin.units.about"},
	{Href: "/admin/plans/import", TitleKey: "plans.admin.section", TextKey: "plans.admin.section_text"},
	{Href: "/admin/groups", TitleKey: "admin.groups", TextKey: "admin.groups.about"},
	{Href: "/admin/users", TitleKey: "admin.users", TextKey: "admin.users.about"},
	{Href: "/admin/lights", TitleKey: "dash.lightrules.title", TextKey: "dash.lightrules.intro"},
	{Href: "/admin/audit", TitleKey: "admin.audit", TextKey: "admin.audit.about"},
	{Href: "/admin/tokens", TitleKey: "token.admin.title", TextKey: "token.admin.about"},
}

func localTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(clock.Zone).Format("2006-01-02 15:04:05")
}

func localTimePtr(t *time.Time) string {
	if t == nil {
		return ""
	}
	return localTime(*t)
}

func id(n int64) string { return strconv.FormatInt(n, 10) }

func path(parts ...string) templ.SafeURL {
	s := ""
	for _, p := range parts {
		s += p
	}
	return templ.SafeURL(s)
}

// label translates key when the catalog has it, else shows fallback (an
// action code recorded before its label existed, say).
func label(ctx context.Context, key, fallback string) string {
	if i18n.Default().Has(key) {
		return i18n.T(ctx, key)
	}
	return fallback
}

func withQuery(base string, v url.Values) templ.SafeURL {
	if len(v) == 0 {
		return templ.SafeURL(base)
	}
	return templ.SafeURL(base + "?" + v.Encode())
}
