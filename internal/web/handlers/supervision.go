package handlers

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"duban/internal/format"
	"duban/internal/model"
	"duban/internal/web/render"
	"duban/internal/workflow"
	"duban/views/components"
	"duban/views/pages/todo"
)

// Supervision is 督办: the red and yellow assignments of one plan with
// their reasons, the periods a 催办 chases and the button, 50 a page and
// grouped by domain; the plan's review queue and 办结.
func (h *Handlers) Supervision(c echo.Context) error {
	q := workflow.SupervisionQuery{Page: c.QueryParam("page")}
	if s := c.QueryParam("plan"); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			return model.ErrNotFound
		}
		q.PlanID = id
	}
	switch q.Light = c.QueryParam("light"); q.Light {
	case "", "red", "yellow":
	default:
		return echo.NewHTTPError(http.StatusBadRequest, "unknown light filter")
	}
	now := h.Clock.Now()
	sp, err := h.Flow.SupervisionPage(c.Request().Context(), actor(c), q, now)
	if err != nil {
		return err
	}
	p := todo.SupervisionPage{SupervisionPage: sp, Today: format.Date(now), Self: c.Request().URL.RequestURI()}
	if len(sp.Plans) > 0 {
		v := url.Values{"plan": {strconv.FormatInt(sp.PlanID, 10)}}
		if sp.Filter != "" {
			v.Set("light", sp.Filter)
		}
		p.Pager = components.NewPager("/supervision", v, sp.PageNo, sp.Pages)
	}
	return render.Page(c, http.StatusOK, todo.Supervision(p))
}
