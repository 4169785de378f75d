// Package reports holds the report form, the report page with its review
// form and version diff, and small parts the other workflow pages share.
package reports

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"duban/internal/format"
	"duban/internal/i18n"
	"duban/internal/model"
	"duban/internal/reqctx"
	"duban/internal/rules"
	"duban/views/pages/dashboard"
)

// Size is a human file size.
func Size(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// LightName is a light's colour name.
func LightName(l rules.Light) string { return l.String() }

// Reasons joins a light's reasons in the reader's language.
func Reasons(ctx context.Context, r rules.Status) string {
	return dashboard.ReasonText(ctx, r.Reasons)
}

// ID formats an ID for a form value.
func ID(id int64) string { return strconv.FormatInt(id, 10) }

// DaysText says how long until a due date, or how long overdue.
func DaysText(ctx context.Context, days int) string {
	switch {
	case days < 0:
		return i18n.T(ctx, "todo.overdue", -days)
	case days == 0:
		return i18n.T(ctx, "todo.due_today")
	}
	return i18n.T(ctx, "todo.days_left", days)
}

// FieldKey is the catalog key of a report field's label.
func FieldKey(field string) string { return "report.field." + field }

func orNone(ctx context.Context, s string) string {
	if strings.TrimSpace(s) == "" {
		return i18n.T(ctx, "common.none")
	}
	return s
}

func valueOrDash(v *float64) string {
	if v == nil {
		return "—"
	}
	return format.NumPtr(v)
}

func targetField(id int64) string { return "target_" + strconv.FormatInt(id, 10) }

// coState is what a lead unit may know of a co-unit's report: a draft
// never submitted is "not reported".
func coState(c CoInput) string {
	if c.Report == nil || c.Report.VersionNo == 0 {
		return "none"
	}
	return c.Report.State
}

func coReported(rows []CoInput) int {
	n := 0
	for _, c := range rows {
		if c.Report != nil && c.Report.VersionNo > 0 {
			n++
		}
	}
	return n
}

// leadReviews reports whether the viewer reviews co-unit inputs: a unit
// user (on these pages, the lead unit's); the office and leaders only read
// them.
func leadReviews(ctx context.Context) bool {
	u := reqctx.User(ctx)
	return u != nil && u.Role == model.RoleUnit
}
