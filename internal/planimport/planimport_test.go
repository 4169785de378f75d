package planimport_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"duban/internal/clock"
	"duban/internal/demo"
	"duban/internal/model"
	"duban/internal/planimport"
	"duban/internal/testutil"
)

func TestDemoImportsTheJiangmenPlan(t *testing.T) {
	p := testutil.Start(t)
	st := p.App.Store
	ctx := context.Background()
	plans, err := st.ListPlans(ctx)
	if err != nil || len(plans) != 1 {
		t.Fatalf("plans = %d, %v", len(plans), err)
	}
	pl, err := st.PlanByID(ctx, plans[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if pl.Title != "江门市全面深化基本公共服务均等化综合改革试点方案(2014-2015年)" || pl.Issuer != "江门市人民政府" || !pl.Demo {
		t.Fatalf("plan = %q by %q demo=%v", pl.Title, pl.Issuer, pl.Demo)
	}
	if pl.StartOn.Format("2006-01-02") != "2014-06-17" || pl.EndOn.Format("2006-01-02") != "2015-12-31" {
		t.Fatalf("span %s … %s", pl.StartOn, pl.EndOn)
	}
	ds, _ := st.DomainsOf(ctx, pl.ID)
	ms, _ := st.MeasuresOf(ctx, pl.ID)
	ts, _ := st.TargetsOfPlan(ctx, pl.ID)
	ps, _ := st.PeriodsOf(ctx, pl.ID)
	if len(ds) != 10 || len(ms) != 59 || len(ts) < 60 || len(ps) != 6 {
		t.Fatalf("domains %d, measures %d, targets %d, periods %d", len(ds), len(ms), len(ts), len(ps))
	}
	// (一)1: lead 市教育局; responsible the seven district governments (各市(区)政府),
	// 市残联 and 市人力资源社会保障局.
	as, _ := st.AssignmentsOf(ctx, ms[0].ID)
	ids := make([]int64, 0, len(as))
	for _, a := range as {
		ids = append(ids, a.UnitID)
	}
	units, _ := st.UnitsByID(ctx, ids)
	var lead []string
	districts, others := 0, 0
	for _, a := range as {
		u := units[a.UnitID]
		switch {
		case a.Role == model.AssignLead:
			lead = append(lead, u.Name)
		case u.Kind == model.UnitDistrict:
			districts++
		default:
			others++
		}
	}
	if strings.Join(lead, ",") != "市教育局" || districts != 7 || others != 2 {
		t.Fatalf("(一)1 lead %v, districts %d, other responsible %d", lead, districts, others)
	}
	// The measure keeps the plan's own text and position.
	if !strings.Contains(ms[1].SourceText, "学前三年毛入园率达到93%") || ms[1].Label != "2." {
		t.Fatalf("measure 2 = %s %q", ms[1].Label, ms[1].SourceText)
	}
	if got := []rune(pl.SourceText)[ms[1].SourceStart:ms[1].SourceEnd]; string(got) != ms[1].SourceText {
		t.Fatal("measure offsets do not point at its text in the plan's source")
	}
	if !strings.Contains(pl.Warnings, "truncated") {
		t.Fatalf("warnings %s lack the truncation", pl.Warnings)
	}
}

func TestImportAgainChangesNothing(t *testing.T) {
	p := testutil.Start(t)
	st := p.App.Store
	ctx := context.Background()
	text, warnings, err := planimport.Decode(demo.JiangmenPlan)
	if err != nil {
		t.Fatal(err)
	}
	_, before, _ := st.VerifyAudit(ctx)
	res, err := planimport.New(st).Import(ctx, testutil.SystemActor, text, warnings, planimport.Options{}, nil, false)
	if err != nil || !res.Unchanged {
		t.Fatalf("re-import = %+v, %v", res, err)
	}
	if _, after, _ := st.VerifyAudit(ctx); after != before {
		t.Fatalf("re-import wrote %d audit entries", after-before)
	}
	if n, _ := st.CountPlans(ctx); n != 1 {
		t.Fatalf("plans after re-import = %d", n)
	}
}

func TestRevisedDocumentIsAppliedOnlyWhenAsked(t *testing.T) {
	p := testutil.Start(t, testutil.NoDemo())
	st := p.App.Store
	ctx := context.Background()
	svc := planimport.New(st)
	res, err := svc.Import(ctx, testutil.SystemActor, testutil.SmallPlan, nil, planimport.Options{}, nil, false)
	if err != nil || !res.Created {
		t.Fatalf("first import = %+v, %v", res, err)
	}
	// Unknown names became units flagged for the admin.
	for _, n := range []string{"市教育局", "市人社局", "市新单位", "各市(区)政府"} {
		u, err := st.UnitByName(ctx, n)
		if err != nil || u.Confirmed {
			t.Fatalf("unit %s = %+v, %v; want created unconfirmed", n, u, err)
		}
	}
	msBefore, _ := st.MeasuresOf(ctx, res.Plan.ID)

	revised := strings.Replace(testutil.SmallPlan, "学前三年毛入园率达到93%", "学前三年毛入园率达到95%", 1)
	revised = strings.Replace(revised, "城镇登记失业率控制在3.2%以内。", "城镇登记失业率控制在3.2%以内。2.援助就业困难人员。", 1)
	pv, err := svc.PreviewText(ctx, revised, nil)
	if err != nil || pv.Diff == nil {
		t.Fatalf("preview = %+v, %v", pv, err)
	}
	if len(pv.Diff.Added) != 1 || len(pv.Diff.Changed) != 1 || pv.Diff.Changed[0].Fields[len(pv.Diff.Changed[0].Fields)-1] != "targets" {
		t.Fatalf("diff = %+v", pv.Diff)
	}
	if _, err := svc.Import(ctx, testutil.SystemActor, revised, nil, planimport.Options{}, nil, false); !errors.Is(err, planimport.ErrChangedNeedsApply) {
		t.Fatalf("import without apply = %v", err)
	}
	if ms, _ := st.MeasuresOf(ctx, res.Plan.ID); len(ms) != 3 {
		t.Fatalf("measures changed without apply: %d", len(ms))
	}
	res2, err := svc.Import(ctx, testutil.SystemActor, revised, nil, planimport.Options{}, nil, true)
	if err != nil || res2.Applied == nil {
		t.Fatalf("apply = %+v, %v", res2, err)
	}
	ms, _ := st.MeasuresOf(ctx, res.Plan.ID)
	if len(ms) != 4 || ms[0].ID != msBefore[0].ID {
		t.Fatalf("after apply: %d measures, first ID %d (was %d)", len(ms), ms[0].ID, msBefore[0].ID)
	}
	ts, _ := st.TargetsOf(ctx, ms[0].ID)
	if len(ts) != 1 || ts[0].Value != 95 {
		t.Fatalf("target after apply = %+v", ts)
	}
	if id, _, err := st.VerifyAudit(ctx); id != 0 || err != nil {
		t.Fatalf("audit chain broken at %d: %v", id, err)
	}
}

func TestChoicesMapUnknownNames(t *testing.T) {
	p := testutil.Start(t) // demo: 市教育局 and the district group exist
	st := p.App.Store
	ctx := context.Background()
	svc := planimport.New(st)
	pv, err := svc.PreviewText(ctx, testutil.SmallPlan, nil)
	if err != nil {
		t.Fatal(err)
	}
	unknown := strings.Join(unknownUnits(pv), ",")
	if unknown != "市人社局,市新单位" {
		t.Fatalf("unknown = %s", unknown)
	}
	hr, err := st.UnitByName(ctx, "市人力资源社会保障局")
	if err != nil {
		t.Fatal(err)
	}
	res, err := svc.Import(ctx, testutil.SystemActor, testutil.SmallPlan, nil, planimport.Options{}, planimport.Choices{"市人社局": hr.ID}, false)
	if err != nil || !res.Created || strings.Join(res.NewUnits, ",") != "市新单位" {
		t.Fatalf("import = %+v, %v", res, err)
	}
	// The choice is remembered as an alias.
	if u, err := st.UnitByAlias(ctx, "市人社局"); err != nil || u.ID != hr.ID {
		t.Fatalf("alias 市人社局 → %+v, %v", u, err)
	}
}

func TestNotAPlanIsRefused(t *testing.T) {
	p := testutil.Start(t, testutil.NoDemo())
	_, err := planimport.New(p.App.Store).PreviewText(context.Background(), "今天天气很好。我们去公园散步,看到了很多花。", nil)
	if err == nil {
		t.Fatal("a news paragraph was accepted as a plan")
	}
	if n, _ := p.App.Store.CountPlans(context.Background()); n != 0 {
		t.Fatal("something was stored")
	}
}

// TestRevisedDeadlinesAreApplied re-imports the Jiangmen plan, which has a
// year of reports, with one deadline added and one measure made ongoing:
// the preview names both changes with the old and new deadline, applying
// them updates the measures in place, and no report is lost.
func TestRevisedDeadlinesAreApplied(t *testing.T) {
	p := testutil.Start(t, testutil.WithDemoHistory())
	st := p.App.Store
	ctx := context.Background()
	svc := planimport.New(st)
	text, warnings, err := planimport.Decode(demo.JiangmenPlan)
	if err != nil {
		t.Fatal(err)
	}
	reportsBefore, _ := st.CountReports(ctx)
	if reportsBefore == 0 {
		t.Fatal("the demo history has no reports")
	}
	revised := strings.Replace(text, "学前三年毛入园率达到93%。", "学前三年毛入园率达到93%。2015年6月底前完成。", 1)
	revised = strings.Replace(revised, "实现流动人口网上政策咨询等日常管理服务工作。", "实现流动人口网上政策咨询等日常管理服务工作,长期坚持。", 1)
	if revised == text {
		t.Fatal("the seed changed: the replacements match nothing")
	}
	pv, err := svc.PreviewText(ctx, revised, warnings)
	if err != nil || pv.Diff == nil {
		t.Fatalf("preview = %+v, %v", pv, err)
	}
	dues := map[string]planimport.MeasureChange{}
	for _, c := range pv.Diff.Changed {
		if slices.Contains(c.Fields, "due") {
			dues[c.Domain+c.Label] = c
		}
	}
	if len(dues) != 2 || len(pv.Diff.Added)+len(pv.Diff.Removed) != 0 {
		t.Fatalf("diff = %+v, want two changed deadlines", pv.Diff)
	}
	if c := dues["(一)2."]; *c.DueFrom != (planimport.Due{On: "2015-12-31"}) || *c.DueTo != (planimport.Due{On: "2015-06-30", Note: "2015年6月底前"}) {
		t.Errorf("(一)2. due %+v → %+v", c.DueFrom, c.DueTo)
	}
	if c := dues["(二)5."]; c.DueTo == nil || !c.DueTo.Ongoing || c.DueTo.Note != "长期坚持" {
		t.Errorf("(二)5. due → %+v, want ongoing (长期坚持)", c.DueTo)
	}
	res, err := svc.Import(ctx, testutil.SystemActor, revised, warnings, planimport.Options{}, nil, true)
	if err != nil || res.Applied == nil {
		t.Fatalf("apply = %+v, %v", res, err)
	}
	ms, _ := st.MeasuresOf(ctx, res.Plan.ID)
	byID := map[int64]model.Measure{}
	for _, m := range ms {
		byID[m.ID] = m
	}
	m := byID[dues["(一)2."].MeasureID]
	if got := clock.DayText(m.DueOn); got != "2015-06-30" || m.DueNote != "2015年6月底前" || m.Ongoing {
		t.Errorf("(一)2. stored due %s %q ongoing=%v", got, m.DueNote, m.Ongoing)
	}
	if m := byID[dues["(二)5."].MeasureID]; !m.Ongoing || m.DueNote != "长期坚持" {
		t.Errorf("(二)5. stored ongoing=%v %q", m.Ongoing, m.DueNote)
	}
	if n, _ := st.CountReports(ctx); n != reportsBefore {
		t.Errorf("reports %d → %d after re-import", reportsBefore, n)
	}
	// The same revised document again changes nothing.
	if res, err := svc.Import(ctx, testutil.SystemActor, revised, warnings, planimport.Options{}, nil, true); err != nil || !res.Unchanged {
		t.Errorf("second apply = %+v, %v", res, err)
	}
}

// unknownUnits lists the unit names nothing is known about.
func unknownUnits(p *planimport.Preview) []string {
	var out []string
	for _, u := range p.Units {
		if !u.Known() {
			out = append(out, u.Name)
		}
	}
	return out
}
