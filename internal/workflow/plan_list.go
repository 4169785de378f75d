package workflow

import (
	"context"

	"duban/internal/clock"
	"duban/internal/model"
)

// PlanRow is one plan in the list of plans: its header (Periods not
// counted) and its measures.
type PlanRow struct {
	PlanInfo
	Measures int64
	Closed   int64
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
		out = append(out, PlanRow{PlanInfo: planInfo(&p, 0), Measures: n.Total, Closed: n.Closed})
	}
	return out, nil
}

// planInfo is a plan's header with its number of periods.
func planInfo(p *model.Plan, periods int) PlanInfo {
	return PlanInfo{ID: p.ID, Title: p.Title, Issuer: p.Issuer, IssuedOn: p.IssuedOn, StartOn: clock.DayText(p.StartOn),
		EndOn: clock.DayText(p.EndOn), Reporting: p.Reporting, DueDays: p.DueDays, Periods: periods, Demo: p.Demo}
}
