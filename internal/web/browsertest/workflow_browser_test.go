package browsertest_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"duban/internal/evidence"
	"duban/internal/model"
	"duban/internal/testutil"
	"duban/views/paths"
)

// person is one user in their own browser context (own cookies).
type person struct {
	t    *testing.T
	name string
	ctx  context.Context
	base string
	shot int
}

func newPerson(t *testing.T, browser context.Context, p *testutil.Portal, username string) *person {
	ctx := testutil.LoginSession(t, browser, p, username)
	return &person{t: t, name: username, ctx: ctx, base: p.Server.URL}
}

// do runs actions with a time limit; on failure it saves a screenshot
// when DUBAN_SCREENSHOTS names a folder.
func (u *person) do(actions ...chromedp.Action[chromedp.Void]) {
	u.t.Helper()
	ctx, cancel := context.WithTimeout(u.ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		u.screenshot("failure")
		lctx, lcancel := context.WithTimeout(u.ctx, 5*time.Second)
		defer lcancel()
		loc, _ := chromedp.Run(lctx, chromedp.Location())
		u.t.Fatalf("%s at %s: %v", u.name, loc, err)
	}
}

func (u *person) text(sel string) string {
	u.t.Helper()
	ctx, cancel := context.WithTimeout(u.ctx, 10*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		u.screenshot("text")
		u.t.Fatalf("%s: read %s: %v", u.name, sel, err)
	}
	return s
}

func (u *person) open(path string, ready string) {
	u.t.Helper()
	u.do(chromedp.Navigate(u.base+path), chromedp.WaitVisible(chromedp.CSS(ready)))
	u.screenshot(strings.Trim(strings.ReplaceAll(path, "/", "_"), "_"))
}

// screenshot keeps a picture of the page for a human to look at, when
// DUBAN_SCREENSHOTS names a folder.
func (u *person) screenshot(what string) {
	dir := os.Getenv("DUBAN_SCREENSHOTS")
	if dir == "" {
		return
	}
	ctx, cancel := context.WithTimeout(u.ctx, 10*time.Second)
	defer cancel()
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		return
	}
	u.shot++
	_ = os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s-%02d-%s.png", u.name, u.shot, what)), buf, 0o644)
}

// TestBrowserJourney: a responsible unit signs and submits a report with a
// file → the lead unit approves it and submits its own → the reviewer
// returns it with a reason → the lead revises and resubmits → the reviewer
// sees the change and approves → the dashboards show it. Plain HTML forms
// in a real browser, no JavaScript needed.
func TestBrowserJourney(t *testing.T) {
	browser := testutil.NewBrowser(t)
	e := testutil.NewFlow(t)
	pdfPath := filepath.Join(t.TempDir(), "残联一季度佐证.pdf")
	if err := os.WriteFile(pdfPath, evidence.SamplePDF("canlian evidence"), 0o600); err != nil {
		t.Fatal(err)
	}
	table := filepath.Join(t.TempDir(), "统计报表.png")
	if err := os.WriteFile(table, evidence.SamplePNG(5), 0o600); err != nil {
		t.Fatal(err)
	}
	coForm, leadForm := paths.ReportForm(e.CoCanlian.ID, e.Q1.ID), paths.ReportForm(e.Lead.ID, e.Q1.ID)
	submit := chromedp.CSS(`button[name=action][value=submit]`)

	// 市残联 signs from its dashboard and submits its input with a file.
	canlian := newPerson(t, browser, e.P, "canlian")
	canlian.open("/", "#todo-sign")
	canlian.do(
		chromedp.Click(chromedp.CSS(`#todo-sign button.btn-primary`)), // 全部签收
		chromedp.WaitVisible(chromedp.CSS(`.flash-ok`)),
	)
	canlian.open(coForm, "#progress")
	canlian.do(
		chromedp.Click(chromedp.CSS(`input[name=progress_state][value=on_track]`)),
		chromedp.SetValue(chromedp.ID("percent"), "40"),
		chromedp.SendKeys(chromedp.ID("progress"), "已完成残疾儿童入园摸底,建档126人。"),
		chromedp.SendKeys(chromedp.ID(fmt.Sprintf("target_%d", e.Target.ID)), "88.5"),
		chromedp.SetUploadFiles(chromedp.ID("files"), []string{pdfPath}),
		chromedp.Click(submit),
		chromedp.WaitVisible(chromedp.CSS(`.flash-ok`)),
	)
	canlian.screenshot("submitted")
	if got := canlian.text(`h1 .badge`); got != "已报送" {
		t.Fatalf("after submit the report is %q", got)
	}
	if !strings.Contains(canlian.text(`.report-content`), "建档126人") || !strings.Contains(canlian.text(`.file-list`), "残联一季度佐证.pdf") {
		t.Fatal("the submitted report lacks its text or file")
	}

	// 市教育局 approves the input from its to-do list, then reports.
	jiaoyu := newPerson(t, browser, e.P, "jiaoyuju")
	jiaoyu.open("/", "#todo-inputs")
	jiaoyu.do(
		chromedp.Click(chromedp.CSS(`#todo-inputs a.btn-primary`)),
		chromedp.WaitVisible(chromedp.ID("reason")),
	)
	jiaoyu.screenshot("review-input")
	jiaoyu.do(
		chromedp.Click(chromedp.CSS(`button[name=decision][value=approve]`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash-ok`)),
	)
	jiaoyu.open(fmt.Sprintf("/assignments/%d", e.Lead.ID), ".sign-state")
	jiaoyu.do(
		chromedp.Click(chromedp.CSS(`.sign-state button`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash-ok`)),
	)
	jiaoyu.open(leadForm, ".co-inputs")
	if co := jiaoyu.text(".co-inputs"); !strings.Contains(co, "已审核通过") || !strings.Contains(co, "尚未报送") {
		t.Fatalf("the lead's form shows co-inputs %q", co)
	}
	jiaoyu.do(
		chromedp.Click(chromedp.CSS(`input[name=progress_state][value=on_track]`)),
		chromedp.SetValue(chromedp.ID("percent"), "45"),
		chromedp.SendKeys(chromedp.ID("progress"), "全市新增幼儿园学位2000个。"),
		chromedp.SendKeys(chromedp.ID(fmt.Sprintf("target_%d", e.Target.ID)), "91"),
		chromedp.Click(submit),
		chromedp.WaitVisible(chromedp.CSS(`.flash-ok`)),
	)

	// The supervision office returns it with a reason.
	reason := "入园率数据缺少统计口径说明,请补充统计报表。"
	rv := newPerson(t, browser, e.P, "duchashi")
	rv.open("/todo", ".todo-reviews")
	rv.do(
		chromedp.Click(chromedp.CSS(`.todo-reviews a.btn-primary`)),
		chromedp.WaitVisible(chromedp.ID("reason")),
		chromedp.SendKeys(chromedp.ID("reason"), reason),
		chromedp.Click(chromedp.CSS(`button[name=decision][value=return]`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash-ok`)),
	)
	rv.screenshot("returned")

	// The lead sees the reason, revises and resubmits with a table.
	jiaoyu.open("/", "#todo-returned")
	if !strings.Contains(jiaoyu.text("#todo-returned"), reason) {
		t.Fatal("the lead's dashboard lacks the return reason")
	}
	jiaoyu.do(
		chromedp.Click(chromedp.CSS(`#todo-returned a.btn-primary`)),
		chromedp.WaitVisible(chromedp.CSS(`.returned-note`)),
		chromedp.SetValue(chromedp.ID("progress"), "全市新增幼儿园学位2400个,附统计报表。"),
		chromedp.SetValue(chromedp.ID(fmt.Sprintf("target_%d", e.Target.ID)), "92.5"),
		chromedp.SetValue(chromedp.ID("percent"), "50"),
		chromedp.SetUploadFiles(chromedp.ID("files"), []string{table}),
		chromedp.Click(submit),
		chromedp.WaitVisible(chromedp.CSS(`.flash-ok`)),
	)

	// The reviewer sees what changed and approves.
	rv.open("/todo", ".todo-reviews")
	rv.do(
		chromedp.Click(chromedp.CSS(`.todo-reviews a.btn-primary`)),
		chromedp.WaitVisible(chromedp.CSS(`.diff-card`)),
	)
	rv.screenshot("diff")
	diff := rv.text(".diff-card")
	for _, want := range []string{reason, "2400", "92.5", "统计报表.png"} {
		if !strings.Contains(diff, want) {
			t.Errorf("the reviewer's diff lacks %q: %s", want, diff)
		}
	}
	rv.do(
		chromedp.Click(chromedp.CSS(`button[name=decision][value=approve]`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash-ok`)),
	)
	if got := rv.text(`h1 .badge`); got != "已审核通过" {
		t.Fatalf("after approval the report is %q", got)
	}

	// The dashboards show it.
	rv.open("/todo", "h1")
	if strings.Contains(rv.text("main"), "学前教育") {
		t.Error("the reviewer's to-do still lists the approved report")
	}
	jiaoyu.open("/", ".my-measures")
	if row := jiaoyu.text(".my-measures tbody tr:first-child"); !strings.Contains(row, "学前教育") || !strings.Contains(row, "已审核通过") {
		t.Errorf("the lead's dashboard row = %q", row)
	}
	if r := e.Report(e.Lead, e.Q1); r.State != model.ReportApproved || r.VersionNo != 2 {
		t.Fatalf("stored report = %s v%d", r.State, r.VersionNo)
	}
	if n := e.Count(&model.Attachment{}, "name = ?", "统计报表.png"); n != 1 {
		t.Fatalf("uploaded table stored %d times", n)
	}
}
