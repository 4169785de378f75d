package browsertest_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"duban/internal/clock"
	"duban/internal/evidence"
	"duban/internal/testutil"
)

// TestExtensionAndInstructionJourney in Chromium, plain HTML forms: 台山
// asks for a later deadline of its overdue assignment → the office approves
// another date → the light's reasons and the 台账 export change; a leader
// writes an instruction → the lead unit answers with a file → the leader
// sees the instruction and the answer on the measure's timeline.
func TestExtensionAndInstructionJourney(t *testing.T) {
	browser := testutil.NewBrowser(t)
	e := testutil.NewFlow(t)
	// Past measure 3's date (2015-06-30): 台山's work on it is overdue.
	e.P.Clock.Set(time.Date(2015, 7, 3, 9, 0, 0, 0, clock.Zone))
	m3 := e.F.Measures[2]
	var co3 int64
	as, _ := e.P.App.Store.AssignmentsOf(t.Context(), m3.ID)
	for _, a := range as {
		if a.UnitID == e.F.Units["台山市人民政府"] {
			co3 = a.ID
		}
	}
	asgPath := fmt.Sprintf("/assignments/%d", co3)
	pdfPath := filepath.Join(t.TempDir(), "延期说明.pdf")
	if err := os.WriteFile(pdfPath, evidence.SamplePDF("extension"), 0o600); err != nil {
		t.Fatal(err)
	}

	taishan := newPerson(t, browser, e.P, "taishan")
	taishan.open(asgPath, ".assignment-meta .reasons")
	if r := taishan.text(".assignment-meta .reasons"); !strings.Contains(r, "尚未办结") {
		t.Fatalf("before the extension the reasons are %q", r)
	}
	taishan.do(chromedp.Click(chromedp.CSS(`#deadline a[href$="#extensions"]`)), chromedp.WaitVisible(chromedp.ID("extension-form")))
	taishan.do(
		chromedp.SetValue(chromedp.ID("proposed_on"), "2015-12-31"),
		chromedp.SendKeys(chromedp.ID("ext-reason"), "场地改造涉及招投标，需延后。"),
		chromedp.SetUploadFiles(chromedp.ID("ext-files"), []string{pdfPath}),
		chromedp.Click(chromedp.CSS(`#extension-form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash-ok`)),
	)
	if s := taishan.text("#extensions .extension"); !strings.Contains(s, "待审批") || !strings.Contains(s, "延期说明.pdf") {
		t.Fatalf("the request shows %q", s)
	}

	office := newPerson(t, browser, e.P, "duchashi")
	office.open("/", "#todo-extensions")
	office.do(chromedp.Click(chromedp.CSS(`#todo-extensions a[href^="/measures/"]`)), chromedp.WaitVisible(chromedp.CSS(".approve-form")))
	office.do(
		chromedp.SetValue(chromedp.CSS(`.approve-form input[name=decided_on]`), "2015-09-30"),
		chromedp.Click(chromedp.CSS(`.approve-form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash-ok`)),
	)
	if s := office.text("table.deadlines"); !strings.Contains(s, "2015-09-30") || !strings.Contains(s, "2015-06-30") {
		t.Fatalf("deadlines after approval: %q", s)
	}
	taishan.open(asgPath, ".assignment-meta .reasons")
	if r := taishan.text(".assignment-meta .reasons"); strings.Contains(r, "尚未办结") {
		t.Fatalf("after the extension the reasons still say %q", r)
	}
	if m := taishan.text(".assignment-meta"); !strings.Contains(m, "2015-09-30") {
		t.Fatalf("the assignment's deadline shows %q", m)
	}
	// The 台账 export has both dates.
	x := testutil.XLSX(t, e.P.Login("duchashi").Get("/ledger.xlsx"))
	found := false
	for _, r := range testutil.SheetRows(t, x, "(二)就业保障") {
		if len(r) > 6 && r[3] == "台山市人民政府" {
			found = r[5] == "2015-06-30" && r[6] == "2015-09-30"
		}
	}
	if !found {
		t.Fatalf("the ledger lacks 原定时限/调整后时限 for 台山: %v", testutil.SheetRows(t, x, "(二)就业保障"))
	}

	// 领导批示 on measure 1 (led by 市教育局), answered with a file.
	reply := filepath.Join(t.TempDir(), "落实情况.pdf")
	if err := os.WriteFile(reply, evidence.SamplePDF("reply"), 0o600); err != nil {
		t.Fatal(err)
	}
	m1 := fmt.Sprintf("/measures/%d", e.F.Measures[0].ID)
	leader := newPerson(t, browser, e.P, "lingdao")
	leader.open(m1, "#instruction-form")
	leader.do(
		chromedp.SendKeys(chromedp.ID("instr-body"), "请加快普惠性幼儿园建设，月底前报告进展。"),
		chromedp.SetValue(chromedp.ID("instr-due"), "2015-07-20"),
		chromedp.Click(chromedp.CSS(`#instruction-form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash-ok`)),
	)
	jiaoyu := newPerson(t, browser, e.P, "jiaoyuju")
	jiaoyu.open("/todo", "#todo-instructions")
	jiaoyu.do(chromedp.Click(chromedp.CSS(`#todo-instructions a`)), chromedp.WaitVisible(chromedp.CSS(".answer-form")))
	jiaoyu.do(
		chromedp.SendKeys(chromedp.CSS(".answer-form textarea[name=reply]"), "已新增普惠性幼儿园学位1200个。"),
		chromedp.SetUploadFiles(chromedp.CSS(".answer-form input[type=file]"), []string{reply}),
		chromedp.Click(chromedp.CSS(`.answer-form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash-ok`)),
	)
	jiaoyu.screenshot("answered")
	if s := jiaoyu.text(".flash-ok"); !strings.Contains(s, "落实情况已反馈") {
		t.Fatalf("after the answer: %q", s)
	}
	leader.open(m1+"?unit=#timeline", "#timeline ol.timeline") // a new URL, not just a fragment: reload
	tl := leader.text("#timeline ol.timeline")
	i, j := strings.Index(tl, "请加快普惠性幼儿园建设"), strings.Index(tl, "已新增普惠性幼儿园学位1200个")
	if i < 0 || j < i || !strings.Contains(tl, "落实情况.pdf") {
		t.Fatalf("the leader's timeline: %q", tl)
	}
}
