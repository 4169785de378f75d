package bulletin_test

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"duban/internal/bulletin"
	"duban/internal/bulletin/bulletintest"
	"duban/internal/clock"
	"duban/internal/evidence"
	"duban/internal/figures/figurestest"
	"duban/internal/i18n"
	"duban/internal/model"
	"duban/internal/rules"
	"duban/internal/store"
	"duban/internal/testutil"
	"duban/internal/validate"
	"duban/internal/workflow"
)

type env struct {
	t      *testing.T
	p      *testutil.Portal
	st     *store.Store
	svc    *bulletin.Service
	f      *testutil.Fixture
	h      *figurestest.History
	actors map[string]store.Actor
	ctx    context.Context // zh-CN
}

// setup seeds the metrics scenario (seen at 2015-04-03) on a portal with
// the demo accounts and no demo plan.
func setup(t *testing.T, extras bulletin.ExtrasFunc, opts ...testutil.Option) *env {
	t.Helper()
	p := testutil.Start(t, append([]testutil.Option{testutil.DemoWithoutPlan()}, opts...)...)
	st := p.App.Store
	f, h := figurestest.Scenario(t, st)
	e := &env{t: t, p: p, st: st, svc: bulletin.New(st, extras), f: f, h: h, actors: map[string]store.Actor{},
		ctx: i18n.WithLocale(context.Background(), i18n.ZH)}
	for _, n := range []string{"admin", "duchashi", "jiaoyuju", "canlian", "taishan", "lingdao"} {
		u, err := st.UserByUsername(e.ctx, n)
		if err != nil {
			t.Fatal(err)
		}
		e.actors[n] = store.ActorOf(u, "127.0.0.1")
	}
	return e
}

func (e *env) draft(label string) int64 {
	e.t.Helper()
	id, err := e.svc.Draft(e.ctx, e.actors["duchashi"], e.f.Plan.ID, e.h.Periods[label].ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return id
}

func (e *env) page(who string, id int64) *bulletin.Page {
	e.t.Helper()
	p, err := e.svc.Get(e.ctx, e.actors[who], id)
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

func textOf(b model.Bulletin) bulletin.Text {
	return bulletin.Text{Title: b.Title, Praise: b.Praise, Criticism: b.Criticism, Requirements: b.Requirements}
}

// TestDraftFromTheFacts checks a draft's figures against the scenario's
// known history: the 2014Q4 ranking by on-time rate, the period's totals,
// the red assignments with the rules' reasons, the lights, and the
// suggested text naming the best and the missing units.
func TestDraftFromTheFacts(t *testing.T) {
	e := setup(t, nil)
	id := e.draft("2014Q4")
	p := e.page("duchashi", id)
	if !p.Live || !p.CanEdit || p.Bulletin.State != model.BulletinDraft {
		t.Fatalf("draft page: live=%v edit=%v state=%s", p.Live, p.CanEdit, p.Bulletin.State)
	}
	f := p.Figures
	if f.Period != "2014Q4" || f.Plan != e.f.Plan.Title {
		t.Fatalf("period %q plan %q", f.Period, f.Plan)
	}
	// 台山 handed in its three on time; 市教育局 one of two (the other was
	// returned); 市残联 two of three, one of them late.
	want := []bulletin.UnitRate{
		{Rank: 1, Unit: figurestest.Taishan, Rate: bulletin.Rate{Expected: 3, Submitted: 3, OnTime: 3}},
		{Rank: 2, Unit: figurestest.Edu, Rate: bulletin.Rate{Expected: 2, Submitted: 1, OnTime: 1}},
		{Rank: 3, Unit: figurestest.Disabled, Rate: bulletin.Rate{Expected: 3, Submitted: 2, OnTime: 1}},
	}
	if !slices.Equal(f.Units, want) {
		t.Fatalf("ranking = %+v, want %+v", f.Units, want)
	}
	x := figurestest.Expect
	if got := f.Reporting; got.Expected != x.PeriodExpected[1] || got.Submitted != x.PeriodSubmitted[1] || got.OnTime != x.PeriodOnTime[1] {
		t.Fatalf("period totals = %+v, want %d/%d/%d", got, x.PeriodExpected[1], x.PeriodSubmitted[1], x.PeriodOnTime[1])
	}
	if f.Measures.Total != 3 || f.Measures.Red != x.MeasureRed || f.Measures.Yellow != x.MeasureYellow || f.Measures.Blue != x.MeasureBlue {
		t.Fatalf("lights = %+v", f.Measures)
	}
	if f.Completion != x.TotalCompletion {
		t.Fatalf("completion = %v, want %v", f.Completion, x.TotalCompletion)
	}
	if len(f.Red) != x.AsgRed {
		t.Fatalf("red items = %+v, want %d", f.Red, x.AsgRed)
	}
	kinds := map[string]string{}
	for _, r := range f.Red {
		if len(r.Reasons) == 0 {
			t.Fatalf("red item without reasons: %+v", r)
		}
		kinds[r.Unit] = r.Reasons[0].Kind
	}
	if kinds[figurestest.Edu] != rules.KindReturnedStale || kinds[figurestest.Disabled] != rules.KindOverdue {
		t.Fatalf("red reasons by unit = %v", kinds)
	}
	if len(f.Closed) != 0 {
		t.Fatalf("closed in 2014Q4 = %+v, want none", f.Closed)
	}
	b := p.Bulletin
	if b.Title != "关于2014年第4季度督查督办工作情况的通报" {
		t.Fatalf("suggested title %q", b.Title)
	}
	if !strings.Contains(b.Praise, figurestest.Taishan) || strings.Contains(b.Praise, figurestest.Disabled) {
		t.Fatalf("suggested praise %q", b.Praise)
	}
	if !strings.Contains(b.Criticism, figurestest.Disabled+"（未报 1 份）") || !strings.Contains(b.Criticism, "1 项措施亮红灯") {
		t.Fatalf("suggested criticism %q", b.Criticism)
	}
	if !strings.HasPrefix(b.Requirements, "1. ") {
		t.Fatalf("suggested requirements %q", b.Requirements)
	}

	// 残疾人就业 was closed on 2015-04-02: in 2015Q2, not in 2015Q1.
	if p := e.page("duchashi", e.draft("2015Q1")); len(p.Figures.Closed) != 0 {
		t.Fatalf("closed in 2015Q1 = %+v", p.Figures.Closed)
	}
	p = e.page("duchashi", e.draft("2015Q2"))
	if len(p.Figures.Closed) != 1 || p.Figures.Closed[0].MeasureID != e.f.Measures[2].ID || p.Figures.Closed[0].Unit != figurestest.Disabled {
		t.Fatalf("closed in 2015Q2 = %+v", p.Figures.Closed)
	}
	if !strings.Contains(p.Bulletin.Praise, "本期办结措施 1 项") {
		t.Fatalf("praise of 2015Q2 %q", p.Bulletin.Praise)
	}
	// The same period again opens the existing draft.
	if again := e.draft("2014Q4"); again != id {
		t.Fatalf("second draft on 2014Q4 = %d, want the existing %d", again, id)
	}
}

// TestOnlyTheOfficeDraftsAndSeesDrafts: a draft does not exist for units
// and leaders, and only the office may start, edit or publish one.
func TestOnlyTheOfficeDraftsAndSeesDrafts(t *testing.T) {
	e := setup(t, nil)
	id := e.draft("2014Q4")
	for _, who := range []string{"jiaoyuju", "lingdao", "admin"} {
		if _, err := e.svc.Get(e.ctx, e.actors[who], id); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("%s reads a draft: %v, want not found", who, err)
		}
		if _, err := e.svc.Draft(e.ctx, e.actors[who], e.f.Plan.ID, e.h.Periods["2014Q4"].ID); !errors.Is(err, model.ErrForbidden) {
			t.Errorf("%s drafts: %v, want forbidden", who, err)
		}
		if err := e.svc.Update(e.ctx, e.actors[who], id, 1, bulletin.Text{Title: "x"}); !errors.Is(err, model.ErrForbidden) {
			t.Errorf("%s edits: %v, want forbidden", who, err)
		}
		if err := e.svc.Publish(e.ctx, e.actors[who], id, 1, bulletin.Text{Title: "x"}); !errors.Is(err, model.ErrForbidden) {
			t.Errorf("%s publishes: %v, want forbidden", who, err)
		}
	}
	rows, err := e.svc.List(e.ctx, e.actors["jiaoyuju"])
	if err != nil || len(rows) != 0 {
		t.Fatalf("a unit's list = %v %v, want no drafts", rows, err)
	}
	if rows, _ := e.svc.List(e.ctx, e.actors["duchashi"]); len(rows) != 1 {
		t.Fatalf("the office's list = %v, want its draft", rows)
	}
	if _, err := e.svc.Draft(e.ctx, e.actors["duchashi"], e.f.Plan.ID, 999999); !errors.Is(err, model.ErrNotFound) {
		t.Fatalf("draft on an unknown period: %v", err)
	}
}

// TestEditConflictsAndValidation: a save at a stale version is refused
// without changing anything; an empty title or control characters are
// field errors.
func TestEditConflictsAndValidation(t *testing.T) {
	e := setup(t, nil)
	id := e.draft("2014Q4")
	rv := e.actors["duchashi"]
	b := e.page("duchashi", id).Bulletin
	t1 := textOf(b)
	t1.Praise = "第一位编辑的表扬。"
	if err := e.svc.Update(e.ctx, rv, id, b.Version, t1); err != nil {
		t.Fatal(err)
	}
	t2 := textOf(b)
	t2.Praise = "第二位编辑的表扬。"
	if err := e.svc.Update(e.ctx, rv, id, b.Version, t2); !errors.Is(err, bulletin.ErrStale) {
		t.Fatalf("stale save: %v, want ErrStale", err)
	}
	if got := e.page("duchashi", id).Bulletin; got.Praise != t1.Praise || got.Version != b.Version+1 {
		t.Fatalf("after the refused save: praise %q version %d", got.Praise, got.Version)
	}
	tests := []struct {
		name  string
		text  bulletin.Text
		field string
	}{
		{"empty title", bulletin.Text{Title: "  "}, "title"},
		{"long title", bulletin.Text{Title: strings.Repeat("通", bulletin.MaxTitleRunes+1)}, "title"},
		{"title on two lines", bulletin.Text{Title: "一\n二"}, "title"},
		{"control character", bulletin.Text{Title: "标题", Criticism: "a\x07b"}, "criticism"},
		{"long section", bulletin.Text{Title: "标题", Requirements: strings.Repeat("要", bulletin.MaxSectionRunes+1)}, "requirements"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := e.svc.Update(e.ctx, rv, id, b.Version+1, tt.text)
			if fe := validate.FieldsOf(err); !fe.Has(tt.field) {
				t.Fatalf("err = %v, want a field error on %s", err, tt.field)
			}
		})
	}
	// Line breaks from a browser (CRLF) are kept as plain line breaks.
	t3 := textOf(b)
	t3.Requirements = "1. 甲\r\n2. 乙"
	if err := e.svc.Update(e.ctx, rv, id, b.Version+1, t3); err != nil {
		t.Fatal(err)
	}
	if got := e.page("duchashi", id).Bulletin.Requirements; got != "1. 甲\n2. 乙" {
		t.Fatalf("requirements %q", got)
	}
}

// TestPublish numbers the bulletins per year, announces each in every
// enabled user's inbox with one audit entry, and freezes the figures:
// later reports do not change a published bulletin, which the service
// and the database both refuse to change or remove.
func TestPublish(t *testing.T) { publish(t) }

func TestPublishPostgres(t *testing.T) { publish(t, testutil.WithDB(testutil.PostgresURL(t))) }

func publish(t *testing.T, opts ...testutil.Option) {
	e := setup(t, nil, opts...)
	rv := e.actors["duchashi"]
	st := e.p.App.Store
	count := func(sql string, args ...any) int64 {
		t.Helper()
		var n int64
		if err := st.Raw(e.ctx, &n, sql, args...); err != nil {
			t.Fatal(err)
		}
		return n
	}
	users := count("SELECT count(*) FROM users WHERE disabled = ?", false)

	id := e.draft("2014Q4")
	b := e.page("duchashi", id).Bulletin
	t1 := textOf(b)
	t1.Title = "关于2014年第4季度工作的通报"
	if err := e.svc.Publish(e.ctx, rv, id, b.Version, t1); err != nil {
		t.Fatal(err)
	}
	p := e.page("jiaoyuju", id)
	if p.Live || p.CanEdit || p.Bulletin.State != model.BulletinPublished || p.Bulletin.Title != t1.Title {
		t.Fatalf("published page: live=%v edit=%v state=%s title=%q", p.Live, p.CanEdit, p.Bulletin.State, p.Bulletin.Title)
	}
	if p.Bulletin.Year != 2015 || p.Bulletin.Seq != 1 || bulletin.Number(e.ctx, &p.Bulletin) != "督查通报〔2015〕第1期" {
		t.Fatalf("number: %d/%d %q", p.Bulletin.Year, p.Bulletin.Seq, bulletin.Number(e.ctx, &p.Bulletin))
	}
	notes := count("SELECT count(*) FROM notifications WHERE kind = ? AND object_type = ? AND object_id = ?", bulletin.NotePublished, "bulletin", id)
	if notes != users || users == 0 {
		t.Fatalf("%d notifications for %d enabled users", notes, users)
	}
	if audits := count("SELECT count(*) FROM audit_events WHERE action = ? AND object_id = ?", "bulletin.publish", id); audits != 1 {
		t.Fatalf("%d publish audit entries", audits)
	}
	frozen := p.Figures

	// 市残联 hands in its missing 2014Q4 report: a draft would change, the
	// published bulletin does not.
	e.h.Report(e.h.A(1, figurestest.Disabled), "2014Q4", figurestest.Report{State: model.ReportSubmitted, Percent: 30, Submitted: "2015-04-02"})
	after := e.page("lingdao", id).Figures
	if after.Reporting != frozen.Reporting || !slices.Equal(after.Units, frozen.Units) || after.AsOf != frozen.AsOf {
		t.Fatalf("a published bulletin changed: %+v → %+v", frozen.Reporting, after.Reporting)
	}
	live := e.page("duchashi", e.draft("2014Q4")).Figures
	if live.Reporting.Submitted != frozen.Reporting.Submitted+1 {
		t.Fatalf("a new draft sees %d handed in, want %d", live.Reporting.Submitted, frozen.Reporting.Submitted+1)
	}

	// The service refuses to touch it.
	if err := e.svc.Update(e.ctx, rv, id, p.Bulletin.Version, t1); !errors.Is(err, bulletin.ErrPublished) {
		t.Fatalf("edit after publishing: %v", err)
	}
	if err := e.svc.Publish(e.ctx, rv, id, p.Bulletin.Version, t1); !errors.Is(err, bulletin.ErrPublished) {
		t.Fatalf("publish twice: %v", err)
	}
	if err := e.svc.Delete(e.ctx, rv, id, p.Bulletin.Version); !errors.Is(err, bulletin.ErrPublished) {
		t.Fatalf("delete after publishing: %v", err)
	}
	// So does the database, whoever asks.
	if _, err := st.Exec(e.ctx, "UPDATE bulletins SET title = 'x' WHERE id = ?", id); err == nil || !strings.Contains(err.Error(), "immutable") {
		t.Fatalf("direct update: %v", err)
	}
	if _, err := st.Exec(e.ctx, "DELETE FROM bulletins WHERE id = ?", id); err == nil || !strings.Contains(err.Error(), "immutable") {
		t.Fatalf("direct delete: %v", err)
	}

	// The next one is number 2 of the year.
	id2 := e.draft("2015Q1")
	b2 := e.page("duchashi", id2).Bulletin
	if err := e.svc.Publish(e.ctx, rv, id2, b2.Version, textOf(b2)); err != nil {
		t.Fatal(err)
	}
	if b2 = e.page("taishan", id2).Bulletin; b2.Seq != 2 || b2.Year != 2015 {
		t.Fatalf("second bulletin numbered %d/%d", b2.Year, b2.Seq)
	}
	// A draft is deleted at its version; the published stay.
	id3 := e.draft("2014Q3")
	if err := e.svc.Delete(e.ctx, rv, id3, 1); err != nil {
		t.Fatal(err)
	}
	rows, _ := e.svc.List(e.ctx, rv)
	var ids []int64
	for _, r := range rows {
		ids = append(ids, r.ID)
	}
	if len(ids) != 3 || ids[0] != live2(rows) || ids[1] != id2 || ids[2] != id {
		t.Fatalf("list = %v", ids)
	}
}

// live2 is the one draft left in the list.
func live2(rows []bulletin.Row) int64 {
	for _, r := range rows {
		if r.State == model.BulletinDraft {
			return r.ID
		}
	}
	return 0
}

// TestExtrasFillTheirSections: the extensions and instructions loader's
// answers appear in the figures and the suggested text.
func TestExtrasFillTheirSections(t *testing.T) {
	var asked model.Period
	extras := func(_ context.Context, planID int64, per model.Period, now time.Time) (bulletin.Extras, error) {
		asked = per
		return bulletin.Extras{
			Extensions: []bulletin.Extension{{MeasureID: 1, Measure: "(一)1. 学前教育", Unit: figurestest.Taishan,
				Original: figurestest.At("2015-06-30"), Granted: figurestest.At("2015-09-30"), DecidedOn: figurestest.At("2014-12-01")}},
			Instructions: []bulletin.Instruction{{MeasureID: 2, Measure: "(一)2. 义务教育", Unit: figurestest.Edu, Author: "领导",
				Text: "请加快进度", GivenOn: figurestest.At("2014-12-10"), ReplyBy: figurestest.At("2015-01-10")}},
		}, nil
	}
	e := setup(t, extras)
	p := e.page("duchashi", e.draft("2014Q4"))
	if asked.Label != "2014Q4" {
		t.Fatalf("loader asked for %q", asked.Label)
	}
	if len(p.Figures.Extensions) != 1 || len(p.Figures.Instructions) != 1 {
		t.Fatalf("extras = %+v %+v", p.Figures.Extensions, p.Figures.Instructions)
	}
	if !strings.Contains(p.Bulletin.Criticism, "领导批示逾期未反馈 1 件") || !strings.Contains(p.Bulletin.Requirements, "领导批示") {
		t.Fatalf("suggested text ignores the instruction: %q / %q", p.Bulletin.Criticism, p.Bulletin.Requirements)
	}
	var buf bytes.Buffer
	if err := bulletin.WriteDocx(e.ctx, &buf, p); err != nil {
		t.Fatal(err)
	}
	d := bulletintest.Read(t, buf.Bytes())
	found := false
	for _, tb := range d.Tables {
		if len(tb) == 2 && tb[1][0] == "(一)1. 学前教育" && tb[1][3] == "2015年9月30日" {
			found = true
		}
	}
	if !found {
		t.Fatalf("no extension table in %v", d.Tables)
	}
}

// TestDocx opens the Word file with the library and checks the masthead,
// number, title, the numbered section headings, the ranking table and the
// fonts named for Word (仿宋_GB2312 body, 黑体 headings), in both languages.
func TestDocx(t *testing.T) {
	e := setup(t, nil)
	id := e.draft("2014Q4")
	b := e.page("duchashi", id).Bulletin
	if err := e.svc.Publish(e.ctx, e.actors["duchashi"], id, b.Version, textOf(b)); err != nil {
		t.Fatal(err)
	}
	for _, loc := range []string{i18n.ZH, i18n.EN} {
		t.Run(loc, func(t *testing.T) {
			ctx := i18n.WithLocale(context.Background(), loc)
			p, err := e.svc.Get(ctx, e.actors["canlian"], id)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := bulletin.WriteDocx(ctx, &buf, p); err != nil {
				t.Fatal(err)
			}
			d := bulletintest.Read(t, buf.Bytes())
			if len(d.Paras) < 3 || d.Paras[0].Text != i18n.T(ctx, "bul.doc.masthead") || d.Paras[1].Text != bulletin.Number(ctx, &p.Bulletin) {
				t.Fatalf("masthead and number: %+v", d.Paras[:min(3, len(d.Paras))])
			}
			heads := d.Headings()
			wantHeads := []string{p.Bulletin.Title}
			for _, s := range bulletin.Sections {
				wantHeads = append(wantHeads, bulletin.Heading(ctx, s))
			}
			if !slices.Equal(heads, wantHeads) {
				t.Fatalf("headings = %q, want %q", heads, wantHeads)
			}
			if loc == i18n.ZH && (heads[1] != "一、总体情况" || heads[9] != "九、下步要求") {
				t.Fatalf("Chinese headings %q", heads)
			}
			for i, para := range d.Paras {
				if len(para.EastAsian) == 0 {
					t.Fatalf("paragraph %q names no East Asian font", para.Text)
				}
				want := "仿宋_GB2312"
				if para.Style != "" || i == 0 { // headings and the masthead
					want = "黑体"
				}
				if para.EastAsian[0] != want {
					t.Fatalf("paragraph %q (%s) in %q, want %q", para.Text, para.Style, para.EastAsian[0], want)
				}
			}
			if len(d.Tables) == 0 {
				t.Fatal("no tables")
			}
			rank := d.Tables[0]
			wantRank := [][]string{
				bulletin.RankingHead(ctx),
				{"1", figurestest.Taishan, "3", "3", "3", "100.0%"},
				{"2", figurestest.Edu, "2", "1", "1", "50.0%"},
				{"3", figurestest.Disabled, "3", "2", "1", "33.3%"},
			}
			if !slices.EqualFunc(rank, wantRank, slices.Equal) {
				t.Fatalf("ranking table = %q, want %q", rank, wantRank)
			}
		})
	}
}

// TestExtrasFromTheStore: the portal's loader lists the extensions the
// office approved during the period (not one decided after it) and the
// instructions past their reply date without an answer (not an answered
// one, nor one still in time).
func TestExtrasFromTheStore(t *testing.T) {
	e := setup(t, nil)
	flow := workflow.New(e.st, evidence.NewLocal(e.p.Config.AttachmentsDir()))
	seen := e.p.Clock.Now()
	edu, office, leader := e.actors["jiaoyuju"], e.actors["duchashi"], e.actors["lingdao"]
	rows, err := e.st.AssignmentRowsOfUnit(e.ctx, edu.UnitID)
	if err != nil || len(rows) < 2 {
		t.Fatalf("assignments of 市教育局: %d %v", len(rows), err)
	}
	extend := func(row store.AssignmentRow, at string) {
		t.Helper()
		e.p.Clock.Set(figurestest.At(at))
		x, err := flow.RequestExtension(e.ctx, edu, workflow.ExtensionInput{AssignmentID: row.ID,
			ProposedOn: row.MeasureDueOn.AddDate(0, 3, 0), Reason: "需协调用地"})
		if err != nil {
			t.Fatal(err)
		}
		if err := flow.DecideExtension(e.ctx, office, x.ID, true, row.MeasureDueOn.AddDate(0, 2, 0), ""); err != nil {
			t.Fatal(err)
		}
	}
	extend(rows[0], "2014-11-20") // in 2014Q4
	extend(rows[1], "2015-01-05") // after it
	instruct := func(measureID int64, at, due string) int64 {
		t.Helper()
		e.p.Clock.Set(figurestest.At(at))
		in, err := flow.WriteInstruction(e.ctx, leader, workflow.InstructionInput{MeasureID: measureID, Body: "请加快进度 " + due,
			DueOn: figurestest.At(due)})
		if err != nil {
			t.Fatal(err)
		}
		return in.ID
	}
	lead := rows[0]
	for _, r := range rows {
		if r.Role == model.AssignLead {
			lead = r
		}
	}
	instruct(lead.MeasureID, "2015-01-10", "2015-02-01")
	answered := instruct(lead.MeasureID, "2015-01-12", "2015-02-01")
	instruct(lead.MeasureID, "2015-03-20", "2015-05-01")
	if err := flow.AnswerInstruction(e.ctx, edu, answered, "已落实", nil); err != nil {
		t.Fatal(err)
	}
	e.p.Clock.Set(seen)

	f := e.page("duchashi", e.draft("2014Q4")).Figures
	if len(f.Extensions) != 1 || f.Extensions[0].MeasureID != rows[0].MeasureID || f.Extensions[0].Unit != figurestest.Edu ||
		!f.Extensions[0].Granted.Equal(rows[0].MeasureDueOn.AddDate(0, 2, 0)) || !f.Extensions[0].Original.Equal(rows[0].MeasureDueOn) {
		t.Fatalf("extensions = %+v", f.Extensions)
	}
	if len(f.Instructions) != 1 || f.Instructions[0].Text != "请加快进度 2015-02-01" || f.Instructions[0].Unit != figurestest.Edu ||
		clock.DayText(f.Instructions[0].ReplyBy) != "2015-02-01" {
		t.Fatalf("instructions = %+v", f.Instructions)
	}
}
