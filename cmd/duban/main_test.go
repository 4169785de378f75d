package main

import (
	"bytes"
	"context"
	"database/sql"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/mattn/go-sqlite3"

	"duban/internal/testutil"
)

// cli runs the command as main would, against dir.
func cli(t *testing.T, dir, stdin string, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	args = append(args[:2:2], append([]string{"--data-dir", dir}, args[2:]...)...)
	err := run(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	return out.String() + errOut.String(), err
}

// TestFirstAdminAndUserCommands follows an operator on a fresh database:
// the login page says how to create the first admin, `duban user add`
// creates it, and passwd/disable take effect on live sessions.
func TestFirstAdminAndUserCommands(t *testing.T) {
	dir := t.TempDir()
	p := testutil.Start(t, testutil.NoDemo(), testutil.WithDataDir(dir))
	setup := p.Client().Get("/login").Doc(t).Find(".note-card pre").Text()
	if !strings.Contains(setup, "duban user add --username admin --role admin --password-stdin") {
		t.Fatalf("a fresh portal does not say how to create the first admin (got %q)", setup)
	}

	refused := []struct {
		name, stdin string
		args        []string
		want        string
	}{
		{"no password flag", "", []string{"user", "add", "--username", "root", "--role", "admin"}, "--password-stdin"},
		{"empty password", "\n", []string{"user", "add", "--username", "root", "--role", "admin", "--password-stdin"}, "no password"},
		{"common password", "password1\n", []string{"user", "add", "--username", "root", "--role", "admin", "--password-stdin"}, "common"},
		{"bad role", "first-admin-pass\n", []string{"user", "add", "--username", "root", "--role", "root", "--password-stdin"}, "--role"},
		{"bad username", "first-admin-pass\n", []string{"user", "add", "--username", "王 芳", "--role", "admin", "--password-stdin"}, "username"},
		{"unit without --unit", "first-admin-pass\n", []string{"user", "add", "--username", "u1", "--role", "unit", "--password-stdin"}, "--unit"},
		{"--unit for admin", "first-admin-pass\n", []string{"user", "add", "--username", "u1", "--role", "admin", "--unit", "市教育局", "--password-stdin"}, "--unit"},
		{"unknown unit", "first-admin-pass\n", []string{"user", "add", "--username", "u1", "--role", "unit", "--unit", "市教育局", "--password-stdin"}, "市教育局"},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			out, err := cli(t, dir, tt.stdin, tt.args...)
			if err == nil || !strings.Contains(err.Error()+out, tt.want) {
				t.Fatalf("err %v, output %q; want a refusal mentioning %q", err, out, tt.want)
			}
		})
	}

	out, err := cli(t, dir, "first-admin-pass\n", "user", "add", "--username", "root", "--name", "信息中心", "--role", "admin", "--password-stdin")
	if err != nil || !strings.Contains(out, "created user root") {
		t.Fatalf("user add: %v %s", err, out)
	}
	if _, err := cli(t, dir, "first-admin-pass\n", "user", "add", "--username", "root", "--role", "admin", "--password-stdin"); err == nil {
		t.Fatal("a duplicate username was accepted")
	}
	anon := p.Client()
	if anon.Get("/login").Doc(t).Find(".note-card pre").Length() != 0 {
		t.Error("the setup note is still shown once an admin exists")
	}
	form := url.Values{"username": {"root"}, "password": {"first-admin-pass"}}
	if res := anon.PostForm("/login", form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("the CLI-made admin cannot log in: %d", res.StatusCode)
	}

	// A unit user, for a unit the admin created in the portal.
	res := anon.PostForm("/admin/units", url.Values{"name": {"市侨办"}, "kind": {"department"}, "confirmed": {"1"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create unit: %d", res.StatusCode)
	}
	if out, err := cli(t, dir, "overseas-desk-2015\n", "user", "add", "--username", "qiaoban", "--role", "unit", "--unit", "市侨办", "--password-stdin"); err != nil {
		t.Fatalf("user add unit: %v %s", err, out)
	}
	unitUser := p.Client()
	if res := unitUser.PostForm("/login", url.Values{"username": {"qiaoban"}, "password": {"overseas-desk-2015"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("unit user login: %d", res.StatusCode)
	}
	if !strings.Contains(unitUser.Get("/").Body, "市侨办") {
		t.Error("the unit user's page does not name the unit")
	}

	// passwd ends the user's sessions; the new password works.
	if out, err := cli(t, dir, "overseas-desk-2016\n", "user", "passwd", "qiaoban", "--password-stdin"); err != nil || !strings.Contains(out, "sessions have ended") {
		t.Fatalf("passwd: %v %s", err, out)
	}
	if unitUser.Get("/").StatusCode != http.StatusSeeOther {
		t.Fatal("the session survived `duban user passwd`")
	}
	if res := unitUser.PostForm("/login", url.Values{"username": {"qiaoban"}, "password": {"overseas-desk-2016"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login with the new password: %d", res.StatusCode)
	}

	// disable ends the session and refuses the login.
	if out, err := cli(t, dir, "", "user", "disable", "qiaoban"); err != nil {
		t.Fatalf("disable: %v %s", err, out)
	}
	if unitUser.Get("/").StatusCode != http.StatusSeeOther {
		t.Fatal("the session survived `duban user disable`")
	}
	if res := p.Client().PostForm("/login", url.Values{"username": {"qiaoban"}, "password": {"overseas-desk-2016"}}); res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("a disabled user logged in: %d", res.StatusCode)
	}
	if _, err := cli(t, dir, "", "user", "disable", "root"); err == nil {
		t.Fatal("the last admin was disabled")
	}
	if _, err := cli(t, dir, "", "user", "disable", "nobody"); err == nil {
		t.Fatal("disabling an unknown user succeeded")
	}
}

// TestAuditVerifyCommand checks `duban audit verify` on an intact log and
// after an entry was edited behind the triggers' back.
func TestAuditVerifyCommand(t *testing.T) {
	dir := t.TempDir()
	for _, u := range []string{"root", "second"} {
		if out, err := cli(t, dir, "first-admin-pass\n", "user", "add", "--username", u, "--role", "admin", "--password-stdin"); err != nil {
			t.Fatalf("user add: %v %s", err, out)
		}
	}
	if _, err := cli(t, dir, "", "user", "disable", "second"); err != nil {
		t.Fatal(err)
	}
	out, err := cli(t, dir, "", "audit", "verify")
	if err != nil || !strings.Contains(out, "intact: 3 entries") {
		t.Fatalf("audit verify: %v %s", err, out)
	}
	raw, err := sql.Open("sqlite3", "file:"+filepath.Join(dir, "duban.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec("UPDATE audit_events SET action = 'user.enable' WHERE id = 3"); err == nil {
		t.Fatal("the append-only trigger let an UPDATE through")
	}
	for _, s := range []string{"DROP TRIGGER audit_events_seal_only", "UPDATE audit_events SET action = 'user.enable' WHERE id = 3"} {
		if _, err := raw.Exec(s); err != nil {
			t.Fatal(err)
		}
	}
	_, err = cli(t, dir, "", "audit", "verify")
	if err == nil || !strings.Contains(err.Error(), "entry 3 was edited") {
		t.Fatalf("audit verify after tampering: %v", err)
	}
	// `duban migrate` puts the dropped guard back.
	var out2 bytes.Buffer
	if err := run(context.Background(), []string{"migrate", "--data-dir", dir}, strings.NewReader(""), &out2, &out2); err != nil {
		t.Fatalf("migrate: %v %s", err, out2.String())
	}
	if _, err := raw.Exec("UPDATE audit_events SET action = 'user.disable' WHERE id = 3"); err == nil {
		t.Fatal("migrate did not restore the append-only trigger")
	}
	// Deleting the newest entry, guards dropped again: the signed head
	// outside the database still counts it.
	for _, s := range []string{"DROP TRIGGER audit_events_no_delete", "DELETE FROM audit_events WHERE id = 3"} {
		if _, err := raw.Exec(s); err != nil {
			t.Fatal(err)
		}
	}
	_, err = cli(t, dir, "", "audit", "verify")
	if err == nil || !strings.Contains(err.Error(), "newest 1 entries are missing") {
		t.Fatalf("audit verify after deleting the newest entry: %v", err)
	}
}
