// Package lights computes the traffic lights (红黄绿灯) of DESIGN.md from
// facts and the clock. It is pure: callers load the facts in bulk, so a
// dashboard of any size costs a bounded number of queries.
package lights

import (
	"math"
	"time"

	"duban/internal/clock"
	"duban/internal/model"
)

// Light is a traffic-light colour. Higher is worse, except blue (closed),
// which ends the scale.
type Light int

const (
	Grey   Light = iota // 灰: nothing due yet
	Green               // 绿: on time and on track
	Blue                // 蓝: closed (办结)
	Yellow              // 黄: at risk
	Red                 // 红: overdue
)

// All lists the lights in display order.
var All = []Light{Red, Yellow, Green, Blue, Grey}

func (l Light) String() string {
	switch l {
	case Red:
		return "red"
	case Yellow:
		return "yellow"
	case Green:
		return "green"
	case Blue:
		return "blue"
	}
	return "grey"
}

// Parse reads a light name; ok is false for an unknown name.
func Parse(s string) (Light, bool) {
	for _, l := range All {
		if l.String() == s {
			return l, true
		}
	}
	return Grey, false
}

// rank orders lights by urgency for "worst of": red > yellow > green > grey > blue.
func rank(l Light) int {
	switch l {
	case Red:
		return 4
	case Yellow:
		return 3
	case Green:
		return 2
	case Grey:
		return 1
	}
	return 0
}

// Worst returns the most urgent of ls (Grey for none).
func Worst(ls ...Light) Light {
	w, r := Grey, -1
	for _, l := range ls {
		if rank(l) > r {
			w, r = l, rank(l)
		}
	}
	return w
}

// Rules are the thresholds an admin can change.
type Rules struct {
	ReturnGraceDays int `json:"return_grace_days"` // red: returned and not resubmitted within N days
	DueSoonDays     int `json:"due_soon_days"`     // yellow: due within N days and not submitted
	BehindPoints    int `json:"behind_points"`     // yellow: percent more than N points behind 序时进度
}

// DefaultRules are DESIGN.md's defaults.
var DefaultRules = Rules{ReturnGraceDays: 5, DueSoonDays: 3, BehindPoints: 10}

// Reason keys (catalog keys) explain a light.
const (
	ReasonOverdueReport  = "light.reason.overdue_report"
	ReasonReturnedStale  = "light.reason.returned_stale"
	ReasonMeasureOverdue = "light.reason.measure_overdue"
	ReasonDueSoon        = "light.reason.due_soon"
	ReasonBehindState    = "light.reason.behind_state"
	ReasonBehindSchedule = "light.reason.behind_schedule"
	ReasonTargetOffPath  = "light.reason.target_off_path"
	ReasonClosed         = "light.reason.closed"
	ReasonNothingDue     = "light.reason.nothing_due"
	ReasonOnTrack        = "light.reason.on_track"
)

// PeriodReport is one reporting period of an assignment and the state of
// its report ("" when none was started).
type PeriodReport struct {
	DueOn      time.Time
	State      string // model.Report* or ""
	ReturnedAt *time.Time
}

// TargetTrack is a quantified target with the actuals reported for it, in
// report order (oldest first).
type TargetTrack struct {
	Op      string
	Value   float64
	Year    int
	Actuals []Actual
}

// Actual is one reported value.
type Actual struct {
	At    time.Time
	Value float64
}

// Facts are what one assignment's light is computed from.
type Facts struct {
	PlanStart     time.Time
	MeasureDue    time.Time
	MeasureClosed bool
	Periods       []PeriodReport
	// Latest progress from the newest submitted report ("" when none).
	ProgressState string
	Percent       int
	HasProgress   bool
	Targets       []TargetTrack
}

// Result is a light with the reasons that made it.
type Result struct {
	Light   Light
	Reasons []string
}

func submitted(state string) bool {
	return state == model.ReportSubmitted || state == model.ReportApproved
}

// Assignment computes the light of one assignment at now.
func Assignment(f Facts, r Rules, now time.Time) Result {
	if f.MeasureClosed {
		return Result{Light: Blue, Reasons: []string{ReasonClosed}}
	}
	today := clock.Date(now)
	var red, yellow []string
	add := func(list *[]string, reason string) {
		for _, x := range *list {
			if x == reason {
				return
			}
		}
		*list = append(*list, reason)
	}
	anyDue := false
	for _, p := range f.Periods {
		due := clock.Date(p.DueOn)
		days := clock.DaysBetween(today, due) // negative: past due
		if days <= r.DueSoonDays {
			anyDue = true
		}
		switch {
		case p.State == model.ReportReturned:
			if p.ReturnedAt != nil && clock.DaysBetween(*p.ReturnedAt, now) > r.ReturnGraceDays {
				add(&red, ReasonReturnedStale)
			} else {
				add(&yellow, ReasonDueSoon)
			}
		case submitted(p.State):
		case days < 0:
			add(&red, ReasonOverdueReport)
		case days <= r.DueSoonDays:
			add(&yellow, ReasonDueSoon)
		}
	}
	if !f.MeasureDue.IsZero() && today.After(clock.Date(f.MeasureDue)) {
		add(&red, ReasonMeasureOverdue)
	}
	if f.HasProgress {
		if f.ProgressState == model.ProgressBehind {
			add(&yellow, ReasonBehindState)
		}
		if f.ProgressState != model.ProgressDone {
			if exp := ExpectedPercent(f.PlanStart, f.MeasureDue, now); float64(f.Percent) < exp-float64(r.BehindPoints) {
				add(&yellow, ReasonBehindSchedule)
			}
		}
	}
	for _, t := range f.Targets {
		if TargetOffPath(t, f.PlanStart, now) {
			add(&yellow, ReasonTargetOffPath)
			break
		}
	}
	switch {
	case len(red) > 0:
		return Result{Light: Red, Reasons: append(red, yellow...)}
	case len(yellow) > 0:
		return Result{Light: Yellow, Reasons: yellow}
	case !anyDue && !f.HasProgress:
		return Result{Light: Grey, Reasons: []string{ReasonNothingDue}}
	}
	return Result{Light: Green, Reasons: []string{ReasonOnTrack}}
}

// Measure combines the lights of a measure's assignments: blue when closed,
// otherwise the most urgent.
func Measure(closed bool, assignments ...Light) Light {
	if closed {
		return Blue
	}
	return Worst(assignments...)
}

// ExpectedPercent is 序时进度: the elapsed share (0–100) of the time from
// start to due at now.
func ExpectedPercent(start, due, now time.Time) float64 {
	if start.IsZero() || due.IsZero() || !due.After(start) {
		return 0
	}
	total := due.Sub(start).Hours()
	el := now.Sub(start).Hours()
	return math.Max(0, math.Min(100, el/total*100))
}

// YearEnd is the last day of a target year, when the target must be met.
func YearEnd(year int) time.Time {
	return time.Date(year, 12, 31, 0, 0, 0, 0, clock.Zone)
}

// Met reports whether actual satisfies the target. "~" (左右) allows 5%
// either side.
func Met(op string, target, actual float64) bool {
	switch op {
	case ">=":
		return actual >= target
	case ">":
		return actual > target
	case "<=":
		return actual <= target
	case "<":
		return actual < target
	case "~":
		return math.Abs(actual-target) <= math.Abs(target)*0.05
	}
	return actual == target
}

// PathValue is where a target should stand at now on the straight line
// from the first reported actual (the baseline) to the target value at the
// end of its year. ok is false when there is no baseline to draw from.
func PathValue(t TargetTrack, planStart, now time.Time) (float64, bool) {
	if len(t.Actuals) == 0 {
		return 0, false
	}
	base := t.Actuals[0]
	end := YearEnd(t.Year)
	if !end.After(base.At) {
		return t.Value, true
	}
	share := now.Sub(base.At).Hours() / end.Sub(base.At).Hours()
	share = math.Max(0, math.Min(1, share))
	return base.Value + (t.Value-base.Value)*share, true
}

// TargetOffPath reports whether a target's latest actual is behind its
// straight-line path (and not already met).
func TargetOffPath(t TargetTrack, planStart, now time.Time) bool {
	if len(t.Actuals) < 2 {
		// One value is the baseline itself; it cannot be behind its own path.
		if len(t.Actuals) == 1 && now.After(YearEnd(t.Year)) {
			return !Met(t.Op, t.Value, t.Actuals[0].Value)
		}
		return false
	}
	latest := t.Actuals[len(t.Actuals)-1].Value
	if Met(t.Op, t.Value, latest) {
		return false
	}
	want, ok := PathValue(t, planStart, t.Actuals[len(t.Actuals)-1].At)
	if !ok {
		return false
	}
	switch t.Op {
	case "<=", "<":
		return latest > want
	case "~", "=":
		// Moving towards the value: behind when further from it than the path.
		return math.Abs(latest-t.Value) > math.Abs(want-t.Value)
	}
	return latest < want
}
