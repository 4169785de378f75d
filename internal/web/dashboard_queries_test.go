package web_test

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"duban/internal/figures/figurestest"
	"duban/internal/store/db"
	"duban/internal/synth"
	"duban/internal/testutil"
)

// countQueries counts every statement the portal sends to the database
// through GORM (both handles).
func countQueries(t *testing.T, p *testutil.Portal) *atomic.Int64 {
	t.Helper()
	n := &atomic.Int64{}
	if err := p.App.DB.Observe("dashtest", func(db.Statement) { n.Add(1) }); err != nil {
		t.Fatal(err)
	}
	return n
}

// dashboardQueryCounts seeds the scenario plus a generated dataset scaled
// by factor and returns the number of queries each page costs.
func dashboardQueryCounts(t *testing.T, factor int) (map[string]int64, synth.Result) {
	t.Helper()
	p := testutil.Start(t, testutil.DemoWithoutPlan())
	figurestest.Scenario(t, p.App.Store)
	res, err := synth.Generate(t.Context(), p.App.Store, synth.Options{Units: 10 * factor, Plans: 2 * factor, Measures: 8 * factor,
		UnitsPerMeasure: 3, Periods: 4, Now: p.Clock.Now(), Seed: 7, Tag: fmt.Sprintf("Q%d", factor)})
	if err != nil {
		t.Fatal(err)
	}
	plans, _ := p.App.Store.ListPlans(t.Context())
	ms, _ := p.App.Store.MeasuresOf(t.Context(), plans[0].ID)
	m := ms[len(ms)-1].ID
	n := countQueries(t, p)
	out := map[string]int64{}
	for _, who := range []string{"duchashi", "taishan"} {
		c := p.Login(who)
		paths := []string{"/ledger", "/ledger?light=red&q=%E4%BB%BB%E5%8A%A1", "/ledger.xlsx",
			"/measures/M/history.xlsx", "/print/measures/M"}
		if who == "duchashi" {
			paths = append(paths, "/", "/?plan=all", "/indicators", "/scorecard", "/scorecard?plan=all", "/print/overview?plan=all")
		}
		for _, key := range paths {
			path := strings.Replace(key, "M", fmt.Sprint(m), 1) // the newest plan's last measure
			c.Get(path)                                         // warm up the session
			n.Store(0)
			res := c.Get(path)
			want := http.StatusOK
			if who == "taishan" && !strings.HasPrefix(path, "/ledger") {
				want = http.StatusNotFound // the generated measures are not assigned to 台山
			}
			if res.StatusCode != want {
				t.Fatalf("%s GET %s = %d, want %d", who, path, res.StatusCode, want)
			}
			out[who+" "+key] = n.Load()
		}
	}
	return out, res
}

// TestDashboardQueriesDoNotGrowWithData runs every dashboard on the
// scenario with a small generated dataset and again with one five times
// larger in every dimension: the number of queries must be the same.
func TestDashboardQueriesDoNotGrowWithData(t *testing.T) {
	small, rs := dashboardQueryCounts(t, 1)
	large, rl := dashboardQueryCounts(t, 5)
	if rl.Reports < 20*rs.Reports {
		t.Fatalf("the large dataset is not larger: %d vs %d reports", rl.Reports, rs.Reports)
	}
	for _, path := range slices.Sorted(maps.Keys(small)) {
		n := small[path]
		if large[path] != n {
			t.Errorf("%s: %d queries with %d reports, %d with %d", path, n, rs.Reports, large[path], rl.Reports)
		}
		// 32: the facts loader's query of leaders' instructions (领导批示)
		// joined the dozen it runs on every dashboard.
		if n > 32 {
			t.Errorf("%s: %d queries", path, n)
		}
		t.Logf("%-45s %d queries", path, n)
	}
}
