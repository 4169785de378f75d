// Package render writes templ components and one-time flash messages.
package render

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"duban/internal/i18n"
	"duban/internal/reqctx"
)

// Page renders c into a buffer first, so a failed render becomes a clean
// 500 instead of half a page.
func Page(c echo.Context, status int, comp templ.Component) error {
	reqctx.Get(c.Request().Context()).Counted()
	var buf bytes.Buffer
	if err := comp.Render(c.Request().Context(), &buf); err != nil {
		return fmt.Errorf("render %s: %w", c.Path(), err)
	}
	return c.HTMLBlob(status, buf.Bytes())
}

// FlashCookie is the cookie that carries a flash across one redirect.
const FlashCookie = "duban_flash"

// Redirect sends a 303 to a local path, with an optional flash message
// (kind "ok", "error" or "info"; key a catalog key).
func Redirect(c echo.Context, to, kind, key string) error {
	if key != "" {
		c.SetCookie(&http.Cookie{Name: FlashCookie, Value: url.QueryEscape(kind + "|" + key), Path: "/",
			HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: secure(c), MaxAge: 120})
	}
	return c.Redirect(http.StatusSeeOther, to)
}

// secure reports whether cookies must be Secure: the portal is configured
// as served over HTTPS (--secure), or this request came over TLS.
func secure(c echo.Context) bool {
	return reqctx.Get(c.Request().Context()).Secure || c.IsTLS()
}

// ReadFlash takes the flash cookie off the request and clears it. Only keys
// that exist in the catalog are shown, so the cookie cannot inject text.
func ReadFlash(c echo.Context) *reqctx.Flash {
	ck, err := c.Cookie(FlashCookie)
	if err != nil || ck.Value == "" {
		return nil
	}
	c.SetCookie(&http.Cookie{Name: FlashCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: secure(c)})
	v, err := url.QueryUnescape(ck.Value)
	if err != nil {
		return nil
	}
	for i := 0; i < len(v); i++ {
		if v[i] == '|' {
			kind, key := v[:i], v[i+1:]
			if !i18n.Default().Has(key) {
				return nil
			}
			switch kind {
			case "ok", "error", "info":
			default:
				kind = "info"
			}
			return &reqctx.Flash{Kind: kind, Key: key}
		}
	}
	return nil
}

// SafeNext returns next if it is a path on this site, else "/": login and
// back redirects must not become open redirects. Browsers drop tabs and
// newlines inside a URL and read a backslash as a slash, so "/\t/evil.example"
// and "/\\evil.example" would leave the site: control characters and
// backslashes are refused outright, and what remains must parse as a bare
// path (no scheme, no host, not "//").
func SafeNext(next string) string {
	if next == "" || len(next) > 2048 || next[0] != '/' || !utf8.ValidString(next) {
		return "/"
	}
	for _, r := range next {
		if r == '\\' || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return "/"
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" ||
		!strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") || strings.HasPrefix(next, "//") {
		return "/"
	}
	return next
}
