package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"duban/internal/reqctx"
	"duban/internal/validate"
	"duban/internal/web/render"
	authpages "duban/views/pages/auth"
)

// Profile shows the user's own account.
func (h *Handlers) Profile(c echo.Context) error {
	u := user(c)
	toks, err := h.tokenSection(c, authpages.TokensSection{})
	if err != nil {
		return err
	}
	return render.Page(c, http.StatusOK, authpages.Profile(authpages.ProfilePage{
		User: u, UnitName: reqctx.Get(c.Request().Context()).UnitName, DisplayName: u.DisplayName, Tokens: toks}))
}

// UpdateProfile saves the display name, the only field users set on their
// own account: role and unit are read from nowhere here, so a forged form
// cannot change them.
func (h *Handlers) UpdateProfile(c echo.Context) error {
	u := user(c)
	name := field(c, "display_name")
	if k := validate.Text(name, false, 100); k != "" {
		toks, err := h.tokenSection(c, authpages.TokensSection{})
		if err != nil {
			return err
		}
		return render.Page(c, http.StatusUnprocessableEntity, authpages.Profile(authpages.ProfilePage{
			User: u, UnitName: reqctx.Get(c.Request().Context()).UnitName, DisplayName: name,
			Errors: validate.Errors{"display_name": {Key: k}}, Tokens: toks}))
	}
	if err := h.Store.UpdateProfile(c.Request().Context(), actor(c), u.ID, name); err != nil {
		return err
	}
	return render.Redirect(c, "/profile", "ok", "admin.saved")
}
