package planadmin

import (
	"strconv"

	"duban/internal/clock"
	"duban/internal/periods"
	"duban/internal/validate"
)

// Limits of the plan settings form.
const (
	MaxPlanTitle = 300
	MaxPlanYears = 20
)

// PlanForm is a plan's settings form as typed.
type PlanForm struct {
	Version   int
	Title     string
	Reporting string
	DueDays   string
	StartOn   string
	EndOn     string
}

// CheckPlan checks a plan's settings form: a title, a reporting cycle,
// 0–60 days to report after a period ends, and a span of at most
// MaxPlanYears that does not end before it starts. It returns the settings
// to store and adds the field errors to errs.
func CheckPlan(f PlanForm, errs validate.Errors) PlanSettings {
	ps := PlanSettings{Title: f.Title, Reporting: f.Reporting}
	checkTitle(errs, "title", f.Title, MaxPlanTitle)
	if f.Reporting != periods.Quarterly && f.Reporting != periods.Monthly {
		errs.Set("reporting", "plans.err.reporting")
	}
	if n, err := strconv.Atoi(f.DueDays); err != nil || n < 0 || n > 60 {
		errs.Set("due_days", "plans.err.due_days")
	} else {
		ps.DueDays = n
	}
	start, okStart := clock.ParseDay(f.StartOn)
	if !okStart {
		errs.Set("start_on", "plans.err.date")
	}
	end, okEnd := clock.ParseDay(f.EndOn)
	switch {
	case !okEnd:
		errs.Set("end_on", "plans.err.date")
	case okStart && end.Before(start):
		errs.Set("end_on", "plans.err.end_before_start")
	case okStart && end.After(start.AddDate(MaxPlanYears, 0, 0)):
		errs.Set("end_on", "plans.err.span_too_long", strconv.Itoa(MaxPlanYears))
	}
	ps.StartOn, ps.EndOn = start, end
	return ps
}
