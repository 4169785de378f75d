package workflow

import (
	"context"
	"sort"
	"time"

	"duban/internal/clock"
	"duban/internal/model"
	"duban/internal/store"
)

// Todo is a user's to-do list (待办).
type Todo struct {
	// A unit's work.
	ToSign   []store.AssignmentRow
	Due      []DueItem // reports not yet submitted, up to the current period
	Returned []DueItem // reports returned for revision
	Prompts  []PromptItem
	Inputs   []store.ReportRow // co-unit inputs waiting for this lead unit
	// The supervision office's work.
	Reviews  []store.ReportRow // lead units' reports waiting for review
	Closable []store.ReportRow // measures whose lead reported 已完成
}

// DueItem is a report to write or revise.
type DueItem struct {
	Row      store.AssignmentRow
	Period   model.Period
	Report   *model.Report // nil when not started
	DaysLeft int           // negative: overdue
	Reason   string        // for a returned report: the latest return reason
}

// PromptItem is an open 催办 prompt.
type PromptItem struct {
	Prompt model.Prompt
	Row    *store.AssignmentRow // nil for a prompt about no assignment
	Period *model.Period
	Sender string
}

// Count is the number shown in the navigation.
func (t *Todo) Count() int {
	return len(t.ToSign) + len(t.Due) + len(t.Returned) + len(t.Prompts) + len(t.Inputs) + len(t.Reviews) + len(t.Closable)
}

// Todo builds the to-do list of a unit user or a reviewer at now; other
// roles have none.
func (s *Service) Todo(ctx context.Context, a store.Actor, now time.Time) (*Todo, error) {
	t := &Todo{}
	switch {
	case a.Role == model.RoleUnit && a.UnitID != 0:
		return t, s.unitTodo(ctx, a.UnitID, now, t)
	case a.Role == model.RoleReviewer:
		var err error
		if t.Reviews, err = s.st.OfficialReportsAwaitingReview(ctx); err != nil {
			return nil, err
		}
		if t.Closable, err = s.st.ClosableReports(ctx); err != nil {
			return nil, err
		}
	}
	return t, nil
}

func (s *Service) unitTodo(ctx context.Context, unitID int64, now time.Time, t *Todo) error {
	rows, err := s.st.AssignmentRowsOfUnit(ctx, unitID)
	if err != nil {
		return err
	}
	var planIDs, asgIDs []int64
	seen := map[int64]bool{}
	byID := map[int64]*store.AssignmentRow{}
	for i, r := range rows {
		if !seen[r.PlanID] {
			seen[r.PlanID] = true
			planIDs = append(planIDs, r.PlanID)
		}
		asgIDs = append(asgIDs, r.ID)
		byID[r.ID] = &rows[i]
	}
	pers, err := s.st.PeriodsOfPlans(ctx, planIDs)
	if err != nil {
		return err
	}
	reps, err := s.st.ReportsOfAssignments(ctx, asgIDs)
	if err != nil {
		return err
	}
	rep := map[[2]int64]*model.Report{}
	var returnedIDs []int64
	for i, r := range reps {
		rep[[2]int64{r.AssignmentID, r.PeriodID}] = &reps[i]
		if r.State == model.ReportReturned {
			returnedIDs = append(returnedIDs, r.ID)
		}
	}
	reasons := map[int64]string{}
	if len(returnedIDs) > 0 {
		rvs, err := s.st.ReviewsOf(ctx, returnedIDs)
		if err != nil {
			return err
		}
		for _, rv := range rvs {
			if rv.Decision == store.DecisionReturn {
				reasons[rv.ReportID] = rv.Reason
			}
		}
	}
	periodByID := map[int64]*model.Period{}
	for _, ps := range pers {
		for i := range ps {
			periodByID[ps[i].ID] = &ps[i]
		}
	}
	for _, r := range rows {
		if r.SignedAt == nil {
			t.ToSign = append(t.ToSign, r)
		}
		if r.Closed() {
			continue
		}
		ps := pers[r.PlanID]
		cur := CurrentPeriod(ps, now)
		for i := 0; i <= cur && i < len(ps); i++ {
			p := ps[i]
			x := rep[[2]int64{r.ID, p.ID}]
			item := DueItem{Row: r, Period: p, Report: x, DaysLeft: clock.DaysBetween(now, p.DueOn)}
			switch {
			case x == nil || x.State == model.ReportDraft:
				t.Due = append(t.Due, item)
			case x.State == model.ReportReturned:
				item.Reason = reasons[x.ID]
				t.Returned = append(t.Returned, item)
			}
		}
		// A report returned for a later period (reported early) is work too.
		for _, p := range ps[max(cur+1, 0):] {
			if x := rep[[2]int64{r.ID, p.ID}]; x != nil && x.State == model.ReportReturned {
				t.Returned = append(t.Returned, DueItem{Row: r, Period: p, Report: x,
					DaysLeft: clock.DaysBetween(now, p.DueOn), Reason: reasons[x.ID]})
			}
		}
	}
	sort.SliceStable(t.Due, func(i, j int) bool { return t.Due[i].DaysLeft < t.Due[j].DaysLeft })

	prompts, err := s.st.OpenPromptsOfUnit(ctx, unitID)
	if err != nil {
		return err
	}
	var senders []int64
	for _, p := range prompts {
		senders = append(senders, p.SenderID)
	}
	names, err := s.st.UserNames(ctx, senders)
	if err != nil {
		return err
	}
	for _, p := range prompts {
		it := PromptItem{Prompt: p, Sender: names[p.SenderID]}
		if p.AssignmentID != nil {
			it.Row = byID[*p.AssignmentID]
		}
		if p.PeriodID != nil {
			it.Period = periodByID[*p.PeriodID]
		}
		t.Prompts = append(t.Prompts, it)
	}
	t.Inputs, err = s.st.InputsAwaitingLead(ctx, unitID)
	return err
}
