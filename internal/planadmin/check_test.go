package planadmin

import (
	"testing"
	"time"

	"duban/internal/clock"
	"duban/internal/model"
	"duban/internal/validate"
)

func TestCheckTargets(t *testing.T) {
	plan := &model.Plan{StartOn: time.Date(2014, 6, 17, 0, 0, 0, 0, clock.Zone), EndOn: time.Date(2015, 12, 31, 0, 0, 0, 0, clock.Zone)}
	stored := []model.Target{{ID: 7, Text: "入学率达到100%", Indicator: "入学率", Op: ">=", Value: 100, Unit: "%", Year: 2015}}
	f := &MeasureForm{Targets: []TargetRow{
		{ID: 7, Indicator: "入学率", Op: ">=", Value: "99.5", Unit: "%", Year: "2015"}, // a stored row keeps its phrase
		{Indicator: "义务教育标准化学校比例", Op: ">=", Value: "80", Unit: "%"},                // a new row: its phrase in words, the plan's last year
		{},                                       // an unused blank row
		{Indicator: "x", Op: "?", Value: "many"}, // refused
		{ID: 99, Indicator: "gone", Op: ">=", Value: "1"}, // a target that is not stored
	}}
	errs := validate.Errors{}
	got := checkTargets(plan, stored, f, errs)
	if len(got) != 3 || got[0].Text != "入学率达到100%" || got[0].Value != 99.5 ||
		got[1].Text != "义务教育标准化学校比例不低于80%" || got[1].Year != 2015 {
		t.Fatalf("edits %+v", got)
	}
	if f.Targets[1].Year != "2015" || len(f.Targets) != 4 {
		t.Errorf("form rows %+v", f.Targets)
	}
	if errs.Key("t3_row") != "plans.err.op" || errs.Key(validate.Form) != "form.conflict" || len(errs) != 2 {
		t.Errorf("errors %v", errs)
	}
}

func TestCheckPlan(t *testing.T) {
	ok := PlanForm{Title: "方案", Reporting: "quarterly", DueDays: "5", StartOn: "2014-06-17", EndOn: "2015-12-31"}
	for _, tc := range []struct {
		name  string
		edit  func(*PlanForm)
		field string
		key   string
	}{
		{"valid", func(*PlanForm) {}, "", ""},
		{"no title", func(f *PlanForm) { f.Title = "" }, "title", "form.required"},
		{"unknown cycle", func(f *PlanForm) { f.Reporting = "yearly" }, "reporting", "plans.err.reporting"},
		{"too many days", func(f *PlanForm) { f.DueDays = "61" }, "due_days", "plans.err.due_days"},
		{"bad start", func(f *PlanForm) { f.StartOn = "2014-13-01" }, "start_on", "plans.err.date"},
		{"ends before it starts", func(f *PlanForm) { f.EndOn = "2014-01-01" }, "end_on", "plans.err.end_before_start"},
		{"span too long", func(f *PlanForm) { f.EndOn = "2035-01-01" }, "end_on", "plans.err.span_too_long"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := ok
			tc.edit(&f)
			errs := validate.Errors{}
			ps := CheckPlan(f, errs)
			if tc.field == "" {
				if len(errs) != 0 || ps.DueDays != 5 || ps.EndOn.Year() != 2015 {
					t.Fatalf("settings %+v, errors %v", ps, errs)
				}
				return
			}
			if len(errs) != 1 || errs.Key(tc.field) != tc.key {
				t.Errorf("errors %v, want %s: %s", errs, tc.field, tc.key)
			}
		})
	}
}
