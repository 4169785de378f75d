package figures

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"duban/internal/clock"
	"duban/internal/model"
	"duban/internal/periods"
	"duban/internal/readmodel"
	"duban/internal/rules"
	"duban/internal/store"
)

// Summary is what the all-plans overview and scorecard show, read from
// the read model's rollups (a row per plan and per unit, kept by the
// writes) instead of every assignment: the same figures a Snapshot of
// every plan gives, at the cost of a few hundred rows on a province.
type Summary struct {
	Now      time.Time
	Settings rules.Settings
	Plans    []*Plan // newest first, with their periods (no domains or measures)
	Units    map[int64]*model.Unit

	plans   map[int64]*readmodel.Tally
	units   map[int64]*readmodel.Tally
	targets int

	// The attention list, loaded once per summary (a summary is shared).
	mu             sync.Mutex
	attentionDone  bool
	attention      []Attention
	attentionTotal int
}

// LoadSummary brings the read model and its rollups up to now and reads
// the all-plans figures. A summary is reused while the read model's
// generation stands, until its next change or the day ends; never change
// it.
func LoadSummary(ctx context.Context, st *store.Store, now time.Time) (*Summary, error) {
	rm, err := readmodel.Sync(ctx, st, now)
	if err != nil {
		return nil, err
	}
	if changed, err := readmodel.SyncRollups(ctx, st, now); err != nil {
		return nil, err
	} else if changed {
		if rm, err = st.StateStatus(ctx); err != nil {
			return nil, err
		}
	}
	type key struct{}
	type cached struct {
		gen        int64
		from, till time.Time
		sum        *Summary
	}
	keep := !st.InTransaction(ctx)
	if keep {
		if v, ok := st.Memo().Get(key{}); ok {
			c := v.(*cached)
			if c.gen == rm.Generation && !now.Before(c.from) && now.Before(c.till) {
				return c.sum, nil
			}
		}
	}
	s, err := loadSummary(ctx, st, now)
	if err != nil || !keep {
		return s, err
	}
	till := clock.Date(now).AddDate(0, 0, 1)
	if rm.NextChange != 0 && time.Unix(rm.NextChange, 0).Before(till) {
		till = time.Unix(rm.NextChange, 0)
	}
	st.Memo().Put(key{}, &cached{gen: rm.Generation, from: now, till: till, sum: s})
	return s, nil
}

func loadSummary(ctx context.Context, st *store.Store, now time.Time) (*Summary, error) {
	s := &Summary{Now: now, Units: map[int64]*model.Unit{}, plans: map[int64]*readmodel.Tally{}, units: map[int64]*readmodel.Tally{}}
	var err error
	if s.Settings, err = st.LightRules(ctx); err != nil {
		return nil, err
	}
	ps, err := st.FactPlans(ctx, store.FactScope{})
	if err != nil {
		return nil, err
	}
	byID := map[int64]*Plan{}
	for i := range ps {
		p := &Plan{Plan: ps[i], Current: -1, period: map[int64]int{}}
		s.Plans = append(s.Plans, p)
		byID[p.ID] = p
	}
	pers, err := st.FactPeriods(ctx, store.FactScope{})
	if err != nil {
		return nil, err
	}
	for _, x := range pers {
		if p := byID[x.PlanID]; p != nil {
			p.period[x.ID] = len(p.Periods)
			p.Periods = append(p.Periods, x)
		}
	}
	for _, p := range s.Plans {
		p.Current = periods.Current(PeriodsOf(p.Periods), now)
	}
	units, err := st.AllUnits(ctx)
	if err != nil {
		return nil, err
	}
	for i := range units {
		s.Units[units[i].ID] = &units[i]
	}
	for _, x := range []struct {
		table string
		into  map[int64]*readmodel.Tally
	}{{store.RollupPlans, s.plans}, {store.RollupUnits, s.units}} {
		rows, err := st.Tallies(ctx, x.table)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			t, err := readmodel.DecodeTally(r.Tally)
			if err != nil {
				return nil, fmt.Errorf("%s %d/%d: %w", x.table, r.PlanID, r.UnitID, err)
			}
			x.into[r.PlanID+r.UnitID] = t // one of the two is 0
		}
	}
	if s.targets, err = st.CountTargets(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Summary) plan(id int64) *readmodel.Tally {
	if t := s.plans[id]; t != nil {
		return t
	}
	return &readmodel.Tally{}
}

func countsOf(ls [5]int) Counts {
	c := Counts{Red: ls[rules.Red], Yellow: ls[rules.Yellow], Green: ls[rules.Green], Blue: ls[rules.Blue], Grey: ls[rules.Grey]}
	c.Total = c.Red + c.Yellow + c.Green + c.Blue + c.Grey
	return c
}

func groupOf(p *Plan, t *readmodel.Tally) Group {
	g := Group{Plan: p, Counts: countsOf(t.Measures)}
	if g.Counts.Total > 0 {
		g.Completion = float64(t.Percent) / float64(g.Counts.Total)
	}
	return g
}

// PlanGroups returns one row per plan.
func (s *Summary) PlanGroups() []Group {
	out := make([]Group, 0, len(s.Plans))
	for _, p := range s.Plans {
		out = append(out, groupOf(p, s.plan(p.ID)))
	}
	return out
}

// all is the sum of every plan's tally.
func (s *Summary) all() *readmodel.Tally {
	t := &readmodel.Tally{}
	for _, p := range s.Plans {
		t.Add(s.plan(p.ID), 1)
	}
	return t
}

// Total is every plan as one row.
func (s *Summary) Total() Group { return groupOf(nil, s.all()) }

// MeasureLights is the distribution of the measures' lights.
func (s *Summary) MeasureLights() Counts { return countsOf(s.all().Measures) }

// AssignmentLights is the distribution of the assignments' lights.
func (s *Summary) AssignmentLights() Counts { return countsOf(s.all().Lights) }

// Attention returns the first assignments of Snapshot.Attention over
// every plan (at most limit, > 0; the summary keeps the list of its first
// call) and their total: each plan with red or yellow lights is loaded on
// its own, in plan order, until the list is full (at most limit plans).
func (s *Summary) Attention(ctx context.Context, st *store.Store, limit int) ([]Attention, int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.attentionDone {
		list, total, err := s.loadAttention(ctx, st, limit)
		if err != nil {
			return nil, 0, err
		}
		s.attention, s.attentionTotal, s.attentionDone = list, total, true
	}
	return s.attention, s.attentionTotal, nil
}

func (s *Summary) loadAttention(ctx context.Context, st *store.Store, limit int) ([]Attention, int, error) {
	var out []Attention
	total := 0
	for _, want := range []rules.Light{rules.Red, rules.Yellow} {
		for _, p := range s.Plans {
			n := s.plan(p.ID).Lights[want]
			total += n
			if n == 0 || len(out) >= limit {
				continue
			}
			snap, err := Load(ctx, st, Scope{PlanID: p.ID}, s.Now)
			if err != nil {
				return nil, 0, err
			}
			for _, a := range snap.Assignments {
				if a.Status.Light == want && len(out) < limit {
					out = append(out, Attention{Assignment: a})
				}
			}
		}
	}
	return out, total, nil
}

func (s *Summary) unit(id int64) *model.Unit {
	if u := s.Units[id]; u != nil {
		return u
	}
	return &model.Unit{ID: id, Name: fmt.Sprintf("#%d", id)}
}

// CurrentRates returns each unit's submission rate for the current period
// of every plan, lowest rate first, then by unit order.
func (s *Summary) CurrentRates() []UnitRate {
	var out []UnitRate
	for id, t := range s.units {
		if t.Current.Expected > 0 {
			out = append(out, UnitRate{Unit: s.unit(id), Rate: Rate{Expected: t.Current.Expected, Submitted: t.Current.Submitted, OnTime: t.Current.OnTime}})
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		pi, pj := out[i].Percent(), out[j].Percent()
		if pi != pj {
			return pi < pj
		}
		return unitLess(out[i].Unit, out[j].Unit)
	})
	return out
}

// PeriodRates returns the submission rate of each period label up to the
// current one, oldest first, added up over the plans; at most the last
// max labels (all when max <= 0).
func (s *Summary) PeriodRates(max int) []PeriodRate {
	var rs periodRates
	for _, p := range s.Plans {
		t := s.plan(p.ID)
		if t.Assignments == 0 {
			continue
		}
		for i := 0; i <= p.Current && i < len(p.Periods); i++ {
			out := rs.of(p.Periods[i])
			if i < len(t.Periods) {
				r := t.Periods[i]
				out.Expected += r.Expected
				out.Submitted += r.Submitted
				out.OnTime += r.OnTime
			}
		}
	}
	return rs.last(max)
}

// IndicatorCounts counts every target by status, and all of them.
func (s *Summary) IndicatorCounts() (map[string]int, int) {
	all := s.all()
	c := map[string]int{}
	counted := 0
	for _, st := range IndicatorStatuses {
		if n := all.Indicator(st); n > 0 {
			c[st] = n
			counted += n
		}
	}
	if n := s.targets - counted; n > 0 {
		c[IndicatorNoData] = n
	}
	return c, s.targets
}

// Scorecard returns one line per unit with assignments, in unit order.
func (s *Summary) Scorecard() []Score {
	var out []Score
	for id, t := range s.units {
		if t.Assignments == 0 {
			continue
		}
		out = append(out, Score{Unit: s.unit(id), Assignments: t.Assignments, Leads: t.Leads, Due: t.Due, OnTime: t.OnTime,
			Outstanding: t.Outstanding, CatchUp: t.CatchUp, Reviews: t.Reviews, Returns: t.Returns, Closed: t.Closed,
			Extended: t.Extended, InstructionsOverdue: t.InstrOverdue})
	}
	sort.SliceStable(out, func(i, j int) bool { return unitLess(out[i].Unit, out[j].Unit) })
	return out
}
