package bulletin_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"duban/internal/bulletin/bulletintest"
	"duban/internal/figures/figurestest"
	"duban/internal/testutil"
)

// TestBulletinJourney: in Chromium the office drafts the 2014年第4季度
// bulletin from the list's form, edits its text, saves and publishes it;
// a unit finds it in its inbox, opens it, sees it in /bulletins and
// downloads the .docx, which the test opens to check its headings and the
// on-time ranking table (the scenario's known figures).
func TestBulletinJourney(t *testing.T) {
	p := testutil.Start(t, testutil.DemoWithoutPlan())
	f, h := figurestest.Scenario(t, p.App.Store)
	period := strconv.FormatInt(f.Plan.ID, 10) + ":" + strconv.FormatInt(h.Periods["2014Q4"].ID, 10)
	browserCtx := testutil.NewBrowser(t)
	shots := os.Getenv("DUBAN_SCREENSHOTS")
	shot := func(tab context.Context, name string) {
		if shots != "" {
			_ = testutil.Screenshot(tab, filepath.Join(shots, "bulletin-"+name+".png"))
		}
	}
	run := func(tab context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		ctx, cancel := context.WithTimeout(tab, 30*time.Second)
		defer cancel()
		if err := chromedp.Do(ctx, steps...); err != nil {
			shot(tab, "failure")
			t.Fatalf("%s: %v", what, err)
		}
	}
	text := func(tab context.Context, sel string) string {
		t.Helper()
		s, err := chromedp.Run(tab, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("read %s: %v", sel, err)
		}
		return s
	}

	// The office drafts, edits, saves and publishes.
	office := testutil.NewSession(t, browserCtx)
	if err := testutil.Login(office, p.Server.URL, "duchashi", p.App.DemoPassword); err != nil {
		t.Fatal(err)
	}
	const title = "关于2014年第四季度督查督办情况的通报"
	run(office, "draft",
		chromedp.Navigate(p.Server.URL+"/bulletins"),
		chromedp.SetValue(chromedp.ID("bul-period"), period),
		chromedp.Click(chromedp.CSS(`form.bulletin-new button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`form.bulletin-form`)))
	if got := text(office, "table.bulletin-ranking tbody tr:first-child"); !strings.Contains(got, figurestest.Taishan) {
		t.Fatalf("the preview's first rank is %q", got)
	}
	run(office, "edit and save",
		chromedp.SetValue(chromedp.ID("title"), title),
		chromedp.SetValue(chromedp.ID("praise"), "台山市人民政府三项报告全部按时报送，予以表扬。"),
		chromedp.Click(chromedp.CSS(`form.bulletin-form button:not([formaction])`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash-ok`)))
	shot(office, "edit")
	run(office, "publish",
		chromedp.Click(chromedp.CSS(`form.bulletin-form button[formaction$="/publish"]`)))
	// The draft shows a number placeholder in the same place: wait for the
	// published page's number, not for the element.
	got := ""
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		// Reads may fail while the page is being replaced: try again.
		read, cancel := context.WithTimeout(office, 2*time.Second)
		s, err := chromedp.Run(read, chromedp.Text(chromedp.CSS("article.bulletin .bulletin-number")))
		cancel()
		if err == nil {
			if got = s; strings.Contains(got, "〔") {
				break
			}
		}
	}
	if got != "督查通报〔2015〕第1期" {
		t.Fatalf("number %q", got)
	}
	shot(office, "published")

	// A unit finds it in the inbox and opens it.
	unit := testutil.NewSession(t, browserCtx)
	if err := testutil.Login(unit, p.Server.URL, "canlian", p.App.DemoPassword); err != nil {
		t.Fatal(err)
	}
	run(unit, "inbox",
		chromedp.Navigate(p.Server.URL+"/inbox"),
		chromedp.WaitVisible(chromedp.CSS(`li.kind-bulletin_published`)),
		chromedp.Click(chromedp.CSS(`li.kind-bulletin_published button[name=open]`)),
		chromedp.WaitVisible(chromedp.CSS(`article.bulletin h1.bulletin-title`)))
	if got := text(unit, "h1.bulletin-title"); got != title {
		t.Fatalf("the unit sees %q", got)
	}
	if got := text(unit, "section.sec-praise"); !strings.Contains(got, "三项报告全部按时报送") {
		t.Fatalf("praise on the unit's page: %q", got)
	}
	loc, err := chromedp.Run(unit, chromedp.Location())
	if err != nil || !strings.Contains(loc, "/bulletins/") {
		t.Fatalf("the inbox opened %q %v", loc, err)
	}
	run(unit, "list",
		chromedp.Navigate(p.Server.URL+"/bulletins"),
		chromedp.WaitVisible(chromedp.CSS(`table.bulletin-list`)))
	if got := text(unit, "table.bulletin-list tbody"); !strings.Contains(got, "督查通报〔2015〕第1期") || !strings.Contains(got, title) {
		t.Fatalf("the unit's list: %q", got)
	}

	// …and downloads the Word file.
	dir := t.TempDir()
	dctx, cancel := context.WithTimeout(unit, 30*time.Second)
	defer cancel()
	progress := chromedp.BrowserEvents(dctx, browser.DownloadProgress)
	run(unit, "download",
		chromedp.Navigate(loc),
		chromedp.WaitVisible(chromedp.CSS(`a[href$="/docx"]`)),
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			// The tab is a browser context of its own (its own cookies):
			// downloads are allowed for that context.
			_, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
				Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir, EventsEnabled: new(true),
				BrowserContextID: chromedp.FromContext(ctx).BrowserContextID})
			return err
		}),
		chromedp.Click(chromedp.CSS(`a[href$="/docx"]`)))
	var file string
	for ev, err := range progress {
		if err != nil {
			t.Fatalf("download: %v", err)
		}
		if ev.State == browser.DownloadProgressStateCompleted {
			file = filepath.Join(dir, ev.GUID)
			break
		}
		if ev.State == browser.DownloadProgressStateCanceled {
			t.Fatal("download canceled")
		}
	}
	if file == "" {
		t.Fatal("no download within 30 s")
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	d := bulletintest.Read(t, b)
	heads := d.Headings()
	want := []string{title, "一、总体情况", "二、按时报送情况（按单位排名）", "三、红灯事项及原因", "四、本期办结事项",
		"五、本期批准延期事项", "六、领导批示未反馈事项", "七、表扬", "八、通报批评", "九、下步要求"}
	if !slices.Equal(heads, want) {
		t.Fatalf("docx headings %q, want %q", heads, want)
	}
	if len(d.Tables) == 0 {
		t.Fatal("the docx has no tables")
	}
	wantRank := [][]string{
		{"排名", "单位", "应报", "已报", "按时", "按时报送率"},
		{"1", figurestest.Taishan, "3", "3", "3", "100.0%"},
		{"2", figurestest.Edu, "2", "1", "1", "50.0%"},
		{"3", figurestest.Disabled, "3", "2", "1", "33.3%"},
	}
	if !slices.EqualFunc(d.Tables[0], wantRank, slices.Equal) {
		t.Fatalf("docx ranking %q, want %q", d.Tables[0], wantRank)
	}
	praised := false
	for _, para := range d.Paras {
		praised = praised || para.Text == "台山市人民政府三项报告全部按时报送，予以表扬。"
	}
	if !praised {
		t.Fatal("the docx lacks the edited praise")
	}
}
