package workflow_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"duban/internal/clock"
	"duban/internal/evidence"
	"duban/internal/model"
	"duban/internal/store"
	"duban/internal/testutil"
	"duban/internal/validate"
	"duban/internal/workflow"
)

type env struct {
	t      *testing.T
	p      *testutil.Portal
	st     *store.Store
	wf     *workflow.Service
	f      *testutil.Fixture
	period model.Period // 2015Q1, due 2015-04-05
	// Measure 1 (学前教育): 市教育局 leads, 市残联 and 台山 are responsible.
	lead, input, other model.Assignment
	actors             map[string]store.Actor
}

func setup(t *testing.T, opts ...testutil.Option) *env {
	t.Helper()
	fl := testutil.NewFlow(t, opts...)
	st := fl.P.App.Store
	e := &env{t: t, p: fl.P, st: st, f: fl.F, actors: map[string]store.Actor{},
		wf:     workflow.New(st, evidence.NewLocal(fl.P.Config.AttachmentsDir())),
		period: fl.Q1, lead: fl.Lead, input: fl.CoCanlian, other: fl.CoTaishan}
	ctx := context.Background()
	for _, n := range []string{"admin", "duchashi", "jiaoyuju", "canlian", "taishan", "lingdao"} {
		u, err := st.UserByUsername(ctx, n)
		if err != nil {
			t.Fatal(err)
		}
		e.actors[n] = store.ActorOf(u, "127.0.0.1")
	}
	return e
}

// count runs a SELECT count(*) query.
func (e *env) count(sql string, args ...any) int64 {
	e.t.Helper()
	var n int64
	if err := e.st.Raw(context.Background(), &n, sql, args...); err != nil {
		e.t.Fatal(err)
	}
	return n
}

func (e *env) auditCount() int64 { return e.count("SELECT count(*) FROM audit_events") }

func (e *env) signAll() {
	now := time.Now()
	if _, err := e.st.Exec(context.Background(), "UPDATE assignments SET signed_at = ? WHERE signed_at IS NULL", now); err != nil {
		e.t.Fatal(err)
	}
}

// force puts the report of asg for the test period in state (none: no
// report), as if it had got there through the workflow.
func (e *env) force(asg model.Assignment, state string) *model.Report {
	e.t.Helper()
	ctx := context.Background()
	if _, err := e.st.Exec(ctx, "DELETE FROM reports WHERE assignment_id = ? AND period_id = ?", asg.ID, e.period.ID); err != nil {
		e.t.Fatal(err)
	}
	if state == workflow.StateNone {
		return nil
	}
	now := time.Now().UTC()
	r := &model.Report{AssignmentID: asg.ID, PeriodID: e.period.ID, State: state, ProgressState: model.ProgressOnTrack,
		Percent: 40, Progress: "进展", LockVersion: 3, CreatedAt: now, UpdatedAt: now}
	if state != model.ReportDraft {
		r.VersionNo, r.SubmittedAt = 1, &now
	}
	if err := e.st.Insert(ctx, r); err != nil {
		e.t.Fatal(err)
	}
	if r.VersionNo > 0 {
		if err := e.st.Insert(ctx, &model.ReportVersion{ReportID: r.ID, VersionNo: 1, Snapshot: `{"files":[]}`, SubmittedAt: now}); err != nil {
			e.t.Fatal(err)
		}
	}
	return r
}

func (e *env) stateOf(asg model.Assignment) string {
	r, err := e.st.ReportOf(context.Background(), asg.ID, e.period.ID)
	if errors.Is(err, model.ErrNotFound) {
		return workflow.StateNone
	}
	if err != nil {
		e.t.Fatal(err)
	}
	return r.State
}

func input(asg model.Assignment, period int64, lock int) workflow.ReportInput {
	return workflow.ReportInput{AssignmentID: asg.ID, PeriodID: period, LockVersion: lock,
		ProgressState: model.ProgressOnTrack, Percent: 50, Progress: "本季度按计划推进。"}
}

func errClass(err error) string {
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, model.ErrNotFound):
		return "404"
	case errors.Is(err, model.ErrForbidden):
		return "403"
	case errors.Is(err, workflow.ErrState):
		return "409"
	}
	return "other: " + err.Error()
}

// TestReportTransitionsByRole drives every report action from every state
// by every kind of user through the service on a real database: allowed
// ones change the state and write one audit entry, refused ones change
// nothing and say why.
func TestReportTransitionsByRole(t *testing.T) { reportTransitionsByRole(t) }

func TestReportTransitionsByRolePostgres(t *testing.T) {
	reportTransitionsByRole(t, testutil.WithDB(testutil.PostgresURL(t)))
}

func reportTransitionsByRole(t *testing.T, opts ...testutil.Option) {
	e := setup(t, opts...)
	e.signAll()
	ctx := context.Background()
	states := []string{workflow.StateNone, model.ReportDraft, model.ReportSubmitted, model.ReportReturned, model.ReportApproved}
	actions := []string{workflow.ActSave, workflow.ActSubmit, workflow.ActApprove, workflow.ActReturn}
	users := []string{"canlian", "jiaoyuju", "taishan", "duchashi", "lingdao", "admin"}
	for _, kind := range []string{"input", "official"} {
		asg := e.input // 市残联's input to 市教育局
		if kind == "official" {
			asg = e.lead // 市教育局's report to the supervision office
		}
		for _, from := range states {
			for _, act := range actions {
				if from == workflow.StateNone && (act == workflow.ActApprove || act == workflow.ActReturn) {
					continue // no report to review
				}
				for _, who := range users {
					name := fmt.Sprintf("%s/%s/%s/%s", kind, from, act, who)
					t.Run(name, func(t *testing.T) {
						want, wantErr := wantReport(kind, from, act, who)
						r := e.force(asg, from)
						before := e.auditCount()
						a := e.actors[who]
						var err error
						switch act {
						case workflow.ActSave, workflow.ActSubmit:
							lock := 0
							if r != nil {
								lock = r.LockVersion
							}
							_, err = e.wf.SaveReport(ctx, a, input(asg, e.period.ID, lock), act == workflow.ActSubmit)
						case workflow.ActApprove:
							_, err = e.wf.Review(ctx, a, r.ID, r.LockVersion, store.DecisionApprove, "")
						case workflow.ActReturn:
							_, err = e.wf.Review(ctx, a, r.ID, r.LockVersion, store.DecisionReturn, "请补充佐证材料")
						}
						if got := errClass(err); got != wantErr {
							t.Fatalf("error class = %s, want %s", got, wantErr)
						}
						after := e.auditCount()
						if got := e.stateOf(asg); got != want {
							t.Fatalf("state = %s, want %s", got, want)
						}
						if wantErr == "ok" && after != before+1 {
							t.Fatalf("audit entries %d → %d, want one more", before, after)
						}
						if wantErr != "ok" && after != before {
							t.Fatalf("a refused action wrote %d audit entries", after-before)
						}
					})
				}
			}
		}
	}
}

// wantReport is the expected outcome by role, per DESIGN.md.
func wantReport(kind, from, act, who string) (string, string) {
	owner, reviewer := "canlian", "jiaoyuju"
	if kind == "official" {
		owner, reviewer = "jiaoyuju", "duchashi"
	}
	review := act == workflow.ActApprove || act == workflow.ActReturn
	switch {
	case who == owner && !review:
		switch from {
		case workflow.StateNone, model.ReportDraft:
			if act == workflow.ActSave {
				return model.ReportDraft, "ok"
			}
			return model.ReportSubmitted, "ok"
		case model.ReportReturned:
			if act == workflow.ActSave {
				return model.ReportReturned, "ok"
			}
			return model.ReportSubmitted, "ok"
		}
		return from, "409" // submitted or approved: locked
	case who == owner:
		return from, "403" // nobody reviews their own report
	case who == reviewer && review && from == model.ReportSubmitted:
		if act == workflow.ActApprove {
			return model.ReportApproved, "ok"
		}
		return model.ReportReturned, "ok"
	}
	// Everyone else: another unit may not even see the report, and nobody
	// but the owner learns of a draft never submitted.
	stranger := who == "taishan" || (kind == "official" && who == "canlian")
	if stranger || (review && from == model.ReportDraft) {
		return from, "404"
	}
	if who == reviewer && review {
		return from, "409" // the right reviewer, the wrong state
	}
	return from, "403"
}

func TestSignAndSignAll(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	if err := e.wf.Sign(ctx, e.actors["taishan"], e.input.ID); errClass(err) != "404" {
		t.Fatalf("another unit signs = %v", err)
	}
	if err := e.wf.Sign(ctx, e.actors["jiaoyuju"], e.input.ID); errClass(err) != "403" {
		t.Fatalf("the lead unit signs for a co-unit = %v", err)
	}
	if err := e.wf.Sign(ctx, e.actors["duchashi"], e.input.ID); errClass(err) != "403" {
		t.Fatalf("the reviewer signs = %v", err)
	}
	if err := e.wf.Sign(ctx, e.actors["canlian"], e.input.ID); err != nil {
		t.Fatal(err)
	}
	if err := e.wf.Sign(ctx, e.actors["canlian"], e.input.ID); errClass(err) != "409" {
		t.Fatalf("signing twice = %v", err)
	}
	a, _ := e.st.AssignmentByID(ctx, e.input.ID)
	if a.SignedAt == nil || a.SignedBy == nil || *a.SignedBy != e.actors["canlian"].UserID {
		t.Fatalf("signed = %v by %v", a.SignedAt, a.SignedBy)
	}
	// 市残联 has three assignments in the fixture; one is signed.
	n, err := e.wf.SignAll(ctx, e.actors["canlian"])
	if err != nil || n != 2 {
		t.Fatalf("sign all = %d, %v; want 2", n, err)
	}
	if n, _ := e.wf.SignAll(ctx, e.actors["canlian"]); n != 0 {
		t.Fatalf("sign all again = %d", n)
	}
	if _, err := e.wf.SignAll(ctx, e.actors["duchashi"]); errClass(err) != "403" {
		t.Fatalf("reviewer sign all = %v", err)
	}
}

func TestReportPreconditions(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	a := e.actors["canlian"]
	if _, err := e.wf.SaveReport(ctx, a, input(e.input, e.period.ID, 0), false); !errors.Is(err, workflow.ErrNotSigned) {
		t.Fatalf("unsigned save = %v", err)
	}
	e.signAll()
	ps, _ := e.st.PeriodsOf(ctx, e.f.Plan.ID)
	if _, err := e.wf.SaveReport(ctx, a, input(e.input, ps[4].ID, 0), false); !errors.Is(err, workflow.ErrPeriodNotOpen) {
		t.Fatalf("future period = %v", err)
	}
	bad := input(e.input, e.period.ID, 0)
	bad.Progress, bad.Percent, bad.ProgressState = "", 150, "finished"
	_, err := e.wf.SaveReport(ctx, a, bad, true)
	fe := validate.FieldsOf(err)
	if !fe.Has("progress") || !fe.Has("percent") || !fe.Has("progress_state") {
		t.Fatalf("field errors = %v (%v)", fe, err)
	}
	done := input(e.input, e.period.ID, 0)
	done.ProgressState, done.Percent = model.ProgressDone, 90
	if fe := validate.FieldsOf(func() error { _, err := e.wf.SaveReport(ctx, a, done, true); return err }()); fe.Key("percent") != "report.form.err.done_percent" {
		t.Fatalf("done at 90%% = %v", fe)
	}
	if e.stateOf(e.input) != workflow.StateNone {
		t.Fatal("an invalid report was stored")
	}
	// A period of another plan is not found.
	if _, err := e.wf.SaveReport(ctx, a, input(e.input, 999999, 0), false); errClass(err) != "404" {
		t.Fatalf("unknown period = %v", err)
	}
}

// Two people editing the same draft: the second save is refused and the
// first one's text stays.
func TestDraftOptimisticLocking(t *testing.T) {
	e := setup(t)
	e.signAll()
	ctx := context.Background()
	a := e.actors["canlian"]
	r, err := e.wf.SaveReport(ctx, a, input(e.input, e.period.ID, 0), false)
	if err != nil {
		t.Fatal(err)
	}
	first, second := input(e.input, e.period.ID, r.LockVersion), input(e.input, e.period.ID, r.LockVersion)
	first.Progress, second.Progress = "甲的内容", "乙的内容"
	if _, err := e.wf.SaveReport(ctx, a, first, false); err != nil {
		t.Fatal(err)
	}
	if _, err := e.wf.SaveReport(ctx, a, second, false); !errors.Is(err, workflow.ErrStale) {
		t.Fatalf("second save = %v, want ErrStale", err)
	}
	got, _ := e.st.ReportOf(ctx, e.input.ID, e.period.ID)
	if got.Progress != "甲的内容" {
		t.Fatalf("progress = %q", got.Progress)
	}
	// Two first saves of a new report: one creates it, the other is stale.
	e.force(e.other, workflow.StateNone)
	if _, err := e.wf.SaveReport(ctx, e.actors["taishan"], input(e.other, e.period.ID, 0), false); err != nil {
		t.Fatal(err)
	}
	if _, err := e.wf.SaveReport(ctx, e.actors["taishan"], input(e.other, e.period.ID, 0), false); !errors.Is(err, workflow.ErrStale) {
		t.Fatalf("second create = %v", err)
	}
}

// Concurrent actors on the same object: exactly one wins (run with -race).
func TestConcurrentReviewsAndSaves(t *testing.T) { concurrentReviewsAndSaves(t) }

func TestConcurrentReviewsAndSavesPostgres(t *testing.T) {
	concurrentReviewsAndSaves(t, testutil.WithDB(testutil.PostgresURL(t)))
}

func concurrentReviewsAndSaves(t *testing.T, opts ...testutil.Option) {
	e := setup(t, opts...)
	e.signAll()
	ctx := context.Background()
	r := e.force(e.lead, model.ReportSubmitted)
	// A second reviewer account.
	u2 := &model.User{Username: "duchashi2", PasswordHash: "x", Role: model.RoleReviewer}
	if err := e.st.CreateUser(ctx, u2); err != nil {
		t.Fatal(err)
	}
	reviewers := []store.Actor{e.actors["duchashi"], store.ActorOf(u2, "127.0.0.2")}
	const n = 8
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			decision, reason := store.DecisionApprove, ""
			if i%2 == 1 {
				decision, reason = store.DecisionReturn, "数据有误"
			}
			_, errs[i] = e.wf.Review(ctx, reviewers[i%2], r.ID, r.LockVersion, decision, reason)
		}(i)
	}
	wg.Wait()
	wins := 0
	for _, err := range errs {
		switch {
		case err == nil:
			wins++
		case !errors.Is(err, model.ErrConflict):
			t.Fatalf("unexpected error %v", err)
		}
	}
	reviews := e.count("SELECT count(*) FROM reviews WHERE report_id = ?", r.ID)
	if wins != 1 || reviews != 1 {
		t.Fatalf("%d reviews succeeded, %d stored; want exactly 1", wins, reviews)
	}

	d, err := e.wf.SaveReport(ctx, e.actors["canlian"], input(e.input, e.period.ID, 0), false)
	if err != nil {
		t.Fatal(err)
	}
	wins = 0
	var mu sync.Mutex
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			in := input(e.input, e.period.ID, d.LockVersion)
			in.Progress = fmt.Sprintf("版本 %d", i)
			_, err := e.wf.SaveReport(ctx, e.actors["canlian"], in, i%2 == 0)
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				wins++
			} else if !errors.Is(err, model.ErrConflict) {
				t.Errorf("unexpected error %v", err)
			}
		}(i)
	}
	wg.Wait()
	if wins != 1 {
		t.Fatalf("%d concurrent saves of one draft succeeded, want 1", wins)
	}
	if id, _, err := e.st.VerifyAudit(ctx); id != 0 || err != nil {
		t.Fatalf("audit chain broken at %d: %v", id, err)
	}
}

func TestPromptsAndClosure(t *testing.T) {
	e := setup(t)
	e.signAll()
	ctx := context.Background()
	rv := e.actors["duchashi"]
	for _, who := range []string{"canlian", "jiaoyuju", "lingdao", "admin"} {
		if _, err := e.wf.SendPrompt(ctx, e.actors[who], e.input.ID, []int64{e.period.ID}, ""); err == nil {
			t.Fatalf("%s sent a prompt", who)
		}
	}
	ps, err := e.wf.SendPrompt(ctx, rv, e.input.ID, []int64{e.period.ID}, "请尽快报送一季度进展")
	if err != nil {
		t.Fatal(err)
	}
	if p := ps[0]; p.UnitID != e.f.Units["市残联"] {
		t.Fatalf("prompt to unit %d", p.UnitID)
	}
	open, _ := e.st.OpenPromptsOfUnit(ctx, e.f.Units["市残联"])
	if len(open) != 1 {
		t.Fatalf("open prompts = %d", len(open))
	}
	notes := e.count("SELECT count(*) FROM notifications WHERE user_id = ? AND kind = ?", e.actors["canlian"].UserID, workflow.NotePrompt)
	if notes != 1 {
		t.Fatalf("prompt notifications = %d", notes)
	}
	// Submitting the report answers the prompt.
	if _, err := e.wf.SaveReport(ctx, e.actors["canlian"], input(e.input, e.period.ID, 0), true); err != nil {
		t.Fatal(err)
	}
	if open, _ := e.st.OpenPromptsOfUnit(ctx, e.f.Units["市残联"]); len(open) != 0 {
		t.Fatalf("prompt still open after the report was submitted")
	}

	m := e.f.Measures[0]
	if err := e.wf.CloseMeasure(ctx, rv, m.ID, time.Time{}, "已完成"); !errors.Is(err, workflow.ErrNotDone) {
		t.Fatalf("close before the lead reported done = %v", err)
	}
	done := input(e.lead, e.period.ID, 0)
	done.ProgressState, done.Percent = model.ProgressDone, 100
	if _, err := e.wf.SaveReport(ctx, e.actors["jiaoyuju"], done, true); err != nil {
		t.Fatal(err)
	}
	if err := e.wf.CloseMeasure(ctx, e.actors["jiaoyuju"], m.ID, time.Time{}, "x"); errClass(err) != "403" {
		t.Fatalf("lead unit closes = %v", err)
	}
	// 台山 works on measure 3 and may look at it; 市教育局 does not.
	if err := e.wf.CloseMeasure(ctx, e.actors["taishan"], e.f.Measures[2].ID, time.Time{}, "x"); errClass(err) != "403" {
		t.Fatalf("a unit on the measure closes = %v", err)
	}
	if err := e.wf.CloseMeasure(ctx, e.actors["jiaoyuju"], e.f.Measures[2].ID, time.Time{}, "x"); errClass(err) != "404" {
		t.Fatalf("a unit not on the measure closes = %v", err)
	}
	if err := e.wf.CloseMeasure(ctx, rv, m.ID, time.Time{}, ""); !validate.FieldsOf(err).Has("note") {
		t.Fatalf("close without a note = %v", err)
	}
	future := e.p.Clock.Now().AddDate(0, 0, 3)
	if err := e.wf.CloseMeasure(ctx, rv, m.ID, future, "x"); !validate.FieldsOf(err).Has("closed_on") {
		t.Fatalf("close in the future = %v", err)
	}
	if err := e.wf.CloseMeasure(ctx, rv, m.ID, e.p.Clock.Now().AddDate(0, 0, -2), "全部指标已完成"); err != nil {
		t.Fatal(err)
	}
	got, _ := e.st.MeasureByID(ctx, m.ID)
	if got.ClosedAt == nil || got.ClosedNote != "全部指标已完成" || got.ClosedAt.In(clock.Zone).Day() != e.p.Clock.Now().AddDate(0, 0, -2).Day() {
		t.Fatalf("closed = %v %q", got.ClosedAt, got.ClosedNote)
	}
	if err := e.wf.CloseMeasure(ctx, rv, m.ID, time.Time{}, "again"); errClass(err) != "409" {
		t.Fatalf("close twice = %v", err)
	}
	// Units cannot report on a closed measure.
	if _, err := e.wf.SaveReport(ctx, e.actors["taishan"], input(e.other, e.period.ID, 0), false); !errors.Is(err, workflow.ErrMeasureClosed) {
		t.Fatalf("save on a closed measure = %v", err)
	}
	if err := e.wf.ReopenMeasure(ctx, rv, m.ID, "  "); !validate.FieldsOf(err).Has("reason") {
		t.Fatalf("reopen without a reason = %v", err)
	}
	if err := e.wf.ReopenMeasure(ctx, rv, m.ID, "复核发现入园率数据有误"); err != nil {
		t.Fatal(err)
	}
	if got, _ := e.st.MeasureByID(ctx, m.ID); got.ClosedAt != nil {
		t.Fatal("still closed")
	}
	evs, _ := e.st.AuditEventsOf(ctx, "measure", m.ID, "measure.close", "measure.reopen")
	if len(evs) != 2 {
		t.Fatalf("closure audit entries = %d", len(evs))
	}

	// The lead assignment's page: the 办结 history from measure_closures,
	// and the office is offered 办结 again (the lead still reports done).
	now := e.p.Clock.Now()
	pg, err := e.wf.AssignmentPage(ctx, rv, e.lead.ID, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(pg.Closure) != 2 || pg.Closure[0].Action != workflow.ActClose || pg.Closure[0].Text != "全部指标已完成" ||
		pg.Closure[1].Action != workflow.ActReopen || pg.Closure[1].Text != "复核发现入园率数据有误" || pg.Closure[0].Actor == "" {
		t.Fatalf("closure history = %+v", pg.Closure)
	}
	if !pg.CanClose || pg.CanReopen || !pg.CanPrompt || pg.CanSign || pg.IsOwner {
		t.Fatalf("office forms: close %v reopen %v prompt %v sign %v owner %v", pg.CanClose, pg.CanReopen, pg.CanPrompt, pg.CanSign, pg.IsOwner)
	}
	// The lead unit sees the same history on its own page but no office
	// forms; a co-unit's page never offers 办结.
	up, err := e.wf.AssignmentPage(ctx, e.actors["jiaoyuju"], e.lead.ID, now)
	if err != nil || !up.IsOwner || up.CanClose || up.CanReopen || up.CanPrompt || len(up.Closure) != 2 {
		t.Fatalf("lead unit's page = %+v, %v", up, err)
	}
	if co, err := e.wf.AssignmentPage(ctx, rv, e.other.ID, now); err != nil || co.CanClose || co.CanReopen {
		t.Fatalf("co-unit's page offers 办结: %v", err)
	}
	// Closed, the office is offered reopening instead.
	if err := e.wf.CloseMeasure(ctx, rv, m.ID, time.Time{}, "再次办结"); err != nil {
		t.Fatal(err)
	}
	if pg, err := e.wf.AssignmentPage(ctx, rv, e.lead.ID, now); err != nil || pg.CanClose || !pg.CanReopen || pg.CanPrompt || len(pg.Closure) != 3 {
		t.Fatalf("closed measure's page: close %v reopen %v prompt %v, %v", pg.CanClose, pg.CanReopen, pg.CanPrompt, err)
	}
}

// TestSaveChecksWhatMovedSinceItsReads: a save reads the report, the
// assignment and the measure before its write transaction; whatever
// another writer changes in between is caught there, and nothing of the
// late save is written: a newer save of the draft (stale), a report
// created meanwhile (stale), the measure closed meanwhile (closed).
func TestSaveChecksWhatMovedSinceItsReads(t *testing.T) {
	e := setup(t)
	e.signAll()
	ctx := context.Background()
	a := e.actors["canlian"]
	r, err := e.wf.SaveReport(ctx, a, input(e.input, e.period.ID, 0), false)
	if err != nil {
		t.Fatal(err)
	}
	// between runs fn once, between the late save's reads and its writes.
	between := func(fn func()) (restore func()) {
		var once bool
		return workflow.SetAfterLoadSave(func() {
			if !once {
				once = true
				fn()
			}
		})
	}
	restore := between(func() {
		in := input(e.input, e.period.ID, r.LockVersion)
		in.Progress = "先到的内容"
		if _, err := e.wf.SaveReport(ctx, a, in, false); err != nil {
			t.Error(err)
		}
	})
	late := input(e.input, e.period.ID, r.LockVersion)
	late.Progress = "后到的内容"
	_, err = e.wf.SaveReport(ctx, a, late, true)
	restore()
	if !errors.Is(err, workflow.ErrStale) {
		t.Fatalf("late save of a draft saved meanwhile = %v, want ErrStale", err)
	}
	if got, _ := e.st.ReportOf(ctx, e.input.ID, e.period.ID); got.Progress != "先到的内容" || got.State != model.ReportDraft {
		t.Fatalf("report = %q in state %s", got.Progress, got.State)
	}

	tai := e.actors["taishan"]
	restore = between(func() {
		if _, err := e.wf.SaveReport(ctx, tai, input(e.other, e.period.ID, 0), false); err != nil {
			t.Error(err)
		}
	})
	_, err = e.wf.SaveReport(ctx, tai, input(e.other, e.period.ID, 0), false)
	restore()
	if !errors.Is(err, workflow.ErrStale) {
		t.Fatalf("late first save of a report created meanwhile = %v, want ErrStale", err)
	}

	done := input(e.lead, e.period.ID, 0) // what closing asks for first
	done.ProgressState, done.Percent = model.ProgressDone, 100
	if _, err := e.wf.SaveReport(ctx, e.actors["jiaoyuju"], done, true); err != nil {
		t.Fatal(err)
	}
	restore = between(func() {
		if err := e.wf.CloseMeasure(ctx, e.actors["duchashi"], e.f.Measures[0].ID, time.Time{}, "已办结"); err != nil {
			t.Error(err)
		}
	})
	cur, _ := e.st.ReportOf(ctx, e.input.ID, e.period.ID)
	again := input(e.input, e.period.ID, cur.LockVersion)
	again.Progress = "办结后的内容"
	_, err = e.wf.SaveReport(ctx, a, again, false)
	restore()
	if !errors.Is(err, workflow.ErrMeasureClosed) {
		t.Fatalf("save on a measure closed meanwhile = %v, want ErrMeasureClosed", err)
	}
	if got, _ := e.st.ReportOf(ctx, e.input.ID, e.period.ID); got.Progress != "先到的内容" || got.LockVersion != cur.LockVersion {
		t.Fatalf("report after the refused save = %q at lock %d", got.Progress, got.LockVersion)
	}
}
