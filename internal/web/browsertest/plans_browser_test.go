package browsertest_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"duban/internal/testutil"
	"duban/views/paths"
)

// TestPlanImportInTheBrowser imports a plan in headless Chromium the way an
// admin would, without JavaScript help: choose the file, preview, map an
// unknown unit name with the select, confirm; then reads the plan, a
// measure and its edit form. DUBAN_SCREENSHOTS=dir keeps screenshots.
func TestPlanImportInTheBrowser(t *testing.T) {
	p := testutil.Start(t)
	browser := testutil.NewBrowser(t)
	ctx := testutil.LoginSession(t, browser, p, "admin")
	ctx, cancel := context.WithTimeout(ctx, 3*testutil.BrowserTimeout)
	defer cancel()
	shots := os.Getenv("DUBAN_SCREENSHOTS")
	shot := func(name string) {
		if shots != "" {
			if err := testutil.Screenshot(ctx, filepath.Join(shots, name+".png")); err != nil {
				t.Error(err)
			}
		}
	}
	file := filepath.Join(t.TempDir(), "测试方案.txt")
	if err := os.WriteFile(file, []byte(testutil.SmallPlan), 0o644); err != nil {
		t.Fatal(err)
	}
	err := chromedp.Do(ctx,
		chromedp.Navigate(p.Server.URL+"/admin/plans/import"),
		chromedp.WaitVisible(chromedp.CSS("#file")),
		chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{file}),
		chromedp.SetValue(chromedp.CSS("#reporting"), "monthly"),
	)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS("form.import-form button[type=submit]"))); err != nil {
		t.Fatal(err)
	}
	h1, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main h1")))
	if err != nil || h1 != "导入预览" {
		t.Fatalf("after upload: h1 %q, %v", h1, err)
	}
	shot("plan-import-preview")

	// 市人社局 is the fourth name of the document: map it to the bureau.
	hr := testutil.UnitNamed(t, p, "市人力资源社会保障局")
	name, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(`input[name="unit_name_3"]`)))
	if err != nil || name != "市人社局" {
		t.Fatalf("fourth unit name = %q, %v", name, err)
	}
	if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS("#unit_3"), strconv.FormatInt(hr.ID, 10))); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS("form.confirm-form button.btn-primary"))); err != nil {
		t.Fatal(err)
	}
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	flash, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(".flash-ok")))
	h1, _ = chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main h1")))
	if !strings.Contains(loc, "/plans/") || h1 != "测试市公共服务试点方案(2014-2015年)" || !strings.Contains(flash, "方案已导入") {
		t.Fatalf("after confirm: %s, h1 %q, flash %q", loc, h1, flash)
	}
	shot("plan-page")
	planID, _ := strconv.ParseInt(loc[strings.LastIndex(loc, "/")+1:], 10, 64)
	pl, err := p.App.Store.PlanByID(context.Background(), planID)
	if err != nil || pl.Reporting != "monthly" {
		t.Fatalf("stored plan %+v, %v", pl, err)
	}
	if u, err := p.App.Store.UnitByAlias(context.Background(), "市人社局"); err != nil || u.ID != hr.ID {
		t.Fatalf("市人社局 → %+v, %v", u, err)
	}

	// The first measure: its target marked in the text; then its edit form.
	ms, _ := p.App.Store.MeasuresOf(context.Background(), planID)
	if err := chromedp.Do(ctx, chromedp.Navigate(p.Server.URL+paths.Measure(ms[0].ID))); err != nil {
		t.Fatal(err)
	}
	mark, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("mark.target")))
	if err != nil || mark != "学前三年毛入园率达到93%" {
		t.Fatalf("marked target = %q, %v", mark, err)
	}
	shot("measure-page")
	if err := chromedp.Do(ctx, chromedp.Navigate(p.Server.URL+paths.MeasureEdit(ms[0].ID)),
		chromedp.WaitVisible(chromedp.CSS("#title"))); err != nil {
		t.Fatal(err)
	}
	shot("measure-edit")
}
