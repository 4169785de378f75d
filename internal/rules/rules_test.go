package rules

import (
	"encoding/json"
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

// jiangmen are the demo plan's quarterly periods (the June stub folded
// into 2014Q3), each due 5 days after it ends.
func jiangmen() []Period {
	q := func(seq int, label, starts, ends, due string) Period {
		return Period{Seq: seq, Label: label, Starts: day(starts), Ends: day(ends), Due: day(due)}
	}
	return []Period{
		q(1, "2014Q3", "2014-06-17", "2014-09-30", "2014-10-05"),
		q(2, "2014Q4", "2014-10-01", "2014-12-31", "2015-01-05"),
		q(3, "2015Q1", "2015-01-01", "2015-03-31", "2015-04-05"),
		q(4, "2015Q2", "2015-04-01", "2015-06-30", "2015-07-05"),
		q(5, "2015Q3", "2015-07-01", "2015-09-30", "2015-10-05"),
		q(6, "2015Q4", "2015-10-01", "2015-12-31", "2016-01-05"),
	}
}

// on is a report handed in on a day, on track at pct.
func on(s string, pct int) Report {
	return Report{State: model.ReportApproved, SubmittedAt: day(s).Add(10 * time.Hour), Progress: model.ProgressOnTrack, Percent: pct}
}

func kinds(rs []Reason) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Kind)
	}
	return out
}

func chased(cs []Chase) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Period)
	}
	return out
}

func TestAssess(t *testing.T) {
	now := day("2015-04-03").Add(9 * time.Hour)
	ps := jiangmen()
	base := func() Facts {
		return Facts{PlanStart: day("2014-06-17"), DueOn: day("2015-12-31"),
			Reports: []Report{on("2014-10-02", 20), on("2015-01-04", 45)}}
	}
	tests := []struct {
		name    string
		facts   func() Facts
		light   Light
		reasons []string // kinds, in order
		chase   []string // period labels
		catchUp []int
		check   func(t *testing.T, s Status)
	}{
		{name: "on time and on track, Q1 submitted early is green",
			facts: func() Facts { f := base(); f.Reports = append(f.Reports, on("2015-04-01", 60)); return f },
			light: Green, reasons: []string{KindOnTrack}},
		{name: "current period due in 2 days is yellow and chased",
			facts: base, light: Yellow, reasons: []string{KindDueSoon}, chase: []string{"2015Q1"},
			check: func(t *testing.T, s Status) {
				r := s.Reasons[0]
				if r.Period != "2015Q1" || r.Days != 2 || !r.Date.Equal(day("2015-04-05")) {
					t.Errorf("due-soon reason %+v", r)
				}
				if s.Current != 2 || s.Periods[2] != DueSoon || s.Periods[3] != Open {
					t.Errorf("current %d, states %v", s.Current, s.Periods)
				}
			}},
		{name: "latest past period missing is red and names it",
			facts: func() Facts { f := base(); f.Reports = f.Reports[:1]; return f },
			light: Red, reasons: []string{KindOverdue, KindDueSoon}, chase: []string{"2014Q4", "2015Q1"},
			check: func(t *testing.T, s Status) {
				if r := s.Reasons[0]; r.Period != "2014Q4" || r.Days != 88 || r.Light != Red {
					t.Errorf("overdue reason %+v, want 2014Q4 88 days", r)
				}
			}},
		{name: "a missed period covered by a later report is 补报, not red",
			facts: func() Facts {
				f := base()
				f.Reports = []Report{on("2014-10-02", 20), {}, on("2015-04-02", 55)}
				return f
			},
			light: Green, reasons: []string{KindOnTrack, KindCatchUp}, chase: []string{"2014Q4"}, catchUp: []int{1},
			check: func(t *testing.T, s Status) {
				if s.Periods[1] != CatchUp || s.Reasons[1].Period != "2014Q4" || s.Reasons[1].Days != 88 {
					t.Errorf("states %v reasons %+v", s.Periods, s.Reasons)
				}
			}},
		{name: "a report filed late counts as handed in",
			facts: func() Facts {
				f := base()
				f.Reports[1] = on("2015-01-20", 45)
				f.Reports = append(f.Reports, on("2015-04-02", 60))
				return f
			},
			light: Green, reasons: []string{KindOnTrack},
			check: func(t *testing.T, s Status) {
				if s.Periods[0] != OnTime || s.Periods[1] != Late || !s.Periods[1].Handed() {
					t.Errorf("states %v, want on time then late", s.Periods)
				}
			}},
		{name: "returned and not resubmitted within 5 days is red",
			facts: func() Facts {
				f := base()
				f.Reports[1] = Report{State: model.ReportReturned, ReturnedAt: day("2015-03-22").Add(15 * time.Hour), Percent: 45}
				f.Reports = append(f.Reports, on("2015-04-01", 60))
				return f
			},
			light: Red, reasons: []string{KindReturnedStale}, chase: []string{"2014Q4"},
			check: func(t *testing.T, s Status) {
				if r := s.Reasons[0]; r.Period != "2014Q4" || r.Days != 12 {
					t.Errorf("returned reason %+v, want 2014Q4 12 days", r)
				}
			}},
		{name: "recently returned is yellow with the days left",
			facts: func() Facts {
				f := base()
				f.Reports = append(f.Reports, Report{State: model.ReportReturned, ReturnedAt: day("2015-04-02")})
				return f
			},
			light: Yellow, reasons: []string{KindReturned}, chase: []string{"2015Q1"},
			check: func(t *testing.T, s Status) {
				if r := s.Reasons[0]; r.Days != 4 || r.Period != "2015Q1" {
					t.Errorf("returned reason %+v, want 4 days left", r)
				}
			}},
		{name: "closed measure is blue and owes nothing more",
			facts: func() Facts { f := base(); f.ClosedOn = day("2015-01-15"); return f },
			light: Blue, reasons: []string{KindClosed},
			check: func(t *testing.T, s Status) {
				if s.Periods[1] != OnTime || s.Periods[2].Owed() || s.Periods[5].Owed() || len(s.Chase) != 0 {
					t.Errorf("closed: states %v chase %v", s.Periods, s.Chase)
				}
			}},
		{name: "early-due measure: no period starting after the due date, red when past due",
			facts: func() Facts {
				f := base()
				f.DueOn = day("2014-12-31")
				f.Reports[1].Percent = 90
				return f
			},
			light: Red, reasons: []string{KindMeasureOverdue},
			check: func(t *testing.T, s Status) {
				if !s.Periods[1].Owed() || s.Periods[2].Owed() || s.Periods[3].Owed() {
					t.Errorf("owed %v, want only 2014Q3–Q4", s.Periods)
				}
				if r := s.Reasons[0]; r.Days != 93 || !r.Date.Equal(day("2014-12-31")) {
					t.Errorf("measure overdue %+v", r)
				}
			}},
		{name: "an extension moves the due date: past the plan's date, not overdue",
			facts: func() Facts {
				f := base()
				f.DueOn = day("2015-06-30") // the measure said 2014-12-31; the office granted 2015-06-30
				f.Reports = append(f.Reports, on("2015-04-01", 85))
				return f
			},
			light: Green, reasons: []string{KindOnTrack},
			check: func(t *testing.T, s Status) {
				if !s.Periods[3].Owed() || s.Periods[4].Owed() {
					t.Errorf("owed %v, want through 2015Q2", s.Periods)
				}
			}},
		{name: "an instruction past its reply date without an answer is red",
			facts: func() Facts {
				f := base()
				f.Reports = append(f.Reports, on("2015-04-01", 60))
				f.Instructions = []Instruction{{Due: day("2015-03-20")}, {Due: day("2015-03-01"), AnsweredAt: day("2015-03-02")},
					{Due: day("2015-04-10")}}
				return f
			},
			light: Red, reasons: []string{KindInstruction},
			check: func(t *testing.T, s Status) {
				if r := s.Reasons[0]; r.Days != 14 || !r.Date.Equal(day("2015-03-20")) {
					t.Errorf("instruction overdue %+v, want due 2015-03-20, 14 days", r)
				}
			}},
		{name: "an instruction answered late or due today does not colour the light",
			facts: func() Facts {
				f := base()
				f.Reports = append(f.Reports, on("2015-04-01", 60))
				f.Instructions = []Instruction{{Due: day("2015-03-20"), AnsweredAt: day("2015-03-25")}, {Due: day("2015-04-03")}}
				return f
			},
			light: Green, reasons: []string{KindOnTrack}},
		{name: "measure due mid-quarter owes the quarter it ends in",
			facts: func() Facts { f := base(); f.DueOn = day("2015-05-31"); f.Reports[1].Percent = 55; return f },
			light: Yellow, reasons: []string{KindDueSoon}, chase: []string{"2015Q1"},
			check: func(t *testing.T, s Status) {
				if !s.Periods[3].Owed() || s.Periods[4].Owed() {
					t.Errorf("owed %v, want through 2015Q2 only", s.Periods)
				}
			}},
		{name: "assigned mid-plan owes from the period it was assigned in",
			facts: func() Facts {
				return Facts{PlanStart: day("2014-06-17"), DueOn: day("2015-12-31"), AssignedOn: day("2015-02-10")}
			},
			light: Yellow, reasons: []string{KindDueSoon}, chase: []string{"2015Q1"},
			check: func(t *testing.T, s Status) {
				if s.Periods[0].Owed() || s.Periods[1].Owed() || !s.Periods[2].Owed() {
					t.Errorf("owed %v, want from 2015Q1", s.Periods)
				}
			}},
		{name: "assigned after the last deadline passed is grey",
			facts: func() Facts {
				return Facts{PlanStart: day("2014-06-17"), DueOn: day("2015-12-31"), AssignedOn: day("2015-04-02")}
			},
			light: Grey, reasons: []string{KindNothingDue},
			check: func(t *testing.T, s Status) {
				if s.Periods[2].Owed() || s.Current != 3 {
					t.Errorf("owed %v current %d", s.Periods, s.Current)
				}
			}},
		{name: "progress state behind is yellow and names its report",
			facts: func() Facts {
				f := base()
				f.Reports = append(f.Reports, on("2015-04-01", 60))
				f.Reports[2].Progress = model.ProgressBehind
				return f
			},
			light: Yellow, reasons: []string{KindBehindState}},
		{name: "percent more than 10 points behind 序时进度 is yellow",
			facts: func() Facts {
				f := base()
				f.Reports = append(f.Reports, on("2015-04-01", 37))
				return f
			},
			light: Yellow, reasons: []string{KindBehindSchedule},
			check: func(t *testing.T, s Status) {
				r := s.Reasons[0]
				if r.Percent != 37 || r.Expected != 51 || r.Behind != 14 || r.Period != "2015Q1" {
					t.Errorf("behind reason %+v", r)
				}
			}},
		{name: "target behind its path is yellow with indicator and actual",
			facts: func() Facts {
				f := base()
				f.Reports = append(f.Reports, on("2015-04-01", 60))
				f.Targets = []Target{{Indicator: "学前三年毛入园率", Op: ">=", Value: 93, Unit: "%", Year: 2015,
					Actuals: []Actual{{At: day("2014-12-31"), Value: 85}, {At: day("2015-03-31"), Value: 85.5}}}}
				return f
			},
			light: Yellow, reasons: []string{KindTargetOffPath},
			check: func(t *testing.T, s Status) {
				if r := s.Reasons[0]; r.Indicator != "学前三年毛入园率" || r.Actual != 85.5 || r.Value != 93 || r.Op != ">=" {
					t.Errorf("target reason %+v", r)
				}
			}},
		{name: "nothing due yet is grey",
			facts: func() Facts {
				return Facts{PlanStart: day("2015-03-01"), DueOn: day("2015-12-31"), AssignedOn: day("2015-04-01")}
			},
			light: Grey, reasons: []string{KindNothingDue}},
		{name: "prompts already sent are counted per chased period",
			facts: func() Facts { f := base(); f.Reports = f.Reports[:1]; f.Prompts = []int{0, 2, 1}; return f },
			light: Red, reasons: []string{KindOverdue, KindDueSoon}, chase: []string{"2014Q4", "2015Q1"},
			check: func(t *testing.T, s Status) {
				if s.Chase[0].Sent != 2 || s.Chase[1].Sent != 1 || !s.Chases(1) || s.Chases(0) {
					t.Errorf("chase %+v", s.Chase)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Assess(ps, tt.facts(), DefaultSettings, now)
			if s.Light != tt.light {
				t.Fatalf("light = %s (%v), want %s", s.Light, kinds(s.Reasons), tt.light)
			}
			if got := kinds(s.Reasons); !slices.Equal(got, tt.reasons) {
				t.Errorf("reasons = %v, want %v", got, tt.reasons)
			}
			if got := chased(s.Chase); !slices.Equal(got, tt.chase) {
				t.Errorf("chase = %v, want %v", got, tt.chase)
			}
			if !slices.Equal(s.CatchUp, tt.catchUp) {
				t.Errorf("补报 = %v, want %v", s.CatchUp, tt.catchUp)
			}
			for _, r := range s.Reasons {
				reporting := r.Kind == KindOverdue || r.Kind == KindDueSoon || r.Kind == KindReturned ||
					r.Kind == KindReturnedStale || r.Kind == KindCatchUp
				if reporting && r.Period == "" {
					t.Errorf("reporting reason %s names no period", r.Kind)
				}
				if rank(r.Light) > rank(s.Light) {
					t.Errorf("reason %s asks for %s beside a %s light", r.Kind, r.Light, s.Light)
				}
			}
			if tt.check != nil {
				tt.check(t, s)
			}
		})
	}
}

func TestSettingsAreApplied(t *testing.T) {
	now := day("2015-04-01")
	f := Facts{PlanStart: day("2014-06-17"), DueOn: day("2015-12-31"), Reports: []Report{on("2014-10-02", 20), on("2015-01-04", 45)}}
	if got := Assess(jiangmen(), f, DefaultSettings, now).Light; got != Green {
		t.Fatalf("due in 4 days with the 3-day rule = %s, want green", got)
	}
	s := DefaultSettings
	s.DueSoonDays = 7
	if got := Assess(jiangmen(), f, s, now).Light; got != Yellow {
		t.Fatalf("due in 4 days with a 7-day rule = %s, want yellow", got)
	}
}

// Facts travel as JSON in a read model: the round trip keeps the answer.
func TestFactsRoundTrip(t *testing.T) {
	f := Facts{PlanStart: day("2014-06-17"), DueOn: day("2015-12-31"), AssignedOn: day("2014-11-02"),
		Reports: []Report{{}, on("2015-01-20", 40), {State: model.ReportReturned, ReturnedAt: day("2015-03-30")}},
		Targets: []Target{{Indicator: "x", Op: ">=", Value: 1, Year: 2015, Actuals: []Actual{{At: day("2014-12-31"), Value: 0.5}}}},
		Prompts: []int{0, 1}, Instructions: []Instruction{{Due: day("2015-03-01")}, {Due: day("2015-03-01"), AnsweredAt: day("2015-02-27")}}}
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	var g Facts
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	now := day("2015-04-03")
	a, c := Assess(jiangmen(), f, DefaultSettings, now), Assess(jiangmen(), g, DefaultSettings, now)
	if a.Light != c.Light || !slices.Equal(kinds(a.Reasons), kinds(c.Reasons)) || !slices.Equal(a.Periods, c.Periods) {
		t.Fatalf("round trip changed the answer: %v %v → %v %v", a.Light, kinds(a.Reasons), c.Light, kinds(c.Reasons))
	}
}

func TestMeasure(t *testing.T) {
	tests := []struct {
		name    string
		closed  bool
		rule    string
		lead    Light
		hasLead bool
		units   []Light
		want    Light
	}{
		{"closed is blue", true, MeasureByLead, Red, true, []Light{Red}, Blue},
		{"the lead decides by default", false, MeasureByLead, Green, true, []Light{Green, Red, Yellow}, Green},
		{"a red lead is red", false, MeasureByLead, Red, true, []Light{Red, Green}, Red},
		{"without a lead the worst decides", false, MeasureByLead, Grey, false, []Light{Green, Yellow}, Yellow},
		{"worst-unit rule", false, MeasureByWorst, Green, true, []Light{Green, Red}, Red},
		{"unknown rule is the lead rule", false, "", Green, true, []Light{Green, Red}, Green},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Measure(tt.closed, tt.rule, tt.lead, tt.hasLead, tt.units...); got != tt.want {
				t.Fatalf("Measure = %s, want %s", got, tt.want)
			}
		})
	}
	if Worst() != Grey || Worst(Grey, Green) != Green {
		t.Fatal("Worst of none/grey+green is wrong")
	}
	for _, l := range All {
		if p, ok := Parse(l.String()); !ok || p != l {
			t.Fatalf("Parse(%s) = %v %v", l, p, ok)
		}
	}
	if (Settings{}).Normalized().MeasureRule != MeasureByLead {
		t.Fatal("settings stored before the measure rule must read as the lead rule")
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
	tr := Target{Op: "<=", Value: 3.2, Year: 2015, Actuals: []Actual{{At: day("2014-07-01"), Value: 4.0}, {At: day("2015-07-01"), Value: 3.4}}}
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

func TestNextChange(t *testing.T) {
	ps := jiangmen()
	s := DefaultSettings
	due := day("2015-12-31")
	cases := []struct {
		name string
		f    Facts
		now  string
		want string
	}{
		{"before the deadline's warning days", Facts{PlanStart: ps[0].Starts, DueOn: due,
			Reports: []Report{on("2014-10-03", 20), on("2015-01-04", 40)}}, "2015-03-20", "2015-04-01"},
		{"within the warning days the deadline is next", Facts{PlanStart: ps[0].Starts, DueOn: due,
			Reports: []Report{on("2014-10-03", 20), on("2015-01-04", 40)}}, "2015-04-03", "2015-04-05"},
		{"on the deadline the day after", Facts{PlanStart: ps[0].Starts, DueOn: due,
			Reports: []Report{on("2014-10-03", 20), on("2015-01-04", 40)}}, "2015-04-05", "2015-04-06"},
		{"returned: the grace days end", Facts{PlanStart: ps[0].Starts, DueOn: due,
			Reports: []Report{on("2014-10-03", 20), on("2015-01-04", 40),
				{State: model.ReportReturned, SubmittedAt: day("2015-04-02"), ReturnedAt: day("2015-04-02").Add(15 * time.Hour)}}},
			"2015-04-06", "2015-04-08"},
		{"closed measure, nothing owed ahead", Facts{PlanStart: ps[0].Starts, DueOn: due, ClosedOn: day("2015-01-10"),
			Reports: []Report{on("2014-10-03", 20), on("2015-01-04", 100)}}, "2015-04-03", "2016-01-01"},
		{"a running period's report: 序时进度 moves daily", Facts{PlanStart: ps[0].Starts, DueOn: due,
			Reports: []Report{on("2014-10-03", 20), on("2015-01-04", 40), {}, on("2015-05-04", 50)}}, "2015-05-10", "2015-05-11"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			now := day(c.now).Add(9 * time.Hour)
			got := Assess(ps, c.f, s, now).NextChange
			if !got.Equal(day(c.want)) {
				t.Fatalf("next change %v, want %s", got, c.want)
			}
		})
	}
}

// TestNextChangeIsNeverLate walks many assignments through two years: at
// every few hours before NextChange, Assess must answer what it answered at the
// start (light, period states, chase, current period).
func TestNextChangeIsNeverLate(t *testing.T) {
	ps := jiangmen()
	s := DefaultSettings
	states := []string{"", model.ReportDraft, model.ReportSubmitted, model.ReportReturned, model.ReportApproved}
	progress := []string{model.ProgressOnTrack, model.ProgressBehind, model.ProgressDone}
	rnd := func(seed, n int) int { return (seed*7919 + n*104729) % 9973 }
	for seed := 1; seed < 60; seed++ {
		f := Facts{PlanStart: ps[0].Starts, DueOn: ps[seed%len(ps)].Ends}
		if seed%7 == 0 {
			f.ClosedOn = ps[2].Due.AddDate(0, 0, seed%11)
		}
		if seed%5 == 0 {
			f.AssignedOn = ps[1].Starts.AddDate(0, 0, seed%40)
		}
		for i := range ps {
			r := rnd(seed, i)
			st := states[r%len(states)]
			rep := Report{State: st, Progress: progress[r%len(progress)], Percent: (r % 10) * 10}
			if st != "" && st != model.ReportDraft {
				rep.SubmittedAt = ps[i].Due.AddDate(0, 0, r%9-4).Add(10 * time.Hour)
			}
			if st == model.ReportReturned {
				rep.ReturnedAt = rep.SubmittedAt.AddDate(0, 0, 1+r%3)
			}
			f.Reports = append(f.Reports, rep)
		}
		if seed%3 == 0 {
			f.Targets = []Target{{Indicator: "x", Op: ">=", Value: 90, Year: 2015, Actuals: []Actual{{At: ps[1].Ends, Value: 40}}}}
		}
		for now := ps[0].Starts.Add(-48 * time.Hour); now.Before(day("2016-03-01")); {
			a := Assess(ps, f, s, now)
			end := a.NextChange
			if end.IsZero() {
				end = day("2016-03-01")
			}
			for at := now.Add(time.Hour); at.Before(end); at = at.Add(5 * time.Hour) {
				b := Assess(ps, f, s, at)
				if b.Light != a.Light || !slices.Equal(b.Periods, a.Periods) || b.Current != a.Current ||
					!slices.Equal(chased(b.Chase), chased(a.Chase)) {
					t.Fatalf("seed %d: assessed at %v, next change %v, but it changed at %v (%v→%v)", seed, now, a.NextChange, at, a.Light, b.Light)
				}
			}
			if a.NextChange.IsZero() {
				break
			}
			now = a.NextChange
		}
	}
}
