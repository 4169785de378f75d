package readmodel

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"duban/internal/clock"
	"duban/internal/model"
	"duban/internal/periods"
	"duban/internal/rules"
	"duban/internal/store"
)

// The rollups (migration 00045) are what the all-plans overview and
// scorecard show: a Tally per plan × unit (a "group"), a light and
// completion per measure, and their sums per plan and per unit. Triggers
// on assignment_states and measures list what changed in rollup_dirty, in
// the writer's transaction; the next reader of those pages (SyncRollups)
// or the ticker (RefreshDue) recomputes the listed groups and measures
// from their state rows, with the groups the clock changed, and moves the
// difference into the plan and unit rows. A group is recomputed from
// scratch (a few rows), so nothing drifts; the sums move by differences,
// so a refresh touches a handful of rows, never a plan.
//
// Why the reader and not the writer: every save queues for SQLite's one
// writer, and computing the rollups there cost it 7–10 statements (a
// third more); the reader drains what many writes listed in one pass.
// Why Go and not counting triggers: a group's figures are the rules'
// answers at now (period states, 补报, on time), which only
// internal/rules decides; the triggers only say what to recompute.

// Rate is a submission rate's counts (figures.Rate).
type Rate struct {
	Expected  int `json:"e,omitempty"`
	Submitted int `json:"s,omitempty"`
	OnTime    int `json:"o,omitempty"`
}

// Tally is what the all-plans pages count of a set of assignments and
// measures. In a group and a plan row Periods are by period index of the
// plan; a unit row has none.
type Tally struct {
	Lights       [5]int `json:"l"` // assignments by rules.Light
	Assignments  int    `json:"a,omitempty"`
	Leads        int    `json:"ld,omitempty"`
	Due          int    `json:"d,omitempty"` // scorecard: reports due so far
	OnTime       int    `json:"o,omitempty"`
	Outstanding  int    `json:"os,omitempty"`
	CatchUp      int    `json:"cu,omitempty"`
	Reviews      int    `json:"rv,omitempty"`
	Returns      int    `json:"rt,omitempty"`
	Closed       int    `json:"cl,omitempty"`
	Extended     int    `json:"ex,omitempty"`
	InstrOverdue int    `json:"io,omitempty"`
	Current      Rate   `json:"c"` // at the plan's current period (periods.Current)
	Periods      []Rate `json:"p,omitempty"`
	// Indicators counts the targets the group's lead assignments report,
	// by status (IndicatorStatuses order, without no data).
	Indicators [4]int `json:"i"`
	Measures   [5]int `json:"m"`            // plan rows: measures by rules.Light
	Percent    int    `json:"pc,omitempty"` // plan rows: the sum of the measures' completion
}

// Indicator statuses.
const (
	IndicatorNoData = "no_data" // nothing reported yet
	IndicatorMet    = "met"     // the latest actual meets the target
	IndicatorOnPath = "on_path" // not met yet, on its straight-line path (序时进度)
	IndicatorBehind = "behind"  // not met and behind its path
	IndicatorMissed = "missed"  // the target year is over and it was not met
)

// countedIndicators are the statuses a Tally counts, in its order.
var countedIndicators = [4]string{IndicatorMet, IndicatorOnPath, IndicatorBehind, IndicatorMissed}

// IndicatorStatus is the status of a target with a reported actual v;
// tr is the target with its actuals, at now.
func IndicatorStatus(t *model.Target, tr rules.Target, v float64, planStart, now time.Time) string {
	switch {
	case rules.Met(t.Op, t.Value, v):
		return IndicatorMet
	case clock.Date(now).After(rules.YearEnd(t.Year)):
		return IndicatorMissed
	case rules.TargetOffPath(tr, planStart, now):
		return IndicatorBehind
	}
	return IndicatorOnPath
}

// Indicator returns the count of a status (no data is not counted).
func (t *Tally) Indicator(status string) int {
	if i := slices.Index(countedIndicators[:], status); i >= 0 {
		return t.Indicators[i]
	}
	return 0
}

// LatestActual returns the newest actual reported for a target: its
// period index and value; ok is false for none.
func LatestActual(vals []Value, targetID int64) (period int, v float64, ok bool) {
	period = -1
	for _, x := range vals {
		if x.Target == targetID && x.Period > period {
			period, v, ok = x.Period, x.V, true
		}
	}
	return period, v, ok
}

// Add adds sign × o to t.
func (t *Tally) Add(o *Tally, sign int) {
	for i := range t.Lights {
		t.Lights[i] += sign * o.Lights[i]
		t.Measures[i] += sign * o.Measures[i]
	}
	for i := range t.Indicators {
		t.Indicators[i] += sign * o.Indicators[i]
	}
	t.Assignments += sign * o.Assignments
	t.Leads += sign * o.Leads
	t.Due += sign * o.Due
	t.OnTime += sign * o.OnTime
	t.Outstanding += sign * o.Outstanding
	t.CatchUp += sign * o.CatchUp
	t.Reviews += sign * o.Reviews
	t.Returns += sign * o.Returns
	t.Closed += sign * o.Closed
	t.Extended += sign * o.Extended
	t.InstrOverdue += sign * o.InstrOverdue
	t.Percent += sign * o.Percent
	t.Current.add(o.Current, sign)
	for len(t.Periods) < len(o.Periods) {
		t.Periods = append(t.Periods, Rate{})
	}
	for i, r := range o.Periods {
		t.Periods[i].add(r, sign)
	}
	for len(t.Periods) > 0 && t.Periods[len(t.Periods)-1] == (Rate{}) {
		t.Periods = t.Periods[:len(t.Periods)-1]
	}
	if len(t.Periods) == 0 {
		t.Periods = nil
	}
}

func (r *Rate) add(o Rate, sign int) {
	r.Expected += sign * o.Expected
	r.Submitted += sign * o.Submitted
	r.OnTime += sign * o.OnTime
}

func (t *Tally) zero() bool { return t.encode() == (&Tally{}).encode() }

func (t *Tally) encode() string {
	b, err := json.Marshal(t)
	if err != nil {
		panic(err) // numbers only
	}
	return string(b)
}

// DecodeTally reads a stored tally ("" is the zero tally).
func DecodeTally(s string) (*Tally, error) {
	t := &Tally{}
	if s == "" {
		return t, nil
	}
	return t, json.Unmarshal([]byte(s), t)
}

// rollPlan is what a group's tally needs of its plan at now.
type rollPlan struct {
	periods []rules.Period
	ends    []time.Time
	current int   // periods.Current at now
	next    int64 // when the clock next moves periods.Current (0: never)
}

func rollPlans(ctx context.Context, st *store.Store, ids []int64, now time.Time) (map[int64]*rollPlan, error) {
	pers, err := st.FactPeriods(ctx, store.FactScope{PlanIDs: ids})
	if err != nil {
		return nil, err
	}
	byPlan := map[int64][]model.Period{}
	for _, x := range pers {
		byPlan[x.PlanID] = append(byPlan[x.PlanID], x)
	}
	out := map[int64]*rollPlan{}
	for _, id := range ids {
		rp := &rollPlan{}
		gen := make([]periods.Period, 0, len(byPlan[id]))
		var next time.Time
		for _, x := range byPlan[id] {
			rp.periods = append(rp.periods, rules.Period{ID: x.ID, Seq: x.Seq, Label: x.Label,
				Starts: clock.Date(x.StartsOn), Ends: clock.Date(x.EndsOn), Due: clock.Date(x.DueOn)})
			rp.ends = append(rp.ends, x.EndsOn)
			gen = append(gen, periods.Period{Seq: x.Seq, Label: x.Label, StartsOn: x.StartsOn, EndsOn: x.EndsOn, DueOn: x.DueOn})
			rq := rp.periods[len(rp.periods)-1]
			for _, d := range []time.Time{rq.Starts, rq.Ends.AddDate(0, 0, 1), rq.Due.AddDate(0, 0, 1)} {
				next = earliest(next, d, now)
			}
		}
		rp.current = periods.Current(gen, now)
		rp.next = Epoch(next)
		out[id] = rp
	}
	return out, nil
}

// earliest is the earlier of next and d among the instants after now.
func earliest(next, d, now time.Time) time.Time {
	if d.After(now) && (next.IsZero() || d.Before(next)) {
		return d
	}
	return next
}

// groupTally counts a group's assignments at now; validTill is when the
// clock alone next changes the tally beyond what the rows' own next
// change covers (the plan's current period, a target's year end).
func groupTally(rows []model.AssignmentState, p *rollPlan, targets map[int64][]*model.Target, s rules.Settings, now time.Time) (*Tally, int64, error) {
	t := &Tally{}
	today := clock.Date(now)
	var next time.Time
	if p.next != 0 {
		next = FromEpoch(p.next)
	}
	var buf rules.Facts
	for i := range rows {
		x := &rows[i]
		var f Facts
		if err := Decode(x.Facts, &f); err != nil {
			return nil, 0, fmt.Errorf("assignment state %d: %w", x.AssignmentID, err)
		}
		buf = f.Rules(p.ends, targets[x.MeasureID], buf)
		status := rules.Assess(p.periods, buf, s, now)
		t.Lights[status.Light]++
		t.Assignments++
		if x.Role == model.AssignLead {
			t.Leads++
		}
		if f.Closed != 0 {
			t.Closed++
		}
		if f.AdjDue != 0 {
			t.Extended++
		}
		for _, in := range f.Instr {
			if rules.InstructionOverdue(rules.Instruction{Due: FromEpoch(in.Due), AnsweredAt: FromEpoch(in.Answered)}, now) {
				t.InstrOverdue++
			}
		}
		t.Reviews += f.Approvals + f.Returns
		t.Returns += f.Returns
		for k, per := range p.periods {
			ps := status.Periods[k]
			if !ps.Owed() {
				continue
			}
			var r Rate
			r.Expected = 1
			if k < len(f.Reports) && f.Reports[k].Submitted() {
				r.Submitted = 1
				if ps == rules.OnTime {
					r.OnTime = 1
				}
			}
			for len(t.Periods) <= k {
				t.Periods = append(t.Periods, Rate{})
			}
			t.Periods[k].add(r, 1)
			if k == p.current {
				t.Current.add(r, 1)
			}
			if today.After(per.Due) {
				t.Due++
				if ps == rules.OnTime {
					t.OnTime++
				}
				if !ps.Handed() {
					t.Outstanding++
				}
				if ps == rules.CatchUp {
					t.CatchUp++
				}
			}
		}
		if x.Role != model.AssignLead {
			continue
		}
		for _, tg := range targets[x.MeasureID] {
			_, v, ok := LatestActual(f.Values, tg.ID)
			if !ok {
				continue
			}
			tr := Track(f.Values, tg, p.ends)
			st := IndicatorStatus(tg, tr, v, FromEpoch(f.PlanStart), now)
			t.Indicators[slices.Index(countedIndicators[:], st)]++
			end := rules.YearEnd(tg.Year)
			next = earliest(next, end.Add(time.Second), now)
			next = earliest(next, clock.Date(end).AddDate(0, 0, 1), now)
		}
	}
	var empty Tally
	t.Add(&empty, 1) // trims the periods
	return t, Epoch(next), nil
}

// measureRow is a measure's light and completion from its assignments'
// stored lights, as figures.Measure gives them.
func measureRow(id, planID int64, closed bool, rule string, ls []store.MeasureLight) store.RollupMeasure {
	lights := make([]rules.Light, 0, len(ls))
	lead, hasLead, pct := rules.Grey, false, 0
	for _, l := range ls {
		lights = append(lights, rules.Light(l.Light))
		if l.Role == model.AssignLead && !hasLead {
			lead, hasLead, pct = rules.Light(l.Light), true, l.LatestPercent
		}
	}
	if closed {
		pct = 100
	}
	return store.RollupMeasure{MeasureID: id, PlanID: planID, Light: int(rules.Measure(closed, rule, lead, hasLead, lights...)), Percent: pct}
}

// groupKey is a plan × unit.
type groupKey struct{ plan, unit int64 }

// computed are fresh group tallies and measure rows; a nil tally or a
// measure with ok false means the group or measure is gone.
type computed struct {
	groups   map[groupKey]*Tally
	till     map[groupKey]int64
	measures map[int64]store.RollupMeasure
	gone     map[int64]bool // measures
	plans    []int64        // the plans the queue named
}

// computeGroups tallies groups from their state rows at now.
func computeGroups(ctx context.Context, st *store.Store, rows map[groupKey][]model.AssignmentState, s rules.Settings, now time.Time, c *computed) error {
	var pids, mids []int64
	for k, rs := range rows {
		pids = append(pids, k.plan)
		for _, r := range rs {
			mids = append(mids, r.MeasureID)
		}
	}
	plans, err := rollPlans(ctx, st, uniq(pids), now)
	if err != nil {
		return err
	}
	targets := map[int64][]*model.Target{}
	if len(mids) > 0 {
		if targets, err = targetsOf(ctx, st, uniq(mids)); err != nil {
			return err
		}
	}
	for k, rs := range rows {
		p := plans[k.plan]
		if len(rs) == 0 || p == nil {
			c.groups[k] = nil
			continue
		}
		t, till, err := groupTally(rs, p, targets, s, now)
		if err != nil {
			return err
		}
		c.groups[k], c.till[k] = t, till
	}
	return nil
}

func newComputed() *computed {
	return &computed{groups: map[groupKey]*Tally{}, till: map[groupKey]int64{}, measures: map[int64]store.RollupMeasure{}, gone: map[int64]bool{}}
}

// rebuildOver is the number of waiting groups and measures above which
// updateRollups rebuilds every rollup instead.
const rebuildOver = 5000

// refreshRollups recomputes, in the transaction ctx carries, what
// rollup_dirty lists and the groups the clock has changed; it reports
// whether anything was recomputed, and whether the clock changed a group
// (a change no writer's generation bump covers).
func refreshRollups(ctx context.Context, st *store.Store, now time.Time) (changed, clocked bool, err error) {
	keys, err := st.TakeRollupDirty(ctx)
	if err != nil {
		return false, false, err
	}
	expired, err := st.ExpiredRollupGroups(ctx, now.Unix())
	if err != nil {
		return false, false, err
	}
	keys = append(keys, expired...)
	if len(keys) == 0 {
		return false, false, nil
	}
	if len(keys) > rebuildOver {
		// A whole database waits (after the migration, an import in
		// bulk): one pass over every state row is cheaper. On a province
		// it takes seconds, once: say so, since it can hold up the start.
		start := time.Now()
		slog.Info("rebuilding the dashboards' rollups", "waiting", len(keys))
		if err := rebuildRollups(ctx, st, now); err != nil {
			return true, true, err
		}
		slog.Info("rollups rebuilt", "ms", time.Since(start).Milliseconds())
		return true, true, nil
	}
	return true, len(expired) > 0, recomputeKeys(ctx, st, keys, now)
}

func recomputeKeys(ctx context.Context, st *store.Store, keys []store.RollupKey, now time.Time) error {
	settings, err := st.LightRules(ctx)
	if err != nil {
		return err
	}
	rows := map[groupKey][]model.AssignmentState{}
	c := newComputed()
	for _, k := range keys {
		c.plans = append(c.plans, k.PlanID)
		if k.UnitID != 0 {
			g := groupKey{k.PlanID, k.UnitID}
			if _, done := rows[g]; !done {
				if rows[g], err = st.GroupStates(ctx, k.PlanID, k.UnitID); err != nil {
					return err
				}
			}
		}
		if k.MeasureID != 0 {
			if _, done := c.measures[k.MeasureID]; done || c.gone[k.MeasureID] {
				continue
			}
			planID, closed, ok, ls, err := st.MeasureForRollup(ctx, k.MeasureID)
			if err != nil {
				return err
			}
			if !ok {
				c.gone[k.MeasureID] = true
				continue
			}
			c.measures[k.MeasureID] = measureRow(k.MeasureID, planID, closed, settings.MeasureRule, ls)
		}
	}
	if err := computeGroups(ctx, st, rows, settings, now, c); err != nil {
		return err
	}
	return saveRollups(ctx, st, c)
}

// saveRollups stores fresh groups and measures and moves their difference
// from the stored ones into the plan and unit rows.
func saveRollups(ctx context.Context, st *store.Store, c *computed) error {
	var groups [][2]int64
	var planIDs, unitIDs, measureIDs []int64
	for k := range c.groups {
		groups = append(groups, [2]int64{k.plan, k.unit})
		planIDs, unitIDs = append(planIDs, k.plan), append(unitIDs, k.unit)
	}
	for id, m := range c.measures {
		measureIDs, planIDs = append(measureIDs, id), append(planIDs, m.PlanID)
	}
	for id := range c.gone {
		measureIDs = append(measureIDs, id)
	}
	planIDs = append(planIDs, c.plans...) // where measures moved from
	stored, err := st.ReadRollups(ctx, groups, uniq(planIDs), uniq(unitIDs), measureIDs)
	if err != nil {
		return err
	}
	plans, units := map[int64]*Tally{}, map[int64]*Tally{}
	delta := func(m map[int64]*Tally, id int64) *Tally {
		if m[id] == nil {
			m[id] = &Tally{}
		}
		return m[id]
	}
	for k, t := range c.groups {
		was := stored.Groups[[2]int64{k.plan, k.unit}]
		old, err := DecodeTally(was)
		if err != nil {
			return fmt.Errorf("rollup of plan %d unit %d: %w", k.plan, k.unit, err)
		}
		switch {
		case t == nil || t.zero():
			t = &Tally{}
			if was != "" {
				err = st.DeleteTally(ctx, store.RollupGroups, k.plan, k.unit)
			}
		case t.encode() == was && c.till[k] == stored.Tills[[2]int64{k.plan, k.unit}]:
			continue // unchanged (most drafts)
		default:
			err = st.PutGroupTally(ctx, k.plan, k.unit, t.encode(), c.till[k])
		}
		if err != nil {
			return err
		}
		d := &Tally{}
		d.Add(t, 1)
		d.Add(old, -1)
		delta(plans, k.plan).Add(d, 1)
		d.Periods = nil
		delta(units, k.unit).Add(d, 1)
	}
	move := func(m store.RollupMeasure, sign int) {
		d := delta(plans, m.PlanID)
		d.Measures[m.Light] += sign
		d.Percent += sign * m.Percent
	}
	for id, m := range c.measures {
		old, ok := stored.Measures[id]
		if ok && old == m {
			continue
		}
		if ok {
			move(old, -1)
		}
		if err := st.PutRollupMeasure(ctx, m); err != nil {
			return err
		}
		move(m, 1)
	}
	for id := range c.gone {
		old, ok := stored.Measures[id]
		if !ok {
			continue
		}
		move(old, -1)
		if err := st.DeleteRollupMeasure(ctx, id); err != nil {
			return err
		}
	}
	for _, x := range []struct {
		table  string
		m      map[int64]*Tally
		stored map[int64]string
	}{{store.RollupPlans, plans, stored.Plans}, {store.RollupUnits, units, stored.Units}} {
		for id, d := range x.m {
			if d.zero() {
				continue
			}
			s, ok := x.stored[id]
			if !ok {
				// Not asked for up front (a measure moved from a plan the
				// queue did not name): read it on its own.
				if s, err = st.Tally(ctx, x.table, id); err != nil {
					return err
				}
			}
			t, err := DecodeTally(s)
			if err != nil {
				return fmt.Errorf("%s %d: %w", x.table, id, err)
			}
			t.Add(d, 1)
			if t.zero() {
				err = st.DeleteTally(ctx, x.table, id)
			} else {
				err = st.PutTally(ctx, x.table, id, t.encode())
			}
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// sums are the plan and unit rows of fresh groups and measures.
func sums(c *computed) (plans, units map[int64]*Tally) {
	plans, units = map[int64]*Tally{}, map[int64]*Tally{}
	add := func(m map[int64]*Tally, id int64, t *Tally) {
		if m[id] == nil {
			m[id] = &Tally{}
		}
		m[id].Add(t, 1)
	}
	for k, t := range c.groups {
		if t == nil {
			continue
		}
		add(plans, k.plan, t)
		u := *t
		u.Periods = nil
		add(units, k.unit, &u)
	}
	for _, m := range c.measures {
		t := &Tally{Percent: m.Percent}
		t.Measures[m.Light] = 1
		add(plans, m.PlanID, t)
	}
	return plans, units
}

// insertRollups writes a rebuild's rows into the emptied tables.
func insertRollups(ctx context.Context, st *store.Store, c *computed) error {
	var groups []store.GroupTally
	for k, t := range c.groups {
		if t != nil && !t.zero() {
			groups = append(groups, store.GroupTally{PlanID: k.plan, UnitID: k.unit, Tally: t.encode(), ValidTill: c.till[k]})
		}
	}
	measures := make([]store.RollupMeasure, 0, len(c.measures))
	for _, m := range c.measures {
		measures = append(measures, m)
	}
	if err := st.InsertRollups(ctx, groups, measures); err != nil {
		return err
	}
	plans, units := sums(c)
	for _, x := range []struct {
		table string
		m     map[int64]*Tally
	}{{store.RollupPlans, plans}, {store.RollupUnits, units}} {
		for id, t := range x.m {
			if t.zero() {
				continue
			}
			if err := st.PutTally(ctx, x.table, id, t.encode()); err != nil {
				return err
			}
		}
	}
	return nil
}

// computeAll recomputes every group and measure from the state rows and
// the measures at now.
func computeAll(ctx context.Context, st *store.Store, now time.Time) (*computed, error) {
	settings, err := st.LightRules(ctx)
	if err != nil {
		return nil, err
	}
	rows := map[groupKey][]model.AssignmentState{}
	byMeasure := map[int64][]store.MeasureLight{}
	err = st.EachState(ctx, store.FactScope{}, func(x *model.AssignmentState) error {
		k := groupKey{x.PlanID, x.UnitID}
		rows[k] = append(rows[k], *x)
		byMeasure[x.MeasureID] = append(byMeasure[x.MeasureID], store.MeasureLight{AssignmentID: x.AssignmentID, Role: x.Role,
			Light: x.Light, LatestPercent: x.LatestPercent})
		return nil
	})
	if err != nil {
		return nil, err
	}
	c := newComputed()
	if err := computeGroups(ctx, st, rows, settings, now, c); err != nil {
		return nil, err
	}
	ms, err := st.FactMeasures(ctx, store.FactScope{})
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		ls := byMeasure[m.ID]
		slices.SortFunc(ls, func(a, b store.MeasureLight) int { return int(a.AssignmentID - b.AssignmentID) })
		c.measures[m.ID] = measureRow(m.ID, m.PlanID, m.ClosedAt != nil, settings.MeasureRule, ls)
	}
	return c, nil
}

// rebuildRollups recomputes every rollup in the transaction ctx carries.
func rebuildRollups(ctx context.Context, st *store.Store, now time.Time) error {
	c, err := computeAll(ctx, st, now)
	if err != nil {
		return err
	}
	if err := st.ClearRollups(ctx); err != nil {
		return err
	}
	return insertRollups(ctx, st, c)
}

// SyncRollups brings the rollups up to now for a reader (after Sync): one
// indexed query when nothing waits, else a write transaction that
// recomputes what waits.
// It reports whether it changed them (and the generation).
func SyncRollups(ctx context.Context, st *store.Store, now time.Time) (bool, error) {
	dirty, expired, err := st.RollupStatus(ctx, now.Unix())
	if err != nil || !dirty && !expired {
		return false, err
	}
	changed := false
	err = st.WithTx(ctx, func(ctx context.Context) error {
		var clocked bool
		var err error
		if changed, clocked, err = refreshRollups(ctx, st, now); err != nil || !clocked {
			return err
		}
		return st.BumpGeneration(ctx)
	})
	return changed, err
}

// CheckRollups recomputes every rollup at now and compares it with the
// stored ones (after bringing them up to now); it returns one line per
// difference.
func CheckRollups(ctx context.Context, st *store.Store, now time.Time) ([]string, error) {
	if _, err := Sync(ctx, st, now); err != nil {
		return nil, err
	}
	var diffs []string
	if _, err := SyncRollups(ctx, st, now); err != nil {
		return nil, err
	}
	c, err := computeAll(ctx, st, now)
	if err != nil {
		return nil, err
	}
	stored := map[string]string{}
	for _, table := range []string{store.RollupGroups, store.RollupPlans, store.RollupUnits} {
		rows, err := st.Tallies(ctx, table)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			t, err := DecodeTally(r.Tally)
			if err != nil {
				return nil, err
			}
			stored[fmt.Sprintf("%s %d/%d", table, r.PlanID, r.UnitID)] = t.encode()
			if table == store.RollupGroups {
				stored[fmt.Sprintf("%s %d/%d till", table, r.PlanID, r.UnitID)] = fmt.Sprint(r.ValidTill.Int64)
			}
		}
	}
	ms, err := st.RollupMeasures(ctx)
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		stored[fmt.Sprintf("measure %d", m.MeasureID)] = fmt.Sprint(m)
	}
	want := map[string]string{}
	for k, t := range c.groups {
		if t == nil || t.zero() {
			continue
		}
		want[fmt.Sprintf("%s %d/%d", store.RollupGroups, k.plan, k.unit)] = t.encode()
		want[fmt.Sprintf("%s %d/%d till", store.RollupGroups, k.plan, k.unit)] = fmt.Sprint(c.till[k])
	}
	for id, m := range c.measures {
		want[fmt.Sprintf("measure %d", id)] = fmt.Sprint(m)
	}
	plans, units := sums(c)
	for id, t := range plans {
		if !t.zero() {
			want[fmt.Sprintf("%s %d/0", store.RollupPlans, id)] = t.encode()
		}
	}
	for id, t := range units {
		if !t.zero() {
			want[fmt.Sprintf("%s 0/%d", store.RollupUnits, id)] = t.encode()
		}
	}
	for k, w := range want {
		if g, ok := stored[k]; !ok {
			diffs = append(diffs, fmt.Sprintf("%s: missing, recomputed %s", k, w))
		} else if g != w {
			diffs = append(diffs, fmt.Sprintf("%s: stored %s, recomputed %s", k, g, w))
		}
	}
	for k, g := range stored {
		if _, ok := want[k]; !ok {
			diffs = append(diffs, fmt.Sprintf("%s: stored %s, recomputed none", k, g))
		}
	}
	slices.Sort(diffs)
	return diffs, nil
}
