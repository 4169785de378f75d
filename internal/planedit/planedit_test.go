package planedit

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
