package workflow

import (
	"context"
	"fmt"
	"time"

	"duban/internal/figures"
	"duban/internal/model"
	"duban/internal/store"
)

// LedgerQuery is what a 督办台账 asks for: one plan, the scope the database
// applies (domain, unit, text) and the filters of the computed rows.
type LedgerQuery struct {
	PlanID   int64
	DomainID int64
	UnitID   int64 // ignored for unit users, who see only their unit
	Text     string
	Light    string
	State    string
	PeriodID int64 // kept only when it is one of the plan's periods
	// Units asks for the plan's units too (the filter form's choices).
	Units bool
}

// Ledger is the 台账 of one plan as a viewer sees it: one row per measure ×
// unit, for the page, its export and the API.
type Ledger struct {
	Plan    *figures.Plan
	Periods []model.Period
	Units   []model.Unit // with LedgerQuery.Units, for readers who may pick a unit
	Scope   figures.Scope
	Filter  figures.LedgerFilter
	Rows    []figures.LedgerRow
}

// Ledger computes the 台账 for actor at now. A unit user's rows are those
// of their unit only; a plan that does not exist is not found.
func (s *Service) Ledger(ctx context.Context, a store.Actor, q LedgerQuery, now time.Time) (*Ledger, error) {
	l := &Ledger{Scope: figures.Scope{PlanID: q.PlanID, DomainID: q.DomainID, UnitID: q.UnitID, Text: q.Text},
		Filter: figures.LedgerFilter{Light: q.Light, State: q.State}}
	if a.Role == model.RoleUnit {
		l.Scope.UnitID = a.UnitID
	}
	var err error
	if l.Periods, err = s.st.PeriodsOf(ctx, q.PlanID); err != nil {
		return nil, err
	}
	for _, p := range l.Periods {
		if p.ID == q.PeriodID {
			l.Filter.PeriodID = p.ID
		}
	}
	snap, err := figures.Load(ctx, s.st, l.Scope, now)
	if err != nil {
		return nil, err
	}
	if l.Plan = snap.Plan(q.PlanID); l.Plan == nil {
		return nil, fmt.Errorf("plan %d: %w", q.PlanID, model.ErrNotFound)
	}
	l.Rows = snap.Ledger(l.Filter)
	if q.Units && a.Role != model.RoleUnit {
		if l.Units, err = s.st.UnitsOfPlan(ctx, q.PlanID); err != nil {
			return nil, err
		}
	}
	return l, nil
}
