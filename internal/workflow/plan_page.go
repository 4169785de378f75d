package workflow

import (
	"context"
	"encoding/json"
	"time"

	"duban/internal/clock"
	"duban/internal/format"
	"duban/internal/model"
	"duban/internal/store"
)

// PlanPage is a plan in its own order, domains (一)…(十) with their
// measures, as one viewer sees it: a unit user's own assignments are
// marked and can be filtered to; administrators see the import warnings.
type PlanPage struct {
	Plan     PlanInfo
	Domains  []PlanDomain
	Warnings []string // import warnings, for administrators only
	IsAdmin  bool
	// MineOnly: the list is narrowed to the unit user's measures, MyCount
	// of them.
	MineOnly bool
	MyCount  int
	Measures int
	Closed   int
	Targets  int
}

// PlanInfo is the plan's header.
type PlanInfo struct {
	ID        int64
	Title     string
	Issuer    string
	IssuedOn  string
	StartOn   string
	EndOn     string
	Reporting string // quarterly or monthly
	DueDays   int
	Periods   int
	Demo      bool
}

// PlanDomain is one domain (一)…(十) with its measures.
type PlanDomain struct {
	ID       int64
	Label    string
	Title    string
	Goal     string
	Measures []PlanMeasure
}

// PlanMeasure is one measure in the plan's table.
type PlanMeasure struct {
	ID          int64
	PlanLabel   string // (一)2
	Title       string
	Lead        []string
	Responsible []string // unit groups collapsed to their name
	Targets     int
	DueOn       string
	Overdue     bool
	Closed      bool
	ClosedOn    string
	MineRole    string // lead / responsible / "" for the viewer's unit
}

// PlanPage assembles plan id's page for actor at now; mineOnly narrows a
// unit user's list to the unit's own measures.
func (s *Service) PlanPage(ctx context.Context, a store.Actor, id int64, mineOnly bool, now time.Time) (*PlanPage, error) {
	p, err := s.st.PlanByID(ctx, id)
	if err != nil {
		return nil, err
	}
	domains, err := s.st.DomainsOf(ctx, id)
	if err != nil {
		return nil, err
	}
	measures, err := s.st.MeasuresOf(ctx, id)
	if err != nil {
		return nil, err
	}
	targets, err := s.st.TargetsOfPlan(ctx, id)
	if err != nil {
		return nil, err
	}
	ps, err := s.st.PeriodsOf(ctx, id)
	if err != nil {
		return nil, err
	}
	page := &PlanPage{
		Plan:     planInfo(p, len(ps)),
		IsAdmin:  a.Role == model.RoleAdmin,
		Targets:  len(targets),
		MineOnly: mineOnly && a.UnitID != 0,
	}
	if page.IsAdmin {
		page.Warnings = planWarnings(p.Warnings)
	}
	targetCount := map[int64]int{}
	for _, t := range targets {
		targetCount[t.MeasureID]++
	}
	units, err := s.planUnits(ctx, a, id)
	if err != nil {
		return nil, err
	}
	if a.Role == model.RoleUnit {
		page.MyCount = len(units.mine)
	}
	idx := map[int64]int{}
	for _, d := range domains {
		idx[d.ID] = len(page.Domains)
		page.Domains = append(page.Domains, PlanDomain{ID: d.ID, Label: d.Label, Title: d.Title, Goal: d.Goal})
	}
	today := clock.Date(now)
	for _, m := range measures {
		i, ok := idx[m.DomainID]
		if !ok {
			continue
		}
		page.Measures++
		if m.ClosedAt != nil {
			page.Closed++
		}
		if page.MineOnly && units.mine[m.ID] == "" {
			continue
		}
		row := PlanMeasure{ID: m.ID, PlanLabel: format.Citation(page.Domains[i].Label, m.Label), Title: m.Title,
			Targets: targetCount[m.ID], DueOn: clock.DayText(m.DueOn), Closed: m.ClosedAt != nil, MineRole: units.mine[m.ID]}
		if m.ClosedAt != nil {
			row.ClosedOn = clock.DayText(*m.ClosedAt)
		} else {
			row.Overdue = clock.Date(m.DueOn).Before(today)
		}
		if r := units.byMeasure[m.ID]; r != nil {
			for _, uid := range r.lead {
				row.Lead = append(row.Lead, units.names.name(uid))
			}
			row.Responsible = units.names.collapse(r.resp)
		}
		page.Domains[i].Measures = append(page.Domains[i].Measures, row)
	}
	return page, nil
}

// planUnitsOf is who works on each measure of a plan.
type planUnitsOf struct {
	byMeasure map[int64]*struct{ lead, resp []int64 }
	mine      map[int64]string // measure → the viewer's unit's role on it
	names     *unitNames
}

func (s *Service) planUnits(ctx context.Context, a store.Actor, planID int64) (*planUnitsOf, error) {
	assigns, err := s.st.AssignmentsOfPlan(ctx, planID)
	if err != nil {
		return nil, err
	}
	out := &planUnitsOf{byMeasure: map[int64]*struct{ lead, resp []int64 }{}, mine: map[int64]string{}}
	var unitIDs []int64
	for _, x := range assigns {
		unitIDs = append(unitIDs, x.UnitID)
		r := out.byMeasure[x.MeasureID]
		if r == nil {
			r = &struct{ lead, resp []int64 }{}
			out.byMeasure[x.MeasureID] = r
		}
		if x.Role == model.AssignLead {
			r.lead = append(r.lead, x.UnitID)
		} else {
			r.resp = append(r.resp, x.UnitID)
		}
		if a.UnitID != 0 && x.UnitID == a.UnitID {
			out.mine[x.MeasureID] = x.Role
		}
	}
	out.names, err = s.unitNames(ctx, unitIDs)
	return out, err
}

// planWarnings reads the plan's stored import warnings (a JSON array of
// strings); anything unreadable is shown as it is rather than hidden.
func planWarnings(raw string) []string {
	var ws []string
	if raw == "" || raw == "[]" {
		return nil
	}
	if err := json.Unmarshal([]byte(raw), &ws); err != nil {
		return []string{raw}
	}
	return ws
}
