package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"duban/internal/model"
	"duban/internal/web/render"
	planpages "duban/views/pages/plans"
)

// Plan pages (立项/分解): the list of plans and one plan in its own order,
// domains (一)…(十) with their measures. Every role reads every plan; a unit
// user's own assignments are highlighted and can be filtered to.

// Plans lists every plan.
func (h *Handlers) Plans(c echo.Context) error {
	rows, err := h.Flow.PlanList(c.Request().Context())
	if err != nil {
		return err
	}
	page := planpages.ListPage{Plans: rows, CanManage: user(c).Role == model.RoleAdmin}
	return render.Page(c, http.StatusOK, planpages.List(page))
}

// Plan shows one plan with its domains and measures.
func (h *Handlers) Plan(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	page, err := h.planPage(c, id, c.QueryParam("mine") == "1")
	if err != nil {
		return err
	}
	return render.Page(c, http.StatusOK, planpages.Show(page))
}

// planPage is the plan page's view model.
func (h *Handlers) planPage(c echo.Context, planID int64, mineOnly bool) (planpages.ShowPage, error) {
	p, err := h.Flow.PlanPage(c.Request().Context(), actor(c), planID, mineOnly, h.Clock.Now())
	if err != nil {
		return planpages.ShowPage{}, err
	}
	page := planpages.ShowPage{PlanPage: p}
	if user(c).Role == model.RoleUnit {
		page.MyUnit = reqUnitName(c)
	}
	return page, nil
}
