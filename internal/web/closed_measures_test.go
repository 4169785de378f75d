package web_test

import (
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"duban/internal/testutil"
)

// TestClosedMeasuresOweNothing: on a unit's dashboard, a closed (办结)
// measure says 已办结 where the current period's state would be, never
// 未填报.
func TestClosedMeasuresOweNothing(t *testing.T) {
	p := testutil.Start(t, testutil.WithDemoHistory())
	closed := 0
	for _, who := range []string{"jiaoyuju", "canlian", "taishan"} {
		doc := p.Login(who).Get("/").Doc(t)
		doc.Find(".my-measures tbody tr").Each(func(_ int, tr *goquery.Selection) {
			if tr.Find(".badge-closed").Length() == 0 {
				return
			}
			closed++
			if strings.Contains(tr.Text(), "未填报") {
				t.Errorf("%s: closed measure row says 未填报: %s", who, strings.Join(strings.Fields(tr.Text()), " "))
			}
		})
	}
	if closed == 0 {
		t.Fatal("no closed measure on any demo unit's dashboard")
	}
}
