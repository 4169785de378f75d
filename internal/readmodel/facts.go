package readmodel

import (
	"encoding/json"
	"sort"
	"time"

	"duban/internal/clock"
	"duban/internal/model"
	"duban/internal/rules"
)

// Facts is what the read model keeps of one assignment: the compact facts
// the rules read (reports per period, actuals, prompts, dates) and the
// tallies the pages count. It is stored as JSON with short names and Unix
// seconds, which decode several times faster than dates.
type Facts struct {
	Reports   []Report `json:"r,omitempty"` // by period index of the plan
	Values    []Value  `json:"v,omitempty"` // actuals in submitted or approved reports
	Prompts   []int    `json:"p,omitempty"` // 催办 sent per period index (nil when none)
	Open      int      `json:"o,omitempty"` // unresolved prompts
	Approvals int      `json:"a,omitempty"` // review decisions on the assignment's reports
	Returns   int      `json:"x,omitempty"`
	PlanStart int64    `json:"ps"`
	Assigned  int64    `json:"as,omitempty"` // rules.Facts.AssignedOn: 0 when it came with the plan
	Created   int64    `json:"cr,omitempty"` // the assignment row's creation
	Signed    int64    `json:"sg,omitempty"` // 签收; 0 while unsigned
	Due       int64    `json:"du"`
	Closed    int64    `json:"cl,omitempty"`
	// AdjDue is the deadline an approved extension (延期) set for the
	// assignment, 0 while the measure's stands.
	AdjDue int64 `json:"ad,omitempty"`
	// Instr are the leaders' instructions (领导批示) with a reply date that
	// the assignment (the measure's lead) answers.
	Instr []Instr `json:"in,omitempty"`
}

// Instr is one instruction's reply date and when it was answered (0 while
// not), in Unix seconds.
type Instr struct {
	Due      int64 `json:"d"`
	Answered int64 `json:"a,omitempty"`
}

// DueOn is the assignment's deadline: the extension's date, else the
// measure's.
func (f *Facts) DueOn() time.Time {
	if f.AdjDue != 0 {
		return FromEpoch(f.AdjDue)
	}
	return FromEpoch(f.Due)
}

// Report is the state of one assignment × period (the zero Report when the
// unit has not started one), packed small: a province's overview holds a
// million of them.
type Report struct {
	ID           int64 `json:"i,omitempty"`
	SubmittedSec int64 `json:"t,omitempty"` // Unix seconds, 0 when never submitted
	ReturnedSec  int64 `json:"u,omitempty"` // Unix seconds, 0 when never returned
	Pct          int16 `json:"c,omitempty"`
	StateCode    uint8 `json:"s,omitempty"` // index in stateNames
	ProgressCode uint8 `json:"g,omitempty"` // index in progressNames
}

// Value is one actual reported for a target in a submitted report.
type Value struct {
	Period int     `json:"p"`
	Target int64   `json:"t"`
	V      float64 `json:"v"`
}

var (
	stateNames    = []string{"", model.ReportDraft, model.ReportSubmitted, model.ReportReturned, model.ReportApproved}
	progressNames = []string{"", model.ProgressNotStarted, model.ProgressOnTrack, model.ProgressBehind, model.ProgressDone}
)

func code(names []string, s string) uint8 {
	for i, n := range names {
		if n == s {
			return uint8(i)
		}
	}
	return 0
}

// Epoch is t in Unix seconds, 0 for the zero time.
func Epoch(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

// FromEpoch is the inverse of Epoch.
func FromEpoch(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(n, 0).UTC()
}

// NewReport packs a report's facts.
func NewReport(id int64, state, progress string, percent int, submitted, returned time.Time) Report {
	return Report{ID: id, StateCode: code(stateNames, state), ProgressCode: code(progressNames, progress),
		Pct: int16(percent), SubmittedSec: Epoch(submitted), ReturnedSec: Epoch(returned)}
}

// State is the report's state (model.Report*), "" when none was started.
func (r Report) State() string { return stateNames[r.StateCode] }

// Progress is the reported progress state (model.Progress*).
func (r Report) Progress() string { return progressNames[r.ProgressCode] }

// Percent is the reported percent complete.
func (r Report) Percent() int { return int(r.Pct) }

// SubmittedAt is when the current version was submitted (zero for never).
func (r Report) SubmittedAt() time.Time { return FromEpoch(r.SubmittedSec) }

// ReturnedAt is when the report was last returned (zero for never).
func (r Report) ReturnedAt() time.Time { return FromEpoch(r.ReturnedSec) }

// Started reports whether the unit has started a report for the period.
func (r Report) Started() bool { return r.StateCode != 0 }

// Submitted reports whether the report counts as handed in (submitted or
// approved; a returned report has to be handed in again).
func (r Report) Submitted() bool {
	st := stateNames[r.StateCode]
	return st == model.ReportSubmitted || st == model.ReportApproved
}

// Encode is the JSON stored in assignment_states.facts.
func (f *Facts) Encode() string {
	b, err := json.Marshal(f)
	if err != nil {
		panic(err) // plain numbers and slices cannot fail
	}
	return string(b)
}

// Decode reads what Encode wrote.
func Decode(s string, f *Facts) error { return json.Unmarshal([]byte(s), f) }

// AssignedOn is when the unit was given the work as the rules read it:
// zero for an assignment made with its plan (it owes from the plan's
// start), else the day it was added.
func AssignedOn(created, planCreated time.Time) time.Time {
	made := clock.Date(created)
	if created.IsZero() || !made.After(clock.Date(planCreated)) {
		return time.Time{}
	}
	return made
}

// Track is a target's actuals as reported, oldest first, dated at the end
// of their period (ends by period index).
func Track(vals []Value, t *model.Target, ends []time.Time) rules.Target {
	tr := rules.Target{Indicator: t.Indicator, Op: t.Op, Value: t.Value, Unit: t.Unit, Year: t.Year}
	for _, x := range vals {
		if x.Target == t.ID && x.Period < len(ends) {
			tr.Actuals = append(tr.Actuals, rules.Actual{At: ends[x.Period], Value: x.V})
		}
	}
	sort.Slice(tr.Actuals, func(i, j int) bool { return tr.Actuals[i].At.Before(tr.Actuals[j].At) })
	return tr
}

// Rules builds the rules.Facts of the assignment, reusing buf's slices;
// ends are the plan's period ends by index, targets the measure's.
func (f *Facts) Rules(ends []time.Time, targets []*model.Target, buf rules.Facts) rules.Facts {
	out := rules.Facts{PlanStart: FromEpoch(f.PlanStart), AssignedOn: FromEpoch(f.Assigned), DueOn: f.DueOn(),
		ClosedOn: FromEpoch(f.Closed), Reports: buf.Reports[:0], Targets: buf.Targets[:0], Prompts: f.Prompts,
		Instructions: buf.Instructions[:0]}
	for _, in := range f.Instr {
		out.Instructions = append(out.Instructions, rules.Instruction{Due: FromEpoch(in.Due), AnsweredAt: FromEpoch(in.Answered)})
	}
	for _, r := range f.Reports {
		out.Reports = append(out.Reports, rules.Report{State: r.State(), SubmittedAt: r.SubmittedAt(), ReturnedAt: r.ReturnedAt(),
			Progress: r.Progress(), Percent: r.Percent()})
	}
	if len(f.Values) > 0 {
		for _, t := range targets {
			if tr := Track(f.Values, t, ends); len(tr.Actuals) > 0 {
				out.Targets = append(out.Targets, tr)
			}
		}
	}
	return out
}

// OwedWork is an assignment's reports to write (owed, not handed in, up to
// the current period) and to revise (returned), as period indexes: the
// unit's 待办. A closed measure owes nothing.
func OwedWork(closed bool, st *rules.Status) (due, returned []int) {
	if closed {
		return nil, nil
	}
	for i, ps := range st.Periods {
		switch ps {
		case rules.Returned, rules.ReturnedStale:
			returned = append(returned, i)
		case rules.Overdue, rules.CatchUp, rules.DueSoon:
			due = append(due, i)
		case rules.Open:
			if i <= st.Current {
				due = append(due, i)
			}
		}
	}
	return due, returned
}
