package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"duban/internal/figures/figurestest"
	"duban/internal/model"
	"duban/internal/testutil"
	"duban/internal/workflow"
)

// A measure is cited one way everywhere: its domain's label and its own
// number, (一)2 — on the pages, in the print view, in both Excel exports
// and in the notification a 催办 sends.
func TestOneCitationEverywhere(t *testing.T) {
	p, f, _ := figurestest.Start(t)
	m := f.Measures[1] // (一)2 义务教育
	want := "(一)2 义务教育"
	rv := p.Login("duchashi")

	seen := 0
	has := func(where string, s *goquery.Selection) {
		t.Helper()
		found := false
		s.Each(func(_ int, e *goquery.Selection) { found = found || cellText(e) == want })
		if !found {
			t.Errorf("%s: no %q among %d texts (first %q)", where, want, s.Length(), cellText(s.First()))
		}
		seen++
	}
	has("/ledger", page(t, rv, "/ledger", http.StatusOK).Find(".measure-cell a"))
	has("/indicators", page(t, rv, "/indicators", http.StatusOK).Find(".indicator-table td a"))
	has("/supervision", page(t, rv, "/supervision", http.StatusOK).Find(".supervision-table td a"))
	has("overview", page(t, p.Login("lingdao"), "/", http.StatusOK).Find("#attention td a"))
	has("print", page(t, rv, fmt.Sprintf("/print/measures/%d", m.ID), http.StatusOK).Find("h1"))

	// No page cites a measure by its bare number.
	bare := regexp.MustCompile(`^\d+[.．、]`)
	for _, path := range []string{"/ledger", "/indicators", "/supervision"} {
		page(t, rv, path, http.StatusOK).Find(`a[href^="/measures/"], a[href^="/assignments/"]`).Each(func(_ int, a *goquery.Selection) {
			if bare.MatchString(cellText(a)) {
				t.Errorf("%s cites %q", path, cellText(a))
			}
		})
	}

	// Excel: the ledger's 编号 column and the history's title.
	x := testutil.XLSX(t, rv.Get("/ledger.xlsx"))
	labels := map[string]bool{}
	for _, r := range testutil.SheetRows(t, x, "(一)公共教育")[1:] {
		if len(r) > 2 {
			labels[r[1]+" "+r[2]] = true
		}
	}
	if !labels[want] {
		t.Errorf("ledger.xlsx cites %v", labels)
	}
	h := testutil.XLSX(t, rv.Get(fmt.Sprintf("/measures/%d/history.xlsx", m.ID)))
	if title, _ := h.GetCellValue(h.GetSheetList()[0], "A1"); title != want {
		t.Errorf("history.xlsx title %q", title)
	}

	// A 催办 about the measure names it so in the unit's inbox.
	doc := page(t, rv, "/supervision", http.StatusOK)
	var form *goquery.Selection
	doc.Find(".supervision-table tr[data-assignment]").Each(func(_ int, r *goquery.Selection) {
		if form == nil && cellText(r.Find("td a").First()) == want && r.Find("form.prompt-form").Length() == 1 {
			form = r.Find("form.prompt-form")
		}
	})
	if form == nil {
		t.Fatal("no 催办 button on (一)2")
	}
	v := url.Values{}
	form.Find("input[type=hidden]").Each(func(_ int, in *goquery.Selection) {
		if n := in.AttrOr("name", ""); n != "_csrf" {
			v.Add(n, in.AttrOr("value", ""))
		}
	})
	if res := rv.PostForm("/prompts", v); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("催办 = %d", res.StatusCode)
	}
	var n model.Notification
	if err := p.App.DB.W.Where("kind = ?", workflow.NotePrompt).Order("id DESC").First(&n).Error; err != nil {
		t.Fatal(err)
	}
	if got := workflow.ParseNote(n.Message).Measure; got != want {
		t.Errorf("the notification cites %q", got)
	}
	if seen == 0 || !strings.Contains(want, "(一)") {
		t.Fatal("nothing checked")
	}
}

// The Excel exports write their own Chinese text with full-width
// punctuation: 「学前三年毛入园率 ≥ 93%：88.5%」, 「学前三年毛入园率（≥ 93%）」.
func TestExcelTargetTextUsesFullWidthPunctuation(t *testing.T) {
	p, f, _ := figurestest.Start(t)
	rv := p.Login("duchashi")
	halfWidth := regexp.MustCompile(`[,:;()]`)
	x := testutil.XLSX(t, rv.Get("/ledger.xlsx"))
	rows := testutil.SheetRows(t, x, "(一)公共教育")
	col := -1
	for i, h := range rows[0] {
		if h == "指标（目标：实际）" {
			col = i
		}
	}
	if col < 0 {
		t.Fatalf("no target column in %v", rows[0])
	}
	n := 0
	for _, r := range rows[1:] {
		if col < len(r) && r[col] != "" {
			n++
			if !strings.Contains(r[col], "：") || halfWidth.MatchString(r[col]) {
				t.Errorf("ledger target cell %q", r[col])
			}
		}
	}
	if n == 0 {
		t.Fatal("no target cells")
	}
	h := testutil.XLSX(t, rv.Get(fmt.Sprintf("/measures/%d/history.xlsx", f.Measures[0].ID)))
	head := testutil.SheetRows(t, h, h.GetSheetList()[0])[1]
	found := false
	for _, c := range head {
		if strings.HasPrefix(c, "学前三年毛入园率") {
			found = true
			if c != "学前三年毛入园率（≥ 93%）" {
				t.Errorf("history target header %q", c)
			}
		}
	}
	if !found {
		t.Errorf("no target header in %v", head)
	}
}
