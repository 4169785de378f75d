package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"duban/internal/evidence"
	"duban/internal/testutil"
)

// TestStaticFoldersAreNotListed: /static/ serves files, never a listing.
func TestStaticFoldersAreNotListed(t *testing.T) {
	p := testutil.Start(t)
	c := p.Client()
	for _, path := range []string{"/static/", "/static/js/", "/static/css/", "/static/js", "/static/img/", "/static/../", "/static/css/../js/"} {
		if res := c.Get(path); res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", path, res.StatusCode)
		}
	}
	if res := c.Get("/static/css/app.css"); res.StatusCode != http.StatusOK {
		t.Errorf("a static file = %d", res.StatusCode)
	}
}

// TestDatabaseFilesArePrivate: the SQLite file and its -wal and -shm are
// readable by the owner only, also when an older version left them 0644.
func TestDatabaseFilesArePrivate(t *testing.T) {
	dir := t.TempDir()
	p := testutil.Start(t, testutil.WithDataDir(dir))
	p.Login("admin") // writes, so the WAL exists
	check := func() {
		t.Helper()
		for _, name := range []string{"duban.db", "duban.db-wal", "duban.db-shm"} {
			fi, err := os.Stat(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != 0o600 {
				t.Errorf("%s has mode %v, want 0600", name, fi.Mode().Perm())
			}
		}
	}
	check()
	must(t, os.Chmod(filepath.Join(dir, "duban.db"), 0o644))
	testutil.Start(t, testutil.WithDataDir(dir))
	check()
}

// TestUploadNamesLoseBidiControls: a right-to-left override in a file name
// would show "rep\u202egnp.pdf" as "repfdp.png"; it is dropped.
func TestUploadNamesLoseBidiControls(t *testing.T) {
	e := newFlow(t)
	c := e.signAll("canlian")["canlian"]
	mustStatus(t, postMultipart(t, c, formURL(e.CoCanlian, e.Q1), reportFields("0", "save", "进展", 10, "on_track"),
		upload{"rep\u202egnp.pdf", evidence.SamplePDF("x")}), http.StatusSeeOther, "save with a file")
	atts, err := e.P.App.Store.AttachmentsOf(context.Background(), []int64{e.Report(e.CoCanlian, e.Q1).ID})
	must(t, err)
	if len(atts) != 1 || atts[0].Name != "repgnp.pdf" {
		t.Fatalf("stored names %+v, want repgnp.pdf", atts)
	}
}

// TestClosureDatabaseErrorIsNotAConflict: only a real concurrent change is
// 409 「已被他人修改」; a failing database is a 500.
func TestClosureDatabaseErrorIsNotAConflict(t *testing.T) {
	e := newFlow(t)
	jiaoyu := e.signAll("jiaoyuju")["jiaoyuju"]
	rv := e.P.Login("duchashi")
	mustStatus(t, postMultipart(t, jiaoyu, formURL(e.Lead, e.Q1), reportFields("0", "submit", "全部完成", 100, "done",
		fmt.Sprintf("target_%d", e.Target.ID), "93.5")), http.StatusSeeOther, "lead reports done")
	// A fault the product cannot cause: every update of measures fails.
	must(t, e.P.App.DB.W.Exec(`CREATE TRIGGER measures_fail BEFORE UPDATE ON measures BEGIN SELECT RAISE(ABORT, 'disk failure'); END`).Error)
	res := rv.PostForm(fmt.Sprintf("/measures/%d/close", e.F.Measures[0].ID), url.Values{"note": {"完成"}})
	if res.StatusCode != http.StatusInternalServerError {
		t.Fatalf("close with a failing database = %d, want 500", res.StatusCode)
	}
	must(t, e.P.App.DB.W.Exec(`DROP TRIGGER measures_fail`).Error)
	mustStatus(t, rv.PostForm(fmt.Sprintf("/measures/%d/close", e.F.Measures[0].ID), url.Values{"note": {"完成"}}), http.StatusSeeOther, "close")
}

// TestClientDisconnectIsNotAServerError: a request whose client has gone
// (its context cancelled while the handler works) is not answered or
// counted as a 500.
func TestClientDisconnectIsNotAServerError(t *testing.T) {
	p := testutil.Start(t)
	c := p.Client()
	token := c.CSRF()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	form := url.Values{"username": {"lingdao"}, "password": {p.App.DemoPassword}, "_csrf": {token}}
	req := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(form.Encode())).WithContext(ctx)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(&http.Cookie{Name: "duban_csrf", Value: token})
	rec := httptest.NewRecorder()
	p.App.Server.E.ServeHTTP(rec, req)
	if rec.Code >= 500 {
		t.Fatalf("a disconnected client's login = %d, want no 5xx", rec.Code)
	}
}
