package web_test

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/xuri/excelize/v2"

	"duban/internal/clock"
	"duban/internal/figures"
	"duban/internal/figures/figurestest"
	"duban/internal/format"
	"duban/internal/i18n"
	"duban/internal/model"
	"duban/internal/rules"
	"duban/internal/testutil"
	"duban/views/pages/dashboard"
)

// shown is what a page says about one assignment.
type shown struct {
	light, reasons, chase string
}

// agreement collects what every page shows and compares it with what the
// rules say, assignment by assignment: the same light, the same reasons
// (rendered from the same structured values) and the same chase periods.
type agreement struct {
	t     *testing.T
	snap  *figures.Snapshot
	want  map[int64]shown
	seen  map[string]int // page → assignments checked
	zhCtx context.Context
}

func newAgreement(t *testing.T, p *testutil.Portal) *agreement {
	t.Helper()
	ctx := context.Background()
	plans, err := p.App.Store.ListPlans(ctx)
	if err != nil || len(plans) != 1 {
		t.Fatalf("plans %d, %v", len(plans), err)
	}
	snap, err := figures.Load(ctx, p.App.Store, figures.Scope{PlanID: plans[0].ID}, p.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	ag := &agreement{t: t, snap: snap, want: map[int64]shown{}, seen: map[string]int{}, zhCtx: i18n.WithLocale(ctx, i18n.ZH)}
	for _, a := range snap.Assignments {
		ag.want[a.ID] = shown{light: a.Status.Light.String(), reasons: i18n.Reasons(ag.zhCtx, a.Status.Reasons),
			chase: dashboard.ChaseLabel(ag.zhCtx, a.Status.Chase)}
		ag.checkReasons(a)
	}
	return ag
}

// checkReasons: every reporting reason names its period, and none names a
// period whose report is handed in or asks for a worse light than the
// assignment's.
func (ag *agreement) checkReasons(a *figures.Assignment) {
	for _, r := range a.Status.Reasons {
		switch r.Kind {
		case rules.KindOverdue, rules.KindDueSoon, rules.KindReturned, rules.KindReturnedStale, rules.KindCatchUp:
			if r.Period == "" {
				ag.t.Errorf("assignment %d: reason %s names no period", a.ID, r.Kind)
				continue
			}
			for i, p := range a.Plan().Periods {
				if p.Label == r.Period && a.Reports[i].Submitted() {
					ag.t.Errorf("assignment %d: reason %s about %s, which is handed in", a.ID, r.Kind, r.Period)
				}
			}
		}
		if r.Light == rules.Red && a.Status.Light != rules.Red {
			ag.t.Errorf("assignment %d: a red reason %s beside a %s light", a.ID, r.Kind, a.Status.Light)
		}
	}
}

func shownText(s *goquery.Selection) string { return strings.Join(strings.Fields(s.Text()), " ") }

func norm(s string) string { return strings.Join(strings.Fields(s), " ") }

// compare checks one page's view of one assignment; fields left "-" are
// not shown by that page.
func (ag *agreement) compare(page string, id int64, got shown) {
	ag.t.Helper()
	w, ok := ag.want[id]
	if !ok {
		ag.t.Errorf("%s: assignment %d is not in the plan's facts", page, id)
		return
	}
	ag.seen[page]++
	if got.light != "-" && got.light != w.light {
		ag.t.Errorf("%s: assignment %d light %s, the rules say %s", page, id, got.light, w.light)
	}
	if got.reasons != "-" && norm(got.reasons) != norm(w.reasons) {
		ag.t.Errorf("%s: assignment %d reasons\n  page:  %s\n  rules: %s", page, id, got.reasons, w.reasons)
	}
	// Chase periods are compared without white space: a page may break the
	// list between periods.
	if got.chase != "-" && strings.Join(strings.Fields(got.chase), "") != strings.Join(strings.Fields(w.chase), "") {
		ag.t.Errorf("%s: assignment %d chases %q, the rules say %q", page, id, got.chase, w.chase)
	}
}

func lightOf(s *goquery.Selection, prefix string) string {
	cls, _ := s.Attr("class")
	for _, c := range strings.Fields(cls) {
		if l, ok := strings.CutPrefix(c, prefix); ok {
			if _, known := rules.Parse(l); known {
				return l
			}
		}
	}
	return "?"
}

func dataID(t *testing.T, s *goquery.Selection) int64 {
	v, _ := s.Attr("data-assignment")
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		t.Fatalf("data-assignment %q", v)
	}
	return id
}

func (ag *agreement) checkAll(p *testutil.Portal, sampleAssignments int) {
	t := ag.t
	planQ := "?plan=" + strconv.FormatInt(ag.snap.Plans[0].ID, 10)
	rv, viewer := p.Login("duchashi"), p.Login("lingdao")

	// /supervision lists every red and yellow assignment, on every page.
	risky := 0
	for _, a := range ag.snap.Assignments {
		if a.Status.Light == rules.Red || a.Status.Light == rules.Yellow {
			risky++
		}
	}
	listed := 0
	for path := "/supervision" + planQ; path != ""; {
		doc := rv.Get(path).Doc(t)
		rows := doc.Find(".at-risk tr[data-assignment]")
		listed += rows.Length()
		rows.Each(func(_ int, s *goquery.Selection) {
			ag.compare("/supervision", dataID(t, s), shown{light: lightOf(s, "risk-"), reasons: shownText(s.Find(".reasons")), chase: shownText(s.Find(".chase-cell"))})
			if s.Find("form[action='/prompts']").Length() == 0 && ag.want[dataID(t, s)].chase != "" {
				t.Errorf("/supervision: assignment %d has periods to chase but no 催办 button", dataID(t, s))
			}
		})
		path, _ = doc.Find("a[rel=next]").Attr("href")
	}
	if listed != risky {
		t.Errorf("/supervision lists %d assignments, the rules have %d red or yellow", listed, risky)
	}

	// The overview (the viewer's start page, the reviewer's below its queue).
	for who, c := range map[string]*testutil.Client{"viewer": viewer, "reviewer": rv} {
		c.Get("/" + planQ).Doc(t).Find("#attention tr[data-assignment]").Each(func(_ int, s *goquery.Selection) {
			ag.compare("overview ("+who+")", dataID(t, s), shown{light: lightOf(s.Find(".light-badge"), "light-badge-"),
				reasons: shownText(s.Find(".reasons")), chase: shownText(s.Find(".chase-cell"))})
		})
	}
	viewer.Get("/print/overview" + planQ).Doc(t).Find("#attention tr[data-assignment]").Each(func(_ int, s *goquery.Selection) {
		ag.compare("print overview", dataID(t, s), shown{light: lightOf(s.Find(".light-badge"), "light-badge-"),
			reasons: shownText(s.Find(".reasons")), chase: shownText(s.Find(".chase-cell"))})
	})

	// The 台账, every page of it.
	for path := "/ledger" + planQ; path != ""; {
		doc := viewer.Get(path).Doc(t)
		doc.Find("tr.ledger-row").Each(func(_ int, s *goquery.Selection) {
			ag.compare("/ledger", dataID(t, s), shown{light: lightOf(s, "light-row-"), reasons: shownText(s.Find(".reasons")), chase: "-"})
		})
		path, _ = doc.Find("a[rel=next]").Attr("href")
	}
	if ag.seen["/ledger"] != len(ag.want) {
		t.Errorf("/ledger shows %d assignments of %d", ag.seen["/ledger"], len(ag.want))
	}

	// The Excel 台账: rows are known by domain, measure label and unit.
	byKey := map[string]int64{}
	for _, a := range ag.snap.Assignments {
		m := a.Measure
		byKey[m.Domain.Label+" "+m.Domain.Title+"|"+format.Citation(m.Domain.Label, m.Label)+"|"+a.Unit.Name] = a.ID
	}
	res := viewer.Get("/ledger.xlsx" + planQ)
	f, err := excelize.OpenReader(bytes.NewReader([]byte(res.Body)))
	if err != nil {
		t.Fatalf("ledger.xlsx: %v", err)
	}
	lightName := map[string]string{}
	for _, l := range rules.All {
		lightName[i18n.T(ag.zhCtx, "light."+l.String())] = l.String()
	}
	for _, sheet := range f.GetSheetList() {
		xrows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range xrows {
			if len(r) < 14 {
				continue
			}
			if id, ok := byKey[r[0]+"|"+r[1]+"|"+r[3]]; ok {
				ag.compare("ledger.xlsx", id, shown{light: lightName[r[12]], reasons: r[13], chase: "-"})
			}
		}
	}
	if ag.seen["ledger.xlsx"] != len(ag.want) {
		t.Errorf("ledger.xlsx shows %d assignments of %d", ag.seen["ledger.xlsx"], len(ag.want))
	}

	// Each unit with an account: its dashboard and its to-do list.
	for _, who := range []string{"jiaoyuju", "canlian", "taishan"} {
		c := p.Login(who)
		c.Get("/").Doc(t).Find(".my-measures tr[data-assignment]").Each(func(_ int, s *goquery.Selection) {
			ag.compare("unit dashboard", dataID(t, s), shown{light: lightOf(s.Find(".light-label .light"), "light-"),
				reasons: shownText(s.Find(".reasons")), chase: "-"})
		})
		listed := map[string]bool{}
		c.Get("/todo").Doc(t).Find("tr[data-assignment][data-period]").Each(func(_ int, s *goquery.Selection) {
			per, _ := s.Attr("data-period")
			listed[fmt.Sprintf("%d/%s", dataID(t, s), per)] = true
		})
		u, err := p.App.Store.UserByUsername(context.Background(), who)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range ag.snap.Assignments {
			if a.UnitID != u.UnitIDOr0() || a.Measure.Closed() {
				continue
			}
			ag.seen["/todo"]++
			for _, ch := range a.Status.Chase {
				if !listed[fmt.Sprintf("%d/%s", a.ID, ch.Period)] {
					t.Errorf("/todo of %s lacks %s of assignment %d, which the rules chase", who, ch.Period, a.ID)
				}
			}
		}
	}

	// Assignment pages and printed measures, a sample of each light.
	perLight := map[rules.Light]int{}
	printed := map[int64]bool{}
	for _, a := range ag.snap.Assignments {
		if perLight[a.Status.Light] >= sampleAssignments {
			continue
		}
		perLight[a.Status.Light]++
		doc := rv.Get(fmt.Sprintf("/assignments/%d", a.ID)).Doc(t)
		meta := doc.Find("p.assignment-meta").First()
		var ids []string
		doc.Find("form.prompt-form input[name=period_id]").Each(func(_ int, s *goquery.Selection) {
			v, _ := s.Attr("value")
			ids = append(ids, v)
		})
		var wantIDs []string
		for _, c := range a.Status.Chase {
			wantIDs = append(wantIDs, strconv.FormatInt(c.PeriodID, 10))
		}
		if !slices.Equal(ids, wantIDs) {
			t.Errorf("assignment page %d: the 催办 form names periods %v, the rules %v", a.ID, ids, wantIDs)
		}
		ag.compare("assignment page", a.ID, shown{light: lightOf(meta.Find(".light-label .light"), "light-"),
			reasons: shownText(meta.Find(".reasons")), chase: "-"})
		if !printed[a.MeasureID] {
			printed[a.MeasureID] = true
			viewer.Get(fmt.Sprintf("/print/measures/%d", a.MeasureID)).Doc(t).Find("tr.ledger-row").Each(func(_ int, s *goquery.Selection) {
				ag.compare("print measure", dataID(t, s), shown{light: lightOf(s, "light-row-"), reasons: shownText(s.Find(".reasons")), chase: "-"})
			})
		}
	}
	for _, page := range []string{"/supervision", "overview (viewer)", "overview (reviewer)", "print overview", "unit dashboard",
		"/todo", "assignment page", "print measure"} {
		if ag.seen[page] == 0 {
			t.Errorf("%s showed no assignment to compare", page)
		}
	}
	t.Logf("assignments compared per page: %v", ag.seen)
}

// TestPagesAgreeOnTheDemo: on the full demo every page and export shows
// every assignment with the light, reasons and chase periods of the rules.
func TestPagesAgreeOnTheDemo(t *testing.T) {
	p := testutil.Start(t, testutil.WithDemoHistory())
	ag := newAgreement(t, p)
	if len(ag.want) < 600 {
		t.Fatalf("demo has %d assignments", len(ag.want))
	}
	ag.checkAll(p, 15)
}

// edgeScenario is the metrics scenario (a closed measure, a stale return,
// a covered and an uncovered gap) plus a measure due early — 义务教育 due
// 2014-12-31, past and not closed — and a unit assigned mid-plan.
func edgeScenario(t *testing.T, p *testutil.Portal) {
	t.Helper()
	ctx := context.Background()
	st := p.App.Store
	f, _ := figurestest.Scenario(t, st)
	// Backdated rows go in directly: the product stamps everything now.
	w := p.App.DB.W
	day := func(s string) time.Time {
		d, _ := time.ParseInLocation(time.DateOnly, s, clock.Zone)
		return d
	}
	// The plan was stored when it was issued; a unit added on 2015-02-10
	// owes from 2015Q1 only.
	if err := w.Model(&model.Plan{}).Where("id = ?", f.Plan.ID).Update("created_at", day("2014-06-17").UTC()).Error; err != nil {
		t.Fatal(err)
	}
	if err := w.Model(&model.Measure{}).Where("id = ?", f.Measures[1].ID).Update("due_on", day("2014-12-31")).Error; err != nil {
		t.Fatal(err)
	}
	var late *model.Unit
	err := st.WithTx(ctx, func(ctx context.Context) error {
		u, err := st.EnsureUnit(ctx, "恩平市人民政府", model.UnitDistrict, true)
		late = u
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	a := model.Assignment{MeasureID: f.Measures[0].ID, UnitID: late.ID, Role: model.AssignResponsible, CreatedAt: day("2015-02-10").UTC()}
	if err := w.Create(&a).Error; err != nil {
		t.Fatal(err)
	}
}

func checkEdges(t *testing.T, p *testutil.Portal) {
	edgeScenario(t, p)
	ag := newAgreement(t, p)
	byUnit := func(measure int, unit string) *figures.Assignment {
		for _, a := range ag.snap.Assignments {
			if a.Measure.Position == measure && a.Unit.Name == unit {
				return a
			}
		}
		t.Fatalf("no assignment of %s on measure %d", unit, measure)
		return nil
	}
	// The early-due measure is red for being past its due date, and owes
	// nothing after it.
	edu := byUnit(2, figurestest.Edu)
	if edu.Status.Light != rules.Red || edu.Status.Periods[2].Owed() || edu.Status.Chases(2) {
		t.Errorf("early-due lead: %s %v %+v", edu.Status.Light, edu.Status.Periods, edu.Status.Reasons)
	}
	// The unit assigned mid-plan owes from 2015Q1 and is chased for it only.
	late := byUnit(1, "恩平市人民政府")
	if late.Status.Periods[0].Owed() || late.Status.Periods[1].Owed() || ag.want[late.ID].chase != "2015年第1季度" {
		t.Errorf("late assignment: %v chase %q", late.Status.Periods, ag.want[late.ID].chase)
	}
	// The closed measure is blue and chased for nothing.
	for _, a := range ag.snap.Assignments {
		if a.Measure.Closed() && (a.Status.Light != rules.Blue || len(a.Status.Chase) != 0) {
			t.Errorf("closed measure's assignment %d: %s chase %v", a.ID, a.Status.Light, a.Status.Chase)
		}
	}
	ag.checkAll(p, 10)
}

// TestPagesAgreeOnEdgeCases: the same agreement on early-due, closed and
// late-assigned measures.
func TestPagesAgreeOnEdgeCases(t *testing.T) {
	checkEdges(t, testutil.Start(t, testutil.DemoWithoutPlan()))
}

// TestPagesAgreeOnPostgres runs both on PostgreSQL.
func TestPagesAgreeOnPostgres(t *testing.T) {
	t.Run("edge cases", func(t *testing.T) {
		checkEdges(t, testutil.Start(t, testutil.DemoWithoutPlan(), testutil.WithDB(testutil.PostgresURL(t))))
	})
	t.Run("demo", func(t *testing.T) {
		p := testutil.Start(t, testutil.WithDemoHistory(), testutil.WithDB(testutil.PostgresURL(t)))
		newAgreement(t, p).checkAll(p, 5)
	})
}
