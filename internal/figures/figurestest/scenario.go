package figurestest

import (
	"testing"

	"duban/internal/model"
	"duban/internal/store"
	"duban/internal/testutil"
)

// Unit names of the fixture.
const (
	Edu      = "市教育局"
	Disabled = "市残联"
	Taishan  = "台山市人民政府"
)

// Scenario seeds the fixture and writes a known history, seen at the demo
// clock 2015-04-03 09:00 (2015Q1 is the current period, due 2015-04-05;
// 2014Q3 and 2014Q4 are past due). Periods P1 = 2014Q3, P2 = 2014Q4,
// P3 = 2015Q1. A1…A8 are the fixture's assignments in plan order.
//
//	M1 学前教育 (target T1 入园率 >= 93)
//	  A1 市教育局 lead   P1 approved 20% T1=88, P2 approved 35% T1=88.5, P3 submitted 50% T1=89
//	                     → yellow: T1 behind its path
//	  A2 市残联          P1, P2 approved, P3 submitted 50%                → green
//	  A3 台山            P1, P2 approved (45%), P3 none                    → yellow: due soon
//	M2 义务教育 (T2 入学率 = 100, T3 辍学率 <= 1.2)
//	  A4 市教育局 lead   P1 approved T2=98 T3=1.5; P2 returned 2015-01-10 and not resubmitted;
//	                     P3 submitted 60% T2=100 T3=1.3                   → red: returned, stale
//	  A5 市残联          P1 approved 20%, P2 and P3 none; one open 催办  → red: overdue report
//	  A6 台山            P1 returned once then approved, P2 approved 30% 滞后, P3 draft
//	                     → yellow: due soon, behind state, behind schedule
//	M3 残疾人就业 (T4 >= 600 名), closed 2015-04-02
//	  A7 市残联 lead     P1 approved T4=300, P2 approved but late (2015-01-08) T4=450,
//	                     P3 approved 100% T4=620                          → blue
//	  A8 台山            P1, P2 approved, P3 submitted 100%                → blue
//
// Expected figures (see Expect).
//
// Start is the usual way in: a portal with the demo accounts and this
// scenario in its database.
func Scenario(t testing.TB, st *store.Store) (*testutil.Fixture, *History) {
	t.Helper()
	f := testutil.SeedFixture(t, st)
	h := New(t, st, f)
	appr, sub, ret, draft := model.ReportApproved, model.ReportSubmitted, model.ReportReturned, model.ReportDraft

	a1 := h.A(0, Edu)
	h.Sign(a1, "2014-06-20")
	r := h.Report(a1, "2014Q3", Report{State: appr, Percent: 20, Submitted: "2014-10-03", Approved: "2014-10-08", Values: map[int]float64{1: 88}})
	h.Review(r, "approve", "", "2014-10-08")
	r = h.Report(a1, "2014Q4", Report{State: appr, Percent: 35, Submitted: "2015-01-04", Approved: "2015-01-08", Values: map[int]float64{1: 88.5}})
	h.Review(r, "approve", "", "2015-01-08")
	h.Report(a1, "2015Q1", Report{State: sub, Percent: 50, Submitted: "2015-04-01", Values: map[int]float64{1: 89}})

	a2 := h.A(0, Disabled)
	r = h.Report(a2, "2014Q3", Report{State: appr, Percent: 20, Submitted: "2014-10-02", Approved: "2014-10-08"})
	h.Review(r, "approve", "", "2014-10-08")
	r = h.Report(a2, "2014Q4", Report{State: appr, Percent: 35, Submitted: "2015-01-05", Approved: "2015-01-09"})
	h.Review(r, "approve", "", "2015-01-09")
	h.Report(a2, "2015Q1", Report{State: sub, Percent: 50, Submitted: "2015-04-02"})

	a3 := h.A(0, Taishan)
	r = h.Report(a3, "2014Q3", Report{State: appr, Percent: 20, Submitted: "2014-09-30", Approved: "2014-10-08"})
	h.Review(r, "approve", "", "2014-10-08")
	r = h.Report(a3, "2014Q4", Report{State: appr, Percent: 45, Submitted: "2015-01-03", Approved: "2015-01-08"})
	h.Review(r, "approve", "", "2015-01-08")

	a4 := h.A(1, Edu)
	r = h.Report(a4, "2014Q3", Report{State: appr, Percent: 20, Submitted: "2014-10-04", Approved: "2014-10-08", Values: map[int]float64{1: 98, 2: 1.5}})
	h.Review(r, "approve", "", "2014-10-08")
	r = h.Report(a4, "2014Q4", Report{State: ret, Percent: 40, Submitted: "2015-01-04", Returned: "2015-01-10", Values: map[int]float64{1: 99, 2: 1.4}})
	h.Review(r, "return", "数据不完整", "2015-01-10")
	h.Report(a4, "2015Q1", Report{State: sub, Percent: 60, Submitted: "2015-04-02", Values: map[int]float64{1: 100, 2: 1.3}})

	a5 := h.A(1, Disabled)
	r = h.Report(a5, "2014Q3", Report{State: appr, Percent: 20, Submitted: "2014-10-05", Approved: "2014-10-09"})
	h.Review(r, "approve", "", "2014-10-09")
	h.Prompt(a5, "2014Q4", "请尽快报送第四季度进展", "2015-03-01")

	a6 := h.A(1, Taishan)
	r = h.Report(a6, "2014Q3", Report{State: appr, Percent: 20, Submitted: "2014-10-05", Returned: "2014-10-03", Approved: "2014-10-06"})
	h.Review(r, "return", "请补充佐证材料", "2014-10-03")
	h.Review(r, "approve", "", "2014-10-06")
	r = h.Report(a6, "2014Q4", Report{State: appr, Progress: model.ProgressBehind, Percent: 30, Submitted: "2015-01-05", Approved: "2015-01-08"})
	h.Review(r, "approve", "", "2015-01-08")
	h.Report(a6, "2015Q1", Report{State: draft, Percent: 35})

	a7 := h.A(2, Disabled)
	r = h.Report(a7, "2014Q3", Report{State: appr, Percent: 30, Submitted: "2014-10-03", Approved: "2014-10-08", Values: map[int]float64{1: 300}})
	h.Review(r, "approve", "", "2014-10-08")
	r = h.Report(a7, "2014Q4", Report{State: appr, Percent: 60, Submitted: "2015-01-08", Approved: "2015-01-09", Values: map[int]float64{1: 450}})
	h.Review(r, "approve", "", "2015-01-09")
	r = h.Report(a7, "2015Q1", Report{State: appr, Progress: model.ProgressDone, Percent: 100, Submitted: "2015-04-01", Approved: "2015-04-02", Values: map[int]float64{1: 620}})
	h.Review(r, "approve", "", "2015-04-02")

	a8 := h.A(2, Taishan)
	r = h.Report(a8, "2014Q3", Report{State: appr, Percent: 30, Submitted: "2014-10-02", Approved: "2014-10-08"})
	h.Review(r, "approve", "", "2014-10-08")
	r = h.Report(a8, "2014Q4", Report{State: appr, Percent: 60, Submitted: "2015-01-02", Approved: "2015-01-08"})
	h.Review(r, "approve", "", "2015-01-08")
	h.Report(a8, "2015Q1", Report{State: sub, Progress: model.ProgressDone, Percent: 100, Submitted: "2015-04-01"})
	h.Close(2, "2015-04-02")

	h.Audit("report.submit", "report", r)
	h.Audit("measure.close", "measure", f.Measures[2].ID)
	h.Audit("login.ok", "user", h.Reviewer) // not work: left out of recent activity
	return f, h
}

// Expect holds the figures Scenario produces at the demo clock.
var Expect = struct {
	MeasureRed, MeasureYellow, MeasureBlue           int
	AsgRed, AsgYellow, AsgGreen, AsgBlue             int
	D1Completion, D2Completion, TotalCompletion      float64
	CurrentEdu, CurrentDisabled, CurrentTaishan      [2]int // submitted, expected in 2015Q1
	PeriodSubmitted, PeriodExpected, PeriodOnTime    [3]int // 2014Q3, 2014Q4, 2015Q1
	IndicatorMet, IndicatorBehind, IndicatorOnPath   int
	AttentionOrder                                   []string // "measure index/unit"
	ScoreDue, ScoreOnTime, ScoreOutstanding          map[string]int
	ScoreReviews, ScoreReturns, ScoreClosed, ScoreAs map[string]int
}{
	MeasureRed: 1, MeasureYellow: 1, MeasureBlue: 1,
	AsgRed: 2, AsgYellow: 3, AsgGreen: 1, AsgBlue: 2,
	D1Completion: 55, D2Completion: 100, TotalCompletion: 70,
	CurrentEdu: [2]int{2, 2}, CurrentDisabled: [2]int{2, 3}, CurrentTaishan: [2]int{1, 3},
	PeriodSubmitted: [3]int{8, 6, 5}, PeriodExpected: [3]int{8, 8, 8}, PeriodOnTime: [3]int{8, 5, 5},
	IndicatorMet: 2, IndicatorBehind: 1, IndicatorOnPath: 1,
	AttentionOrder:   []string{"1/" + Edu, "1/" + Disabled, "0/" + Edu, "0/" + Taishan, "1/" + Taishan},
	ScoreDue:         map[string]int{Edu: 4, Disabled: 6, Taishan: 6},
	ScoreOnTime:      map[string]int{Edu: 3, Disabled: 4, Taishan: 6},
	ScoreOutstanding: map[string]int{Edu: 1, Disabled: 1, Taishan: 0},
	ScoreReviews:     map[string]int{Edu: 4, Disabled: 6, Taishan: 7},
	ScoreReturns:     map[string]int{Edu: 1, Disabled: 0, Taishan: 1},
	ScoreClosed:      map[string]int{Edu: 0, Disabled: 1, Taishan: 1},
	ScoreAs:          map[string]int{Edu: 2, Disabled: 3, Taishan: 3},
}

// Start starts a portal with the demo accounts but not the demo plan, and
// stores the scenario in it.
func Start(t testing.TB) (*testutil.Portal, *testutil.Fixture, *History) {
	t.Helper()
	p := testutil.Start(t, testutil.DemoWithoutPlan())
	f, h := Scenario(t, p.App.Store)
	return p, f, h
}
