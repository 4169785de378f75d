package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"duban/internal/figures/figurestest"
)

// A submission rate is judged only after its period's due date: before it
// (and on the day) it is grey and says 未到期, the day after it is
// coloured by its value.
func TestSubmissionRateIsNotRedBeforeItsDueDate(t *testing.T) {
	p, _, _ := figurestest.Start(t) // 2015年第1季度 is due 2015-04-05
	for _, tc := range []struct {
		day         string
		notDue      bool
		unitsNotDue bool // the units' rates are of the current period
	}{
		{"2015-04-03", true, true},
		{"2015-04-05 18:00", true, true},
		// 2015年第2季度 is now the current period, not due either.
		{"2015-04-06", false, true},
		// The plan is over: the current period is the last one, past due.
		{"2016-03-01", false, false},
	} {
		t.Run(tc.day, func(t *testing.T) {
			p.Clock.Set(figurestest.At(tc.day))
			c := p.Login("lingdao") // a session does not outlive a jump of the clock
			doc := page(t, c, "/", http.StatusOK)
			var q1 *goquery.Selection
			doc.Find(".period-rate-table tbody tr").Each(func(i int, r *goquery.Selection) {
				if cellText(r.Find("th")) == "2015年第1季度" {
					q1 = r
				}
			})
			if q1 == nil {
				t.Fatal("no 2015年第1季度 rate")
			}
			if got := strings.Contains(cellText(q1), "未到期"); got != tc.notDue {
				t.Errorf("period row %q: 未到期 shown %v, want %v", cellText(q1), got, tc.notDue)
			}
			var bar *goquery.Selection
			doc.Find("svg.chart-col g").Each(func(_ int, g *goquery.Selection) {
				if strings.HasPrefix(g.Find("title").Text(), "2015年第1季度:") {
					bar = g
				}
			})
			if bar == nil {
				t.Fatal("no 2015年第1季度 column")
			}
			cls := bar.Find("rect").AttrOr("class", "")
			if (cls == "chart-bar chart-grey") != tc.notDue || (!tc.notDue && cls != "chart-bar chart-yellow") {
				t.Errorf("2015年第1季度 column is %q", cls)
			}
			if title := bar.Find("title").Text(); strings.Contains(title, "未到期") != tc.notDue {
				t.Errorf("column title %q", title)
			}
			var taishan *goquery.Selection
			doc.Find(".unit-rate-table tbody tr").Each(func(_ int, r *goquery.Selection) {
				if cellText(r.Find("th")) == "台山市人民政府" {
					taishan = r
				}
			})
			if taishan == nil {
				t.Fatal("no rate of 台山市人民政府")
			}
			cls = taishan.Find("progress").AttrOr("class", "")
			if (cls == "rate-grey") != tc.unitsNotDue || strings.Contains(cellText(taishan), "未到期") != tc.unitsNotDue {
				t.Errorf("台山's rate %q is %q, not due %v", cellText(taishan), cls, tc.unitsNotDue)
			}
		})
	}
}
