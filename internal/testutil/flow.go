package testutil

import (
	"context"
	"testing"

	"duban/internal/model"
)

// Flow is a portal with the fixture plan (see Fixture) and the rows the
// reporting-loop tests keep reaching for: measure 1 (学前教育) is led by
// 市教育局 (jiaoyuju) with 市残联 (canlian) and 台山 (taishan) responsible.
//
//	e := testutil.NewFlow(t)
//	c := e.P.Login("jiaoyuju")
//	c.Get(paths.ReportForm(e.Lead.ID, e.Q1.ID))
type Flow struct {
	T                *testing.T
	P                *Portal
	F                *Fixture
	Periods          []model.Period
	Q1               model.Period // 2015Q1, due 2015-04-05
	Lead, CoCanlian  model.Assignment
	CoTaishan        model.Assignment
	Target           model.Target     // 学前三年毛入园率 >= 93 %
	OtherLeadCanlian model.Assignment // measure 3, led by 市残联
}

// NewFlow starts a portal with the demo accounts but not the demo plan,
// seeds the fixture plan and looks up its assignments, periods and target.
func NewFlow(t *testing.T, opts ...Option) *Flow {
	t.Helper()
	p := Start(t, append([]Option{DemoWithoutPlan()}, opts...)...)
	st := p.App.Store
	e := &Flow{T: t, P: p, F: SeedFixture(t, st)}
	ctx := context.Background()
	e.Periods, _ = st.PeriodsOf(ctx, e.F.Plan.ID)
	e.Q1 = e.Periods[2]
	as, _ := st.AssignmentsOf(ctx, e.F.Measures[0].ID)
	for _, a := range as {
		switch a.UnitID {
		case e.F.Units["市教育局"]:
			e.Lead = a
		case e.F.Units["市残联"]:
			e.CoCanlian = a
		case e.F.Units["台山市人民政府"]:
			e.CoTaishan = a
		}
	}
	ts, _ := st.TargetsOf(ctx, e.F.Measures[0].ID)
	e.Target = ts[0]
	as3, _ := st.AssignmentsOf(ctx, e.F.Measures[2].ID)
	for _, a := range as3 {
		if a.Role == model.AssignLead {
			e.OtherLeadCanlian = a
		}
	}
	return e
}

// Report is the stored report of an assignment for a period; the test
// fails when there is none.
func (e *Flow) Report(a model.Assignment, p model.Period) *model.Report {
	e.T.Helper()
	r, err := e.P.App.Store.ReportOf(context.Background(), a.ID, p.ID)
	if err != nil {
		e.T.Fatalf("report of assignment %d: %v", a.ID, err)
	}
	return r
}

// Count counts the rows of m's table that match where (see Portal.Count).
func (e *Flow) Count(m any, where string, args ...any) int64 { return e.P.Count(m, where, args...) }
