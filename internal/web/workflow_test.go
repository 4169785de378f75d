package web_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"duban/internal/demo"
	"duban/internal/evidence"
	"duban/internal/i18n"
	"duban/internal/model"
	"duban/internal/store"
	"duban/internal/testutil"
)

// flowEnv is testutil.Flow with this package's own helpers.
type flowEnv struct{ *testutil.Flow }

func newFlow(t *testing.T, opts ...testutil.Option) *flowEnv {
	t.Helper()
	return &flowEnv{testutil.NewFlow(t, opts...)}
}

// files lists the evidence of a's report for p, removed files included,
// in upload order; the test fails when there is none.
func (e *flowEnv) files(a model.Assignment, p model.Period) []model.Attachment {
	e.T.Helper()
	atts, err := e.P.App.Store.AttachmentsOf(context.Background(), []int64{e.Report(a, p).ID})
	if err != nil || len(atts) == 0 {
		e.T.Fatalf("files of assignment %d: %d, %v", a.ID, len(atts), err)
	}
	return atts
}

// firstNote is the oldest notification in username's inbox; the test
// fails when there is none.
func (e *flowEnv) firstNote(username string) model.Notification {
	e.T.Helper()
	ctx := context.Background()
	u, err := e.P.App.Store.UserByUsername(ctx, username)
	if err != nil {
		e.T.Fatal(err)
	}
	ns, total, err := e.P.App.Store.Notifications(ctx, u.ID, false, 1, 0)
	if err == nil && total > 1 {
		ns, _, err = e.P.App.Store.Notifications(ctx, u.ID, false, 1, int(total-1))
	}
	if err != nil || len(ns) == 0 {
		e.T.Fatalf("no notification for %s: %v", username, err)
	}
	return ns[0]
}

func formURL(a model.Assignment, p model.Period) string {
	return fmt.Sprintf("/assignments/%d/periods/%d", a.ID, p.ID)
}

type upload struct {
	name string
	data []byte
}

// postMultipart posts a report form the way a browser does, with files.
func postMultipart(t *testing.T, c *testutil.Client, path string, fields url.Values, files ...upload) *testutil.Response {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, vs := range fields {
		for _, v := range vs {
			w.WriteField(k, v)
		}
	}
	for _, f := range files {
		fw, err := w.CreateFormFile("files", f.name)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(f.data)
	}
	w.Close()
	req, _ := http.NewRequest(http.MethodPost, path, &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("X-CSRF-Token", c.CSRF())
	return c.Do(req)
}

// reportFields fills the report form; lock is the lock_version the form
// was loaded at.
func reportFields(lock, action, progress string, percent int, state string, extra ...string) url.Values {
	v := url.Values{"lock_version": {lock}, "action": {action}, "progress_state": {state},
		"percent": {fmt.Sprint(percent)}, "progress": {progress}, "problems": {"无"}, "next_steps": {"继续推进"}}
	for i := 0; i+1 < len(extra); i += 2 {
		v.Add(extra[i], extra[i+1])
	}
	return v
}

// lockOf reads the lock version from a rendered report form.
func lockOf(t *testing.T, res *testutil.Response) string {
	t.Helper()
	v, ok := res.Doc(t).Find(`input[name=lock_version]`).Attr("value")
	if !ok {
		t.Fatalf("no lock_version in the page (status %d)", res.StatusCode)
	}
	return v
}

func mustStatus(t *testing.T, res *testutil.Response, want int, what string) {
	t.Helper()
	if res.StatusCode != want {
		body := res.Body
		if len(body) > 1500 {
			body = body[:1500]
		}
		t.Fatalf("%s: status %d, want %d\n%s", what, res.StatusCode, want, body)
	}
}

var reportIDRe = regexp.MustCompile(`^/reports/(\d+)$`)

// blobs lists the files in the attachments folder.
func (e *flowEnv) blobs() []string {
	var out []string
	filepath.Walk(e.P.Config.AttachmentsDir(), func(p string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			out = append(out, p)
		}
		return nil
	})
	return out
}

func wfText(t *testing.T, res *testutil.Response, sel string) string {
	t.Helper()
	return strings.TrimSpace(res.Doc(t).Find(sel).Text())
}

// TestJourney walks the whole workflow through the router: sign → draft →
// submit by a responsible unit → the lead unit approves the input → the
// lead submits the official report → the reviewer returns it with a
// reason → the lead revises and resubmits → the reviewer sees the change
// and approves → to-do lists and dashboards follow.
func TestJourney(t *testing.T) { journey(t) }

// TestJourneyPostgres runs the journey on PostgreSQL, where concurrent
// writers are real (skipped without DUBAN_TEST_POSTGRES).
func TestJourneyPostgres(t *testing.T) { journey(t, testutil.WithDB(testutil.PostgresURL(t))) }

func journey(t *testing.T, opts ...testutil.Option) {
	e := newFlow(t, opts...)
	canlian, jiaoyu, rv := e.P.Login("canlian"), e.P.Login("jiaoyuju"), e.P.Login("duchashi")

	// 市残联 sees the assignment to sign for on its dashboard.
	res := canlian.Get("/")
	mustStatus(t, res, 200, "unit dashboard")
	if !strings.Contains(wfText(t, res, "#todo-sign"), "学前教育") {
		t.Fatal("the to-sign list lacks 学前教育")
	}
	before := wfText(t, res, ".main-nav a[href='/todo'] .nav-count")
	if before == "" {
		t.Fatal("no to-do count in the navigation")
	}

	// Reporting before signing is refused with a sign button on the form.
	form := formURL(e.CoCanlian, e.Q1)
	res = canlian.Get(form)
	mustStatus(t, res, 200, "form before signing")
	if res.Doc(t).Find(".sign-first form button").Length() != 1 || res.Doc(t).Find("fieldset[disabled]").Length() != 1 {
		t.Fatal("the unsigned form lacks the sign button or is editable")
	}
	res = postMultipart(t, canlian, form, reportFields("0", "save", "试图先填报", 10, "on_track"))
	mustStatus(t, res, http.StatusConflict, "save before signing")
	if !strings.Contains(res.Body, "请先签收") || !strings.Contains(res.Body, "试图先填报") {
		t.Fatal("the refusal lacks the reason or lost the input")
	}
	// A post counts the to-do items only when it shows a page, as here.
	if got := wfText(t, res, ".main-nav a[href='/todo'] .nav-count"); got != before {
		t.Fatalf("the refused form's navigation counts %q to do, the dashboard %q", got, before)
	}
	res = canlian.PostForm(fmt.Sprintf("/assignments/%d/sign", e.CoCanlian.ID), url.Values{"back": {form}})
	mustStatus(t, res, http.StatusSeeOther, "sign")
	if res.Header.Get("Location") != form {
		t.Fatalf("sign returned to %q", res.Header.Get("Location"))
	}
	a, _ := e.P.App.Store.AssignmentByID(context.Background(), e.CoCanlian.ID)
	if a.SignedAt == nil || a.SignedBy == nil {
		t.Fatal("signing recorded no time or user")
	}

	// Draft with evidence, then submit.
	res = canlian.Get(form)
	lock := lockOf(t, res)
	if lock != "0" {
		t.Fatalf("a new form has lock %s", lock)
	}
	pdf := evidence.SamplePDF("canlian Q1 evidence")
	res = postMultipart(t, canlian, form, reportFields(lock, "save", "已完成残疾儿童入园摸底。", 30, "on_track",
		fmt.Sprintf("target_%d", e.Target.ID), "88"), upload{"残联一季度佐证.pdf", pdf})
	mustStatus(t, res, http.StatusSeeOther, "save draft")
	r := e.Report(e.CoCanlian, e.Q1)
	if r.State != model.ReportDraft || r.Percent != 30 || e.Count(&model.Attachment{}, "report_id = ?", r.ID) != 1 {
		t.Fatalf("draft = %s %d%%", r.State, r.Percent)
	}
	res = canlian.Get(form)
	if v, _ := res.Doc(t).Find(fmt.Sprintf("#target_%d", e.Target.ID)).Attr("value"); v != "88" {
		t.Fatalf("target value in the form = %q", v)
	}
	if !strings.Contains(res.Body, "残联一季度佐证.pdf") {
		t.Fatal("the uploaded file is not listed")
	}
	res = postMultipart(t, canlian, form, reportFields(lockOf(t, res), "submit", "已完成残疾儿童入园摸底,建档126人。", 40, "on_track",
		fmt.Sprintf("target_%d", e.Target.ID), "88.5"))
	mustStatus(t, res, http.StatusSeeOther, "submit input")
	m := reportIDRe.FindStringSubmatch(res.Header.Get("Location"))
	if m == nil {
		t.Fatalf("submit went to %q", res.Header.Get("Location"))
	}
	inputURL := res.Header.Get("Location")
	r = e.Report(e.CoCanlian, e.Q1)
	if r.State != model.ReportSubmitted || r.VersionNo != 1 || e.Count(&model.ReportVersion{}, "report_id = ?", r.ID) != 1 {
		t.Fatalf("submitted = %s v%d", r.State, r.VersionNo)
	}
	// Submitted reports are locked for the unit.
	res = canlian.Get(form)
	mustStatus(t, res, http.StatusSeeOther, "form of a submitted report")

	// The lead unit is told and reviews the input.
	jiaoyuUser, _ := e.P.App.Store.UserByUsername(context.Background(), "jiaoyuju")
	if e.Count(&model.Notification{}, "user_id = ? AND kind = ? AND object_id = ?", jiaoyuUser.ID, "review_waiting", r.ID) != 1 {
		t.Fatal("the lead unit was not notified")
	}
	res = jiaoyu.Get("/todo")
	if !strings.Contains(wfText(t, res, "#todo-inputs"), "市残联") {
		t.Fatal("the lead's to-do lacks the co-unit input")
	}
	res = jiaoyu.Get(inputURL)
	mustStatus(t, res, 200, "lead views the input")
	if res.Doc(t).Find("#review form").Length() != 1 {
		t.Fatal("the lead unit has no review form")
	}
	res = jiaoyu.PostForm(inputURL+"/review", url.Values{"decision": {"approve"}, "lock_version": {fmt.Sprint(r.LockVersion)}})
	mustStatus(t, res, http.StatusSeeOther, "lead approves input")
	if e.Report(e.CoCanlian, e.Q1).State != model.ReportApproved {
		t.Fatal("input not approved")
	}
	// Co-units' evidence is downloadable by the lead once submitted.
	atts, _ := e.P.App.Store.AttachmentsOf(context.Background(), []int64{r.ID})
	res = jiaoyu.Get(fmt.Sprintf("/attachments/%d", atts[0].ID))
	mustStatus(t, res, 200, "lead downloads co-unit evidence")
	if !bytes.Equal([]byte(res.Body), pdf) {
		t.Fatal("downloaded file differs")
	}

	// The lead signs and writes the official report, seeing its co-units.
	jiaoyu.PostForm(fmt.Sprintf("/assignments/%d/sign", e.Lead.ID), nil)
	leadForm := formURL(e.Lead, e.Q1)
	res = jiaoyu.Get(leadForm)
	mustStatus(t, res, 200, "lead form")
	co := wfText(t, res, ".co-inputs")
	if !strings.Contains(co, "市残联") || !strings.Contains(co, "台山市人民政府") || !strings.Contains(co, "尚未报送") ||
		!strings.Contains(co, "已报送 1 家，共 2 家") {
		t.Fatalf("co-inputs panel = %q", co)
	}
	res = postMultipart(t, jiaoyu, leadForm, reportFields(lockOf(t, res), "submit", "全市新增幼儿园学位2000个。", 45, "on_track",
		fmt.Sprintf("target_%d", e.Target.ID), "91"), upload{"教育局汇总.pdf", evidence.SamplePDF("summary")})
	mustStatus(t, res, http.StatusSeeOther, "lead submits")
	official := e.Report(e.Lead, e.Q1)
	officialURL := fmt.Sprintf("/reports/%d", official.ID)
	res = rv.Get("/todo")
	if !strings.Contains(wfText(t, res, ".todo-reviews"), "市教育局") {
		t.Fatal("the reviewer's to-do lacks the official report")
	}

	// The reviewer returns it: a reason is required.
	res = rv.Get(officialURL)
	mustStatus(t, res, 200, "reviewer views")
	if !strings.Contains(wfText(t, res, ".co-inputs"), "市残联") {
		t.Fatal("the reviewer does not see the co-unit inputs")
	}
	res = rv.PostForm(officialURL+"/review", url.Values{"decision": {"return"}, "reason": {"  "}, "lock_version": {fmt.Sprint(official.LockVersion)}})
	mustStatus(t, res, http.StatusUnprocessableEntity, "return without reason")
	if !strings.Contains(res.Body, "退回时请填写原因") || e.Report(e.Lead, e.Q1).State != model.ReportSubmitted {
		t.Fatal("a return without a reason was not refused clearly")
	}
	reason := "入园率数据缺少统计口径说明,请补充统计报表。"
	res = rv.PostForm(officialURL+"/review", url.Values{"decision": {"return"}, "reason": {reason}, "lock_version": {fmt.Sprint(official.LockVersion)}})
	mustStatus(t, res, http.StatusSeeOther, "return")
	if e.Report(e.Lead, e.Q1).State != model.ReportReturned {
		t.Fatal("not returned")
	}
	if e.Count(&model.Notification{}, "user_id = ? AND kind = ?", jiaoyuUser.ID, "report_returned") != 1 {
		t.Fatal("the lead unit was not told of the return")
	}
	res = jiaoyu.Get("/")
	if !strings.Contains(wfText(t, res, "#todo-returned"), reason) {
		t.Fatal("the lead's dashboard lacks the returned report and its reason")
	}

	// The lead revises and resubmits.
	res = jiaoyu.Get(leadForm)
	mustStatus(t, res, 200, "returned form")
	if !strings.Contains(wfText(t, res, ".returned-note"), reason) {
		t.Fatal("the form does not show the return reason")
	}
	res = postMultipart(t, jiaoyu, leadForm, reportFields(lockOf(t, res), "submit", "全市新增幼儿园学位2400个,附统计报表。", 50, "on_track",
		fmt.Sprintf("target_%d", e.Target.ID), "92.5"), upload{"统计报表.png", evidence.SamplePNG(3)})
	mustStatus(t, res, http.StatusSeeOther, "resubmit")
	official = e.Report(e.Lead, e.Q1)
	if official.State != model.ReportSubmitted || official.VersionNo != 2 {
		t.Fatalf("resubmitted = %s v%d", official.State, official.VersionNo)
	}

	// The reviewer sees what changed and why it was returned, then approves.
	res = rv.Get(officialURL)
	d := res.Doc(t)
	diff := strings.TrimSpace(d.Find(".diff-card").Text())
	for _, want := range []string{reason, "2000", "2400", "91", "92.5", "统计报表.png", "50%"} {
		if !strings.Contains(diff, want) {
			t.Errorf("the diff lacks %q: %s", want, diff)
		}
	}
	if d.Find(".diff-field-progress del").Text() != "000个" || d.Find(".diff-field-progress ins").Text() != "400个,附统计报表" {
		t.Errorf("text diff = %q → %q", d.Find(".diff-field-progress del").Text(), d.Find(".diff-field-progress ins").Text())
	}
	res = rv.PostForm(officialURL+"/review", url.Values{"decision": {"approve"}, "lock_version": {fmt.Sprint(official.LockVersion)}})
	mustStatus(t, res, http.StatusSeeOther, "approve")
	if e.Report(e.Lead, e.Q1).State != model.ReportApproved {
		t.Fatal("not approved")
	}
	// Both versions stay viewable; approved reports are locked.
	res = rv.Get(officialURL + "/versions/1")
	mustStatus(t, res, 200, "version 1")
	if !strings.Contains(res.Body, "全市新增幼儿园学位2000个") {
		t.Fatal("version 1 lost its content")
	}
	res = postMultipart(t, jiaoyu, leadForm, reportFields(fmt.Sprint(e.Report(e.Lead, e.Q1).LockVersion), "save", "改动", 60, "on_track"))
	mustStatus(t, res, http.StatusConflict, "edit an approved report")
	if e.Report(e.Lead, e.Q1).Progress == "改动" {
		t.Fatal("an approved report was changed")
	}

	// To-do lists and dashboards follow.
	if strings.Contains(rv.Get("/todo").Body, "学前教育") {
		t.Error("the reviewer's to-do still lists the approved report")
	}
	res = jiaoyu.Get("/")
	if strings.Contains(wfText(t, res, "#todo-returned"), "学前教育") || strings.Contains(wfText(t, res, "#todo-inputs"), "学前教育") {
		t.Error("the lead's to-do still lists the finished work")
	}
	row := res.Doc(t).Find(".my-measures tr").FilterFunction(func(_ int, s *goquery.Selection) bool {
		return strings.Contains(s.Text(), "学前教育")
	})
	if !strings.Contains(row.Text(), "已审核通过") {
		t.Errorf("the dashboard row of 学前教育 = %q", row.Text())
	}
	if id, _, err := e.P.App.Store.VerifyAudit(context.Background()); id != 0 || err != nil {
		t.Fatalf("audit chain broken at %d: %v", id, err)
	}
	evs, _, err := e.P.App.Store.ListAudit(context.Background(), store.AuditFilter{ObjectType: "report", ObjectID: official.ID, Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, ev := range slices.Backward(evs) {
		actions = append(actions, ev.Action)
	}
	if strings.Join(actions, ",") != "report.submit,report.return,report.submit,report.approve" {
		t.Fatalf("audit of the official report = %v", actions)
	}
}

// signAll signs every fixture assignment through the router.
func (e *flowEnv) signAll(users ...string) map[string]*testutil.Client {
	e.T.Helper()
	cs := map[string]*testutil.Client{}
	for _, u := range users {
		c := e.P.Login(u)
		if res := c.PostForm("/assignments/sign", nil); res.StatusCode != http.StatusSeeOther {
			e.T.Fatalf("%s sign all = %d", u, res.StatusCode)
		}
		cs[u] = c
	}
	return cs
}

func TestUploadEdgeCases(t *testing.T) {
	e := newFlow(t)
	c := e.signAll("canlian")["canlian"]
	form := formURL(e.CoCanlian, e.Q1)
	nothingStored := func(what string) {
		t.Helper()
		if n := e.Count(&model.Attachment{}, "1 = 1"); n != 0 {
			t.Fatalf("%s: %d attachment rows", what, n)
		}
		if b := e.blobs(); len(b) != 0 {
			t.Fatalf("%s: files left on disk: %v", what, b)
		}
		if n := e.Count(&model.Report{}, "assignment_id = ?", e.CoCanlian.ID); n != 0 {
			t.Fatalf("%s: a report was saved", what)
		}
	}

	t.Run("30MB body comes back as the form", func(t *testing.T) {
		// Read up to the body limit only: the fields come first, so the
		// form is shown again with the text kept and the files marked.
		big := upload{"大文件.pdf", append([]byte("%PDF-1.4\n"), make([]byte, 30<<20)...)}
		res := postMultipart(t, c, form, reportFields("0", "save", "大文件", 10, "on_track"), big)
		mustStatus(t, res, http.StatusRequestEntityTooLarge, "30 MB")
		if !strings.Contains(res.Body, "文件超过大小上限") || !strings.Contains(wfText(t, res, "textarea#progress"), "大文件") {
			t.Fatalf("the 413 form lacks the reason or the typed text: %s", wfText(t, res, "main"))
		}
		nothingStored("30 MB")
	})
	t.Run("a file just over the per-file limit", func(t *testing.T) {
		// 20 MiB + 100 KiB: over the 20 MiB file limit, under the body
		// limit (22 MB, decimal) that leaves room for the form around it.
		over := upload{"超限.pdf", append([]byte("%PDF-1.4\n"), make([]byte, 20<<20+100<<10)...)}
		ok := upload{"先上传的.pdf", evidence.SamplePDF("first")}
		res := postMultipart(t, c, form, reportFields("0", "save", "保留的文字", 10, "on_track"), ok, over)
		mustStatus(t, res, http.StatusRequestEntityTooLarge, "file over the limit")
		if !strings.Contains(res.Body, "文件超过大小上限") || !strings.Contains(res.Body, "保留的文字") {
			t.Fatalf("the 413 form lacks the reason or the typed text: %s", wfText(t, res, "main"))
		}
		nothingStored("file over the limit")
	})
	t.Run("a chunked upload over the limit", func(t *testing.T) {
		pr, pw := io.Pipe()
		w := multipart.NewWriter(pw)
		go func() {
			w.WriteField("lock_version", "0")
			w.WriteField("action", "save")
			fw, _ := w.CreateFormFile("files", "流式.pdf")
			fw.Write([]byte("%PDF-1.4\n"))
			chunk := make([]byte, 1<<20)
			for i := 0; i < 30; i++ {
				if _, err := fw.Write(chunk); err != nil {
					pw.CloseWithError(err)
					return
				}
			}
			w.Close()
			pw.Close()
		}()
		req, _ := http.NewRequest(http.MethodPost, form, pr)
		req.Header.Set("Content-Type", w.FormDataContentType())
		req.Header.Set("X-CSRF-Token", c.CSRF())
		res := c.Do(req)
		mustStatus(t, res, http.StatusRequestEntityTooLarge, "chunked 30 MB")
		nothingStored("chunked 30 MB")
	})
	t.Run("an HTML page named .pdf", func(t *testing.T) {
		res := postMultipart(t, c, form, reportFields("0", "save", "附件有问题", 10, "on_track"),
			upload{"报告.pdf", []byte("<!DOCTYPE html><html><script>alert(1)</script></html>")})
		mustStatus(t, res, http.StatusUnprocessableEntity, "html as pdf")
		if !strings.Contains(wfText(t, res, ".file-errors"), "文件内容与扩展名不符") || !strings.Contains(res.Body, "附件有问题") {
			t.Fatalf("refusal = %q", wfText(t, res, ".file-errors"))
		}
		nothingStored("html as pdf")
	})
	t.Run("a zero-byte file and a forbidden type", func(t *testing.T) {
		res := postMultipart(t, c, form, reportFields("0", "save", "x", 10, "on_track"),
			upload{"空.pdf", nil}, upload{"run.exe", []byte("MZ\x90\x00")})
		mustStatus(t, res, http.StatusUnprocessableEntity, "empty file")
		fe := wfText(t, res, ".file-errors")
		if !strings.Contains(fe, "空.pdf") || !strings.Contains(fe, "文件为空") || !strings.Contains(fe, "不支持的文件类型") {
			t.Fatalf("refusal = %q", fe)
		}
		nothingStored("empty file")
	})
	t.Run("a path in the name is stored safely", func(t *testing.T) {
		pdf := evidence.SamplePDF("x")
		res := postMultipart(t, c, form, reportFields("0", "save", "x", 10, "on_track"), upload{"../../x.pdf", pdf})
		mustStatus(t, res, http.StatusSeeOther, "../../x.pdf")
		att := e.files(e.CoCanlian, e.Q1)[0]
		if att.Name != "x.pdf" || strings.Contains(att.StorageKey, "x.pdf") || strings.Contains(att.StorageKey, "..") {
			t.Fatalf("stored as name %q key %q", att.Name, att.StorageKey)
		}
		b := e.blobs()
		if len(b) != 1 || !strings.HasPrefix(b[0], e.P.Config.AttachmentsDir()+string(os.PathSeparator)) {
			t.Fatalf("files on disk: %v", b)
		}
		for _, p := range []string{filepath.Join(e.P.Config.DataDir, "x.pdf"), filepath.Join(filepath.Dir(e.P.Config.DataDir), "x.pdf")} {
			if _, err := os.Stat(p); err == nil {
				t.Fatalf("a file escaped to %s", p)
			}
		}
		// Download: an attachment, never inline, with the name intact.
		res = c.Get(fmt.Sprintf("/attachments/%d", att.ID))
		mustStatus(t, res, 200, "download")
		if res.Header.Get("Content-Type") != "application/pdf" || res.Header.Get("X-Content-Type-Options") != "nosniff" ||
			!strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment;") || res.Body != string(pdf) {
			t.Fatalf("download headers %v", res.Header)
		}
		if att.SHA256 == "" || att.Size != int64(len(pdf)) {
			t.Fatalf("size %d sha %q", att.Size, att.SHA256)
		}
	})
	t.Run("Chinese names use RFC 5987", func(t *testing.T) {
		r := e.Report(e.CoCanlian, e.Q1)
		res := postMultipart(t, c, form, reportFields(fmt.Sprint(r.LockVersion), "save", "x", 10, "on_track"),
			upload{"一季度 佐证\"材料\".PDF", evidence.SamplePDF("y")})
		mustStatus(t, res, http.StatusSeeOther, "chinese name")
		atts := e.files(e.CoCanlian, e.Q1)
		att := atts[len(atts)-1]
		res = c.Get(fmt.Sprintf("/attachments/%d", att.ID))
		cd := res.Header.Get("Content-Disposition")
		want := fmt.Sprintf(`attachment; filename="attachment-%d.pdf"; filename*=UTF-8''%%E4%%B8%%80%%E5%%AD%%A3%%E5%%BA%%A6%%20%%E4%%BD%%90%%E8%%AF%%81_%%E6%%9D%%90%%E6%%96%%99_.pdf`, att.ID)
		if cd != want {
			t.Fatalf("Content-Disposition = %s\nwant %s", cd, want)
		}
	})
	t.Run("files can be removed until submitted", func(t *testing.T) {
		r := e.Report(e.CoCanlian, e.Q1)
		atts, _ := e.P.App.Store.AttachmentsOf(context.Background(), []int64{r.ID})
		res := postMultipart(t, c, form, reportFields(fmt.Sprint(r.LockVersion), "submit", "提交", 10, "on_track",
			"remove_file", fmt.Sprint(atts[0].ID)))
		mustStatus(t, res, http.StatusSeeOther, "submit removing a file")
		if n := e.Count(&model.Attachment{}, "report_id = ?", r.ID); n != 1 || len(e.blobs()) != 1 {
			t.Fatalf("after removing one of two files: %d rows, %d blobs", n, len(e.blobs()))
		}
		// Submitted: nothing can be removed.
		r = e.Report(e.CoCanlian, e.Q1)
		res = postMultipart(t, c, form, reportFields(fmt.Sprint(r.LockVersion), "save", "提交", 10, "on_track",
			"remove_file", fmt.Sprint(atts[1].ID)))
		mustStatus(t, res, http.StatusConflict, "remove after submit")
		if n := e.Count(&model.Attachment{}, "report_id = ? AND removed_at IS NULL", r.ID); n != 1 {
			t.Fatal("a submitted report's file was removed")
		}
	})
}

// TestUploadStreamsToDisk checks that a large evidence file is not held in
// memory: the bytes allocated while uploading 19 MB stay far below 19 MB.
func TestUploadStreamsToDisk(t *testing.T) {
	e := newFlow(t)
	c := e.signAll("canlian")["canlian"]
	const size = 19 << 20
	pr, pw := io.Pipe()
	w := multipart.NewWriter(pw)
	go func() {
		w.WriteField("lock_version", "0")
		w.WriteField("action", "save")
		w.WriteField("progress_state", "on_track")
		fw, _ := w.CreateFormFile("files", "大.pdf")
		fw.Write([]byte("%PDF-1.4\n"))
		chunk := bytes.Repeat([]byte("0123456789abcdef"), 4096)
		for n := 0; n < size; n += len(chunk) {
			fw.Write(chunk)
		}
		w.Close()
		pw.Close()
	}()
	req, _ := http.NewRequest(http.MethodPost, formURL(e.CoCanlian, e.Q1), pr)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("X-CSRF-Token", c.CSRF())
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	res := c.Do(req)
	runtime.ReadMemStats(&after)
	mustStatus(t, res, http.StatusSeeOther, "19 MB upload")
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("allocated %.1f MB while uploading %.0f MB", float64(alloc)/(1<<20), float64(size)/(1<<20))
	if alloc > 8<<20 {
		t.Fatalf("allocated %d bytes for a %d byte upload: it is buffered in memory", alloc, size)
	}
	if att := e.files(e.CoCanlian, e.Q1)[0]; att.Size < size {
		t.Fatalf("stored %d bytes", att.Size)
	}
}

// TestIDOR: another unit's assignment, report, report form, attachment,
// review action, sign action and notification are "not found", and
// nothing changes.
func TestIDOR(t *testing.T) {
	e := newFlow(t)
	cs := e.signAll("canlian", "jiaoyuju", "taishan")
	canlian, jiaoyu, taishan := cs["canlian"], cs["jiaoyuju"], cs["taishan"]
	ctx := context.Background()
	// 市残联: a draft with a file (Q4) and a submitted input with a file (Q1).
	q4 := e.Periods[1]
	mustStatus(t, postMultipart(t, canlian, formURL(e.CoCanlian, q4), reportFields("0", "save", "草稿", 10, "on_track"),
		upload{"draft.pdf", evidence.SamplePDF("d")}), http.StatusSeeOther, "draft")
	mustStatus(t, postMultipart(t, canlian, formURL(e.CoCanlian, e.Q1), reportFields("0", "submit", "已报送", 30, "on_track"),
		upload{"sub.pdf", evidence.SamplePDF("s")}), http.StatusSeeOther, "submit")
	draft, sub := e.Report(e.CoCanlian, q4), e.Report(e.CoCanlian, e.Q1)
	da, _ := e.P.App.Store.AttachmentsOf(ctx, []int64{draft.ID})
	sa, _ := e.P.App.Store.AttachmentsOf(ctx, []int64{sub.ID})
	// 市残联's own report on measure 3, which 市教育局 has nothing to do with.
	mustStatus(t, postMultipart(t, canlian, formURL(e.OtherLeadCanlian, e.Q1), reportFields("0", "submit", "残疾人就业", 30, "on_track")),
		http.StatusSeeOther, "measure 3 report")
	m3 := e.Report(e.OtherLeadCanlian, e.Q1)
	rvUser, _ := e.P.App.Store.UserByUsername(ctx, "duchashi")
	e.P.Login("duchashi").PostForm("/prompts", url.Values{"assignment_id": {fmt.Sprint(e.CoCanlian.ID)}, "message": {"请报送"}})
	canlianUser, _ := e.P.App.Store.UserByUsername(ctx, "canlian")
	note := e.firstNote("canlian")

	notRefusals := []string{"access.denied", "object.denied", "login.ok"}
	audits := e.Count(&model.AuditEvent{}, "action NOT IN ?", notRefusals)
	reportsBefore := e.Count(&model.Report{}, "1 = 1")

	cases := []struct {
		who  *testutil.Client
		name string
		do   func(c *testutil.Client) *testutil.Response
	}{
		{taishan, "another co-unit's assignment", func(c *testutil.Client) *testutil.Response {
			return c.Get(fmt.Sprintf("/assignments/%d", e.CoCanlian.ID))
		}},
		{taishan, "the lead's assignment", func(c *testutil.Client) *testutil.Response { return c.Get(fmt.Sprintf("/assignments/%d", e.Lead.ID)) }},
		{taishan, "another unit's report form", func(c *testutil.Client) *testutil.Response { return c.Get(formURL(e.CoCanlian, e.Q1)) }},
		{taishan, "saving another unit's report", func(c *testutil.Client) *testutil.Response {
			return postMultipart(t, c, formURL(e.CoCanlian, q4), reportFields(fmt.Sprint(draft.LockVersion), "submit", "篡改", 99, "on_track"))
		}},
		{taishan, "another unit's report", func(c *testutil.Client) *testutil.Response { return c.Get(fmt.Sprintf("/reports/%d", sub.ID)) }},
		{taishan, "another unit's report version", func(c *testutil.Client) *testutil.Response {
			return c.Get(fmt.Sprintf("/reports/%d/versions/1", sub.ID))
		}},
		{taishan, "reviewing another unit's report", func(c *testutil.Client) *testutil.Response {
			return c.PostForm(fmt.Sprintf("/reports/%d/review", sub.ID), url.Values{"decision": {"approve"}, "lock_version": {fmt.Sprint(sub.LockVersion)}})
		}},
		{taishan, "another unit's evidence", func(c *testutil.Client) *testutil.Response { return c.Get(fmt.Sprintf("/attachments/%d", sa[0].ID)) }},
		{taishan, "signing for another unit", func(c *testutil.Client) *testutil.Response {
			return c.PostForm(fmt.Sprintf("/assignments/%d/sign", e.CoCanlian.ID), nil)
		}},
		{taishan, "another user's notification", func(c *testutil.Client) *testutil.Response {
			return c.PostForm(fmt.Sprintf("/inbox/%d/read", note.ID), nil)
		}},
		{jiaoyu, "a co-unit's unsubmitted draft", func(c *testutil.Client) *testutil.Response { return c.Get(fmt.Sprintf("/reports/%d", draft.ID)) }},
		{jiaoyu, "a co-unit's draft file", func(c *testutil.Client) *testutil.Response { return c.Get(fmt.Sprintf("/attachments/%d", da[0].ID)) }},
		{jiaoyu, "a measure it does not work on", func(c *testutil.Client) *testutil.Response {
			return c.Get(fmt.Sprintf("/assignments/%d", e.OtherLeadCanlian.ID))
		}},
		{jiaoyu, "a report on a measure it does not work on", func(c *testutil.Client) *testutil.Response {
			return c.Get(fmt.Sprintf("/reports/%d", m3.ID))
		}},
		{jiaoyu, "reviewing on a measure it does not lead", func(c *testutil.Client) *testutil.Response {
			return c.PostForm(fmt.Sprintf("/reports/%d/review", m3.ID), url.Values{"decision": {"return"}, "reason": {"x"}, "lock_version": {fmt.Sprint(m3.LockVersion)}})
		}},
		{canlian, "a nonexistent report", func(c *testutil.Client) *testutil.Response { return c.Get("/reports/999999") }},
		{canlian, "a malformed ID", func(c *testutil.Client) *testutil.Response { return c.Get("/assignments/1x") }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := tc.do(tc.who)
			if res.StatusCode != http.StatusNotFound {
				t.Fatalf("status %d, want 404", res.StatusCode)
			}
		})
	}
	// Role-level refusals are 403.
	for _, tc := range []struct {
		user, method, path string
	}{
		{"canlian", "POST", "/prompts"},
		{"lingdao", "POST", fmt.Sprintf("/reports/%d/review", sub.ID)},
		{"jiaoyuju", "POST", fmt.Sprintf("/measures/%d/close", e.F.Measures[0].ID)},
		{"duchashi", "POST", formURL(e.CoCanlian, e.Q1)},
		{"lingdao", "GET", "/todo"},
	} {
		c := e.P.Login(tc.user)
		var res *testutil.Response
		if tc.method == "GET" {
			res = c.Get(tc.path)
		} else {
			res = c.PostForm(tc.path, url.Values{"assignment_id": {fmt.Sprint(e.CoCanlian.ID)}, "decision": {"approve"}, "note": {"x"}})
		}
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("%s %s %s = %d, want 403", tc.user, tc.method, tc.path, res.StatusCode)
		}
	}
	// Nothing changed.
	if after := e.Count(&model.AuditEvent{}, "action NOT IN ?", notRefusals); after != audits || e.Count(&model.Report{}, "1 = 1") != reportsBefore {
		t.Fatalf("refused requests changed something: audit %d → %d", audits, after)
	}
	if r := e.Report(e.CoCanlian, q4); r.Progress != "草稿" || r.State != model.ReportDraft {
		t.Fatal("another unit's draft changed")
	}
	if r := e.Report(e.CoCanlian, e.Q1); r.State != model.ReportSubmitted {
		t.Fatal("another unit's report was reviewed")
	}
	if n, _ := e.P.App.Store.NotificationOf(ctx, canlianUser.ID, note.ID); n.ReadAt != nil {
		t.Fatal("another user's notification was marked read")
	}
	a, _ := e.P.App.Store.AssignmentByID(ctx, e.CoCanlian.ID)
	if *a.SignedBy != canlianUser.ID {
		t.Fatal("the signature changed")
	}
	// The reviewer and the viewer read everything submitted, never drafts.
	for _, u := range []string{"duchashi", "lingdao", "admin"} {
		c := e.P.Login(u)
		if res := c.Get(fmt.Sprintf("/reports/%d", sub.ID)); res.StatusCode != 200 {
			t.Errorf("%s reads a submitted report: %d", u, res.StatusCode)
		}
		if res := c.Get(fmt.Sprintf("/attachments/%d", sa[0].ID)); res.StatusCode != 200 {
			t.Errorf("%s downloads submitted evidence: %d", u, res.StatusCode)
		}
		if res := c.Get(fmt.Sprintf("/reports/%d", draft.ID)); res.StatusCode != 404 {
			t.Errorf("%s reads a draft: %d", u, res.StatusCode)
		}
	}
	_ = rvUser
}

// TestDraftConflict: two people edit the same draft; the second save is
// refused with 409, keeps their input on the page, shows the first
// person's version and overwrites nothing. Saving again is then a
// deliberate choice and goes through.
func TestDraftConflict(t *testing.T) {
	e := newFlow(t)
	a := e.signAll("canlian")["canlian"]
	b := e.P.Login("canlian") // the same unit, another desk
	form := formURL(e.CoCanlian, e.Q1)
	mustStatus(t, postMultipart(t, a, form, reportFields("0", "save", "初稿", 10, "on_track")), http.StatusSeeOther, "first draft")
	la, lb := lockOf(t, a.Get(form)), lockOf(t, b.Get(form))
	mustStatus(t, postMultipart(t, a, form, reportFields(la, "save", "甲修改的内容", 20, "on_track")), http.StatusSeeOther, "A saves")
	res := postMultipart(t, b, form, reportFields(lb, "save", "乙修改的内容", 30, "behind", fmt.Sprintf("target_%d", e.Target.ID), "77"),
		upload{"乙的文件.pdf", evidence.SamplePDF("b")})
	mustStatus(t, res, http.StatusConflict, "B saves a stale draft")
	doc := res.Doc(t)
	if got := doc.Find("#progress").Text(); got != "乙修改的内容" {
		t.Fatalf("B's input on the page = %q", got)
	}
	if v, _ := doc.Find(fmt.Sprintf("#target_%d", e.Target.ID)).Attr("value"); v != "77" {
		t.Fatalf("B's target value = %q", v)
	}
	if _, ok := doc.Find(`input[name=progress_state][value=behind]`).Attr("checked"); !ok {
		t.Fatal("B's progress state was not kept")
	}
	if !strings.Contains(doc.Find(".latest-save").Text(), "甲修改的内容") || !strings.Contains(res.Body, "已被他人修改") {
		t.Fatal("the conflict page does not show A's version and the reason")
	}
	if !strings.Contains(res.Body, "所选文件也未保留") {
		t.Fatal("B is not told to choose the file again")
	}
	r := e.Report(e.CoCanlian, e.Q1)
	if r.Progress != "甲修改的内容" || r.Percent != 20 || e.Count(&model.Attachment{}, "1 = 1") != 0 || len(e.blobs()) != 0 {
		t.Fatalf("the refused save changed the draft: %q %d%%", r.Progress, r.Percent)
	}
	// Saving again from the conflict page is a deliberate overwrite.
	mustStatus(t, postMultipart(t, b, form, reportFields(lockOf(t, res), "save", "乙修改的内容", 30, "behind")), http.StatusSeeOther, "B saves again")
	if e.Report(e.CoCanlian, e.Q1).Progress != "乙修改的内容" {
		t.Fatal("B's deliberate save did not go through")
	}
}

// TestConcurrentReviewers: two reviewers act on the same report at once;
// exactly one succeeds, the other sees a 409 that keeps their text.
func TestConcurrentReviewers(t *testing.T) { concurrentReviewers(t) }

func TestConcurrentReviewersPostgres(t *testing.T) {
	concurrentReviewers(t, testutil.WithDB(testutil.PostgresURL(t)))
}

func concurrentReviewers(t *testing.T, opts ...testutil.Option) {
	e := newFlow(t, opts...)
	jiaoyu := e.signAll("jiaoyuju")["jiaoyuju"]
	mustStatus(t, postMultipart(t, jiaoyu, formURL(e.Lead, e.Q1), reportFields("0", "submit", "正式报告", 40, "on_track")),
		http.StatusSeeOther, "submit")
	r := e.Report(e.Lead, e.Q1)
	u2 := &model.User{Username: "duchashi2", DisplayName: "督查室二", PasswordHash: e.mustHash(), Role: model.RoleReviewer, Demo: true}
	if err := e.P.App.Store.CreateUser(context.Background(), u2); err != nil {
		t.Fatal(err)
	}
	clients := []*testutil.Client{e.P.Login("duchashi"), e.P.Login("duchashi2"), e.P.Login("duchashi"), e.P.Login("duchashi2")}
	for _, c := range clients {
		c.CSRF()
	}
	type result struct {
		status int
		body   string
	}
	results := make(chan result, len(clients))
	start := make(chan struct{})
	for i, c := range clients {
		go func(i int, c *testutil.Client) {
			<-start
			form := url.Values{"lock_version": {fmt.Sprint(r.LockVersion)}, "decision": {"approve"}}
			if i%2 == 1 {
				form = url.Values{"lock_version": {fmt.Sprint(r.LockVersion)}, "decision": {"return"}, "reason": {fmt.Sprintf("意见%d", i)}}
			}
			res := c.PostForm(fmt.Sprintf("/reports/%d/review", r.ID), form)
			results <- result{res.StatusCode, res.Body}
		}(i, c)
	}
	close(start)
	wins, conflicts := 0, 0
	for range clients {
		res := <-results
		switch res.status {
		case http.StatusSeeOther:
			wins++
		case http.StatusConflict:
			conflicts++
			if !strings.Contains(res.body, "已被他人审核") {
				t.Error("a losing reviewer is not told why")
			}
		default:
			t.Errorf("unexpected status %d", res.status)
		}
	}
	if wins != 1 || conflicts != len(clients)-1 || e.Count(&model.Review{}, "report_id = ?", r.ID) != 1 {
		t.Fatalf("wins %d conflicts %d reviews %d", wins, conflicts, e.Count(&model.Review{}, "report_id = ?", r.ID))
	}
}

func (e *flowEnv) mustHash() string {
	h, err := e.P.App.Hasher.Hash(context.Background(), e.P.App.DemoPassword)
	if err != nil {
		e.T.Fatal(err)
	}
	return h
}

func TestSupervisionPromptsAndClosure(t *testing.T) {
	e := newFlow(t)
	cs := e.signAll("canlian", "jiaoyuju")
	canlian, jiaoyu := cs["canlian"], cs["jiaoyuju"]
	rv := e.P.Login("duchashi")

	// 督办 lists the overdue work with its reasons and a 催办 button.
	res := rv.Get("/supervision")
	mustStatus(t, res, 200, "supervision")
	rows := res.Doc(t).Find(".at-risk tr[data-assignment]")
	if rows.Length() != 8 || !strings.Contains(rows.First().Text(), "2014年第3季度报告逾期 180 天未报送") || rows.Find("form.prompt-form").Length() != 8 {
		t.Fatalf("at-risk rows = %d: %s", rows.Length(), rows.First().Text())
	}
	// The button names what it chases: every owed period not handed in.
	btn := res.Doc(t).Find(".at-risk form.prompt-form button").First()
	if title, _ := btn.Attr("title"); btn.Text() != "催办 3 期" || title != "2014年第3季度、2014年第4季度、2015年第1季度" {
		t.Fatalf("prompt button = %q (%s)", btn.Text(), title)
	}
	if res := e.P.Login("lingdao").Get("/supervision"); res.StatusCode != 200 || strings.Contains(res.Body, `action="/prompts"`) {
		t.Fatal("the viewer cannot read 督办 or can send prompts")
	}
	if res := rv.Get("/supervision?light=purple"); res.StatusCode != http.StatusBadRequest {
		t.Fatalf("unknown filter = %d", res.StatusCode)
	}

	// 催办 with one click, returning to the list.
	res = rv.PostForm("/prompts", url.Values{"assignment_id": {fmt.Sprint(e.CoCanlian.ID)}, "period_id": {fmt.Sprint(e.Q1.ID)},
		"message": {"请于4月5日前报送一季度进展"}, "back": {"/supervision?light=red"}})
	mustStatus(t, res, http.StatusSeeOther, "prompt")
	if res.Header.Get("Location") != "/supervision?light=red" {
		t.Fatalf("prompt returned to %q", res.Header.Get("Location"))
	}
	if e.Count(&model.Prompt{}, "assignment_id = ? AND resolved_at IS NULL", e.CoCanlian.ID) != 1 {
		t.Fatal("no open prompt stored")
	}
	if e.Count(&model.AuditEvent{}, "action = ?", "prompt.send") != 1 {
		t.Fatal("the prompt was not audited")
	}
	// Without periods the prompt names every period the rules chase, with
	// the default message; the second on 2015Q1 is its 第2次.
	if res := rv.PostForm("/prompts", url.Values{"assignment_id": {fmt.Sprint(e.CoCanlian.ID)}, "back": {"//evil.example/"}}); res.Header.Get("Location") != "/" {
		t.Fatalf("open redirect: %q", res.Header.Get("Location"))
	}
	sent, err := e.P.App.Store.PromptsOfAssignment(context.Background(), e.CoCanlian.ID)
	if err != nil {
		t.Fatal(err)
	}
	slices.Reverse(sent) // oldest first
	if len(sent) != 4 || sent[1].PeriodID == nil || *sent[1].PeriodID != e.Periods[0].ID || sent[1].Message != "请于4月8日前报送2014年第3季度、2014年第4季度、2015年第1季度工作进展。" {
		t.Fatalf("prompts = %+v", sent)
	}
	// A period handed in, or not owed yet, cannot be prompted: 422 with the
	// reason, nothing stored, and the 待办 badge still there.
	mustStatus(t, postMultipart(t, cs["canlian"], formURL(e.CoCanlian, e.Periods[0]), reportFields("0", "submit", "三季度进展", 10, "on_track")),
		http.StatusSeeOther, "submit 2014Q3")
	for _, per := range []model.Period{e.Periods[0], e.Periods[3]} {
		res := rv.PostForm("/prompts", url.Values{"assignment_id": {fmt.Sprint(e.CoCanlian.ID)}, "period_id": {fmt.Sprint(per.ID)}})
		mustStatus(t, res, http.StatusUnprocessableEntity, "prompt for "+per.Label)
		if !strings.Contains(res.Body, "该报告期无需催办") {
			t.Fatalf("the refused prompt for %s gives no reason", per.Label)
		}
		if got, want := wfText(t, res, ".main-nav a[href='/todo'] .nav-count"), wfText(t, rv.Get("/todo"), ".main-nav a[href='/todo'] .nav-count"); got == "" || got != want {
			t.Fatalf("待办 badge on the 422 page = %q, on /todo %q", got, want)
		}
	}
	if e.Count(&model.Prompt{}, "assignment_id = ?", e.CoCanlian.ID) != 4 {
		t.Fatal("a refused prompt was stored")
	}
	if !strings.Contains(wfText(t, canlian.Get("/todo"), "#todo-prompts"), "第2次催办") {
		t.Fatal("the second prompt on 2015Q1 is not shown as 第2次")
	}
	if res := rv.PostForm("/prompts", url.Values{"assignment_id": {fmt.Sprint(e.CoCanlian.ID)}, "period_id": {"999999"}}); res.StatusCode != 404 {
		t.Fatalf("unknown period = %d", res.StatusCode)
	}
	long := strings.Repeat("催", 501)
	res = rv.PostForm("/prompts", url.Values{"assignment_id": {fmt.Sprint(e.CoCanlian.ID)}, "message": {long}})
	mustStatus(t, res, http.StatusUnprocessableEntity, "long prompt")
	if !strings.Contains(res.Body, long) || !strings.Contains(res.Body, "最多 500 字") {
		t.Fatal("the long prompt was not shown again with the reason")
	}

	// The unit sees the prompt on its dashboard and in its inbox.
	res = canlian.Get("/")
	if !strings.Contains(wfText(t, res, "#todo-prompts"), "请于4月5日前报送一季度进展") {
		t.Fatal("the prompt is not on the unit's dashboard")
	}
	if wfText(t, res, ".main-nav a[href='/inbox'] .nav-count") != "4" {
		t.Fatalf("inbox count = %q", wfText(t, res, ".main-nav a[href='/inbox'] .nav-count"))
	}
	res = canlian.Get("/inbox")
	items := res.Doc(t).Find(".inbox-item.unread")
	if items.Length() != 4 || !strings.Contains(items.First().Text(), "催办通知") {
		t.Fatalf("inbox = %d unread: %s", items.Length(), items.First().Text())
	}
	first := e.firstNote("canlian")
	res = canlian.PostForm(fmt.Sprintf("/inbox/%d/read", first.ID), url.Values{"open": {"1"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != fmt.Sprintf("/assignments/%d", e.CoCanlian.ID) {
		t.Fatalf("open notification = %d → %s", res.StatusCode, res.Header.Get("Location"))
	}
	mustStatus(t, canlian.PostForm("/inbox/read-all", nil), http.StatusSeeOther, "read all")
	if e.Count(&model.Notification{}, "user_id = ? AND read_at IS NULL", first.UserID) != 0 {
		t.Fatal("read-all left unread notifications")
	}
	if canlian.Get("/").Doc(t).Find(".main-nav a[href='/inbox'] .nav-count").Length() != 0 {
		t.Fatal("the inbox count stays after reading everything")
	}

	// Reporting answers the prompt.
	mustStatus(t, postMultipart(t, canlian, formURL(e.CoCanlian, e.Q1), reportFields("0", "submit", "已报送", 30, "on_track")),
		http.StatusSeeOther, "submit")
	// Only the prompt for 2014Q4, still not handed in, stays open.
	if items := canlian.Get("/").Doc(t).Find("#todo-prompts li.prompt-item"); items.Length() != 1 ||
		!strings.Contains(items.Text(), "2014年第4季度") {
		t.Fatalf("open prompts on the dashboard: %d %s", items.Length(), items.Text())
	}
	if e.Count(&model.Prompt{}, "assignment_id = ? AND resolved_at IS NOT NULL", e.CoCanlian.ID) != 3 {
		t.Fatal("the prompts were not resolved")
	}

	// 办结: not before the lead reports done.
	m := e.F.Measures[0]
	closeURL := fmt.Sprintf("/measures/%d/close", m.ID)
	res = rv.PostForm(closeURL, url.Values{"note": {"提前办结"}, "back": {"/supervision"}})
	mustStatus(t, res, http.StatusConflict, "close too early")
	if !strings.Contains(res.Body, "不是“已完成”") || !strings.Contains(res.Body, "提前办结") {
		t.Fatal("the early close gives no reason or loses the note")
	}
	mustStatus(t, postMultipart(t, jiaoyu, formURL(e.Lead, e.Q1), reportFields("0", "submit", "全部完成", 100, "done",
		fmt.Sprintf("target_%d", e.Target.ID), "93.5")), http.StatusSeeOther, "lead reports done")
	if !strings.Contains(wfText(t, rv.Get("/todo"), ".todo-closable"), "学前教育") {
		t.Fatal("the reviewer's to-do lacks the measure to close")
	}
	res = rv.Get("/supervision")
	if res.Doc(t).Find(fmt.Sprintf(`.closable form[action="%s"]`, closeURL)).Length() != 1 {
		t.Fatal("督办 has no close form for the measure")
	}
	res = rv.PostForm(closeURL, url.Values{"note": {" "}, "closed_on": {"2015-04-02"}})
	mustStatus(t, res, http.StatusUnprocessableEntity, "close without a note")
	if !strings.Contains(res.Body, "请填写办结说明") || !strings.Contains(res.Body, "2015-04-02") {
		t.Fatal("the close form was not shown again with the error and date")
	}
	res = rv.PostForm(closeURL, url.Values{"note": {"入园率达到93.5%,任务完成。"}, "closed_on": {"2015-04-02"}, "back": {fmt.Sprintf("/assignments/%d", e.Lead.ID)}})
	mustStatus(t, res, http.StatusSeeOther, "close")
	res = jiaoyu.Get(fmt.Sprintf("/assignments/%d", e.Lead.ID))
	if !strings.Contains(wfText(t, res, ".closed-note"), "2015-04-02") || !strings.Contains(res.Body, "蓝灯") {
		t.Fatalf("the closed measure's page: %s", wfText(t, res, ".closed-note"))
	}
	if strings.Contains(wfText(t, canlian.Get("/"), "#todo-due"), "学前教育") {
		t.Fatal("a closed measure's reports are still due")
	}
	res = rv.PostForm("/prompts", url.Values{"assignment_id": {fmt.Sprint(e.CoCanlian.ID)}, "back": {"/supervision"}})
	if res.StatusCode != http.StatusSeeOther || e.Count(&model.Prompt{}, "assignment_id = ?", e.CoCanlian.ID) != 4 {
		t.Fatal("a prompt on a closed measure was sent")
	}

	// Reopen needs a reason.
	reopenURL := fmt.Sprintf("/measures/%d/reopen", m.ID)
	mustStatus(t, rv.PostForm(reopenURL, url.Values{"reason": {""}}), http.StatusUnprocessableEntity, "reopen without reason")
	mustStatus(t, rv.PostForm(reopenURL, url.Values{"reason": {"复核发现统计口径有误"}}), http.StatusSeeOther, "reopen")
	res = rv.Get(fmt.Sprintf("/assignments/%d", e.Lead.ID))
	hist := wfText(t, res, ".trail")
	if res.Doc(t).Find(".closed-note").Length() != 0 || !strings.Contains(res.Body, "复核发现统计口径有误") || !strings.Contains(res.Body, "入园率达到93.5%") {
		t.Fatalf("after reopening: %s", hist)
	}
	if res.Doc(t).Find(".close-form").Length() != 1 {
		t.Fatal("the reopened measure has no close form for the reviewer")
	}
}

// TestCatalogHasWorkflowKeys checks every literal catalog key in the
// workflow's views and handlers exists, in both languages.
func TestCatalogHasWorkflowKeys(t *testing.T) {
	keyRe := regexp.MustCompile(`i18n\.T\(ctx, "([a-z0-9_.]+)"|"((?:flow|report|review|evidence|prompt|closure|supervision|inbox|todo|sign|diff|assignment\.page)\.[a-z0-9_.]+)"`)
	var files []string
	for _, g := range []string{"../../views/pages/reports/*", "../../views/pages/assignments/*", "../../views/pages/todo/*",
		"../../views/pages/inbox/*", "../workflow/*.go", "handlers/*.go"} {
		m, _ := filepath.Glob(g)
		files = append(files, m...)
	}
	cat := i18nDefault()
	n := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_templ.go") || strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range keyRe.FindAllStringSubmatch(string(b), -1) {
			k := m[1] + m[2]
			if strings.HasSuffix(k, ".") {
				continue // a prefix completed at run time
			}
			n++
			if !cat.Has(k) {
				t.Errorf("%s: catalog key %q is missing", f, k)
			}
		}
	}
	for _, k := range []string{"report.field.progress_state", "report.field.percent", "report.field.progress", "report.field.problems",
		"report.field.next_steps", "review.decision.approve", "review.decision.return", "closure.action.close", "closure.action.reopen",
		"flow.action.close", "flow.action.reopen", "flow.action.prompt", "inbox.kind.review_waiting", "inbox.kind.report_returned",
		"inbox.kind.report_approved", "inbox.kind.prompt", "inbox.kind.measure_closed", "inbox.kind.measure_reopened"} {
		n++
		if !cat.Has(k) {
			t.Errorf("catalog key %q (built at run time) is missing", k)
		}
	}
	if n < 150 {
		t.Fatalf("only %d keys checked: the scan is broken", n)
	}
}

func i18nDefault() *i18n.Catalog { return i18n.Default() }

// TestPagesInBothLanguages renders every workflow page in zh-CN and en and
// looks for catalog keys shown raw (an unknown key is shown as itself).
func TestPagesInBothLanguages(t *testing.T) {
	e := newFlow(t)
	if err := demo.SeedHistory(context.Background(), e.P.App.Store, evidence.NewLocal(e.P.Config.AttachmentsDir()), e.P.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	var rep model.Report
	e.P.App.DB.W.Where("version_no >= 1").Order("version_no DESC, id").First(&rep)
	var att model.Attachment
	e.P.App.DB.W.First(&att)
	raw := regexp.MustCompile(`\b(?:flow|report|review|evidence|prompt|closure|supervision|inbox|todo|sign|diff|assignment|progress|light|period|nav)\.[a-z_.]+\b`)
	pages := map[string][]string{
		"duchashi": {"/", "/todo", "/supervision", "/supervision?light=red", "/inbox", fmt.Sprintf("/reports/%d", rep.ID),
			fmt.Sprintf("/reports/%d/versions/1", rep.ID), fmt.Sprintf("/assignments/%d", e.Lead.ID), fmt.Sprintf("/assignments/%d", e.OtherLeadCanlian.ID)},
		"jiaoyuju": {"/", "/todo", "/inbox", fmt.Sprintf("/assignments/%d", e.Lead.ID), formURL(e.Lead, e.Periods[3]), fmt.Sprintf("/assignments/%d", e.CoCanlian.ID)},
		"canlian":  {"/", "/todo", "/inbox", fmt.Sprintf("/assignments/%d", e.CoCanlian.ID), formURL(e.CoCanlian, e.Periods[3])},
		"lingdao":  {"/supervision", fmt.Sprintf("/reports/%d", rep.ID), "/inbox"},
	}
	for _, lang := range []string{"zh-CN", "en"} {
		for user, paths := range pages {
			c := e.P.Login(user)
			c.PostForm("/lang", url.Values{"to": {lang}, "back": {"/"}})
			for _, path := range paths {
				res := c.Get(path)
				if res.StatusCode != 200 {
					t.Errorf("%s %s %s = %d", lang, user, path, res.StatusCode)
					continue
				}
				if m := raw.FindAllString(res.Doc(t).Find("body").Text(), 3); len(m) > 0 {
					t.Errorf("%s %s %s shows raw keys %v", lang, user, path, m)
				}
				if lang == "en" && strings.Contains(res.Body, "待办事项") {
					t.Errorf("%s %s still in Chinese", user, path)
				}
			}
		}
	}
}

// TestRemovedFileStaysInHistory: a file taken off a returned report is
// gone from the new version but stays downloadable from the old one, and
// the diff says it was removed.
func TestRemovedFileStaysInHistory(t *testing.T) {
	e := newFlow(t)
	jiaoyu := e.signAll("jiaoyuju")["jiaoyuju"]
	rv := e.P.Login("duchashi")
	form := formURL(e.Lead, e.Q1)
	mustStatus(t, postMultipart(t, jiaoyu, form, reportFields("0", "submit", "第一版", 40, "on_track"),
		upload{"旧表.pdf", evidence.SamplePDF("old")}), http.StatusSeeOther, "v1")
	r := e.Report(e.Lead, e.Q1)
	mustStatus(t, rv.PostForm(fmt.Sprintf("/reports/%d/review", r.ID), url.Values{"decision": {"return"}, "reason": {"换表"},
		"lock_version": {fmt.Sprint(r.LockVersion)}}), http.StatusSeeOther, "return")
	old := e.files(e.Lead, e.Q1)[0]
	res := jiaoyu.Get(form)
	mustStatus(t, postMultipart(t, jiaoyu, form, reportFields(lockOf(t, res), "submit", "第二版", 45, "on_track",
		"remove_file", fmt.Sprint(old.ID)), upload{"新表.pdf", evidence.SamplePDF("new")}), http.StatusSeeOther, "v2")
	if got, err := e.P.App.Store.AttachmentByID(context.Background(), old.ID); err != nil || got.RemovedAt == nil || len(e.blobs()) != 2 {
		t.Fatalf("removed_at %v (%v), %d blobs", got.RemovedAt, err, len(e.blobs()))
	}
	res = rv.Get(fmt.Sprintf("/reports/%d", r.ID))
	if !strings.Contains(wfText(t, res, ".diff-file-removed"), "旧表.pdf") || !strings.Contains(wfText(t, res, ".diff-file-added"), "新表.pdf") {
		t.Fatal("the diff does not show the file change")
	}
	if strings.Contains(wfText(t, res, ".report-content ~ .file-list"), "旧表.pdf") {
		t.Fatal("version 2 still lists the removed file")
	}
	if !strings.Contains(rv.Get(fmt.Sprintf("/reports/%d/versions/1", r.ID)).Body, "旧表.pdf") {
		t.Fatal("version 1 lost its file")
	}
	if res := rv.Get(fmt.Sprintf("/attachments/%d", old.ID)); res.StatusCode != 200 {
		t.Fatalf("the removed file of version 1 = %d", res.StatusCode)
	}
}

// TestUploadWithFormToken: a browser without Sec-Fetch-Site sends the CSRF
// token only in the form, so the CSRF check parses the body first; the
// upload still works.
func TestUploadWithFormToken(t *testing.T) {
	e := newFlow(t)
	c := e.signAll("canlian")["canlian"]
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range map[string]string{"_csrf": c.CSRF(), "lock_version": "0", "action": "save", "progress_state": "on_track", "progress": "表单令牌"} {
		w.WriteField(k, v)
	}
	fw, _ := w.CreateFormFile("files", "令牌.pdf")
	fw.Write(evidence.SamplePDF("token"))
	w.Close()
	res := c.PostRaw(formURL(e.CoCanlian, e.Q1), w.FormDataContentType(), &buf)
	mustStatus(t, res, http.StatusSeeOther, "form-token upload")
	if e.Count(&model.Attachment{}, "name = ?", "令牌.pdf") != 1 || len(e.blobs()) != 1 || e.Report(e.CoCanlian, e.Q1).Progress != "表单令牌" {
		t.Fatal("the upload with a form token was not stored")
	}
	// Without any token the request is refused and nothing is stored.
	var bad bytes.Buffer
	w = multipart.NewWriter(&bad)
	w.WriteField("lock_version", "0")
	fw, _ = w.CreateFormFile("files", "无令牌.pdf")
	fw.Write(evidence.SamplePDF("x"))
	w.Close()
	res = c.PostRaw(formURL(e.CoCanlian, e.Q1), w.FormDataContentType(), &bad)
	if res.StatusCode != http.StatusForbidden || len(e.blobs()) != 1 {
		t.Fatalf("upload without a CSRF token = %d, %d blobs", res.StatusCode, len(e.blobs()))
	}
}
