package pagecheck_test

import (
	"context"
	"slices"
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
	model.RoleReviewer: {"@measure", "@assignment", "@review", "@bulletin", "@bulletin-print", "@bulletin-draft", "@supervision-next", "@ledger-next", "@extension-measure"},
	model.RoleViewer:   {"@measure", "@assignment", "@supervision-next", "@ledger-next"},
	model.RoleUnit:     {"@measure", "@assignment", "@todo-assignment", "@report", "@bulletin", "@instruction-measure?"},
}

// accessibilityWithAxe runs axe-core (vendored, see
// internal/testutil/testdata/axe-core) in Chromium over every page each
// demo account's navigation offers, its profile and password pages, a plan,
// a measure, an assignment and a report form, and fails on any violation.
//
// A page the same for several accounts is checked once: readers (the
// reviewer first, whose pages carry the most actions, then the leader and
// the administrator) share theirs, and units share all but their
// dashboard, to-do list and report form. axe takes seconds on a long page.
func accessibilityWithAxe(t *testing.T, p *testutil.Portal, browser context.Context) {
	order := map[string]int{model.RoleReviewer: 0, model.RoleViewer: 1, model.RoleAdmin: 2, model.RoleUnit: 3}
	accounts := slices.Clone(demo.Accounts)
	slices.SortStableFunc(accounts, func(a, b demo.Account) int { return order[a.Role] - order[b.Role] })
	checked := map[string]bool{}
	for _, acc := range accounts {
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
				if pg := axePage(t, tab, p.Server.URL, extra); pg != "" {
					pages = append(pages, pg)
				}
			}
			if acc.Role == model.RoleUnit || acc.Role == model.RoleReviewer || acc.Role == model.RoleViewer {
				pages = append(pages, axePage(t, tab, p.Server.URL, "@plan"))
			}
			var done []string
			for _, path := range pages {
				key := "reader " + path
				if acc.Role == model.RoleUnit {
					key = "unit " + path
					if path == "/" || path == "/todo" || strings.Contains(path, "/periods/") {
						key = acc.Username + " " + path
					}
				}
				if checked[key] {
					continue
				}
				checked[key] = true
				done = append(done, path)
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
			t.Logf("axe-core checked %d pages: %s", len(done), strings.Join(done, " "))
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
	"@bulletin":        {"/bulletins", `table.bulletin-list a[href^="/bulletins/"]`},
	"@bulletin-print":  {"@bulletin", `a[href^="/bulletins/"][href$="/print"]`},
	// The second page of the long lists (paged at 50 rows).
	"@supervision-next": {"/supervision", `nav.pager a[rel=next]`},
	"@ledger-next":      {"/ledger", `nav.pager a[rel=next]`},
	// A measure with a pending extension request (the office's decision
	// forms) and one with an instruction to answer (the reply form).
	"@extension-measure":   {"/", `#todo-extensions a[href^="/measures/"]`},
	"@instruction-measure": {"/todo", `#todo-instructions a[href^="/measures/"]`},
}

// axePage resolves a "@…" placeholder to the first matching link on the
// page where such links are; other paths are returned as they are. A
// placeholder ending in "?" is optional: "" when the page has no such link
// (not every unit has an instruction to answer).
func axePage(t *testing.T, tab context.Context, base, path string) string {
	t.Helper()
	optional := strings.HasSuffix(path, "?")
	path = strings.TrimSuffix(path, "?")
	if path == "@bulletin-draft" {
		return draftBulletin(t, tab, base)
	}
	where, ok := pageLinks[path]
	if !ok {
		return path
	}
	if err := testutil.Visit(tab, base, axePage(t, tab, base, where[0])); err != nil {
		t.Fatal(err)
	}
	href, err := chromedp.Run(tab, chromedp.Evaluate[string](
		`(document.querySelector(`+"`"+where[1]+"`"+`) || {getAttribute: () => ""}).getAttribute("href")`))
	if err == nil && href == "" && optional {
		return ""
	}
	if err != nil || href == "" {
		t.Fatalf("no %s link (%s) on %s: %v", path, where[1], where[0], err)
	}
	return href
}

// draftBulletin has the office draft a bulletin from the list's form and
// returns the path of the editor it lands on.
func draftBulletin(t *testing.T, tab context.Context, base string) string {
	t.Helper()
	if err := testutil.Visit(tab, base, "/bulletins"); err != nil {
		t.Fatal(err)
	}
	err := chromedp.Do(tab,
		chromedp.Click(chromedp.CSS(`form.bulletin-new button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`form.bulletin-form`)))
	if err != nil {
		t.Fatalf("draft a bulletin: %v", err)
	}
	path, err := chromedp.Run(tab, chromedp.Evaluate[string](`location.pathname`))
	if err != nil || !strings.HasSuffix(path, "/edit") {
		t.Fatalf("draft a bulletin: %q %v", path, err)
	}
	return path
}
