package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"duban/internal/web/render"
	measurepages "duban/views/pages/measures"
	"duban/views/pages/record"
)

// Measure shows one measure: the plan's own label, the original text with
// its targets marked, the targets, and the assigned units (lead first), each
// linking to its assignment page. Every role may read it.
func (h *Handlers) Measure(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	return h.showMeasure(c, id, http.StatusOK, record.Form{})
}

// showMeasure renders the measure page with status; form is a refused
// form of its record (extension, instruction) to show again.
func (h *Handlers) showMeasure(c echo.Context, id int64, status int, form record.Form) error {
	m, err := h.Flow.MeasurePage(c.Request().Context(), actor(c), id, h.Clock.Now())
	if err != nil {
		return err
	}
	page := measurepages.ShowPage{MeasurePage: m}
	if page.Record, err = h.recordPage(c, id, form); err != nil {
		return err
	}
	return render.Page(c, status, measurepages.Show(page))
}
