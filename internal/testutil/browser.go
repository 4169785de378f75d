package testutil

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
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
		return fmt.Errorf("screenshot: %w", err)
	}
	return os.WriteFile(path, png, 0o644)
}
