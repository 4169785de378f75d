package web_test

import (
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"duban/internal/model"
	"duban/internal/testutil"
)

// TestReviewQueuePages: the office's 待审核 queue shows 50 reports a page,
// oldest first, says how many wait in all, and pages on / and /todo alike
// (a page past the end shows the last one).
func TestReviewQueuePages(t *testing.T) {
	p := testutil.Start(t, testutil.DemoWithoutPlan())
	f := seedPlan(t, p, 60)
	unit := unitNamed(t, p, "市教育局")
	db := p.App.DB.W
	base := time.Date(2015, 3, 1, 0, 0, 0, 0, time.UTC)
	for i, m := range f.measures {
		a := assign(t, p, m, unit.ID, model.AssignLead)
		at := base.Add(time.Duration(i) * time.Hour)
		r := model.Report{AssignmentID: a, PeriodID: f.period, State: model.ReportSubmitted, ProgressState: model.ProgressOnTrack,
			VersionNo: 1, LockVersion: 1, SubmittedAt: &at, CreatedAt: at, UpdatedAt: at}
		must(t, db.Create(&r).Error)
	}
	rv := p.Login("duchashi")
	for _, path := range []string{"/", "/todo"} {
		for _, tc := range []struct {
			page        string
			rows, first int // rows shown and the measure number of the first
		}{{"", 50, 1}, {"2", 10, 51}, {"99", 10, 51}} {
			u := path
			if tc.page != "" {
				u += "?page=" + tc.page
			}
			res := rv.Get(u)
			mustStatus(t, res, 200, "reviewer "+u)
			doc := res.Doc(t)
			queue := doc.Find("#todo-reviews")
			if got := cellText(queue.Find("h2 .badge")); got != "60" {
				t.Errorf("%s: the queue says %q waiting, want 60", u, got)
			}
			rows := queue.Find("tbody tr")
			if rows.Length() != tc.rows {
				t.Fatalf("%s: %d reports on the page, want %d", u, rows.Length(), tc.rows)
			}
			if got, want := cellText(rows.First().Find("td").First()), "措施"+strconv.Itoa(tc.first); !strings.HasSuffix(got, want) {
				t.Errorf("%s: first report %q, want %s (oldest first)", u, got, want)
			}
			page := 1
			if tc.page != "" {
				page = 2
			}
			pagerOf(t, doc, url.Values{}, page)
		}
	}
}
