package pagecheck_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"duban/internal/testutil"
)

// layoutRoles are the people who open the portal on phones as well as
// desktops, with the pages they use most ("@…": see pageLinks).
var layoutRoles = []struct {
	who, username string
	pages         []string
}{
	{"unit", "jiaoyuju", []string{"/", "/todo", "@report", "/ledger", "/bulletins", "@bulletin"}},
	{"district", "taishan", []string{"/", "@todo-assignment", "@report"}},
	{"reviewer", "duchashi", []string{"/", "/supervision", "/ledger"}},
	{"leader", "lingdao", []string{"/", "/indicators", "/scorecard"}},
}

// TestPagesInChromium checks the pages people use in a real browser: one
// portal with the demo's reporting history and one Chromium serve both
// checks, to keep the browser tests fast.
func TestPagesInChromium(t *testing.T) {
	p := testutil.Start(t, testutil.WithDemoHistory())
	browser := testutil.NewBrowser(t)
	t.Run("fit phone and desktop", func(t *testing.T) { pagesFitPhoneAndDesktop(t, p, browser) })
	t.Run("axe-core", func(t *testing.T) { accessibilityWithAxe(t, p, browser) })
}

// pagesFitPhoneAndDesktop opens the main pages of a unit, a district,
// the reviewer and a leader at 390 px (a phone) and 1366 px (a laptop) and
// asserts that no page scrolls sideways, no box inside it does, and every
// button lies within the viewport on one line. The dashboards are saved as
// screenshots in DUBAN_SCREENSHOTS (or the test's temporary directory).
func pagesFitPhoneAndDesktop(t *testing.T, p *testutil.Portal, browser context.Context) {
	shots := screenshotDir(t)
	for _, role := range layoutRoles {
		t.Run(role.who, func(t *testing.T) {
			tab := testutil.NewSession(t, browser)
			if err := testutil.Login(tab, p.Server.URL, role.username, p.App.DemoPassword); err != nil {
				t.Fatal(err)
			}
			pages := resolvePages(t, tab, p.Server.URL, role.pages)
			for _, width := range []int64{390, 1366} {
				if err := testutil.SetViewport(tab, width, 900); err != nil {
					t.Fatal(err)
				}
				for _, path := range pages {
					if err := testutil.Visit(tab, p.Server.URL, path); err != nil {
						t.Fatalf("%s: %v", path, err)
					}
					problems, err := testutil.LayoutProblems(tab)
					if err != nil {
						t.Fatalf("%s at %d px: %v", path, width, err)
					}
					for _, pr := range problems {
						t.Errorf("%s at %d px: %s", path, width, pr)
					}
					if path == "/" || len(problems) > 0 {
						name := fmt.Sprintf("%s-%s-%d.png", role.who, pageFileName(path), width)
						if err := testutil.Screenshot(tab, filepath.Join(shots, name)); err != nil {
							t.Error(err)
						}
						if err := testutil.ViewportScreenshot(tab, filepath.Join(shots, "top-"+name)); err != nil {
							t.Error(err)
						}
					}
				}
			}
		})
	}
}

// resolvePages replaces the "@…" placeholders with the links they stand
// for (pageLinks).
func resolvePages(t *testing.T, tab context.Context, base string, pages []string) []string {
	t.Helper()
	out := make([]string, len(pages))
	for i, path := range pages {
		out[i] = axePage(t, tab, base, path)
	}
	return out
}

// pageFileName turns a path into a file name: "/" → "home".
func pageFileName(path string) string {
	s := strings.Trim(strings.NewReplacer("/", "-", "?", "-", "=", "-", "&", "-").Replace(path), "-")
	if s == "" {
		return "home"
	}
	return s
}
