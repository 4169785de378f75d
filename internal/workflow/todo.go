package workflow

import (
	"context"
	"sort"
	"time"

	"duban/internal/clock"
	"duban/internal/figures"
	"duban/internal/model"
	"duban/internal/readmodel"
	"duban/internal/rules"
	"duban/internal/store"
)

// Todo is a user's to-do list (待办).
type Todo struct {
	// A unit's work.
	ToSign   []store.AssignmentRow
	Due      []DueItem // owed reports not handed in, up to the current period
	Returned []DueItem // reports returned for revision
	Prompts  []PromptItem
	Inputs   []store.ReportRow // co-unit inputs waiting for this lead unit
	// Instructions (领导批示) to answer as lead unit, or named in.
	Instructions []store.InstructionRow
	// The unit's facts, as the rules read them (nil for the office).
	Snapshot *figures.Snapshot
	Rows     []store.AssignmentRow
	// The supervision office's work.
	Reviews  []store.ReportRow // 待审核: lead units' reports waiting for review, oldest first: page ReviewPage
	Open     []store.PromptRow // 待处理: prompts not answered yet, oldest first
	Closable []store.ReportRow // measures whose lead reported 已完成
	// ReviewsTotal is the length of the whole 待审核 queue, shown
	// QueuePageSize at a time (page ReviewPage of ReviewPages); OpenTotal
	// that of 待处理, page OpenPage of OpenPages.
	ReviewsTotal, ReviewPage, ReviewPages int
	OpenTotal, OpenPage, OpenPages        int
	// Extensions are the requests (延期申请) waiting for a decision.
	Extensions []store.ExtensionRow
}

// DueItem is a report to write or revise.
type DueItem struct {
	Row      store.AssignmentRow
	Period   model.Period
	State    string            // the report's state, "none" when not started
	Standing rules.PeriodState // as the rules see the period
	DaysLeft int               // negative: overdue
	Reason   string            // for a returned report: the latest return reason
}

// PromptItem is an open 催办 prompt.
type PromptItem struct {
	Prompt model.Prompt
	Row    *store.AssignmentRow // nil for a prompt about no assignment
	Period *model.Period
	Sender string
	Nth    int // 第N次催办 on its period (1 for the first)
}

// QueuePageSize is how many rows of the office's queues (待审核,
// 待处理) a page shows.
const QueuePageSize = 50

// QueuePages are the pages of the office's queues to show (1 = first).
type QueuePages struct{ Reviews, Prompts int }

// Count is the number shown in the navigation.
func (t *Todo) Count() int {
	return len(t.ToSign) + len(t.Due) + len(t.Returned) + len(t.Prompts) + len(t.Inputs) +
		max(len(t.Reviews), t.ReviewsTotal) + max(len(t.Open), t.OpenTotal) + len(t.Closable) + len(t.Instructions) + len(t.Extensions)
}

// Todo builds the to-do list of a unit user or a reviewer at now; other
// roles have none.
func (s *Service) Todo(ctx context.Context, a store.Actor, now time.Time) (*Todo, error) {
	return s.TodoWith(ctx, a, now, nil)
}

// TodoWith is Todo reusing a unit's facts already loaded at now (the
// badge's), so a page loads them once; facts may be nil.
func (s *Service) TodoWith(ctx context.Context, a store.Actor, now time.Time, facts *figures.Snapshot) (*Todo, error) {
	return s.TodoPage(ctx, a, now, facts, QueuePages{})
}

// TodoPage is TodoWith showing the given pages of the office's queues
// (clamped to the pages they fill).
func (s *Service) TodoPage(ctx context.Context, a store.Actor, now time.Time, facts *figures.Snapshot, pages QueuePages) (*Todo, error) {
	t := &Todo{}
	switch {
	case a.Role == model.RoleUnit && a.UnitID != 0:
		return t, s.unitTodo(ctx, a.UnitID, now, facts, t)
	case a.Role == model.RoleReviewer:
		var err error
		if t.Reviews, t.ReviewsTotal, t.ReviewPage, t.ReviewPages, err = queuePage(ctx, pages.Reviews, s.st.OfficialReportsAwaitingReviewPage); err != nil {
			return nil, err
		}
		if t.Open, t.OpenTotal, t.OpenPage, t.OpenPages, err = queuePage(ctx, pages.Prompts, s.st.OpenPromptsPage); err != nil {
			return nil, err
		}
		if t.Closable, err = s.st.ClosableReports(ctx); err != nil {
			return nil, err
		}
		if t.Extensions, err = s.st.PendingExtensions(ctx); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// queuePage loads page no of a queue (clamped to the pages it fills: past
// the end, the last) with the queue's length and page count.
func queuePage[T any](ctx context.Context, no int, load func(ctx context.Context, offset, limit int) ([]T, int, error)) (rows []T, total, page, pages int, err error) {
	page = max(1, no)
	for {
		if rows, total, err = load(ctx, (page-1)*QueuePageSize, QueuePageSize); err != nil {
			return nil, 0, 0, 0, err
		}
		if pages = max(1, (total+QueuePageSize-1)/QueuePageSize); page <= pages {
			return rows, total, page, pages, nil
		}
		page = pages
	}
}

// TodoCount is the size of the user's to-do list without building it:
// COUNT queries for what exists as rows, and for a unit the read model's
// count of the reports it owes — unless full asks for all of the unit's
// facts, which a page that shows them can then reuse (they are returned;
// nil for the office).
func (s *Service) TodoCount(ctx context.Context, a store.Actor, now time.Time, full bool) (int, *figures.Snapshot, error) {
	switch {
	case a.Role == model.RoleUnit && a.UnitID != 0 && !full:
		// The reports owed are counted by the read model, in the badge's
		// one query.
		if _, err := readmodel.Sync(ctx, s.st, now); err != nil {
			return 0, nil, err
		}
		n, err := s.st.UnitBadge(ctx, a.UnitID)
		return n, nil, err
	case a.Role == model.RoleUnit && a.UnitID != 0:
		c, err := s.st.CountUnitTodo(ctx, a.UnitID)
		if err != nil {
			return 0, nil, err
		}
		n := c.ToSign + c.Prompts + c.Inputs + c.Instructions
		snap, err := figures.Load(ctx, s.st, figures.Scope{UnitID: a.UnitID}, now)
		if err != nil {
			return 0, nil, err
		}
		for _, as := range snap.Assignments {
			due, ret := owedWork(as)
			n += len(due) + len(ret)
		}
		return n, snap, nil
	case a.Role == model.RoleReviewer:
		if _, err := readmodel.Sync(ctx, s.st, now); err != nil {
			return 0, nil, err
		}
		reviews, closable, err := s.st.OfficeCounts(ctx)
		if err != nil {
			return 0, nil, err
		}
		prompts, err := s.st.CountOpenPrompts(ctx)
		if err != nil {
			return 0, nil, err
		}
		exts, err := s.st.CountPendingExtensions(ctx)
		return reviews + closable + prompts + exts, nil, err
	}
	return 0, nil, nil
}

// owedWork is an assignment's reports to write and to revise, as period
// indexes (the read model's rule, which its counts use too).
func owedWork(a *figures.Assignment) (due, returned []int) {
	return readmodel.OwedWork(a.Measure.Closed(), &a.Status)
}

func (s *Service) unitTodo(ctx context.Context, unitID int64, now time.Time, snap *figures.Snapshot, t *Todo) error {
	rows, err := s.st.AssignmentRowsOfUnit(ctx, unitID)
	if err != nil {
		return err
	}
	if snap == nil || snap.Scope != (figures.Scope{UnitID: unitID}) || !snap.Now.Equal(now) {
		if snap, err = figures.Load(ctx, s.st, figures.Scope{UnitID: unitID}, now); err != nil {
			return err
		}
	}
	t.Snapshot, t.Rows = snap, rows
	byID := map[int64]*store.AssignmentRow{}
	var returnedIDs []int64
	for i, r := range rows {
		byID[r.ID] = &rows[i]
		if r.SignedAt == nil {
			t.ToSign = append(t.ToSign, r)
		}
		a := snap.Assignment(r.ID)
		if a == nil {
			continue
		}
		ps := a.Plan().Periods
		due, ret := owedWork(a)
		item := func(i int) DueItem {
			st := a.Reports[i].State()
			if st == "" {
				st = "none"
			}
			return DueItem{Row: r, Period: ps[i], State: st, Standing: a.Status.Periods[i], DaysLeft: clock.DaysBetween(now, ps[i].DueOn)}
		}
		for _, i := range due {
			t.Due = append(t.Due, item(i))
		}
		for _, i := range ret {
			t.Returned = append(t.Returned, item(i))
			returnedIDs = append(returnedIDs, a.Reports[i].ID)
		}
	}
	sort.SliceStable(t.Due, func(i, j int) bool { return t.Due[i].DaysLeft < t.Due[j].DaysLeft })
	if len(returnedIDs) > 0 {
		rvs, err := s.st.ReviewsOf(ctx, returnedIDs)
		if err != nil {
			return err
		}
		reasons := map[int64]string{}
		for _, rv := range rvs {
			if rv.Decision == store.DecisionReturn {
				reasons[rv.ReportID] = rv.Reason
			}
		}
		for i := range t.Returned {
			a := snap.Assignment(t.Returned[i].Row.ID)
			t.Returned[i].Reason = reasons[a.Reports[a.Plan().PeriodIndex(t.Returned[i].Period.ID)].ID]
		}
	}

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
	// Prompts come newest first: the newest open prompt on a period is the
	// Sent-th, each older open one a step before.
	newer := map[[2]int64]int{}
	for _, p := range prompts {
		it := PromptItem{Prompt: p, Sender: names[p.SenderID], Nth: 1}
		if p.AssignmentID != nil {
			it.Row = byID[*p.AssignmentID]
			if a := snap.Assignment(*p.AssignmentID); a != nil && p.PeriodID != nil {
				if i := a.Plan().PeriodIndex(*p.PeriodID); i >= 0 {
					it.Period = &a.Plan().Periods[i]
					k := [2]int64{*p.AssignmentID, *p.PeriodID}
					it.Nth = max(1, a.Sent(i)-newer[k])
					newer[k]++
				}
			}
		}
		t.Prompts = append(t.Prompts, it)
	}
	if t.Instructions, err = s.st.OpenInstructionsOfUnit(ctx, unitID); err != nil {
		return err
	}
	t.Inputs, err = s.st.InputsAwaitingLead(ctx, unitID)
	return err
}
