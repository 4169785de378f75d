package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"duban/internal/model"
	"duban/internal/store"
	"duban/internal/testutil"
)

func TestAdminIndexAndNav(t *testing.T) {
	p := testutil.Start(t)
	admin := p.Login("admin")
	doc := admin.Get("/").Doc(t)
	if strings.TrimSpace(doc.Find(`.main-nav a[href="/admin"]`).Text()) != "系统管理" {
		t.Fatal("admins have no 系统管理 entry in the navigation")
	}
	res := admin.Get("/admin")
	wantStatus(t, res, http.StatusOK, "admin index")
	checkTranslated(t, res)
	for _, href := range []string{"/admin/units", "/admin/groups", "/admin/users", "/admin/audit"} {
		if res.Doc(t).Find(`main a[href="`+href+`"]`).Length() == 0 {
			t.Errorf("the admin index does not link to %s", href)
		}
	}
	for _, who := range []string{"duchashi", "jiaoyuju", "lingdao"} {
		if p.Login(who).Get("/").Doc(t).Find(`.main-nav a[href="/admin"]`).Length() != 0 {
			t.Errorf("%s sees the 系统管理 entry", who)
		}
	}
}

func TestAdminUserLifecycle(t *testing.T) {
	p := testutil.Start(t)
	admin := p.Login("admin")
	jiaoyu := testutil.UnitNamed(t, p, "市教育局")

	res := admin.Get("/admin/users/new")
	wantStatus(t, res, http.StatusOK, "new user form")
	checkTranslated(t, res)

	// Invalid input re-renders with 422, keeps what was typed, saves nothing.
	res = admin.PostForm("/admin/users", url.Values{"username": {"王 芳"}, "display_name": {"王芳"}, "role": {"unit"},
		"password": {"short"}, "confirm": {"short"}})
	wantStatus(t, res, http.StatusUnprocessableEntity, "invalid new user")
	doc := res.Doc(t)
	if v, _ := doc.Find("#display_name").Attr("value"); v != "王芳" {
		t.Errorf("the form lost the typed display name: %q", v)
	}
	for _, f := range []string{"username", "unit_id", "password"} {
		if doc.Find("#"+f+"-error").Length() == 0 {
			t.Errorf("no error shown for %s", f)
		}
	}
	if n, _ := p.App.Store.CountUsers(context.Background()); n != 6 {
		t.Fatalf("%d users after a refused create", n)
	}

	form := url.Values{"username": {"wangfang"}, "display_name": {"王芳"}, "role": {"unit"}, "unit_id": {idStr(jiaoyu.ID)},
		"password": {"jiangmen-reform-2015"}, "confirm": {"jiangmen-reform-2015"},
		// Fields the form does not have are ignored.
		"disabled": {"1"}, "demo": {"1"}, "password_hash": {"x"}, "id": {"1"}}
	res = admin.PostForm("/admin/users", form)
	wantStatus(t, res, http.StatusSeeOther, "create user")
	u := userNamed(t, p, "wangfang")
	if res.Header.Get("Location") != "/admin/users/"+idStr(u.ID) {
		t.Errorf("create redirects to %s", res.Header.Get("Location"))
	}
	if u.Role != model.RoleUnit || u.UnitIDOr0() != jiaoyu.ID || u.Disabled || u.Demo || u.ID == 1 || !strings.HasPrefix(u.PasswordHash, "$argon2id$") {
		t.Fatalf("created user %+v", u)
	}
	ev := auditEntries(t, p, "user.create")
	if len(ev) != 1 || ev[0].ActorName != "admin" || ev[0].ObjectID != u.ID || !strings.Contains(ev[0].NewValue, `"wangfang"`) {
		t.Fatalf("user.create audit = %+v", ev)
	}
	wantStatus(t, admin.PostForm("/admin/users", form), http.StatusUnprocessableEntity, "duplicate username")

	// The new user logs in with the initial password.
	wang := p.Client()
	wantStatus(t, postLogin(t, wang, "wangfang", "jiangmen-reform-2015", ""), http.StatusSeeOther, "login of new user")
	if !strings.Contains(wang.Get("/").Body, "市教育局") {
		t.Error("the new unit user's header does not name the unit")
	}

	// Edit: role viewer drops the unit; the username cannot be changed.
	res = admin.PostForm("/admin/users/"+idStr(u.ID), url.Values{"username": {"hacker"}, "display_name": {"王芳(市领导)"}, "role": {"viewer"}, "unit_id": {idStr(jiaoyu.ID)}})
	wantStatus(t, res, http.StatusSeeOther, "edit user")
	u = userNamed(t, p, "wangfang")
	if u.Role != model.RoleViewer || u.UnitID != nil || u.DisplayName != "王芳(市领导)" {
		t.Fatalf("edited user %+v", u)
	}
	ev = auditEntries(t, p, "user.update")
	if len(ev) != 1 || !strings.Contains(ev[0].OldValue, `"unit"`) || !strings.Contains(ev[0].NewValue, `"viewer"`) {
		t.Fatalf("user.update audit = %+v", ev)
	}
	if !loggedIn(t, wang) || strings.Contains(wang.Get("/").Doc(t).Find("header .user-name").Text(), "市教育局") {
		t.Error("the role change did not apply to the running session")
	}

	// Reset password: the user's sessions end; the new password works.
	res = admin.PostForm("/admin/users/"+idStr(u.ID)+"/password", url.Values{"password": {"123456789"}, "confirm": {"123456789"}})
	wantStatus(t, res, http.StatusUnprocessableEntity, "reset to a common password")
	res = admin.PostForm("/admin/users/"+idStr(u.ID)+"/password", url.Values{"password": {"new-harbour-bridge"}, "confirm": {"new-harbour-bridge"}})
	wantStatus(t, res, http.StatusSeeOther, "reset password")
	if loggedIn(t, wang) {
		t.Fatal("the user's session survived a password reset")
	}
	wantStatus(t, postLogin(t, wang, "wangfang", "jiangmen-reform-2015", ""), http.StatusUnauthorized, "old password after reset")
	wantStatus(t, postLogin(t, wang, "wangfang", "new-harbour-bridge", ""), http.StatusSeeOther, "new password after reset")

	// End sessions.
	page := admin.Get("/admin/users/" + idStr(u.ID)).Doc(t)
	if page.Find(".sessions-count").Text() != "1" {
		t.Errorf("the user page shows %q sessions, want 1", page.Find(".sessions-count").Text())
	}
	wantStatus(t, admin.PostForm("/admin/users/"+idStr(u.ID)+"/sessions/end", nil), http.StatusSeeOther, "end sessions")
	if loggedIn(t, wang) {
		t.Fatal("the user's session survived 强制下线")
	}
	if countAudit(t, p, "user.sessions_end") != 1 {
		t.Error("ending sessions was not audited")
	}

	// Disable: the session dies at once and logging in fails like a wrong
	// password; enable lets them in again.
	wantStatus(t, postLogin(t, wang, "wangfang", "new-harbour-bridge", ""), http.StatusSeeOther, "login before disable")
	wantStatus(t, admin.PostForm("/admin/users/"+idStr(u.ID)+"/disable", nil), http.StatusSeeOther, "disable")
	if loggedIn(t, wang) {
		t.Fatal("the session of a disabled user survived")
	}
	wantStatus(t, postLogin(t, p.Client(), "wangfang", "new-harbour-bridge", ""), http.StatusUnauthorized, "login while disabled")
	wantStatus(t, admin.PostForm("/admin/users/"+idStr(u.ID)+"/enable", nil), http.StatusSeeOther, "enable")
	wantStatus(t, postLogin(t, p.Client(), "wangfang", "new-harbour-bridge", ""), http.StatusSeeOther, "login after enable")

	if !strings.Contains(admin.Get("/admin/users?role=unit").Doc(t).Find("tbody").Text(), "市残联") {
		t.Error("the user list does not show the users' units")
	}
	res = admin.Get("/admin/users?role=viewer&state=enabled")
	checkTranslated(t, res)
	names := res.Doc(t).Find("tbody td:first-child a").Map(func(_ int, s *goquerySelection) string { return s.Text() })
	if strings.Join(names, ",") != "lingdao,wangfang" {
		t.Errorf("viewer filter lists %v", names)
	}
}

func TestAdminCannotLockEveryoneOut(t *testing.T) {
	p := testutil.Start(t)
	admin := p.Login("admin")
	self := userNamed(t, p, "admin")
	res := admin.PostForm("/admin/users/"+idStr(self.ID), url.Values{"display_name": {"x"}, "role": {"viewer"}})
	wantStatus(t, res, http.StatusUnprocessableEntity, "demote the last admin")
	if res.Doc(t).Find("#role-error").Length() == 0 {
		t.Error("no error on the role field")
	}
	res = admin.PostForm("/admin/users/"+idStr(self.ID)+"/disable", nil)
	wantStatus(t, res, http.StatusSeeOther, "disable self")
	if userNamed(t, p, "admin").Disabled || userNamed(t, p, "admin").Role != model.RoleAdmin {
		t.Fatal("the last admin was disabled or demoted")
	}
	if !loggedIn(t, admin) {
		t.Fatal("the admin lost their session")
	}
	// With a second admin, demoting the first is fine.
	res = admin.PostForm("/admin/users", url.Values{"username": {"admin2"}, "role": {"admin"}, "password": {"second-admin-pass"}, "confirm": {"second-admin-pass"}})
	wantStatus(t, res, http.StatusSeeOther, "second admin")
	wantStatus(t, admin.PostForm("/admin/users/"+idStr(self.ID), url.Values{"role": {"viewer"}}), http.StatusSeeOther, "demote with another admin")
	if admin.Get("/admin").StatusCode != http.StatusForbidden {
		t.Error("the demoted admin still reaches /admin")
	}
}

func TestAdminUnitsConfirmAliasAndMerge(t *testing.T) {
	p := testutil.Start(t)
	ctx := context.Background()
	admin := p.Login("admin")
	fx := seedPlan(t, p, 3)

	// A unit the importer created from an unknown name, with an account,
	// a group membership and assignments.
	res := admin.PostForm("/admin/units", url.Values{"name": {"市社会保障服务中心"}, "kind": {"department"}, "sort_order": {"10"}, "confirmed": {"1"}})
	wantStatus(t, res, http.StatusSeeOther, "create unit")
	target := testutil.UnitNamed(t, p, "市社会保障服务中心")
	wantStatus(t, admin.PostForm("/admin/units", url.Values{"name": {"市社会保障服务中心"}, "kind": {"department"}}),
		http.StatusUnprocessableEntity, "duplicate unit name")
	wantStatus(t, admin.PostForm("/admin/units", url.Values{"name": {""}, "kind": {"planet"}}), http.StatusUnprocessableEntity, "empty unit")

	src := mustUnit(t, p, "市人社局")
	wantStatus(t, admin.PostForm("/admin/users", url.Values{"username": {"renshe"}, "role": {"unit"}, "unit_id": {idStr(src.ID)},
		"password": {"social-ledger-2015"}, "confirm": {"social-ledger-2015"}}), http.StatusSeeOther, "user of the unconfirmed unit")
	res = admin.PostForm("/admin/groups", url.Values{"name": {"社保部门"}, "members": {idStr(src.ID)}})
	wantStatus(t, res, http.StatusSeeOther, "group with the unconfirmed unit")
	assign(t, p, fx.measures[0], src.ID, model.AssignLead) // moves
	assign(t, p, fx.measures[1], src.ID, model.AssignLead) // both assigned: target's kept, becomes lead
	assign(t, p, fx.measures[1], target.ID, model.AssignResponsible)
	blocked := assign(t, p, fx.measures[2], src.ID, model.AssignResponsible)
	assign(t, p, fx.measures[2], target.ID, model.AssignLead)
	addReport(t, p, blocked, fx.period)

	list := admin.Get("/admin/units?unconfirmed=1")
	checkTranslated(t, list)
	if rows := list.Doc(t).Find("tbody tr").Length(); rows != 1 || !strings.Contains(list.Body, "市人社局") {
		t.Fatalf("unconfirmed filter shows %d rows", rows)
	}
	if !strings.Contains(admin.Get("/admin").Body, "1 个单位") {
		t.Error("the admin index does not mention the unconfirmed unit")
	}
	page := admin.Get("/admin/units/" + idStr(src.ID))
	wantStatus(t, page, http.StatusOK, "unit page")
	checkTranslated(t, page)

	// Aliases must lead to one unit.
	wantStatus(t, admin.PostForm("/admin/units/"+idStr(target.ID)+"/aliases", url.Values{"alias": {"市人社局"}}),
		http.StatusUnprocessableEntity, "alias equal to a unit name")
	wantStatus(t, admin.PostForm("/admin/units/"+idStr(target.ID)+"/aliases", url.Values{"alias": {"江门市人社局"}}),
		http.StatusSeeOther, "alias")

	// The merge is refused while the merged unit has reports on a measure
	// both units have, and nothing changes.
	res = admin.PostForm("/admin/units/"+idStr(src.ID)+"/merge", url.Values{"target": {idStr(target.ID)}})
	wantStatus(t, res, http.StatusConflict, "merge with reports")
	if res.Doc(t).Find("#target-error").Length() == 0 {
		t.Error("the refused merge shows no reason")
	}
	if _, err := p.App.Store.UnitByID(ctx, src.ID); err != nil {
		t.Fatal("the refused merge deleted the unit")
	}
	// Reports are never deleted through the product; the merge without
	// them is the next case.
	must(t, p.App.DB.W.Exec("DELETE FROM reports").Error)

	wantStatus(t, admin.PostForm("/admin/units/"+idStr(src.ID)+"/merge", url.Values{"target": {idStr(src.ID)}}),
		http.StatusUnprocessableEntity, "merge into itself")
	res = admin.PostForm("/admin/units/"+idStr(src.ID)+"/merge", url.Values{"target": {idStr(target.ID)}})
	wantStatus(t, res, http.StatusSeeOther, "merge")
	if res.Header.Get("Location") != "/admin/units/"+idStr(target.ID) {
		t.Errorf("merge redirects to %s", res.Header.Get("Location"))
	}
	if _, err := p.App.Store.UnitByID(ctx, src.ID); err == nil {
		t.Fatal("the merged unit still exists")
	}
	if got := testutil.UnitNamed(t, p, "市人社局"); got.ID != target.ID {
		t.Fatal("the merged name is not an alias of the target")
	}
	if userNamed(t, p, "renshe").UnitIDOr0() != target.ID {
		t.Fatal("the merged unit's user did not move")
	}
	var as []model.Assignment
	for _, m := range fx.measures {
		ms, err := p.App.Store.AssignmentsOf(ctx, m)
		must(t, err)
		as = append(as, ms...)
	}
	if len(as) != 3 {
		t.Fatalf("%d assignments after merge, want 3", len(as))
	}
	for i, a := range as {
		if a.UnitID != target.ID {
			t.Errorf("assignment %d still on unit %d", a.ID, a.UnitID)
		}
		if i < 2 && a.Role != model.AssignLead {
			t.Errorf("assignment of measure %d has role %s, want lead", a.MeasureID, a.Role)
		}
	}
	groups, err := p.App.Store.ListGroups(ctx)
	must(t, err)
	for _, g := range groups {
		if g.Name == "社保部门" && (len(g.Members) != 1 || g.Members[0].ID != target.ID) {
			t.Errorf("group members after merge: %+v", g.Members)
		}
	}
	ev := auditEntries(t, p, "unit.merge")
	if len(ev) != 1 || ev[0].ObjectID != src.ID || !strings.Contains(ev[0].NewValue, "市社会保障服务中心") {
		t.Fatalf("unit.merge audit = %+v", ev)
	}

	// Confirm and edit.
	other := mustUnit(t, p, "市侨办")
	wantStatus(t, admin.PostForm("/admin/units/"+idStr(other.ID)+"/confirm", nil), http.StatusSeeOther, "confirm")
	u, _ := p.App.Store.UnitByID(ctx, other.ID)
	if !u.Confirmed {
		t.Fatal("confirm did not confirm")
	}
	wantStatus(t, admin.PostForm("/admin/units/"+idStr(other.ID), url.Values{"name": {"市外事侨务局"}, "kind": {"department"}, "sort_order": {"x"}}),
		http.StatusUnprocessableEntity, "bad sort order")
	wantStatus(t, admin.PostForm("/admin/units/"+idStr(other.ID), url.Values{"name": {"市外事侨务局"}, "kind": {"department"}, "sort_order": {"3"}, "confirmed": {"1"}}),
		http.StatusSeeOther, "edit unit")
	if u, _ := p.App.Store.UnitByID(ctx, other.ID); u.Name != "市外事侨务局" || u.SortOrder != 3 {
		t.Fatalf("edited unit %+v", u)
	}
	ev = auditEntries(t, p, "unit.update")
	if len(ev) != 1 || !strings.Contains(ev[0].OldValue, "市侨办") || !strings.Contains(ev[0].NewValue, "市外事侨务局") {
		t.Fatalf("unit.update audit = %+v", ev)
	}
}

// mustUnit creates an unconfirmed unit the way the importer does.
func mustUnit(t *testing.T, p *testutil.Portal, name string) *model.Unit {
	t.Helper()
	ctx := context.Background()
	var u *model.Unit
	must(t, p.App.Store.WithTx(ctx, func(ctx context.Context) error {
		var err error
		u, err = p.App.Store.EnsureUnit(ctx, name, model.UnitDepartment, false)
		return err
	}))
	return u
}

func TestAdminGroups(t *testing.T) {
	p := testutil.Start(t)
	admin := p.Login("admin")
	res := admin.Get("/admin/groups")
	wantStatus(t, res, http.StatusOK, "groups")
	checkTranslated(t, res)
	if !strings.Contains(res.Body, "各市(区)政府") || !strings.Contains(res.Body, "台山市人民政府") {
		t.Fatal("the district group is not listed with its members")
	}
	a, b := testutil.UnitNamed(t, p, "市教育局"), testutil.UnitNamed(t, p, "市残联")
	wantStatus(t, admin.PostForm("/admin/groups", url.Values{"name": {"民生部门"}, "members": {idStr(a.ID), "999999"}}),
		http.StatusUnprocessableEntity, "unknown member")
	res = admin.PostForm("/admin/groups", url.Values{"name": {"民生部门"}, "members": {idStr(a.ID), idStr(b.ID)}})
	wantStatus(t, res, http.StatusSeeOther, "create group")
	loc := res.Header.Get("Location")
	page := admin.Get(loc)
	checkTranslated(t, page)
	if page.Doc(t).Find(`input[name=members]:checked`).Length() != 2 {
		t.Fatal("the group page does not check its two members")
	}
	wantStatus(t, admin.PostForm(loc, url.Values{"name": {"各市(区)政府"}}), http.StatusUnprocessableEntity, "duplicate group name")
	wantStatus(t, admin.PostForm(loc, url.Values{"name": {"民生部门"}, "members": {idStr(b.ID)}}), http.StatusSeeOther, "update group")
	if admin.Get(loc).Doc(t).Find(`input[name=members]:checked`).Length() != 1 {
		t.Fatal("the update did not replace the members")
	}
	wantStatus(t, admin.PostForm(loc+"/delete", nil), http.StatusSeeOther, "delete group")
	wantStatus(t, admin.Get(loc), http.StatusNotFound, "deleted group")
	for _, action := range []string{"group.create", "group.update", "group.delete"} {
		if countAudit(t, p, action) != 1 {
			t.Errorf("%s not audited once", action)
		}
	}
}

func TestAdminAuditLog(t *testing.T) {
	p := testutil.Start(t)
	ctx := context.Background()
	st := p.App.Store
	for i := range 60 {
		must(t, st.Audit(ctx, store.Actor{Username: "tester"}, store.AuditEntry{Action: "test.entry", ObjectType: "unit", ObjectID: int64(i + 1)}))
	}
	p.Clock.Advance(48 * time.Hour) // 2015-04-05
	must(t, st.Audit(ctx, store.Actor{Username: "later"}, store.AuditEntry{Action: "test.later", ObjectType: "user", ObjectID: 7,
		Old: map[string]any{"role": "unit"}, New: map[string]any{"role": "viewer"}}))
	admin := p.Login("admin")

	res := admin.Get("/admin/audit")
	wantStatus(t, res, http.StatusOK, "audit log")
	checkTranslated(t, res)
	doc := res.Doc(t)
	rows := doc.Find("tbody tr[data-id]")
	if rows.Length() != 50 {
		t.Fatalf("first page has %d rows, want 50", rows.Length())
	}
	if first := rows.First().Find("code").First().Text(); first != "login.ok" {
		t.Errorf("newest entry is %q, want the admin's login", first)
	}
	if !strings.Contains(rows.Eq(1).Text(), `"viewer"`) {
		t.Error("old → new values are not shown")
	}
	if doc.Find(`#action option[value="user.disable"]`).Length() != 1 || doc.Find(`#object option[value="unit"]`).Length() != 1 {
		t.Error("the filter does not offer the catalogued actions and object types")
	}
	next, ok := doc.Find(`a[rel=next]`).Attr("href")
	if !ok {
		t.Fatal("no link to older entries")
	}
	lastID := rows.Last().AttrOr("data-id", "")
	page2 := admin.Get(next).Doc(t)
	ids := page2.Find("tbody tr[data-id]").Map(func(_ int, s *goquerySelection) string { return s.AttrOr("data-id", "") })
	if len(ids) == 0 || atoi(ids[0]) >= atoi(lastID) {
		t.Fatalf("page 2 starts at %v after %s", ids, lastID)
	}

	tests := []struct {
		query string
		want  int
	}{
		{"actor=tester", 50},
		{"actor=later", 1},
		{"action=test.later", 1},
		{"object=user&actor=later", 1},
		{"from=2015-04-05&to=2015-04-05", 2}, // test.later and the login
		{"from=2015-04-03&to=2015-04-04&action=test.entry", 50},
		{"to=2015-04-02", 0},
		{"from=yesterday", 50}, // a bad date is ignored, with a message
		{"before=0&actor=%27%20OR%201%3D1--", 0},
		{"action=user.disable", 0},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			res := admin.Get("/admin/audit?" + tt.query)
			wantStatus(t, res, http.StatusOK, tt.query)
			if n := res.Doc(t).Find("tbody tr[data-id]").Length(); n != tt.want {
				t.Errorf("%d rows, want %d", n, tt.want)
			}
		})
	}
}

func TestProfileIgnoresRoleAndUnit(t *testing.T) {
	p := testutil.Start(t)
	c := p.Login("jiaoyuju")
	before := userNamed(t, p, "jiaoyuju")
	other := testutil.UnitNamed(t, p, "市残联")
	res := c.Get("/profile")
	wantStatus(t, res, http.StatusOK, "profile")
	checkTranslated(t, res)
	if res.Doc(t).Find(".profile-unit").Text() != "市教育局" {
		t.Error("the profile does not show the unit")
	}
	res = c.PostForm("/profile", url.Values{"display_name": {"李老师"}, "role": {"admin"}, "unit_id": {idStr(other.ID)},
		"username": {"root"}, "disabled": {"0"}, "id": {"1"}})
	wantStatus(t, res, http.StatusSeeOther, "save profile")
	after := userNamed(t, p, "jiaoyuju")
	if after.DisplayName != "李老师" || after.Role != model.RoleUnit || after.UnitIDOr0() != before.UnitIDOr0() || after.Username != "jiaoyuju" {
		t.Fatalf("profile save changed %+v", after)
	}
	if u := userNamed(t, p, "admin"); u.DisplayName == "李老师" {
		t.Fatal("the id field reached another account")
	}
	wantStatus(t, c.PostForm("/profile", url.Values{"display_name": {strings.Repeat("长", 101)}}), http.StatusUnprocessableEntity, "too long")
}

// TestAdminQueriesOnPostgres runs the admin list filters, a merge and the
// audit filters on PostgreSQL.
func TestAdminQueriesOnPostgres(t *testing.T) {
	p := testutil.Start(t, testutil.WithDB(testutil.PostgresURL(t)))
	admin := p.Login("admin")
	fx := seedPlan(t, p, 1)
	src := mustUnit(t, p, "市人社局")
	dst := testutil.UnitNamed(t, p, "市教育局")
	assign(t, p, fx.measures[0], src.ID, model.AssignLead)
	tests := []struct {
		path string
		rows int
	}{
		{"/admin/users?q=jiao&role=unit&state=enabled&unit_id=" + idStr(dst.ID), 1},
		{"/admin/users?q=%25", 0},
		{"/admin/units?q=%E4%BA%BA%E7%A4%BE&kind=department&unconfirmed=1", 1},
		{"/admin/audit?actor=admin&action=login.ok&from=2015-04-03&to=2015-04-03", 1},
	}
	for _, tt := range tests {
		res := admin.Get(tt.path)
		wantStatus(t, res, http.StatusOK, tt.path)
		n := res.Doc(t).Find("tbody tr").Length()
		if res.Doc(t).Find("tbody td.muted").Length() == 1 {
			n = 0
		}
		if n != tt.rows {
			t.Errorf("%s: %d rows, want %d", tt.path, n, tt.rows)
		}
	}
	wantStatus(t, admin.PostForm("/admin/units/"+idStr(src.ID)+"/merge", url.Values{"target": {idStr(dst.ID)}}), http.StatusSeeOther, "merge")
	if testutil.UnitNamed(t, p, "市人社局").ID != dst.ID {
		t.Fatal("merge on PostgreSQL did not keep the alias")
	}
	wantStatus(t, admin.PostForm("/admin/groups", url.Values{"name": {"测试组"}, "members": {idStr(dst.ID)}}), http.StatusSeeOther, "group")
	if broken, _, err := p.App.Store.VerifyAudit(context.Background()); err != nil || broken != 0 {
		t.Fatalf("audit chain on PostgreSQL: %d %v", broken, err)
	}
}
