// Package rules decides, for one assignment at one instant, what it owes
// and how it stands: the reporting periods it owes and the state of each,
// the periods a 催办 chases, the 补报 items, and the traffic light (红黄绿灯)
// with structured reasons. It is pure — no database, no catalog — so every
// page, export, badge, prompt and the API read the same answers, and a
// read model can store them.
//
// The rules in plain words (the /admin/lights page and the README say the
// same to the office):
//   - A unit owes one report per period of the plan, from the period in
//     which it was given the work (the plan's start when it came with the
//     plan) to the measure's due date: no period that starts after the due
//     date, none after 办结.
//   - The light says where the work stands now. Red: a report of an owed
//     period is past its deadline and no later report has been handed in; a
//     returned report is not resubmitted within the grace days; the measure is
//     past its due date and not closed. Yellow: a report is due within the
//     warning days; a report was returned and the grace days are running; the
//     latest report says 滞后 or is more points behind 序时进度 than allowed;
//     a target's latest actual is behind its path. Green: none of these. Blue:
//     closed. Grey: nothing has fallen due yet. A leader's instruction
//     (领导批示) past its reply date without an answer is red too.
//   - An approved extension (延期) moves the assignment's due date: the
//     caller passes it as Facts.DueOn.
//   - A missed report that a later report has covered is a 补报 item: it stays
//     in the scorecard and the ledger's history and is still chased, but it
//     no longer decides today's light.
package rules

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

// How a measure's light follows its units' lights.
const (
	MeasureByLead  = "lead"  // 牵头单位负总责: the lead unit's light (default)
	MeasureByWorst = "worst" // the most urgent unit's light
)

// Settings are the thresholds and the measure rule an admin can change.
type Settings struct {
	ReturnGraceDays int    `json:"return_grace_days"` // red: returned and not resubmitted within N days
	DueSoonDays     int    `json:"due_soon_days"`     // yellow: due within N days and not submitted
	BehindPoints    int    `json:"behind_points"`     // yellow: percent more than N points behind 序时进度
	MeasureRule     string `json:"measure_rule"`      // MeasureByLead or MeasureByWorst
}

// DefaultSettings are DESIGN.md's defaults.
var DefaultSettings = Settings{ReturnGraceDays: 5, DueSoonDays: 3, BehindPoints: 10, MeasureRule: MeasureByLead}

// Normalized fills a missing measure rule (settings stored before it
// existed) with the default.
func (s Settings) Normalized() Settings {
	if s.MeasureRule != MeasureByWorst {
		s.MeasureRule = MeasureByLead
	}
	return s
}

// Period is one reporting period of a plan; dates are local midnights and
// Ends is its last day.
type Period struct {
	ID     int64     `json:"id,omitempty"` // the caller's identifier, carried into Chase
	Seq    int       `json:"seq"`
	Label  string    `json:"label"` // 2014Q4 or 2015-01
	Starts time.Time `json:"starts"`
	Ends   time.Time `json:"ends"`
	Due    time.Time `json:"due"`
}

// Report is what the rules need of one assignment × period report (the
// zero Report when none was started).
type Report struct {
	State       string    `json:"state,omitempty"` // model.Report* or ""
	SubmittedAt time.Time `json:"submitted_at,omitzero"`
	ReturnedAt  time.Time `json:"returned_at,omitzero"`
	Progress    string    `json:"progress,omitempty"` // model.Progress*
	Percent     int       `json:"percent,omitempty"`
}

// Submitted reports whether the report counts as handed in (submitted or
// approved; a returned report has to be handed in again).
func (r Report) Submitted() bool {
	return r.State == model.ReportSubmitted || r.State == model.ReportApproved
}

// Target is a quantified target with the actuals the assignment reported
// for it in submitted reports, oldest first.
type Target struct {
	Indicator string   `json:"indicator"`
	Op        string   `json:"op"`
	Value     float64  `json:"value"`
	Unit      string   `json:"unit,omitempty"`
	Year      int      `json:"year"`
	Actuals   []Actual `json:"actuals,omitempty"`
}

// Actual is one reported value, dated at the end of its period.
type Actual struct {
	At    time.Time `json:"at"`
	Value float64   `json:"value"`
}

// Facts are everything the rules read about one assignment. They are small
// and plain, so a read model can keep them per assignment.
type Facts struct {
	PlanStart time.Time `json:"plan_start"`
	// AssignedOn is when the unit was given the work; zero when it came
	// with the plan (it then owes from the plan's first period).
	AssignedOn time.Time `json:"assigned_on,omitzero"`
	// DueOn is the measure's due date, or a later approved deadline.
	DueOn    time.Time `json:"due_on"`
	ClosedOn time.Time `json:"closed_on,omitzero"` // 办结; zero while open
	// Reports by period index (as the plan's periods; may be shorter).
	Reports []Report `json:"reports"`
	Targets []Target `json:"targets,omitempty"`
	// Prompts counts the 催办 prompts sent per period index (may be shorter).
	Prompts []int `json:"prompts,omitempty"`
	// Instructions are the leaders' instructions (领导批示) with a reply
	// date that the assignment's unit has to answer.
	Instructions []Instruction `json:"instructions,omitempty"`
}

// Instruction is a 领导批示 awaiting the unit's reply by Due; AnsweredAt is
// zero while it is not answered.
type Instruction struct {
	Due        time.Time `json:"due"`
	AnsweredAt time.Time `json:"answered_at,omitzero"`
}

// InstructionOverdue reports whether an instruction is past its reply date
// at today without a reply.
func InstructionOverdue(in Instruction, now time.Time) bool {
	return !in.Due.IsZero() && in.AnsweredAt.IsZero() && clock.Date(now).After(clock.Date(in.Due))
}

func (f *Facts) report(i int) Report {
	if i < len(f.Reports) {
		return f.Reports[i]
	}
	return Report{}
}

func (f *Facts) prompts(i int) int {
	if i < len(f.Prompts) {
		return f.Prompts[i]
	}
	return 0
}

// Closed reports whether the measure is closed.
func (f *Facts) Closed() bool { return !f.ClosedOn.IsZero() }

// PeriodState is where one period's report stands for an assignment.
type PeriodState int

const (
	NotOwed       PeriodState = iota // before the assignment, after the due date or after 办结
	Upcoming                         // owed, not started yet
	Open                             // owed, running or waiting, its deadline not near
	DueSoon                          // not handed in, due within the warning days
	Overdue                          // past its deadline, nothing handed in since
	CatchUp                          // 补报: past its deadline, missed, a later report handed in
	Returned                         // returned, within the grace days
	ReturnedStale                    // returned, grace days over
	OnTime                           // handed in by its deadline
	Late                             // handed in after its deadline
)

// Owed reports whether a report is owed for the period.
func (s PeriodState) Owed() bool { return s != NotOwed }

// Handed reports whether the period's report is handed in.
func (s PeriodState) Handed() bool { return s == OnTime || s == Late }

// Chased reports whether a 催办 may name the period.
func (s PeriodState) Chased() bool {
	return s == DueSoon || s == Overdue || s == CatchUp || s == Returned || s == ReturnedStale
}

// Reason kinds. Each is also the suffix of its catalog key
// (light.reason.<kind>), whose text takes the reason's values.
const (
	KindOverdue        = "overdue_report"      // Period, Days overdue
	KindReturnedStale  = "returned_stale"      // Period, Days since returned
	KindMeasureOverdue = "measure_overdue"     // Date (due), Days overdue
	KindInstruction    = "instruction_overdue" // Date (reply due), Days overdue: 领导批示逾期未反馈
	KindDueSoon        = "due_soon"            // Period, Date (deadline), Days left
	KindReturned       = "returned"            // Period, Days left to resubmit
	KindBehindState    = "behind_state"        // Period (of the report)
	KindBehindSchedule = "behind_schedule"     // Period, Percent, Expected, Behind
	KindTargetOffPath  = "target_off_path"     // Indicator, Op, Value, Unit, Actual
	KindCatchUp        = "catch_up"            // Period: 补报, does not decide the light
	KindClosed         = "closed"              // Date (closed)
	KindNothingDue     = "nothing_due"
	KindOnTrack        = "on_track"
)

// Reason is one structured reason of a light; views render it in the
// reader's language from its values.
type Reason struct {
	Kind      string    `json:"kind"`
	Light     Light     `json:"light"`            // the light this reason asks for on its own
	Period    string    `json:"period,omitempty"` // period label, e.g. 2014Q4
	Seq       int       `json:"seq,omitempty"`    // the period's Seq
	Days      int       `json:"days,omitempty"`
	Date      time.Time `json:"date,omitzero"`
	Percent   int       `json:"percent,omitempty"`
	Expected  int       `json:"expected,omitempty"`
	Behind    int       `json:"behind,omitempty"`
	Indicator string    `json:"indicator,omitempty"`
	Op        string    `json:"op,omitempty"`
	Value     float64   `json:"value,omitempty"`
	Unit      string    `json:"unit,omitempty"`
	Actual    float64   `json:"actual,omitempty"`
}

// Chase is one period a 催办 names, with the prompts already sent for it.
type Chase struct {
	Index    int   // period index
	PeriodID int64 // the period's ID
	Period   string
	Due      time.Time
	Sent     int // prompts already sent for the period; the next is 第Sent+1次
}

// Status is the rules' answer for one assignment at one instant.
type Status struct {
	Light   Light
	Reasons []Reason      // most urgent first; 补报 items last
	Periods []PeriodState // by period index
	Chase   []Chase       // earliest first
	CatchUp []int         // period indexes of the 补报 items
	Current int           // index of the period to work on now (periods.Current among the owed), -1 for none
	// NextChange is the earliest instant after now at which the clock
	// alone can change the light, a period's state (what is owed, what is
	// chased) or the current period; zero when nothing can. It may be
	// early (nothing changes then) but never late, so a read model that
	// stores the light refreshes it from an index on this instant.
	NextChange time.Time
}

// Chases reports whether a 催办 may name period index i.
func (s *Status) Chases(i int) bool {
	for _, c := range s.Chase {
		if c.Index == i {
			return true
		}
	}
	return false
}

// owes reports whether the assignment owes period p.
func (f *Facts) owes(p Period) bool {
	if !f.DueOn.IsZero() && p.Starts.After(clock.Date(f.DueOn)) {
		return false
	}
	if !f.AssignedOn.IsZero() && p.Ends.Before(clock.Date(f.AssignedOn)) {
		return false
	}
	if f.Closed() && !clock.Date(f.ClosedOn).After(p.Ends) {
		return false
	}
	return true
}

// Assess applies the rules to one assignment's facts at now; ps are its
// plan's periods in order.
func Assess(ps []Period, f Facts, s Settings, now time.Time) Status {
	today := clock.Date(now)
	st := Status{Periods: make([]PeriodState, len(ps)), Current: -1}
	lastHanded := -1
	for i, p := range ps {
		if f.owes(p) && f.report(i).Submitted() {
			lastHanded = i
		}
	}
	for i, p := range ps {
		if !f.owes(p) {
			continue
		}
		r := f.report(i)
		days := clock.DaysBetween(today, p.Due) // negative: past due
		switch {
		case r.Submitted():
			st.Periods[i] = OnTime
			if !r.SubmittedAt.IsZero() && clock.Date(r.SubmittedAt).After(p.Due) {
				st.Periods[i] = Late
			}
		case r.State == model.ReportReturned:
			st.Periods[i] = Returned
			if !r.ReturnedAt.IsZero() && clock.DaysBetween(r.ReturnedAt, now) > s.ReturnGraceDays {
				st.Periods[i] = ReturnedStale
			}
		case days < 0 && i < lastHanded:
			st.Periods[i] = CatchUp
		case days < 0:
			st.Periods[i] = Overdue
		case days <= s.DueSoonDays:
			st.Periods[i] = DueSoon
		case today.Before(p.Starts):
			st.Periods[i] = Upcoming
		default:
			st.Periods[i] = Open
		}
	}
	st.Current = current(ps, st.Periods, today)
	st.NextChange = nextChange(ps, &f, s, st.Periods, lastHanded, now)
	if f.Closed() {
		st.Light = Blue
		st.Reasons = []Reason{{Kind: KindClosed, Light: Blue, Date: clock.Date(f.ClosedOn)}}
		for i, ps := range st.Periods {
			if ps == CatchUp || ps == Overdue {
				st.CatchUp = append(st.CatchUp, i)
			}
		}
		return st
	}

	var red, yellow, info []Reason
	for i, p := range ps {
		ps := st.Periods[i]
		if ps.Chased() {
			st.Chase = append(st.Chase, Chase{Index: i, PeriodID: p.ID, Period: p.Label, Due: p.Due, Sent: f.prompts(i)})
		}
		switch ps {
		case Overdue:
			red = append(red, Reason{Kind: KindOverdue, Light: Red, Period: p.Label, Seq: p.Seq, Days: -clock.DaysBetween(today, p.Due)})
		case ReturnedStale:
			red = append(red, Reason{Kind: KindReturnedStale, Light: Red, Period: p.Label, Seq: p.Seq,
				Days: clock.DaysBetween(f.report(i).ReturnedAt, now)})
		case Returned:
			left := s.ReturnGraceDays
			if at := f.report(i).ReturnedAt; !at.IsZero() {
				left -= clock.DaysBetween(at, now)
			}
			yellow = append(yellow, Reason{Kind: KindReturned, Light: Yellow, Period: p.Label, Seq: p.Seq, Days: left})
		case DueSoon:
			yellow = append(yellow, Reason{Kind: KindDueSoon, Light: Yellow, Period: p.Label, Seq: p.Seq,
				Date: p.Due, Days: clock.DaysBetween(today, p.Due)})
		case CatchUp:
			st.CatchUp = append(st.CatchUp, i)
			info = append(info, Reason{Kind: KindCatchUp, Light: Green, Period: p.Label, Seq: p.Seq,
				Days: -clock.DaysBetween(today, p.Due)})
		}
	}
	if !f.DueOn.IsZero() && today.After(clock.Date(f.DueOn)) {
		red = append(red, Reason{Kind: KindMeasureOverdue, Light: Red, Date: clock.Date(f.DueOn),
			Days: clock.DaysBetween(f.DueOn, today)})
	}
	for _, in := range f.Instructions {
		if InstructionOverdue(in, now) {
			red = append(red, Reason{Kind: KindInstruction, Light: Red, Date: clock.Date(in.Due),
				Days: clock.DaysBetween(in.Due, today)})
		}
	}
	hasProgress := lastHanded >= 0
	if hasProgress {
		p, r := ps[lastHanded], f.report(lastHanded)
		if r.Progress == model.ProgressBehind {
			yellow = append(yellow, Reason{Kind: KindBehindState, Light: Yellow, Period: p.Label, Seq: p.Seq})
		}
		if r.Progress != model.ProgressDone {
			// 序时进度 as of the end of the reported period: a report speaks
			// for its period, not for the days since.
			asOf := p.Ends
			if asOf.After(today) {
				asOf = today
			}
			exp := int(math.Round(ExpectedPercent(f.PlanStart, f.DueOn, asOf.AddDate(0, 0, 1))))
			if behind := exp - r.Percent; behind > s.BehindPoints {
				yellow = append(yellow, Reason{Kind: KindBehindSchedule, Light: Yellow, Period: p.Label, Seq: p.Seq,
					Percent: r.Percent, Expected: exp, Behind: behind})
			}
		}
	}
	for _, t := range f.Targets {
		if TargetOffPath(t, f.PlanStart, now) {
			yellow = append(yellow, Reason{Kind: KindTargetOffPath, Light: Yellow, Indicator: t.Indicator, Op: t.Op,
				Value: t.Value, Unit: t.Unit, Actual: t.Actuals[len(t.Actuals)-1].Value})
		}
	}
	switch {
	case len(red) > 0:
		st.Light, st.Reasons = Red, append(append(red, yellow...), info...)
	case len(yellow) > 0:
		st.Light, st.Reasons = Yellow, append(yellow, info...)
	case !hasProgress && !anyDue(ps, st.Periods, today):
		st.Light, st.Reasons = Grey, append([]Reason{{Kind: KindNothingDue, Light: Grey}}, info...)
	default:
		st.Light, st.Reasons = Green, append([]Reason{{Kind: KindOnTrack, Light: Green}}, info...)
	}
	return st
}

// nextChange is the earliest day boundary after now at which a rule of
// Assess reads the date differently: a period starts, ends, comes within
// the warning days, reaches or passes its deadline; a returned report's
// grace days run out; the measure passes its due date; a target's year
// ends; and, while the latest handed-in report's period is running, every
// midnight (序时进度 grows daily).
func nextChange(ps []Period, f *Facts, s Settings, states []PeriodState, lastHanded int, now time.Time) time.Time {
	var next time.Time
	consider := func(d time.Time) {
		if d.After(now) && (next.IsZero() || d.Before(next)) {
			next = d
		}
	}
	for i, p := range ps {
		if !states[i].Owed() {
			continue
		}
		consider(p.Starts)
		consider(p.Ends.AddDate(0, 0, 1))
		consider(p.Due.AddDate(0, 0, -s.DueSoonDays))
		consider(p.Due)
		consider(p.Due.AddDate(0, 0, 1))
		if r := f.report(i); r.State == model.ReportReturned && !r.ReturnedAt.IsZero() {
			consider(clock.Date(r.ReturnedAt).AddDate(0, 0, s.ReturnGraceDays+1))
		}
	}
	if !f.DueOn.IsZero() {
		consider(clock.Date(f.DueOn).AddDate(0, 0, 1))
	}
	for _, in := range f.Instructions {
		if !in.Due.IsZero() && in.AnsweredAt.IsZero() {
			consider(clock.Date(in.Due).AddDate(0, 0, 1)) // InstructionOverdue turns on
		}
	}
	today := clock.Date(now)
	if lastHanded >= 0 && !ps[lastHanded].Ends.Before(today) {
		consider(today.AddDate(0, 0, 1))
	}
	for _, t := range f.Targets {
		if len(t.Actuals) == 1 {
			// TargetOffPath turns on once now is after the year's last midnight.
			consider(YearEnd(t.Year).Add(time.Second))
		}
	}
	return next
}

// anyDue reports whether an owed period's deadline has been reached.
func anyDue(ps []Period, states []PeriodState, today time.Time) bool {
	for i, p := range ps {
		if states[i].Owed() && !today.Before(p.Due) {
			return true
		}
	}
	return false
}

// current is the owed period to work on at today: the earliest that has
// ended and whose deadline has not passed, else the one running, else the
// last owed one that has ended; -1 when none is owed yet.
func current(ps []Period, states []PeriodState, today time.Time) int {
	for i, p := range ps {
		if states[i].Owed() && today.After(p.Ends) && !today.After(p.Due) {
			return i
		}
	}
	for i, p := range ps {
		if states[i].Owed() && !today.Before(p.Starts) && !today.After(p.Ends) {
			return i
		}
	}
	last := -1
	for i, p := range ps {
		if states[i].Owed() && today.After(p.Ends) {
			last = i
		}
	}
	return last
}

// Measure combines the lights of a measure's units: blue when closed;
// otherwise the lead unit's light under MeasureByLead (the worst when the
// lead is not among them), the most urgent under MeasureByWorst.
func Measure(closed bool, rule string, lead Light, hasLead bool, units ...Light) Light {
	if closed {
		return Blue
	}
	if rule != MeasureByWorst && hasLead {
		return lead
	}
	return Worst(units...)
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
func PathValue(t Target, planStart, now time.Time) (float64, bool) {
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
func TargetOffPath(t Target, planStart, now time.Time) bool {
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
