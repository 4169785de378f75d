package figures_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"duban/internal/figures"
	"duban/internal/figures/figurestest"
	"duban/internal/rules"
	"duban/internal/testutil"
)

func load(t *testing.T, p *testutil.Portal, sc figures.Scope) *figures.Snapshot {
	t.Helper()
	snap, err := figures.Load(context.Background(), p.App.Store, sc, p.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

func TestLightsOfTheScenario(t *testing.T) {
	checkLightsOfTheScenario(t, testutil.Start(t, testutil.DemoWithoutPlan()))
}

func checkLightsOfTheScenario(t *testing.T, p *testutil.Portal) {
	f, _ := figurestest.Scenario(t, p.App.Store)
	snap := load(t, p, figures.Scope{PlanID: f.Plan.ID})
	e := figurestest.Expect

	want := []struct {
		light   rules.Light
		reasons []string
	}{
		{rules.Yellow, []string{rules.KindTargetOffPath}},
		{rules.Green, []string{rules.KindOnTrack}},
		{rules.Yellow, []string{rules.KindDueSoon}},
		{rules.Red, []string{rules.KindReturnedStale}},
		{rules.Red, []string{rules.KindOverdue, rules.KindDueSoon}},
		{rules.Yellow, []string{rules.KindDueSoon, rules.KindBehindState}},
		{rules.Blue, []string{rules.KindClosed}},
		{rules.Blue, []string{rules.KindClosed}},
	}
	if len(snap.Assignments) != len(want) {
		t.Fatalf("assignments = %d, want %d", len(snap.Assignments), len(want))
	}
	for i, w := range want {
		a := snap.Assignments[i]
		t.Run(fmt.Sprintf("A%d %s", i+1, a.Unit.Name), func(t *testing.T) {
			var kinds []string
			for _, r := range a.Status.Reasons {
				kinds = append(kinds, r.Kind)
			}
			if a.Status.Light != w.light || !reflect.DeepEqual(kinds, w.reasons) {
				t.Errorf("light %s %+v, want %s %v", a.Status.Light, a.Status.Reasons, w.light, w.reasons)
			}
		})
	}
	mc := snap.MeasureLights()
	if mc.Red != e.MeasureRed || mc.Yellow != e.MeasureYellow || mc.Blue != e.MeasureBlue || mc.Total != 3 {
		t.Errorf("measure lights %+v", mc)
	}
	ac := snap.AssignmentLights()
	if ac.Red != e.AsgRed || ac.Yellow != e.AsgYellow || ac.Green != e.AsgGreen || ac.Blue != e.AsgBlue {
		t.Errorf("assignment lights %+v", ac)
	}
	if snap.Assignments[4].OpenPrompts != 1 {
		t.Errorf("A5 open prompts = %d, want 1", snap.Assignments[4].OpenPrompts)
	}
}

func TestDomainGroupsAndRates(t *testing.T) {
	checkDomainGroupsAndRates(t, testutil.Start(t, testutil.DemoWithoutPlan()))
}

func checkDomainGroupsAndRates(t *testing.T, p *testutil.Portal) {
	f, _ := figurestest.Scenario(t, p.App.Store)
	snap := load(t, p, figures.Scope{PlanID: f.Plan.ID})
	e := figurestest.Expect

	gs := snap.DomainGroups()
	if len(gs) != 2 {
		t.Fatalf("domain groups = %d", len(gs))
	}
	if gs[0].Domain.Title != "公共教育" || gs[0].Counts.Red != 1 || gs[0].Counts.Yellow != 1 || gs[0].Completion != e.D1Completion {
		t.Errorf("D1 = %+v completion %v", gs[0].Counts, gs[0].Completion)
	}
	if gs[1].Counts.Blue != 1 || gs[1].Completion != e.D2Completion {
		t.Errorf("D2 = %+v completion %v", gs[1].Counts, gs[1].Completion)
	}
	if tot := snap.Total(); tot.Completion != e.TotalCompletion || tot.Counts.Total != 3 {
		t.Errorf("total = %+v %v", tot.Counts, tot.Completion)
	}

	rates := snap.CurrentRates()
	got := map[string][2]int{}
	var order []string
	for _, r := range rates {
		got[r.Unit.Name] = [2]int{r.Submitted, r.Expected}
		order = append(order, r.Unit.Name)
	}
	if got[figurestest.Edu] != e.CurrentEdu || got[figurestest.Disabled] != e.CurrentDisabled || got[figurestest.Taishan] != e.CurrentTaishan {
		t.Errorf("current rates %v", got)
	}
	if !reflect.DeepEqual(order, []string{figurestest.Taishan, figurestest.Disabled, figurestest.Edu}) {
		t.Errorf("rates not lowest first: %v", order)
	}

	prs := snap.PeriodRates(0)
	if len(prs) != 3 || prs[0].Label != "2014Q3" || prs[2].Label != "2015Q1" {
		t.Fatalf("period rates %+v", prs)
	}
	for i, pr := range prs {
		if pr.Submitted != e.PeriodSubmitted[i] || pr.Expected != e.PeriodExpected[i] || pr.OnTime != e.PeriodOnTime[i] {
			t.Errorf("%s: %+v", pr.Label, pr.Rate)
		}
	}
	if last := snap.PeriodRates(2); len(last) != 2 || last[0].Label != "2014Q4" {
		t.Errorf("PeriodRates(2) = %+v", last)
	}
}

func TestAttentionAndChasePeriods(t *testing.T) {
	checkAttentionAndChasePeriods(t, testutil.Start(t, testutil.DemoWithoutPlan()))
}

func checkAttentionAndChasePeriods(t *testing.T, p *testutil.Portal) {
	f, _ := figurestest.Scenario(t, p.App.Store)
	snap := load(t, p, figures.Scope{PlanID: f.Plan.ID})
	list, total := snap.Attention(0)
	if total != 5 || len(list) != 5 {
		t.Fatalf("attention %d/%d", len(list), total)
	}
	var got []string
	for _, at := range list {
		mi := at.Assignment.Measure.Position - 1
		got = append(got, fmt.Sprintf("%d/%s", mi, at.Assignment.Unit.Name))
	}
	if !reflect.DeepEqual(got, figurestest.Expect.AttentionOrder) {
		t.Errorf("order %v", got)
	}
	// What a 催办 names: every owed period past due or due soon and not
	// handed in, earliest first (A1 has handed everything in).
	labels := func(at figures.Attention) string {
		var ls []string
		for _, c := range at.Assignment.Status.Chase {
			ls = append(ls, c.Period)
		}
		return strings.Join(ls, ",")
	}
	for i, want := range []string{"2014Q4", "2014Q4,2015Q1", "", "2015Q1", "2015Q1"} {
		if labels(list[i]) != want {
			t.Errorf("chase periods of %s = %q, want %q", got[i], labels(list[i]), want)
		}
	}
	short, total := snap.Attention(2)
	if len(short) != 2 || total != 5 {
		t.Errorf("limited attention %d/%d", len(short), total)
	}
}

func TestIndicatorsAndScorecard(t *testing.T) {
	checkIndicatorsAndScorecard(t, testutil.Start(t, testutil.DemoWithoutPlan()))
}

func checkIndicatorsAndScorecard(t *testing.T, p *testutil.Portal) {
	f, _ := figurestest.Scenario(t, p.App.Store)
	snap := load(t, p, figures.Scope{PlanID: f.Plan.ID})
	e := figurestest.Expect

	inds := snap.Indicators()
	if len(inds) != 4 {
		t.Fatalf("indicators = %d", len(inds))
	}
	want := []struct {
		status string
		actual float64
		unit   string
		period string
	}{
		{figures.IndicatorBehind, 89, figurestest.Edu, "2015Q1"},
		{figures.IndicatorMet, 100, figurestest.Edu, "2015Q1"},
		{figures.IndicatorOnPath, 1.3, figurestest.Edu, "2015Q1"},
		{figures.IndicatorMet, 620, figurestest.Disabled, "2015Q1"},
	}
	for i, w := range want {
		ind := inds[i]
		if ind.Status != w.status || ind.Actual != w.actual || ind.Reporter.Unit.Name != w.unit ||
			ind.Measure.Plan.Periods[ind.Period].Label != w.period {
			t.Errorf("indicator %d %s: %s %v by %s", i, ind.Target.Indicator, ind.Status, ind.Actual, ind.Reporter.Unit.Name)
		}
	}
	// T1's path: 88 at 2014-09-30 to 93 at 2015-12-31, read at 2015-04-03.
	if !inds[0].HasPath || figures.Round1(inds[0].Path) != 90.0 {
		t.Errorf("T1 path = %v", inds[0].Path)
	}
	c := figures.IndicatorCounts(inds)
	if c[figures.IndicatorMet] != e.IndicatorMet || c[figures.IndicatorBehind] != e.IndicatorBehind || c[figures.IndicatorOnPath] != e.IndicatorOnPath {
		t.Errorf("indicator counts %v", c)
	}

	scores := snap.Scorecard()
	if len(scores) != 3 {
		t.Fatalf("scores = %d", len(scores))
	}
	for _, sc := range scores {
		n := sc.Unit.Name
		if sc.Due != e.ScoreDue[n] || sc.OnTime != e.ScoreOnTime[n] || sc.Outstanding != e.ScoreOutstanding[n] ||
			sc.Reviews != e.ScoreReviews[n] || sc.Returns != e.ScoreReturns[n] || sc.Closed != e.ScoreClosed[n] ||
			sc.Assignments != e.ScoreAs[n] {
			t.Errorf("%s: %+v", n, sc)
		}
	}
}

func TestScopes(t *testing.T) { checkScopes(t, testutil.Start(t, testutil.DemoWithoutPlan())) }

func checkScopes(t *testing.T, p *testutil.Portal) {
	f, _ := figurestest.Scenario(t, p.App.Store)
	tests := []struct {
		name  string
		scope figures.Scope
		asg   int
		meas  int
	}{
		{"all plans", figures.Scope{}, 8, 3},
		{"plan", figures.Scope{PlanID: f.Plan.ID}, 8, 3},
		{"domain", figures.Scope{PlanID: f.Plan.ID, DomainID: f.Domains[1].ID}, 2, 1},
		{"unit", figures.Scope{PlanID: f.Plan.ID, UnitID: f.Units[figurestest.Edu]}, 2, 2},
		{"measure", figures.Scope{MeasureID: f.Measures[1].ID}, 3, 1},
		{"text in title", figures.Scope{Text: "义务"}, 3, 1},
		{"text in source", figures.Scope{Text: "辍学率"}, 3, 1},
		{"percent is literal", figures.Scope{Text: "%"}, 6, 2}, // M1 and M2 say "93%", "100%"; M3 has no %
		{"underscore is literal", figures.Scope{Text: "_"}, 0, 0},
		{"no match", figures.Scope{Text: "不存在的文字"}, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			snap := load(t, p, tt.scope)
			if len(snap.Assignments) != tt.asg || len(snap.Measures) != tt.meas {
				t.Errorf("assignments %d measures %d, want %d %d", len(snap.Assignments), len(snap.Measures), tt.asg, tt.meas)
			}
		})
	}
	// A unit's scope keeps the unit's own lights.
	snap := load(t, p, figures.Scope{PlanID: f.Plan.ID, UnitID: f.Units[figurestest.Taishan]})
	got := map[rules.Light]int{}
	for _, a := range snap.Assignments {
		got[a.Status.Light]++
	}
	if got[rules.Yellow] != 2 || got[rules.Blue] != 1 {
		t.Errorf("taishan lights %v", got)
	}
}

func TestEmptyDatabase(t *testing.T) {
	p := testutil.Start(t, testutil.DemoWithoutPlan())
	snap := load(t, p, figures.Scope{})
	if len(snap.Plans) != 0 || len(snap.Assignments) != 0 || snap.Total().Completion != 0 {
		t.Fatalf("empty snapshot %+v", snap.Total())
	}
}

// TestFiguresOnPostgres runs the scenario checks on PostgreSQL, whose
// dialect differs in the fact queries (epoch, escaping, grouping).
func TestFiguresOnPostgres(t *testing.T) {
	for name, check := range map[string]func(*testing.T, *testutil.Portal){
		"lights": checkLightsOfTheScenario, "domains and rates": checkDomainGroupsAndRates,
		"attention": checkAttentionAndChasePeriods, "indicators and scorecard": checkIndicatorsAndScorecard,
		"scopes": checkScopes,
	} {
		t.Run(name, func(t *testing.T) {
			check(t, testutil.Start(t, testutil.DemoWithoutPlan(), testutil.WithDB(testutil.PostgresURL(t))))
		})
	}
}
