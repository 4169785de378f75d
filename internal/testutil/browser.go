package testutil

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// ChromiumPath is where Debian's chromium package installs the browser;
// DUBAN_CHROMIUM overrides it.
const ChromiumPath = "/usr/bin/chromium"

// BrowserTimeout bounds each helper below, so a page that never loads fails
// the test instead of hanging it.
const BrowserTimeout = 30 * time.Second

func chromiumPath() string {
	if p := os.Getenv("DUBAN_CHROMIUM"); p != "" {
		return p
	}
	return ChromiumPath
}

// NewBrowser starts headless Chromium (a fresh profile, no network
// services of its own) for the test and returns the context of its first
// tab; the browser ends with the test. Without Chromium the test is
// skipped, saying why, except under CI, where browser tests are required.
//
//	ctx := testutil.NewBrowser(t)
//	if err := testutil.Login(ctx, p.Server.URL, "duchashi", p.App.DemoPassword); err != nil { … }
//	title, err := chromedp.Run(ctx, chromedp.Title())
func NewBrowser(t testing.TB) context.Context {
	t.Helper()
	path := chromiumPath()
	if _, err := os.Stat(path); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("Chromium not found at %s: browser tests are required in CI (apt-get install chromium fonts-wqy-microhei)", path)
		}
		t.Skipf("Chromium not found at %s: skipping browser test (apt-get install chromium fonts-wqy-microhei, or set DUBAN_CHROMIUM)", path)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox, // tests run as root in containers
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("lang", "zh-CN"),
		// What the browser asks for in Accept-Language, which the portal
		// follows until a language is chosen.
		chromedp.Flag("accept-lang", "zh-CN,zh"),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
	})
	// Start the browser now, so a browser that cannot start fails here and
	// not inside the first step of the test.
	if err := start(ctx, cancel); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

// start runs the first action on ctx, which opens the browser or the tab.
// chromedp ties the browser's (or tab's) life to the context of that first
// run, so it cannot take a timeout context; cancel ends a start that hangs.
func start(ctx context.Context, cancel context.CancelFunc) error {
	done := make(chan error, 1)
	go func() { done <- chromedp.Do(ctx) }()
	select {
	case err := <-done:
		return err
	case <-time.After(BrowserTimeout):
		cancel()
		<-done
		return fmt.Errorf("no answer within %v", BrowserTimeout)
	}
}

// NewSession opens a tab with its own cookies (a new browser context, like
// a private window) in the browser of ctx, closed when the test ends. Use
// one per user when a test logs in several users.
func NewSession(t testing.TB, browser context.Context) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := start(ctx, cancel); err != nil {
		t.Fatalf("open browser session: %v", err)
	}
	return ctx
}

// Login opens baseURL/login, types the username and password as a person
// would, submits, and waits for the next page. It fails when the portal
// answers with the login page again (wrong password, throttled), returning
// the message shown there.
func Login(ctx context.Context, baseURL, username, password string) error {
	ctx, cancel := context.WithTimeout(ctx, BrowserTimeout)
	defer cancel()
	err := chromedp.Do(ctx,
		chromedp.Navigate(strings.TrimRight(baseURL, "/")+"/login"),
		chromedp.WaitVisible(chromedp.CSS("#username")),
		chromedp.SendKeys(chromedp.CSS("#username"), username),
		chromedp.SendKeys(chromedp.CSS("#password"), password),
	)
	if err != nil {
		return fmt.Errorf("fill the login form: %w", err)
	}
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`form[action^="/login"] button[type=submit]`))); err != nil {
		return fmt.Errorf("submit the login form: %w", err)
	}
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return err
	}
	if u, err := url.Parse(loc); err == nil && u.Path == "/login" {
		msg, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(".login-card"), chromedp.AtLeast(0)))
		return errors.New("login refused: " + strings.Join(strings.Fields(msg), " "))
	}
	return nil
}

// Screenshot saves the whole page as a PNG, e.g. for a person to look at a
// page a test reached (`go test -run X` with the path under t.TempDir() or
// a path the developer chose).
func Screenshot(ctx context.Context, path string) error {
	ctx, cancel := context.WithTimeout(ctx, BrowserTimeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		// A page taller than the browser can paint at once (-32000 "Page
		// is too large"): keep what the viewport shows rather than nothing.
		png, err = chromedp.Run(ctx, chromedp.CaptureScreenshot())
	}
	if err != nil {
		return fmt.Errorf("screenshot: %w", err)
	}
	return writeScreenshot(path, png)
}

// ViewportScreenshot saves what the viewport shows (the first screen of the
// page, as a person sees it on opening it) as a PNG.
func ViewportScreenshot(ctx context.Context, path string) error {
	ctx, cancel := context.WithTimeout(ctx, BrowserTimeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		return fmt.Errorf("screenshot: %w", err)
	}
	return writeScreenshot(path, png)
}

// SetViewport resizes the tab's viewport to width×height CSS pixels at
// scale 1, as a narrow phone (390) or a laptop (1366) shows the page. It is
// not mobile emulation: a page too wide for the viewport overflows instead
// of being zoomed out, so the overflow can be measured.
func SetViewport(ctx context.Context, width, height int64) error {
	ctx, cancel := context.WithTimeout(ctx, BrowserTimeout)
	defer cancel()
	return chromedp.Do(ctx, chromedp.EmulateViewport(width, height, chromedp.EmulateScale(1)))
}

// Visit opens baseURL+path in the tab and waits for the page to load.
func Visit(ctx context.Context, baseURL, path string) error {
	ctx, cancel := context.WithTimeout(ctx, BrowserTimeout)
	defer cancel()
	return chromedp.Do(ctx,
		chromedp.Navigate(strings.TrimRight(baseURL, "/")+path),
		chromedp.WaitReady(chromedp.CSS("body")),
	)
}

// layoutScript lists what makes a page hard to use on a narrow screen: the
// page wider than the viewport, a box that scrolls sideways, a button
// (or a link styled as one) that lies outside the viewport, and a button
// whose label wraps onto a second line (签/收).
const layoutScript = `(() => {
  const W = document.documentElement.clientWidth;
  const out = [];
  const name = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += "#" + el.id;
    if (el.classList.length) s += "." + [...el.classList].join(".");
    const txt = (el.innerText || "").trim().replace(/\s+/g, " ").slice(0, 30);
    return txt ? s + " \u201c" + txt + "\u201d" : s;
  };
  const sw = document.documentElement.scrollWidth;
  if (sw > W + 1) {
    // Name the outermost elements that stick out, to say where to look.
    const wide = [...document.body.querySelectorAll("*")].filter(el => el.getBoundingClientRect().right > W + 1 &&
      !(el.parentElement && el.parentElement.getBoundingClientRect().right > W + 1));
    out.push("page is " + sw + "px wide in a " + W + "px viewport: " + wide.slice(0, 3).map(name).join(", "));
  }
  for (const el of document.body.querySelectorAll("*")) {
    const cs = getComputedStyle(el);
    if ((cs.overflowX === "auto" || cs.overflowX === "scroll") && el.scrollWidth > el.clientWidth + 1) {
      out.push(name(el) + " scrolls sideways (" + el.scrollWidth + "px in " + el.clientWidth + "px)");
    }
  }
  for (const b of document.querySelectorAll("main .btn, main button, main input[type=submit]")) {
    const r = b.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if (r.left < -1 || r.right > W + 1) {
      out.push(name(b) + " lies outside the viewport (" + Math.round(r.left) + "–" + Math.round(r.right) + "px of " + W + "px)");
    }
    const range = document.createRange();
    range.selectNodeContents(b);
    const tops = new Set([...range.getClientRects()].filter(q => q.width > 0).map(q => Math.round(q.top)));
    if (tops.size > 1) out.push(name(b) + " wraps onto " + tops.size + " lines");
  }
  return out;
})()`

// LayoutProblems checks the page in the tab for horizontal overflow, boxes
// that scroll sideways, and buttons outside the viewport or broken across
// lines; it returns one sentence per problem (none: the page fits).
func LayoutProblems(ctx context.Context) ([]string, error) {
	ctx, cancel := context.WithTimeout(ctx, BrowserTimeout)
	defer cancel()
	return chromedp.Run(ctx, chromedp.Evaluate[[]string](layoutScript))
}

// writeScreenshot saves a PNG, creating its folder (DUBAN_SCREENSHOTS may
// name one that does not exist yet).
func writeScreenshot(path string, png []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, png, 0o644)
}

// ScreenshotDir is where a browser test keeps its screenshots:
// DUBAN_SCREENSHOTS when set (CI keeps them as artefacts), else a
// temporary directory of the test.
func ScreenshotDir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("DUBAN_SCREENSHOTS")
	if dir == "" {
		return t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// LoginSession opens a fresh browser context (its own cookies) and logs
// username in through the login form with the demo password; the test
// fails when that does not work.
func LoginSession(t testing.TB, browser context.Context, p *Portal, username string) context.Context {
	t.Helper()
	ctx := NewSession(t, browser)
	if err := Login(ctx, p.Server.URL, username, p.App.DemoPassword); err != nil {
		t.Fatalf("log in as %s: %v", username, err)
	}
	return ctx
}
