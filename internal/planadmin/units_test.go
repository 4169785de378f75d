package planadmin_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"duban/internal/model"
	"duban/internal/planadmin"
	"duban/internal/store"
	"duban/internal/testutil"
)

// TestMergeUnit: where both units work on a measure, the target's
// assignment stays and takes the lead; the merged unit's reports on such a
// measure refuse the merge and leave everything as it was; its name then
// leads to the target.
func TestMergeUnit(t *testing.T) {
	p := testutil.Start(t, testutil.DemoWithoutPlan())
	st := p.App.Store
	ctx := context.Background()
	f := testutil.SeedFixture(t, st)
	svc := planadmin.New(st)
	admin := store.Actor{Username: "admin", Role: model.RoleAdmin}
	src, dst := f.Units["市残联"], f.Units["台山市人民政府"]
	lead := f.Measures[2] // 残疾人就业: 市残联 leads, 台山 is responsible

	if err := svc.MergeUnit(ctx, admin, src, src); !errors.Is(err, model.ErrInvalid) {
		t.Fatalf("merge into itself = %v, want ErrInvalid", err)
	}
	mine, err := st.AssignmentOfUnit(ctx, lead.ID, src)
	if err != nil {
		t.Fatal(err)
	}
	ps, err := st.PeriodsOf(ctx, f.Plan.ID)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	report := &model.Report{AssignmentID: mine.ID, PeriodID: ps[0].ID, State: model.ReportDraft, ProgressState: model.ProgressOnTrack,
		LockVersion: 1, CreatedAt: now, UpdatedAt: now}
	if err := st.Insert(ctx, report); err != nil {
		t.Fatal(err)
	}
	if err := svc.MergeUnit(ctx, admin, src, dst); !errors.Is(err, planadmin.ErrMergeReports) {
		t.Fatalf("merge with reports = %v, want ErrMergeReports", err)
	}
	if _, err := st.UnitByID(ctx, src); err != nil {
		t.Fatalf("the refused merge deleted the unit: %v", err)
	}
	if _, err := st.Exec(ctx, "DELETE FROM reports WHERE id = ?", report.ID); err != nil {
		t.Fatal(err)
	}

	if err := svc.MergeUnit(ctx, admin, src, dst); err != nil {
		t.Fatal(err)
	}
	if _, err := st.UnitByID(ctx, src); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("merged unit still there: %v", err)
	}
	for _, m := range f.Measures {
		as, err := st.AssignmentsOf(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range as {
			if a.UnitID == src {
				t.Errorf("measure %d still assigned to the merged unit", m.ID)
			}
		}
	}
	kept, err := st.AssignmentOfUnit(ctx, lead.ID, dst)
	if err != nil || kept.Role != model.AssignLead {
		t.Errorf("the target's assignment to the measure the merged unit led = %+v, %v; want the lead", kept, err)
	}
	if u, err := st.UnitByName(ctx, "市残联"); err != nil || u.ID != dst {
		t.Errorf("the merged name leads to %+v, %v; want unit %d", u, err, dst)
	}
	var audits int64
	if err := st.Raw(ctx, &audits, "SELECT count(*) FROM audit_events WHERE action = 'unit.merge' AND object_id = ?", src); err != nil || audits != 1 {
		t.Errorf("unit.merge audit entries = %d, %v", audits, err)
	}
}
