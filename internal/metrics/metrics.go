// Package metrics is THE facts loader: it loads a scope's plans, domains,
// measures, targets, assignments, periods, reports, target values and
// prompts in a fixed number of queries (never one per row), turns them into
// each assignment's compact rules.Facts, asks internal/rules what every
// assignment owes and how it stands (rules.Status: light, reasons, owed
// periods, the periods to chase, 补报 items), combines the measures' lights,
// and derives the figures the screens show: per-domain counts and
// completion, the light distribution, the overdue and at-risk list,
// submission rates per unit and per period, the indicator table and the
// unit scorecard. Every page, export, badge and the 催办 check read it; no
// other code derives a light or a period to chase.
//
// Use it like this (the unit dashboard passes its unit):
//
//	snap, err := metrics.Load(ctx, st, metrics.Scope{PlanID: planID, UnitID: unitID}, h.Clock.Now())
//	for _, a := range snap.Assignments {
//		a.Status.Light             // rules.Red … rules.Grey
//		a.Status.Reasons           // structured reasons; i18n.Reason renders them
//		a.Status.Chase             // the periods a 催办 names, earliest first
//		if i := a.Latest(); i >= 0 { // the newest period with a report
//			a.Reports[i].State()     // model.Report*
//		}
//		a.Facts()                  // the compact facts the rules read
//	}
//	m := snap.Measure(measureID) // m.Light, m.Percent(), m.Assignments
//
// Load runs the same number of queries (a dozen) whatever the size of the
// scope; the large tables are streamed, four of the queries side by side.
// A Snapshot is read-only and belongs to one request.
package metrics

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"duban/internal/clock"
	"duban/internal/model"
	"duban/internal/periods"
	"duban/internal/rules"
	"duban/internal/store"
)

// Scope selects what a Snapshot covers. Zero fields mean "all".
//
// With UnitID set only that unit's assignments are loaded, so a measure's
// light is the worst of that unit's assignments on it (its light "for the
// unit"), and the indicator table only has actuals where the unit leads.
type Scope struct {
	PlanID    int64
	DomainID  int64
	MeasureID int64
	UnitID    int64
	Text      string // measures whose title or source text contains it (literal, not a pattern)
	// OwedOnly loads only what decides what is owed (periods, due dates,
	// closure, reports): no domains, targets, actuals, prompts, review
	// tallies, instructions or unit names. Status.Periods and Status.Current are right; the light and the
	// reasons miss the targets and the prompt counts. For the 待办 badge.
	OwedOnly bool
}

// Snapshot is everything the dashboards show about a scope at one instant.
type Snapshot struct {
	Now      time.Time
	Settings rules.Settings
	Scope    Scope

	Plans       []*Plan       // newest first
	Measures    []*Measure    // plan order (within each plan)
	Assignments []*Assignment // plan order, lead first within a measure
	Units       map[int64]*model.Unit

	plans       map[int64]*Plan
	measures    map[int64]*Measure
	assignments map[int64]*Assignment
	reviews     map[int64]*reviewTally // by unit
}

// Plan is a plan with its periods and domains.
type Plan struct {
	model.Plan
	Periods  []model.Period // in order
	Current  int            // index in Periods of the period to work on now (periods.Current); -1 for none
	Domains  []*Domain
	Measures []*Measure
	period   map[int64]int // period ID → index
	// The periods as the rules read them, computed once.
	rulePeriods []rules.Period
}

// RulePeriods are the plan's periods as internal/rules reads them.
func (p *Plan) RulePeriods() []rules.Period { return p.rulePeriods }

// CurrentPeriod returns the period to work on now, or nil.
func (p *Plan) CurrentPeriod() *model.Period {
	if p.Current < 0 || p.Current >= len(p.Periods) {
		return nil
	}
	return &p.Periods[p.Current]
}

// PeriodIndex returns the index of a period ID, or -1.
func (p *Plan) PeriodIndex(id int64) int {
	if i, ok := p.period[id]; ok {
		return i
	}
	return -1
}

// Domain is one domain (领域) of a plan.
type Domain struct {
	model.Domain
	Plan     *Plan
	Measures []*Measure
}

// Measure is a measure with its targets, assignments and light.
type Measure struct {
	model.Measure // without SourceText
	Plan          *Plan
	Domain        *Domain
	Targets       []*model.Target
	Assignments   []*Assignment // lead first
	Light         rules.Light
}

// Flagged are the measure's co-units (not the lead) whose light is red or
// yellow: under the lead rule they are named beside the measure's light.
func (m *Measure) Flagged() []*Assignment {
	var out []*Assignment
	for _, a := range m.Assignments {
		if a.Role != model.AssignLead && (a.Status.Light == rules.Red || a.Status.Light == rules.Yellow) {
			out = append(out, a)
		}
	}
	return out
}

// Closed reports whether the measure is closed (办结).
func (m *Measure) Closed() bool { return m.ClosedAt != nil }

// Lead is the measure's lead assignment in scope, or nil.
func (m *Measure) Lead() *Assignment {
	for _, a := range m.Assignments {
		if a.Role == model.AssignLead {
			return a
		}
	}
	return nil
}

// Percent is the measure's completion: 100 when closed, otherwise the
// percent of the lead unit's newest submitted report (0 when none).
func (m *Measure) Percent() int {
	if m.Closed() {
		return 100
	}
	if l := m.Lead(); l != nil {
		if i := l.LatestSubmitted(); i >= 0 {
			return l.Reports[i].Percent()
		}
	}
	return 0
}

// Report is the state of one assignment × period (the zero Report when
// the unit has not started one). It is packed into 32 bytes: a province's
// overview holds a million of them.
type Report struct {
	ID        int64
	submitted int64 // Unix seconds, 0 when never submitted
	returned  int64 // Unix seconds, 0 when never returned
	percent   int16
	state     uint8 // index in stateNames
	progress  uint8 // index in progressNames
}

var (
	stateNames    = []string{"", model.ReportDraft, model.ReportSubmitted, model.ReportReturned, model.ReportApproved}
	progressNames = []string{"", model.ProgressNotStarted, model.ProgressOnTrack, model.ProgressBehind, model.ProgressDone}
)

func index(names []string, s string) uint8 {
	for i, n := range names {
		if n == s {
			return uint8(i)
		}
	}
	return 0
}

func epoch(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

func fromEpoch(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(n, 0).UTC()
}

// State is the report's state (model.Report*), "" when none was started.
func (r Report) State() string { return stateNames[r.state] }

// Progress is the reported progress state (model.Progress*).
func (r Report) Progress() string { return progressNames[r.progress] }

// Percent is the reported percent complete.
func (r Report) Percent() int { return int(r.percent) }

// SubmittedAt is when the current version was submitted (zero for never).
func (r Report) SubmittedAt() time.Time { return fromEpoch(r.submitted) }

// ReturnedAt is when the report was last returned (zero for never).
func (r Report) ReturnedAt() time.Time { return fromEpoch(r.returned) }

// Submitted reports whether the report counts as handed in (submitted or
// approved; a returned report has to be handed in again).
func (r Report) Submitted() bool {
	st := stateNames[r.state]
	return st == model.ReportSubmitted || st == model.ReportApproved
}

// Assignment is a measure × unit with its reports and what the rules say
// about it.
type Assignment struct {
	model.Assignment
	Unit        *model.Unit
	Measure     *Measure
	Reports     []Report // one per period of the plan, by period index
	Status      rules.Status
	OpenPrompts int   // unresolved 催办 prompts
	prompts     []int // prompts sent per period index (nil when none)
	values      []value
	// instructions are the 领导批示 with a reply date the unit answers (the
	// lead assignment's).
	instructions []rules.Instruction
}

// DueOn is the assignment's deadline: an approved extension's date, else
// the measure's.
func (a *Assignment) DueOn() time.Time {
	if a.Assignment.DueOn != nil {
		return *a.Assignment.DueOn
	}
	return a.Measure.DueOn
}

// Extended reports whether an approved extension moved the deadline.
func (a *Assignment) Extended() bool { return a.Assignment.DueOn != nil }

// InstructionsOverdue counts the instructions past their reply date
// without an answer.
func (a *Assignment) InstructionsOverdue(now time.Time) int {
	n := 0
	for _, in := range a.instructions {
		if rules.InstructionOverdue(in, now) {
			n++
		}
	}
	return n
}

// value is one actual reported for a target in a submitted report.
type value struct {
	period   int
	targetID int64
	v        float64
}

// Plan returns the assignment's plan.
func (a *Assignment) Plan() *Plan { return a.Measure.Plan }

// Latest returns the index of the newest period with a report (any state),
// or -1.
func (a *Assignment) Latest() int {
	for i := len(a.Reports) - 1; i >= 0; i-- {
		if a.Reports[i].state != 0 {
			return i
		}
	}
	return -1
}

// LatestSubmitted returns the index of the newest period with a submitted
// or approved report, or -1.
func (a *Assignment) LatestSubmitted() int {
	for i := len(a.Reports) - 1; i >= 0; i-- {
		if a.Reports[i].Submitted() {
			return i
		}
	}
	return -1
}

// LastSubmittedAt is when the assignment last handed in a report (zero for
// never).
func (a *Assignment) LastSubmittedAt() time.Time {
	var t int64
	for _, r := range a.Reports {
		t = max(t, r.submitted)
	}
	return fromEpoch(t)
}

// Actual returns the newest actual the assignment reported for a target in
// a submitted report: its period index and value; ok is false for none.
func (a *Assignment) Actual(targetID int64) (period int, v float64, ok bool) {
	period = -1
	for _, x := range a.values {
		if x.targetID == targetID && x.period > period {
			period, v, ok = x.period, x.v, true
		}
	}
	return period, v, ok
}

// Track is a target's actuals as reported by the assignment, oldest first,
// dated at the end of their period.
func (a *Assignment) Track(t *model.Target) rules.Target {
	tr := rules.Target{Indicator: t.Indicator, Op: t.Op, Value: t.Value, Unit: t.Unit, Year: t.Year}
	ps := a.Measure.Plan.Periods
	for _, x := range a.values {
		if x.targetID == t.ID {
			tr.Actuals = append(tr.Actuals, rules.Actual{At: ps[x.period].EndsOn, Value: x.v})
		}
	}
	sort.Slice(tr.Actuals, func(i, j int) bool { return tr.Actuals[i].At.Before(tr.Actuals[j].At) })
	return tr
}

// Owed reports whether the assignment owes a report for period i.
func (a *Assignment) Owed(i int) bool { return a.Status.Periods[i].Owed() }

// OnTime reports whether period i's report was handed in by its deadline.
func (a *Assignment) OnTime(i int) bool { return a.Status.Periods[i] == rules.OnTime }

// Sent is the number of 催办 prompts sent for period i.
func (a *Assignment) Sent(i int) int {
	if i < len(a.prompts) {
		return a.prompts[i]
	}
	return 0
}

// AssignedOn is when the unit was given the work, as the rules read it:
// zero for an assignment made with its plan (it owes from the plan's
// start), else the day it was added.
func (a *Assignment) AssignedOn() time.Time {
	made := clock.Date(a.CreatedAt)
	if a.CreatedAt.IsZero() || !made.After(clock.Date(a.Measure.Plan.CreatedAt)) {
		return time.Time{}
	}
	return made
}

// Facts are the compact facts the rules read for the assignment.
func (a *Assignment) Facts() rules.Facts {
	return a.facts(rules.Facts{})
}

// facts builds the assignment's rules.Facts, reusing buf's slices.
func (a *Assignment) facts(buf rules.Facts) rules.Facts {
	m := a.Measure
	f := rules.Facts{PlanStart: m.Plan.StartOn, AssignedOn: a.AssignedOn(), DueOn: a.DueOn(),
		Reports: buf.Reports[:0], Targets: buf.Targets[:0], Prompts: a.prompts, Instructions: a.instructions}
	if m.ClosedAt != nil {
		f.ClosedOn = *m.ClosedAt
	}
	for _, r := range a.Reports {
		f.Reports = append(f.Reports, rules.Report{State: r.State(), SubmittedAt: r.SubmittedAt(), ReturnedAt: r.ReturnedAt(),
			Progress: r.Progress(), Percent: r.Percent()})
	}
	if len(a.values) > 0 {
		for _, t := range m.Targets {
			if tr := a.Track(t); len(tr.Actuals) > 0 {
				f.Targets = append(f.Targets, tr)
			}
		}
	}
	return f
}

// Plan returns a plan of the snapshot, or nil.
func (s *Snapshot) Plan(id int64) *Plan { return s.plans[id] }

// Measure returns a measure of the snapshot, or nil.
func (s *Snapshot) Measure(id int64) *Measure { return s.measures[id] }

// Assignment returns an assignment of the snapshot, or nil.
func (s *Snapshot) Assignment(id int64) *Assignment { return s.assignments[id] }

type reviewTally struct{ approve, ret int }

// Load reads the facts of a scope and computes every light at now. It
// runs a fixed number of queries whatever the scope's size.
func Load(ctx context.Context, st *store.Store, sc Scope, now time.Time) (*Snapshot, error) {
	fs := store.FactScope{PlanID: sc.PlanID, DomainID: sc.DomainID, MeasureID: sc.MeasureID, UnitID: sc.UnitID, Text: sc.Text}
	s := &Snapshot{Now: now, Scope: sc, Units: map[int64]*model.Unit{},
		plans: map[int64]*Plan{}, measures: map[int64]*Measure{}, assignments: map[int64]*Assignment{}, reviews: map[int64]*reviewTally{}}
	var err error
	if s.Settings, err = st.LightRules(ctx); err != nil {
		return nil, err
	}
	ps, err := st.FactPlans(ctx, fs)
	if err != nil {
		return nil, err
	}
	for i := range ps {
		p := &Plan{Plan: ps[i], Current: -1, period: map[int64]int{}}
		s.Plans = append(s.Plans, p)
		s.plans[p.ID] = p
	}
	pers, err := st.FactPeriods(ctx, fs)
	if err != nil {
		return nil, err
	}
	for _, x := range pers {
		if p := s.plans[x.PlanID]; p != nil {
			p.period[x.ID] = len(p.Periods)
			p.Periods = append(p.Periods, x)
		}
	}
	for _, p := range s.Plans {
		p.Current = periods.Current(PeriodsOf(p.Periods), now)
		p.rulePeriods = RulePeriods(p.Periods)
	}
	var ds []model.Domain
	if !sc.OwedOnly {
		if ds, err = st.FactDomains(ctx, fs); err != nil {
			return nil, err
		}
	}
	domains := map[int64]*Domain{}
	for i := range ds {
		p := s.plans[ds[i].PlanID]
		if p == nil {
			continue
		}
		d := &Domain{Domain: ds[i], Plan: p}
		p.Domains = append(p.Domains, d)
		domains[d.ID] = d
	}
	ms, err := st.FactMeasures(ctx, fs)
	if err != nil {
		return nil, err
	}
	for i := range ms {
		d := domains[ms[i].DomainID]
		if d == nil && sc.OwedOnly && s.plans[ms[i].PlanID] != nil {
			// Owed work needs no domain names: a nameless stand-in.
			d = &Domain{Domain: model.Domain{ID: ms[i].DomainID, PlanID: ms[i].PlanID}, Plan: s.plans[ms[i].PlanID]}
			domains[d.ID] = d
		}
		if d == nil {
			continue
		}
		m := &Measure{Measure: ms[i], Plan: d.Plan, Domain: d}
		d.Measures = append(d.Measures, m)
		d.Plan.Measures = append(d.Plan.Measures, m)
		s.measures[m.ID] = m
	}
	for _, p := range s.Plans {
		s.Measures = append(s.Measures, p.Measures...)
	}
	if !sc.OwedOnly {
		ts, err := st.FactTargets(ctx, fs)
		if err != nil {
			return nil, err
		}
		for i := range ts {
			if m := s.measures[ts[i].MeasureID]; m != nil {
				m.Targets = append(m.Targets, &ts[i])
			}
		}
		units, err := st.AllUnits(ctx)
		if err != nil {
			return nil, err
		}
		for i := range units {
			s.Units[units[i].ID] = &units[i]
		}
	}
	as, err := st.FactAssignments(ctx, fs)
	if err != nil {
		return nil, err
	}
	// One backing array per snapshot for every assignment × period.
	total := 0
	for i := range as {
		if m := s.measures[as[i].MeasureID]; m != nil {
			total += len(m.Plan.Periods)
		}
	}
	backing := make([]Report, total)
	for i := range as {
		m := s.measures[as[i].MeasureID]
		if m == nil {
			continue
		}
		n := len(m.Plan.Periods)
		a := &Assignment{Assignment: as[i], Measure: m, Unit: s.Units[as[i].UnitID], Reports: backing[:n:n]}
		backing = backing[n:]
		if a.Unit == nil {
			a.Unit = &model.Unit{ID: as[i].UnitID, Name: fmt.Sprintf("#%d", as[i].UnitID)}
		}
		m.Assignments = append(m.Assignments, a)
		s.assignments[a.ID] = a
	}
	for _, m := range s.Measures {
		s.Assignments = append(s.Assignments, m.Assignments...)
	}
	// The four remaining queries fill disjoint parts of the snapshot (each
	// assignment's Reports, its values, its OpenPrompts, the review tallies),
	// so they run side by side on the reader pool.
	var wg sync.WaitGroup
	errs := make([]error, 5)
	wg.Go(func() {
		errs[0] = st.EachReportFact(ctx, fs, func(f *store.ReportFact) error {
			a := s.assignments[f.AssignmentID]
			if a == nil {
				return nil
			}
			i := a.Measure.Plan.PeriodIndex(f.PeriodID)
			if i < 0 {
				return nil
			}
			a.Reports[i] = Report{ID: f.ID, state: index(stateNames, f.State), progress: index(progressNames, f.ProgressState),
				percent: int16(f.Percent), submitted: epoch(f.SubmittedAt), returned: epoch(f.ReturnedAt)}
			return nil
		})
	})
	if !sc.OwedOnly {
		wg.Go(func() {
			errs[1] = st.EachValueFact(ctx, fs, func(f *store.ValueFact) error {
				a := s.assignments[f.AssignmentID]
				if a == nil {
					return nil
				}
				if i := a.Measure.Plan.PeriodIndex(f.PeriodID); i >= 0 {
					a.values = append(a.values, value{period: i, targetID: f.TargetID, v: f.Value})
				}
				return nil
			})
		})
		wg.Go(func() {
			rcs, err := st.FactReviewCounts(ctx, fs)
			for _, rc := range rcs {
				t := s.reviews[rc.UnitID]
				if t == nil {
					t = &reviewTally{}
					s.reviews[rc.UnitID] = t
				}
				if rc.Decision == "return" {
					t.ret += rc.N
				} else {
					t.approve += rc.N
				}
			}
			errs[2] = err
		})
		wg.Go(func() {
			pcs, err := st.FactPrompts(ctx, fs)
			for _, pc := range pcs {
				a := s.assignments[pc.AssignmentID]
				if a == nil {
					continue
				}
				a.OpenPrompts += pc.Open
				if i := a.Measure.Plan.PeriodIndex(pc.PeriodID); i >= 0 {
					if a.prompts == nil {
						a.prompts = make([]int, len(a.Reports))
					}
					a.prompts[i] += pc.Sent
				}
			}
			errs[3] = err
		})
	}
	// Leaders' instructions (领导批示) with a reply date: a red reason of
	// the lead's light; what is owed does not depend on them.
	if !sc.OwedOnly {
		wg.Go(func() {
			ifs, err := st.FactInstructions(ctx, fs)
			for _, f := range ifs {
				if a := s.assignments[f.AssignmentID]; a != nil {
					a.instructions = append(a.instructions, rules.Instruction{Due: f.DueOn, AnsweredAt: f.RepliedAt})
				}
			}
			errs[4] = err
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	s.computeLights()
	return s, nil
}

// computeLights asks the rules about every assignment and combines the
// measures' lights.
func (s *Snapshot) computeLights() {
	var f rules.Facts
	rule := s.Settings.MeasureRule
	for _, m := range s.Measures {
		ls := make([]rules.Light, 0, len(m.Assignments))
		lead, hasLead := rules.Grey, false
		for _, a := range m.Assignments {
			f = a.facts(f)
			a.Status = rules.Assess(m.Plan.rulePeriods, f, s.Settings, s.Now)
			ls = append(ls, a.Status.Light)
			if a.Role == model.AssignLead {
				lead, hasLead = a.Status.Light, true
			}
		}
		m.Light = rules.Measure(m.Closed(), rule, lead, hasLead, ls...)
	}
}

// PeriodsOf turns stored periods into the period generator's.
func PeriodsOf(ps []model.Period) []periods.Period {
	out := make([]periods.Period, len(ps))
	for i, x := range ps {
		out[i] = periods.Period{Seq: x.Seq, Label: x.Label, StartsOn: x.StartsOn, EndsOn: x.EndsOn, DueOn: x.DueOn}
	}
	return out
}

// RulePeriods turns stored periods into the rules' periods.
func RulePeriods(ps []model.Period) []rules.Period {
	out := make([]rules.Period, len(ps))
	for i, x := range ps {
		out[i] = rules.Period{ID: x.ID, Seq: x.Seq, Label: x.Label, Starts: clock.Date(x.StartsOn), Ends: clock.Date(x.EndsOn), Due: clock.Date(x.DueOn)}
	}
	return out
}
