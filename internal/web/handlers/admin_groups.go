package handlers

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"duban/internal/admin"
	"duban/internal/model"
	"duban/internal/validate"
	"duban/internal/web/render"
	adminpages "duban/views/pages/admin"
	"duban/views/paths"
)

// AdminGroups lists unit groups.
func (h *Handlers) AdminGroups(c echo.Context) error {
	groups, err := h.Store.ListGroups(c.Request().Context())
	if err != nil {
		return err
	}
	return render.Page(c, http.StatusOK, adminpages.Groups(adminpages.GroupsPage{Groups: groups}))
}

// renderGroup shows group p.ID's form (0: a new group) with the units to
// choose from; an unknown group is not found.
func (h *Handlers) renderGroup(c echo.Context, status int, p adminpages.GroupPage) error {
	g, err := admin.New(h.Store).GroupMembers(c.Request().Context(), p.ID)
	if err != nil {
		return err
	}
	p.Units = g.Units
	return render.Page(c, status, adminpages.GroupEdit(p))
}

// groupForm reads the group's name and members.
func groupForm(c echo.Context) (string, []int64, map[int64]bool, validate.Errors) {
	name := field(c, "name")
	errs := validate.Errors{}
	if k := validate.Text(name, true, 100); k != "" {
		errs.Set("name", k)
	}
	var ids []int64
	set := map[int64]bool{}
	params, _ := c.FormParams()
	for _, v := range params["members"] {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			errs.Set("members", "admin.groups.err.members")
			continue
		}
		if !set[n] {
			ids = append(ids, n)
			set[n] = true
		}
	}
	return name, ids, set, errs
}

// AdminGroupNew shows the new-group form.
func (h *Handlers) AdminGroupNew(c echo.Context) error {
	return h.renderGroup(c, http.StatusOK, adminpages.GroupPage{})
}

// AdminGroupCreate adds a unit group.
func (h *Handlers) AdminGroupCreate(c echo.Context) error {
	name, ids, set, errs := groupForm(c)
	if len(errs) == 0 {
		g, err := h.Store.CreateGroup(c.Request().Context(), actor(c), name, ids)
		switch {
		case errors.Is(err, model.ErrConflict):
			errs.Set("name", "admin.groups.err.taken")
		case errors.Is(err, model.ErrInvalid):
			errs.Set("members", "admin.groups.err.members")
		case err != nil:
			return err
		default:
			return render.Redirect(c, paths.AdminGroup(g.ID), "ok", "admin.saved")
		}
	}
	return h.renderGroup(c, http.StatusUnprocessableEntity, adminpages.GroupPage{Name: name, Members: set, Errors: errs})
}

// AdminGroup shows a group's form.
func (h *Handlers) AdminGroup(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	g, err := admin.New(h.Store).GroupMembers(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return render.Page(c, http.StatusOK, adminpages.GroupEdit(adminpages.GroupPage{ID: g.Group.ID, Name: g.Group.Name, Members: g.Members, Units: g.Units}))
}

// AdminGroupUpdate renames a group and sets its members.
func (h *Handlers) AdminGroupUpdate(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	// An unknown group is not found: by UpdateGroup, or by renderGroup
	// when the form is refused.
	name, ids, set, errs := groupForm(c)
	if len(errs) == 0 {
		err := h.Store.UpdateGroup(c.Request().Context(), actor(c), id, name, ids)
		switch {
		case errors.Is(err, model.ErrConflict):
			errs.Set("name", "admin.groups.err.taken")
		case errors.Is(err, model.ErrInvalid):
			errs.Set("members", "admin.groups.err.members")
		case err != nil:
			return err
		default:
			return render.Redirect(c, paths.AdminGroup(id), "ok", "admin.saved")
		}
	}
	return h.renderGroup(c, http.StatusUnprocessableEntity, adminpages.GroupPage{ID: id, Name: name, Members: set, Errors: errs})
}

// AdminGroupDelete removes a group; its units stay.
func (h *Handlers) AdminGroupDelete(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	if err := h.Store.DeleteGroup(c.Request().Context(), actor(c), id); err != nil {
		return err
	}
	return render.Redirect(c, "/admin/groups", "ok", "admin.groups.deleted")
}
