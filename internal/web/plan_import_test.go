package web_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/text/encoding/simplifiedchinese"

	"duban/internal/demo"
	"duban/internal/model"
	"duban/internal/testutil"
)

func demoPlan() []byte { return demo.JiangmenPlan }

// upload posts the import form as a browser would: multipart, with the
// CSRF token as a form field.
func uploadPlan(t testing.TB, c *testutil.Client, fileName string, content []byte, fields map[string]string) *testutil.Response {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("_csrf", c.CSRF())
	if fields == nil {
		fields = map[string]string{}
	}
	if _, ok := fields["reporting"]; !ok {
		fields["reporting"] = "quarterly"
	}
	if _, ok := fields["due_days"]; !ok {
		fields["due_days"] = "5"
	}
	for k, v := range fields {
		_ = w.WriteField(k, v)
	}
	if fileName != "" || content != nil {
		fw, err := w.CreateFormFile("file", fileName)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(content)
	}
	w.Close()
	req, _ := http.NewRequest(http.MethodPost, "/admin/plans/import", &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return c.Do(req)
}

// confirmForm reads the preview's confirm form as the browser would post
// it; pick chooses the option of each unknown unit's select by its text.
func confirmForm(t *testing.T, doc *goquery.Document, pick map[string]string) url.Values {
	t.Helper()
	form := doc.Find("form.confirm-form")
	if form.Length() != 1 {
		t.Fatal("the preview has no confirm form")
	}
	v := url.Values{}
	form.Find("input").Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		if typ, _ := s.Attr("type"); typ == "checkbox" && s.AttrOr("checked", "-") == "-" {
			return // an unchecked box is not posted
		}
		if name != "" && name != "_csrf" {
			val, _ := s.Attr("value")
			v.Add(name, val)
		}
	})
	form.Find("textarea").Each(func(_ int, s *goquery.Selection) {
		if name, _ := s.Attr("name"); name != "" {
			v.Set(name, strings.TrimPrefix(s.Text(), "\n"))
		}
	})
	form.Find("select").Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		val, _ := s.Find("option[selected]").Attr("value")
		if val == "" {
			val, _ = s.Find("option").First().Attr("value")
		}
		v.Set(name, val)
	})
	for unit, option := range pick {
		found := false
		form.Find("tr").Each(func(_ int, tr *goquery.Selection) {
			if text(tr.Find("td").First()) != unit {
				return
			}
			tr.Find("option").Each(func(_ int, o *goquery.Selection) {
				if text(o) == option {
					name, _ := tr.Find("select").Attr("name")
					val, _ := o.Attr("value")
					v.Set(name, val)
					found = true
				}
			})
		})
		if !found {
			t.Fatalf("no option %q for %q", option, unit)
		}
	}
	return v
}

type storeCounts struct{ plans, units, measures, audit int64 }

func counts(t *testing.T, p *testutil.Portal) storeCounts {
	t.Helper()
	return storeCounts{plans: p.Count(&model.Plan{}, "1 = 1"), units: p.Count(&model.Unit{}, "1 = 1"),
		measures: p.Count(&model.Measure{}, "1 = 1"), audit: p.Count(&model.AuditEvent{}, "action <> ?", "login.ok")}
}

func TestImportUploadPreviewConfirm(t *testing.T) {
	p := testutil.Start(t)
	ctx := context.Background()
	c := p.Login("admin")
	if res := c.Get("/admin/plans/import"); res.StatusCode != http.StatusOK || res.Doc(t).Find(`form[enctype="multipart/form-data"] input[type=file]`).Length() != 1 {
		t.Fatalf("upload form = %d", res.StatusCode)
	}
	before := counts(t, p)

	res := uploadPlan(t, c, "plan.txt", []byte(testutil.SmallPlan), map[string]string{"reporting": "monthly", "due_days": "7"})
	if res.StatusCode != http.StatusOK {
		t.Fatalf("preview = %d: %s", res.StatusCode, text(res.Doc(t).Find(".flash-error, .field-error")))
	}
	doc := res.Doc(t)
	if got := text(doc.Find("h2.preview-title")); got != "测试市公共服务试点方案(2014-2015年)" {
		t.Fatalf("preview title = %q", got)
	}
	if got := text(doc.Find(".preview-counts")); got != "2 个领域、3 项任务、3 个量化指标" {
		t.Fatalf("counts = %q", got)
	}
	var tree []string
	doc.Find(".preview-measure").Each(func(_ int, s *goquery.Selection) { tree = append(tree, text(s.Find("div").First())) })
	if strings.Join(tree, "|") != "(一)1 基本建立普惠性学前教育体系|(一)2 推进九年义务教育均衡发展|(二)1 扩大就业" {
		t.Fatalf("tree = %q", tree)
	}
	if got := text(doc.Find(".preview-targets").First()); got != "学前三年毛入园率 不低于 93% (2015)" {
		t.Fatalf("first target = %q", got)
	}
	units := map[string]string{}
	doc.Find("table.import-units tbody tr").Each(func(_ int, s *goquery.Selection) {
		units[text(s.Find("td").First())] = text(s.Find("td").Eq(1).Contents().Not("select"))
	})
	if units["市教育局"] != "已有单位" || !strings.Contains(units["各市(区)政府"], "7 个单位") ||
		doc.Find("tr.unit-row-unknown").Length() != 2 || doc.Find(".unit-unknown").Length() < 2 {
		t.Fatalf("units = %v, unknown rows %d", units, doc.Find("tr.unit-row-unknown").Length())
	}
	if after := counts(t, p); after != before {
		t.Fatalf("the preview stored something: %+v → %+v", before, after)
	}

	// Confirm: 市人社局 is the existing 市人力资源社会保障局; 市新单位 is created.
	v := confirmForm(t, doc, map[string]string{"市人社局": "对应到：市人力资源社会保障局"})
	if v.Get("reporting") != "monthly" || v.Get("due_days") != "7" {
		t.Fatalf("settings not carried: %v", v)
	}
	res = c.PostForm("/admin/plans/import/confirm", v)
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/plans/") {
		t.Fatalf("confirm = %d → %q: %s", res.StatusCode, res.Header.Get("Location"), text(res.Doc(t).Find(".flash-error, .field-error")))
	}
	planID, _ := strconv.ParseInt(strings.TrimPrefix(res.Header.Get("Location"), "/plans/"), 10, 64)
	pl, err := p.App.Store.PlanByID(ctx, planID)
	if err != nil || pl.Title != "测试市公共服务试点方案(2014-2015年)" || pl.Reporting != "monthly" || pl.DueDays != 7 {
		t.Fatalf("stored plan = %+v, %v", pl, err)
	}
	ms, _ := p.App.Store.MeasuresOf(ctx, planID)
	if len(ms) != 3 {
		t.Fatalf("measures = %d", len(ms))
	}
	as, _ := p.App.Store.AssignmentsOf(ctx, ms[2].ID)
	hr, _ := p.App.Store.UnitByName(ctx, "市人力资源社会保障局")
	fresh, err := p.App.Store.UnitByName(ctx, "市新单位")
	if err != nil || fresh.Confirmed {
		t.Fatalf("new unit = %+v, %v; want created and flagged", fresh, err)
	}
	if len(as) != 2 || as[0].UnitID != hr.ID || as[0].Role != model.AssignLead || as[1].UnitID != fresh.ID {
		t.Fatalf("(二)1 assignments = %+v", as)
	}
	if ev := lastAudit(t, p, "plan.import"); ev.ObjectID != planID || ev.ActorName != "admin" {
		t.Fatalf("import audit = %+v", ev)
	}
	doc = c.Get(res.Header.Get("Location")).Doc(t)
	if !strings.Contains(text(doc.Find(".flash-ok")), "方案已导入") || doc.Find("table.measures tbody tr").Length() != 3 {
		t.Fatalf("plan page after import: %q", text(doc.Find(".flash-ok")))
	}

	// The same document again: nothing to confirm, nothing stored.
	before = counts(t, p)
	res = uploadPlan(t, c, "plan.txt", []byte(testutil.SmallPlan), nil)
	doc = res.Doc(t)
	if res.StatusCode != http.StatusOK || !strings.Contains(text(doc.Find(".reimport")), "完全相同") || doc.Find("form.confirm-form").Length() != 0 {
		t.Fatalf("same document again = %d %q", res.StatusCode, text(doc.Find(".reimport")))
	}

	// A revised document shows its changes and applies them only when
	// confirmed.
	revised := strings.Replace(testutil.SmallPlan, "学前三年毛入园率达到93%", "学前三年毛入园率达到95%", 1)
	revised = strings.Replace(revised, "城镇登记失业率控制在3.2%以内。", "城镇登记失业率控制在3.2%以内。2.援助就业困难人员。", 1)
	res = uploadPlan(t, c, "plan-v2.txt", []byte(revised), nil)
	doc = res.Doc(t)
	diff := text(doc.Find(".reimport .diff"))
	if res.StatusCode != http.StatusOK || !strings.Contains(diff, "新增任务(二)2 援助就业困难人员") || !strings.Contains(diff, "修改的任务(一)1 基本建立普惠性学前教育体系 (原文、指标)") {
		t.Fatalf("diff = %d %q", res.StatusCode, diff)
	}
	if after := counts(t, p); after != before {
		t.Fatalf("previewing a revision stored something: %+v → %+v", before, after)
	}
	ts, _ := p.App.Store.TargetsOf(ctx, ms[0].ID)
	if ts[0].Value != 93 {
		t.Fatal("the revision was applied before confirming")
	}
	v = confirmForm(t, doc, nil)
	if v.Get("apply") != "1" {
		t.Fatalf("the confirm form of a revision does not apply: %v", v)
	}
	res = c.PostForm("/admin/plans/import/confirm", v)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != idPath("/plans/", planID, "") {
		t.Fatalf("apply = %d → %q", res.StatusCode, res.Header.Get("Location"))
	}
	ts, _ = p.App.Store.TargetsOf(ctx, ms[0].ID)
	ms2, _ := p.App.Store.MeasuresOf(ctx, planID)
	if ts[0].Value != 95 || len(ms2) != 4 {
		t.Fatalf("after apply: value %v, %d measures", ts[0].Value, len(ms2))
	}
	if id, _, err := p.App.Store.VerifyAudit(ctx); id != 0 || err != nil {
		t.Fatalf("audit chain broken at %d: %v", id, err)
	}
}

func TestImportByPastedTextAndGBK(t *testing.T) {
	p := testutil.Start(t)
	c := p.Login("admin")
	// Pasted text (a browser sends CRLF line ends from a textarea).
	res := uploadPlan(t, c, "", nil, map[string]string{"text": strings.ReplaceAll(testutil.SmallPlan, "\n", "\r\n")})
	if res.StatusCode != http.StatusOK || text(res.Doc(t).Find("h2.preview-title")) != "测试市公共服务试点方案(2014-2015年)" {
		t.Fatalf("pasted preview = %d %q", res.StatusCode, text(res.Doc(t).Find(".flash-error, .field-error")))
	}
	// A GBK file is converted, with a notice, and imports with the right
	// characters.
	gbk, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(strings.ReplaceAll(testutil.SmallPlan, "测试市", "样例市")))
	if err != nil {
		t.Fatal(err)
	}
	res = uploadPlan(t, c, "plan-gbk.txt", gbk, nil)
	doc := res.Doc(t)
	if res.StatusCode != http.StatusOK || !strings.Contains(text(doc.Find(".notice")), "GBK") ||
		text(doc.Find("h2.preview-title")) != "样例市公共服务试点方案(2014-2015年)" {
		t.Fatalf("GBK preview = %d notice %q title %q", res.StatusCode, text(doc.Find(".notice")), text(doc.Find("h2.preview-title")))
	}
	res = c.PostForm("/admin/plans/import/confirm", confirmForm(t, doc, nil))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("GBK confirm = %d", res.StatusCode)
	}
	doc = c.Get(res.Header.Get("Location")).Doc(t)
	if got := text(doc.Find("h1")); got != "样例市公共服务试点方案(2014-2015年)" {
		t.Fatalf("imported GBK title = %q", got)
	}
}

func TestImportRefusesBadInputAndStoresNothing(t *testing.T) {
	p := testutil.Start(t)
	c := p.Login("admin")
	before := counts(t, p)
	big := bytes.Repeat([]byte("一二三四五六七八九十"), (3<<20)/30+1) // 3 MB of text
	cases := []struct {
		name    string
		file    string
		content []byte
		fields  map[string]string
		status  int
		where   string // element with the message
		want    string
	}{
		{"empty file", "plan.txt", []byte{}, nil, 422, "#file-error", "文件是空的"},
		{"blank file", "plan.txt", []byte(" \r\n\t \n"), nil, 422, "#file-error", "文件是空的"},
		{"nothing at all", "", nil, nil, 422, ".flash-error", "请选择方案文件"},
		{"blank paste", "", nil, map[string]string{"text": "  \n "}, 422, ".flash-error", "请选择方案文件"},
		{"PNG image", "plan.png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00"), nil, 422, "#file-error", "这是图片"},
		{"broken zip", "plan.docx", append([]byte("PK\x03\x04"), bytes.Repeat([]byte{0, 1, 2}, 100)...), nil, 422, "#file-error", "既不是 .docx 也不是 .xlsx"},
		{"Word 97-2003 document", "plan.doc", append([]byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"), bytes.Repeat([]byte{0}, 600)...), nil, 422, "#file-error", "另存为 .docx"},
		{"WPS document named .txt", "plan.txt", append([]byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"), bytes.Repeat([]byte{1}, 600)...), nil, 422, "#file-error", ".doc/.wps"},
		{"PDF", "plan.pdf", []byte("%PDF-1.7\n1 0 obj"), nil, 422, "#file-error", "PDF"},
		{"no structure", "news.txt", []byte("今天天气很好。我们去公园散步,看到了很多花。"), nil, 422, "#file-error", "没有识别出方案结构"},
		{"pasted news", "", nil, map[string]string{"text": "今天天气很好。我们去公园散步。"}, 422, "#text-error", "没有识别出方案结构"},
		{"file and text", "plan.txt", []byte(testutil.SmallPlan), map[string]string{"text": testutil.SmallPlan}, 422, ".flash-error", "不要同时提供"},
		{"bad settings", "plan.txt", []byte(testutil.SmallPlan), map[string]string{"reporting": "weekly", "due_days": "0"}, 422, "#due_days-error", "1–60"},
		{"3 MB text", "plan.txt", big, nil, 413, "#file-error", "不能超过 2 MB"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := uploadPlan(t, c, tc.file, tc.content, tc.fields)
			if res.StatusCode != tc.status {
				t.Fatalf("status = %d, want %d", res.StatusCode, tc.status)
			}
			doc := res.Doc(t)
			if got := text(doc.Find(tc.where)); !strings.Contains(got, tc.want) {
				t.Fatalf("%s = %q, want %q", tc.where, got, tc.want)
			}
			if doc.Find("form.import-form").Length() != 1 {
				t.Fatal("the upload form is not shown again")
			}
			if v := doc.Find("#text").Text(); tc.fields["text"] != "" && strings.TrimSpace(v) != strings.TrimSpace(tc.fields["text"]) {
				t.Fatalf("pasted text lost: %q", v)
			}
		})
	}
	t.Run("50 MB upload", func(t *testing.T) {
		res := uploadPlan(t, c, "huge.txt", bytes.Repeat([]byte("a"), 50<<20), nil)
		if res.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(res.Body, "上传内容过大") {
			t.Fatalf("50 MB = %d", res.StatusCode)
		}
	})
	if after := counts(t, p); after != before {
		t.Fatalf("bad input stored something: %+v → %+v", before, after)
	}
}

func TestImportConfirmChecksItsInput(t *testing.T) {
	p := testutil.Start(t)
	c := p.Login("admin")
	doc := uploadPlan(t, c, "plan.txt", []byte(testutil.SmallPlan), nil).Doc(t)
	before := counts(t, p)
	good := confirmForm(t, doc, nil)
	firstUnknown, _ := doc.Find("form.confirm-form select").First().Attr("name")
	cases := []struct {
		name   string
		set    map[string]string
		status int
	}{
		{"payload not base64", map[string]string{"payload": "%%%"}, 422},
		{"payload altered", map[string]string{"payload": "5LuK5aSp5aSp5rCU5b6I5aW944CC"}, 422}, // 今天天气很好。
		{"sha does not match", map[string]string{"sha256": strings.Repeat("0", 64)}, 422},
		{"unit that does not exist", map[string]string{firstUnknown: "99999"}, 422},
		{"unit choice not a number", map[string]string{firstUnknown: "x"}, 422},
		{"bad cycle", map[string]string{"reporting": "yearly"}, 422},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v := url.Values{}
			for k, x := range good {
				v[k] = append([]string(nil), x...)
			}
			for k, x := range tc.set {
				v.Set(k, x)
			}
			if res := c.PostForm("/admin/plans/import/confirm", v); res.StatusCode != tc.status {
				t.Fatalf("status = %d, want %d", res.StatusCode, tc.status)
			}
		})
	}
	if after := counts(t, p); after != before {
		t.Fatalf("a refused confirm stored something: %+v → %+v", before, after)
	}
	// Only admins may import.
	for _, who := range []string{"duchashi", "lingdao", "jiaoyuju"} {
		u := p.Login(who)
		if res := u.Get("/admin/plans/import"); res.StatusCode != http.StatusForbidden {
			t.Errorf("%s GET import = %d", who, res.StatusCode)
		}
		if res := uploadPlan(t, u, "plan.txt", []byte(testutil.SmallPlan), nil); res.StatusCode != http.StatusForbidden {
			t.Errorf("%s upload = %d", who, res.StatusCode)
		}
		if res := u.PostForm("/admin/plans/import/confirm", good); res.StatusCode != http.StatusForbidden {
			t.Errorf("%s confirm = %d", who, res.StatusCode)
		}
	}
	if after := counts(t, p); after.plans != before.plans || after.units != before.units {
		t.Fatal("a refused role imported the plan")
	}
	// The untouched form still imports (with the admin's own CSRF token:
	// PostForm filled in the last refused user's).
	good.Del("_csrf")
	if res := c.PostForm("/admin/plans/import/confirm", good); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("good confirm = %d", res.StatusCode)
	}
}
