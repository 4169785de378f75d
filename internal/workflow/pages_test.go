package workflow_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"duban/internal/clock"
	"duban/internal/model"
	"duban/internal/workflow"
)

// TestMeasurePageLinksWhatTheViewerMayOpen: a responsible unit opens only
// its own assignment, the lead unit every assignment of its measure, the
// office all of them; the administrator alone is offered the edit form.
func TestMeasurePageLinksWhatTheViewerMayOpen(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	now := time.Date(2015, 4, 3, 9, 0, 0, 0, clock.Zone)
	m := e.f.Measures[0]
	for _, tc := range []struct {
		who     string
		opens   int
		mine    int
		isAdmin bool
	}{
		{"canlian", 1, 1, false}, {"jiaoyuju", 3, 1, false}, {"duchashi", 3, 0, false}, {"admin", 3, 0, true},
	} {
		p, err := e.wf.MeasurePage(ctx, e.actors[tc.who], m.ID, now)
		if err != nil {
			t.Fatal(err)
		}
		opens, mine := 0, 0
		for _, a := range p.Assignments {
			if a.CanOpen {
				opens++
			}
			if a.Mine {
				mine++
			}
		}
		if opens != tc.opens || mine != tc.mine || p.IsAdmin != tc.isAdmin || len(p.Assignments) != 3 {
			t.Errorf("%s: opens %d, mine %d, admin %v of %d rows", tc.who, opens, mine, p.IsAdmin, len(p.Assignments))
		}
		if p.PlanLabel != "(一)1" || p.Prev != nil || p.Next == nil || p.Next.Label != "(一)2" || len(p.Targets) != 1 {
			t.Errorf("%s: label %q, neighbours %+v %+v, targets %d", tc.who, p.PlanLabel, p.Prev, p.Next, len(p.Targets))
		}
	}
}

// TestLedgerKeepsUnitUsersToTheirUnit: a unit user's 台账 holds only its
// unit's rows whatever unit it asks for, and a period of another plan is
// dropped rather than applied.
func TestLedgerKeepsUnitUsersToTheirUnit(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	now := time.Date(2015, 4, 3, 9, 0, 0, 0, clock.Zone)
	q := workflow.LedgerQuery{PlanID: e.f.Plan.ID, UnitID: e.f.Units["市教育局"], PeriodID: 999999, Units: true}
	l, err := e.wf.Ledger(ctx, e.actors["canlian"], q, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Rows) == 0 || l.Filter.PeriodID != 0 || l.Units != nil {
		t.Fatalf("rows %d, period %d, units %v", len(l.Rows), l.Filter.PeriodID, l.Units)
	}
	for _, r := range l.Rows {
		if r.Assignment.UnitID != e.f.Units["市残联"] {
			t.Errorf("a unit user sees unit %d's row", r.Assignment.UnitID)
		}
	}
	all, err := e.wf.Ledger(ctx, e.actors["duchashi"], workflow.LedgerQuery{PlanID: e.f.Plan.ID, Units: true}, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(all.Rows) <= len(l.Rows) || len(all.Units) != 3 {
		t.Errorf("the office sees %d rows (the unit %d) and %d units", len(all.Rows), len(l.Rows), len(all.Units))
	}
	if _, err := e.wf.SupervisionPage(ctx, e.actors["duchashi"], workflow.SupervisionQuery{PlanID: 999999}, now); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("督办 of a plan that does not exist: %v", err)
	}
}
