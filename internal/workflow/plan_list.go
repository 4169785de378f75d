package workflow

import (
	"context"

	"duban/internal/clock"
)

// PlanRow is one plan in the list of plans.
type PlanRow struct {
	ID           int64
	Title        string
	Issuer       string
	IssuedOn     string
	StartOn      string
	EndOn        string
	ReportingKey string // catalog key of the reporting cycle
	Measures     int64
	Closed       int64
	Demo         bool
}

// PlanList lists every plan, newest first, with its measures counted.
// Every role reads every plan.
func (s *Service) PlanList(ctx context.Context) ([]PlanRow, error) {
	ps, err := s.st.ListPlans(ctx)
	if err != nil {
		return nil, err
	}
	counts, err := s.st.MeasureCountsByPlan(ctx)
	if err != nil {
		return nil, err
	}
	var out []PlanRow
	for _, p := range ps {
		n := counts[p.ID]
		out = append(out, PlanRow{ID: p.ID, Title: p.Title, Issuer: p.Issuer, IssuedOn: p.IssuedOn,
			StartOn: clock.DayText(p.StartOn), EndOn: clock.DayText(p.EndOn), ReportingKey: "plans.reporting." + p.Reporting,
			Measures: n.Total, Closed: n.Closed, Demo: p.Demo})
	}
	return out, nil
}
