package planadmin_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"duban/internal/clock"
	"duban/internal/model"
	"duban/internal/planadmin"
	"duban/internal/testutil"
	"duban/internal/validate"
)

func day(s string) time.Time {
	d, _ := time.ParseInLocation(time.DateOnly, s, clock.Zone)
	return d
}

// TestPlanEdits runs the breakdown edits on SQLite and, when a server is
// configured, PostgreSQL: the queries with joins, groups and expressions
// must hold on both.
func TestPlanEdits(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { planEdits(t, testutil.Start(t)) })
	t.Run("postgres", func(t *testing.T) { planEdits(t, testutil.Start(t, testutil.WithDB(testutil.PostgresURL(t)))) })
}

func planEdits(t *testing.T, p *testutil.Portal) {
	st := p.App.Store
	svc := planadmin.New(st)
	ctx := context.Background()
	f := testutil.SeedFixture(t, st)
	a := testutil.SystemActor
	m := f.Measures[0]
	edu, dis, ts := f.Units["市教育局"], f.Units["市残联"], f.Units["台山市人民政府"]
	targets, _ := st.TargetsOf(ctx, m.ID)

	edit := planadmin.MeasureEdit{Title: "学前教育(改)", DueOn: day("2015-09-30"), LeadUnitID: dis, ResponsibleUnitIDs: []int64{edu, ts},
		Targets: []planadmin.TargetEdit{
			{ID: targets[0].ID, Text: targets[0].Text, Indicator: "学前三年毛入园率", Op: ">=", Value: 95, Unit: "%", Year: 2015},
			{Indicator: "普惠性幼儿园覆盖率", Op: ">=", Value: 80, Unit: "%", Year: 2015, Text: "普惠性幼儿园覆盖率不低于80%"},
		}}
	if err := svc.UpdateMeasure(ctx, a, m.ID, 1, edit); err != nil {
		t.Fatal(err)
	}
	if err := svc.UpdateMeasure(ctx, a, m.ID, 1, edit); !errors.Is(err, model.ErrConflict) {
		t.Fatalf("stale version = %v, want ErrConflict", err)
	}
	if err := svc.UpdateMeasure(ctx, a, 9999, 1, edit); !errors.Is(err, model.ErrNotFound) {
		t.Fatalf("missing measure = %v, want ErrNotFound", err)
	}
	got, _ := st.MeasureByID(ctx, m.ID)
	if got.Title != "学前教育(改)" || got.Version != 2 || !got.DueOn.Equal(day("2015-09-30")) {
		t.Fatalf("measure = %+v", got)
	}
	as, _ := st.AssignmentsOf(ctx, m.ID)
	if len(as) != 3 || as[0].UnitID != dis || as[0].Role != model.AssignLead {
		t.Fatalf("assignments = %+v", as)
	}

	// A report on 台山's assignment and a value on the first target.
	ps, _ := st.PeriodsOf(ctx, f.Plan.ID)
	var tsAssign int64
	for _, x := range as {
		if x.UnitID == ts {
			tsAssign = x.ID
		}
	}
	now := p.Clock.Now().UTC()
	r := model.Report{AssignmentID: tsAssign, PeriodID: ps[2].ID, State: model.ReportDraft, ProgressState: model.ProgressOnTrack, LockVersion: 1, CreatedAt: now, UpdatedAt: now}
	if err := st.Insert(ctx, &r); err != nil {
		t.Fatal(err)
	}
	v := 90.0
	if err := st.Insert(ctx, &model.TargetValue{ReportID: r.ID, TargetID: targets[0].ID, Value: &v}); err != nil {
		t.Fatal(err)
	}
	usage, err := st.UsageOfMeasure(ctx, m.ID)
	if err != nil || usage.ByAssignment[tsAssign] != 1 || usage.ByTarget[targets[0].ID] != 1 {
		t.Fatalf("usage = %+v, %v", usage, err)
	}
	// refusedRow says whether err refuses field for the row with that ID.
	refusedRow := func(err error, field string, row int64) bool {
		m, ok := validate.FieldsOf(err)[field]
		return ok && len(m.Args) == 1 && m.Args[0] == row
	}
	drop := edit
	drop.ResponsibleUnitIDs = []int64{edu}
	if err := svc.UpdateMeasure(ctx, a, m.ID, 2, drop); !refusedRow(err, planadmin.FieldUnits, ts) || !errors.Is(err, model.ErrInvalid) {
		t.Fatalf("unassigning a reporting unit = %v", err)
	}
	drop = edit
	drop.Targets = edit.Targets[1:]
	if err := svc.UpdateMeasure(ctx, a, m.ID, 2, drop); !refusedRow(err, planadmin.FieldTargets, targets[0].ID) {
		t.Fatalf("removing a reported target = %v", err)
	}
	if err := svc.DeleteMeasure(ctx, a, m.ID, 2); validate.FieldsOf(err).Key(planadmin.FieldForm) != "plans.err.measure_has_reports" {
		t.Fatalf("deleting a reported measure = %v", err)
	}
	if got, _ := st.MeasureByID(ctx, m.ID); got.Version != 2 || got.Title != "学前教育(改)" {
		t.Fatalf("refused edits changed the measure: %+v", got)
	}

	// Added measures keep the document order; a prompt protects a measure
	// from deletion like a report does.
	added, err := svc.AddMeasure(ctx, a, f.Plan.ID, f.Domains[0].ID, "特殊教育", time.Time{})
	if err != nil || added.Label != "3." || added.Position != 3 || !added.DueOn.Equal(day("2015-12-31")) {
		t.Fatalf("added = %+v, %v", added, err)
	}
	if _, err := svc.AddMeasure(ctx, a, f.Plan.ID, 9999, "x", time.Time{}); !validate.FieldsOf(err).Has(planadmin.FieldDomain) {
		t.Fatalf("foreign domain = %v", err)
	}
	ms, _ := st.MeasuresOf(ctx, f.Plan.ID)
	if len(ms) != 4 || ms[2].ID != added.ID || ms[3].ID != f.Measures[2].ID || ms[3].Position != 4 {
		t.Fatalf("order after add = %+v", ms)
	}
	if err := svc.UpdateMeasure(ctx, a, added.ID, 1, planadmin.MeasureEdit{Title: "特殊教育", DueOn: day("2015-12-31"), LeadUnitID: edu}); err != nil {
		t.Fatal(err)
	}
	addedAs, _ := st.AssignmentsOf(ctx, added.ID)
	admin, _ := st.UserByUsername(ctx, "admin")
	if err := st.Insert(ctx, &model.Prompt{UnitID: edu, AssignmentID: &addedAs[0].ID, SenderID: admin.ID, CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	if err := svc.DeleteMeasure(ctx, a, added.ID, 2); validate.FieldsOf(err) == nil {
		t.Fatalf("deleting a prompted measure = %v", err)
	}
	counts, err := st.MeasureCountsByPlan(ctx)
	if err != nil || counts[f.Plan.ID].Total != 4 || counts[f.Plan.ID].Closed != 0 {
		t.Fatalf("counts = %+v, %v", counts, err)
	}

	// Plan settings: due days alone move the due dates; a new cycle is
	// refused while reports exist.
	settings := planadmin.PlanSettings{Title: f.Plan.Title, Reporting: "quarterly", DueDays: 10, StartOn: day("2014-06-17"), EndOn: day("2015-12-31")}
	ch, err := svc.UpdatePlan(ctx, a, f.Plan.ID, 1, settings)
	if err != nil || !ch.DueDatesMoved || ch.PeriodsRegenerated {
		t.Fatalf("due days = %+v, %v", ch, err)
	}
	ps2, _ := st.PeriodsOf(ctx, f.Plan.ID)
	if len(ps2) != len(ps) || ps2[2].ID != ps[2].ID || !ps2[2].DueOn.Equal(day("2015-04-10")) {
		t.Fatalf("periods after due days: %+v", ps2[2])
	}
	settings.Reporting = "monthly"
	if _, err := svc.UpdatePlan(ctx, a, f.Plan.ID, 2, settings); validate.FieldsOf(err).Key(planadmin.FieldForm) != "plans.err.periods_in_use" {
		t.Fatalf("regenerate with reports = %v", err)
	}
	if _, err := svc.UpdatePlan(ctx, a, f.Plan.ID, 1, settings); !errors.Is(err, model.ErrConflict) {
		t.Fatalf("stale plan = %v", err)
	}
	reports, prompts, err := st.PlanUsage(ctx, f.Plan.ID)
	if err != nil || reports != 1 || prompts != 0 {
		t.Fatalf("plan usage = %d, %d, %v", reports, prompts, err)
	}
	if _, err := st.Exec(ctx, "DELETE FROM reports WHERE id = ?", r.ID); err != nil {
		t.Fatal(err)
	}
	ch, err = svc.UpdatePlan(ctx, a, f.Plan.ID, 2, settings)
	if err != nil || !ch.PeriodsRegenerated {
		t.Fatalf("regenerate = %+v, %v", ch, err)
	}
	if ps3, _ := st.PeriodsOf(ctx, f.Plan.ID); len(ps3) < 18 {
		t.Fatalf("monthly periods = %d", len(ps3))
	}

	groups, err := st.UnitGroupsForPlans(ctx)
	if err != nil || len(groups) != 1 || groups[0].Group.Name != "各市(区)政府" || len(groups[0].UnitIDs) != 7 {
		t.Fatalf("groups = %+v, %v", groups, err)
	}
	if id, n, err := st.VerifyAudit(ctx); id != 0 || err != nil || n == 0 {
		t.Fatalf("audit chain broken at %d (%d checked): %v", id, n, err)
	}
}
