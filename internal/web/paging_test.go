package web_test

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"duban/internal/figures/figurestest"

	"github.com/PuerkitoBio/goquery"
)

// groupedRows checks that a list page's rows sit under domain headings
// (one tbody per domain, a heading row first, domains not repeated) and
// returns the data rows' assignment IDs and how many domains the page shows.
func groupedRows(t *testing.T, doc *goquery.Document, table, row string) (ids []string, domains int) {
	t.Helper()
	seen := map[string]bool{}
	doc.Find(table + " > tbody").Each(func(_ int, tb *goquery.Selection) {
		head := tb.Find("tr").First()
		th := head.Find(`th[scope=rowgroup]`)
		if !head.HasClass("group-row") || th.Length() != 1 || cellText(th) == "" {
			t.Errorf("%s: a group starts without a domain heading: %q", table, cellText(head))
			return
		}
		name := cellText(th)
		if seen[name] {
			t.Errorf("%s: domain %q appears twice on one page", table, name)
		}
		seen[name] = true
		tb.Find(row).Each(func(_ int, r *goquery.Selection) {
			id, _ := r.Attr("data-assignment")
			ids = append(ids, id)
		})
	})
	return ids, len(seen)
}

// pagerOf checks the page navigation: a nav landmark with a label, the
// current page marked aria-current, and every link keeping want's filters.
func pagerOf(t *testing.T, doc *goquery.Document, want url.Values, page int) {
	t.Helper()
	nav := doc.Find("nav.pager")
	if nav.Length() != 1 || nav.AttrOr("aria-label", "") == "" {
		t.Fatalf("pager: %d navs, label %q", nav.Length(), nav.AttrOr("aria-label", ""))
	}
	cur := nav.Find(`[aria-current=page]`)
	if cur.Length() != 1 || cellText(cur) != strconv.Itoa(page) {
		t.Errorf("aria-current on %q, want page %d", cellText(cur), page)
	}
	nav.Find("a[href]").Each(func(_ int, a *goquery.Selection) {
		u, err := url.Parse(a.AttrOr("href", ""))
		if err != nil {
			t.Fatal(err)
		}
		for k := range want {
			if u.Query().Get(k) != want.Get(k) {
				t.Errorf("pager link %s drops %s=%s", u, k, want.Get(k))
			}
		}
	})
}

func TestSupervisionPagesAndGroups(t *testing.T) {
	p, _, _ := figurestest.Start(t)
	// A larger plan: 30 measures × 6 units, many of them overdue.
	synthPlan(t, p, 30, 6)
	rv := p.Login("duchashi")
	doc := page(t, rv, "/supervision", http.StatusOK)
	total, err := strconv.Atoi(cellText(doc.Find(".at-risk h2 .badge")))
	if err != nil || total <= 50 {
		t.Fatalf("the synthetic plan has %q at-risk rows; the test needs more than 50", cellText(doc.Find(".at-risk h2 .badge")))
	}
	planID := doc.Find(`input[name=plan], select[name=plan] option[selected]`).First().AttrOr("value", "")
	want := url.Values{"plan": {planID}}
	seen := map[string]bool{}
	pages := 0
	for path := "/supervision"; path != ""; pages++ {
		doc := page(t, rv, path, http.StatusOK)
		ids, domains := groupedRows(t, doc, ".supervision-table", "tr[data-assignment]")
		if len(ids) > 50 || domains == 0 {
			t.Fatalf("%s: %d rows in %d domains", path, len(ids), domains)
		}
		for _, id := range ids {
			if seen[id] {
				t.Errorf("assignment %s on two pages", id)
			}
			seen[id] = true
		}
		pagerOf(t, doc, want, pages+1)
		path = doc.Find("a[rel=next]").AttrOr("href", "")
	}
	if len(seen) != total || pages != (total+49)/50 {
		t.Errorf("%d pages list %d rows, the page counts %d", pages, len(seen), total)
	}

	// The light filter stays in the links; a page past the end shows the last.
	doc = page(t, rv, "/supervision?light=red&plan="+planID, http.StatusOK)
	if doc.Find("nav.pager").Length() == 1 {
		pagerOf(t, doc, url.Values{"plan": {planID}, "light": {"red"}}, 1)
	}
	doc.Find(".supervision-table tr[data-assignment]").Each(func(_ int, r *goquery.Selection) {
		if !r.HasClass("risk-red") {
			t.Errorf("red filter shows %s", r.AttrOr("class", ""))
		}
	})
	last := page(t, rv, "/supervision?page=999", http.StatusOK)
	if cur := cellText(last.Find(`nav.pager [aria-current=page]`)); cur != strconv.Itoa(pages) {
		t.Errorf("page 999 shows page %q of %d", cur, pages)
	}
}

func TestLedgerGroupsByDomain(t *testing.T) {
	p, _, _ := figurestest.Start(t)
	synthPlan(t, p, 12, 6) // 72 rows
	c := p.Login("lingdao")
	doc := page(t, c, "/ledger", http.StatusOK)
	planID := doc.Find(`input[name=plan], select[name=plan] option[selected]`).First().AttrOr("value", "")
	total := 0
	for path, n := "/ledger?plan="+planID, 1; path != ""; n++ {
		doc := page(t, c, path, http.StatusOK)
		ids, _ := groupedRows(t, doc, ".ledger-table", "tr.ledger-row")
		total += len(ids)
		if doc.Find("nav.pager").Length() == 1 {
			pagerOf(t, doc, url.Values{"plan": {planID}}, n)
		}
		path = doc.Find("a[rel=next]").AttrOr("href", "")
	}
	if total != 72 {
		t.Fatalf("the pages show %d rows, want 72", total)
	}
}

func TestOverviewShowsTheTopTenWithALinkToTheRest(t *testing.T) {
	p, _, _ := figurestest.Start(t)
	synthPlan(t, p, 30, 6)
	for _, who := range []string{"lingdao", "duchashi"} {
		c := p.Login(who)
		doc := page(t, c, "/", http.StatusOK)
		total, err := strconv.Atoi(cellText(doc.Find("#attention h2 .badge")))
		if err != nil || total <= 10 {
			t.Fatalf("%s: attention total %q", who, cellText(doc.Find("#attention h2 .badge")))
		}
		if n := doc.Find("#attention tr[data-assignment]").Length(); n != 10 {
			t.Errorf("%s: the overview lists %d, want the top 10", who, n)
		}
		a := doc.Find("#attention .attention-all a")
		if cellText(a) != "查看全部 "+strconv.Itoa(total)+" 项" {
			t.Errorf("%s: link text %q", who, cellText(a))
		}
		// The link opens 督办 of the same plan, which lists all of them.
		sup := page(t, c, a.AttrOr("href", ""), http.StatusOK)
		if got := cellText(sup.Find(".at-risk h2 .badge")); got != strconv.Itoa(total) {
			t.Errorf("%s: 督办 counts %s, the overview %d", who, got, total)
		}
	}
}

// TestScorecardPages: a province has thousands of units; the scorecard
// of every plan shows 50 a page, the sort and the plan kept in the links,
// every unit on exactly one page in the sorted order.
func TestScorecardPages(t *testing.T) {
	p, _, _ := figurestest.Start(t)
	synthPlan(t, p, 8, 70) // 70 units on 8 measures
	c := p.Login("duchashi")
	want := url.Values{"plan": {"all"}, "sort": {"-outstanding"}}
	var order []int
	seen := map[string]bool{}
	pages := 0
	for path := "/scorecard?" + want.Encode(); path != ""; pages++ {
		doc := page(t, c, path, http.StatusOK)
		rows := doc.Find(".score-row")
		if rows.Length() == 0 || rows.Length() > 50 {
			t.Fatalf("%s: %d units", path, rows.Length())
		}
		rows.Each(func(_ int, r *goquery.Selection) {
			id := r.AttrOr("data-unit", "")
			if seen[id] {
				t.Errorf("unit %s on two pages", id)
			}
			seen[id] = true
			n, err := strconv.Atoi(strings.Fields(cellText(r.Find(".outstanding")) + " x")[0])
			if err != nil {
				t.Fatalf("outstanding %q", cellText(r.Find(".outstanding")))
			}
			order = append(order, n)
		})
		pagerOf(t, doc, want, pages+1)
		path = doc.Find("a[rel=next]").AttrOr("href", "")
	}
	if pages < 2 || len(seen) < 70 {
		t.Fatalf("%d pages list %d units", pages, len(seen))
	}
	if !slices.IsSortedFunc(order, func(a, b int) int { return b - a }) {
		t.Errorf("outstanding across the pages is not descending: %v", order)
	}
}
