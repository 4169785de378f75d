// Package dashboard holds the overview start page of reviewers, viewers and
// admins, and the small pieces (light badges, rates, plan selector) that
// the 台账, indicator, scorecard and print pages share with it.
package dashboard

import (
	"context"
	"strconv"
	"strings"
	"time"

	"duban/internal/clock"
	"duban/internal/figures"
	"duban/internal/i18n"
	"duban/internal/model"
	"duban/internal/rules"
	"duban/views/components"
	"duban/views/paths"
)

// PlanOption is one entry of the plan selector.
type PlanOption struct {
	ID    int64
	Title string
}

// PlanPicker is the plan selector of a page (a GET form, so the choice is
// in the URL). AllowAll adds the "all plans" entry (value "all").
type PlanPicker struct {
	Action   string
	Plans    []PlanOption
	Selected int64 // 0 = all plans
	AllowAll bool
}

// LightName is the CSS and catalog name of a light.
func LightName(l rules.Light) string { return l.String() }

// LightLabel is a light's text.
func LightLabel(ctx context.Context, l rules.Light) string { return i18n.T(ctx, "light."+l.String()) }

// Ratio formats "2/3".
func Ratio(a, b int) string { return strconv.Itoa(a) + "/" + strconv.Itoa(b) }

// PeriodLabel renders a plan's period by index ("" for -1).
func PeriodLabel(ctx context.Context, p *figures.Plan, i int) string {
	if p == nil || i < 0 || i >= len(p.Periods) {
		return ""
	}
	return i18n.PeriodLabel(ctx, p.Periods[i].Label)
}

// StateLabel is a report state's text ("" state = not started).
func StateLabel(ctx context.Context, state string) string {
	if state == "" {
		state = "none"
	}
	return i18n.T(ctx, "report.state."+state)
}

// ReviewLabel is the review state of a report: waiting, returned, approved
// or "" when there is nothing to review.
func ReviewLabel(ctx context.Context, state string) string {
	switch state {
	case model.ReportSubmitted:
		return i18n.T(ctx, "dash.review.waiting")
	case model.ReportReturned:
		return i18n.T(ctx, "dash.review.returned")
	case model.ReportApproved:
		return i18n.T(ctx, "dash.review.approved")
	}
	return ""
}

// ProgressLabel is a progress state's text.
func ProgressLabel(ctx context.Context, p string) string {
	if p == "" {
		return ""
	}
	return i18n.T(ctx, "progress."+p)
}

// LightSegments turns a distribution into stacked-bar segments in display
// order (red, yellow, green, blue, grey).
func LightSegments(ctx context.Context, c figures.Counts) []components.Segment {
	out := make([]components.Segment, 0, len(rules.All))
	for _, l := range rules.All {
		out = append(out, components.Segment{Label: LightLabel(ctx, l), Value: c.Of(l), Class: l.String()})
	}
	return out
}

// RateClass colours a submission rate: red below 60%, yellow below 90%;
// grey while its period is not yet due (a low rate then is no failure).
func RateClass(f float64, notDue bool) string {
	switch {
	case notDue:
		return "grey"
	case f < 60:
		return "red"
	case f < 90:
		return "yellow"
	}
	return "green"
}

// GroupTitle is a progress-table row's title: the domain, or the plan.
func GroupTitle(g figures.Group) string {
	if g.Domain != nil {
		return g.Domain.Label + " " + g.Domain.Title
	}
	if g.Plan != nil {
		return g.Plan.Title
	}
	return ""
}

// ReasonText renders the reasons of a light in the reader's language.
func ReasonText(ctx context.Context, rs []rules.Reason) string { return i18n.Reasons(ctx, rs) }

// ChaseLabel names the periods a 催办 chases: 「2014年第4季度、2015年第1季度」.
func ChaseLabel(ctx context.Context, cs []rules.Chase) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = i18n.PeriodLabel(ctx, c.Period)
	}
	return strings.Join(parts, i18n.T(ctx, "rules.period_sep"))
}

// MostSent is the most prompts already sent for one of the chased periods.
func MostSent(cs []rules.Chase) int {
	n := 0
	for _, c := range cs {
		n = max(n, c.Sent)
	}
	return n
}

// ChaseButton is the text of a 催办 button: 「催办」 or 「催办 3 期」, and
// 「第2次催办」 when a chased period was prompted before; the periods are
// beside it and in the button's title (ChaseLabel).
func ChaseButton(ctx context.Context, cs []rules.Chase) string {
	if n := MostSent(cs); n > 0 {
		if len(cs) > 1 {
			return i18n.T(ctx, "rules.prompt.nth_button_n", n+1, len(cs))
		}
		return i18n.T(ctx, "rules.prompt.nth_button", n+1)
	}
	if len(cs) > 1 {
		return i18n.T(ctx, "rules.prompt.button_n", len(cs))
	}
	return i18n.T(ctx, "rules.prompt.button")
}

// Itoa is strconv.Itoa for templates.
func Itoa(n int) string { return strconv.Itoa(n) }

// I64 formats an ID.
func I64(n int64) string { return strconv.FormatInt(n, 10) }

// ActivityItem is one line of recent activity.
type ActivityItem struct {
	At         time.Time
	Actor      string
	Action     string // audit action, e.g. report.submit
	ObjectType string
	ObjectID   int64
}

// ActivityText describes an audit action in words; actions the catalog
// does not know are shown by their code.
func ActivityText(ctx context.Context, it ActivityItem) string {
	if key := "dash.activity." + it.Action; i18n.Default().Has(key) {
		return i18n.T(ctx, key)
	}
	return i18n.T(ctx, "dash.activity.other", it.Action)
}

// ActivityURL links an activity's object where it has a page.
func ActivityURL(it ActivityItem) string {
	switch it.ObjectType {
	case "measure":
		return paths.Measure(it.ObjectID)
	case "assignment":
		return paths.Assignment(it.ObjectID)
	case "plan":
		return paths.Plan(it.ObjectID)
	}
	return ""
}

// RuleNote says which rule gives the measures their light, with the
// unit-level distribution beside it.
func RuleNote(ctx context.Context, rule string, units figures.Counts) string {
	key := "rules.overview.by_lead"
	if rule == rules.MeasureByWorst {
		key = "rules.overview.by_worst"
	}
	return i18n.T(ctx, key, units.Total, units.Red, units.Yellow, units.Green, units.Blue, units.Grey)
}

// PromptMessage is the default text of a 催办:
// 「请于4月8日前报送2014年第4季度工作进展」. The date is the earliest chased
// period's deadline, or, when that has passed, today plus the grace days.
func PromptMessage(ctx context.Context, cs []rules.Chase, now time.Time, graceDays int) string {
	if len(cs) == 0 {
		return ""
	}
	by := cs[0].Due
	if today := clock.Date(now); by.Before(today) {
		by = today.AddDate(0, 0, graceDays)
	}
	return i18n.T(ctx, "rules.prompt.default", i18n.MonthDay(ctx, by), ChaseLabel(ctx, cs))
}
