// Package periods cuts a plan's time span into reporting periods (quarterly
// by default, monthly optional), each due N days after it ends.
package periods

import (
	"fmt"
	"time"

	"duban/internal/clock"
)

// Reporting cycles.
const (
	Quarterly = "quarterly"
	Monthly   = "monthly"
)

// Period is one reporting period. Dates are local midnights; EndsOn is the
// last day of the period.
type Period struct {
	Seq      int
	Label    string // 2014Q3 or 2014-07
	StartsOn time.Time
	EndsOn   time.Time
	DueOn    time.Time
}

// Generate returns the periods covering start..end. The first period begins
// on start; a first stub shorter than a third of a cycle (a plan issued in
// the middle of June) is folded into the next period, so nobody reports on
// two weeks of work.
func Generate(start, end time.Time, cycle string, dueDays int) ([]Period, error) {
	start, end = clock.Date(start), clock.Date(end)
	if end.Before(start) {
		return nil, fmt.Errorf("periods: end %s is before start %s", end.Format(time.DateOnly), start.Format(time.DateOnly))
	}
	months := 3
	switch cycle {
	case Quarterly:
	case Monthly:
		months = 1
	default:
		return nil, fmt.Errorf("periods: unknown cycle %q", cycle)
	}
	if dueDays < 0 || dueDays > 60 {
		return nil, fmt.Errorf("periods: due days %d out of range 0–60", dueDays)
	}
	var out []Period
	from := start
	for !from.After(end) {
		y, m, _ := from.Date()
		// First month of the cycle containing from.
		first := time.Month((int(m)-1)/months*months + 1)
		nextStart := time.Date(y, first, 1, 0, 0, 0, 0, clock.Zone).AddDate(0, months, 0)
		last := nextStart.AddDate(0, 0, -1)
		if len(out) == 0 && last.Sub(from).Hours()/24 < float64(months)*30/3 && nextStart.Before(end) {
			// Fold the stub into the next cycle.
			last = nextStart.AddDate(0, months, -1)
			nextStart = nextStart.AddDate(0, months, 0)
		}
		if last.After(end) {
			last = end
		}
		out = append(out, Period{
			Seq:      len(out) + 1,
			Label:    label(last, months),
			StartsOn: from,
			EndsOn:   last,
			DueOn:    last.AddDate(0, 0, dueDays),
		})
		from = last.AddDate(0, 0, 1)
	}
	return out, nil
}

func label(last time.Time, months int) string {
	if months == 1 {
		return last.Format("2006-01")
	}
	return fmt.Sprintf("%dQ%d", last.Year(), (int(last.Month())-1)/3+1)
}

// Current returns the index of the period whose report is the one to work on
// at now: the earliest period that has ended but whose due date has not
// passed, else the period running now, else the last period; -1 for none.
func Current(ps []Period, now time.Time) int {
	today := clock.Date(now)
	for i, p := range ps {
		if today.After(p.EndsOn) && !today.After(p.DueOn) {
			return i
		}
	}
	for i, p := range ps {
		if !today.Before(p.StartsOn) && !today.After(p.EndsOn) {
			return i
		}
	}
	if len(ps) > 0 && today.After(ps[len(ps)-1].EndsOn) {
		return len(ps) - 1
	}
	return -1
}
