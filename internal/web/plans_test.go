package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"duban/internal/clock"
	"duban/internal/model"
	"duban/internal/store"
	"duban/internal/testutil"
)

func idPath(prefix string, id int64, suffix string) string {
	return prefix + strconv.FormatInt(id, 10) + suffix
}

func testZone() *time.Location { return clock.Zone }

func text(s *goquery.Selection) string { return strings.Join(strings.Fields(s.Text()), " ") }

// auditCount counts the audit entries with an action.
func auditCount(t *testing.T, p *testutil.Portal, action string) int64 {
	t.Helper()
	return p.Count(&model.AuditEvent{}, "action = ?", action)
}

func lastAudit(t *testing.T, p *testutil.Portal, action string) model.AuditEvent {
	t.Helper()
	evs, _, err := p.App.Store.ListAudit(context.Background(), store.AuditFilter{Action: action, Limit: 1})
	if err != nil || len(evs) == 0 {
		t.Fatalf("no %s audit entry: %v", action, err)
	}
	return evs[0]
}

// addPlanReport stores a draft report for the assignment of unit on measure in
// the plan's first period, as the report workflow would.
func addPlanReport(t *testing.T, p *testutil.Portal, f *testutil.Fixture, measureID int64, unit string) model.Report {
	t.Helper()
	ctx := context.Background()
	as, err := p.App.Store.AssignmentsOf(ctx, measureID)
	if err != nil {
		t.Fatal(err)
	}
	ps, err := p.App.Store.PeriodsOf(ctx, f.Plan.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range as {
		if a.UnitID != f.Units[unit] {
			continue
		}
		// The row goes in directly: these tests are about what refers to an
		// assignment, and a draft through the form would need the
		// assignment signed and the period open first.
		now := p.Clock.Now().UTC()
		r := model.Report{AssignmentID: a.ID, PeriodID: ps[0].ID, State: model.ReportDraft, ProgressState: model.ProgressOnTrack,
			LockVersion: 1, CreatedAt: now, UpdatedAt: now}
		if err := p.App.DB.W.Create(&r).Error; err != nil {
			t.Fatal(err)
		}
		return r
	}
	t.Fatalf("%s is not assigned to measure %d", unit, measureID)
	return model.Report{}
}

func TestPlanPagesForEveryRole(t *testing.T) {
	p := testutil.Start(t)
	f := testutil.SeedFixture(t, p.App.Store)
	planPath := idPath("/plans/", f.Plan.ID, "")
	for _, who := range []string{"admin", "duchashi", "lingdao", "jiaoyuju", "canlian", "taishan"} {
		t.Run(who, func(t *testing.T) {
			c := p.Login(who)
			res := c.Get("/plans")
			if res.StatusCode != http.StatusOK {
				t.Fatalf("/plans = %d", res.StatusCode)
			}
			doc := res.Doc(t)
			if href, _ := doc.Find(`nav.main-nav a[href="/plans"]`).Attr("href"); href != "/plans" || text(doc.Find(`nav.main-nav a[href="/plans"]`)) != "方案" {
				t.Error("the navigation has no 方案 entry")
			}
			// The fixture is newest, above the demo's Jiangmen plan.
			rows := doc.Find("table.plan-list tbody tr")
			row := rows.First()
			if rows.Length() != 2 || text(row.Find("td").Eq(0)) != "测试方案(2014-2015年)" || text(row.Find("td").Eq(2)) != "2014-06-17 – 2015-12-31" ||
				text(row.Find("td").Eq(4)) != "3" || text(row.Find("td").Eq(5)) != "0" {
				t.Fatalf("plan list = %q", text(rows))
			}
			if got := doc.Find(`a[href="/admin/plans/import"]`).Length() == 1; got != (who == "admin") {
				t.Errorf("import link shown = %v", got)
			}

			res = c.Get(planPath)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("%s = %d", planPath, res.StatusCode)
			}
			doc = res.Doc(t)
			var domains []string
			doc.Find("section.domain h2").Each(func(_ int, s *goquery.Selection) { domains = append(domains, text(s)) })
			if strings.Join(domains, "|") != "(一)公共教育|(二)就业保障" {
				t.Fatalf("domains = %q", domains)
			}
			var labels []string
			doc.Find("table.measures tbody tr").Each(func(_ int, s *goquery.Selection) {
				labels = append(labels, text(s.Find("td").First()))
			})
			if strings.Join(labels, "|") != "(一)1|(一)2|(二)1" {
				t.Fatalf("measure labels = %q", labels)
			}
			first := doc.Find("table.measures tbody tr").First()
			cells := first.Find("td")
			if text(cells.Eq(1).Find("a")) != "学前教育" || text(cells.Eq(2)) != "市教育局" ||
				text(cells.Eq(3)) != "市残联、台山市人民政府" || text(cells.Eq(4)) != "1" || text(cells.Eq(5)) != "2015-12-31" {
				t.Fatalf("first measure row = %q", text(first))
			}
			if href, _ := cells.Eq(1).Find("a").Attr("href"); href != idPath("/measures/", f.Measures[0].ID, "") {
				t.Fatalf("measure link = %q", href)
			}
			isAdmin := who == "admin"
			if got := doc.Find(`form[action="` + idPath("/admin/plans/", f.Plan.ID, "/measures") + `"]`).Length(); (got == 2) != isAdmin {
				t.Errorf("add-measure forms = %d (admin %v)", got, isAdmin)
			}
			if got := doc.Find(`a[href="` + idPath("/admin/plans/", f.Plan.ID, "/edit") + `"]`).Length(); (got == 1) != isAdmin {
				t.Errorf("settings link = %d (admin %v)", got, isAdmin)
			}
		})
	}
}

func TestPlanPageHighlightsTheUnitsOwnMeasures(t *testing.T) {
	p := testutil.Start(t)
	f := testutil.SeedFixture(t, p.App.Store)
	cases := []struct {
		who   string
		mine  []string // badge per row: "" when not the unit's
		count int
	}{
		{"jiaoyuju", []string{"本单位牵头", "本单位牵头", ""}, 2},
		{"canlian", []string{"本单位责任", "本单位责任", "本单位牵头"}, 3},
		{"duchashi", []string{"", "", ""}, 0},
	}
	for _, tc := range cases {
		t.Run(tc.who, func(t *testing.T) {
			c := p.Login(tc.who)
			doc := c.Get(idPath("/plans/", f.Plan.ID, "")).Doc(t)
			rows := doc.Find("table.measures tbody tr")
			for i, want := range tc.mine {
				r := rows.Eq(i)
				if got := text(r.Find(".badge-mine")); got != want {
					t.Errorf("row %d badge = %q, want %q", i, got, want)
				}
				if r.HasClass("mine") != (want != "") {
					t.Errorf("row %d highlighted = %v", i, r.HasClass("mine"))
				}
			}
			if tc.count == 0 {
				if doc.Find(".mine-filter").Length() != 0 {
					t.Error("a reviewer sees the my-unit filter")
				}
				return
			}
			doc = c.Get(idPath("/plans/", f.Plan.ID, "?mine=1")).Doc(t)
			if got := doc.Find("table.measures tbody tr").Length(); got != tc.count {
				t.Errorf("?mine=1 rows = %d, want %d", got, tc.count)
			}
			if !strings.Contains(text(doc.Find(".mine-filter")), fmt.Sprintf("承担 %d 项任务", tc.count)) {
				t.Errorf("filter summary = %q", text(doc.Find(".mine-filter")))
			}
		})
	}
}

func TestMeasurePageShowsSourceTargetsAndAssignments(t *testing.T) {
	p := testutil.Start(t)
	f := testutil.SeedFixture(t, p.App.Store)
	for _, who := range []string{"admin", "duchashi", "lingdao", "taishan", "jiaoyuju"} {
		t.Run(who, func(t *testing.T) {
			c := p.Login(who)
			res := c.Get(idPath("/measures/", f.Measures[1].ID, ""))
			if res.StatusCode != http.StatusOK {
				t.Fatalf("measure page = %d", res.StatusCode)
			}
			doc := res.Doc(t)
			if got := text(doc.Find("h1")); got != "(一)2 义务教育" {
				t.Fatalf("h1 = %q", got)
			}
			src := doc.Find("blockquote.source-text")
			if text(src) != "2.义务教育。小学适龄儿童入学率达到100%,初中生年辍学率在1.2%以下。" {
				t.Fatalf("source text = %q", text(src))
			}
			var marks []string
			src.Find("mark.target").Each(func(_ int, s *goquery.Selection) { marks = append(marks, s.Text()) })
			if strings.Join(marks, "|") != "小学适龄儿童入学率达到100%|初中生年辍学率在1.2%以下" {
				t.Fatalf("marked targets = %q", marks)
			}
			var targets []string
			doc.Find("table.targets tbody tr").Each(func(_ int, s *goquery.Selection) {
				td := s.Find("td")
				targets = append(targets, strings.Join([]string{strings.TrimSpace(td.Eq(0).Contents().First().Text()),
					text(td.Eq(1)), text(td.Eq(2)), text(td.Eq(3)), text(td.Eq(4))}, " "))
			})
			if got := strings.Join(targets, "|"); got != "小学适龄儿童入学率 等于 100 % 2015|初中生年辍学率 不高于 1.2 % 2015" {
				t.Fatalf("targets = %q", got)
			}
			rows := doc.Find("table.assignments tbody tr")
			if rows.Length() != 3 || !strings.HasPrefix(text(rows.First().Find("td").Eq(0)), "市教育局") || text(rows.First().Find("td").Eq(1)) != "牵头单位" {
				t.Fatalf("assignments = %q", text(rows))
			}
			// Links to assignment pages: all for the supervising roles, only
			// its own for a responsible unit (台山 is not the lead here).
			as, _ := p.App.Store.AssignmentsOf(context.Background(), f.Measures[1].ID)
			for i, a := range as {
				want := idPath("/assignments/", a.ID, "")
				if who == "taishan" && a.UnitID != f.Units["台山市人民政府"] {
					want = ""
				}
				if href, _ := rows.Eq(i).Find("a").Attr("href"); href != want {
					t.Errorf("assignment link %d = %q, want %q", i, href, want)
				}
			}
			if who == "taishan" {
				mine := doc.Find("table.assignments tr.mine")
				if mine.Length() != 1 || !strings.Contains(text(mine), "台山市人民政府") {
					t.Errorf("own assignment highlighted = %q", text(mine))
				}
			}
			if got := doc.Find(`a[href="` + idPath("/admin/measures/", f.Measures[1].ID, "/edit") + `"]`).Length(); (got == 1) != (who == "admin") {
				t.Errorf("edit link = %d for %s", got, who)
			}
			if next, _ := doc.Find(`a[rel=next]`).Attr("href"); next != idPath("/measures/", f.Measures[2].ID, "") {
				t.Errorf("next link = %q", next)
			}
		})
	}
}

func TestPlanPagesNotFound(t *testing.T) {
	p := testutil.Start(t)
	testutil.SeedFixture(t, p.App.Store)
	c := p.Login("duchashi")
	for _, path := range []string{"/plans/999", "/plans/abc", "/measures/999", "/measures/-1"} {
		if res := c.Get(path); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s = %d, want 404", path, res.StatusCode)
		}
	}
	a := p.Login("admin")
	for _, path := range []string{"/admin/measures/999/edit", "/admin/plans/999/edit"} {
		if res := a.Get(path); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s = %d, want 404", path, res.StatusCode)
		}
	}
}

// measureForm is the edit form as the browser would post it, read from the
// page.
func measureForm(t *testing.T, c *testutil.Client, measureID int64) url.Values {
	t.Helper()
	res := c.Get(idPath("/admin/measures/", measureID, "/edit"))
	if res.StatusCode != http.StatusOK {
		t.Fatalf("edit form = %d", res.StatusCode)
	}
	doc := res.Doc(t)
	v := url.Values{}
	form := doc.Find("form.measure-form")
	form.Find("input").Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		typ, _ := s.Attr("type")
		val, _ := s.Attr("value")
		if name == "" || name == "_csrf" {
			return
		}
		if typ == "checkbox" {
			if _, on := s.Attr("checked"); on {
				v.Add(name, val)
			}
			return
		}
		v.Add(name, val)
	})
	form.Find("select").Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		val, _ := s.Find("option[selected]").Attr("value")
		v.Set(name, val)
	})
	return v
}

func TestAdminEditsAMeasure(t *testing.T) {
	p := testutil.Start(t)
	f := testutil.SeedFixture(t, p.App.Store)
	ctx := context.Background()
	c := p.Login("admin")
	m := f.Measures[1]
	v := measureForm(t, c, m.ID)
	if v.Get("title") != "义务教育" || v.Get("due_on") != "2015-12-31" || v.Get("lead") != strconv.FormatInt(f.Units["市教育局"], 10) ||
		v.Get("t_rows") != "3" || v.Get("t0_indicator") != "小学适龄儿童入学率" || v.Get("t1_op") != "<=" || v.Get("t1_value") != "1.2" {
		t.Fatalf("stored form = %v", v)
	}
	if len(v["responsible"]) != 2 {
		t.Fatalf("responsible = %v", v["responsible"])
	}
	// New title and due date; 市残联 leads, 市教育局 becomes responsible and
	// 台山 is dropped; the second target is removed, the first changed and a
	// new one added in the blank row.
	v.Set("title", "义务教育均衡发展")
	v.Set("due_on", "2015-09-30")
	v.Set("lead", strconv.FormatInt(f.Units["市残联"], 10))
	v["responsible"] = []string{strconv.FormatInt(f.Units["市教育局"], 10)}
	v.Set("t0_value", "99.5")
	v.Set("t1_remove", "1")
	v.Set("t2_indicator", "义务教育标准化学校比例")
	v.Set("t2_op", ">=")
	v.Set("t2_value", "80")
	v.Set("t2_unit", "%")
	v.Set("t2_year", "")
	res := c.PostForm(idPath("/admin/measures/", m.ID, "/edit"), v)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != idPath("/measures/", m.ID, "") {
		t.Fatalf("save = %d → %q\n%s", res.StatusCode, res.Header.Get("Location"), text(res.Doc(t).Find(".flash-error, .field-error")))
	}
	got, _ := p.App.Store.MeasureByID(ctx, m.ID)
	if got.Title != "义务教育均衡发展" || got.Version != 2 || got.DueOn.In(testZone()).Format("2006-01-02") != "2015-09-30" {
		t.Fatalf("stored measure = %+v", got)
	}
	as, _ := p.App.Store.AssignmentsOf(ctx, m.ID)
	if len(as) != 2 || as[0].UnitID != f.Units["市残联"] || as[0].Role != model.AssignLead ||
		as[1].UnitID != f.Units["市教育局"] || as[1].Role != model.AssignResponsible {
		t.Fatalf("assignments = %+v", as)
	}
	ts, _ := p.App.Store.TargetsOf(ctx, m.ID)
	if len(ts) != 2 || ts[0].Value != 99.5 || ts[0].Text != "小学适龄儿童入学率达到100%" ||
		ts[1].Indicator != "义务教育标准化学校比例" || ts[1].Year != 2015 || ts[1].Text != "义务教育标准化学校比例不低于80%" || ts[1].Position != 2 {
		t.Fatalf("targets = %+v", ts)
	}
	ev := lastAudit(t, p, "measure.update")
	if ev.ObjectID != m.ID || !strings.Contains(ev.OldValue, `"title":"义务教育"`) || !strings.Contains(ev.NewValue, `"title":"义务教育均衡发展"`) ||
		!strings.Contains(ev.OldValue, "初中生年辍学率") || strings.Contains(ev.NewValue, "初中生年辍学率") || ev.ActorName != "admin" {
		t.Fatalf("audit entry = %+v", ev)
	}
	if id, _, err := p.App.Store.VerifyAudit(ctx); id != 0 || err != nil {
		t.Fatalf("audit chain broken at %d: %v", id, err)
	}
	// The flash and the new values show on the measure page.
	doc := c.Get(idPath("/measures/", m.ID, "")).Doc(t)
	if !strings.Contains(text(doc.Find(".flash-ok")), "已保存") || text(doc.Find("h1")) != "(一)2 义务教育均衡发展" {
		t.Fatalf("after save: flash %q, h1 %q", text(doc.Find(".flash-ok")), text(doc.Find("h1")))
	}
}

func TestMeasureEditRejectsBadInputAndKeepsIt(t *testing.T) {
	p := testutil.Start(t)
	f := testutil.SeedFixture(t, p.App.Store)
	c := p.Login("admin")
	m := f.Measures[0]
	before := auditCount(t, p, "measure.update")
	cases := []struct {
		name  string
		set   map[string]string
		field string // element that must carry the error
	}{
		{"empty title", map[string]string{"title": "  "}, "#title-error"},
		{"bad date", map[string]string{"title": "改过的名称", "due_on": "2015-13-45"}, "#due_on-error"},
		{"due before the plan", map[string]string{"title": "改过的名称", "due_on": "2013-01-01"}, "#due_on-error"},
		{"value not a number", map[string]string{"title": "改过的名称", "t0_value": "九十三"}, "#t0_row-error"},
		{"op outside the list", map[string]string{"title": "改过的名称", "t0_op": "!="}, "#t0_row-error"},
		{"new row without indicator", map[string]string{"title": "改过的名称", "t1_value": "5"}, "#t1_row-error"},
		{"year out of range", map[string]string{"title": "改过的名称", "t0_year": "3000"}, "#t0_row-error"},
		{"unknown unit", map[string]string{"title": "改过的名称", "lead": "99999"}, "#units-error"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v := measureForm(t, c, m.ID)
			for k, x := range tc.set {
				v.Set(k, x)
			}
			res := c.PostForm(idPath("/admin/measures/", m.ID, "/edit"), v)
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("status = %d, want 422", res.StatusCode)
			}
			doc := res.Doc(t)
			if doc.Find(tc.field).Length() != 1 {
				t.Fatalf("no error at %s; errors: %q", tc.field, text(doc.Find(".field-error")))
			}
			// The user's input is still in the form.
			for k, x := range tc.set {
				sel := doc.Find(`[name="` + k + `"]`)
				got, _ := sel.Attr("value")
				if goquery.NodeName(sel) == "select" {
					got, _ = sel.Find("option[selected]").Attr("value")
					if k == "lead" || k == "t0_op" {
						continue // options outside the list cannot be shown as chosen
					}
				}
				if got != strings.TrimSpace(x) {
					t.Errorf("%s re-shown as %q, want %q", k, got, x)
				}
			}
		})
	}
	got, _ := p.App.Store.MeasureByID(context.Background(), m.ID)
	if got.Title != "学前教育" || got.Version != 1 || auditCount(t, p, "measure.update") != before {
		t.Fatalf("an invalid form changed the measure: %+v", got)
	}
}

func TestStaleMeasureEditIsRefused(t *testing.T) {
	p := testutil.Start(t)
	f := testutil.SeedFixture(t, p.App.Store)
	m := f.Measures[0]
	alice, bob := p.Login("admin"), p.Login("admin")
	va, vb := measureForm(t, alice, m.ID), measureForm(t, bob, m.ID)
	va.Set("title", "学前教育(甲改)")
	if res := alice.PostForm(idPath("/admin/measures/", m.ID, "/edit"), va); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("first save = %d", res.StatusCode)
	}
	vb.Set("title", "学前教育(乙改)")
	vb.Set("t0_value", "95")
	res := bob.PostForm(idPath("/admin/measures/", m.ID, "/edit"), vb)
	if res.StatusCode != http.StatusConflict {
		t.Fatalf("stale save = %d, want 409", res.StatusCode)
	}
	doc := res.Doc(t)
	if !strings.Contains(text(doc.Find(".flash-error")), "已被他人修改") {
		t.Fatalf("conflict message = %q", text(doc.Find(".flash-error")))
	}
	if v, _ := doc.Find("#title").Attr("value"); v != "学前教育(乙改)" {
		t.Fatalf("the stale form lost the input: title %q", v)
	}
	if v, _ := doc.Find(`[name="t0_value"]`).Attr("value"); v != "95" {
		t.Fatalf("the stale form lost the input: value %q", v)
	}
	got, _ := p.App.Store.MeasureByID(context.Background(), m.ID)
	ts, _ := p.App.Store.TargetsOf(context.Background(), m.ID)
	if got.Title != "学前教育(甲改)" || got.Version != 2 || ts[0].Value != 93 {
		t.Fatalf("stored after the conflict: %q v%d value %v", got.Title, got.Version, ts[0].Value)
	}
}

func TestOnlyAdminsEditTheBreakdown(t *testing.T) {
	p := testutil.Start(t)
	f := testutil.SeedFixture(t, p.App.Store)
	m := f.Measures[0]
	admin := p.Login("admin")
	v := measureForm(t, admin, m.ID)
	v.Set("title", "被改掉了")
	for _, who := range []string{"duchashi", "lingdao", "jiaoyuju", "taishan"} {
		t.Run(who, func(t *testing.T) {
			c := p.Login(who)
			for _, path := range []string{idPath("/admin/measures/", m.ID, "/edit"), idPath("/admin/plans/", f.Plan.ID, "/edit")} {
				if res := c.Get(path); res.StatusCode != http.StatusForbidden {
					t.Errorf("GET %s = %d, want 403", path, res.StatusCode)
				}
			}
			posts := map[string]url.Values{
				idPath("/admin/measures/", m.ID, "/edit"):       v,
				idPath("/admin/measures/", m.ID, "/delete"):     {"version": {"1"}, "confirm": {"yes"}},
				idPath("/admin/plans/", f.Plan.ID, "/measures"): {"domain_id": {strconv.FormatInt(f.Domains[0].ID, 10)}, "title": {"新任务"}},
				idPath("/admin/plans/", f.Plan.ID, "/edit"):     {"version": {"1"}, "title": {"x"}, "reporting": {"monthly"}, "due_days": {"5"}, "start_on": {"2014-06-17"}, "end_on": {"2015-12-31"}},
			}
			for path, form := range posts {
				if res := c.PostForm(path, form); res.StatusCode != http.StatusForbidden {
					t.Errorf("POST %s = %d, want 403", path, res.StatusCode)
				}
			}
		})
	}
	got, _ := p.App.Store.MeasureByID(context.Background(), m.ID)
	ms, _ := p.App.Store.MeasuresOf(context.Background(), f.Plan.ID)
	pl, _ := p.App.Store.PlanByID(context.Background(), f.Plan.ID)
	if got.Title != "学前教育" || len(ms) != 3 || pl.Reporting != "quarterly" || pl.Version != 1 {
		t.Fatal("a refused request changed the plan")
	}
}

func TestReportedWorkCannotBeUnassignedOrDeleted(t *testing.T) {
	p := testutil.Start(t)
	f := testutil.SeedFixture(t, p.App.Store)
	ctx := context.Background()
	m := f.Measures[0]
	r := addPlanReport(t, p, f, m.ID, "台山市人民政府")
	ts, _ := p.App.Store.TargetsOf(ctx, m.ID)
	val := 90.0
	// A reported value on the seeded draft (see addPlanReport).
	if err := p.App.DB.W.Create(&model.TargetValue{ReportID: r.ID, TargetID: ts[0].ID, Value: &val}).Error; err != nil {
		t.Fatal(err)
	}
	c := p.Login("admin")

	// The form says which unit and target are in use.
	doc := c.Get(idPath("/admin/measures/", m.ID, "/edit")).Doc(t)
	if doc.Find(`input[name="t0_remove"]`).Length() != 0 || !strings.Contains(text(doc.Find(".targets-edit")), "已有 1 个填报值") {
		t.Error("the form offers to remove a target with values")
	}
	if doc.Find(`form[action$="/delete"]`).Length() != 0 {
		t.Error("the form offers to delete a measure with reports")
	}

	// Unassigning 台山 is refused, naming it, and nothing is saved.
	v := measureForm(t, c, m.ID)
	v.Set("title", "学前教育(改)")
	v["responsible"] = []string{strconv.FormatInt(f.Units["市残联"], 10)}
	res := c.PostForm(idPath("/admin/measures/", m.ID, "/edit"), v)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(text(res.Doc(t).Find("#units-error")), "“台山市人民政府”已有填报或催办记录") {
		t.Fatalf("unassign = %d %q", res.StatusCode, text(res.Doc(t).Find(".field-error")))
	}
	// Removing the target by a crafted post is refused on its row.
	v = measureForm(t, c, m.ID)
	v.Set("t0_remove", "1")
	res = c.PostForm(idPath("/admin/measures/", m.ID, "/edit"), v)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(text(res.Doc(t).Find("#t0_row-error")), "已有填报值") {
		t.Fatalf("remove target = %d %q", res.StatusCode, text(res.Doc(t).Find(".field-error")))
	}
	// Deleting the measure is refused with the reason.
	res = c.PostForm(idPath("/admin/measures/", m.ID, "/delete"), url.Values{"version": {"1"}, "confirm": {"yes"}})
	if res.StatusCode != http.StatusConflict || !strings.Contains(text(res.Doc(t).Find(".flash-error")), "已有填报或催办记录，不能删除") {
		t.Fatalf("delete = %d %q", res.StatusCode, text(res.Doc(t).Find(".flash-error")))
	}
	got, err := p.App.Store.MeasureByID(ctx, m.ID)
	as, _ := p.App.Store.AssignmentsOf(ctx, m.ID)
	ts, _ = p.App.Store.TargetsOf(ctx, m.ID)
	if err != nil || got.Title != "学前教育" || len(as) != 3 || len(ts) != 1 || auditCount(t, p, "measure.update") != 0 {
		t.Fatalf("refused edits changed the measure: %+v, %d assignments, %d targets", got, len(as), len(ts))
	}
	// Changing who leads keeps the report: 台山 becomes the lead.
	v = measureForm(t, c, m.ID)
	v.Set("lead", strconv.FormatInt(f.Units["台山市人民政府"], 10))
	v["responsible"] = []string{strconv.FormatInt(f.Units["市教育局"], 10), strconv.FormatInt(f.Units["市残联"], 10)}
	if res := c.PostForm(idPath("/admin/measures/", m.ID, "/edit"), v); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("role change = %d", res.StatusCode)
	}
	if _, err := p.App.Store.ReportByID(ctx, r.ID); err != nil {
		t.Fatal("changing the lead unit lost a report")
	}
}

func TestAdminAddsAndDeletesAMeasure(t *testing.T) {
	p := testutil.Start(t)
	f := testutil.SeedFixture(t, p.App.Store)
	ctx := context.Background()
	c := p.Login("admin")
	add := idPath("/admin/plans/", f.Plan.ID, "/measures")

	// A blank title re-shows the plan page with the error at that domain.
	res := c.PostForm(add, url.Values{"domain_id": {strconv.FormatInt(f.Domains[0].ID, 10)}, "title": {""}, "due_on": {"2015-10-31"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("blank title = %d", res.StatusCode)
	}
	doc := res.Doc(t)
	if doc.Find(idPath("#add-title-", f.Domains[0].ID, "-error")).Length() != 1 {
		t.Fatal("no error next to the title")
	}
	if v, _ := doc.Find(idPath("#add-due-", f.Domains[0].ID, "")).Attr("value"); v != "2015-10-31" {
		t.Fatalf("due date input lost: %q", v)
	}
	// A domain of another plan is refused.
	res = c.PostForm(add, url.Values{"domain_id": {"9999"}, "title": {"新任务"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("foreign domain = %d", res.StatusCode)
	}

	// Adding to (一) puts the new measure after (一)2 and before (二)1.
	res = c.PostForm(add, url.Values{"domain_id": {strconv.FormatInt(f.Domains[0].ID, 10)}, "title": {"特殊教育"}, "due_on": {""}})
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/admin/measures/") {
		t.Fatalf("add = %d → %q", res.StatusCode, res.Header.Get("Location"))
	}
	ms, _ := p.App.Store.MeasuresOf(ctx, f.Plan.ID)
	if len(ms) != 4 || ms[2].Title != "特殊教育" || ms[2].Label != "3." || ms[3].ID != f.Measures[2].ID ||
		ms[2].DueOn.In(testZone()).Format("2006-01-02") != "2015-12-31" {
		t.Fatalf("measures after add: %+v", ms)
	}
	newID := ms[2].ID
	if ev := lastAudit(t, p, "measure.create"); ev.ObjectID != newID || !strings.Contains(ev.NewValue, "特殊教育") {
		t.Fatalf("create audit = %+v", ev)
	}
	doc = c.Get(idPath("/plans/", f.Plan.ID, "")).Doc(t)
	var labels []string
	doc.Find("table.measures tbody tr").Each(func(_ int, s *goquery.Selection) { labels = append(labels, text(s.Find("td").First())) })
	if strings.Join(labels, "|") != "(一)1|(一)2|(一)3|(二)1" {
		t.Fatalf("labels = %q", labels)
	}
	if doc := c.Get(idPath("/measures/", newID, "")).Doc(t); !strings.Contains(text(doc.Find("section.card").Eq(0)), "手工添加") {
		t.Error("a hand-added measure does not say it has no source text")
	}

	// Delete needs the confirmation box.
	del := idPath("/admin/measures/", newID, "/delete")
	if res := c.PostForm(del, url.Values{"version": {"1"}}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("delete without confirmation = %d", res.StatusCode)
	}
	if res := c.PostForm(del, url.Values{"version": {"7"}, "confirm": {"yes"}}); res.StatusCode != http.StatusConflict {
		t.Fatalf("delete with a stale version = %d", res.StatusCode)
	}
	res = c.PostForm(del, url.Values{"version": {"1"}, "confirm": {"yes"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != idPath("/plans/", f.Plan.ID, "") {
		t.Fatalf("delete = %d → %q", res.StatusCode, res.Header.Get("Location"))
	}
	if res := c.Get(idPath("/measures/", newID, "")); res.StatusCode != http.StatusNotFound {
		t.Fatalf("deleted measure page = %d", res.StatusCode)
	}
	if ev := lastAudit(t, p, "measure.delete"); ev.ObjectID != newID || !strings.Contains(ev.OldValue, "特殊教育") {
		t.Fatalf("delete audit = %+v", ev)
	}
}

func TestUnitGroupsOnMeasurePages(t *testing.T) {
	p := testutil.Start(t)
	f := testutil.SeedFixture(t, p.App.Store)
	c := p.Login("admin")
	m := f.Measures[2]
	v := measureForm(t, c, m.ID)
	doc := c.Get(idPath("/admin/measures/", m.ID, "/edit")).Doc(t)
	gid, ok := doc.Find(`input[name="group"]`).Attr("value")
	if !ok || !strings.Contains(text(doc.Find(".unit-groups")), "各市(区)政府") {
		t.Fatal("the edit form offers no unit group")
	}
	v.Add("group", gid)
	if res := c.PostForm(idPath("/admin/measures/", m.ID, "/edit"), v); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save with group = %d", res.StatusCode)
	}
	as, _ := p.App.Store.AssignmentsOf(context.Background(), m.ID)
	if len(as) != 8 { // 市残联 leads, seven district governments
		t.Fatalf("assignments = %d, want 8", len(as))
	}
	doc = p.Login("lingdao").Get(idPath("/measures/", m.ID, "")).Doc(t)
	g := text(doc.Find(".unit-group"))
	if !strings.Contains(g, "各市(区)政府") || !strings.Contains(g, "7 个单位") || !strings.Contains(g, "蓬江区人民政府") || !strings.Contains(g, "恩平市人民政府") {
		t.Fatalf("group on the measure page = %q", g)
	}
	if got := text(doc.Find("table.assignments tbody tr").Eq(1)); !strings.Contains(got, "(各市(区)政府)") {
		t.Fatalf("member row = %q", got)
	}
	doc = p.Login("lingdao").Get(idPath("/plans/", f.Plan.ID, "")).Doc(t)
	if got := text(doc.Find(idPath("#measure-", m.ID, "")).Find("td").Eq(3)); got != "各市(区)政府" {
		t.Fatalf("responsible on the plan page = %q", got)
	}
}

func TestPlanSettings(t *testing.T) {
	p := testutil.Start(t)
	f := testutil.SeedFixture(t, p.App.Store)
	ctx := context.Background()
	c := p.Login("admin")
	path := idPath("/admin/plans/", f.Plan.ID, "/edit")
	doc := c.Get(path).Doc(t)
	if doc.Find("table.periods tbody tr").Length() != 6 || !strings.Contains(text(doc.Find("table.periods")), "2015年第1季度") {
		t.Fatalf("periods table = %q", text(doc.Find("table.periods")))
	}
	form := func(version int, set map[string]string) url.Values {
		v := url.Values{"version": {strconv.Itoa(version)}, "title": {"测试方案(2014-2015年)"}, "reporting": {"quarterly"},
			"due_days": {"5"}, "start_on": {"2014-06-17"}, "end_on": {"2015-12-31"}}
		for k, x := range set {
			v.Set(k, x)
		}
		return v
	}

	// Invalid input: 422, input kept, nothing saved.
	for _, bad := range []map[string]string{
		{"title": ""}, {"reporting": "weekly"}, {"due_days": "90"}, {"start_on": "x"}, {"end_on": "2014-01-01"}, {"end_on": "2099-01-01"},
	} {
		res := c.PostForm(path, form(1, bad))
		if res.StatusCode != http.StatusUnprocessableEntity || res.Doc(t).Find(".field-error").Length() == 0 {
			t.Errorf("%v = %d, want 422 with a field error", bad, res.StatusCode)
		}
	}
	res := c.PostForm(path, form(1, map[string]string{"due_days": "90", "title": "新名称"}))
	if v, _ := res.Doc(t).Find("#title").Attr("value"); v != "新名称" {
		t.Errorf("title input lost: %q", v)
	}

	// Only the due days: the same periods, due three days later.
	res = c.PostForm(path, form(1, map[string]string{"due_days": "8"}))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("due days = %d", res.StatusCode)
	}
	ps, _ := p.App.Store.PeriodsOf(ctx, f.Plan.ID)
	if len(ps) != 6 || ps[2].DueOn.In(testZone()).Format("2006-01-02") != "2015-04-08" {
		t.Fatalf("periods after due days: %d, Q1 due %s", len(ps), ps[2].DueOn)
	}

	// A stale form is refused with the input kept.
	res = c.PostForm(path, form(1, map[string]string{"title": "过期的修改"}))
	if res.StatusCode != http.StatusConflict {
		t.Fatalf("stale plan form = %d", res.StatusCode)
	}
	if v, _ := res.Doc(t).Find("#title").Attr("value"); v != "过期的修改" {
		t.Errorf("stale input lost: %q", v)
	}

	// Monthly reporting cuts the periods anew while nobody has reported.
	res = c.PostForm(path, form(2, map[string]string{"reporting": "monthly", "due_days": "8"}))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("monthly = %d: %q", res.StatusCode, text(res.Doc(t).Find(".flash-error")))
	}
	ps, _ = p.App.Store.PeriodsOf(ctx, f.Plan.ID)
	if len(ps) < 18 || ps[len(ps)-1].Label != "2015-12" {
		t.Fatalf("monthly periods: %d, last %s", len(ps), ps[len(ps)-1].Label)
	}
	ev := lastAudit(t, p, "plan.update")
	if !strings.Contains(ev.OldValue, `"reporting":"quarterly"`) || !strings.Contains(ev.NewValue, `"reporting":"monthly"`) {
		t.Fatalf("plan audit = %s → %s", ev.OldValue, ev.NewValue)
	}

	// Once a report exists, the periods stay: refused with a message.
	addPlanReport(t, p, f, f.Measures[0].ID, "市教育局")
	doc = c.Get(path).Doc(t)
	if !strings.Contains(text(doc.Find(".flash-info")), "已有 1 份报告") {
		t.Errorf("the form does not say the periods are locked: %q", text(doc.Find(".flash-info")))
	}
	res = c.PostForm(path, form(3, map[string]string{"reporting": "quarterly", "due_days": "8"}))
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(text(res.Doc(t).Find(".flash-error")), "不能改变报送周期") {
		t.Fatalf("regenerate with reports = %d %q", res.StatusCode, text(res.Doc(t).Find(".flash-error")))
	}
	pl, _ := p.App.Store.PlanByID(ctx, f.Plan.ID)
	ps2, _ := p.App.Store.PeriodsOf(ctx, f.Plan.ID)
	if pl.Reporting != "monthly" || pl.Version != 3 || len(ps2) != len(ps) {
		t.Fatalf("refused change saved: %s v%d, %d periods", pl.Reporting, pl.Version, len(ps2))
	}
	// The title alone still changes.
	if res := c.PostForm(path, form(3, map[string]string{"reporting": "monthly", "due_days": "8", "title": "测试方案(修订)"})); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("title change with reports = %d", res.StatusCode)
	}
}

// TestPlanPagesHaveNoMissingTexts renders every plan page in both languages
// and looks for catalog keys shown as themselves.
func TestPlanPagesHaveNoMissingTexts(t *testing.T) {
	p := testutil.Start(t)
	f := testutil.SeedFixture(t, p.App.Store)
	c := p.Login("admin")
	pages := []string{"/plans", idPath("/plans/", f.Plan.ID, ""), idPath("/measures/", f.Measures[0].ID, ""),
		idPath("/admin/measures/", f.Measures[0].ID, "/edit"), idPath("/admin/plans/", f.Plan.ID, "/edit")}
	for _, lang := range []string{"zh-CN", "en"} {
		c.PostForm("/lang", url.Values{"to": {lang}, "back": {"/"}})
		if lang == "en" && !strings.Contains(c.Get("/plans").Body, "Plans") {
			t.Fatal("the language switch did not take")
		}
		for _, path := range append(pages, "/admin/plans/import", "upload") {
			var res *testutil.Response
			if path == "upload" {
				res = uploadPlan(t, c, "plan.txt", []byte(testutil.SmallPlan), nil)
			} else {
				res = c.Get(path)
			}
			if res.StatusCode != http.StatusOK {
				t.Fatalf("%s %s = %d", lang, path, res.StatusCode)
			}
			body := text(res.Doc(t).Find("body"))
			for _, prefix := range []string{"plans.", "assignment.", "unit.kind.", "form.", "%!"} {
				if i := strings.Index(body, prefix); i >= 0 {
					t.Errorf("%s %s shows %q", lang, path, body[i:min(len(body), i+40)])
				}
			}
		}
	}
}

// TestPlanPagesOnPostgres walks the plan pages, an edit and an import on
// PostgreSQL, where dates come back from DATE columns differently.
func TestPlanPagesOnPostgres(t *testing.T) {
	p := testutil.Start(t, testutil.WithDB(testutil.PostgresURL(t)))
	f := testutil.SeedFixture(t, p.App.Store)
	c := p.Login("admin")
	doc := c.Get(idPath("/plans/", f.Plan.ID, "")).Doc(t)
	if got := text(doc.Find("table.measures tbody tr").Eq(2).Find("td").Eq(5)); got != "2015-06-30" {
		t.Fatalf("due date on PostgreSQL = %q", got)
	}
	v := measureForm(t, c, f.Measures[0].ID)
	if v.Get("due_on") != "2015-12-31" {
		t.Fatalf("form due date = %q", v.Get("due_on"))
	}
	v.Set("due_on", "2015-10-31")
	v.Set("t1_indicator", "普惠性幼儿园覆盖率")
	v.Set("t1_value", "80")
	if res := c.PostForm(idPath("/admin/measures/", f.Measures[0].ID, "/edit"), v); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save on PostgreSQL = %d", res.StatusCode)
	}
	doc = c.Get(idPath("/measures/", f.Measures[0].ID, "")).Doc(t)
	if got := text(doc.Find("dl.facts dd").First()); got != "2015-10-31" || doc.Find("table.targets tbody tr").Length() != 2 {
		t.Fatalf("after save: due %q, %d targets", got, doc.Find("table.targets tbody tr").Length())
	}
	res := uploadPlan(t, c, "plan.txt", []byte(testutil.SmallPlan), nil)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("preview on PostgreSQL = %d", res.StatusCode)
	}
	if res := c.PostForm("/admin/plans/import/confirm", confirmForm(t, res.Doc(t), nil)); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("confirm on PostgreSQL = %d", res.StatusCode)
	}
}

// TestJiangmenMeasuresMarkEveryTarget reads every measure of the demo's
// Jiangmen plan: each target the importer found is marked in the text.
func TestJiangmenMeasuresMarkEveryTarget(t *testing.T) {
	p := testutil.Start(t)
	ctx := context.Background()
	plans, _ := p.App.Store.ListPlans(ctx)
	if len(plans) != 1 {
		t.Fatalf("demo plans = %d", len(plans))
	}
	ms, _ := p.App.Store.MeasuresOf(ctx, plans[0].ID)
	c := p.Login("jiaoyuju")
	marked, targets := 0, 0
	for _, m := range ms {
		ts, _ := p.App.Store.TargetsOf(ctx, m.ID)
		doc := c.Get(idPath("/measures/", m.ID, "")).Doc(t)
		n := doc.Find("blockquote.source-text mark.target").Length()
		if n != len(ts) {
			t.Errorf("measure %d %s: %d marks for %d targets", m.ID, m.Title, n, len(ts))
		}
		marked += n
		targets += len(ts)
	}
	if targets < 60 || marked != targets {
		t.Fatalf("%d of %d targets marked", marked, targets)
	}
}

// The plan pages of the 59-measure Jiangmen plan through the real router:
//
//	go test ./internal/web -run '^$' -bench 'Jiangmen' -benchtime 30x
func BenchmarkJiangmenPlanPage(b *testing.B) {
	p := testutil.Start(b)
	c := p.Login("jiaoyuju")
	plans, _ := p.App.Store.ListPlans(context.Background())
	path := idPath("/plans/", plans[0].ID, "")
	b.ResetTimer()
	for range b.N {
		if res := c.Get(path); res.StatusCode != http.StatusOK {
			b.Fatal(res.StatusCode)
		}
	}
}

func BenchmarkJiangmenMeasurePage(b *testing.B) {
	p := testutil.Start(b)
	c := p.Login("duchashi")
	plans, _ := p.App.Store.ListPlans(context.Background())
	ms, _ := p.App.Store.MeasuresOf(context.Background(), plans[0].ID)
	b.ResetTimer()
	for i := range b.N {
		if res := c.Get(idPath("/measures/", ms[i%len(ms)].ID, "")); res.StatusCode != http.StatusOK {
			b.Fatal(res.StatusCode)
		}
	}
}

func BenchmarkJiangmenImportPreview(b *testing.B) {
	p := testutil.Start(b)
	c := p.Login("admin")
	doc := []byte(strings.Replace(string(demoPlan()), "江门市", "样例市", -1))
	b.ResetTimer()
	for range b.N {
		if res := uploadPlan(b, c, "plan.txt", doc, nil); res.StatusCode != http.StatusOK {
			b.Fatal(res.StatusCode)
		}
	}
}

func TestAddTargetRowWithoutJavaScript(t *testing.T) {
	p := testutil.Start(t)
	f := testutil.SeedFixture(t, p.App.Store)
	c := p.Login("admin")
	m := f.Measures[0]
	v := measureForm(t, c, m.ID)
	v.Set("title", "学前教育(草稿)")
	v.Set("t1_indicator", "普惠性幼儿园覆盖率")
	v.Set("add_row", "1")
	res := c.PostForm(idPath("/admin/measures/", m.ID, "/edit"), v)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("add row = %d", res.StatusCode)
	}
	doc := res.Doc(t)
	if n, _ := doc.Find(`input[name="t_rows"]`).Attr("value"); n != "3" || doc.Find(`input[name="t2_indicator"]`).Length() != 1 {
		t.Fatalf("rows after add = %s", n)
	}
	if v, _ := doc.Find(`input[name="t1_indicator"]`).Attr("value"); v != "普惠性幼儿园覆盖率" || doc.Find(".field-error").Length() != 0 {
		t.Fatalf("typed row lost (%q) or errors shown early", v)
	}
	if got, _ := p.App.Store.MeasureByID(context.Background(), m.ID); got.Title != "学前教育" || got.Version != 1 {
		t.Fatal("adding a row saved the form")
	}
}

func TestAdminIndexLinksToTheImport(t *testing.T) {
	p := testutil.Start(t)
	doc := p.Login("admin").Get("/admin").Doc(t)
	link := doc.Find(`a[href="/admin/plans/import"]`)
	if link.Length() == 0 || !strings.Contains(text(doc.Find(".admin-sections")), "方案导入") {
		t.Fatal("the administration index has no plan import entry")
	}
}

// TestImportWarningsInTheReadersLanguage: the Jiangmen plan stops inside
// domain (十); admins see that warning in Chinese (or English), other roles
// do not see it at all.
func TestImportWarningsInTheReadersLanguage(t *testing.T) {
	p := testutil.Start(t)
	plans, err := p.App.Store.ListPlans(context.Background())
	if err != nil || len(plans) != 1 {
		t.Fatalf("plans %d, %v", len(plans), err)
	}
	path := fmt.Sprintf("/plans/%d", plans[0].ID)
	admin := p.Login("admin")
	got := text(admin.Get(path).Doc(t).Find("section.warnings li"))
	if !strings.Contains(got, "文件似乎不完整：领域 (十) 生态环保 没有单位括注") {
		t.Fatalf("admin's warning = %q", got)
	}
	if n := p.Login("duchashi").Get(path).Doc(t).Find("section.warnings").Length(); n != 0 {
		t.Fatal("a reviewer sees the import warnings")
	}
}
