package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"duban/internal/model"
	"duban/internal/store"
	"duban/internal/testutil"
)

// TestNonAdminsCannotReachAccountsOrUnits: a unit user, the supervision
// office and a leader can neither read nor change another account or a
// unit through the admin pages, and each refusal is audited.
func TestNonAdminsCannotReachAccountsOrUnits(t *testing.T) {
	p := testutil.Start(t)
	canlian := userNamed(t, p, "canlian")
	victim := p.Login("canlian")
	unit := testutil.UnitNamed(t, p, "市教育局")
	for _, who := range []string{"jiaoyuju", "duchashi", "lingdao"} {
		t.Run(who, func(t *testing.T) {
			c := p.Login(who)
			self := userNamed(t, p, who)
			reads := []string{
				"/admin", "/admin/users", "/admin/users/" + idStr(canlian.ID), "/admin/users/" + idStr(self.ID),
				"/admin/units", "/admin/units/" + idStr(unit.ID), "/admin/groups", "/admin/audit",
			}
			for _, path := range reads {
				res := c.Get(path)
				if res.StatusCode != http.StatusForbidden {
					t.Errorf("GET %s = %d, want 403", path, res.StatusCode)
				}
				if strings.Contains(res.Body, "市残联填报员") || strings.Contains(res.Body, "canlian") {
					t.Errorf("the refusal of %s shows another account's data", path)
				}
			}
			writes := []struct {
				path string
				form url.Values
			}{
				{"/admin/users/" + idStr(canlian.ID), url.Values{"role": {"admin"}, "display_name": {"pwned"}}},
				{"/admin/users/" + idStr(self.ID), url.Values{"role": {"admin"}}},
				{"/admin/users/" + idStr(canlian.ID) + "/disable", nil},
				{"/admin/users/" + idStr(canlian.ID) + "/password", url.Values{"password": {"taken-over-account"}, "confirm": {"taken-over-account"}}},
				{"/admin/users/" + idStr(canlian.ID) + "/sessions/end", nil},
				{"/admin/users", url.Values{"username": {"sneaky"}, "role": {"admin"}, "password": {"sneaky-admin-pass"}, "confirm": {"sneaky-admin-pass"}}},
				{"/admin/units/" + idStr(unit.ID), url.Values{"name": {"改名"}, "kind": {"other"}}},
				{"/admin/units/" + idStr(unit.ID) + "/merge", url.Values{"target": {"1"}}},
			}
			for _, w := range writes {
				if res := c.PostForm(w.path, w.form); res.StatusCode != http.StatusForbidden {
					t.Errorf("POST %s = %d, want 403", w.path, res.StatusCode)
				}
			}
			after := userNamed(t, p, "canlian")
			if after.Role != model.RoleUnit || after.Disabled || after.DisplayName != canlian.DisplayName || after.PasswordHash != canlian.PasswordHash {
				t.Fatalf("another account changed: %+v", after)
			}
			if me := userNamed(t, p, who); me.Role != self.Role {
				t.Fatal("a user changed their own role")
			}
			if !loggedIn(t, victim) {
				t.Fatal("another user's session was ended")
			}
			if u, _ := p.App.Store.UnitByID(context.Background(), unit.ID); u.Name != "市教育局" {
				t.Fatal("the unit was renamed")
			}
			if _, err := p.App.Store.UserByUsername(context.Background(), "sneaky"); err == nil {
				t.Fatal("an account was created")
			}
			evs, _, err := p.App.Store.ListAudit(context.Background(), store.AuditFilter{Actor: who, Action: "access.denied"})
			must(t, err)
			if len(evs) != len(reads)+len(writes) {
				t.Errorf("%d refusals audited, want %d", len(evs), len(reads)+len(writes))
			}
			if len(evs) > 0 && (evs[0].Role != self.Role || evs[0].ClientAddr != "127.0.0.1" || !strings.Contains(evs[0].NewValue, "/admin/")) {
				t.Errorf("refusal audit entry %+v", evs[0])
			}
		})
	}
}

// TestCSRFIsRequired posts to several routes without the token and with
// another browser's token: each is refused with 403 and changes nothing.
func TestCSRFIsRequired(t *testing.T) {
	p := testutil.Start(t)
	admin := p.Login("admin")
	unitUser := p.Login("jiaoyuju")
	canlian := userNamed(t, p, "canlian")
	unit := testutil.UnitNamed(t, p, "市残联")
	otherToken := p.Client().CSRF()
	tests := []struct {
		c    *testutil.Client
		path string
		form url.Values
	}{
		{unitUser, "/logout", url.Values{}},
		{unitUser, "/password", url.Values{"current": {p.App.DemoPassword}, "new": {"csrf-changed-pass"}, "confirm": {"csrf-changed-pass"}}},
		{unitUser, "/profile", url.Values{"display_name": {"csrf"}}},
		{admin, "/admin/users", url.Values{"username": {"csrf"}, "role": {"admin"}, "password": {"csrf-admin-pass"}, "confirm": {"csrf-admin-pass"}}},
		{admin, "/admin/users/" + idStr(canlian.ID) + "/disable", url.Values{}},
		{admin, "/admin/users/" + idStr(canlian.ID) + "/password", url.Values{"password": {"csrf-reset-pass"}, "confirm": {"csrf-reset-pass"}}},
		{admin, "/admin/units/" + idStr(unit.ID) + "/merge", url.Values{"target": {"1"}}},
		{p.Client(), "/login", url.Values{"username": {"admin"}, "password": {p.App.DemoPassword}}},
	}
	for _, tt := range tests {
		for _, token := range []string{"", otherToken} {
			name := tt.path + " without token"
			if token != "" {
				name = tt.path + " with another browser's token"
			}
			t.Run(name, func(t *testing.T) {
				form := url.Values{}
				for k, v := range tt.form {
					form[k] = v
				}
				if token != "" {
					form.Set("_csrf", token)
				}
				res := tt.c.PostRaw(tt.path, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
				if res.StatusCode != http.StatusForbidden {
					t.Fatalf("status %d, want 403", res.StatusCode)
				}
				if !strings.Contains(res.Doc(t).Find(".error-card").Text(), "表单已过期") {
					t.Error("the refusal does not explain the expired form")
				}
			})
		}
	}
	if !loggedIn(t, unitUser) {
		t.Error("the refused logout logged the user out")
	}
	u := userNamed(t, p, "jiaoyuju")
	if u.DisplayName == "csrf" {
		t.Error("the refused profile change was saved")
	}
	wantStatus(t, postLogin(t, p.Client(), "jiaoyuju", p.App.DemoPassword, ""), http.StatusSeeOther, "password unchanged")
	if c := userNamed(t, p, "canlian"); c.Disabled || c.PasswordHash != canlian.PasswordHash {
		t.Error("the refused admin action changed the account")
	}
	if _, err := p.App.Store.UnitByID(context.Background(), unit.ID); err != nil {
		t.Error("the refused merge removed the unit")
	}
	if _, err := p.App.Store.UserByUsername(context.Background(), "csrf"); err == nil {
		t.Error("the refused create made an account")
	}
}

// TestSecurityHeadersOnEveryResponse checks the headers on a page, a
// refusal, a missing page and a server error (the database closed under a
// login), and that the 500 page tells nothing of the cause.
func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	p := testutil.Start(t)
	c := p.Login("jiaoyuju")
	responses := map[int]*testutil.Response{
		http.StatusOK:        c.Get("/"),
		http.StatusForbidden: c.Get("/admin"),
		http.StatusNotFound:  c.Get("/no/such/page"),
	}
	anon := p.Client()
	anon.CSRF()
	must(t, p.App.DB.Close())
	responses[http.StatusInternalServerError] = anon.PostForm("/login", url.Values{"username": {"admin"}, "password": {"whatever-pass"}})
	want := map[string]string{
		"X-Content-Type-Options":     "nosniff",
		"Referrer-Policy":            "same-origin",
		"X-Frame-Options":            "DENY",
		"Cross-Origin-Opener-Policy": "same-origin",
		"Cache-Control":              "no-store",
	}
	for status, res := range responses {
		if res.StatusCode != status {
			t.Errorf("got %d, want %d", res.StatusCode, status)
			continue
		}
		for h, v := range want {
			if got := res.Header.Get(h); got != v {
				t.Errorf("%d: %s = %q, want %q", status, h, got, v)
			}
		}
		csp := res.Header.Get("Content-Security-Policy")
		for _, part := range []string{"default-src 'self'", "object-src 'none'", "frame-ancestors 'none'", "form-action 'self'", "'nonce-"} {
			if !strings.Contains(csp, part) {
				t.Errorf("%d: CSP %q lacks %q", status, csp, part)
			}
		}
		if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
			t.Errorf("%d: content type %q", status, res.Header.Get("Content-Type"))
		}
	}
	body := responses[http.StatusInternalServerError].Body
	if strings.Contains(body, "sql") || strings.Contains(body, "closed") || !strings.Contains(body, "服务器内部错误") {
		t.Errorf("the 500 page leaks or misses its message: %s", body)
	}
}
