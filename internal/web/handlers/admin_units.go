package handlers

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"duban/internal/admin"
	"duban/internal/model"
	"duban/internal/planadmin"
	"duban/internal/store"
	"duban/internal/validate"
	"duban/internal/web/render"
	adminpages "duban/views/pages/admin"
	"duban/views/paths"
)

// AdminUnits lists units; ?unconfirmed=1 shows those the importer created
// from unknown names, waiting to be confirmed or merged.
func (h *Handlers) AdminUnits(c echo.Context) error {
	p := adminpages.UnitsPage{
		Q:           c.QueryParam("q"),
		Kind:        oneOf(c.QueryParam("kind"), model.UnitKinds),
		Unconfirmed: c.QueryParam("unconfirmed") == "1",
	}
	var err error
	p.Units, err = h.Store.ListUnits(c.Request().Context(), store.UnitFilter{Q: p.Q, Kind: p.Kind, Unconfirmed: p.Unconfirmed})
	if err != nil {
		return err
	}
	return render.Page(c, http.StatusOK, adminpages.Units(p))
}

// unitForm reads and validates the unit form.
func unitForm(c echo.Context) (adminpages.UnitForm, store.UnitChange, validate.Errors) {
	f := adminpages.UnitForm{
		Name:      field(c, "name"),
		Kind:      field(c, "kind"),
		SortOrder: field(c, "sort_order"),
		Confirmed: c.FormValue("confirmed") == "1",
	}
	errs := validate.Errors{}
	if k := validate.Text(f.Name, true, 100); k != "" {
		errs.Set("name", k)
	}
	if oneOf(f.Kind, model.UnitKinds) == "" {
		errs.Set("kind", "admin.units.err.kind")
	}
	sort := 0
	if f.SortOrder != "" {
		n, err := strconv.Atoi(f.SortOrder)
		if err != nil || n < -1000000 || n > 1000000 {
			errs.Set("sort_order", "admin.units.err.sort")
		}
		sort = n
	}
	return f, store.UnitChange{Name: f.Name, Kind: f.Kind, SortOrder: sort, Confirmed: f.Confirmed}, errs
}

// renderUnit fills in what the unit page shows around the form.
func (h *Handlers) renderUnit(c echo.Context, status int, p adminpages.UnitPage) error {
	if p.ID == 0 {
		return render.Page(c, status, adminpages.UnitEdit(p))
	}
	var err error
	if p.UnitRelations, err = admin.New(h.Store).UnitRelations(c.Request().Context(), p.ID); err != nil {
		return err
	}
	return render.Page(c, status, adminpages.UnitEdit(p))
}

func (h *Handlers) targetUnit(c echo.Context) (*model.Unit, error) {
	id, err := paramID(c, "id")
	if err != nil {
		return nil, err
	}
	return h.Store.UnitByID(c.Request().Context(), id)
}

func unitFormOf(u *model.Unit) adminpages.UnitForm {
	return adminpages.UnitForm{Name: u.Name, Kind: u.Kind, SortOrder: strconv.Itoa(u.SortOrder), Confirmed: u.Confirmed}
}

// AdminUnitNew shows the new-unit form.
func (h *Handlers) AdminUnitNew(c echo.Context) error {
	return h.renderUnit(c, http.StatusOK, adminpages.UnitPage{Form: adminpages.UnitForm{Kind: model.UnitDepartment, SortOrder: "0", Confirmed: true}})
}

// AdminUnitCreate adds a unit.
func (h *Handlers) AdminUnitCreate(c echo.Context) error {
	form, ch, errs := unitForm(c)
	if len(errs) == 0 {
		u, err := h.Store.CreateUnit(c.Request().Context(), actor(c), ch)
		switch {
		case errors.Is(err, model.ErrConflict):
			errs.Set("name", "admin.units.err.taken")
		case err != nil:
			return err
		default:
			return render.Redirect(c, paths.AdminUnit(u.ID), "ok", "admin.units.created")
		}
	}
	return h.renderUnit(c, http.StatusUnprocessableEntity, adminpages.UnitPage{Form: form, Errors: errs})
}

// AdminUnit shows a unit: its form, aliases, users and the merge form.
func (h *Handlers) AdminUnit(c echo.Context) error {
	u, err := h.targetUnit(c)
	if err != nil {
		return err
	}
	return h.renderUnit(c, http.StatusOK, adminpages.UnitPage{ID: u.ID, Form: unitFormOf(u)})
}

// AdminUnitUpdate saves the unit form.
func (h *Handlers) AdminUnitUpdate(c echo.Context) error {
	u, err := h.targetUnit(c)
	if err != nil {
		return err
	}
	form, ch, errs := unitForm(c)
	if len(errs) == 0 {
		err := h.Store.UpdateUnit(c.Request().Context(), actor(c), u.ID, ch)
		switch {
		case errors.Is(err, model.ErrConflict):
			errs.Set("name", "admin.units.err.taken")
		case err != nil:
			return err
		default:
			return render.Redirect(c, paths.AdminUnit(u.ID), "ok", "admin.saved")
		}
	}
	return h.renderUnit(c, http.StatusUnprocessableEntity, adminpages.UnitPage{ID: u.ID, Form: form, Errors: errs})
}

// AdminUnitConfirm confirms a unit the importer created.
func (h *Handlers) AdminUnitConfirm(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	if err := h.Store.ConfirmUnit(c.Request().Context(), actor(c), id); err != nil {
		return err
	}
	return render.Redirect(c, paths.AdminUnit(id), "ok", "admin.units.confirmed_ok")
}

// AdminUnitMerge folds the unit into another one, keeping its name as an
// alias there.
func (h *Handlers) AdminUnitMerge(c echo.Context) error {
	u, err := h.targetUnit(c)
	if err != nil {
		return err
	}
	page := adminpages.UnitPage{ID: u.ID, Form: unitFormOf(u)}
	target, perr := strconv.ParseInt(c.FormValue("target"), 10, 64)
	if perr != nil || target <= 0 || target == u.ID {
		page.MergeError = validate.Message{Key: "admin.units.err.merge_target"}
		return h.renderUnit(c, http.StatusUnprocessableEntity, page)
	}
	err = planadmin.New(h.Store).MergeUnit(c.Request().Context(), actor(c), u.ID, target)
	switch {
	case errors.Is(err, planadmin.ErrMergeReports):
		page.MergeError = validate.Message{Key: "admin.units.err.merge_reports"}
		return h.renderUnit(c, http.StatusConflict, page)
	case errors.Is(err, model.ErrNotFound):
		page.MergeError = validate.Message{Key: "admin.units.err.merge_target"}
		return h.renderUnit(c, http.StatusUnprocessableEntity, page)
	case err != nil:
		return err
	}
	return render.Redirect(c, paths.AdminUnit(target), "ok", "admin.units.merged")
}

// AdminUnitAliasAdd gives the unit another name.
func (h *Handlers) AdminUnitAliasAdd(c echo.Context) error {
	u, err := h.targetUnit(c)
	if err != nil {
		return err
	}
	alias := field(c, "alias")
	page := adminpages.UnitPage{ID: u.ID, Form: unitFormOf(u), Alias: alias}
	if page.AliasError.Key = validate.Text(alias, true, 100); page.AliasError.Key == "" {
		err := h.Store.AddAlias(c.Request().Context(), actor(c), u.ID, alias)
		switch {
		case errors.Is(err, model.ErrConflict):
			page.AliasError.Key = "admin.units.err.taken"
		case err != nil:
			return err
		default:
			return render.Redirect(c, paths.AdminUnit(u.ID), "ok", "admin.saved")
		}
	}
	return h.renderUnit(c, http.StatusUnprocessableEntity, page)
}

// AdminUnitAliasDelete removes an alias of the unit.
func (h *Handlers) AdminUnitAliasDelete(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	aid, err := paramID(c, "aid")
	if err != nil {
		return err
	}
	if err := h.Store.DeleteAlias(c.Request().Context(), actor(c), id, aid); err != nil {
		return err
	}
	return render.Redirect(c, paths.AdminUnit(id), "ok", "admin.saved")
}
