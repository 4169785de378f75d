package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"duban/internal/testutil"
)

// TestFullDemo starts the portal as `serve --demo` does — the Jiangmen plan
// and its reporting history up to 2015-04-03 — and walks every role's main
// pages: each answers, speaks Chinese, and has real figures to show.
func TestFullDemo(t *testing.T) {
	p := testutil.Start(t, testutil.WithDemoHistory())
	rev := p.Login("duchashi")
	res := rev.Get("/")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("reviewer overview = %d", res.StatusCode)
	}
	doc := res.Doc(t)
	if !strings.Contains(doc.Find("main").Text(), "江门市全面深化基本公共服务均等化综合改革试点方案") {
		t.Fatal("the overview does not show the Jiangmen plan")
	}
	// Some reports are in, some returned, some overdue: the overview is not
	// all one colour.
	lights := doc.Find(".light-red, .light-yellow, .light-green, .light-blue")
	seen := map[string]bool{}
	lights.Each(func(_ int, s *goquery.Selection) {
		for _, c := range []string{"light-red", "light-yellow", "light-green", "light-blue"} {
			if s.HasClass(c) {
				seen[c] = true
			}
		}
	})
	if len(seen) < 3 {
		t.Errorf("overview lights %v: the demo history should show at least three colours", seen)
	}
	for _, path := range []string{"/supervision", "/indicators", "/scorecard", "/ledger", "/plans", "/todo", "/inbox"} {
		if res := rev.Get(path); res.StatusCode != http.StatusOK {
			t.Errorf("reviewer %s = %d", path, res.StatusCode)
		}
	}

	// The lead unit has co-unit inputs or its own reports to do.
	edu := p.Login("jiaoyuju")
	res = edu.Get("/")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("lead unit dashboard = %d", res.StatusCode)
	}
	if !strings.Contains(res.Body, "市教育局") {
		t.Error("the lead unit's dashboard does not name its unit")
	}
	// Measures are cited as the plan does, (一)3, not as a bare "3.".
	if !strings.Contains(edu.Get("/todo").Doc(t).Find("main").Text(), "(一)3 推进九年义务教育均衡发展") {
		t.Error("the to-do list does not cite measures with their domain label")
	}
	// The district sees its assignments across domains.
	ts := p.Login("taishan")
	doc = ts.Get("/ledger").Doc(t)
	rows := doc.Find("table tbody tr").Length()
	if rows < 20 {
		t.Errorf("台山市 ledger has %d rows; it is assigned across most domains", rows)
	}
	if strings.Contains(doc.Find("main").Text(), "蓬江区人民政府") {
		t.Error("the district sees another district's rows")
	}
}
