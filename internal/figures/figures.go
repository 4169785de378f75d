package figures

import (
	"math"
	"sort"
	"time"

	"duban/internal/clock"
	"duban/internal/model"
	"duban/internal/readmodel"
	"duban/internal/rules"
)

// Counts is a light distribution.
type Counts struct {
	Total, Red, Yellow, Green, Blue, Grey int
}

// Add counts one light.
func (c *Counts) Add(l rules.Light) {
	c.Total++
	switch l {
	case rules.Red:
		c.Red++
	case rules.Yellow:
		c.Yellow++
	case rules.Green:
		c.Green++
	case rules.Blue:
		c.Blue++
	default:
		c.Grey++
	}
}

// Of returns the count of one light.
func (c Counts) Of(l rules.Light) int {
	switch l {
	case rules.Red:
		return c.Red
	case rules.Yellow:
		return c.Yellow
	case rules.Green:
		return c.Green
	case rules.Blue:
		return c.Blue
	}
	return c.Grey
}

// MeasureLights is the distribution of the measures' lights.
func (s *Snapshot) MeasureLights() Counts {
	var c Counts
	for _, m := range s.Measures {
		c.Add(m.Light)
	}
	return c
}

// AssignmentLights is the distribution of the assignments' lights.
func (s *Snapshot) AssignmentLights() Counts {
	var c Counts
	for _, a := range s.Assignments {
		c.Add(a.Status.Light)
	}
	return c
}

// Group is a row of the overview's progress table: a domain (one plan in
// scope) or a whole plan (every plan in scope). Counts are of measures by
// light: Blue = closed, Green = on track, Yellow = at risk, Red = overdue,
// Grey = nothing due yet.
type Group struct {
	Plan       *Plan
	Domain     *Domain // nil for a plan row
	Counts     Counts
	Completion float64 // mean of the measures' Percent, 0–100
}

func group(p *Plan, d *Domain, ms []*Measure) Group {
	g := Group{Plan: p, Domain: d}
	sum := 0
	for _, m := range ms {
		g.Counts.Add(m.Light)
		sum += m.Percent()
	}
	if len(ms) > 0 {
		g.Completion = float64(sum) / float64(len(ms))
	}
	return g
}

// DomainGroups returns one row per domain of every plan in scope, in plan
// order (domains without measures in scope are left out when the scope is
// filtered by text or unit).
func (s *Snapshot) DomainGroups() []Group {
	var out []Group
	filtered := s.Scope.Text != "" || s.Scope.UnitID != 0
	for _, p := range s.Plans {
		for _, d := range p.Domains {
			if filtered && len(d.Measures) == 0 {
				continue
			}
			out = append(out, group(p, d, d.Measures))
		}
	}
	return out
}

// Total is the whole scope as one row.
func (s *Snapshot) Total() Group { return group(nil, nil, s.Measures) }

// Attention is one line of the overdue and at-risk list; the periods a
// 催办 names are its Assignment.Status.Chase.
type Attention struct {
	Assignment *Assignment
}

// Attention returns the assignments whose light is red or yellow, red
// first, then in plan order; at most limit (all when limit <= 0), and the
// total number.
func (s *Snapshot) Attention(limit int) ([]Attention, int) {
	var out []Attention
	total := 0
	for _, want := range []rules.Light{rules.Red, rules.Yellow} {
		for _, a := range s.Assignments {
			if a.Status.Light != want {
				continue
			}
			total++
			if limit <= 0 || len(out) < limit {
				out = append(out, Attention{Assignment: a})
			}
		}
	}
	return out, total
}

// Rate is a submission rate: of Expected reports, Submitted were handed in
// (submitted or approved), OnTime of them by the due date.
type Rate struct {
	Expected, Submitted, OnTime int
}

// Percent is Submitted/Expected in percent (0 when nothing is expected).
func (r Rate) Percent() float64 { return pct(r.Submitted, r.Expected) }

func pct(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) * 100 / float64(b)
}

func (r *Rate) add(a *Assignment, i int) {
	if !a.Owed(i) {
		return
	}
	r.Expected++
	if a.Reports[i].Submitted() {
		r.Submitted++
		if a.OnTime(i) {
			r.OnTime++
		}
	}
}

// UnitRate is a unit's submission rate.
type UnitRate struct {
	Unit *model.Unit
	Rate
}

// CurrentRates returns each unit's submission rate for the current period
// of every plan in scope (periods.Current), lowest rate first, then by
// unit order.
func (s *Snapshot) CurrentRates() []UnitRate {
	by := map[int64]*UnitRate{}
	var out []*UnitRate
	for _, a := range s.Assignments {
		ci := a.Measure.Plan.Current
		if ci < 0 {
			continue
		}
		ur := by[a.UnitID]
		if ur == nil {
			ur = &UnitRate{Unit: a.Unit}
			by[a.UnitID] = ur
			out = append(out, ur)
		}
		ur.add(a, ci)
	}
	res := make([]UnitRate, 0, len(out))
	for _, ur := range out {
		if ur.Expected > 0 {
			res = append(res, *ur)
		}
	}
	sort.SliceStable(res, func(i, j int) bool {
		pi, pj := res[i].Percent(), res[j].Percent()
		if pi != pj {
			return pi < pj
		}
		return unitLess(res[i].Unit, res[j].Unit)
	})
	return res
}

func unitLess(a, b *model.Unit) bool {
	if a.SortOrder != b.SortOrder {
		return a.SortOrder < b.SortOrder
	}
	if a.Kind != b.Kind {
		return a.Kind < b.Kind // as store.ListUnits: departments before districts
	}
	if a.Name != b.Name {
		return a.Name < b.Name
	}
	return a.ID < b.ID
}

// PeriodRate is the submission rate of one period label (2015Q1) across
// the scope.
type PeriodRate struct {
	Label string
	DueOn time.Time // the latest due date among the plans with the label
	Rate
}

// PeriodRates returns the submission rate of each period up to the current
// one, oldest first; periods with the same label in several plans are
// added up. At most the last max labels (all when max <= 0).
func (s *Snapshot) PeriodRates(max int) []PeriodRate {
	var rs periodRates
	for _, a := range s.Assignments {
		p := a.Measure.Plan
		for i := 0; i <= p.Current && i < len(p.Periods); i++ {
			rs.of(p.Periods[i]).add(a, i)
		}
	}
	return rs.last(max)
}

// periodRates adds up the rates of the periods that share a label across
// plans, keeping the latest due date among them.
type periodRates struct {
	idx map[string]int
	out []PeriodRate
}

func (rs *periodRates) of(per model.Period) *PeriodRate {
	k, ok := rs.idx[per.Label]
	if !ok {
		if rs.idx == nil {
			rs.idx = map[string]int{}
		}
		k = len(rs.out)
		rs.idx[per.Label] = k
		rs.out = append(rs.out, PeriodRate{Label: per.Label, DueOn: per.DueOn})
	}
	r := &rs.out[k]
	if per.DueOn.After(r.DueOn) {
		r.DueOn = per.DueOn
	}
	return r
}

// last sorts the labels, oldest first, and keeps the last max (all when
// max <= 0).
func (rs *periodRates) last(max int) []PeriodRate {
	out := rs.out
	sort.SliceStable(out, func(i, j int) bool { return out[i].Label < out[j].Label })
	if max > 0 && len(out) > max {
		out = out[len(out)-max:]
	}
	return out
}

// Indicator statuses.
const (
	IndicatorNoData = readmodel.IndicatorNoData
	IndicatorMet    = readmodel.IndicatorMet
	IndicatorOnPath = readmodel.IndicatorOnPath
	IndicatorBehind = readmodel.IndicatorBehind
	IndicatorMissed = readmodel.IndicatorMissed
)

// IndicatorStatuses lists the statuses in display order.
var IndicatorStatuses = []string{IndicatorBehind, IndicatorMissed, IndicatorOnPath, IndicatorMet, IndicatorNoData}

// Indicator is one line of the indicator table (指标监测): a quantified
// target with the lead unit's latest reported actual.
type Indicator struct {
	Target   *model.Target
	Measure  *Measure
	Reporter *Assignment // the lead assignment; nil when none in scope
	Period   int         // period index of the actual, -1 for none
	Actual   float64
	HasValue bool
	At       time.Time // when the report with the actual was submitted
	Path     float64   // where the target should stand now (序时目标)
	HasPath  bool
	Status   string // Indicator*
}

// Indicators returns every target in scope in plan order.
func (s *Snapshot) Indicators() []Indicator {
	var out []Indicator
	for _, m := range s.Measures {
		lead := m.Lead()
		for _, t := range m.Targets {
			ind := Indicator{Target: t, Measure: m, Reporter: lead, Period: -1, Status: IndicatorNoData}
			if lead != nil {
				if i, v, ok := lead.Actual(t.ID); ok {
					ind.Period, ind.Actual, ind.HasValue = i, v, true
					ind.At = lead.Reports[i].SubmittedAt()
					tr := lead.Track(t)
					ind.Path, ind.HasPath = rules.PathValue(tr, m.Plan.StartOn, s.Now)
					ind.Status = readmodel.IndicatorStatus(t, tr, v, m.Plan.StartOn, s.Now)
				}
			}
			out = append(out, ind)
		}
	}
	return out
}

// IndicatorCounts counts indicators by status.
func IndicatorCounts(inds []Indicator) map[string]int {
	c := map[string]int{}
	for _, ind := range inds {
		c[ind.Status]++
	}
	return c
}

// Score is one unit's line of the scorecard (评价).
type Score struct {
	Unit        *model.Unit
	Assignments int // measures assigned (any role)
	Leads       int // of which as lead unit
	Due         int // reports due so far
	OnTime      int // of them handed in by the due date
	Outstanding int // due and not handed in (incl. returned and not resubmitted)
	CatchUp     int // of them 补报 items: missed, a later report handed in
	Reviews     int // review decisions on the unit's reports
	Returns     int // of them returns
	Closed      int // assigned measures closed (办结)
	Extended    int // assignments whose deadline an approved extension moved (延期)
	// InstructionsOverdue counts leaders' instructions past their reply
	// date without an answer (领导批示逾期未反馈).
	InstructionsOverdue int
}

// OnTimeRate is OnTime/Due in percent.
func (sc Score) OnTimeRate() float64 { return pct(sc.OnTime, sc.Due) }

// ReturnRate is Returns/Reviews in percent.
func (sc Score) ReturnRate() float64 { return pct(sc.Returns, sc.Reviews) }

// Scorecard returns one line per unit with assignments in scope, in unit
// order. A report is due once its period's due date has passed; on time
// means handed in (the current version submitted or approved) by that date.
func (s *Snapshot) Scorecard() []Score {
	today := clock.Date(s.Now)
	by := map[int64]*Score{}
	var order []*Score
	for _, a := range s.Assignments {
		sc := by[a.UnitID]
		if sc == nil {
			sc = &Score{Unit: a.Unit}
			by[a.UnitID] = sc
			order = append(order, sc)
		}
		sc.Assignments++
		if a.Role == model.AssignLead {
			sc.Leads++
		}
		if a.Measure.Closed() {
			sc.Closed++
		}
		if a.Extended() {
			sc.Extended++
		}
		sc.InstructionsOverdue += a.InstructionsOverdue(s.Now)
		for i, p := range a.Measure.Plan.rulePeriods {
			st := a.Status.Periods[i]
			if !today.After(p.Due) || !st.Owed() {
				continue
			}
			sc.Due++
			if st == rules.OnTime {
				sc.OnTime++
			}
			if !st.Handed() {
				sc.Outstanding++
			}
			if st == rules.CatchUp {
				sc.CatchUp++
			}
		}
	}
	for id, t := range s.reviews {
		if sc := by[id]; sc != nil {
			sc.Reviews = t.approve + t.ret
			sc.Returns = t.ret
		}
	}
	out := make([]Score, len(order))
	for i, sc := range order {
		out[i] = *sc
	}
	sort.SliceStable(out, func(i, j int) bool { return unitLess(out[i].Unit, out[j].Unit) })
	return out
}

// Round1 rounds a percentage to one decimal for display and tests.
func Round1(f float64) float64 { return math.Round(f*10) / 10 }
