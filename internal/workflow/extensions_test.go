package workflow_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"duban/internal/clock"
	"duban/internal/evidence"
	"duban/internal/figures"
	"duban/internal/model"
	"duban/internal/rules"
	"duban/internal/testutil"
	"duban/internal/validate"
	"duban/internal/workflow"
)

func day(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02", s, clock.Zone)
	if err != nil {
		panic(err)
	}
	return t
}

func (e *env) notes(user, kind string) int64 {
	return e.count("SELECT count(*) FROM notifications WHERE user_id = ? AND kind = ?", e.actors[user].UserID, kind)
}

// facts is what the rules read of an assignment now.
func (e *env) status(asg model.Assignment) (*figures.Assignment, rules.Status) {
	e.t.Helper()
	snap, err := figures.Load(context.Background(), e.st, figures.Scope{MeasureID: asg.MeasureID}, e.p.Clock.Now())
	if err != nil {
		e.t.Fatal(err)
	}
	a := snap.Assignment(asg.ID)
	return a, a.Status
}

func TestExtensionRequestAndDecision(t *testing.T) { extensionRequestAndDecision(t) }

func TestExtensionRequestAndDecisionPostgres(t *testing.T) {
	extensionRequestAndDecision(t, testutil.WithDB(testutil.PostgresURL(t)))
}

func extensionRequestAndDecision(t *testing.T, opts ...testutil.Option) {
	e := setup(t, opts...)
	ctx := context.Background()
	m3 := e.f.Measures[2] // 残疾人就业, due 2015-06-30: 市残联 leads, 台山 responsible
	as, _ := e.st.AssignmentsOf(ctx, m3.ID)
	var lead3, co3 model.Assignment
	for _, a := range as {
		if a.Role == model.AssignLead {
			lead3 = a
		} else {
			co3 = a
		}
	}
	req := workflow.ExtensionInput{AssignmentID: co3.ID, ProposedOn: day("2015-09-30"), Reason: "场地改造未完工"}

	// Who may ask: only the assignment's own unit.
	for who, want := range map[string]string{"canlian": "403", "jiaoyuju": "404", "duchashi": "403", "lingdao": "403", "admin": "403"} {
		if _, err := e.wf.RequestExtension(ctx, e.actors[who], req); errClass(err) != want {
			t.Errorf("%s asks = %v, want %s", who, err, want)
		}
	}
	bad := req
	bad.Reason, bad.ProposedOn = " ", day("2015-06-01")
	fe := func(err error) validate.Errors { return validate.FieldsOf(err) }
	if err := fe(func() error { _, err := e.wf.RequestExtension(ctx, e.actors["taishan"], bad); return err }()); !err.Has("reason") || !err.Has("proposed_on") {
		t.Fatalf("empty reason and an earlier date = %v", err)
	}
	bad = req
	bad.WholeMeasure = true
	if err := fe(func() error { _, err := e.wf.RequestExtension(ctx, e.actors["taishan"], bad); return err }()); !err.Has("whole_measure") {
		t.Fatalf("a co-unit asks for the whole measure = %v", err)
	}
	// A file comes along as evidence.
	files := evidence.NewLocal(e.p.Config.AttachmentsDir())
	blob, err := files.Create(ctx, bytes.NewReader(evidence.SamplePDF("延期说明")), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	req.Files = []workflow.NewFile{{Name: "延期说明.pdf", ContentType: "application/pdf", Blob: blob}}
	before := e.auditCount()
	x, err := e.wf.RequestExtension(ctx, e.actors["taishan"], req)
	if err != nil {
		t.Fatal(err)
	}
	if e.auditCount() != before+1 || e.notes("duchashi", workflow.NoteExtensionRequested) != 1 {
		t.Fatalf("request: audit %d→%d, office notes %d", before, e.auditCount(), e.notes("duchashi", workflow.NoteExtensionRequested))
	}
	if !x.OriginalOn.Equal(day("2015-06-30")) || x.State != model.ExtensionPending {
		t.Fatalf("request %+v", x)
	}
	// One open request per assignment.
	req.Files = nil
	if _, err := e.wf.RequestExtension(ctx, e.actors["taishan"], req); errClass(err) != "409" {
		t.Fatalf("second open request = %v, want 409", err)
	}
	// Only the office decides; a rejection needs a reason.
	for _, who := range []string{"taishan", "canlian", "lingdao", "admin"} {
		if err := e.wf.DecideExtension(ctx, e.actors[who], x.ID, true, time.Time{}, ""); err == nil {
			t.Fatalf("%s approved", who)
		}
	}
	if err := e.wf.DecideExtension(ctx, e.actors["duchashi"], x.ID, false, time.Time{}, ""); !fe(err).Has("reason") {
		t.Fatalf("reject without a reason = %v", err)
	}
	if err := e.wf.DecideExtension(ctx, e.actors["duchashi"], x.ID, false, time.Time{}, "理由不充分"); err != nil {
		t.Fatal(err)
	}
	if err := e.wf.DecideExtension(ctx, e.actors["duchashi"], x.ID, true, time.Time{}, ""); errClass(err) != "409" {
		t.Fatalf("deciding twice = %v", err)
	}
	if e.notes("taishan", workflow.NoteExtensionRejected) != 1 || e.notes("canlian", workflow.NoteExtensionRejected) != 1 {
		t.Fatal("requester and lead unit not told of the rejection")
	}
	if a, _ := e.status(co3); a.Extended() {
		t.Fatal("a rejected request moved the deadline")
	}

	// The clock passes the plan's date: the measure is overdue for 台山 …
	e.p.Clock.Set(day("2015-07-03").Add(9 * time.Hour))
	if _, st := e.status(co3); !hasKind(st, rules.KindMeasureOverdue) {
		t.Fatalf("before the extension: %v %v", st.Light, st.Reasons)
	}
	// … until the office grants another date than asked.
	y, err := e.wf.RequestExtension(ctx, e.actors["taishan"], workflow.ExtensionInput{AssignmentID: co3.ID, ProposedOn: day("2015-12-31"), Reason: "资金下半年到位"})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.wf.DecideExtension(ctx, e.actors["duchashi"], y.ID, true, day("2015-05-01"), ""); !fe(err).Has("decided_on") {
		t.Fatalf("granting a date before the deadline = %v", err)
	}
	if err := e.wf.DecideExtension(ctx, e.actors["duchashi"], y.ID, true, day("2015-09-30"), "同意延至9月底"); err != nil {
		t.Fatal(err)
	}
	a, st := e.status(co3)
	if !a.Extended() || !clock.Date(a.DueOn()).Equal(day("2015-09-30")) || hasKind(st, rules.KindMeasureOverdue) {
		t.Fatalf("after approval: due %v, %v %v", a.DueOn(), st.Light, st.Reasons)
	}
	if !st.Periods[4].Owed() {
		t.Fatal("2015Q3 is owed now that the deadline is in it")
	}
	if l, _ := e.status(lead3); l.Extended() {
		t.Fatal("the lead unit's deadline moved with a co-unit's extension")
	}
	// The lead unit asks for the whole measure.
	z, err := e.wf.RequestExtension(ctx, e.actors["canlian"], workflow.ExtensionInput{AssignmentID: lead3.ID, WholeMeasure: true,
		ProposedOn: day("2015-08-31"), Reason: "整体延期"})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.wf.DecideExtension(ctx, e.actors["duchashi"], z.ID, true, time.Time{}, ""); err != nil {
		t.Fatal(err)
	}
	if l, _ := e.status(lead3); !clock.Date(l.DueOn()).Equal(day("2015-08-31")) {
		t.Fatalf("lead due = %v", l.DueOn())
	}
	if c, _ := e.status(co3); !clock.Date(c.DueOn()).Equal(day("2015-09-30")) {
		t.Fatalf("the co-unit's later date was shortened to %v", c.DueOn())
	}
	if m, _ := e.st.MeasureByID(ctx, m3.ID); !clock.Date(m.DueOn).Equal(day("2015-06-30")) {
		t.Fatalf("the measure's original date changed to %v", m.DueOn)
	}
	snap, _ := figures.Load(ctx, e.st, figures.Scope{}, e.p.Clock.Now())
	for _, sc := range snap.Scorecard() {
		if sc.Unit.ID == e.f.Units["台山市人民政府"] && sc.Extended != 1 {
			t.Fatalf("台山 extended = %d", sc.Extended)
		}
	}
	rows := snap.Ledger(figures.LedgerFilter{})
	found := false
	for _, r := range rows {
		if r.Assignment.ID == co3.ID {
			found = true
			if !clock.Date(r.OriginalDue).Equal(day("2015-06-30")) || !clock.Date(r.AdjustedDue).Equal(day("2015-09-30")) {
				t.Fatalf("ledger dates %v %v", r.OriginalDue, r.AdjustedDue)
			}
		}
	}
	if !found {
		t.Fatal("no ledger row")
	}
}

func hasKind(st rules.Status, kind string) bool {
	for _, r := range st.Reasons {
		if r.Kind == kind {
			return true
		}
	}
	return false
}

func TestInstructions(t *testing.T) { instructions(t) }

func TestInstructionsPostgres(t *testing.T) {
	instructions(t, testutil.WithDB(testutil.PostgresURL(t)))
}

func instructions(t *testing.T, opts ...testutil.Option) {
	e := setup(t, opts...)
	ctx := context.Background()
	m := e.f.Measures[0] // 市教育局 leads, 市残联 and 台山 responsible
	in := workflow.InstructionInput{MeasureID: m.ID, Body: "请加快普惠性幼儿园建设，月底前报告进展。", DueOn: day("2015-04-10"),
		CoUnits: []int64{e.f.Units["市残联"]}}
	for who, want := range map[string]string{"jiaoyuju": "403", "canlian": "404", "admin": "403"} {
		if _, err := e.wf.WriteInstruction(ctx, e.actors[who], in); errClass(err) != want {
			t.Errorf("%s writes = %v, want %s", who, err, want)
		}
	}
	bad := in
	bad.Body, bad.DueOn, bad.CoUnits = "", day("2015-03-01"), []int64{e.f.Units["市教育局"]}
	fe := validate.FieldsOf(func() error { _, err := e.wf.WriteInstruction(ctx, e.actors["lingdao"], bad); return err }())
	if !fe.Has("body") || !fe.Has("due_on") || !fe.Has("co_units") {
		t.Fatalf("bad instruction = %v", fe)
	}
	x, err := e.wf.WriteInstruction(ctx, e.actors["lingdao"], in)
	if err != nil {
		t.Fatal(err)
	}
	if e.notes("jiaoyuju", workflow.NoteInstruction) != 1 || e.notes("canlian", workflow.NoteInstruction) != 1 || e.notes("taishan", workflow.NoteInstruction) != 0 {
		t.Fatal("the lead unit and the named co-unit (only) are told")
	}
	open, _ := e.st.OpenInstructionsOfUnit(ctx, e.f.Units["市残联"])
	if len(open) != 1 || open[0].Lead {
		t.Fatalf("市残联's open instructions = %+v", open)
	}
	if _, err := e.wf.WriteInstruction(ctx, e.actors["duchashi"], workflow.InstructionInput{MeasureID: m.ID, Body: "督查室：请抓紧落实。"}); err != nil {
		t.Fatal(err)
	}
	// Past its reply date without an answer, the lead unit's light is red.
	e.p.Clock.Set(day("2015-04-12").Add(9 * time.Hour))
	if _, st := e.status(e.lead); st.Light != rules.Red || !hasKind(st, rules.KindInstruction) {
		t.Fatalf("overdue instruction: %v %v", st.Light, st.Reasons)
	}
	if _, st := e.status(e.input); hasKind(st, rules.KindInstruction) {
		t.Fatal("a co-unit's light counts the lead's instruction")
	}
	snap, _ := figures.Load(ctx, e.st, figures.Scope{}, e.p.Clock.Now())
	for _, sc := range snap.Scorecard() {
		if sc.Unit.ID == e.f.Units["市教育局"] && sc.InstructionsOverdue != 1 {
			t.Fatalf("scorecard overdue instructions = %d", sc.InstructionsOverdue)
		}
	}
	for who, want := range map[string]string{"canlian": "403", "taishan": "403", "lingdao": "403", "duchashi": "403"} {
		if err := e.wf.AnswerInstruction(ctx, e.actors[who], x.ID, "已落实", nil); errClass(err) != want {
			t.Errorf("%s answers = %v, want %s", who, err, want)
		}
	}
	if err := e.wf.AnswerInstruction(ctx, e.actors["jiaoyuju"], x.ID, " ", nil); !validate.FieldsOf(err).Has("reply") {
		t.Fatalf("empty reply = %v", err)
	}
	if err := e.wf.AnswerInstruction(ctx, e.actors["jiaoyuju"], x.ID, "已新增普惠性幼儿园12所。", nil); err != nil {
		t.Fatal(err)
	}
	if err := e.wf.AnswerInstruction(ctx, e.actors["jiaoyuju"], x.ID, "again", nil); errClass(err) != "409" {
		t.Fatalf("answering twice = %v", err)
	}
	if e.notes("lingdao", workflow.NoteInstructionAnswer) != 1 {
		t.Fatal("the leader is not told of the answer")
	}
	if _, st := e.status(e.lead); hasKind(st, rules.KindInstruction) {
		t.Fatalf("answered instruction still a reason: %v", st.Reasons)
	}
}

func TestMeasureRecordTimeline(t *testing.T) {
	e := setup(t)
	e.signAll()
	ctx := context.Background()
	m := e.f.Measures[0]
	if _, err := e.wf.SaveReport(ctx, e.actors["canlian"], input(e.input, e.period.ID, 0), true); err != nil {
		t.Fatal(err)
	}
	if _, err := e.wf.SaveReport(ctx, e.actors["taishan"], input(e.other, e.period.ID, 0), true); err != nil {
		t.Fatal(err)
	}
	if _, err := e.wf.RequestExtension(ctx, e.actors["taishan"], workflow.ExtensionInput{AssignmentID: e.other.ID,
		ProposedOn: day("2016-03-31"), Reason: "资金未到位"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.wf.WriteInstruction(ctx, e.actors["lingdao"], workflow.InstructionInput{MeasureID: m.ID, Body: "请加快进度"}); err != nil {
		t.Fatal(err)
	}
	kinds := func(r *workflow.Record) map[string]int {
		out := map[string]int{}
		for _, ev := range r.Timeline {
			out[ev.Kind]++
		}
		return out
	}
	all, err := e.wf.MeasureRecord(ctx, e.actors["lingdao"], m.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	k := kinds(all)
	if k[workflow.EvAssigned] != 3 || k[workflow.EvSigned] != 3 || k[workflow.EvSubmitted] != 2 || k[workflow.EvExtRequested] != 1 || k[workflow.EvInstruction] != 1 {
		t.Fatalf("leader's timeline kinds = %v", k)
	}
	for i := 1; i < len(all.Timeline); i++ {
		if all.Timeline[i].At.Before(all.Timeline[i-1].At) {
			t.Fatalf("timeline not oldest first at %d", i)
		}
	}
	// 台山 (a co-unit) sees its own record and the measure's instructions' owner events only.
	ts, _ := e.wf.MeasureRecord(ctx, e.actors["taishan"], m.ID, 0)
	for _, ev := range ts.Timeline {
		if ev.UnitID != 0 && ev.UnitID != e.f.Units["台山市人民政府"] {
			t.Fatalf("台山 sees %s of unit %d", ev.Kind, ev.UnitID)
		}
	}
	if len(ts.Extensions) != 1 || ts.RequestFor != e.other.ID || ts.RequestWhole {
		t.Fatalf("台山's record: %d extensions, request for %d whole %v", len(ts.Extensions), ts.RequestFor, ts.RequestWhole)
	}
	// Filtered by unit.
	f, _ := e.wf.MeasureRecord(ctx, e.actors["duchashi"], m.ID, e.f.Units["市残联"])
	if kf := kinds(f); kf[workflow.EvSubmitted] != 1 || kf[workflow.EvExtRequested] != 0 || kf[workflow.EvAssigned] != 1 {
		t.Fatalf("filtered kinds = %v", kf)
	}
	if len(f.Extensions) != 1 || !f.Extensions[0].CanDecide {
		t.Fatalf("the office's record lists the request as decidable: %+v", f.Extensions)
	}
	// A unit not on the measure sees nothing of it.
	other := e.f.Measures[2]
	if r, _ := e.wf.MeasureRecord(ctx, e.actors["jiaoyuju"], other.ID, 0); r.Visible || len(r.Timeline) != 0 {
		t.Fatal("a stranger unit sees the record")
	}
}
