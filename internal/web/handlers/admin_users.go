package handlers

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"duban/internal/admin"
	"duban/internal/auth"
	"duban/internal/model"
	"duban/internal/store"
	"duban/internal/validate"
	"duban/internal/web/render"
	adminpages "duban/views/pages/admin"
	"duban/views/paths"
)

// AdminUsers lists accounts.
func (h *Handlers) AdminUsers(c echo.Context) error {
	p := adminpages.UsersPage{
		Q:      c.QueryParam("q"),
		Role:   oneOf(c.QueryParam("role"), model.Roles),
		UnitID: queryInt64(c, "unit_id"),
		State:  oneOf(c.QueryParam("state"), []string{"enabled", "disabled"}),
	}
	f := store.UserFilter{Q: p.Q, Role: p.Role, UnitID: p.UnitID}
	if p.State != "" {
		disabled := p.State == "disabled"
		f.Disabled = &disabled
	}
	var err error
	if p.UserList, err = admin.New(h.Store).Users(c.Request().Context(), f); err != nil {
		return err
	}
	return render.Page(c, http.StatusOK, adminpages.Users(p))
}

// userForm reads the fields an administrator sets on an account and
// validates them. unitID is set only for role unit.
func (h *Handlers) userForm(c echo.Context, isNew bool) (form adminpages.UserForm, unitID *int64, errs validate.Errors, err error) {
	form = adminpages.UserForm{
		DisplayName: field(c, "display_name"),
		Role:        field(c, "role"),
		UnitID:      field(c, "unit_id"),
	}
	errs = validate.Errors{}
	if isNew {
		form.Username = field(c, "username")
		if !auth.ValidUsername(form.Username) {
			errs.Set("username", "admin.users.err.username")
		}
	}
	if k := validate.Text(form.DisplayName, false, 100); k != "" {
		errs.Set("display_name", k)
	}
	if oneOf(form.Role, model.Roles) == "" {
		errs.Set("role", "admin.users.err.role")
	}
	if form.Role != model.RoleUnit {
		// Only unit users belong to a unit; a unit chosen for another role
		// is dropped rather than refused.
		form.UnitID = ""
		return form, nil, errs, nil
	}
	id, perr := strconv.ParseInt(form.UnitID, 10, 64)
	if perr != nil || id <= 0 {
		errs.Set("unit_id", "admin.users.err.unit_required")
		return form, nil, errs, nil
	}
	if _, err := h.Store.UnitByID(c.Request().Context(), id); err != nil {
		if errors.Is(err, model.ErrNotFound) {
			errs.Set("unit_id", "admin.users.err.unit_required")
			return form, nil, errs, nil
		}
		return form, nil, nil, err
	}
	return form, &id, errs, nil
}

// passwordForm validates a new password for the account username and its
// confirmation.
func (h *Handlers) passwordForm(c echo.Context, username, displayName string) (string, validate.Errors) {
	pw, confirm := c.FormValue("password"), c.FormValue("confirm")
	errs := validate.Errors{}
	if err := h.Hasher.Check(pw, username, displayName); err != nil {
		errs.Set("password", auth.PasswordErrorKey(err))
	} else if pw != confirm {
		errs.Set("confirm", "password.err.mismatch")
	}
	return pw, errs
}

func (h *Handlers) renderUser(c echo.Context, status int, p adminpages.UserPage) error {
	var id int64
	if p.User != nil {
		id, p.Self = p.User.ID, p.User.ID == user(c).ID
	}
	var err error
	if p.UserRelations, err = admin.New(h.Store).UserRelations(c.Request().Context(), id, h.Clock.Now()); err != nil {
		return err
	}
	return render.Page(c, status, adminpages.UserEdit(p))
}

// AdminUserNew shows the new-account form.
func (h *Handlers) AdminUserNew(c echo.Context) error {
	form := adminpages.UserForm{Role: model.RoleUnit}
	if id := queryInt64(c, "unit_id"); id > 0 {
		form.UnitID = strconv.FormatInt(id, 10)
	}
	return h.renderUser(c, http.StatusOK, adminpages.UserPage{Form: form})
}

// AdminUserCreate creates an account with an initial password.
func (h *Handlers) AdminUserCreate(c echo.Context) error {
	ctx := c.Request().Context()
	form, unitID, errs, err := h.userForm(c, true)
	if err != nil {
		return err
	}
	pw, pwErrs := h.passwordForm(c, form.Username, form.DisplayName)
	if len(errs) > 0 || len(pwErrs) > 0 {
		return h.renderUser(c, http.StatusUnprocessableEntity, adminpages.UserPage{Form: form, Errors: errs, PasswordErrors: pwErrs})
	}
	hash, err := h.Hasher.Hash(ctx, pw, form.Username, form.DisplayName)
	if err != nil {
		return err
	}
	u := &model.User{Username: form.Username, DisplayName: form.DisplayName, Role: form.Role, UnitID: unitID, PasswordHash: hash}
	if err := h.Store.AddUser(ctx, actor(c), u); err != nil {
		if errors.Is(err, model.ErrConflict) {
			errs.Set("username", "admin.users.err.taken")
			return h.renderUser(c, http.StatusUnprocessableEntity, adminpages.UserPage{Form: form, Errors: errs})
		}
		return err
	}
	return render.Redirect(c, paths.AdminUser(u.ID), "ok", "admin.users.created")
}

func (h *Handlers) targetUser(c echo.Context) (*model.User, error) {
	id, err := paramID(c, "id")
	if err != nil {
		return nil, err
	}
	return h.Store.UserByID(c.Request().Context(), id)
}

func formOf(u *model.User) adminpages.UserForm {
	f := adminpages.UserForm{Username: u.Username, DisplayName: u.DisplayName, Role: u.Role}
	if u.UnitID != nil {
		f.UnitID = strconv.FormatInt(*u.UnitID, 10)
	}
	return f
}

// AdminUser shows an account with its sessions and actions.
func (h *Handlers) AdminUser(c echo.Context) error {
	u, err := h.targetUser(c)
	if err != nil {
		return err
	}
	return h.renderUser(c, http.StatusOK, adminpages.UserPage{User: u, Form: formOf(u)})
}

// AdminUserUpdate changes display name, role and unit.
func (h *Handlers) AdminUserUpdate(c echo.Context) error {
	u, err := h.targetUser(c)
	if err != nil {
		return err
	}
	form, unitID, errs, err := h.userForm(c, false)
	if err != nil {
		return err
	}
	form.Username = u.Username
	if len(errs) == 0 {
		err = h.Store.UpdateUser(c.Request().Context(), actor(c), u.ID,
			store.UserChange{DisplayName: form.DisplayName, Role: form.Role, UnitID: unitID})
		if errors.Is(err, store.ErrLastAdmin) {
			errs.Set("role", "admin.users.err.last_admin")
		} else if err != nil {
			return err
		}
	}
	if len(errs) > 0 {
		return h.renderUser(c, http.StatusUnprocessableEntity, adminpages.UserPage{User: u, Form: form, Errors: errs})
	}
	return render.Redirect(c, paths.AdminUser(u.ID), "ok", "admin.saved")
}

// AdminUserDisable disables an account; its sessions end at once.
func (h *Handlers) AdminUserDisable(c echo.Context) error { return h.setDisabled(c, true) }

// AdminUserEnable enables a disabled account.
func (h *Handlers) AdminUserEnable(c echo.Context) error { return h.setDisabled(c, false) }

func (h *Handlers) setDisabled(c echo.Context, disabled bool) error {
	u, err := h.targetUser(c)
	if err != nil {
		return err
	}
	back := paths.AdminUser(u.ID)
	if u.ID == user(c).ID {
		return render.Redirect(c, back, "error", "admin.users.err.self")
	}
	err = h.Store.SetUserDisabled(c.Request().Context(), actor(c), u.ID, disabled)
	if errors.Is(err, store.ErrLastAdmin) {
		return render.Redirect(c, back, "error", "admin.users.err.last_admin")
	}
	if err != nil {
		return err
	}
	key := "admin.users.enabled_ok"
	if disabled {
		key = "admin.users.disabled_ok"
	}
	return render.Redirect(c, back, "ok", key)
}

// AdminUserPassword sets a new password for a user (who forgot theirs) and
// ends all of their sessions.
func (h *Handlers) AdminUserPassword(c echo.Context) error {
	ctx := c.Request().Context()
	u, err := h.targetUser(c)
	if err != nil {
		return err
	}
	back := paths.AdminUser(u.ID)
	if u.ID == user(c).ID {
		// Their own password goes through /password, which asks for the
		// current one.
		return render.Redirect(c, "/password", "info", "admin.users.err.self_password")
	}
	pw, errs := h.passwordForm(c, u.Username, u.DisplayName)
	if len(errs) > 0 {
		return h.renderUser(c, http.StatusUnprocessableEntity, adminpages.UserPage{User: u, Form: formOf(u), PasswordErrors: errs})
	}
	hash, err := h.Hasher.Hash(ctx, pw, u.Username, u.DisplayName)
	if err != nil {
		return err
	}
	if err := h.Store.ResetPassword(ctx, actor(c), u.ID, hash); err != nil {
		return err
	}
	return render.Redirect(c, back, "ok", "admin.users.password_reset")
}

// AdminUserEndSessions logs a user out everywhere.
func (h *Handlers) AdminUserEndSessions(c echo.Context) error {
	u, err := h.targetUser(c)
	if err != nil {
		return err
	}
	if _, err := h.Store.EndUserSessions(c.Request().Context(), actor(c), u.ID); err != nil {
		return err
	}
	if u.ID == user(c).ID {
		return render.Redirect(c, "/login", "ok", "login.logged_out")
	}
	return render.Redirect(c, paths.AdminUser(u.ID), "ok", "admin.users.sessions_ended")
}
