package handlers

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	plansvc "duban/internal/planadmin"
	"duban/internal/validate"
	"duban/internal/web/render"
	"duban/views/pages/planadmin"
	planpages "duban/views/pages/plans"
	"duban/views/paths"
)

// Editing the breakdown after the import (admins only): a measure's title,
// due date, units and targets; adding and deleting measures; the plan's
// reporting settings. The checks and the pages are internal/planadmin's.
// Invalid input re-renders the form with 422 and the user's input; a stale
// form (someone saved in between) gets 409 with the input kept; everything
// that is saved is audited.

// EditMeasureForm shows a measure's edit form with its stored values.
func (h *Handlers) EditMeasureForm(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	page, err := plansvc.New(h.Store).MeasureEditForm(c.Request().Context(), id, nil)
	if err != nil {
		return err
	}
	return render.Page(c, http.StatusOK, planadmin.MeasureEdit(page))
}

// readMeasureForm reads the posted measure form as typed; a unit ID that
// is not one is a field error.
func readMeasureForm(c echo.Context) (plansvc.MeasureInput, error) {
	in := plansvc.MeasureInput{Errors: validate.Errors{}, AddRow: c.FormValue("add_row") != ""}
	f := plansvc.MeasureForm{Responsible: map[int64]bool{}, Title: field(c, "title"), DueOn: field(c, "due_on")}
	f.Version, _ = strconv.Atoi(c.FormValue("version"))
	if v := c.FormValue("lead"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			in.Errors.Set("lead", "plans.err.unknown_unit")
		}
		f.LeadUnitID = id
	}
	form, err := c.FormParams()
	if err != nil {
		return in, err
	}
	for _, v := range form["responsible"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			in.Errors.Set("units", "plans.err.unknown_unit")
			continue
		}
		f.Responsible[id] = true
	}
	for _, v := range form["group"] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			in.Groups = append(in.Groups, id)
		}
	}
	rows, _ := strconv.Atoi(c.FormValue("t_rows"))
	for i := range min(max(rows, 0), plansvc.MaxTargetRows) {
		get := func(name string) string { return field(c, "t"+strconv.Itoa(i)+"_"+name) }
		row := plansvc.TargetRow{Indicator: get("indicator"), Op: get("op"), Value: get("value"), Unit: get("unit"),
			Year: get("year"), Remove: get("remove") != ""}
		row.ID, _ = strconv.ParseInt(get("id"), 10, 64)
		f.Targets = append(f.Targets, row)
	}
	in.Form = f
	return in, nil
}

// UpdateMeasure saves a measure's edit form.
func (h *Handlers) UpdateMeasure(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	in, err := readMeasureForm(c)
	if err != nil {
		return err
	}
	page, err := plansvc.New(h.Store).SaveMeasure(c.Request().Context(), actor(c), id, in)
	switch {
	case err != nil:
		return err
	case page == nil:
		return render.Redirect(c, paths.Measure(id), "ok", "plans.measure.saved")
	case page.Stale:
		return render.Page(c, http.StatusConflict, planadmin.MeasureEdit(*page))
	case len(page.Errors) > 0:
		return render.Page(c, http.StatusUnprocessableEntity, planadmin.MeasureEdit(*page))
	}
	return render.Page(c, http.StatusOK, planadmin.MeasureEdit(*page))
}

// AddMeasure adds a measure to a domain and continues on its edit page.
func (h *Handlers) AddMeasure(c echo.Context) error {
	planID, err := paramID(c, "id")
	if err != nil {
		return err
	}
	domainID, _ := strconv.ParseInt(c.FormValue("domain_id"), 10, 64)
	add := planpages.AddForm{DomainID: domainID, Title: strings.TrimSpace(c.FormValue("title")),
		DueOn: strings.TrimSpace(c.FormValue("due_on"))}
	m, errs, err := plansvc.New(h.Store).NewMeasure(c.Request().Context(), actor(c), planID, domainID, add.Title, add.DueOn)
	if err != nil {
		return err
	}
	if m != nil {
		return render.Redirect(c, paths.MeasureEdit(m.ID), "ok", "plans.measure.created")
	}
	page, err := h.planPage(c, planID, false)
	if err != nil {
		return err
	}
	add.Errors = errs
	page.Add = add
	return render.Page(c, http.StatusUnprocessableEntity, planpages.Show(page))
}

// DeleteMeasure deletes a measure that nobody has reported on yet.
func (h *Handlers) DeleteMeasure(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	svc := plansvc.New(h.Store)
	if c.FormValue("confirm") != "yes" {
		page, err := svc.MeasureEditForm(ctx, id, validate.Errors{validate.Form: {Key: "plans.delete.need_confirm"}})
		if err != nil {
			return err
		}
		return render.Page(c, http.StatusUnprocessableEntity, planadmin.MeasureEdit(page))
	}
	version, _ := strconv.Atoi(c.FormValue("version"))
	planID, refused, err := svc.RemoveMeasure(ctx, actor(c), id, version)
	switch {
	case err != nil:
		return err
	case refused != nil:
		return render.Page(c, http.StatusConflict, planadmin.MeasureEdit(*refused))
	}
	return render.Redirect(c, paths.Plan(planID), "ok", "plans.measure.deleted")
}

// EditPlanForm shows the plan settings form.
func (h *Handlers) EditPlanForm(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	page, err := plansvc.New(h.Store).PlanEditForm(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return render.Page(c, http.StatusOK, planadmin.PlanEdit(page))
}

// UpdatePlan saves the plan settings.
func (h *Handlers) UpdatePlan(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	f := plansvc.PlanForm{Title: strings.TrimSpace(c.FormValue("title")), Reporting: c.FormValue("reporting"),
		DueDays: strings.TrimSpace(c.FormValue("due_days")), StartOn: strings.TrimSpace(c.FormValue("start_on")),
		EndOn: strings.TrimSpace(c.FormValue("end_on"))}
	f.Version, _ = strconv.Atoi(c.FormValue("version"))
	change, page, err := plansvc.New(h.Store).SavePlan(c.Request().Context(), actor(c), id, f)
	switch {
	case err != nil:
		return err
	case page != nil && page.Stale:
		return render.Page(c, http.StatusConflict, planadmin.PlanEdit(*page))
	case page != nil:
		return render.Page(c, http.StatusUnprocessableEntity, planadmin.PlanEdit(*page))
	}
	key := "plans.plan.saved"
	switch {
	case change.PeriodsRegenerated:
		key = "plans.plan.saved_periods"
	case change.DueDatesMoved:
		key = "plans.plan.saved_due_dates"
	}
	return render.Redirect(c, paths.Plan(id), "ok", key)
}
