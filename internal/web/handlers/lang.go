package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"duban/internal/i18n"
	"duban/internal/web/render"
)

// LangCookie remembers the chosen language for a year.
const LangCookie = "duban_lang"

// SetLang stores the language choice and returns to the page it came from.
func (h *Handlers) SetLang(c echo.Context) error {
	loc := i18n.Normalize(c.FormValue("to"))
	c.SetCookie(&http.Cookie{Name: LangCookie, Value: loc, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: h.Config.Secure, MaxAge: 365 * 24 * 3600})
	return c.Redirect(http.StatusSeeOther, render.SafeNext(c.FormValue("back")))
}
