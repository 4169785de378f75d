package readmodel_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"duban/internal/evidence"
	"duban/internal/figures"
	"duban/internal/model"
	"duban/internal/readmodel"
	"duban/internal/rules"
	"duban/internal/store"
	"duban/internal/testutil"
	"duban/internal/workflow"
)

// TestIncrementalEqualsRebuild runs a randomized workload through the
// workflow (sign, drafts, submits with actuals, reviews, 催办, 办结 and
// reopen), plan edits that bypass it (a changed due date, changed light
// rules, a removed assignment) and the clock, and checks after every few
// steps that the incrementally kept rows equal a recomputation from the
// raw tables; at the end a rebuild must leave every row as it was.
func TestIncrementalEqualsRebuild(t *testing.T) {
	onEachDatabase(t, func(t *testing.T, p *testutil.Portal) {
		runWorkload(t, p, 400)
	})
}

type workload struct {
	t       *testing.T
	ctx     context.Context
	p       *testutil.Portal
	st      *store.Store
	flow    *workflow.Service
	rnd     *rand.Rand
	units   []store.Actor
	office  store.Actor
	leader  store.Actor
	periods []model.Period
	counts  map[string]int
}

func actor(t *testing.T, st *store.Store, username string) store.Actor {
	u, err := st.UserByUsername(context.Background(), username)
	if err != nil {
		t.Fatal(err)
	}
	return store.ActorOf(u, "127.0.0.1")
}

func runWorkload(t *testing.T, p *testutil.Portal, steps int) {
	ctx := context.Background()
	st := p.App.Store
	w := &workload{t: t, ctx: ctx, p: p, st: st, flow: workflow.New(st, evidence.NewLocal(p.Config.AttachmentsDir())),
		rnd: rand.New(rand.NewPCG(11, 7)), office: actor(t, st, "duchashi"), leader: actor(t, st, "lingdao"), counts: map[string]int{}}
	for _, u := range []string{"jiaoyuju", "canlian", "taishan"} {
		w.units = append(w.units, actor(t, st, u))
	}
	// Most work is signed for at once; a few assignments stay for the
	// workload to sign.
	for _, u := range w.units[:2] {
		if _, err := w.flow.SignAll(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	plans, err := st.ListPlans(ctx)
	if err != nil || len(plans) == 0 {
		t.Fatalf("plans: %v %v", plans, err)
	}
	if w.periods, err = st.PeriodsOf(ctx, plans[0].ID); err != nil {
		t.Fatal(err)
	}
	// Start early in the plan so the clock walks through deadlines.
	p.Clock.Set(w.periods[0].EndsOn.Add(-20 * 24 * time.Hour))
	for i := range steps {
		w.step()
		if i%50 == 49 {
			w.check(fmt.Sprintf("after step %d", i+1))
		}
	}
	w.check("at the end")
	t.Logf("workload: %v", w.counts)
	if w.counts["submit"] == 0 || w.counts["review"] == 0 || w.counts["prompt"] == 0 ||
		w.counts["extension decision"] == 0 || w.counts["instruction"] == 0 || w.counts["instruction answer"] == 0 {
		t.Fatalf("the workload did too little to prove anything: %v", w.counts)
	}

	// A rebuild from the raw tables leaves every row as it was.
	before := states(t, st)
	n, err := readmodel.Rebuild(ctx, st, p.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	after := states(t, st)
	if n != len(before) || len(after) != len(before) {
		t.Fatalf("rebuild: %d assignments, %d rows before, %d after", n, len(before), len(after))
	}
	for id, x := range before {
		if y := after[id]; flat(x) != flat(y) {
			t.Errorf("assignment %d: incremental %s, rebuilt %s", id, flat(x), flat(y))
		}
	}
}

// flat prints a row with its optional instants as values.
func flat(x model.AssignmentState) string {
	v := func(p *int64) int64 {
		if p == nil {
			return -1
		}
		return *p
	}
	last, next := v(x.LastSubmittedAt), v(x.NextChangeAt)
	x.LastSubmittedAt, x.NextChangeAt = nil, nil
	return fmt.Sprintf("%+v last=%d next=%d", x, last, next)
}

func states(t *testing.T, st *store.Store) map[int64]model.AssignmentState {
	out := map[int64]model.AssignmentState{}
	err := st.EachState(context.Background(), store.FactScope{}, func(x *model.AssignmentState) error {
		y := *x // EachState reuses x and its pointers: copy them
		if x.LastSubmittedAt != nil {
			v := *x.LastSubmittedAt
			y.LastSubmittedAt = &v
		}
		if x.NextChangeAt != nil {
			v := *x.NextChangeAt
			y.NextChangeAt = &v
		}
		out[x.AssignmentID] = y
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func (w *workload) check(when string) {
	w.t.Helper()
	diffs, n, err := readmodel.Check(w.ctx, w.st, w.p.Clock.Now())
	if err != nil {
		w.t.Fatal(err)
	}
	if len(diffs) > 0 {
		w.t.Fatalf("%s (%v): %d of %d assignments differ from a rebuild, e.g. %s", when, w.p.Clock.Now(), len(diffs), n, diffs[0])
	}
	// The rollups of the all-plans pages equal a recomputation too.
	rdiffs, err := readmodel.CheckRollups(w.ctx, w.st, w.p.Clock.Now())
	if err != nil {
		w.t.Fatal(err)
	}
	if len(rdiffs) > 0 {
		w.t.Fatalf("%s (%v): %d rollups differ from a recomputation, e.g. %s", when, w.p.Clock.Now(), len(rdiffs), rdiffs[0])
	}
	sameSummary(w.t, w.ctx, w.st, w.p.Clock.Now(), when)
	// The unit badge counts the state rows; it must equal the to-do list
	// the rules give over the same facts.
	for _, u := range w.units {
		n, _, err := w.flow.TodoCount(w.ctx, u, w.p.Clock.Now(), false)
		if err != nil {
			w.t.Fatal(err)
		}
		todo, err := w.flow.Todo(w.ctx, u, w.p.Clock.Now())
		if err != nil {
			w.t.Fatal(err)
		}
		if n != todo.Count() {
			w.t.Fatalf("%s: %s's badge %d, to-do list %d", when, u.Username, n, todo.Count())
		}
	}
	n2, _, err := w.flow.TodoCount(w.ctx, w.office, w.p.Clock.Now(), false)
	if err != nil {
		w.t.Fatal(err)
	}
	todo, err := w.flow.Todo(w.ctx, w.office, w.p.Clock.Now())
	if err != nil {
		w.t.Fatal(err)
	}
	if n2 != todo.Count() {
		w.t.Fatalf("%s: the office's badge %d, queue %d", when, n2, todo.Count())
	}
}

func (w *workload) step() {
	ctx, r := w.ctx, w.rnd
	now := w.p.Clock.Now()
	u := w.units[r.IntN(len(w.units))]
	rows, err := w.st.AssignmentRowsOfUnit(ctx, u.UnitID)
	if err != nil {
		w.t.Fatal(err)
	}
	if len(rows) == 0 {
		return
	}
	row := rows[r.IntN(len(rows))]
	switch k := r.IntN(24); {
	case k < 2:
		w.done("sign", w.flow.Sign(ctx, u, row.ID))
	case k < 10:
		var open []model.Period
		for _, p := range w.periods {
			if !p.StartsOn.After(now) {
				open = append(open, p)
			}
		}
		if len(open) == 0 {
			return
		}
		per := open[r.IntN(len(open))]
		lock := 0
		if rep, err := w.st.ReportOf(ctx, row.ID, per.ID); err == nil {
			lock = rep.LockVersion
		}
		in := workflow.ReportInput{AssignmentID: row.ID, PeriodID: per.ID, LockVersion: lock,
			ProgressState: []string{model.ProgressOnTrack, model.ProgressBehind, model.ProgressDone}[r.IntN(3)],
			Percent:       r.IntN(101), Progress: "进展", Targets: map[int64]*float64{}}
		ts, err := w.st.TargetsOf(ctx, row.MeasureID)
		if err != nil {
			w.t.Fatal(err)
		}
		for _, t := range ts {
			v := float64(r.IntN(100))
			in.Targets[t.ID] = &v
		}
		submit := r.IntN(3) > 0
		_, err = w.flow.SaveReport(ctx, u, in, submit)
		if submit {
			w.done("submit", err)
		} else {
			w.done("save", err)
		}
	case k < 13:
		q, err := w.st.OfficialReportsAwaitingReview(ctx)
		if err != nil {
			w.t.Fatal(err)
		}
		if len(q) == 0 {
			return
		}
		rep := q[r.IntN(len(q))]
		decision, reason := store.DecisionApprove, ""
		if r.IntN(3) == 0 {
			decision, reason = store.DecisionReturn, "请补充材料"
		}
		_, err = w.flow.Review(ctx, w.office, rep.ID, rep.LockVersion, decision, reason)
		w.done("review", err)
	case k < 15:
		_, err := w.flow.SendPrompt(ctx, w.office, row.ID, nil, "")
		w.done("prompt", err)
	case k == 15:
		if m, err := w.st.MeasureByID(ctx, row.MeasureID); err == nil && m.ClosedAt != nil {
			w.done("reopen", w.flow.ReopenMeasure(ctx, w.office, m.ID, "重新打开"))
			return
		}
		q, err := w.st.ClosableReports(ctx)
		if err != nil {
			w.t.Fatal(err)
		}
		if len(q) > 0 {
			w.done("close", w.flow.CloseMeasure(ctx, w.office, q[r.IntN(len(q))].MeasureID, now, "已完成"))
		}
	case k == 16:
		// A writer outside the workflow (a deadline change): the triggers
		// list the measure's assignments; nobody flushes until a read.
		due := w.periods[r.IntN(len(w.periods))].EndsOn
		err := w.p.App.DB.W.Exec("UPDATE measures SET due_on = ? WHERE id = ?", due, row.MeasureID).Error
		w.done("due date", err)
	case k == 17:
		s := rules.DefaultSettings
		s.DueSoonDays, s.ReturnGraceDays = 1+r.IntN(7), 1+r.IntN(7)
		if r.IntN(2) == 0 {
			s.MeasureRule = rules.MeasureByWorst
		}
		// Never refused: a trigger's conflict once made this upsert fail.
		if err := w.st.SetLightRules(ctx, w.office, s); err != nil {
			w.t.Fatalf("light rules: %v", err)
		}
		w.counts["light rules"]++
	case k == 18 || k == 19:
		// 延期申请: the unit asks for a later date; the office approves
		// (sometimes another date) or rejects a pending request.
		if k == 18 {
			due := row.MeasureDueOn
			if row.DueOn != nil {
				due = *row.DueOn
			}
			in := workflow.ExtensionInput{AssignmentID: row.ID, WholeMeasure: row.Role == model.AssignLead && r.IntN(2) == 0,
				ProposedOn: due.AddDate(0, 0, 10+r.IntN(60)), Reason: "需要更多时间"}
			_, err := w.flow.RequestExtension(ctx, u, in)
			w.done("extension request", err)
			return
		}
		q, err := w.st.PendingExtensions(ctx)
		if err != nil {
			w.t.Fatal(err)
		}
		if len(q) == 0 {
			return
		}
		e := q[r.IntN(len(q))]
		approve := r.IntN(3) > 0
		reason := ""
		if !approve {
			reason = "理由不充分"
		}
		w.done("extension decision", w.flow.DecideExtension(ctx, w.office, e.ID, approve, e.ProposedOn.AddDate(0, 0, r.IntN(20)-10), reason))
	case k == 20 || k == 21:
		// 领导批示 with a reply date; the lead unit answers one.
		if k == 20 {
			in := workflow.InstructionInput{MeasureID: row.MeasureID, Body: "请加快进度", DueOn: now.AddDate(0, 0, r.IntN(20))}
			_, err := w.flow.WriteInstruction(ctx, w.leader, in)
			w.done("instruction", err)
			return
		}
		q, err := w.st.OpenInstructionsOfUnit(ctx, u.UnitID)
		if err != nil {
			w.t.Fatal(err)
		}
		if len(q) == 0 {
			return
		}
		w.done("instruction answer", w.flow.AnswerInstruction(ctx, u, q[r.IntN(len(q))].ID, "已落实", nil))
	default:
		w.p.Clock.Advance(time.Duration(1+r.IntN(9)) * 24 * time.Hour)
		w.counts["clock"]++
		// The page a unit opens reads the same lights as a rebuild.
		if _, err := figures.Load(ctx, w.st, figures.Scope{UnitID: u.UnitID}, w.p.Clock.Now()); err != nil {
			w.t.Fatal(err)
		}
	}
}

// done counts an action that the workflow took; refusals (a state that
// does not allow it, a stale form, nothing to chase) are part of a random
// workload, other errors are not.
func (w *workload) done(what string, err error) {
	w.t.Helper()
	switch {
	case err == nil:
		w.counts[what]++
	case isRefusal(err):
		w.counts[what+" refused"]++
	default:
		w.t.Fatalf("%s: %v", what, err)
	}
}

func isRefusal(err error) bool {
	return errorsIs(err, model.ErrConflict) || errorsIs(err, model.ErrInvalid) || errorsIs(err, model.ErrForbidden) ||
		errorsIs(err, model.ErrNotFound)
}

var errorsIs = errors.Is

// sameSummary checks that the all-plans figures read from the rollups
// equal those of a snapshot of every assignment.
func sameSummary(t *testing.T, ctx context.Context, st *store.Store, now time.Time, when string) {
	t.Helper()
	sum, err := figures.LoadSummary(ctx, st, now)
	if err != nil {
		t.Fatal(err)
	}
	snap, err := figures.Load(ctx, st, figures.Scope{}, now)
	if err != nil {
		t.Fatal(err)
	}
	same := func(what string, got, want any) {
		t.Helper()
		if g, w := fmt.Sprintf("%+v", got), fmt.Sprintf("%+v", want); g != w {
			t.Fatalf("%s: all plans' %s from the rollups\n%s\nfrom every assignment\n%s", when, what, g, w)
		}
	}
	group := func(g figures.Group) string { return fmt.Sprintf("%+v %.6f", g.Counts, g.Completion) }
	same("total", group(sum.Total()), group(snap.Total()))
	same("measure lights", sum.MeasureLights(), snap.MeasureLights())
	same("assignment lights", sum.AssignmentLights(), snap.AssignmentLights())
	var gotPlans, wantPlans []string
	for _, g := range sum.PlanGroups() {
		gotPlans = append(gotPlans, fmt.Sprint(g.Plan.ID, " ", group(g)))
	}
	for _, p := range snap.Plans {
		var c figures.Counts
		pct := 0
		for _, m := range p.Measures {
			c.Add(m.Light)
			pct += m.Percent()
		}
		g := figures.Group{Counts: c}
		if len(p.Measures) > 0 {
			g.Completion = float64(pct) / float64(len(p.Measures))
		}
		wantPlans = append(wantPlans, fmt.Sprint(p.ID, " ", group(g)))
	}
	same("plans", gotPlans, wantPlans)
	ids := func(as []figures.Attention) (out []int64) {
		for _, a := range as {
			out = append(out, a.Assignment.ID)
		}
		return out
	}
	gotAtt, gotN, err := sum.Attention(ctx, st, 10)
	if err != nil {
		t.Fatal(err)
	}
	wantAtt, wantN := snap.Attention(10)
	same("attention", fmt.Sprint(ids(gotAtt), gotN), fmt.Sprint(ids(wantAtt), wantN))
	rates := func(rs []figures.UnitRate) (out []string) {
		for _, r := range rs {
			out = append(out, fmt.Sprint(r.Unit.ID, r.Rate))
		}
		return out
	}
	same("current rates", rates(sum.CurrentRates()), rates(snap.CurrentRates()))
	same("period rates", sum.PeriodRates(0), snap.PeriodRates(0))
	inds := snap.Indicators()
	gotInd, gotTotal := sum.IndicatorCounts()
	same("indicators", fmt.Sprint(gotInd, gotTotal), fmt.Sprint(figures.IndicatorCounts(inds), len(inds)))
	scores := func(ss []figures.Score) (out []string) {
		for _, s := range ss {
			u := s.Unit.ID
			s.Unit = nil
			out = append(out, fmt.Sprintf("%d %+v", u, s))
		}
		return out
	}
	same("scorecard", scores(sum.Scorecard()), scores(snap.Scorecard()))
	if len(snap.Assignments) == 0 || len(inds) == 0 {
		t.Fatalf("%s: nothing to compare", when)
	}
}

// onEachDatabase runs fn on a fresh portal on SQLite and on PostgreSQL.
func onEachDatabase(t *testing.T, fn func(t *testing.T, p *testutil.Portal)) {
	backends := []struct {
		name string
		opts func(t *testing.T) []testutil.Option
	}{
		{"sqlite", func(t *testing.T) []testutil.Option { return nil }},
		{"postgres", func(t *testing.T) []testutil.Option {
			return []testutil.Option{testutil.WithDB(testutil.PostgresURL(t))}
		}},
	}
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) { fn(t, testutil.Start(t, b.opts(t)...)) })
	}
}
