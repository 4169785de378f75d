package lights

import (
	"slices"
	"testing"
	"time"

	"duban/internal/clock"
	"duban/internal/model"
)

func day(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02", s, clock.Zone)
	if err != nil {
		panic(err)
	}
	return t
}

func TestAssignmentLights(t *testing.T) {
	now := day("2015-04-03").Add(9 * time.Hour)
	start, due := day("2014-07-01"), day("2015-12-31")
	returned := day("2015-03-20")
	recent := day("2015-04-01")
	q1 := func(state string) []PeriodReport {
		return []PeriodReport{{DueOn: day("2014-10-05"), State: model.ReportApproved}, {DueOn: day("2015-01-05"), State: model.ReportApproved}, {DueOn: day("2015-04-05"), State: state}}
	}
	base := func() Facts {
		return Facts{PlanStart: start, MeasureDue: due, HasProgress: true, ProgressState: model.ProgressOnTrack, Percent: 60}
	}
	tests := []struct {
		name   string
		facts  func() Facts
		want   Light
		reason string
	}{
		{"closed is blue whatever else", func() Facts { f := base(); f.MeasureClosed = true; f.Periods = q1(""); return f }, Blue, ReasonClosed},
		{"past-due report not submitted is red", func() Facts {
			f := base()
			f.Periods = []PeriodReport{{DueOn: day("2015-01-05"), State: model.ReportDraft}}
			return f
		}, Red, ReasonOverdueReport},
		{"returned and not resubmitted within 5 days is red", func() Facts {
			f := base()
			f.Periods = []PeriodReport{{DueOn: day("2015-01-05"), State: model.ReportReturned, ReturnedAt: &returned}}
			return f
		}, Red, ReasonReturnedStale},
		{"recently returned is yellow", func() Facts {
			f := base()
			f.Periods = []PeriodReport{{DueOn: day("2015-01-05"), State: model.ReportReturned, ReturnedAt: &recent}}
			return f
		}, Yellow, ReasonDueSoon},
		{"measure past due and open is red", func() Facts { f := base(); f.MeasureDue = day("2015-03-31"); f.Percent = 100; return f }, Red, ReasonMeasureOverdue},
		{"due within 3 days and not submitted is yellow", func() Facts { f := base(); f.Periods = q1(""); return f }, Yellow, ReasonDueSoon},
		{"submitted on time and on track is green", func() Facts { f := base(); f.Periods = q1(model.ReportSubmitted); return f }, Green, ReasonOnTrack},
		{"progress state behind is yellow", func() Facts {
			f := base()
			f.Periods = q1(model.ReportApproved)
			f.ProgressState = model.ProgressBehind
			return f
		}, Yellow, ReasonBehindState},
		{"percent more than 10 points behind schedule is yellow", func() Facts {
			f := base()
			f.Periods = q1(model.ReportApproved)
			f.Percent = 40 // expected ≈ 51%
			return f
		}, Yellow, ReasonBehindSchedule},
		{"target behind its path is yellow", func() Facts {
			f := base()
			f.Periods = q1(model.ReportApproved)
			f.Targets = []TargetTrack{{Op: ">=", Value: 93, Year: 2015, Actuals: []Actual{{At: day("2014-10-01"), Value: 85}, {At: day("2015-04-01"), Value: 85.5}}}}
			return f
		}, Yellow, ReasonTargetOffPath},
		{"nothing due yet is grey", func() Facts {
			return Facts{PlanStart: start, MeasureDue: due, Periods: []PeriodReport{{DueOn: day("2015-07-05")}}}
		}, Grey, ReasonNothingDue},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Assignment(tt.facts(), DefaultRules, now)
			if got.Light != tt.want {
				t.Fatalf("light = %s (%v), want %s", got.Light, got.Reasons, tt.want)
			}
			if !slices.Contains(got.Reasons, tt.reason) {
				t.Fatalf("reasons %v lack %s", got.Reasons, tt.reason)
			}
		})
	}
}

func TestRulesAreApplied(t *testing.T) {
	now := day("2015-04-03")
	f := Facts{PlanStart: day("2014-07-01"), MeasureDue: day("2015-12-31"), Periods: []PeriodReport{{DueOn: day("2015-04-08")}}}
	if got := Assignment(f, DefaultRules, now).Light; got != Grey {
		t.Fatalf("due in 5 days with 3-day rule = %s, want grey", got)
	}
	if got := Assignment(f, Rules{ReturnGraceDays: 5, DueSoonDays: 7, BehindPoints: 10}, now).Light; got != Yellow {
		t.Fatalf("due in 5 days with 7-day rule = %s, want yellow", got)
	}
}

func TestMeasureAndWorst(t *testing.T) {
	if Measure(false, Green, Yellow, Grey) != Yellow || Measure(false, Green, Red) != Red || Measure(true, Red) != Blue {
		t.Fatal("Measure does not take the most urgent light")
	}
	if Worst() != Grey || Worst(Grey, Green) != Green {
		t.Fatal("Worst of none/grey+green is wrong")
	}
	for _, l := range All {
		if p, ok := Parse(l.String()); !ok || p != l {
			t.Fatalf("Parse(%s) = %v %v", l, p, ok)
		}
	}
}

func TestTargets(t *testing.T) {
	tests := []struct {
		op             string
		target, actual float64
		met            bool
	}{
		{">=", 93, 93, true}, {">=", 93, 92.9, false}, {">", 90, 90, false}, {"<=", 1.2, 1.1, true},
		{"<=", 6, 6.5, false}, {"<", 15, 14, true}, {"~", 6, 6.2, true}, {"~", 6, 7, false}, {"=", 100, 100, true},
	}
	for _, tt := range tests {
		if got := Met(tt.op, tt.target, tt.actual); got != tt.met {
			t.Errorf("Met(%s %v, %v) = %v", tt.op, tt.target, tt.actual, got)
		}
	}
	// A falling target (<=) on its path is fine; above the path is behind.
	tr := TargetTrack{Op: "<=", Value: 3.2, Year: 2015, Actuals: []Actual{{At: day("2014-07-01"), Value: 4.0}, {At: day("2015-07-01"), Value: 3.4}}}
	if TargetOffPath(tr, day("2014-07-01"), day("2015-07-01")) {
		t.Error("3.4 on 2015-07-01 is on the path from 4.0 to 3.2")
	}
	tr.Actuals[1].Value = 3.9
	if !TargetOffPath(tr, day("2014-07-01"), day("2015-07-01")) {
		t.Error("3.9 on 2015-07-01 is behind the path from 4.0 to 3.2")
	}
	if e := ExpectedPercent(day("2015-01-01"), day("2016-01-01"), day("2015-07-02")); e < 49 || e > 51 {
		t.Errorf("ExpectedPercent mid-year = %v", e)
	}
}
