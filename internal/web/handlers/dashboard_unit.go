package handlers

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"duban/internal/figures"
	"duban/internal/model"
	"duban/internal/reqctx"
	"duban/internal/rules"
	"duban/internal/web/render"
	"duban/internal/workflow"
	"duban/views/components"
	"duban/views/pages/todo"
)

const factsKey = "workflow.facts"

// KeepFacts hands the unit's facts the navigation badge loaded at now to
// the handler, so a to-do page does not load them twice.
func KeepFacts(c echo.Context, snap *figures.Snapshot, now time.Time) {
	c.Set(factsKey, keptFacts{snap, now})
}

type keptFacts struct {
	snap *figures.Snapshot
	now  time.Time
}

// todoOf is the request's to-do list, built on the facts the badge loaded.
func (h *Handlers) todoOf(c echo.Context) (*workflow.Todo, error) {
	now := h.Clock.Now()
	var snap *figures.Snapshot
	if k, ok := c.Get(factsKey).(keptFacts); ok {
		snap, now = k.snap, k.now
	}
	// The pages of the office's queues.
	reviews, _ := strconv.Atoi(c.QueryParam("page"))
	prompts, _ := strconv.Atoi(c.QueryParam(openPromptsPage))
	return h.Flow.TodoPage(c.Request().Context(), actor(c), now, snap, workflow.QueuePages{Reviews: reviews, Prompts: prompts})
}

// openPromptsPage is the query parameter of the 待处理 list's page.
const openPromptsPage = "prompts_page"

// queuePagers page the office's queues on the page at c.
func queuePagers(c echo.Context, t *workflow.Todo) todo.QueuePagers {
	return todo.QueuePagers{
		Reviews: components.NewPager(c.Path(), c.QueryParams(), t.ReviewPage, t.ReviewPages),
		Open:    components.NewPagerParam(c.Path(), c.QueryParams(), openPromptsPage, t.OpenPage, t.OpenPages),
	}
}

// unitDashboard is a unit user's start page: its to-do list (to sign, to
// report, returned, prompts, co-unit inputs to review) and its measures
// with their lights, all from the to-do list's one load of the unit's facts.
func (h *Handlers) unitDashboard(c echo.Context) error {
	ctx := c.Request().Context()
	t, err := h.todoOf(c)
	if err != nil {
		return err
	}
	if t.Snapshot == nil { // a unit user always gets one; be safe
		return fmt.Errorf("to-do list of unit %d has no facts", actor(c).UnitID)
	}
	p := todo.UnitDashboard{UnitName: reqctx.Get(ctx).UnitName, Todo: t, Rows: t.Rows, Lights: map[int64]rules.Status{},
		Current: map[int64]todo.CurrentState{}}
	for _, r := range t.Rows {
		a := t.Snapshot.Assignment(r.ID)
		if a == nil {
			continue
		}
		p.Lights[r.ID] = a.Status
		if i := a.Status.Current; i >= 0 {
			per := a.Plan().Periods[i]
			cs := todo.CurrentState{PeriodID: per.ID, PeriodLabel: per.Label, State: a.Reports[i].State()}
			if cs.State == "" {
				cs.State = "none"
			}
			p.Current[r.ID] = cs
		}
	}
	return render.Page(c, http.StatusOK, todo.Dashboard(p))
}

// Todo is the 待办 page of units and the supervision office.
func (h *Handlers) Todo(c echo.Context) error {
	t, err := h.todoOf(c)
	if err != nil {
		return err
	}
	return render.Page(c, http.StatusOK, todo.Todo(todo.TodoPage{Todo: t, Unit: user(c).Role == model.RoleUnit, Pagers: queuePagers(c, t)}))
}
