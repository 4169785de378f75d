package workflow

import (
	"context"
	"fmt"
	"time"

	"duban/internal/figures"
	"duban/internal/model"
	"duban/internal/paging"
	"duban/internal/rules"
	"duban/internal/store"
)

// SupervisionPage is 督办: the red and yellow assignments of one plan with
// their reasons and the periods a 催办 chases, a page of them grouped by
// domain; the plan's review queue and the measures to close or reopen.
// Everything it says about an assignment comes from the rules via the one
// facts loader; every query is limited to the chosen plan, the prompts to
// the shown page.
type SupervisionPage struct {
	Plans  []model.Plan
	PlanID int64
	Filter string           // red, yellow or "" for both
	Rows   []SupervisionRow // the page shown, grouped by domain in plan order
	Total  int              // red and yellow rows the filter keeps, on every page
	From   int              // index of the first shown row
	// PageNo of Pages is the page shown.
	PageNo, Pages int
	Counts        map[string]int // light name → assignments
	Reviews       []store.ReportRow
	Closable      []store.ReportRow
	Closed        []store.AssignmentRow // lead assignments of closed measures
	CanAct        bool
}

// SupervisionRow is one assignment at risk.
type SupervisionRow struct {
	Row         store.AssignmentRow
	Light       rules.Status // the rules' answer: light, reasons, periods to chase
	LastPrompt  *model.Prompt
	OpenPrompts int
}

// SupervisionQuery is what the 督办 URL asks for.
type SupervisionQuery struct {
	PlanID int64  // 0: the first plan
	Light  string // red, yellow or "" for both
	Page   string // the page number as written in the URL
}

// SupervisionPage assembles 督办 for actor at now. A plan that does not
// exist is not found.
func (s *Service) SupervisionPage(ctx context.Context, a store.Actor, q SupervisionQuery, now time.Time) (*SupervisionPage, error) {
	plans, err := s.st.ListPlans(ctx)
	if err != nil {
		return nil, err
	}
	p := &SupervisionPage{Plans: plans, Filter: q.Light, Counts: map[string]int{}, CanAct: a.Role == model.RoleReviewer}
	if len(plans) == 0 {
		return p, nil
	}
	p.PlanID = plans[0].ID
	if q.PlanID != 0 {
		found := false
		for _, pl := range plans {
			found = found || pl.ID == q.PlanID
		}
		if !found {
			return nil, fmt.Errorf("plan %d: %w", q.PlanID, model.ErrNotFound)
		}
		p.PlanID = q.PlanID
	}
	rows, err := s.st.AssignmentRowsOfPlan(ctx, p.PlanID)
	if err != nil {
		return nil, err
	}
	snap, err := figures.Load(ctx, s.st, figures.Scope{PlanID: p.PlanID}, now)
	if err != nil {
		return nil, err
	}
	risky := atRisk(p, rows, snap)
	p.Total = len(risky)
	var to int
	p.PageNo, p.Pages, p.From, to = paging.Of(q.Page, len(risky))
	p.Rows = risky[p.From:to]
	if err := s.lastPrompts(ctx, p.Rows); err != nil {
		return nil, err
	}
	if p.Reviews, err = s.st.OfficialReportsAwaitingReviewOfPlan(ctx, p.PlanID); err != nil {
		return nil, err
	}
	if p.Closable, err = s.st.ClosableReportsOfPlan(ctx, p.PlanID); err != nil {
		return nil, err
	}
	return p, nil
}

// lastPrompts puts the newest 催办 of each shown row beside it.
func (s *Service) lastPrompts(ctx context.Context, rows []SupervisionRow) error {
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.Row.ID
	}
	last, err := s.st.LastPromptsOf(ctx, ids)
	if err != nil {
		return err
	}
	for i := range rows {
		if pr, ok := last[rows[i].Row.ID]; ok {
			rows[i].LastPrompt = &pr
		}
	}
	return nil
}

// atRisk counts the plan's assignments by light into p.Counts, lists the
// lead assignments of closed measures in p.Closed, and returns the red and
// yellow rows the filter keeps: by domain in plan order, red before yellow
// within a domain, then in plan order.
func atRisk(p *SupervisionPage, rows []store.AssignmentRow, snap *figures.Snapshot) []SupervisionRow {
	var out []SupervisionRow
	for _, r := range rows {
		a := snap.Assignment(r.ID)
		if a == nil {
			continue
		}
		l := a.Status
		p.Counts[l.Light.String()]++
		if r.Closed() && r.Role == model.AssignLead {
			p.Closed = append(p.Closed, r)
		}
		if l.Light != rules.Red && l.Light != rules.Yellow || (p.Filter != "" && l.Light.String() != p.Filter) {
			continue
		}
		out = append(out, SupervisionRow{Row: r, Light: l, OpenPrompts: a.OpenPrompts})
	}
	// rows come in plan order, so each domain's rows are together.
	var sorted []SupervisionRow
	for _, run := range paging.Runs(out, func(r SupervisionRow) int64 { return r.Row.DomainID }) {
		for _, want := range []rules.Light{rules.Red, rules.Yellow} {
			for _, r := range run {
				if r.Light.Light == want {
					sorted = append(sorted, r)
				}
			}
		}
	}
	return sorted
}
