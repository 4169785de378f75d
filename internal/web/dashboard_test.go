package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/xuri/excelize/v2"

	"duban/internal/figures/figurestest"
	"duban/internal/model"
	"duban/internal/synth"
	"duban/internal/testutil"
)

// page fetches path and fails unless it answers want.
func page(t *testing.T, c *testutil.Client, path string, want int) *goquery.Document {
	t.Helper()
	res := c.Get(path)
	if res.StatusCode != want {
		t.Fatalf("GET %s = %d, want %d\n%s", path, res.StatusCode, want, snippet(res.Body))
	}
	checkPage(t, path, res.Body)
	return res.Doc(t)
}

func snippet(s string) string {
	if len(s) > 600 {
		return s[:600]
	}
	return s
}

// checkPage asserts what every page of this feature must honour: no
// untranslated catalog key of the area, no inline style (CSP).
func checkPage(t *testing.T, path, body string) {
	t.Helper()
	if i := strings.Index(body, "dash."); i >= 0 {
		t.Errorf("%s shows a raw catalog key near %q", path, body[max(0, i-40):min(len(body), i+40)])
	}
	if strings.Contains(body, " style=") || strings.Contains(body, "<style") {
		t.Errorf("%s has an inline style (forbidden by the CSP)", path)
	}
}

// text is the selection's text with runs of white space made one space;
// the texts of several elements are separated by a space.
func cellText(s *goquery.Selection) string {
	var parts []string
	s.Each(func(_ int, e *goquery.Selection) {
		if e.Children().Length() > 0 && goquery.NodeName(e) == "tr" {
			e.Children().Each(func(_ int, c *goquery.Selection) { parts = append(parts, c.Text()) })
			return
		}
		parts = append(parts, e.Text())
	})
	return strings.Join(strings.Fields(strings.Join(parts, " ")), " ")
}

func TestOverviewFiguresRoleByRole(t *testing.T) {
	p, f, _ := figurestest.Start(t)
	e := figurestest.Expect
	for _, who := range []string{"duchashi", "lingdao", "admin"} {
		t.Run(who, func(t *testing.T) {
			doc := page(t, p.Login(who), "/", http.StatusOK)
			stats := map[string]string{}
			doc.Find(".stats .stat").Each(func(_ int, s *goquery.Selection) {
				cls, _ := s.Attr("class")
				stats[strings.TrimPrefix(strings.Fields(cls)[1], "stat-")] = cellText(s.Find(".value"))
			})
			want := map[string]string{"total": "3", "completion": "70%", "red": fmt.Sprint(e.MeasureRed),
				"yellow": fmt.Sprint(e.MeasureYellow), "blue": fmt.Sprint(e.MeasureBlue), "rate": "63%"}
			if !reflect.DeepEqual(stats, want) {
				t.Errorf("stats = %v, want %v", stats, want)
			}
			// Progress per domain: measures, closed, on track, at risk, overdue, not due, completion.
			var rows [][]string
			doc.Find(".progress-table tbody tr").Each(func(_ int, r *goquery.Selection) {
				var cells []string
				r.Find("th, td").Each(func(_ int, c *goquery.Selection) { cells = append(cells, cellText(c)) })
				rows = append(rows, cells)
			})
			wantRows := [][]string{
				{"(一) 公共教育", "2", "0", "0", "1", "1", "0", "55%"},
				{"(二) 就业保障", "1", "1", "0", "0", "0", "0", "100%"},
			}
			if !reflect.DeepEqual(rows, wantRows) {
				t.Errorf("progress rows = %v", rows)
			}
			// The chart has the same numbers for screen readers.
			if d := cellText(doc.Find("#chart-completion-d")); d != "(一) 公共教育 55%; (二) 就业保障 100%" {
				t.Errorf("completion chart desc = %q", d)
			}
			if doc.Find("svg.chart-hbar rect.chart-red").Length() != 1 || doc.Find("svg.chart-hbar rect.chart-blue").Length() != 1 {
				t.Error("completion bars are not coloured by the domains' lights")
			}
			// Lights of measures and assignments.
			lightRow := func(l string) string { return cellText(doc.Find(".light-table tr.light-row-" + l + " td")) }
			for l, w := range map[string]string{"red": "1 2", "yellow": "1 3", "green": "0 1", "blue": "1 2", "grey": "0 0"} {
				if got := lightRow(l); got != w {
					t.Errorf("light %s = %q, want %q", l, got, w)
				}
			}
			// The overdue and at-risk list, red first.
			list := doc.Find(".attention-table tbody tr")
			if list.Length() != 5 {
				t.Fatalf("attention rows = %d, want 5", list.Length())
			}
			var units []string
			list.Each(func(_ int, r *goquery.Selection) { units = append(units, cellText(r.Find("td").Eq(2).Find("a"))) })
			if !reflect.DeepEqual(units, []string{"市教育局", "市残联", "市教育局", "台山市人民政府", "台山市人民政府"}) {
				t.Errorf("attention units = %v", units)
			}
			// 市残联 was prompted once for 2014Q4, still open.
			if got := cellText(list.Eq(1).Find("td").Eq(5)); got != "已催办 1 次1" {
				t.Errorf("prompts of 市残联 on 义务教育 = %q, want 已催办 1 次 and 1 open", got)
			}
			forms := doc.Find(`form[action="/prompts"]`)
			if who == "duchashi" {
				// 市教育局 on 学前教育 is yellow for a target, with every report
				// in: there is no period to chase, so no button.
				if forms.Length() != 4 {
					t.Fatalf("prompt forms = %d, want 4", forms.Length())
				}
				first := forms.First()
				aid, _ := first.Find(`input[name=assignment_id]`).Attr("value")
				pid, _ := first.Find(`input[name=period_id]`).Attr("value")
				back, _ := first.Find(`input[name=back]`).Attr("value")
				a4 := fmt.Sprint(assignmentID(t, p, f, 1, figurestest.Edu))
				if aid != a4 || pid != fmt.Sprint(periodID(t, p, f, "2014Q4")) || !strings.HasPrefix(back, "/") ||
					first.Find(`input[name=_csrf]`).Length() != 1 {
					t.Errorf("prompt form: assignment %s (want %s) period %s back %q", aid, a4, pid, back)
				}
			} else if forms.Length() != 0 {
				t.Errorf("%s sees %d prompt forms; only reviewers prompt", who, forms.Length())
			}
			if (doc.Find(`a[href="/admin/lights"]`).Length() > 0) != (who == "admin") {
				t.Errorf("light rules link shown to %s: %v", who, doc.Find(`a[href="/admin/lights"]`).Length())
			}
			// Submission rate per unit this period, lowest first.
			var rates []string
			doc.Find(".unit-rate-table tbody tr").Each(func(_ int, r *goquery.Selection) {
				rates = append(rates, cellText(r.Find("th"))+" "+cellText(r.Find(".rate")))
			})
			// 2015年第1季度 is not due yet (the clock is before its deadline).
			wantRates := []string{"台山市人民政府 33% (1/3) 未到期", "市残联 67% (2/3) 未到期", "市教育局 100% (2/2) 未到期"}
			if !reflect.DeepEqual(rates, wantRates) {
				t.Errorf("unit rates = %v", rates)
			}
			var periods []string
			doc.Find(".period-rate-table tbody tr").Each(func(_ int, r *goquery.Selection) { periods = append(periods, cellText(r)) })
			wantPeriods := []string{"2014年第3季度 8/8 8 100%", "2014年第4季度 6/8 5 75%", "2015年第1季度 5/8 5 63% 未到期"}
			if !reflect.DeepEqual(periods, wantPeriods) {
				t.Errorf("period rates = %v", periods)
			}
			if got := cellText(doc.Find(".indicator-summary .ind-row-met td")) + "/" + cellText(doc.Find(".indicator-summary .ind-row-behind td")); got != "2/1" {
				t.Errorf("indicator summary met/behind = %s", got)
			}
			act := cellText(doc.Find("#activity"))
			if !strings.Contains(act, "办结了任务") || strings.Contains(act, "login") {
				t.Errorf("recent activity = %q", act)
			}
		})
	}
}

func TestOverviewPlanSelector(t *testing.T) {
	p, f, _ := figurestest.Start(t)
	c := p.Login("duchashi")
	doc := page(t, c, "/?plan=all", http.StatusOK)
	if got := cellText(doc.Find(".progress-table tbody th")); got != f.Plan.Title {
		t.Errorf("all plans: rows %q", got)
	}
	page(t, c, fmt.Sprintf("/?plan=%d", f.Plan.ID), http.StatusOK)
	page(t, c, "/?plan=999999", http.StatusNotFound)
	page(t, c, "/?plan=x", http.StatusBadRequest)
	// In English, too.
	c.PostForm("/lang", url.Values{"to": {"en"}, "back": {"/"}})
	doc = page(t, c, "/", http.StatusOK)
	// The supervision office lands on its queue, then the overview.
	if got := cellText(doc.Find("h1")); got != "To do Overview" {
		t.Errorf("en h1 = %q", got)
	}
}

func assignmentID(t *testing.T, p *testutil.Portal, f *testutil.Fixture, mi int, unit string) int64 {
	t.Helper()
	as, err := p.App.Store.AssignmentsOf(context.Background(), f.Measures[mi].ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range as {
		if a.UnitID == f.Units[unit] {
			return a.ID
		}
	}
	t.Fatalf("%s is not assigned to measure %d", unit, mi)
	return 0
}

func periodID(t *testing.T, p *testutil.Portal, f *testutil.Fixture, label string) int64 {
	t.Helper()
	ps, err := p.App.Store.PeriodsOf(context.Background(), f.Plan.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, per := range ps {
		if per.Label == label {
			return per.ID
		}
	}
	t.Fatalf("no period %s", label)
	return 0
}

// ledgerRows returns "measure-title/unit" of each 台账 row.
func ledgerRows(doc *goquery.Document) []string {
	var out []string
	doc.Find(".ledger-table tr.ledger-row").Each(func(_ int, r *goquery.Selection) {
		out = append(out, cellText(r.Find(".measure-cell"))+"/"+cellText(r.Find(".unit-cell a")))
	})
	return out
}

func TestLedgerFiltersAndScope(t *testing.T) {
	p, f, _ := figurestest.Start(t)
	rev := p.Login("duchashi")
	all := ledgerRows(page(t, rev, "/ledger", http.StatusOK))
	want := []string{
		"(一)1 学前教育/市教育局", "(一)1 学前教育/市残联", "(一)1 学前教育/台山市人民政府",
		"(一)2 义务教育/市教育局", "(一)2 义务教育/市残联", "(一)2 义务教育/台山市人民政府",
		"(二)1 残疾人就业/市残联", "(二)1 残疾人就业/台山市人民政府",
	}
	if !reflect.DeepEqual(all, want) {
		t.Fatalf("ledger rows = %v", all)
	}
	p2, p3 := periodID(t, p, f, "2014Q4"), periodID(t, p, f, "2015Q1")
	tests := []struct {
		name  string
		query string
		rows  []string
	}{
		{"red", "light=red", []string{want[3], want[4]}},
		{"yellow", "light=yellow", []string{want[0], want[2], want[5]}},
		{"unit", fmt.Sprintf("unit=%d", f.Units[figurestest.Taishan]), []string{want[2], want[5], want[7]}},
		{"domain", fmt.Sprintf("domain=%d", f.Domains[1].ID), want[6:]},
		{"search title", "q=" + url.QueryEscape("义务"), want[3:6]},
		{"search source text", "q=" + url.QueryEscape("辍学率"), want[3:6]},
		{"percent sign is literal", "q=%25", want[:6]},
		{"underscore is literal", "q=_", nil},
		{"returned in 2014Q4", fmt.Sprintf("period=%d&state=returned", p2), []string{want[3]}},
		{"not started in 2015Q1", fmt.Sprintf("period=%d&state=none", p3), []string{want[2], want[4]}},
		{"drafts", "state=draft", []string{want[5]}},
		{"combined", fmt.Sprintf("light=yellow&unit=%d&q=%s", f.Units[figurestest.Taishan], url.QueryEscape("教育")), []string{want[2], want[5]}},
		{"bad values are ignored", "light=purple&state=lost&period=abc&domain=-1", want},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := page(t, rev, "/ledger?"+tt.query, http.StatusOK)
			if got := ledgerRows(doc); !reflect.DeepEqual(got, tt.rows) {
				t.Errorf("rows = %v, want %v", got, tt.rows)
			}
			if got := cellText(doc.Find(".result-count")); got != fmt.Sprintf("共 %d 条", len(tt.rows)) {
				t.Errorf("count = %q", got)
			}
		})
	}
	// The filters survive in the form and in the export link.
	doc := page(t, rev, "/ledger?light=red&q="+url.QueryEscape("义务"), http.StatusOK)
	if v, _ := doc.Find("#f-q").Attr("value"); v != "义务" {
		t.Errorf("search box = %q", v)
	}
	if v, _ := doc.Find("#f-light option[selected]").Attr("value"); v != "red" {
		t.Errorf("light select = %q", v)
	}
	href, _ := doc.Find(`a[href^="/ledger.xlsx"]`).Attr("href")
	if !strings.Contains(href, "light=red") || !strings.Contains(href, "q=%E4%B9%89%E5%8A%A1") {
		t.Errorf("export link %q lacks the filters", href)
	}

	// Unit users see their own rows only, whatever the URL asks.
	for _, tt := range []struct {
		who  string
		rows []string
	}{
		{"taishan", []string{want[2], want[5], want[7]}},
		{"jiaoyuju", []string{want[0], want[3]}},
		{"canlian", []string{want[1], want[4], want[6]}},
	} {
		t.Run(tt.who, func(t *testing.T) {
			c := p.Login(tt.who)
			doc := page(t, c, fmt.Sprintf("/ledger?unit=%d", f.Units[figurestest.Edu]), http.StatusOK)
			if got := ledgerRows(doc); !reflect.DeepEqual(got, tt.rows) {
				t.Errorf("rows = %v, want %v", got, tt.rows)
			}
			if doc.Find("#f-unit").Length() != 0 || doc.Find(".scope-note").Length() != 1 {
				t.Error("a unit user gets a unit filter or no scope note")
			}
		})
	}
}

func TestLedgerPaging(t *testing.T) {
	p, _, _ := figurestest.Start(t)
	// A second, larger plan: 12 measures × 6 units = 72 rows, newest first.
	synthPlan(t, p, 12, 6)
	c := p.Login("duchashi")
	doc := page(t, c, "/ledger", http.StatusOK)
	if n := doc.Find(".ledger-table tr.ledger-row").Length(); n != 50 {
		t.Fatalf("page 1 rows = %d, want 50", n)
	}
	next, ok := doc.Find(`a[rel=next]`).Attr("href")
	if !ok || cellText(doc.Find(".pager .pager-of")) != "第 1 / 2 页" {
		t.Fatalf("pager: next %q, %q", next, cellText(doc.Find(".pager")))
	}
	doc = page(t, c, next, http.StatusOK)
	if n := doc.Find(".ledger-table tr.ledger-row").Length(); n != 22 {
		t.Fatalf("page 2 rows = %d, want 22", n)
	}
	if doc.Find(`a[rel=next]`).Length() != 0 || doc.Find(`a[rel=prev]`).Length() != 1 {
		t.Error("page 2 pager links wrong")
	}
	page(t, c, "/ledger?page=99", http.StatusOK) // clamps to the last page
}

func TestLedgerExport(t *testing.T) {
	p, f, _ := figurestest.Start(t)
	// Plan text that a spreadsheet would run as formulas.
	retitle := func(id int64, title string) {
		ctx := context.Background()
		m, err := p.App.Store.MeasureByID(ctx, id)
		if err == nil {
			_, err = p.App.Store.UpdateMeasureIfVersion(ctx, id, m.Version, title, m.DueOn)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	retitle(f.Measures[0].ID, `=HYPERLINK("http://evil.example","点我")`)
	retitle(f.Measures[2].ID, "@SUM(1+1)")

	rev := p.Login("duchashi")
	res := rev.Get("/ledger.xlsx")
	x := testutil.XLSX(t, res)
	cd := res.Header.Get("Content-Disposition")
	if !strings.HasPrefix(cd, `attachment; filename="duban-ledger-2015-04-03.xlsx"; filename*=UTF-8''%E7%9D%A3%E5%8A%9E%E5%8F%B0%E8%B4%A6`) {
		t.Errorf("Content-Disposition = %q", cd)
	}
	sheets := x.GetSheetList()
	if !reflect.DeepEqual(sheets, []string{"汇总", "(一)公共教育", "(二)就业保障"}) {
		t.Fatalf("sheets = %v", sheets)
	}
	d1 := testutil.SheetRows(t, x, "(一)公共教育")
	if len(d1) != 7 || d1[0][0] != "领域" || d1[0][2] != "任务" || d1[0][5] != "原定时限" || d1[0][6] != "调整后时限" || d1[0][12] != "灯" {
		t.Fatalf("domain sheet: %d rows, header %v", len(d1), d1[0])
	}
	var units []string
	for _, r := range d1[1:] {
		units = append(units, r[3])
	}
	if !reflect.DeepEqual(units, []string{"市教育局", "市残联", "台山市人民政府", "市教育局", "市残联", "台山市人民政府"}) {
		t.Errorf("domain sheet order = %v", units)
	}
	// Row of 市教育局 on 义务教育: returned in 2014Q4, latest 2015Q1 submitted 60%, red.
	r := d1[4]
	want := map[int]string{1: "(一)2", 2: "义务教育", 4: "牵头单位", 5: "2015-12-31", 6: "", 7: "2015年第1季度", 8: "已报送", 9: "正常推进",
		10: "60", 12: "红灯", 13: "2014年第4季度报告退回后 83 天未重新报送", 14: "2015-04-02", 15: "待审核"}
	for col, w := range want {
		if r[col] != w {
			t.Errorf("row 义务教育/市教育局 col %d = %q, want %q", col, r[col], w)
		}
	}
	if !strings.Contains(r[11], "小学适龄儿童入学率 = 100%：100%") || !strings.Contains(r[11], "初中生年辍学率 ≤ 1.2%：1.3%") {
		t.Errorf("targets cell = %q", r[11])
	}
	// Formula injection: the text stays text.
	for _, c := range []struct{ sheet, cell, want string }{
		{"(一)公共教育", "C2", `=HYPERLINK("http://evil.example","点我")`},
		{"(二)就业保障", "C2", "@SUM(1+1)"},
	} {
		v, _ := x.GetCellValue(c.sheet, c.cell)
		fm, _ := x.GetCellFormula(c.sheet, c.cell)
		typ, _ := x.GetCellType(c.sheet, c.cell)
		if v != c.want || fm != "" || typ != excelize.CellTypeInlineString {
			t.Errorf("%s!%s = %q formula %q type %v", c.sheet, c.cell, v, fm, typ)
		}
		style, _ := x.GetCellStyle(c.sheet, c.cell)
		if st, err := x.GetStyle(style); err != nil || st.NumFmt != 49 {
			t.Errorf("%s!%s is not text-formatted: %+v %v", c.sheet, c.cell, st, err)
		}
	}
	// Frozen header.
	panes, err := x.GetPanes("(一)公共教育")
	if err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("panes = %+v %v", panes, err)
	}
	sum := testutil.SheetRows(t, x, "汇总")
	if sum[1][1] != f.Plan.Title {
		t.Errorf("summary plan = %v", sum[1])
	}
	last := sum[len(sum)-2] // above the totals row
	if !reflect.DeepEqual(last, []string{"(二) 就业保障", "1", "2", "0", "0", "0", "2", "0"}) {
		t.Errorf("summary of 就业保障 = %v", last)
	}

	// Filters apply, and unit users only get their rows.
	x = testutil.XLSX(t, rev.Get("/ledger.xlsx?light=red"))
	if got := x.GetSheetList(); len(got) != 2 || len(testutil.SheetRows(t, x, got[1])) != 3 {
		t.Errorf("red export: sheets %v", got)
	}
	x = testutil.XLSX(t, p.Login("taishan").Get(fmt.Sprintf("/ledger.xlsx?unit=%d", f.Units[figurestest.Edu])))
	total := 0
	for _, s := range x.GetSheetList()[1:] {
		for _, r := range testutil.SheetRows(t, x, s)[1:] {
			total++
			if r[3] != figurestest.Taishan {
				t.Errorf("taishan's export has a row of %s", r[3])
			}
		}
	}
	if total != 3 {
		t.Errorf("taishan's export rows = %d, want 3", total)
	}
}

func TestMeasureHistoryExport(t *testing.T) {
	p, f, _ := figurestest.Start(t)
	m2 := f.Measures[1].ID
	path := fmt.Sprintf("/measures/%d/history.xlsx", m2)
	tests := []struct {
		who              string
		reports, reviews int
	}{
		{"duchashi", 7, 6},
		{"lingdao", 7, 6},
		{"taishan", 3, 3},
		{"canlian", 1, 1},
		{"jiaoyuju", 3, 2},
	}
	for _, tt := range tests {
		t.Run(tt.who, func(t *testing.T) {
			x := testutil.XLSX(t, p.Login(tt.who).Get(path))
			reps := testutil.SheetRows(t, x, "报告记录")
			revs := testutil.SheetRows(t, x, "审核记录")
			if len(reps)-2 != tt.reports || len(revs)-1 != tt.reviews {
				t.Errorf("reports %d reviews %d, want %d %d", len(reps)-2, len(revs)-1, tt.reports, tt.reviews)
			}
			if reps[1][9] != "小学适龄儿童入学率（= 100%）" {
				t.Errorf("target header = %v", reps[1])
			}
		})
	}
	x := testutil.XLSX(t, p.Login("duchashi").Get(path))
	reps := testutil.SheetRows(t, x, "报告记录")
	// 2014Q3 first, lead first: 市教育局 reported 98 and 1.5.
	if r := reps[2]; r[0] != "2014年第3季度" || r[1] != "市教育局" || r[9] != "98" || r[10] != "1.5" {
		t.Errorf("first report row = %v", r)
	}
	revs := testutil.SheetRows(t, x, "审核记录")
	found := false
	for _, r := range revs {
		if len(r) > 4 && r[3] == "退回" && r[4] == "数据不完整" {
			found = true
		}
	}
	if !found {
		t.Errorf("the return with its reason is missing: %v", revs)
	}
	// A unit that is not assigned to the measure gets a 404.
	if res := p.Login("jiaoyuju").Get(fmt.Sprintf("/measures/%d/history.xlsx", f.Measures[2].ID)); res.StatusCode != http.StatusNotFound {
		t.Errorf("unassigned unit = %d, want 404", res.StatusCode)
	}
	if res := p.Login("duchashi").Get("/measures/999999/history.xlsx"); res.StatusCode != http.StatusNotFound {
		t.Errorf("unknown measure = %d", res.StatusCode)
	}
}

func TestIndicatorTable(t *testing.T) {
	p, _, _ := figurestest.Start(t)
	doc := page(t, p.Login("lingdao"), "/indicators", http.StatusOK)
	groups := doc.Find(".indicator-group")
	if groups.Length() != 2 || cellText(groups.First().Find("h2")) != "(一) 公共教育" {
		t.Fatalf("groups = %d", groups.Length())
	}
	var got []string
	doc.Find(".indicator-row").Each(func(_ int, r *goquery.Selection) {
		got = append(got, strings.Join([]string{cellText(r.Find("td").Eq(1)), cellText(r.Find(".actual")), cellText(r.Find(".ind-status")),
			cellText(r.Find(".reporter").Contents().First()) + " " + cellText(r.Find(".reporter .muted"))}, " | "))
	})
	want := []string{
		"学前三年毛入园率 | 89% | 落后序时进度 | 市教育局 2015年第1季度 · 2015-04-01",
		"小学适龄儿童入学率 | 100% | 已达标 | 市教育局 2015年第1季度 · 2015-04-02",
		"初中生年辍学率 | 1.3% | 符合序时进度 | 市教育局 2015年第1季度 · 2015-04-02",
		"城镇新增就业残疾人 | 620名 | 已达标 | 市残联 2015年第1季度 · 2015-04-01",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("indicators =\n%s", strings.Join(got, "\n"))
	}
	if path := cellText(doc.Find(".indicator-row").First().Find("td").Eq(4)); path != "90%" {
		t.Errorf("T1 path = %q", path)
	}
	if res := p.Login("taishan").Get("/indicators"); res.StatusCode != http.StatusForbidden {
		t.Errorf("unit user on /indicators = %d, want 403", res.StatusCode)
	}
}

func TestScorecardSorting(t *testing.T) {
	p, _, _ := figurestest.Start(t)
	c := p.Login("duchashi")
	units := func(doc *goquery.Document) []string {
		var out []string
		doc.Find(".score-row .unit-name").Each(func(_ int, s *goquery.Selection) { out = append(out, cellText(s)) })
		return out
	}
	doc := page(t, c, "/scorecard", http.StatusOK)
	row := doc.Find(".score-row").FilterFunction(func(_ int, s *goquery.Selection) bool { return cellText(s.Find(".unit-name")) == figurestest.Edu })
	if got := cellText(row.Find(".on-time")) + " | " + cellText(row.Find(".return-rate")) + " | " + cellText(row.Find(".outstanding")) + " | " + cellText(row.Find(".closed")); got != "75% (3/4) | 25% (1/4) | 1 | 0/2" {
		t.Errorf("市教育局 = %q", got)
	}
	tests := []struct {
		sort string
		want []string
	}{
		{"on_time", []string{figurestest.Disabled, figurestest.Edu, figurestest.Taishan}},
		{"-on_time", []string{figurestest.Taishan, figurestest.Edu, figurestest.Disabled}},
		{"-return", []string{figurestest.Edu, figurestest.Taishan, figurestest.Disabled}},
		{"outstanding", []string{figurestest.Taishan, figurestest.Edu, figurestest.Disabled}},
		{"-closed", []string{figurestest.Disabled, figurestest.Taishan, figurestest.Edu}},
	}
	for _, tt := range tests {
		t.Run(tt.sort, func(t *testing.T) {
			doc := page(t, c, "/scorecard?sort="+url.QueryEscape(tt.sort), http.StatusOK)
			if got := units(doc); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("order = %v, want %v", got, tt.want)
			}
			key := strings.TrimPrefix(tt.sort, "-")
			th := doc.Find("th[aria-sort=ascending], th[aria-sort=descending]")
			if th.Length() != 1 || !strings.Contains(th.Find("a").AttrOr("href", ""), key) {
				t.Errorf("sorted header: %d %q", th.Length(), th.Find("a").AttrOr("href", ""))
			}
		})
	}
	// Anything off the allow-list is the default order, not an error.
	def := units(page(t, c, "/scorecard", http.StatusOK))
	for _, bad := range []string{"name;DROP TABLE units", "-", "unit_id", "1"} {
		if got := units(page(t, c, "/scorecard?sort="+url.QueryEscape(bad), http.StatusOK)); !reflect.DeepEqual(got, def) {
			t.Errorf("sort=%q gives %v", bad, got)
		}
	}
	page(t, c, "/scorecard?plan=all", http.StatusOK)
	if res := p.Login("canlian").Get("/scorecard"); res.StatusCode != http.StatusForbidden {
		t.Errorf("unit user on /scorecard = %d, want 403", res.StatusCode)
	}
}

func TestLightRulesAdmin(t *testing.T) {
	p, _, _ := figurestest.Start(t)
	admin := p.Login("admin")
	doc := page(t, admin, "/admin/lights", http.StatusOK)
	if v, _ := doc.Find("#due_soon_days").Attr("value"); v != "3" {
		t.Fatalf("due_soon_days = %q", v)
	}
	if doc.Find(`form[action="/admin/lights"] input[name=_csrf]`).Length() != 1 {
		t.Fatal("form without CSRF token")
	}
	// Bad input: 422, what was typed, field errors; nothing saved.
	res := admin.PostForm("/admin/lights", url.Values{"return_grace_days": {"abc"}, "due_soon_days": {"99"}, "behind_points": {""}, "measure_rule": {"best"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("invalid rules = %d, want 422", res.StatusCode)
	}
	checkPage(t, "POST /admin/lights", res.Body)
	doc = res.Doc(t)
	for id, want := range map[string]string{"return_grace_days": "abc", "due_soon_days": "99", "behind_points": ""} {
		if v, _ := doc.Find("#" + id).Attr("value"); v != want {
			t.Errorf("%s re-rendered as %q, want %q", id, v, want)
		}
		if doc.Find("#"+id+"-error").Length() != 1 {
			t.Errorf("%s has no error", id)
		}
	}
	if doc.Find("#measure_rule-error").Length() != 1 {
		t.Error("an unknown measure rule has no error")
	}
	if r, _ := p.App.Store.LightRules(t.Context()); r.DueSoonDays != 3 {
		t.Fatalf("invalid form saved rules: %+v", r)
	}
	// Valid input is saved and changes the lights: with one day of warning
	// 台山 on 学前教育 (2015Q1 due in two days) is no longer yellow.
	before := cellText(page(t, admin, "/", http.StatusOK).Find(".light-table tr.light-row-yellow td").Eq(1))
	if !strings.Contains(cellText(page(t, admin, "/", http.StatusOK).Find(".rule-note")), "按牵头单位认定") {
		t.Error("the overview does not say the lead rule is in force")
	}
	res = admin.PostForm("/admin/lights", url.Values{"return_grace_days": {"5"}, "due_soon_days": {"1"}, "behind_points": {"10"}, "measure_rule": {"worst"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin/lights" {
		t.Fatalf("save = %d → %s", res.StatusCode, res.Header.Get("Location"))
	}
	if r, _ := p.App.Store.LightRules(t.Context()); r.DueSoonDays != 1 || r.MeasureRule != "worst" {
		t.Fatalf("rules not saved: %+v", r)
	}
	doc = page(t, admin, "/admin/lights", http.StatusOK)
	if cellText(doc.Find(".flash-ok")) == "" {
		t.Error("no confirmation after saving")
	}
	if !strings.Contains(cellText(page(t, admin, "/", http.StatusOK).Find(".rule-note")), "最差者") {
		t.Error("the overview does not say the worst-unit rule is in force")
	}
	after := cellText(page(t, admin, "/", http.StatusOK).Find(".light-table tr.light-row-yellow td").Eq(1))
	if before != "3" || after != "2" {
		t.Errorf("yellow assignments %s → %s, want 3 → 2", before, after)
	}
	if n := p.Count(&model.AuditEvent{}, "action = ?", "settings.light_rules"); n != 1 {
		t.Errorf("audit entries = %d", n)
	}
	for _, who := range []string{"duchashi", "lingdao", "taishan"} {
		c := p.Login(who)
		if res := c.Get("/admin/lights"); res.StatusCode != http.StatusForbidden {
			t.Errorf("%s GET /admin/lights = %d", who, res.StatusCode)
		}
		if res := c.PostForm("/admin/lights", url.Values{"due_soon_days": {"9"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("%s POST /admin/lights = %d", who, res.StatusCode)
		}
	}
}

func TestPrintViews(t *testing.T) {
	p, f, _ := figurestest.Start(t)
	rev := p.Login("duchashi")
	doc := page(t, rev, "/print/overview", http.StatusOK)
	if doc.Find("header.site-header, nav.main-nav").Length() != 0 {
		t.Error("the print view has the navigation")
	}
	if doc.Find(`form[action="/prompts"]`).Length() != 0 {
		t.Error("the print view has 催办 forms")
	}
	if media, _ := doc.Find(`link[href*="print.css"]`).Attr("media"); media != "print" {
		t.Errorf("print.css media = %q", media)
	}
	if got := cellText(doc.Find(".stat-red .value")); got != "1" {
		t.Errorf("print overview red = %q", got)
	}
	if doc.Find(".attention-table tbody tr").Length() != 5 {
		t.Error("print overview lacks the attention list")
	}
	m3 := fmt.Sprintf("/print/measures/%d", f.Measures[2].ID)
	doc = page(t, rev, m3, http.StatusOK)
	if !strings.Contains(cellText(doc.Find(".source-text")), "城镇新增就业残疾人600名") || doc.Find(".ledger-table tr.ledger-row").Length() != 2 {
		t.Errorf("measure print: source %q, rows %d", cellText(doc.Find(".source-text")), doc.Find(".ledger-table tr.ledger-row").Length())
	}
	if got := cellText(doc.Find(".history-grid tbody tr").First()); got != "市残联 已审核通过 30% 已审核通过 60% 已审核通过 100%" {
		t.Errorf("history grid = %q", got)
	}
	doc = page(t, p.Login("taishan"), m3, http.StatusOK)
	if doc.Find(".ledger-table tr.ledger-row").Length() != 1 || cellText(doc.Find(".ledger-table .unit-cell a")) != figurestest.Taishan {
		t.Error("taishan's measure print shows other units")
	}
	page(t, p.Login("jiaoyuju"), m3, http.StatusNotFound)
	if res := p.Login("taishan").Get("/print/overview"); res.StatusCode != http.StatusForbidden {
		t.Errorf("unit user on /print/overview = %d", res.StatusCode)
	}
}

func TestDashboardsWithoutPlans(t *testing.T) {
	p := testutil.Start(t, testutil.DemoWithoutPlan())
	c := p.Login("duchashi")
	for _, path := range []string{"/", "/ledger", "/indicators", "/scorecard"} {
		doc := page(t, c, path, http.StatusOK)
		if !strings.Contains(doc.Text(), "尚未导入实施方案") {
			t.Errorf("%s does not say that there is no plan", path)
		}
	}
	for _, path := range []string{"/ledger.xlsx", "/print/overview"} {
		if res := c.Get(path); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s = %d, want 404", path, res.StatusCode)
		}
	}
	if res := p.Login("taishan").Get("/ledger"); res.StatusCode != http.StatusOK {
		t.Errorf("unit /ledger = %d", res.StatusCode)
	}
}

// synthPlan adds a generated plan (the newest) with measures × units rows.
func synthPlan(t *testing.T, p *testutil.Portal, measures, units int) synth.Result {
	t.Helper()
	res, err := synth.Generate(t.Context(), p.App.Store, synth.Options{Units: units, Plans: 1, Measures: measures,
		UnitsPerMeasure: units, Periods: 4, Now: p.Clock.Now(), Seed: 1, Tag: fmt.Sprintf("T%d", measures)})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestDashboardsOnPostgres runs the pages whose queries differ by dialect
// (search escaping, the history export, the generator's bulk inserts) on
// PostgreSQL.
func TestDashboardsOnPostgres(t *testing.T) {
	p := testutil.Start(t, testutil.DemoWithoutPlan(), testutil.WithDB(testutil.PostgresURL(t)))
	f, _ := figurestest.Scenario(t, p.App.Store)
	rev := p.Login("duchashi")
	doc := page(t, rev, "/", http.StatusOK)
	if got := cellText(doc.Find(".stat-red .value")) + cellText(doc.Find(".stat-rate .value")); got != "163%" {
		t.Errorf("overview red + rate = %q", got)
	}
	if n := len(ledgerRows(page(t, rev, "/ledger?q=%25", http.StatusOK))); n != 6 {
		t.Errorf("search for a literal %% = %d rows, want 6", n)
	}
	if n := len(ledgerRows(page(t, rev, "/ledger?q=_", http.StatusOK))); n != 0 {
		t.Errorf("search for a literal _ = %d rows, want 0", n)
	}
	x := testutil.XLSX(t, rev.Get(fmt.Sprintf("/measures/%d/history.xlsx", f.Measures[1].ID)))
	if n := len(testutil.SheetRows(t, x, "报告记录")) - 2; n != 7 {
		t.Errorf("history rows = %d, want 7", n)
	}
	testutil.XLSX(t, rev.Get("/ledger.xlsx"))
	if n := len(ledgerRows(page(t, p.Login("taishan"), "/ledger", http.StatusOK))); n != 3 {
		t.Errorf("taishan rows = %d", n)
	}
	res := synthPlan(t, p, 4, 3)
	if res.Reports == 0 || res.Attachments == 0 {
		t.Fatalf("synth on PostgreSQL: %s", res)
	}
	if n := len(ledgerRows(page(t, rev, "/ledger", http.StatusOK))); n != 12 {
		t.Errorf("generated plan rows = %d, want 12", n)
	}
	page(t, rev, "/?plan=all", http.StatusOK)
	page(t, rev, "/scorecard?plan=all", http.StatusOK)
}
