// Package figures is THE facts loader: it loads a scope's plans, domains,
// measures, targets and periods, and each assignment's compact facts from
// the read model (internal/readmodel: one row per assignment, kept by the
// writes; never the reporting history), turns them into rules.Facts, asks internal/rules what every
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
//	snap, err := figures.Load(ctx, st, figures.Scope{PlanID: planID, UnitID: unitID}, h.Clock.Now())
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
// Load runs the same number of queries (eight) whatever the size of the
// scope, and none reads reports, target values, reviews or prompts.
// A Snapshot is read-only.
package figures

import (
	"context"
	"fmt"
	"time"

	"duban/internal/clock"
	"duban/internal/model"
	"duban/internal/periods"
	"duban/internal/readmodel"
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
	ends        []time.Time // period ends by index
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
// the unit has not started one), as the read model keeps it.
type Report = readmodel.Report

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
	values      []readmodel.Value
	assignedOn  time.Time
	// adjustedDue is the deadline an approved extension set (0: the
	// measure's); instr the leaders' instructions the unit answers.
	adjustedDue int64
	instr       []readmodel.Instr
}

// DueOn is the assignment's deadline: an approved extension's date, else
// the measure's.
func (a *Assignment) DueOn() time.Time {
	if a.adjustedDue != 0 {
		return readmodel.FromEpoch(a.adjustedDue)
	}
	return a.Measure.DueOn
}

// Extended reports whether an approved extension moved the deadline.
func (a *Assignment) Extended() bool { return a.adjustedDue != 0 }

// InstructionsOverdue counts the instructions past their reply date
// without an answer.
func (a *Assignment) InstructionsOverdue(now time.Time) int {
	n := 0
	for _, in := range a.instr {
		if rules.InstructionOverdue(rules.Instruction{Due: readmodel.FromEpoch(in.Due), AnsweredAt: readmodel.FromEpoch(in.Answered)}, now) {
			n++
		}
	}
	return n
}

// Plan returns the assignment's plan.
func (a *Assignment) Plan() *Plan { return a.Measure.Plan }

// Latest returns the index of the newest period with a report (any state),
// or -1.
func (a *Assignment) Latest() int {
	for i := len(a.Reports) - 1; i >= 0; i-- {
		if a.Reports[i].Started() {
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
		t = max(t, r.SubmittedSec)
	}
	return readmodel.FromEpoch(t)
}

// Actual returns the newest actual the assignment reported for a target in
// a submitted report: its period index and value; ok is false for none.
func (a *Assignment) Actual(targetID int64) (period int, v float64, ok bool) {
	return readmodel.LatestActual(a.values, targetID)
}

// Track is a target's actuals as reported by the assignment, oldest first,
// dated at the end of their period.
func (a *Assignment) Track(t *model.Target) rules.Target {
	return readmodel.Track(a.values, t, a.Measure.Plan.ends)
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
func (a *Assignment) AssignedOn() time.Time { return a.assignedOn }

// Facts are the compact facts the rules read for the assignment.
func (a *Assignment) Facts() rules.Facts {
	return a.facts(rules.Facts{})
}

// facts builds the assignment's rules.Facts, reusing buf's slices.
func (a *Assignment) facts(buf rules.Facts) rules.Facts {
	m := a.Measure
	f := readmodel.Facts{Reports: a.Reports, Values: a.values, Prompts: a.prompts, PlanStart: readmodel.Epoch(m.Plan.StartOn),
		Assigned: readmodel.Epoch(a.assignedOn), Due: readmodel.Epoch(m.DueOn), AdjDue: a.adjustedDue, Instr: a.instr}
	if m.ClosedAt != nil {
		f.Closed = readmodel.Epoch(*m.ClosedAt)
	}
	return f.Rules(m.Plan.ends, m.Targets, buf)
}

// Plan returns a plan of the snapshot, or nil.
func (s *Snapshot) Plan(id int64) *Plan { return s.plans[id] }

// Measure returns a measure of the snapshot, or nil.
func (s *Snapshot) Measure(id int64) *Measure { return s.measures[id] }

// Assignment returns an assignment of the snapshot, or nil.
func (s *Snapshot) Assignment(id int64) *Assignment { return s.assignments[id] }

type reviewTally struct{ approve, ret int }

// Load reads the facts of a scope and computes every light at now. It
// runs a fixed number of queries whatever the scope's size, and one when
// an equal snapshot is cached. The snapshot may be shared: never change it.
func Load(ctx context.Context, st *store.Store, sc Scope, now time.Time) (*Snapshot, error) {
	rm, err := readmodel.Sync(ctx, st, now)
	if err != nil {
		return nil, err
	}
	// A snapshot is reused while the read model's generation stands (any
	// write that changes what it shows bumps it, in any instance), until
	// the next light can change by the clock or the day ends (reasons
	// count days). Free-text scopes are not kept, nor what a transaction
	// sees before it commits.
	type cached struct {
		gen        int64
		from, till time.Time
		snap       *Snapshot
	}
	keep := sc.Text == "" && !st.InTransaction(ctx)
	if keep {
		if v, ok := st.Memo().Get(sc); ok {
			c := v.(*cached)
			if c.gen == rm.Generation && !now.Before(c.from) && now.Before(c.till) {
				return c.snap, nil
			}
		}
	}
	s, err := load(ctx, st, sc, now)
	if err != nil || !keep {
		return s, err
	}
	till := clock.Date(now).AddDate(0, 0, 1)
	if rm.NextChange != 0 && time.Unix(rm.NextChange, 0).Before(till) {
		till = time.Unix(rm.NextChange, 0)
	}
	st.Memo().Put(sc, &cached{gen: rm.Generation, from: now, till: till, snap: s})
	return s, nil
}

func load(ctx context.Context, st *store.Store, sc Scope, now time.Time) (*Snapshot, error) {
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
		for _, x := range p.Periods {
			p.ends = append(p.ends, x.EndsOn)
		}
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
	// One row per assignment from the read model: its compact facts,
	// decoded into the snapshot; the lights are assessed at now below.
	var f readmodel.Facts
	err = st.EachState(ctx, fs, func(x *model.AssignmentState) error {
		m := s.measures[x.MeasureID]
		if m == nil {
			return nil
		}
		f = readmodel.Facts{}
		if err := readmodel.Decode(x.Facts, &f); err != nil {
			return fmt.Errorf("assignment state %d: %w", x.AssignmentID, err)
		}
		a := &Assignment{Assignment: model.Assignment{ID: x.AssignmentID, MeasureID: x.MeasureID, UnitID: x.UnitID, Role: x.Role,
			CreatedAt: readmodel.FromEpoch(f.Created)}, Measure: m, Unit: s.Units[x.UnitID],
			Reports: f.Reports, OpenPrompts: f.Open, prompts: f.Prompts, values: f.Values, assignedOn: readmodel.FromEpoch(f.Assigned),
			adjustedDue: f.AdjDue, instr: f.Instr}
		if f.AdjDue != 0 {
			t := readmodel.FromEpoch(f.AdjDue)
			a.Assignment.DueOn = &t
		}
		if f.Signed != 0 {
			t := readmodel.FromEpoch(f.Signed)
			a.SignedAt = &t
		}
		if n := len(m.Plan.Periods); len(a.Reports) != n {
			// Periods were added or removed since the row was written (the
			// triggers list it; a drain is on its way): align by index.
			a.Reports = append(a.Reports[:min(len(a.Reports), n):min(len(a.Reports), n)], make([]Report, max(0, n-len(a.Reports)))...)
		}
		if a.Unit == nil {
			a.Unit = &model.Unit{ID: x.UnitID, Name: fmt.Sprintf("#%d", x.UnitID)}
		}
		if f.Approvals+f.Returns > 0 {
			t := s.reviews[x.UnitID]
			if t == nil {
				t = &reviewTally{}
				s.reviews[x.UnitID] = t
			}
			t.approve += f.Approvals
			t.ret += f.Returns
		}
		m.Assignments = append(m.Assignments, a)
		s.assignments[a.ID] = a
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, m := range s.Measures {
		s.Assignments = append(s.Assignments, m.Assignments...)
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
