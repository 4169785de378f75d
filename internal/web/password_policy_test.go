package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"duban/internal/testutil"
)

// TestPasswordPolicyOnTheForms: the change-password form and the admin's
// reset refuse what ASVS level 2 refuses, with the reason next to the field.
func TestPasswordPolicyOnTheForms(t *testing.T) {
	p := testutil.Start(t)
	c := p.Login("jiaoyuju")
	admin := p.Login("admin")
	canlian := userNamed(t, p, "canlian")
	refused := []struct{ pw, reason string }{
		{"eleven-char", "至少需要 12 个字符"},
		{"aaaaaaaaaaaa", "同一个字符的重复"},
		{strings.Repeat(" ", 12), "只由空格组成"},
		{"qwerty123456", "太常见"},
		{"password2015", "太容易猜到"},
	}
	for _, tt := range refused {
		res := c.PostForm("/password", url.Values{"current": {p.App.DemoPassword}, "new": {tt.pw}, "confirm": {tt.pw}})
		wantStatus(t, res, http.StatusUnprocessableEntity, "own password "+tt.pw)
		if msg := res.Doc(t).Find(".field-error").Text(); !strings.Contains(msg, tt.reason) {
			t.Errorf("own password %q: field error %q, want %q", tt.pw, msg, tt.reason)
		}
		res = admin.PostForm("/admin/users/"+idStr(canlian.ID)+"/password", url.Values{"password": {tt.pw}, "confirm": {tt.pw}})
		wantStatus(t, res, http.StatusUnprocessableEntity, "reset to "+tt.pw)
	}
	res := c.PostForm("/password", url.Values{"current": {p.App.DemoPassword}, "new": {"Jiaoyuju-reports-2015"}, "confirm": {"Jiaoyuju-reports-2015"}})
	wantStatus(t, res, http.StatusUnprocessableEntity, "password with the username")
	if msg := res.Doc(t).Find(".field-error").Text(); !strings.Contains(msg, "不能包含用户名") {
		t.Errorf("password with the username: %q", msg)
	}
	res = admin.PostForm("/admin/users/"+idStr(canlian.ID)+"/password", url.Values{"password": {"canlian-temporary-1"}, "confirm": {"canlian-temporary-1"}})
	wantStatus(t, res, http.StatusUnprocessableEntity, "reset to a password with the username")
	res = c.PostForm("/password", url.Values{"current": {p.App.DemoPassword}, "new": {p.App.DemoPassword}, "confirm": {p.App.DemoPassword}})
	wantStatus(t, res, http.StatusUnprocessableEntity, "the same password again")
	if v, _ := res.Doc(t).Find("#new").Attr("minlength"); v != "12" {
		t.Errorf("the form asks for minlength %q, want 12", v)
	}
}

// TestAdminResetForcesPasswordChange: after an administrator resets a
// password, the user's next login leads to /password and every other page
// sends them back there until they have chosen their own.
func TestAdminResetForcesPasswordChange(t *testing.T) {
	p := testutil.Start(t)
	admin := p.Login("admin")
	canlian := userNamed(t, p, "canlian")
	const temp, own = "harbour-lantern-77", "my own quiet river 2015"
	wantStatus(t, admin.PostForm("/admin/users/"+idStr(canlian.ID)+"/password", url.Values{"password": {temp}, "confirm": {temp}}),
		http.StatusSeeOther, "reset")

	c := p.Client()
	wantStatus(t, postLogin(t, c, "canlian", temp, ""), http.StatusSeeOther, "login with the reset password")
	for _, path := range []string{"/", "/todo", "/ledger", "/profile", "/inbox", "/plans"} {
		res := c.Get(path)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/password" {
			t.Errorf("GET %s before choosing a password = %d → %q, want 303 → /password", path, res.StatusCode, res.Header.Get("Location"))
		}
	}
	res := c.PostForm("/profile", url.Values{"display_name": {"改名"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/password" {
		t.Errorf("POST /profile before choosing a password = %d → %q", res.StatusCode, res.Header.Get("Location"))
	}
	if userNamed(t, p, "canlian").DisplayName == "改名" {
		t.Error("the profile was changed before the password")
	}
	res = c.Get("/password")
	wantStatus(t, res, http.StatusOK, "password form")
	if !strings.Contains(res.Doc(t).Find(".must-change").Text(), "管理员为您设置了密码") {
		t.Error("the password form does not say why it is shown")
	}
	res = c.PostForm("/password", url.Values{"current": {temp}, "new": {temp}, "confirm": {temp}})
	wantStatus(t, res, http.StatusUnprocessableEntity, "keeping the administrator's password")
	res = c.PostForm("/password", url.Values{"current": {temp}, "new": {own}, "confirm": {own}})
	wantStatus(t, res, http.StatusSeeOther, "choose an own password")
	if !loggedIn(t, c) {
		t.Fatal("the dashboard is still closed after choosing a password")
	}
	if userNamed(t, p, "canlian").MustChangePassword {
		t.Error("the flag stayed set")
	}
	// The user's own change never sets it.
	if userNamed(t, p, "jiaoyuju").MustChangePassword {
		t.Error("a demo account must change its password")
	}
}
