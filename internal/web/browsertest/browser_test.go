package browsertest_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"duban/internal/demo"
	"duban/internal/model"
	"duban/internal/testutil"
)

// TestDemoAccountsLogInFromTheBrowser logs every demo account in through
// the login page in headless Chromium and checks the dashboard greets them
// in Chinese. DUBAN_SCREENSHOTS=dir keeps a screenshot of each dashboard.
func TestDemoAccountsLogInFromTheBrowser(t *testing.T) {
	p := testutil.Start(t)
	browser := testutil.NewBrowser(t)
	shots := os.Getenv("DUBAN_SCREENSHOTS")
	for _, acc := range demo.Accounts {
		t.Run(acc.Username, func(t *testing.T) {
			ctx := testutil.NewSession(t, browser)
			if err := testutil.Login(ctx, p.Server.URL, acc.Username, p.App.DemoPassword); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(ctx, testutil.BrowserTimeout)
			defer cancel()
			title, err := chromedp.Run(ctx, chromedp.Title())
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(title, "督办") {
				t.Errorf("title %q, want the Chinese dashboard title", title)
			}
			who, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("header .user-name")))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(who, acc.Display) {
				t.Errorf("header names %q, want %q", who, acc.Display)
			}
			nav, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(".main-nav")))
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(nav, "系统管理") != (acc.Role == model.RoleAdmin) {
				t.Errorf("navigation %q: 系统管理 must be there for admins only", nav)
			}
			if shots != "" {
				if err := testutil.Screenshot(ctx, filepath.Join(shots, "dashboard-"+acc.Username+".png")); err != nil {
					t.Error(err)
				}
			}
		})
	}
	t.Run("wrong password", func(t *testing.T) {
		ctx := testutil.NewSession(t, browser)
		err := testutil.Login(ctx, p.Server.URL, "duchashi", "not-the-password")
		if err == nil || !strings.Contains(err.Error(), "用户名或密码不正确") {
			t.Fatalf("login with a wrong password: %v", err)
		}
	})
}
