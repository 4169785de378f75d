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
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"duban/internal/model"
	"duban/internal/storage"
	"duban/internal/testutil"
)

// flowEnv is a portal with the fixture plan: measure 1 (学前教育) is led by
// 市教育局 (jiaoyuju) with 市残联 (canlian) and 台山 (taishan) responsible.
type flowEnv struct {
	t                *testing.T
	p                *testutil.Portal
	f                *testutil.Fixture
	periods          []model.Period
	q1               model.Period // 2015Q1, due 2015-04-05
	lead, coCanlian  model.Assignment
	coTaishan        model.Assignment
	target           model.Target     // 学前三年毛入园率 >= 93 %
	otherLeadCanlian model.Assignment // measure 3, led by 市残联
}

func newFlow(t *testing.T) *flowEnv {
	t.Helper()
	p := testutil.Start(t)
	st := p.App.Store
	e := &flowEnv{t: t, p: p, f: testutil.SeedFixture(t, st)}
	ctx := context.Background()
	e.periods, _ = st.PeriodsOf(ctx, e.f.Plan.ID)
	e.q1 = e.periods[2]
	as, _ := st.AssignmentsOf(ctx, e.f.Measures[0].ID)
	for _, a := range as {
		switch a.UnitID {
		case e.f.Units["市教育局"]:
			e.lead = a
		case e.f.Units["市残联"]:
			e.coCanlian = a
		case e.f.Units["台山市人民政府"]:
			e.coTaishan = a
		}
	}
	ts, _ := st.TargetsOf(ctx, e.f.Measures[0].ID)
	e.target = ts[0]
	as3, _ := st.AssignmentsOf(ctx, e.f.Measures[2].ID)
	for _, a := range as3 {
		if a.Role == model.AssignLead {
			e.otherLeadCanlian = a
		}
	}
	return e
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

func (e *flowEnv) report(a model.Assignment, p model.Period) *model.Report {
	e.t.Helper()
	r, err := e.p.App.Store.ReportOf(context.Background(), a.ID, p.ID)
	if err != nil {
		e.t.Fatalf("report of assignment %d: %v", a.ID, err)
	}
	return r
}

func (e *flowEnv) count(m any, where string, args ...any) int64 {
	var n int64
	e.p.App.DB.W.Model(m).Where(where, args...).Count(&n)
	return n
}

// blobs lists the files in the attachments folder.
func (e *flowEnv) blobs() []string {
	var out []string
	filepath.Walk(e.p.Config.AttachmentsDir(), func(p string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			out = append(out, p)
		}
		return nil
	})
	return out
}

func text(t *testing.T, res *testutil.Response, sel string) string {
	t.Helper()
	return strings.TrimSpace(res.Doc(t).Find(sel).Text())
}

var _ = io.EOF
var _ = storage.SamplePDF

// TestJourney walks the whole workflow through the router: sign → draft →
// submit by a responsible unit → the lead unit approves the input → the
// lead submits the official report → the reviewer returns it with a
// reason → the lead revises and resubmits → the reviewer sees the change
// and approves → to-do lists and dashboards follow.
func TestJourney(t *testing.T) {
	e := newFlow(t)
	canlian, jiaoyu, rv := e.p.Login("canlian"), e.p.Login("jiaoyuju"), e.p.Login("duchashi")

	// 市残联 sees the assignment to sign for on its dashboard.
	res := canlian.Get("/")
	mustStatus(t, res, 200, "unit dashboard")
	if !strings.Contains(text(t, res, "#todo-sign"), "学前教育") {
		t.Fatal("the to-sign list lacks 学前教育")
	}
	before := text(t, res, ".main-nav a[href='/todo'] .nav-count")
	if before == "" {
		t.Fatal("no to-do count in the navigation")
	}

	// Reporting before signing is refused with a sign button on the form.
	form := formURL(e.coCanlian, e.q1)
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
	res = canlian.PostForm(fmt.Sprintf("/assignments/%d/sign", e.coCanlian.ID), url.Values{"back": {form}})
	mustStatus(t, res, http.StatusSeeOther, "sign")
	if res.Header.Get("Location") != form {
		t.Fatalf("sign returned to %q", res.Header.Get("Location"))
	}
	a, _ := e.p.App.Store.AssignmentByID(context.Background(), e.coCanlian.ID)
	if a.SignedAt == nil || a.SignedBy == nil {
		t.Fatal("signing recorded no time or user")
	}

	// Draft with evidence, then submit.
	res = canlian.Get(form)
	lock := lockOf(t, res)
	if lock != "0" {
		t.Fatalf("a new form has lock %s", lock)
	}
	pdf := storage.SamplePDF("canlian Q1 evidence")
	res = postMultipart(t, canlian, form, reportFields(lock, "save", "已完成残疾儿童入园摸底。", 30, "on_track",
		fmt.Sprintf("target_%d", e.target.ID), "88"), upload{"残联一季度佐证.pdf", pdf})
	mustStatus(t, res, http.StatusSeeOther, "save draft")
	r := e.report(e.coCanlian, e.q1)
	if r.State != model.ReportDraft || r.Percent != 30 || e.count(&model.Attachment{}, "report_id = ?", r.ID) != 1 {
		t.Fatalf("draft = %s %d%%", r.State, r.Percent)
	}
	res = canlian.Get(form)
	if v, _ := res.Doc(t).Find(fmt.Sprintf("#target_%d", e.target.ID)).Attr("value"); v != "88" {
		t.Fatalf("target value in the form = %q", v)
	}
	if !strings.Contains(res.Body, "残联一季度佐证.pdf") {
		t.Fatal("the uploaded file is not listed")
	}
	res = postMultipart(t, canlian, form, reportFields(lockOf(t, res), "submit", "已完成残疾儿童入园摸底,建档126人。", 40, "on_track",
		fmt.Sprintf("target_%d", e.target.ID), "88.5"))
	mustStatus(t, res, http.StatusSeeOther, "submit input")
	m := reportIDRe.FindStringSubmatch(res.Header.Get("Location"))
	if m == nil {
		t.Fatalf("submit went to %q", res.Header.Get("Location"))
	}
	inputURL := res.Header.Get("Location")
	r = e.report(e.coCanlian, e.q1)
	if r.State != model.ReportSubmitted || r.VersionNo != 1 || e.count(&model.ReportVersion{}, "report_id = ?", r.ID) != 1 {
		t.Fatalf("submitted = %s v%d", r.State, r.VersionNo)
	}
	// Submitted reports are locked for the unit.
	res = canlian.Get(form)
	mustStatus(t, res, http.StatusSeeOther, "form of a submitted report")

	// The lead unit is told and reviews the input.
	jiaoyuUser, _ := e.p.App.Store.UserByUsername(context.Background(), "jiaoyuju")
	if e.count(&model.Notification{}, "user_id = ? AND kind = ? AND object_id = ?", jiaoyuUser.ID, "review_waiting", r.ID) != 1 {
		t.Fatal("the lead unit was not notified")
	}
	res = jiaoyu.Get("/todo")
	if !strings.Contains(text(t, res, "#todo-inputs"), "市残联") {
		t.Fatal("the lead's to-do lacks the co-unit input")
	}
	res = jiaoyu.Get(inputURL)
	mustStatus(t, res, 200, "lead views the input")
	if res.Doc(t).Find("#review form").Length() != 1 {
		t.Fatal("the lead unit has no review form")
	}
	res = jiaoyu.PostForm(inputURL+"/review", url.Values{"decision": {"approve"}, "lock_version": {fmt.Sprint(r.LockVersion)}})
	mustStatus(t, res, http.StatusSeeOther, "lead approves input")
	if e.report(e.coCanlian, e.q1).State != model.ReportApproved {
		t.Fatal("input not approved")
	}
	// Co-units' evidence is downloadable by the lead once submitted.
	atts, _ := e.p.App.Store.AttachmentsOf(context.Background(), []int64{r.ID})
	res = jiaoyu.Get(fmt.Sprintf("/attachments/%d", atts[0].ID))
	mustStatus(t, res, 200, "lead downloads co-unit evidence")
	if !bytes.Equal([]byte(res.Body), pdf) {
		t.Fatal("downloaded file differs")
	}

	// The lead signs and writes the official report, seeing its co-units.
	jiaoyu.PostForm(fmt.Sprintf("/assignments/%d/sign", e.lead.ID), nil)
	leadForm := formURL(e.lead, e.q1)
	res = jiaoyu.Get(leadForm)
	mustStatus(t, res, 200, "lead form")
	co := text(t, res, ".co-inputs")
	if !strings.Contains(co, "市残联") || !strings.Contains(co, "台山市人民政府") || !strings.Contains(co, "尚未报送") ||
		!strings.Contains(co, "已报送 1 家,共 2 家") {
		t.Fatalf("co-inputs panel = %q", co)
	}
	res = postMultipart(t, jiaoyu, leadForm, reportFields(lockOf(t, res), "submit", "全市新增幼儿园学位2000个。", 45, "on_track",
		fmt.Sprintf("target_%d", e.target.ID), "91"), upload{"教育局汇总.pdf", storage.SamplePDF("summary")})
	mustStatus(t, res, http.StatusSeeOther, "lead submits")
	official := e.report(e.lead, e.q1)
	officialURL := fmt.Sprintf("/reports/%d", official.ID)
	res = rv.Get("/todo")
	if !strings.Contains(text(t, res, ".todo-reviews"), "市教育局") {
		t.Fatal("the reviewer's to-do lacks the official report")
	}

	// The reviewer returns it: a reason is required.
	res = rv.Get(officialURL)
	mustStatus(t, res, 200, "reviewer views")
	if !strings.Contains(text(t, res, ".co-inputs"), "市残联") {
		t.Fatal("the reviewer does not see the co-unit inputs")
	}
	res = rv.PostForm(officialURL+"/review", url.Values{"decision": {"return"}, "reason": {"  "}, "lock_version": {fmt.Sprint(official.LockVersion)}})
	mustStatus(t, res, http.StatusUnprocessableEntity, "return without reason")
	if !strings.Contains(res.Body, "退回时请填写原因") || e.report(e.lead, e.q1).State != model.ReportSubmitted {
		t.Fatal("a return without a reason was not refused clearly")
	}
	reason := "入园率数据缺少统计口径说明,请补充统计报表。"
	res = rv.PostForm(officialURL+"/review", url.Values{"decision": {"return"}, "reason": {reason}, "lock_version": {fmt.Sprint(official.LockVersion)}})
	mustStatus(t, res, http.StatusSeeOther, "return")
	if e.report(e.lead, e.q1).State != model.ReportReturned {
		t.Fatal("not returned")
	}
	if e.count(&model.Notification{}, "user_id = ? AND kind = ?", jiaoyuUser.ID, "report_returned") != 1 {
		t.Fatal("the lead unit was not told of the return")
	}
	res = jiaoyu.Get("/")
	if !strings.Contains(text(t, res, "#todo-returned"), reason) {
		t.Fatal("the lead's dashboard lacks the returned report and its reason")
	}

	// The lead revises and resubmits.
	res = jiaoyu.Get(leadForm)
	mustStatus(t, res, 200, "returned form")
	if !strings.Contains(text(t, res, ".returned-note"), reason) {
		t.Fatal("the form does not show the return reason")
	}
	res = postMultipart(t, jiaoyu, leadForm, reportFields(lockOf(t, res), "submit", "全市新增幼儿园学位2400个,附统计报表。", 50, "on_track",
		fmt.Sprintf("target_%d", e.target.ID), "92.5"), upload{"统计报表.png", storage.SamplePNG(3)})
	mustStatus(t, res, http.StatusSeeOther, "resubmit")
	official = e.report(e.lead, e.q1)
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
	if e.report(e.lead, e.q1).State != model.ReportApproved {
		t.Fatal("not approved")
	}
	// Both versions stay viewable; approved reports are locked.
	res = rv.Get(officialURL + "/versions/1")
	mustStatus(t, res, 200, "version 1")
	if !strings.Contains(res.Body, "全市新增幼儿园学位2000个") {
		t.Fatal("version 1 lost its content")
	}
	res = postMultipart(t, jiaoyu, leadForm, reportFields(fmt.Sprint(e.report(e.lead, e.q1).LockVersion), "save", "改动", 60, "on_track"))
	mustStatus(t, res, http.StatusConflict, "edit an approved report")
	if e.report(e.lead, e.q1).Progress == "改动" {
		t.Fatal("an approved report was changed")
	}

	// To-do lists and dashboards follow.
	if strings.Contains(rv.Get("/todo").Body, "学前教育") {
		t.Error("the reviewer's to-do still lists the approved report")
	}
	res = jiaoyu.Get("/")
	if strings.Contains(text(t, res, "#todo-returned"), "学前教育") || strings.Contains(text(t, res, "#todo-inputs"), "学前教育") {
		t.Error("the lead's to-do still lists the finished work")
	}
	row := res.Doc(t).Find(".my-measures tr").FilterFunction(func(_ int, s *goquery.Selection) bool {
		return strings.Contains(s.Text(), "学前教育")
	})
	if !strings.Contains(row.Text(), "已审核通过") {
		t.Errorf("the dashboard row of 学前教育 = %q", row.Text())
	}
	if id, _, err := e.p.App.Store.VerifyAudit(context.Background()); id != 0 || err != nil {
		t.Fatalf("audit chain broken at %d: %v", id, err)
	}
	var actions []string
	e.p.App.DB.W.Model(&model.AuditEvent{}).Where("object_type = ? AND object_id = ?", "report", official.ID).Order("id").Pluck("action", &actions)
	if strings.Join(actions, ",") != "report.submit,report.return,report.submit,report.approve" {
		t.Fatalf("audit of the official report = %v", actions)
	}
}
