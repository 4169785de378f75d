package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"duban/internal/bulletin/bulletintest"
	"duban/internal/model"
	"duban/internal/testutil"
)

// bulletinIDFrom reads the bulletin ID from a redirect to /bulletins/N….
func bulletinIDFrom(t *testing.T, res *testutil.Response) string {
	t.Helper()
	loc := res.Header.Get("Location")
	rest, ok := strings.CutPrefix(loc, "/bulletins/")
	if !ok {
		t.Fatalf("redirect to %q, want a bulletin", loc)
	}
	id, _, _ := strings.Cut(rest, "/")
	if _, err := strconv.Atoi(id); err != nil {
		t.Fatalf("redirect to %q", loc)
	}
	return id
}

// TestBulletinPages drives the bulletin through the real router: the
// office drafts from the list's form, edits (422 on a bad title, 409 with
// the typed text kept on a stale version), publishes; a unit then finds
// it in its list and inbox, prints it and downloads the .docx; drafts stay
// the office's.
func TestBulletinPages(t *testing.T) {
	p := testutil.Start(t)
	rv := p.Login("duchashi")

	list := rv.Get("/bulletins")
	if list.StatusCode != http.StatusOK {
		t.Fatalf("GET /bulletins = %d", list.StatusCode)
	}
	opt := list.Doc(t).Find(`select[name="period"] option[selected]`)
	period, ok := opt.Attr("value")
	if !ok || !strings.Contains(opt.Text(), "2015年第1季度") {
		t.Fatalf("default period option %q %q (at 2015-04-03 the last ended period is 2015Q1)", period, opt.Text())
	}
	if res := rv.PostForm("/bulletins", url.Values{"period": {"1:x"}}); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/bulletins" {
		t.Fatalf("bad period: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	res := rv.PostForm("/bulletins", url.Values{"period": {period}})
	if res.StatusCode != http.StatusSeeOther || !strings.HasSuffix(res.Header.Get("Location"), "/edit") {
		t.Fatalf("draft: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	id := bulletinIDFrom(t, res)
	base := "/bulletins/" + id

	edit := rv.Get(base + "/edit")
	if edit.StatusCode != http.StatusOK {
		t.Fatalf("edit form = %d", edit.StatusCode)
	}
	doc := edit.Doc(t)
	title, _ := doc.Find(`input[name="title"]`).Attr("value")
	if title != "关于2015年第1季度督查督办工作情况的通报" || strings.TrimSpace(doc.Find(`textarea[name="requirements"]`).Text()) == "" {
		t.Fatalf("edit form not pre-filled: title %q", title)
	}
	if doc.Find("table.bulletin-ranking tbody tr").Length() == 0 {
		t.Fatal("the preview has no ranking")
	}

	form := url.Values{"version": {"1"}, "title": {"2015年第一季度督查通报"}, "praise": {"表扬市教育局。"},
		"criticism": {"批评迟报单位。"}, "requirements": {"1. 按时报送。"}}
	if res := rv.PostForm(base, form); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != base+"/edit" {
		t.Fatalf("save: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	// Someone who opened the form at version 1 saves after that.
	stale := url.Values{"version": {"1"}, "title": {"另一位编辑的标题"}, "praise": {"另一位编辑的表扬。"}}
	res = rv.PostForm(base, stale)
	if res.StatusCode != http.StatusConflict {
		t.Fatalf("stale save = %d, want 409", res.StatusCode)
	}
	d := res.Doc(t)
	if v, _ := d.Find(`input[name="title"]`).Attr("value"); v != "另一位编辑的标题" || !strings.Contains(d.Find(`textarea[name="praise"]`).Text(), "另一位编辑的表扬") {
		t.Fatal("the refused form lost what was typed")
	}
	if !strings.Contains(res.Body, "该通报已被他人修改") {
		t.Fatal("no conflict message")
	}
	bad := url.Values{"version": {"2"}, "title": {" "}, "praise": {"保留的文字"}}
	res = rv.PostForm(base, bad)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "请填写标题") || !strings.Contains(res.Body, "保留的文字") {
		t.Fatalf("empty title = %d", res.StatusCode)
	}
	if v, _ := res.Doc(t).Find(`input[name="title"]`).Attr("aria-invalid"); v != "true" {
		t.Fatal("the title is not marked invalid")
	}

	// Units and leaders do not see a draft, nor may they write.
	unit := p.Login("jiaoyuju")
	if res := unit.Get(base); res.StatusCode != http.StatusNotFound {
		t.Fatalf("unit reads a draft: %d", res.StatusCode)
	}
	for _, path := range []string{"/bulletins", base, base + "/publish", base + "/delete"} {
		if res := unit.PostForm(path, url.Values{"version": {"2"}, "title": {"x"}, "period": {period}}); res.StatusCode != http.StatusForbidden {
			t.Fatalf("unit POST %s = %d, want 403", path, res.StatusCode)
		}
	}

	form.Set("version", "2")
	form.Set("title", "关于2015年第一季度督查督办工作的通报")
	res = rv.PostForm(base+"/publish", form)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != base {
		t.Fatalf("publish: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if countAudit(t, p, "bulletin.publish") != 1 {
		t.Fatal("no publish audit entry")
	}
	// Published: the editor is gone, a second publish is a conflict.
	if res := rv.Get(base + "/edit"); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != base {
		t.Fatalf("edit a published bulletin: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if res := rv.PostForm(base+"/publish", form); res.StatusCode != http.StatusConflict || !strings.Contains(res.Body, "该通报已发布") {
		t.Fatalf("publish twice: %d", res.StatusCode)
	}

	for _, who := range []string{"jiaoyuju", "lingdao", "admin"} {
		c := p.Login(who)
		l := c.Get("/bulletins").Doc(t)
		row := l.Find("table.bulletin-list tbody tr")
		if row.Length() != 1 || !strings.Contains(row.Text(), "督查通报〔2015〕第1期") || !strings.Contains(row.Text(), "关于2015年第一季度督查督办工作的通报") {
			t.Fatalf("%s's list: %q", who, row.Text())
		}
		if l.Find(`form[action="/bulletins"]`).Length() != 0 {
			t.Fatalf("%s is offered the draft form", who)
		}
		page := c.Get(base)
		if page.StatusCode != http.StatusOK || !strings.Contains(page.Body, "表扬市教育局。") || page.Doc(t).Find(`a[href="`+base+`/edit"]`).Length() != 0 {
			t.Fatalf("%s's page: %d", who, page.StatusCode)
		}
		inbox := c.Get("/inbox").Doc(t)
		item := inbox.Find("li.kind-bulletin_published")
		if item.Length() != 1 || !strings.Contains(item.Text(), "督查通报已发布") {
			t.Fatalf("%s's inbox has no bulletin: %q", who, item.Text())
		}
	}
	// The inbox item opens the bulletin.
	jiaoyuju, err := p.App.Store.UserByUsername(context.Background(), "jiaoyuju")
	if err != nil {
		t.Fatal(err)
	}
	var n model.Notification
	ns, _, err := p.App.Store.Notifications(context.Background(), jiaoyuju.ID, false, 50, 0)
	for _, x := range ns {
		if x.Kind == "bulletin_published" && strconv.FormatInt(x.ObjectID, 10) == id {
			n = x
		}
	}
	if err != nil || n.ID == 0 {
		t.Fatalf("no bulletin in jiaoyuju's inbox: %v", err)
	}
	if res := p.Login("jiaoyuju").PostForm("/inbox/"+strconv.FormatInt(n.ID, 10)+"/read", url.Values{"open": {"1"}}); res.Header.Get("Location") != base {
		t.Fatalf("inbox open → %q", res.Header.Get("Location"))
	}

	pr := unit.Get(base + "/print")
	if pr.StatusCode != http.StatusOK || pr.Doc(t).Find("body.print-page article.bulletin h1").Text() != "关于2015年第一季度督查督办工作的通报" {
		t.Fatalf("print view: %d", pr.StatusCode)
	}
	dl := unit.Get(base + "/docx")
	if dl.StatusCode != http.StatusOK || dl.Header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.wordprocessingml.document" ||
		!strings.HasPrefix(dl.Header.Get("Content-Disposition"), "attachment;") {
		t.Fatalf("docx: %d %s %s", dl.StatusCode, dl.Header.Get("Content-Type"), dl.Header.Get("Content-Disposition"))
	}
	wd := bulletintest.Read(t, []byte(dl.Body))
	if h := wd.Headings(); len(h) != 10 || h[0] != "关于2015年第一季度督查督办工作的通报" || h[7] != "七、表扬" {
		t.Fatalf("docx headings %q", h)
	}

	// A draft can be deleted by the office at its version.
	res = rv.PostForm("/bulletins", url.Values{"period": {period}})
	id2 := bulletinIDFrom(t, res)
	if id2 == id {
		t.Fatal("a published bulletin was reopened as a draft")
	}
	if res := rv.PostForm("/bulletins/"+id2+"/delete", url.Values{"version": {"1"}}); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/bulletins" {
		t.Fatalf("delete draft: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if res := rv.Get("/bulletins/" + id2); res.StatusCode != http.StatusNotFound {
		t.Fatalf("deleted draft = %d", res.StatusCode)
	}
}
