package bulletin

import (
	"context"
	"sort"
	"time"

	"duban/internal/clock"
	"duban/internal/figures"
	"duban/internal/format"
	"duban/internal/model"
	"duban/internal/rules"
	"duban/internal/store"
)

// Figures are what the system drafts a bulletin from, all read from the
// one facts loader (internal/figures) at one instant. A draft shows them
// as they are now; publishing stores them as JSON, so a published
// bulletin reads the same forever. The JSON shape is part of the stored
// data: add fields, never rename them.
type Figures struct {
	AsOf        time.Time `json:"as_of"`
	Plan        string    `json:"plan"`
	Period      string    `json:"period"` // stored label, e.g. 2014Q4
	PeriodStart time.Time `json:"period_start"`
	PeriodEnd   time.Time `json:"period_end"`
	PeriodDue   time.Time `json:"period_due"`

	Measures   Lights  `json:"measures"`   // measures by light now
	Completion float64 `json:"completion"` // mean percent complete, 0–100
	Reporting  Rate    `json:"reporting"`  // the period's reports across all units

	Units        []UnitRate    `json:"units"` // ranked, best first
	Red          []RedItem     `json:"red"`
	Closed       []ClosedItem  `json:"closed"`
	Extensions   []Extension   `json:"extensions"`
	Instructions []Instruction `json:"instructions"`
}

// Lights counts measures by light.
type Lights struct {
	Total  int `json:"total"`
	Red    int `json:"red"`
	Yellow int `json:"yellow"`
	Green  int `json:"green"`
	Blue   int `json:"blue"`
	Grey   int `json:"grey"`
}

// Rate is how many reports of the period were owed, handed in, and handed
// in by the deadline.
type Rate struct {
	Expected  int `json:"expected"`
	Submitted int `json:"submitted"`
	OnTime    int `json:"on_time"`
}

// OnTimePercent is OnTime/Expected in percent, one decimal.
func (r Rate) OnTimePercent() float64 { return percent(r.OnTime, r.Expected) }

// SubmittedPercent is Submitted/Expected in percent, one decimal.
func (r Rate) SubmittedPercent() float64 { return percent(r.Submitted, r.Expected) }

// Missing is the number of owed reports not handed in.
func (r Rate) Missing() int { return r.Expected - r.Submitted }

// Late is the number handed in after the deadline.
func (r Rate) Late() int { return r.Submitted - r.OnTime }

func percent(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return figures.Round1(float64(a) * 100 / float64(b))
}

// UnitRate is one unit's line of the on-time ranking.
type UnitRate struct {
	Rank int    `json:"rank"` // 1 is best; equal rates share a rank
	Unit string `json:"unit"`
	Rate
}

// RedItem is an assignment whose light is red, with the rules' reasons.
type RedItem struct {
	MeasureID int64          `json:"measure_id"`
	Measure   string         `json:"measure"`
	Unit      string         `json:"unit"`
	Lead      bool           `json:"lead"`
	Reasons   []rules.Reason `json:"reasons"`
}

// ClosedItem is a measure closed (办结) in the period.
type ClosedItem struct {
	MeasureID int64     `json:"measure_id"`
	Measure   string    `json:"measure"`
	Unit      string    `json:"unit"` // the lead unit
	ClosedOn  time.Time `json:"closed_on"`
}

// Extension is a deadline extension (延期) granted in the period.
type Extension struct {
	MeasureID int64     `json:"measure_id"`
	Measure   string    `json:"measure"`
	Unit      string    `json:"unit"`
	Original  time.Time `json:"original"` // 原定时限
	Granted   time.Time `json:"granted"`  // 调整后时限
	DecidedOn time.Time `json:"decided_on"`
}

// Instruction is a leader's instruction (领导批示) still without an answer.
type Instruction struct {
	MeasureID int64     `json:"measure_id"`
	Measure   string    `json:"measure"`
	Unit      string    `json:"unit"` // the unit that owes the answer
	Author    string    `json:"author"`
	Text      string    `json:"text"`
	GivenOn   time.Time `json:"given_on"`
	ReplyBy   time.Time `json:"reply_by"` // zero when no date was set
}

// Extras are the bulletin sections that extensions (延期) and leaders'
// instructions (领导批示) fill.
type Extras struct {
	Extensions   []Extension
	Instructions []Instruction
}

// ExtrasFunc loads the extensions granted in a plan's period and the
// instructions unanswered at now.
type ExtrasFunc func(ctx context.Context, planID int64, period model.Period, now time.Time) (Extras, error)

// StoreExtras loads the extras from the store: the extensions approved
// during the period (its first to its last day) and the instructions past
// their reply date without an answer at now (as the lights count them).
func StoreExtras(st *store.Store) ExtrasFunc {
	return func(ctx context.Context, planID int64, per model.Period, now time.Time) (Extras, error) {
		var ex Extras
		granted, err := st.ExtensionsGranted(ctx, planID, clock.Date(per.StartsOn), clock.Date(per.EndsOn).AddDate(0, 0, 1))
		if err != nil {
			return ex, err
		}
		for _, g := range granted {
			ex.Extensions = append(ex.Extensions, Extension{MeasureID: g.MeasureID,
				Measure: format.MeasureName(g.DomainLabel, g.MeasureLabel, g.MeasureTitle), Unit: g.UnitName,
				Original: clock.Date(g.OriginalOn), Granted: clock.Date(g.DecidedOn), DecidedOn: clock.Date(g.DecidedAt)})
		}
		open, err := st.UnansweredInstructions(ctx, planID, now)
		if err != nil {
			return ex, err
		}
		for _, in := range open {
			// Listed when the light counts it: a reply date has passed.
			if in.DueOn == nil || !rules.InstructionOverdue(rules.Instruction{Due: *in.DueOn}, now) {
				continue
			}
			x := Instruction{MeasureID: in.MeasureID, Measure: format.MeasureName(in.DomainLabel, in.MeasureLabel, in.MeasureTitle),
				Unit: in.UnitName, Author: in.AuthorName, Text: in.Body, GivenOn: clock.Date(in.CreatedAt)}
			x.ReplyBy = clock.Date(*in.DueOn)
			ex.Instructions = append(ex.Instructions, x)
		}
		return ex, nil
	}
}

// compute drafts the figures of a plan's period at now.
func (s *Service) compute(ctx context.Context, planID, periodID int64, now time.Time) (*Figures, error) {
	snap, err := figures.Load(ctx, s.st, figures.Scope{PlanID: planID}, now)
	if err != nil {
		return nil, err
	}
	p := snap.Plan(planID)
	if p == nil {
		return nil, model.ErrNotFound
	}
	pi := p.PeriodIndex(periodID)
	if pi < 0 {
		return nil, model.ErrNotFound
	}
	per := p.Periods[pi]
	f := &Figures{AsOf: now.UTC(), Plan: p.Title, Period: per.Label, PeriodStart: per.StartsOn, PeriodEnd: per.EndsOn, PeriodDue: per.DueOn}

	c := snap.MeasureLights()
	f.Measures = Lights{Total: c.Total, Red: c.Red, Yellow: c.Yellow, Green: c.Green, Blue: c.Blue, Grey: c.Grey}
	f.Completion = figures.Round1(snap.Total().Completion)

	// On-time reporting by unit: what the rules say each assignment owed
	// for the period and whether it was handed in by the deadline.
	type tally struct {
		unit *model.Unit
		Rate
	}
	by := map[int64]*tally{}
	var order []*tally
	for _, a := range snap.Assignments {
		if !a.Owed(pi) {
			continue
		}
		t := by[a.UnitID]
		if t == nil {
			t = &tally{unit: a.Unit}
			by[a.UnitID] = t
			order = append(order, t)
		}
		t.Expected++
		f.Reporting.Expected++
		if a.Reports[pi].Submitted() {
			t.Submitted++
			f.Reporting.Submitted++
			if a.OnTime(pi) {
				t.OnTime++
				f.Reporting.OnTime++
			}
		}
	}
	sort.SliceStable(order, func(i, j int) bool {
		a, b := order[i], order[j]
		if x, y := a.OnTimePercent(), b.OnTimePercent(); x != y {
			return x > y
		}
		if x, y := a.SubmittedPercent(), b.SubmittedPercent(); x != y {
			return x > y
		}
		return a.Expected > b.Expected // then in plan order (stable)
	})
	for i, t := range order {
		rank := i + 1
		if i > 0 {
			prev := f.Units[i-1]
			if prev.OnTimePercent() == t.OnTimePercent() && prev.SubmittedPercent() == t.SubmittedPercent() {
				rank = prev.Rank
			}
		}
		f.Units = append(f.Units, UnitRate{Rank: rank, Unit: t.unit.Name, Rate: t.Rate})
	}

	att, _ := snap.Attention(0)
	for _, x := range att {
		a := x.Assignment
		if a.Status.Light != rules.Red {
			continue
		}
		var rs []rules.Reason
		for _, r := range a.Status.Reasons {
			if r.Light == rules.Red {
				rs = append(rs, r)
			}
		}
		if len(rs) == 0 {
			rs = a.Status.Reasons
		}
		f.Red = append(f.Red, RedItem{MeasureID: a.MeasureID, Measure: measureName(a.Measure), Unit: a.Unit.Name,
			Lead: a.Role == model.AssignLead, Reasons: rs})
	}

	from, to := clock.Date(per.StartsOn), clock.Date(per.EndsOn)
	for _, m := range snap.Measures {
		if m.ClosedAt == nil {
			continue
		}
		if d := clock.Date(*m.ClosedAt); d.Before(from) || d.After(to) {
			continue
		}
		it := ClosedItem{MeasureID: m.ID, Measure: measureName(m), ClosedOn: clock.Date(*m.ClosedAt)}
		if l := m.Lead(); l != nil {
			it.Unit = l.Unit.Name
		}
		f.Closed = append(f.Closed, it)
	}

	ex, err := s.extras(ctx, planID, per, now)
	if err != nil {
		return nil, err
	}
	f.Extensions, f.Instructions = ex.Extensions, ex.Instructions
	return f, nil
}

func measureName(m *figures.Measure) string {
	domain := ""
	if m.Domain != nil {
		domain = m.Domain.Label
	}
	return format.MeasureName(domain, m.Label, m.Title)
}
