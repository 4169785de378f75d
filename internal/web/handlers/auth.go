package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"duban/internal/auth"
	"duban/internal/model"
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

// Login checks the credentials. Unknown users and wrong passwords get the
// same answer after the same work (a dummy hash is verified).
func (h *Handlers) Login(c echo.Context) error {
	ctx := c.Request().Context()
	username := strings.TrimSpace(c.FormValue("username"))
	password := c.FormValue("password")
	if username == "" || password == "" {
		return render.Page(c, http.StatusUnprocessableEntity,
			authpages.Login(h.loginPage(c, authpages.LoginPage{Username: username, ErrorKey: "login.required"})))
	}
	addr := c.RealIP()
	v, end, err := h.Logins.Begin(ctx, username, addr)
	if err != nil {
		return err
	}
	if v.RetryAfter > 0 {
		a := store.Actor{Username: username, ClientAddr: addr}
		if err := h.Refusals.Record(ctx, a, store.AuditEntry{Action: "login.throttled", ObjectType: "user"}); err != nil {
			return err
		}
		secs := int(v.RetryAfter / time.Second)
		c.Response().Header().Set("Retry-After", strconv.Itoa(secs))
		return render.Page(c, http.StatusTooManyRequests, authpages.Login(h.loginPage(c, authpages.LoginPage{
			Username: username, ErrorKey: "login.throttled", ErrorArg: (secs + 59) / 60})))
	}
	defer end()
	u, err := h.Store.UserByUsername(ctx, username)
	if err != nil && !errors.Is(err, model.ErrNotFound) {
		return err
	}
	hash := ""
	if err == nil && !u.Disabled {
		hash = u.PasswordHash
	}
	ok, verr := h.Hasher.Verify(ctx, hash, password)
	if verr != nil {
		return verr
	}
	if !ok {
		if err := h.Store.RecordLoginFailure(ctx, store.Actor{Username: username, ClientAddr: addr}, u.ID); err != nil {
			return err
		}
		return render.Page(c, http.StatusUnauthorized,
			authpages.Login(h.loginPage(c, authpages.LoginPage{Username: username, ErrorKey: "login.failed"})))
	}
	if err := h.Store.RecordLogin(ctx, store.ActorOf(u, addr), u.ID); err != nil {
		return err
	}
	if err := h.Sessions.Start(c.Response(), c.Request(), u); err != nil {
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

// ChangePassword changes the user's own password and ends their other
// sessions.
func (h *Handlers) ChangePassword(c echo.Context) error {
	ctx := c.Request().Context()
	u := user(c)
	cur, pw, confirm := c.FormValue("current"), c.FormValue("new"), c.FormValue("confirm")
	errs := validate.Errors{}
	// The current password is as much a secret as at login: guesses through
	// this form count against the same limit, or a stolen session could
	// find it out and lock the owner out.
	v, end, err := h.Logins.Begin(ctx, u.Username, c.RealIP())
	if err != nil {
		return err
	}
	if v.RetryAfter > 0 {
		c.Response().Header().Set("Retry-After", strconv.Itoa(int(v.RetryAfter/time.Second)))
		return render.Page(c, http.StatusTooManyRequests, authpages.Password(authpages.PasswordPage{
			Errors: validate.Errors{"current": {Key: "password.err.throttled"}}, MustChange: u.MustChangePassword}))
	}
	ok, err := h.Hasher.Verify(ctx, u.PasswordHash, cur)
	if err == nil {
		err = h.Store.RecordLoginAttempt(ctx, u.Username, c.RealIP(), ok)
	}
	end()
	if err != nil {
		return err
	}
	if !ok {
		errs.Set("current", "password.err.current")
	}
	if err := h.Hasher.Check(pw, u.Username, u.DisplayName); err != nil {
		errs.Set("new", auth.PasswordErrorKey(err))
	} else if pw == cur {
		errs.Set("new", "password.err.same")
	} else if pw != confirm {
		errs.Set("confirm", "password.err.mismatch")
	}
	if len(errs) > 0 {
		return render.Page(c, http.StatusUnprocessableEntity, authpages.Password(authpages.PasswordPage{Errors: errs, MustChange: u.MustChangePassword}))
	}
	hash, err := h.Hasher.Hash(ctx, pw, u.Username, u.DisplayName)
	if err != nil {
		return err
	}
	if err := h.Store.SetPassword(ctx, actor(c), u.ID, hash); err != nil {
		return err
	}
	// Every session of the user ends, this one included; a fresh one
	// starts so the user stays logged in here only.
	if err := h.Store.DeleteUserSessions(ctx, u.ID, ""); err != nil {
		return err
	}
	if err := h.Sessions.Start(c.Response(), c.Request(), u); err != nil {
		return err
	}
	return render.Redirect(c, "/", "ok", "password.changed")
}
