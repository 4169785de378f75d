package handlers

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"duban/internal/auth"
	"duban/internal/reqctx"
	"duban/internal/validate"
	"duban/internal/web/render"
	authpages "duban/views/pages/auth"
)

// tokenSection fills the /profile token list around the given form state.
func (h *Handlers) tokenSection(c echo.Context, s authpages.TokensSection) (authpages.TokensSection, error) {
	list, err := h.Store.APITokensOfUser(c.Request().Context(), user(c).ID)
	s.List, s.Now = list, h.Clock.Now()
	return s, err
}

// CreateToken makes a personal access token and shows its secret once, on
// the profile page itself (a redirect would have to carry the secret).
func (h *Handlers) CreateToken(c echo.Context) error {
	u := user(c)
	form := authpages.TokensSection{Name: field(c, "name"), Days: field(c, "expires"), RO: c.FormValue("read_only") != ""}
	days, err := strconv.Atoi(form.Days)
	if err != nil {
		days = -1 // refused by Validate
	}
	secret, _, err := h.Tokens.Create(c.Request().Context(), actor(c), u.ID, auth.NewToken{Name: form.Name, ReadOnly: form.RO, Days: days})
	status := http.StatusOK
	switch fe := validate.FieldsOf(err); {
	case fe != nil:
		form.Errors, status = fe, http.StatusUnprocessableEntity
	case err != nil:
		return err
	default:
		form = authpages.TokensSection{Secret: secret}
	}
	toks, err := h.tokenSection(c, form)
	if err != nil {
		return err
	}
	return render.Page(c, status, authpages.Profile(authpages.ProfilePage{
		User: u, UnitName: reqctx.Get(c.Request().Context()).UnitName, DisplayName: u.DisplayName, Tokens: toks}))
}

// RevokeToken ends one of the user's own tokens.
func (h *Handlers) RevokeToken(c echo.Context) error {
	return h.revokeToken(c, "/profile#tokens")
}

// AdminTokens lists every live token for the admins.
func (h *Handlers) AdminTokens(c echo.Context) error {
	list, err := h.Store.ActiveAPITokens(c.Request().Context())
	if err != nil {
		return err
	}
	return render.Page(c, http.StatusOK, authpages.AdminTokens(authpages.AdminTokensPage{List: list, Now: h.Clock.Now()}))
}

// AdminRevokeToken ends any user's token.
func (h *Handlers) AdminRevokeToken(c echo.Context) error {
	return h.revokeToken(c, "/admin/tokens")
}

func (h *Handlers) revokeToken(c echo.Context, back string) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	if err := h.Tokens.Revoke(c.Request().Context(), actor(c), id); err != nil {
		return err
	}
	return render.Redirect(c, back, "ok", "token.revoked")
}
