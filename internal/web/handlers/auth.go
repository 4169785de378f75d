package handlers

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"duban/internal/reqctx"
	"duban/internal/store"
	"duban/internal/validate"
	"duban/internal/web/render"
	authpages "duban/views/pages/auth"
)

func (h *Handlers) loginPage(c echo.Context, p authpages.LoginPage) authpages.LoginPage {
	p.NeedSetup = reqctx.Get(c.Request().Context()).NeedSetup
	if next := render.SafeNext(c.QueryParam("next")); next != "/" {
		p.Next = next
	}
	for _, a := range h.DemoAccounts {
		p.Demo = append(p.Demo, authpages.DemoAccount{Username: a.Username, RoleKey: "role." + a.Role, Unit: a.Unit})
	}
	return p
}

// LoginForm shows the login page; a logged-in user goes to the dashboard.
func (h *Handlers) LoginForm(c echo.Context) error {
	if user(c) != nil {
		return c.Redirect(http.StatusSeeOther, "/")
	}
	return render.Page(c, http.StatusOK, authpages.Login(h.loginPage(c, authpages.LoginPage{})))
}

// Login checks the credentials (auth.Logins: throttled, the same answer
// for unknown users and wrong passwords) and starts a session.
func (h *Handlers) Login(c echo.Context) error {
	ctx := c.Request().Context()
	username := strings.TrimSpace(c.FormValue("username"))
	password := c.FormValue("password")
	refuse := func(status int, key string, arg int) error {
		return render.Page(c, status, authpages.Login(h.loginPage(c, authpages.LoginPage{Username: username, ErrorKey: key, ErrorArg: arg})))
	}
	if username == "" || password == "" {
		return refuse(http.StatusUnprocessableEntity, "login.required", 0)
	}
	res, err := h.Logins.Login(ctx, username, password, c.RealIP())
	switch {
	case err != nil:
		return err
	case res.RetryAfter > 0:
		a := store.Actor{Username: username, ClientAddr: c.RealIP()}
		if err := h.Refusals.Record(ctx, a, store.AuditEntry{Action: "login.throttled", ObjectType: "user"}); err != nil {
			return err
		}
		secs := int(res.RetryAfter / time.Second)
		c.Response().Header().Set("Retry-After", strconv.Itoa(secs))
		return refuse(http.StatusTooManyRequests, "login.throttled", (secs+59)/60)
	case res.User == nil:
		return refuse(http.StatusUnauthorized, "login.failed", 0)
	}
	if err := h.Sessions.Start(c.Response(), c.Request(), res.User); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, render.SafeNext(c.QueryParam("next")))
}

// Logout ends the session on the server and clears the cookie.
func (h *Handlers) Logout(c echo.Context) error {
	ctx := c.Request().Context()
	if err := h.Store.Audit(ctx, actor(c), store.AuditEntry{Action: "logout", ObjectType: "user", ObjectID: user(c).ID}); err != nil {
		return err
	}
	if err := h.Sessions.End(c.Response(), c.Request()); err != nil {
		return err
	}
	return render.Redirect(c, "/login", "ok", "login.logged_out")
}

// PasswordForm shows the change-password form; after an administrator set
// the password it says the user has to choose their own first.
func (h *Handlers) PasswordForm(c echo.Context) error {
	return render.Page(c, http.StatusOK, authpages.Password(authpages.PasswordPage{MustChange: user(c).MustChangePassword}))
}

// ChangePassword changes the user's own password (auth.Logins: the
// current one is checked and throttled like a login) and ends their other
// sessions.
func (h *Handlers) ChangePassword(c echo.Context) error {
	u := user(c)
	retry, errs, err := h.Logins.ChangePassword(c.Request().Context(), actor(c), u, c.RealIP(),
		c.FormValue("current"), c.FormValue("new"), c.FormValue("confirm"))
	switch {
	case err != nil:
		return err
	case retry > 0:
		c.Response().Header().Set("Retry-After", strconv.Itoa(int(retry/time.Second)))
		return render.Page(c, http.StatusTooManyRequests, authpages.Password(authpages.PasswordPage{
			Errors: validate.Errors{"current": {Key: "password.err.throttled"}}, MustChange: u.MustChangePassword}))
	case len(errs) > 0:
		return render.Page(c, http.StatusUnprocessableEntity, authpages.Password(authpages.PasswordPage{Errors: errs, MustChange: u.MustChangePassword}))
	}
	// Every session of the user ended, this one included; a fresh one
	// starts so the user stays logged in here only.
	if err := h.Sessions.Start(c.Response(), c.Request(), u); err != nil {
		return err
	}
	return render.Redirect(c, "/", "ok", "password.changed")
}
