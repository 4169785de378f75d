package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"duban/internal/model"
	"duban/internal/reqctx"
	"duban/internal/web/render"
	"duban/internal/workflow"
	"duban/views/pages/todo"
)

const wfTodoKey = "workflow.todo"

// KeepTodo hands the to-do list the navigation counted to the handler, so
// a to-do page does not build it twice.
func KeepTodo(c echo.Context, t *workflow.Todo) { c.Set(wfTodoKey, t) }

// wfTodo is the request's to-do list.
func (h *Handlers) wfTodo(c echo.Context) (*workflow.Todo, error) {
	if t, ok := c.Get(wfTodoKey).(*workflow.Todo); ok && t != nil {
		return t, nil
	}
	return h.Flow.Todo(c.Request().Context(), actor(c), h.Clock.Now())
}

// unitDashboard is a unit user's start page: its to-do list (to sign, to
// report, returned, prompts, co-unit inputs to review) and its measures
// with their lights.
func (h *Handlers) unitDashboard(c echo.Context) error {
	ctx := c.Request().Context()
	now := h.Clock.Now()
	a := actor(c)
	t, err := h.wfTodo(c)
	if err != nil {
		return err
	}
	rows, err := h.Store.AssignmentRowsOfUnit(ctx, a.UnitID)
	if err != nil {
		return err
	}
	res, facts, err := h.Flow.Lights(ctx, rows, now)
	if err != nil {
		return err
	}
	p := todo.UnitDashboard{UnitName: reqctx.Get(ctx).UnitName, Todo: t, Rows: rows, Lights: res,
		Current: map[int64]todo.CurrentState{}}
	for _, r := range rows {
		ps := facts.Periods[r.PlanID]
		if i := workflow.CurrentPeriod(ps, now); i >= 0 {
			cs := todo.CurrentState{PeriodID: ps[i].ID, PeriodLabel: ps[i].Label, State: "none"}
			if rep := facts.ReportOf(r.ID, ps[i].ID); rep != nil {
				cs.State = rep.State
			}
			p.Current[r.ID] = cs
		}
	}
	return render.Page(c, http.StatusOK, todo.Dashboard(p))
}

// Todo is the 待办 page of units and the supervision office.
func (h *Handlers) Todo(c echo.Context) error {
	t, err := h.wfTodo(c)
	if err != nil {
		return err
	}
	return render.Page(c, http.StatusOK, todo.Todo(todo.TodoPage{Todo: t, Unit: user(c).Role == model.RoleUnit}))
}
