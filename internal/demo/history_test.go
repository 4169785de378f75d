package demo_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"duban/internal/clock"
	"duban/internal/demo"
	"duban/internal/evidence"
	"duban/internal/model"
	"duban/internal/store"
	"duban/internal/store/db"
	"duban/internal/testutil"
)

type summary struct {
	states    map[string]int
	returned  int // reviews that returned a report
	versions  int
	prompts   int
	closed    int
	files     int
	audit     int64
	signature string
}

func seed(t *testing.T, opts ...testutil.Option) (*testutil.Portal, summary) {
	t.Helper()
	p := testutil.Start(t, append([]testutil.Option{testutil.DemoWithoutPlan()}, opts...)...)
	st := p.App.Store
	f := testutil.SeedFixture(t, st)
	files := evidence.NewLocal(p.Config.AttachmentsDir())
	ctx := context.Background()
	now := p.Clock.Now()
	start := time.Now()
	if err := demo.SeedHistory(ctx, st, files, now); err != nil {
		t.Fatal(err)
	}
	t.Logf("history written in %v", time.Since(start).Round(time.Millisecond))
	db := p.App.DB.W
	s := summary{states: map[string]int{}}
	var reps []model.Report
	db.Order("assignment_id, period_id").Find(&reps)
	var sig strings.Builder
	for _, r := range reps {
		s.states[r.State]++
		fmt.Fprintf(&sig, "%d/%d:%s:%d:%s;", r.AssignmentID, r.PeriodID, r.State, r.Percent, r.ProgressState)
		if r.SubmittedAt != nil && r.SubmittedAt.After(now) {
			t.Errorf("report %d submitted in the future: %s", r.ID, r.SubmittedAt)
		}
	}
	s.signature = sig.String()
	var n int64
	db.Model(&model.Review{}).Where("decision = ?", "return").Count(&n)
	s.returned = int(n)
	db.Model(&model.ReportVersion{}).Count(&n)
	s.versions = int(n)
	db.Model(&model.Prompt{}).Count(&n)
	s.prompts = int(n)
	db.Model(&model.Measure{}).Where("plan_id = ? AND closed_at IS NOT NULL", f.Plan.ID).Count(&n)
	s.closed = int(n)
	db.Model(&model.Attachment{}).Count(&n)
	s.files = int(n)
	db.Model(&model.AuditEvent{}).Count(&s.audit)
	return p, s
}

func TestSeedHistory(t *testing.T) {
	p, s := seed(t)
	t.Logf("states %v, %d returns, %d versions, %d prompts, %d closed, %d files", s.states, s.returned, s.versions, s.prompts, s.closed, s.files)
	if s.states[model.ReportApproved] == 0 || s.states[model.ReportSubmitted]+s.states[model.ReportDraft] == 0 {
		t.Errorf("states %v: want approved and pending reports", s.states)
	}
	if s.returned == 0 || s.prompts == 0 || s.closed != 1 || s.files == 0 {
		t.Errorf("returns %d, prompts %d, closed %d, files %d", s.returned, s.prompts, s.closed, s.files)
	}
	total := 0
	for _, n := range s.states {
		total += n
	}
	// 8 assignments × 3 periods due by the demo date: most, not all, report.
	if total < 12 || total >= 24 {
		t.Errorf("%d reports for 8 assignments over three periods", total)
	}
	ctx := context.Background()
	st := p.App.Store
	if id, n, err := st.VerifyAudit(ctx); id != 0 || err != nil || n != s.audit {
		t.Fatalf("audit chain: broken at %d after %d, %v", id, n, err)
	}
	// The history is in the past and marked as generated.
	var late int64
	p.App.DB.W.Model(&model.AuditEvent{}).Where("client_addr = ? AND at > ?", "demo-history", p.Clock.Now().UTC()).Count(&late)
	if late != 0 {
		t.Fatalf("%d history entries after the demo date", late)
	}
	// Every attachment has its file.
	var atts []model.Attachment
	p.App.DB.W.Find(&atts)
	for _, a := range atts {
		fi, err := os.Stat(filepath.Join(p.Config.AttachmentsDir(), filepath.FromSlash(a.StorageKey)))
		if err != nil || fi.Size() != a.Size {
			t.Fatalf("attachment %d (%s): %v", a.ID, a.Name, err)
		}
	}
	// Idempotent: a second run changes nothing.
	if err := demo.SeedHistory(ctx, st, evidence.NewLocal(p.Config.AttachmentsDir()), p.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	var audit int64
	p.App.DB.W.Model(&model.AuditEvent{}).Count(&audit)
	if audit != s.audit {
		t.Fatalf("second run wrote %d audit entries", audit-s.audit)
	}
	// The pages of the history render for every role.
	for _, u := range []string{"duchashi", "jiaoyuju", "canlian", "taishan", "lingdao"} {
		c := p.Login(u)
		for _, path := range []string{"/", "/inbox", "/supervision", "/todo"} {
			res := c.Get(path)
			if res.StatusCode != 200 && res.StatusCode != 403 {
				t.Errorf("%s %s = %d", u, path, res.StatusCode)
			}
		}
	}
	var reps []model.Report
	p.App.DB.W.Find(&reps)
	c := p.Login("duchashi")
	for _, r := range reps {
		if r.VersionNo == 0 {
			continue
		}
		if res := c.Get(fmt.Sprintf("/reports/%d", r.ID)); res.StatusCode != 200 {
			t.Errorf("report %d = %d", r.ID, res.StatusCode)
		}
	}
}

// TestSeedHistoryPostgres writes the same history on PostgreSQL.
func TestSeedHistoryPostgres(t *testing.T) {
	_, a := seed(t)
	_, b := seed(t, testutil.WithDB(testutil.PostgresURL(t)))
	if a.signature != b.signature || a.audit != b.audit {
		t.Fatalf("SQLite and PostgreSQL histories differ:\n%s\n%s", a.signature, b.signature)
	}
}

func TestSeedHistoryIsDeterministic(t *testing.T) {
	_, a := seed(t)
	_, b := seed(t)
	if a.signature != b.signature || a.prompts != b.prompts || a.returned != b.returned {
		t.Fatalf("two runs differ:\n%s\n%s", a.signature, b.signature)
	}
}

// TestSeedHistoryAtScale runs the history on a plan of Jiangmen's size:
// ten domains, 120 measures, the seven district governments on many of
// them, most units without a demo account.
func TestSeedHistoryAtScale(t *testing.T) {
	p := testutil.Start(t, testutil.DemoWithoutPlan())
	st := p.App.Store
	ctx := context.Background()
	if err := st.WithTx(ctx, func(ctx context.Context) error {
		var depts, districts []int64
		for i := 0; i < 25; i++ {
			u, err := st.EnsureUnit(ctx, fmt.Sprintf("市测试局%02d", i), model.UnitDepartment, true)
			if err != nil {
				return err
			}
			depts = append(depts, u.ID)
		}
		for _, d := range demo.Districts {
			u, err := st.EnsureUnit(ctx, demo.DistrictUnitName(d), model.UnitDistrict, true)
			if err != nil {
				return err
			}
			districts = append(districts, u.ID)
		}
		edu, _ := st.EnsureUnit(ctx, "市教育局", model.UnitDepartment, true)
		cl, _ := st.EnsureUnit(ctx, "市残联", model.UnitDepartment, true)
		depts = append([]int64{edu.ID, cl.ID}, depts...)
		day := func(s string) time.Time { d, _ := time.ParseInLocation(time.DateOnly, s, clock.Zone); return d }
		np := &store.NewPlan{Plan: model.Plan{Title: "规模测试方案", StartOn: day("2014-06-17"), EndOn: day("2015-12-31"), Demo: true}}
		for d := 0; d < 10; d++ {
			nd := store.NewDomain{Domain: model.Domain{Label: fmt.Sprintf("(%d)", d+1), Title: fmt.Sprintf("领域%d", d+1)}}
			for m := 0; m < 12; m++ {
				k := d*12 + m
				nm := store.NewMeasure{Measure: model.Measure{Label: fmt.Sprintf("%d.", m+1), Title: fmt.Sprintf("任务%d", k+1)}}
				nm.Assignments = append(nm.Assignments, store.NewAssignment{UnitID: depts[k%len(depts)], Role: model.AssignLead})
				if k%3 == 0 {
					for _, id := range districts {
						nm.Assignments = append(nm.Assignments, store.NewAssignment{UnitID: id, Role: model.AssignResponsible})
					}
				} else {
					nm.Assignments = append(nm.Assignments, store.NewAssignment{UnitID: depts[(k+7)%len(depts)], Role: model.AssignResponsible})
				}
				if k%2 == 0 {
					nm.Targets = []model.Target{{Text: "指标", Indicator: fmt.Sprintf("指标%d", k), Op: ">=", Value: 90, Unit: "%", Year: 2015}}
				}
				nd.Measures = append(nd.Measures, nm)
			}
			np.Domains = append(np.Domains, nd)
		}
		return st.CreatePlan(ctx, np)
	}); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := demo.SeedHistory(ctx, st, evidence.NewLocal(p.Config.AttachmentsDir()), p.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	var states []struct {
		State string
		N     int
	}
	p.App.DB.W.Model(&model.Report{}).Select("state, count(*) AS n").Group("state").Order("state").Scan(&states)
	var reports, audit, files int64
	p.App.DB.W.Model(&model.Report{}).Count(&reports)
	p.App.DB.W.Model(&model.AuditEvent{}).Count(&audit)
	p.App.DB.W.Model(&model.Attachment{}).Count(&files)
	t.Logf("%d reports %v, %d audit entries, %d files in %v", reports, states, audit, files, took.Round(time.Millisecond))
	got := map[string]int{}
	for _, s := range states {
		got[s.State] = s.N
	}
	for _, s := range []string{model.ReportDraft, model.ReportSubmitted, model.ReportReturned, model.ReportApproved} {
		if got[s] == 0 {
			t.Errorf("no %s report in a plan of 120 measures", s)
		}
	}
	var closed int64
	p.App.DB.W.Model(&model.Measure{}).Where("closed_at IS NOT NULL").Count(&closed)
	if closed != 2 {
		t.Errorf("%d measures closed, want 2", closed)
	}
	if took > 60*time.Second {
		t.Errorf("the history took %v", took)
	}
	// Pages over the whole plan cost a fixed number of queries, not one
	// per row (the one facts loader is a dozen of them; a unit's pages load
	// its facts once, for the badge and the page).
	var queries atomic.Int64
	err := p.App.DB.Observe("test", func(st db.Statement) {
		if st.Kind == "query" || st.Kind == "row" {
			queries.Add(1)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	rv, unit := p.Login("duchashi"), p.Login("jiaoyuju")
	for _, pg := range []struct {
		c    *testutil.Client
		path string
		max  int64
	}{{rv, "/supervision", 30}, {rv, "/todo", 20}, {unit, "/", 30}, {unit, "/todo", 30}} {
		queries.Store(0)
		start := time.Now()
		res := pg.c.Get(pg.path)
		took := time.Since(start)
		if res.StatusCode != 200 {
			t.Fatalf("%s = %d", pg.path, res.StatusCode)
		}
		t.Logf("GET %s: %d queries, %v, %d KB", pg.path, queries.Load(), took.Round(time.Millisecond), len(res.Body)/1024)
		if queries.Load() > pg.max {
			t.Errorf("GET %s ran %d queries (at most %d expected)", pg.path, queries.Load(), pg.max)
		}
		if pg.path == "/supervision" && (!strings.Contains(res.Body, "light-red") || !strings.Contains(res.Body, "light-yellow")) {
			t.Fatal("supervision has no red and yellow rows")
		}
	}
}
