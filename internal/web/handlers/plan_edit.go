package handlers

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"duban/internal/clock"
	"duban/internal/format"
	"duban/internal/i18n"
	"duban/internal/model"
	plansvc "duban/internal/planadmin"
	"duban/internal/validate"
	"duban/internal/web/render"
	"duban/views/pages/planadmin"
	planpages "duban/views/pages/plans"
	"duban/views/paths"
)

// Editing the breakdown after the import (admins only): a measure's title,
// due date, units and targets; adding and deleting measures; the plan's
// reporting settings. Invalid input re-renders the form with 422 and the
// user's input; a stale form (someone saved in between) gets 409 with the
// input kept; everything that is saved is audited by the store.

// blankTargetsShow is how many empty rows are offered for new targets.
const blankTargetsShow = 1

// EditMeasureForm shows a measure's edit form with its stored values.
func (h *Handlers) EditMeasureForm(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	m, err := h.Store.MeasureByID(ctx, id)
	if err != nil {
		return err
	}
	form, err := h.storedMeasureForm(ctx, m)
	if err != nil {
		return err
	}
	page, err := h.measureEditPage(ctx, m, form, nil)
	if err != nil {
		return err
	}
	return render.Page(c, http.StatusOK, planadmin.MeasureEdit(page))
}

// storedMeasureForm fills the form from the database.
func (h *Handlers) storedMeasureForm(ctx context.Context, m *model.Measure) (planadmin.MeasureForm, error) {
	f := planadmin.MeasureForm{Version: m.Version, Title: m.Title, DueOn: clock.DayText(m.DueOn), Responsible: map[int64]bool{}}
	as, err := h.Store.AssignmentsOf(ctx, m.ID)
	if err != nil {
		return f, err
	}
	for _, a := range as {
		if a.Role == model.AssignLead {
			f.LeadUnitID = a.UnitID
		} else {
			f.Responsible[a.UnitID] = true
		}
	}
	ts, err := h.Store.TargetsOf(ctx, m.ID)
	if err != nil {
		return f, err
	}
	for _, t := range ts {
		f.Targets = append(f.Targets, planadmin.TargetRow{ID: t.ID, Text: t.Text, Indicator: t.Indicator, Op: t.Op,
			Value: format.Num(t.Value), Unit: t.Unit, Year: strconv.Itoa(t.Year)})
	}
	for range blankTargetsShow {
		f.Targets = append(f.Targets, planadmin.TargetRow{Op: ">="})
	}
	return f, nil
}

// measureEditPage adds to a form what the page shows around it.
func (h *Handlers) measureEditPage(ctx context.Context, m *model.Measure, f planadmin.MeasureForm, errs validate.Errors) (planadmin.MeasureEditPage, error) {
	page := planadmin.MeasureEditPage{MeasureID: m.ID, PlanID: m.PlanID, SourceText: m.SourceText, Form: f, Errors: errs}
	p, err := h.Store.PlanByID(ctx, m.PlanID)
	if err != nil {
		return page, err
	}
	d, err := h.Store.DomainByID(ctx, m.DomainID)
	if err != nil {
		return page, err
	}
	page.PlanTitle, page.PlanLabel = p.Title, format.Citation(d.Label, m.Label)
	usage, err := h.Store.UsageOfMeasure(ctx, m.ID)
	if err != nil {
		return page, err
	}
	as, err := h.Store.AssignmentsOf(ctx, m.ID)
	if err != nil {
		return page, err
	}
	usedByUnit := map[int64]int64{}
	page.CanDelete = true
	for _, a := range as {
		if n := usage.ByAssignment[a.ID]; n > 0 {
			usedByUnit[a.UnitID] = n
			page.CanDelete = false
		}
	}
	for i := range page.Form.Targets {
		page.Form.Targets[i].Values = usage.ByTarget[page.Form.Targets[i].ID]
	}
	if page.UnitKinds, err = h.unitChooser(ctx, usedByUnit); err != nil {
		return page, err
	}
	groups, err := h.Store.UnitGroupsForPlans(ctx)
	if err != nil {
		return page, err
	}
	for _, g := range groups {
		if len(g.UnitIDs) > 0 {
			page.Groups = append(page.Groups, planadmin.GroupOption{ID: g.Group.ID, Name: g.Group.Name, Members: len(g.UnitIDs)})
		}
	}
	for _, o := range i18n.TargetOps {
		page.Ops = append(page.Ops, planadmin.OpOption{Op: o.Op, Key: o.Key})
	}
	return page, nil
}

// bindMeasureForm reads the posted form and has the plan-editing rules
// check it. It returns the form as typed (for re-rendering), the edit to
// store, and the field errors.
func (h *Handlers) bindMeasureForm(c echo.Context, plan *model.Plan, stored []model.Target) (planadmin.MeasureForm, plansvc.MeasureEdit, validate.Errors, error) {
	errs := validate.Errors{}
	f := planadmin.MeasureForm{Responsible: map[int64]bool{}, Title: field(c, "title"), DueOn: field(c, "due_on")}
	f.Version, _ = strconv.Atoi(c.FormValue("version"))
	if v := c.FormValue("lead"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			errs.Set("lead", "plans.err.unknown_unit")
		}
		f.LeadUnitID = id
	}
	form, err := c.FormParams()
	if err != nil {
		return f, plansvc.MeasureEdit{}, errs, err
	}
	for _, v := range form["responsible"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			errs.Set("units", "plans.err.unknown_unit")
			continue
		}
		f.Responsible[id] = true
	}
	var groups []int64
	for _, v := range form["group"] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			groups = append(groups, id)
		}
	}
	rows, _ := strconv.Atoi(c.FormValue("t_rows"))
	for i := range min(max(rows, 0), plansvc.MaxTargetRows) {
		get := func(name string) string { return field(c, "t"+strconv.Itoa(i)+"_"+name) }
		row := planadmin.TargetRow{Indicator: get("indicator"), Op: get("op"), Value: get("value"), Unit: get("unit"),
			Year: get("year"), Remove: get("remove") != ""}
		row.ID, _ = strconv.ParseInt(get("id"), 10, 64)
		f.Targets = append(f.Targets, row)
	}
	e, err := plansvc.New(h.Store).CheckMeasure(c.Request().Context(), plan, stored, &f, groups, errs)
	return f, e, errs, err
}

// UpdateMeasure saves a measure's edit form.
func (h *Handlers) UpdateMeasure(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	m, err := h.Store.MeasureByID(ctx, id)
	if err != nil {
		return err
	}
	plan, err := h.Store.PlanByID(ctx, m.PlanID)
	if err != nil {
		return err
	}
	stored, err := h.Store.TargetsOf(ctx, m.ID)
	if err != nil {
		return err
	}
	f, edit, errs, err := h.bindMeasureForm(c, plan, stored)
	if err != nil {
		return err
	}
	rerender := func(status int) error {
		page, err := h.measureEditPage(ctx, m, f, errs)
		if err != nil {
			return err
		}
		return render.Page(c, status, planadmin.MeasureEdit(page))
	}
	if c.FormValue("add_row") != "" {
		// "Add a row" without JavaScript: the same form, one more blank row,
		// nothing saved and no errors shown yet.
		if len(f.Targets) < plansvc.MaxTargetRows {
			f.Targets = append(f.Targets, planadmin.TargetRow{Op: ">="})
		}
		errs = nil
		return rerender(http.StatusOK)
	}
	if len(errs) > 0 {
		return rerender(http.StatusUnprocessableEntity)
	}
	err = plansvc.New(h.Store).UpdateMeasure(ctx, actor(c), id, f.Version, edit)
	switch {
	case validate.FieldsOf(err) != nil:
		h.placeRefusal(ctx, err, f, errs)
		return rerender(http.StatusUnprocessableEntity)
	case errors.Is(err, model.ErrConflict):
		errs.Set(validate.Form, "form.conflict")
		return rerender(http.StatusConflict)
	case err != nil:
		return err
	}
	return render.Redirect(c, paths.Measure(id), "ok", "plans.measure.saved")
}

// placeRefusal puts a refusal from the store next to the field or row it
// is about, naming the unit or indicator.
func (h *Handlers) placeRefusal(ctx context.Context, err error, f planadmin.MeasureForm, errs validate.Errors) {
	field, m := storeRefusal(err)
	var row int64
	if len(m.Args) > 0 {
		row, _ = m.Args[0].(int64)
	}
	switch field {
	case plansvc.FieldUnits:
		p := validate.Message{Key: m.Key}
		if row != 0 {
			if u, err := h.Store.UnitByID(ctx, row); err == nil {
				p.Args = []any{u.Name}
			}
		}
		errs["units"] = p
	case plansvc.FieldTargets:
		for i, t := range f.Targets {
			if t.ID == row {
				errs.Set("t"+strconv.Itoa(i)+"_row", m.Key, t.Indicator)
				return
			}
		}
		errs.Set("targets", m.Key)
	default:
		errs.Set(validate.Form, m.Key)
	}
}

// storeRefusal is the one field and message of a plan edit the store
// refused (see plansvc.FieldUnits).
func storeRefusal(err error) (string, validate.Message) {
	for field, m := range validate.FieldsOf(err) {
		return field, m
	}
	return "", validate.Message{}
}

// AddMeasure adds a measure to a domain and continues on its edit page.
func (h *Handlers) AddMeasure(c echo.Context) error {
	ctx := c.Request().Context()
	planID, err := paramID(c, "id")
	if err != nil {
		return err
	}
	plan, err := h.Store.PlanByID(ctx, planID)
	if err != nil {
		return err
	}
	domainID, _ := strconv.ParseInt(c.FormValue("domain_id"), 10, 64)
	add := planpages.AddForm{DomainID: domainID, Title: strings.TrimSpace(c.FormValue("title")),
		DueOn: strings.TrimSpace(c.FormValue("due_on")), Errors: validate.Errors{}}
	switch n := utf8.RuneCountInString(add.Title); {
	case n == 0:
		add.Errors.Set("title", "form.required")
	case n > plansvc.MaxTitleRunes:
		add.Errors.Set("title", "plans.err.title_long")
	}
	var due time.Time
	if add.DueOn != "" {
		d, ok := clock.ParseDay(add.DueOn)
		switch {
		case !ok:
			add.Errors.Set("due_on", "plans.err.date")
		case d.Before(clock.Date(plan.StartOn)):
			add.Errors.Set("due_on", "plans.err.due_before_plan")
		}
		due = d
	}
	if len(add.Errors) == 0 {
		m, err := plansvc.New(h.Store).AddMeasure(ctx, actor(c), planID, domainID, add.Title, due)
		switch {
		case validate.FieldsOf(err) != nil:
			_, m := storeRefusal(err)
			add.Errors.Set(validate.Form, m.Key)
		case err != nil:
			return err
		default:
			return render.Redirect(c, paths.MeasureEdit(m.ID), "ok", "plans.measure.created")
		}
	}
	page, err := h.planPage(c, planID, false)
	if err != nil {
		return err
	}
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
	m, err := h.Store.MeasureByID(ctx, id)
	if err != nil {
		return err
	}
	version, _ := strconv.Atoi(c.FormValue("version"))
	refuse := func(status int, key string) error {
		form, err := h.storedMeasureForm(ctx, m)
		if err != nil {
			return err
		}
		page, err := h.measureEditPage(ctx, m, form, validate.Errors{"_form": {Key: key}})
		if err != nil {
			return err
		}
		return render.Page(c, status, planadmin.MeasureEdit(page))
	}
	if c.FormValue("confirm") != "yes" {
		return refuse(http.StatusUnprocessableEntity, "plans.delete.need_confirm")
	}
	err = plansvc.New(h.Store).DeleteMeasure(ctx, actor(c), id, version)
	switch {
	case validate.FieldsOf(err) != nil:
		_, m := storeRefusal(err)
		return refuse(http.StatusConflict, m.Key)
	case errors.Is(err, model.ErrConflict):
		return refuse(http.StatusConflict, "form.conflict")
	case err != nil:
		return err
	}
	return render.Redirect(c, paths.Plan(m.PlanID), "ok", "plans.measure.deleted")
}

// EditPlanForm shows the plan settings form.
func (h *Handlers) EditPlanForm(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	p, err := h.Store.PlanByID(ctx, id)
	if err != nil {
		return err
	}
	f := planadmin.PlanForm{Version: p.Version, Title: p.Title, Reporting: p.Reporting, DueDays: strconv.Itoa(p.DueDays),
		StartOn: clock.DayText(p.StartOn), EndOn: clock.DayText(p.EndOn)}
	page, err := h.planEditPage(ctx, id, f, nil)
	if err != nil {
		return err
	}
	return render.Page(c, http.StatusOK, planadmin.PlanEdit(page))
}

func (h *Handlers) planEditPage(ctx context.Context, id int64, f planadmin.PlanForm, errs validate.Errors) (planadmin.PlanEditPage, error) {
	page := planadmin.PlanEditPage{PlanID: id, Form: f, Errors: errs}
	ps, err := h.Store.PeriodsOf(ctx, id)
	if err != nil {
		return page, err
	}
	for _, x := range ps {
		page.Periods = append(page.Periods, planadmin.PeriodRow{Label: x.Label, Starts: clock.DayText(x.StartsOn), Ends: clock.DayText(x.EndsOn), Due: clock.DayText(x.DueOn)})
	}
	page.Reports, page.Prompts, err = h.Store.PlanUsage(ctx, id)
	return page, err
}

// UpdatePlan saves the plan settings.
func (h *Handlers) UpdatePlan(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	if _, err := h.Store.PlanByID(ctx, id); err != nil {
		return err
	}
	f := planadmin.PlanForm{Title: strings.TrimSpace(c.FormValue("title")), Reporting: c.FormValue("reporting"),
		DueDays: strings.TrimSpace(c.FormValue("due_days")), StartOn: strings.TrimSpace(c.FormValue("start_on")),
		EndOn: strings.TrimSpace(c.FormValue("end_on"))}
	f.Version, _ = strconv.Atoi(c.FormValue("version"))
	errs := validate.Errors{}
	ps := plansvc.CheckPlan(f, errs)
	rerender := func(status int) error {
		page, err := h.planEditPage(ctx, id, f, errs)
		if err != nil {
			return err
		}
		return render.Page(c, status, planadmin.PlanEdit(page))
	}
	if len(errs) > 0 {
		return rerender(http.StatusUnprocessableEntity)
	}
	change, err := plansvc.New(h.Store).UpdatePlan(ctx, actor(c), id, f.Version, ps)
	switch {
	case validate.FieldsOf(err) != nil:
		_, m := storeRefusal(err)
		errs.Set(validate.Form, m.Key)
		return rerender(http.StatusUnprocessableEntity)
	case errors.Is(err, model.ErrConflict):
		errs.Set(validate.Form, "form.conflict")
		return rerender(http.StatusConflict)
	case err != nil:
		return err
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

// unitChooser lists every unit grouped by kind for the unit pickers of the
// breakdown editor and the import preview; used counts a unit's reports and
// prompts on the measure being edited (nil elsewhere).
func (h *Handlers) unitChooser(ctx context.Context, used map[int64]int64) ([]planadmin.UnitKind, error) {
	units, err := h.Store.AllUnits(ctx)
	if err != nil {
		return nil, err
	}
	var out []planadmin.UnitKind
	for _, kind := range model.UnitKinds {
		k := planadmin.UnitKind{KindKey: "unit.kind." + kind}
		for _, u := range units {
			if u.Kind == kind {
				k.Units = append(k.Units, planadmin.UnitOption{ID: u.ID, Name: u.Name, Unconfirmed: !u.Confirmed, Used: used[u.ID]})
			}
		}
		if len(k.Units) > 0 {
			out = append(out, k)
		}
	}
	return out, nil
}
