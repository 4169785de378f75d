package workflow

import (
	"context"
	"time"

	"duban/internal/lights"
	"duban/internal/model"
	"duban/internal/periods"
	"duban/internal/store"
)

// Facts are the data the lights of a set of assignments are computed
// from, loaded in a fixed number of queries whatever the number of rows.
type Facts struct {
	Rules   lights.Rules
	Periods map[int64][]model.Period // by plan
	Reports map[int64][]model.Report // by assignment
	Targets map[int64][]model.Target // by measure
	Values  map[int64][]model.TargetValue
}

// LoadFacts loads what the lights of rows need: rules, periods, reports,
// targets and the actual values of submitted reports (five queries, each
// chunked for very large sets).
func (s *Service) LoadFacts(ctx context.Context, rows []store.AssignmentRow) (*Facts, error) {
	f := &Facts{Reports: map[int64][]model.Report{}, Values: map[int64][]model.TargetValue{}}
	var err error
	if f.Rules, err = s.st.LightRules(ctx); err != nil {
		return nil, err
	}
	planSet, measureSet := map[int64]bool{}, map[int64]bool{}
	var planIDs, measureIDs, asgIDs []int64
	for _, r := range rows {
		if !planSet[r.PlanID] {
			planSet[r.PlanID] = true
			planIDs = append(planIDs, r.PlanID)
		}
		if !measureSet[r.MeasureID] {
			measureSet[r.MeasureID] = true
			measureIDs = append(measureIDs, r.MeasureID)
		}
		asgIDs = append(asgIDs, r.ID)
	}
	if f.Periods, err = s.st.PeriodsOfPlans(ctx, planIDs); err != nil {
		return nil, err
	}
	if f.Targets, err = s.st.TargetsOfMeasures(ctx, measureIDs); err != nil {
		return nil, err
	}
	reps, err := s.st.ReportsOfAssignments(ctx, asgIDs)
	if err != nil {
		return nil, err
	}
	var submitted []int64
	for _, r := range reps {
		f.Reports[r.AssignmentID] = append(f.Reports[r.AssignmentID], r)
		if r.State == model.ReportSubmitted || r.State == model.ReportApproved {
			submitted = append(submitted, r.ID)
		}
	}
	vals, err := s.st.TargetValuesOf(ctx, submitted)
	if err != nil {
		return nil, err
	}
	for _, v := range vals {
		f.Values[v.ReportID] = append(f.Values[v.ReportID], v)
	}
	return f, nil
}

// ReportOf returns the report of an assignment for a period, or nil.
func (f *Facts) ReportOf(assignmentID, periodID int64) *model.Report {
	for i, r := range f.Reports[assignmentID] {
		if r.PeriodID == periodID {
			return &f.Reports[assignmentID][i]
		}
	}
	return nil
}

// Light computes one assignment's light at now.
func (f *Facts) Light(row *store.AssignmentRow, now time.Time) lights.Result {
	ps := f.Periods[row.PlanID]
	byPeriod := map[int64]*model.Report{}
	for i, r := range f.Reports[row.ID] {
		byPeriod[r.PeriodID] = &f.Reports[row.ID][i]
	}
	facts := lights.Facts{PlanStart: row.PlanStartOn, MeasureDue: row.MeasureDueOn, MeasureClosed: row.Closed()}
	actuals := map[int64][]lights.Actual{}
	for _, p := range ps {
		pr := lights.PeriodReport{DueOn: p.DueOn}
		r := byPeriod[p.ID]
		if r != nil {
			pr.State, pr.ReturnedAt = r.State, r.ReturnedAt
		}
		facts.Periods = append(facts.Periods, pr)
		if r == nil || (r.State != model.ReportSubmitted && r.State != model.ReportApproved) {
			continue
		}
		// Periods run in order, so the last submitted report seen is the latest.
		facts.HasProgress, facts.ProgressState, facts.Percent = true, r.ProgressState, r.Percent
		for _, v := range f.Values[r.ID] {
			if v.Value != nil {
				actuals[v.TargetID] = append(actuals[v.TargetID], lights.Actual{At: p.EndsOn, Value: *v.Value})
			}
		}
	}
	for _, t := range f.Targets[row.MeasureID] {
		facts.Targets = append(facts.Targets, lights.TargetTrack{Op: t.Op, Value: t.Value, Year: t.Year, Actuals: actuals[t.ID]})
	}
	return lights.Assignment(facts, f.Rules, now)
}

// Lights computes the light of every row, keyed by assignment ID.
func (s *Service) Lights(ctx context.Context, rows []store.AssignmentRow, now time.Time) (map[int64]lights.Result, *Facts, error) {
	f, err := s.LoadFacts(ctx, rows)
	if err != nil {
		return nil, nil, err
	}
	out := make(map[int64]lights.Result, len(rows))
	for i := range rows {
		out[rows[i].ID] = f.Light(&rows[i], now)
	}
	return out, f, nil
}

// MeasureLights combines assignment lights per measure.
func MeasureLights(rows []store.AssignmentRow, res map[int64]lights.Result) map[int64]lights.Light {
	per := map[int64][]lights.Light{}
	closed := map[int64]bool{}
	for _, r := range rows {
		per[r.MeasureID] = append(per[r.MeasureID], res[r.ID].Light)
		closed[r.MeasureID] = r.Closed()
	}
	out := make(map[int64]lights.Light, len(per))
	for m, ls := range per {
		out[m] = lights.Measure(closed[m], ls...)
	}
	return out
}

// CurrentPeriod is the index of the period to report on at now (see
// periods.Current), -1 for none.
func CurrentPeriod(ps []model.Period, now time.Time) int {
	xs := make([]periods.Period, len(ps))
	for i, p := range ps {
		xs[i] = periods.Period{Seq: p.Seq, Label: p.Label, StartsOn: p.StartsOn, EndsOn: p.EndsOn, DueOn: p.DueOn}
	}
	return periods.Current(xs, now)
}

// LatestSubmitted is an assignment's submitted or approved report of the
// latest period, or nil.
func (f *Facts) LatestSubmitted(assignmentID int64) *model.Report {
	var best *model.Report
	bestSeq := -1
	seq := map[int64]int{}
	for _, ps := range f.Periods {
		for _, p := range ps {
			seq[p.ID] = p.Seq
		}
	}
	for i, r := range f.Reports[assignmentID] {
		if (r.State == model.ReportSubmitted || r.State == model.ReportApproved) && seq[r.PeriodID] > bestSeq {
			best, bestSeq = &f.Reports[assignmentID][i], seq[r.PeriodID]
		}
	}
	return best
}
