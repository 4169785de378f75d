// Package readmodel keeps one row per assignment (assignment_states) with
// the compact facts the rules read, the light and the counts the rules gave
// and the instant at which the clock alone can change them, so pages,
// badges and the 催办 check read a row per assignment instead of the
// reporting history.
//
// Who keeps it current:
//   - Triggers on the source tables (reports, target values, reviews,
//     prompts, assignments, measures, targets, periods, plans, the light
//     settings) list every assignment whose facts change in
//     readmodel_dirty, whichever code writes: the workflow, plan editing
//     and import, unit merge, synth, deletes.
//   - Flush, the one hook for writers, recomputes the listed assignments
//     from the raw tables in the writer's transaction (the workflow calls
//     it before every commit). A writer that does not call it leaves the
//     list for the next reader: Sync drains it before a page reads.
//   - Lights that change with time alone are refreshed from the index on
//     next_change_at, from the stored facts, by Sync on read and by the
//     app's ticker (RefreshDue).
//   - Rebuild recomputes every row (`duban readmodel rebuild`).
//
// Every change bumps readmodel_generation, which snapshot caches compare.
package readmodel

import (
	"context"
	"fmt"
	"slices"
	"time"

	"duban/internal/clock"
	"duban/internal/model"
	"duban/internal/rules"
	"duban/internal/store"
)

// batch bounds the IN lists of one recomputation.
const batch = 500

// plan is what the rules need of a plan to assess its assignments.
type plan struct {
	periods []rules.Period
	ends    []time.Time
	index   map[int64]int // period ID → index
}

func plansOf(ctx context.Context, st *store.Store, ids []int64) (map[int64]*plan, map[int64]model.Plan, error) {
	sc := store.FactScope{PlanIDs: ids}
	ps, err := st.FactPlans(ctx, sc)
	if err != nil {
		return nil, nil, err
	}
	byID := map[int64]model.Plan{}
	for _, p := range ps {
		byID[p.ID] = p
	}
	pers, err := st.FactPeriods(ctx, sc)
	if err != nil {
		return nil, nil, err
	}
	out := map[int64]*plan{}
	for _, x := range pers {
		p := out[x.PlanID]
		if p == nil {
			p = &plan{index: map[int64]int{}}
			out[x.PlanID] = p
		}
		p.index[x.ID] = len(p.periods)
		p.periods = append(p.periods, rules.Period{ID: x.ID, Seq: x.Seq, Label: x.Label,
			Starts: clock.Date(x.StartsOn), Ends: clock.Date(x.EndsOn), Due: clock.Date(x.DueOn)})
		p.ends = append(p.ends, x.EndsOn)
	}
	return out, byID, nil
}

func targetsOf(ctx context.Context, st *store.Store, measureIDs []int64) (map[int64][]*model.Target, error) {
	ts, err := st.FactTargets(ctx, store.FactScope{MeasureIDs: measureIDs})
	if err != nil {
		return nil, err
	}
	out := map[int64][]*model.Target{}
	for i := range ts {
		out[ts[i].MeasureID] = append(out[ts[i].MeasureID], &ts[i])
	}
	return out, nil
}

func uniq(ids []int64) []int64 {
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out)
}

// Compute recomputes the state rows of assignments from the raw tables at
// now, through st (in the transaction ctx carries, if any, so it sees its
// uncommitted writes). Assignments that do not exist are left out.
func Compute(ctx context.Context, st *store.Store, ids []int64, now time.Time) ([]model.AssignmentState, error) {
	settings, err := st.LightRules(ctx)
	if err != nil {
		return nil, err
	}
	sc := store.FactScope{AssignmentIDs: ids}
	as, err := st.FactAssignments(ctx, sc)
	if err != nil || len(as) == 0 {
		return nil, err
	}
	var mids []int64
	for _, a := range as {
		mids = append(mids, a.MeasureID)
	}
	mids = uniq(mids)
	ms, err := st.FactMeasures(ctx, store.FactScope{MeasureIDs: mids})
	if err != nil {
		return nil, err
	}
	measures := map[int64]*model.Measure{}
	var pids []int64
	for i := range ms {
		measures[ms[i].ID] = &ms[i]
		pids = append(pids, ms[i].PlanID)
	}
	plans, planRows, err := plansOf(ctx, st, uniq(pids))
	if err != nil {
		return nil, err
	}
	targets, err := targetsOf(ctx, st, mids)
	if err != nil {
		return nil, err
	}
	facts := map[int64]*Facts{}
	planOf := map[int64]*plan{}
	for _, a := range as {
		m := measures[a.MeasureID]
		if m == nil || plans[m.PlanID] == nil {
			continue
		}
		p, pr := plans[m.PlanID], planRows[m.PlanID]
		f := &Facts{Reports: make([]Report, len(p.periods)), PlanStart: Epoch(pr.StartOn),
			Assigned: Epoch(AssignedOn(a.CreatedAt, pr.CreatedAt)), Created: Epoch(a.CreatedAt), Due: Epoch(m.DueOn)}
		if a.SignedAt != nil {
			f.Signed = Epoch(*a.SignedAt)
		}
		if a.DueOn != nil {
			f.AdjDue = Epoch(*a.DueOn)
		}
		if m.ClosedAt != nil {
			f.Closed = Epoch(*m.ClosedAt)
		}
		facts[a.ID], planOf[a.ID] = f, p
	}
	err = st.EachReportFact(ctx, sc, func(r *store.ReportFact) error {
		if f := facts[r.AssignmentID]; f != nil {
			if i, ok := planOf[r.AssignmentID].index[r.PeriodID]; ok {
				f.Reports[i] = NewReport(r.ID, r.State, r.ProgressState, r.Percent, r.SubmittedAt, r.ReturnedAt)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = st.EachValueFact(ctx, sc, func(v *store.ValueFact) error {
		if f := facts[v.AssignmentID]; f != nil {
			if i, ok := planOf[v.AssignmentID].index[v.PeriodID]; ok {
				f.Values = append(f.Values, Value{Period: i, Target: v.TargetID, V: v.Value})
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	rcs, err := st.FactReviewCounts(ctx, sc)
	if err != nil {
		return nil, err
	}
	for _, rc := range rcs {
		if f := facts[rc.AssignmentID]; f != nil {
			if rc.Decision == store.DecisionReturn {
				f.Returns += rc.N
			} else {
				f.Approvals += rc.N
			}
		}
	}
	pcs, err := st.FactPrompts(ctx, sc)
	if err != nil {
		return nil, err
	}
	for _, pc := range pcs {
		f := facts[pc.AssignmentID]
		if f == nil {
			continue
		}
		f.Open += pc.Open
		if i, ok := planOf[pc.AssignmentID].index[pc.PeriodID]; ok {
			if f.Prompts == nil {
				f.Prompts = make([]int, len(f.Reports))
			}
			f.Prompts[i] += pc.Sent
		}
	}
	// Instructions are answered by a measure's lead unit: a co-unit's
	// assignment has none to look up (a save's usual case).
	var ins []store.InstructionFact
	if slices.ContainsFunc(as, func(a model.Assignment) bool { return a.Role == model.AssignLead }) {
		if ins, err = st.FactInstructions(ctx, sc); err != nil {
			return nil, err
		}
	}
	for _, in := range ins {
		if f := facts[in.AssignmentID]; f != nil {
			f.Instr = append(f.Instr, Instr{Due: Epoch(in.DueOn), Answered: Epoch(in.RepliedAt)})
		}
	}
	out := make([]model.AssignmentState, 0, len(facts))
	var buf rules.Facts
	for _, a := range as {
		f := facts[a.ID]
		if f == nil {
			continue
		}
		m := measures[a.MeasureID]
		row := model.AssignmentState{AssignmentID: a.ID, PlanID: m.PlanID, DomainID: m.DomainID, MeasureID: m.ID,
			UnitID: a.UnitID, Role: a.Role}
		buf = assess(&row, f, planOf[a.ID], targets[m.ID], settings, now, buf)
		out = append(out, row)
	}
	return out, nil
}

// assess fills a state row from its facts: the rules' light and counts at
// now, and when they can change next.
func assess(row *model.AssignmentState, f *Facts, p *plan, targets []*model.Target, s rules.Settings, now time.Time, buf rules.Facts) rules.Facts {
	rf := f.Rules(p.ends, targets, buf)
	status := rules.Assess(p.periods, rf, s, now)
	due, ret := OwedWork(f.Closed != 0, &status)
	row.Facts = f.Encode()
	row.Light, row.DueCount, row.ReturnedCount = int(status.Light), len(due), len(ret)
	row.OpenPrompts, row.LateCount, row.LatestPercent, row.AwaitingReview, row.Closable = f.Open, 0, 0, 0, 0
	for _, ps := range status.Periods {
		if ps == rules.Overdue || ps == rules.CatchUp || ps == rules.Late {
			row.LateCount++
		}
	}
	var last int64
	for i := len(f.Reports) - 1; i >= 0; i-- {
		last = max(last, f.Reports[i].SubmittedSec)
	}
	for i := len(f.Reports) - 1; i >= 0; i-- {
		if f.Reports[i].Submitted() {
			row.LatestPercent = f.Reports[i].Percent()
			if row.Role == model.AssignLead && f.Closed == 0 && f.Reports[i].Progress() == model.ProgressDone {
				row.Closable = 1
			}
			break
		}
	}
	for _, r := range f.Reports {
		if r.State() == model.ReportSubmitted {
			row.AwaitingReview++
		}
	}
	row.LastSubmittedAt, row.NextChangeAt = nil, nil
	if last != 0 {
		row.LastSubmittedAt = &last
	}
	if !status.NextChange.IsZero() {
		n := status.NextChange.Unix()
		row.NextChangeAt = &n
	}
	return rf
}

// Refresh recomputes the state rows of assignments from the raw tables
// in the transaction ctx carries, and removes the rows of assignments that
// no longer exist.
func Refresh(ctx context.Context, st *store.Store, ids []int64, now time.Time) error {
	for len(ids) > 0 {
		n := min(batch, len(ids))
		chunk := ids[:n]
		ids = ids[n:]
		rows, err := Compute(ctx, st, chunk, now)
		if err != nil {
			return fmt.Errorf("refresh read model: %w", err)
		}
		if err := st.SaveStates(ctx, rows); err != nil {
			return err
		}
		if len(rows) < len(chunk) {
			have := map[int64]bool{}
			for _, r := range rows {
				have[r.AssignmentID] = true
			}
			var gone []int64
			for _, id := range chunk {
				if !have[id] {
					gone = append(gone, id)
				}
			}
			if err := st.DeleteStates(ctx, gone); err != nil {
				return err
			}
		}
	}
	return nil
}

// Flush is the hook every writer calls last in its transaction: it
// recomputes the assignments the transaction's writes listed as dirty
// (the triggers list them) and bumps the generation when any changed.
func Flush(ctx context.Context, st *store.Store, now time.Time) error {
	_, err := flush(ctx, st, now)
	return err
}

func flush(ctx context.Context, st *store.Store, now time.Time) (bool, error) {
	changed := false
	for {
		ids, err := st.TakeDirty(ctx, batch)
		if err != nil {
			return changed, err
		}
		if len(ids) == 0 {
			break
		}
		changed = true
		if err := Refresh(ctx, st, ids, now); err != nil {
			return changed, err
		}
		if len(ids) < batch {
			break // the list is empty: a refresh lists nothing again
		}
	}
	if changed {
		return true, st.BumpGeneration(ctx)
	}
	return false, nil
}

// refreshDue reassesses, from their stored facts, the rows whose next
// change has come.
func refreshDue(ctx context.Context, st *store.Store, now time.Time) (bool, error) {
	changed := false
	for {
		ids, err := st.DueStates(ctx, now.Unix(), batch)
		if err != nil || len(ids) == 0 {
			return changed, err
		}
		changed = true
		if err := reassess(ctx, st, ids, now); err != nil {
			return changed, err
		}
	}
}

func reassess(ctx context.Context, st *store.Store, ids []int64, now time.Time) error {
	settings, err := st.LightRules(ctx)
	if err != nil {
		return err
	}
	var rows []model.AssignmentState
	err = st.EachState(ctx, store.FactScope{AssignmentIDs: ids}, func(x *model.AssignmentState) error {
		rows = append(rows, *x)
		return nil
	})
	if err != nil {
		return err
	}
	var pids, mids []int64
	for _, r := range rows {
		pids, mids = append(pids, r.PlanID), append(mids, r.MeasureID)
	}
	plans, _, err := plansOf(ctx, st, uniq(pids))
	if err != nil {
		return err
	}
	targets, err := targetsOf(ctx, st, uniq(mids))
	if err != nil {
		return err
	}
	var buf rules.Facts
	for i := range rows {
		var f Facts
		if err := Decode(rows[i].Facts, &f); err != nil {
			return fmt.Errorf("assignment state %d: %w", rows[i].AssignmentID, err)
		}
		p := plans[rows[i].PlanID]
		if p == nil {
			continue
		}
		buf = assess(&rows[i], &f, p, targets[rows[i].MeasureID], settings, now, buf)
	}
	return st.SaveStates(ctx, rows)
}

// RefreshDue brings the read model up to now in one write transaction:
// the dirty assignments, then the lights whose next change has come. The
// app's ticker runs it; Sync runs it when a reader finds work to do.
func RefreshDue(ctx context.Context, st *store.Store, now time.Time) error {
	return st.WithTx(ctx, func(ctx context.Context) error {
		changed, err := flush(ctx, st, now)
		if err != nil {
			return err
		}
		due, err := refreshDue(ctx, st, now)
		if err != nil {
			return err
		}
		rolled, _, err := refreshRollups(ctx, st, now)
		if err != nil {
			return err
		}
		if (due || rolled) && !changed {
			return st.BumpGeneration(ctx)
		}
		return nil
	})
}

// Sync makes the read model current for a reader at now and returns its
// status: one indexed query when nothing waits, else RefreshDue first.
func Sync(ctx context.Context, st *store.Store, now time.Time) (store.ReadModelStatus, error) {
	s, err := st.StateStatus(ctx)
	if err != nil {
		return s, err
	}
	return SyncFrom(ctx, st, now, s)
}

// SyncFrom is Sync for a caller that read the status s already (in a
// query of its own, e.g. with the request's session).
func SyncFrom(ctx context.Context, st *store.Store, now time.Time, s store.ReadModelStatus) (store.ReadModelStatus, error) {
	if !s.Dirty && (s.NextChange == 0 || s.NextChange > now.Unix()) {
		return s, nil
	}
	if err := RefreshDue(ctx, st, now); err != nil {
		return s, err
	}
	return st.StateStatus(ctx)
}

// Rebuild recomputes every row from the raw tables in one transaction.
func Rebuild(ctx context.Context, st *store.Store, now time.Time) (int, error) {
	n := 0
	err := st.WithTx(ctx, func(ctx context.Context) error {
		if err := st.DeleteAllStates(ctx); err != nil {
			return err
		}
		ids, err := st.AllAssignmentIDs(ctx)
		if err != nil {
			return err
		}
		n = len(ids)
		if err := Refresh(ctx, st, ids, now); err != nil {
			return err
		}
		if err := rebuildRollups(ctx, st, now); err != nil {
			return err
		}
		return st.BumpGeneration(ctx)
	})
	return n, err
}

// Check recomputes every assignment from the raw tables at now and
// compares it with the stored rows (after bringing them up to now); it
// returns one line per difference and the number of assignments.
func Check(ctx context.Context, st *store.Store, now time.Time) ([]string, int, error) {
	if _, err := Sync(ctx, st, now); err != nil {
		return nil, 0, err
	}
	stored := map[int64]model.AssignmentState{}
	err := st.EachState(ctx, store.FactScope{}, func(x *model.AssignmentState) error {
		stored[x.AssignmentID] = *x
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	ids, err := st.AllAssignmentIDs(ctx)
	if err != nil {
		return nil, 0, err
	}
	var diffs []string
	seen := map[int64]bool{}
	for len(ids) > 0 {
		n := min(batch, len(ids))
		rows, err := Compute(ctx, st, ids[:n], now)
		if err != nil {
			return nil, 0, err
		}
		ids = ids[n:]
		for _, want := range rows {
			seen[want.AssignmentID] = true
			got, ok := stored[want.AssignmentID]
			switch {
			case !ok:
				diffs = append(diffs, fmt.Sprintf("assignment %d: no stored row", want.AssignmentID))
			case !sameState(got, want):
				diffs = append(diffs, fmt.Sprintf("assignment %d: stored %s, recomputed %s", want.AssignmentID, describe(got), describe(want)))
			}
		}
	}
	for id := range stored {
		if !seen[id] {
			diffs = append(diffs, fmt.Sprintf("assignment %d: stored row without an assignment", id))
		}
	}
	slices.Sort(diffs)
	return diffs, len(seen), nil
}

func sameState(a, b model.AssignmentState) bool {
	eq := func(x, y *int64) bool { return (x == nil) == (y == nil) && (x == nil || *x == *y) }
	if !eq(a.LastSubmittedAt, b.LastSubmittedAt) || !eq(a.NextChangeAt, b.NextChangeAt) {
		return false
	}
	a.LastSubmittedAt, a.NextChangeAt, b.LastSubmittedAt, b.NextChangeAt = nil, nil, nil, nil
	return a == b
}

func describe(x model.AssignmentState) string {
	deref := func(p *int64) int64 {
		if p == nil {
			return 0
		}
		return *p
	}
	return fmt.Sprintf("{light %d due %d returned %d late %d prompts %d percent %d review %d closable %d last %d next %d facts %s}",
		x.Light, x.DueCount, x.ReturnedCount, x.LateCount, x.OpenPrompts, x.LatestPercent, x.AwaitingReview, x.Closable,
		deref(x.LastSubmittedAt), deref(x.NextChangeAt), x.Facts)
}
