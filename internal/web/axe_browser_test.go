package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"duban/internal/demo"
	"duban/internal/model"
	"duban/internal/testutil"
)

// axeExtras are pages beyond the navigation that a role reaches from it.
// "@measure", "@assignment" and "@report" stand for the first such link on
// the ledger (measure, assignment) or the to-do list (report form).
var axeExtras = map[string][]string{
	model.RoleAdmin: {"/admin/units", "/admin/groups", "/admin/users", "/admin/users/new", "/admin/audit",
		"/admin/lights", "/admin/plans/import", "@measure", "@plan-edit"},
	model.RoleReviewer: {"@measure", "@assignment", "@review"},
	model.RoleViewer:   {"@measure", "@assignment"},
	model.RoleUnit:     {"@measure", "@assignment", "@report"},
}

// accessibilityWithAxe runs axe-core (vendored, see
// internal/testutil/testdata/axe-core) in Chromium over every page each
// demo account's navigation offers, its profile and password pages, a plan,
// a measure, an assignment and a report form, and fails on any violation.
func accessibilityWithAxe(t *testing.T, p *testutil.Portal, browser context.Context) {
	for _, acc := range demo.Accounts {
		t.Run(acc.Username, func(t *testing.T) {
			tab := testutil.NewSession(t, browser)
			if err := testutil.Login(tab, p.Server.URL, acc.Username, p.App.DemoPassword); err != nil {
				t.Fatal(err)
			}
			if err := testutil.SetViewport(tab, 1366, 900); err != nil {
				t.Fatal(err)
			}
			nav, err := chromedp.Run(tab, chromedp.Evaluate[[]string](
				`[...document.querySelectorAll("header .main-nav a")].map(a => a.getAttribute("href"))`))
			if err != nil || len(nav) == 0 {
				t.Fatalf("navigation links: %v %v", nav, err)
			}
			pages := append(nav, "/profile", "/password")
			for _, extra := range axeExtras[acc.Role] {
				pages = append(pages, axePage(t, tab, p.Server.URL, extra))
			}
			if acc.Role == model.RoleUnit || acc.Role == model.RoleReviewer || acc.Role == model.RoleViewer {
				pages = append(pages, axePage(t, tab, p.Server.URL, "@plan"))
			}
			for _, path := range pages {
				if err := testutil.Visit(tab, p.Server.URL, path); err != nil {
					t.Fatalf("%s: %v", path, err)
				}
				vs, err := testutil.Axe(tab)
				if err != nil {
					t.Fatalf("axe on %s: %v", path, err)
				}
				for _, v := range vs {
					t.Errorf("%s: %s", path, v)
				}
			}
			t.Logf("axe-core checked %d pages: %s", len(pages), strings.Join(pages, " "))
		})
	}
}

// pageLinks says where a "@…" placeholder's link is found: the page (itself
// perhaps a placeholder) and a CSS selector of the link.
var pageLinks = map[string][2]string{
	"@measure":         {"/ledger", `a[href^="/measures/"]`},
	"@assignment":      {"/ledger", `a[href^="/assignments/"]`},
	"@todo-assignment": {"/todo", `a[href^="/assignments/"]:not([href*="/periods/"])`},
	"@report":          {"/todo", `a[href^="/assignments/"][href*="/periods/"]`},
	"@review":          {"/todo", `a[href^="/reports/"]`},
	"@plan":            {"/plans", `a[href^="/plans/"]`},
	"@plan-edit":       {"@plan", `a[href^="/admin/plans/"][href$="/edit"]`},
}

// axePage resolves a "@…" placeholder to the first matching link on the
// page where such links are; other paths are returned as they are.
func axePage(t *testing.T, tab context.Context, base, path string) string {
	t.Helper()
	where, ok := pageLinks[path]
	if !ok {
		return path
	}
	if err := testutil.Visit(tab, base, axePage(t, tab, base, where[0])); err != nil {
		t.Fatal(err)
	}
	href, err := chromedp.Run(tab, chromedp.Evaluate[string](
		`(document.querySelector(`+"`"+where[1]+"`"+`) || {getAttribute: () => ""}).getAttribute("href")`))
	if err != nil || href == "" {
		t.Fatalf("no %s link (%s) on %s: %v", path, where[1], where[0], err)
	}
	return href
}
