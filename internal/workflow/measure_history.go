package workflow

import (
	"context"

	"duban/internal/model"
	"duban/internal/store"
)

// MeasureHistory is what a measure's history workbook holds for one
// viewer: every report (a unit user's own unit's only) with its actuals
// and reviews, and the measure's record as the viewer may see it.
type MeasureHistory struct {
	Plan    model.Plan
	Domain  model.Domain
	Measure model.Measure
	Targets []model.Target
	Periods map[int64]model.Period
	Units   map[int64]model.Unit
	Reports []store.HistoryRow
	Values  []model.TargetValue
	Reviews []model.Review
	// Timeline is the measure's full record as the viewer may see it.
	Timeline []Event
}

// MeasureHistory loads measure id's history for actor. A unit user reads
// only a measure its unit is assigned to, and only its own reports.
func (s *Service) MeasureHistory(ctx context.Context, a store.Actor, id int64) (*MeasureHistory, error) {
	m, err := s.st.MeasureByID(ctx, id)
	if err != nil {
		return nil, err
	}
	var unitID int64
	if a.Role == model.RoleUnit {
		unitID = a.UnitID
		ok, err := s.st.IsAssigned(ctx, m.ID, unitID)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, model.Refused("measure", m.ID)
		}
	}
	h := &MeasureHistory{Measure: *m, Periods: map[int64]model.Period{}}
	plan, err := s.st.PlanByID(ctx, m.PlanID)
	if err != nil {
		return nil, err
	}
	h.Plan = *plan
	ds, err := s.st.DomainsOf(ctx, m.PlanID)
	if err != nil {
		return nil, err
	}
	for _, d := range ds {
		if d.ID == m.DomainID {
			h.Domain = d
		}
	}
	if h.Targets, err = s.st.TargetsOf(ctx, m.ID); err != nil {
		return nil, err
	}
	ps, err := s.st.PeriodsOf(ctx, m.PlanID)
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		h.Periods[p.ID] = p
	}
	if h.Reports, h.Values, h.Reviews, err = s.st.MeasureHistory(ctx, m.ID, unitID); err != nil {
		return nil, err
	}
	ids := []int64{}
	for _, r := range h.Reports {
		ids = append(ids, r.UnitID)
	}
	if h.Units, err = s.st.UnitsByID(ctx, ids); err != nil {
		return nil, err
	}
	rec, err := s.MeasureRecordOf(ctx, a, m, 0)
	if err != nil {
		return nil, err
	}
	h.Timeline = rec.Timeline
	return h, nil
}
