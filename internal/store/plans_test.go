package store_test

import (
	"context"
	"testing"

	"duban/internal/model"
	"duban/internal/testutil"
)

func TestCreatePlanStoresTheWholeTree(t *testing.T) {
	p := testutil.Start(t)
	st := p.App.Store
	f := testutil.SeedFixture(t, st)
	ctx := context.Background()
	ms, err := st.MeasuresOf(ctx, f.Plan.ID)
	if err != nil || len(ms) != 3 {
		t.Fatalf("measures = %d, %v", len(ms), err)
	}
	if ms[2].DueOn.Format("2006-01-02") != "2015-06-30" || ms[0].DueOn.Format("2006-01-02") != "2015-12-31" {
		t.Fatalf("due dates %s / %s", ms[0].DueOn, ms[2].DueOn)
	}
	ts, _ := st.TargetsOfPlan(ctx, f.Plan.ID)
	as, _ := st.AssignmentsOfPlan(ctx, f.Plan.ID)
	ps, _ := st.PeriodsOf(ctx, f.Plan.ID)
	if len(ts) != 4 || len(as) != 8 || len(ps) != 6 {
		t.Fatalf("targets %d, assignments %d, periods %d; want 4, 8, 6", len(ts), len(as), len(ps))
	}
	leads := 0
	for _, a := range as {
		if a.Role == model.AssignLead {
			leads++
		}
	}
	if leads != 3 {
		t.Fatalf("lead assignments = %d, want 3", leads)
	}
	if ps[2].Label != "2015Q1" || ps[2].DueOn.Format("2006-01-02") != "2015-04-05" {
		t.Fatalf("third period %s due %s", ps[2].Label, ps[2].DueOn)
	}
}

func TestLightRulesRoundTrip(t *testing.T) {
	p := testutil.Start(t)
	st := p.App.Store
	ctx := context.Background()
	r, err := st.LightRules(ctx)
	if err != nil || r.DueSoonDays != 3 || r.ReturnGraceDays != 5 || r.BehindPoints != 10 {
		t.Fatalf("defaults = %+v, %v", r, err)
	}
	r.DueSoonDays = 7
	if err := st.SetLightRules(ctx, testutil.SystemActor, r); err != nil {
		t.Fatal(err)
	}
	r.BehindPoints = 15
	if err := st.SetLightRules(ctx, testutil.SystemActor, r); err != nil {
		t.Fatal(err)
	}
	got, _ := st.LightRules(ctx)
	if got.DueSoonDays != 7 || got.BehindPoints != 15 {
		t.Fatalf("stored rules = %+v", got)
	}
	if id, n, err := st.VerifyAudit(ctx); err != nil || id != 0 || n < 2 {
		t.Fatalf("audit chain after settings: broken=%d n=%d err=%v", id, n, err)
	}
}
