package planadmin_test

import (
	"context"
	"testing"

	"duban/internal/planadmin"
	"duban/internal/testutil"
	"duban/internal/validate"
)

// TestSaveMeasure: the edit page's form from the database goes back
// unchanged and is saved; the same form again is stale (the page says so,
// keeps the input); a bad date comes back with its error; "one more row"
// saves nothing and shows no errors.
func TestSaveMeasure(t *testing.T) {
	p := testutil.Start(t, testutil.DemoWithoutPlan())
	st := p.App.Store
	svc := planadmin.New(st)
	ctx := context.Background()
	f := testutil.SeedFixture(t, st)
	a := testutil.SystemActor
	m := f.Measures[0]

	page, err := svc.MeasureEditForm(ctx, m.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if page.PlanLabel == "" || !page.CanDelete || len(page.UnitKinds) == 0 || len(page.Ops) == 0 {
		t.Fatalf("edit page = %+v", page)
	}
	form := page.Form
	form.Title = "学前教育(改)"
	if again, err := svc.SaveMeasure(ctx, a, m.ID, planadmin.MeasureInput{Form: form}); err != nil || again != nil {
		t.Fatalf("save = %+v, %v", again, err)
	}
	if got, _ := st.MeasureByID(ctx, m.ID); got.Title != "学前教育(改)" || got.Version != form.Version+1 {
		t.Fatalf("saved measure = %+v", got)
	}

	tests := []struct {
		name   string
		in     func(f planadmin.MeasureForm) planadmin.MeasureInput
		stale  bool
		errKey string // field with an error; "" for none
		rows   int    // target rows shown
	}{
		{"stale", func(f planadmin.MeasureForm) planadmin.MeasureInput { return planadmin.MeasureInput{Form: f} },
			true, validate.Form, len(form.Targets)},
		{"bad date", func(f planadmin.MeasureForm) planadmin.MeasureInput {
			f.Version++
			f.DueOn = "2015-13-01"
			return planadmin.MeasureInput{Form: f}
		}, false, "due_on", len(form.Targets)},
		{"one more row", func(f planadmin.MeasureForm) planadmin.MeasureInput {
			f.DueOn = "nonsense"
			return planadmin.MeasureInput{Form: f, AddRow: true}
		}, false, "", len(form.Targets) + 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := form
			f.Responsible = map[int64]bool{}
			for id := range form.Responsible {
				f.Responsible[id] = true
			}
			f.Targets = append([]planadmin.TargetRow(nil), form.Targets...)
			again, err := svc.SaveMeasure(ctx, a, m.ID, tt.in(f))
			if err != nil || again == nil {
				t.Fatalf("save = %v, %v; want the page again", again, err)
			}
			if again.Stale != tt.stale || len(again.Form.Targets) != tt.rows || again.Form.Title != form.Title {
				t.Errorf("page stale %v rows %d title %q", again.Stale, len(again.Form.Targets), again.Form.Title)
			}
			if _, ok := again.Errors[tt.errKey]; (tt.errKey != "") != ok || (tt.errKey == "" && len(again.Errors) > 0) {
				t.Errorf("errors = %v, want one on %q", again.Errors, tt.errKey)
			}
		})
	}
	if got, _ := st.MeasureByID(ctx, m.ID); got.Version != form.Version+1 {
		t.Fatalf("a refused form saved: version %d", got.Version)
	}
}
