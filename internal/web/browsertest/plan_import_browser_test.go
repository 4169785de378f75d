package browsertest_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"duban/internal/testutil"
)

// TestPlanImportDocxInTheBrowser uploads a .docx 分工方案 in headless
// Chromium and reads the preview as the admin sees it: deadlines with
// their phrase, the inherited-units badge, translated warnings, the text to
// correct. DUBAN_SCREENSHOTS=dir keeps a screenshot.
func TestPlanImportDocxInTheBrowser(t *testing.T) {
	p := testutil.Start(t)
	browser := testutil.NewBrowser(t)
	ctx := testutil.LoginSession(t, browser, p, "admin")
	ctx, cancel := context.WithTimeout(ctx, 3*testutil.BrowserTimeout)
	defer cancel()
	file := filepath.Join(t.TempDir(), "分工方案.docx")
	if err := os.WriteFile(file, testutil.DividedPlanDocx(), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx,
		chromedp.Navigate(p.Server.URL+"/admin/plans/import"),
		chromedp.WaitVisible(chromedp.CSS("#file")),
		chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{file}),
	); err != nil {
		t.Fatal(err)
	}
	attr, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS("#file"), "accept"))
	accept := attr.Value
	if err != nil || !strings.Contains(accept, ".docx") || !strings.Contains(accept, ".xlsx") || !strings.Contains(accept, ".csv") {
		t.Fatalf("file input accepts %q, %v", accept, err)
	}
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS("form.import-form button[type=submit]"))); err != nil {
		t.Fatal(err)
	}
	h1, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main h1")))
	if err != nil || h1 != "导入预览" {
		t.Fatalf("after upload: h1 %q, %v", h1, err)
	}
	due, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(".preview-measure .measure-due")))
	if err != nil || !strings.Contains(due, "2023-06-30") || !strings.Contains(due, "2023年6月底前") {
		t.Fatalf("first deadline = %q, %v", due, err)
	}
	badge, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(".units-inherited")))
	if err != nil || badge != "继承自领域" {
		t.Fatalf("inherited badge = %q, %v", badge, err)
	}
	warnings, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(".warnings-list")))
	if err != nil || !strings.Contains(warnings, "编号从 1. 跳到 4.") {
		t.Fatalf("warnings = %q, %v", warnings, err)
	}
	// Correct the first measure's title in its panel and apply: a plain
	// form post, no script.
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(".preview-measure details.measure-edit > summary")),
		chromedp.WaitVisible(chromedp.CSS("#m0_title")),
		chromedp.SetValue(chromedp.CSS("#m0_title"), "更正后的任务名称"),
	); err != nil {
		t.Fatal(err)
	}
	if dir := os.Getenv("DUBAN_SCREENSHOTS"); dir != "" {
		if err := testutil.Screenshot(ctx, filepath.Join(dir, "plan-import-docx-preview.png")); err != nil {
			t.Error(err)
		}
	}
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`button[name=action][value=update]`))); err != nil {
		t.Fatal(err)
	}
	first, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(".preview-measure > div")))
	if err != nil || !strings.Contains(first, "更正后的任务名称") {
		t.Fatalf("first measure after the correction = %q, %v", first, err)
	}
}
