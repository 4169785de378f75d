package browsertest_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"duban/internal/figures/figurestest"
	"duban/internal/testutil"
)

// browserLogin opens a fresh browser context (its own cookies) at the
// dashboards' width, logs in through the form and returns a context with a
// time limit for the steps.
func browserLogin(t *testing.T, browser context.Context, p *testutil.Portal, username string) context.Context {
	t.Helper()
	tab := testutil.LoginSession(t, browser, p, username)
	if err := testutil.SetViewport(tab, 1366, 900); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(tab, 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func run[T any](t *testing.T, ctx context.Context, what string, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

func screenshot(t *testing.T, ctx context.Context, dir, name string) {
	t.Helper()
	png := run(t, ctx, "screenshot "+name, chromedp.FullScreenshot(100))
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	if len(png) < 10_000 {
		t.Errorf("screenshot %s is only %d bytes", name, len(png))
	}
	t.Logf("screenshot: %s (%d bytes)", path, len(png))
}

// TestDashboardInChromium logs in as the reviewer and as a district
// (台山), checks the key figures as a browser renders them — with the CSP
// in force — and saves a screenshot of each.
func TestDashboardInChromium(t *testing.T) {
	browser := testutil.NewBrowser(t)
	p, _, _ := figurestest.Start(t)
	dir := testutil.ScreenshotDir(t)

	t.Run("reviewer overview", func(t *testing.T) {
		ctx := browserLogin(t, browser, p, "duchashi")
		if err := chromedp.Do(ctx, chromedp.Navigate(p.Server.URL+"/"), chromedp.WaitVisible(chromedp.CSS("#attention"))); err != nil {
			t.Fatal(err)
		}
		// The supervision office's queue comes first, then the overview.
		if h1 := run(t, ctx, "h1", chromedp.Evaluate[[]string](`[...document.querySelectorAll("h1")].map(h => h.textContent.trim())`)); strings.Join(h1, ",") != "待办,督办总览" {
			t.Errorf("h1 = %q", h1)
		}
		figures := run(t, ctx, "figures", chromedp.Evaluate[[]string](`[".stat-total",".stat-completion",".stat-red",".stat-yellow",".stat-blue",".stat-rate"]
			.map(s => document.querySelector(s + " .value").textContent.trim())`))
		if strings.Join(figures, " ") != "3 70% 1 1 1 63%" {
			t.Errorf("key figures = %v", figures)
		}
		rows := run(t, ctx, "attention rows", chromedp.Evaluate[int](`document.querySelectorAll(".attention-table tbody tr").length`))
		forms := run(t, ctx, "prompt buttons", chromedp.Evaluate[int](`document.querySelectorAll("form[action='/prompts'] button").length`))
		// 市教育局 on 学前教育 is yellow for a target with every report in:
		// nothing to chase, no button.
		if rows != 5 || forms != 4 {
			t.Errorf("attention rows %d, 催办 buttons %d; want 5 and 4", rows, forms)
		}
		// The stylesheet applies to the SVG shapes (the CSP allows no inline
		// styles, so colours come from classes), and the bars have a size.
		fill := run(t, ctx, "bar colour", chromedp.Evaluate[string](`getComputedStyle(document.querySelector("svg.chart-hbar rect.chart-red")).fill`))
		if fill != "rgb(217, 48, 37)" {
			t.Errorf("red bar fill = %q", fill)
		}
		width := run(t, ctx, "bar width", chromedp.Evaluate[float64](`document.querySelector("svg.chart-hbar rect.chart-blue").getBoundingClientRect().width`))
		if width < 50 {
			t.Errorf("the 100%% bar is %.0f px wide", width)
		}
		segs := run(t, ctx, "light segments", chromedp.Evaluate[int](`document.querySelectorAll("#chart-lights-m-t ~ rect.chart-bar").length`))
		if segs != 3 {
			t.Errorf("measure light segments = %d, want 3 (red, yellow, blue)", segs)
		}
		screenshot(t, ctx, dir, "reviewer-overview.png")
	})

	t.Run("district ledger", func(t *testing.T) {
		ctx := browserLogin(t, browser, p, "taishan")
		if err := chromedp.Do(ctx, chromedp.Navigate(p.Server.URL+"/ledger"), chromedp.WaitVisible(chromedp.CSS(".ledger-table"))); err != nil {
			t.Fatal(err)
		}
		units := run(t, ctx, "ledger units", chromedp.Evaluate[[]string](`[...document.querySelectorAll(".ledger-table .unit-cell a")].map(a => a.textContent.trim())`))
		if len(units) != 3 {
			t.Fatalf("taishan's ledger rows = %v, want 3", units)
		}
		for _, u := range units {
			if u != figurestest.Taishan {
				t.Errorf("taishan sees a row of %s", u)
			}
		}
		lights := run(t, ctx, "lights", chromedp.Evaluate[[]string](`[...document.querySelectorAll(".ledger-table .light-cell .light-badge")].map(c => c.textContent.trim())`))
		if strings.Join(lights, ",") != "黄灯,黄灯,蓝灯（已办结）" {
			t.Errorf("lights = %v", lights)
		}
		note := run(t, ctx, "scope note", chromedp.Text(chromedp.CSS(".scope-note")))
		if !strings.Contains(note, figurestest.Taishan) {
			t.Errorf("scope note = %q", note)
		}
		// Filtering is a plain GET form: pick yellow and submit.
		err := chromedp.Do(ctx,
			chromedp.SetValue(chromedp.ID("f-light"), "yellow"),
			chromedp.Submit(chromedp.ID("f-light")),
			chromedp.WaitVisible(chromedp.CSS(".result-count")),
		)
		if err != nil {
			t.Fatal(err)
		}
		loc := run(t, ctx, "location", chromedp.Location())
		count := run(t, ctx, "count", chromedp.Text(chromedp.CSS(".result-count")))
		if !strings.Contains(loc, "light=yellow") || count != "共 2 条" {
			t.Errorf("after filtering: %s, %q", loc, count)
		}
		if err := chromedp.Do(ctx, chromedp.Navigate(p.Server.URL+"/ledger"), chromedp.WaitVisible(chromedp.CSS(".ledger-table"))); err != nil {
			t.Fatal(err)
		}
		screenshot(t, ctx, dir, "taishan-ledger.png")
	})
}
