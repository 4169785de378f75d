package web_test

import (
	"context"
	"testing"

	"duban/internal/metrics"
	"duban/internal/storage"
	"duban/internal/testutil"
	"duban/internal/workflow"
)

// TestLightsAgreeAcrossPages: the unit dashboard and supervision list
// (workflow) and the overview and ledger (metrics) load their facts in
// different ways; on the full demo every assignment must get the same light
// from both, or a unit and the supervision office would see different
// colours for the same work.
func TestLightsAgreeAcrossPages(t *testing.T) {
	p := testutil.Start(t, testutil.WithDemoHistory())
	ctx := context.Background()
	st := p.App.Store
	plans, err := st.ListPlans(ctx)
	if err != nil || len(plans) != 1 {
		t.Fatalf("plans %d, %v", len(plans), err)
	}
	now := p.Clock.Now()
	snap, err := metrics.Load(ctx, st, metrics.Scope{PlanID: plans[0].ID}, now)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := st.AssignmentRowsOfPlan(ctx, plans[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	flow, _, err := workflow.New(st, storage.NewLocal(p.Config.AttachmentsDir())).Lights(ctx, rows, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Assignments) != len(rows) || len(rows) < 600 {
		t.Fatalf("metrics has %d assignments, workflow %d", len(snap.Assignments), len(rows))
	}
	differ := 0
	for _, a := range snap.Assignments {
		w, ok := flow[a.ID]
		if !ok {
			t.Fatalf("assignment %d has no workflow light", a.ID)
		}
		if w.Light != a.Result.Light {
			differ++
			if differ <= 5 {
				t.Errorf("assignment %d: metrics %s %v, workflow %s %v", a.ID, a.Result.Light, a.Result.Reasons, w.Light, w.Reasons)
			}
		}
	}
	if differ > 0 {
		t.Errorf("%d of %d assignments differ", differ, len(rows))
	}
}
