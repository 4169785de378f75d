package web_test

import (
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"duban/internal/model"
	"duban/internal/testutil"
)

// TestReviewQueuePages: the office's 待审核 queue shows 50 reports a page,
// oldest first, says how many wait in all, and pages on / and /todo alike
// (a page past the end shows the last one).
func TestReviewQueuePages(t *testing.T) {
	p := testutil.Start(t, testutil.DemoWithoutPlan())
	f := seedPlan(t, p, 60)
	unit := testutil.UnitNamed(t, p, "市教育局")
	// Rows go in directly: the queue's order is by submission time, which
	// the product only ever sets to now.
	db := p.App.DB.W
	base := time.Date(2015, 3, 1, 0, 0, 0, 0, time.UTC)
	var asg []int64
	for i, m := range f.measures {
		a := assign(t, p, m, unit.ID, model.AssignLead)
		asg = append(asg, a)
		at := base.Add(time.Duration(i) * time.Hour)
		r := model.Report{AssignmentID: a, PeriodID: f.period, State: model.ReportSubmitted, ProgressState: model.ProgressOnTrack,
			VersionNo: 1, LockVersion: 1, SubmittedAt: &at, CreatedAt: at, UpdatedAt: at}
		must(t, db.Create(&r).Error)
	}
	rv := p.Login("duchashi")
	sender := userNamed(t, p, "duchashi")
	for i, a := range asg[:55] {
		at := base.Add(time.Duration(i) * time.Minute)
		must(t, db.Create(&model.Prompt{UnitID: unit.ID, AssignmentID: &a, PeriodID: &f.period, SenderID: sender.ID,
			Message: "催办" + strconv.Itoa(i+1), CreatedAt: at}).Error)
	}
	for _, path := range []string{"/", "/todo"} {
		// 待处理 pages on its own parameter, the other list staying put.
		res := rv.Get(path + "?prompts_page=2&page=2")
		mustStatus(t, res, 200, "reviewer "+path+" open prompts page 2")
		open := res.Doc(t).Find("#todo-open-prompts")
		if got := cellText(open.Find("h2 .badge")); got != "55" {
			t.Errorf("%s: %q open prompts, want 55", path, got)
		}
		if n := open.Find("tbody tr").Length(); n != 5 {
			t.Errorf("%s: %d open prompts on page 2, want 5", path, n)
		}
		if n := res.Doc(t).Find("#todo-reviews tbody tr").Length(); n != 10 {
			t.Errorf("%s: the review queue left its page 2 (%d rows)", path, n)
		}
		open.Find("nav.pager a[href]").Each(func(_ int, a *goquery.Selection) {
			if u, _ := url.Parse(a.AttrOr("href", "")); u.Query().Get("page") != "2" {
				t.Errorf("%s: a 待处理 page link drops the review page: %s", path, u)
			}
		})
	}
	// The review queue alone, with the prompts resolved.
	must(t, db.Model(&model.Prompt{}).Where("resolved_at IS NULL").Update("resolved_at", base).Error)
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

// TestInboxBadgeStopsAt99: the navigation counts unread notifications up
// to 99 and then says 99+, whatever the inbox holds; the inbox itself
// still says how many.
func TestInboxBadgeStopsAt99(t *testing.T) {
	p := testutil.Start(t, testutil.DemoWithoutPlan())
	u := userNamed(t, p, "duchashi")
	rv := p.Login("duchashi")
	add := func(n int) {
		// Straight in: a hundred 催办 through the product would need a
		// hundred assignments owing a report.
		for i := range n {
			must(t, p.App.DB.W.Create(&model.Notification{UserID: u.ID, Kind: "prompt", ObjectType: "prompt", ObjectID: int64(i + 1),
				Message: "msg", CreatedAt: time.Date(2015, 3, 1, 0, 0, 0, 0, time.UTC)}).Error)
		}
	}
	badge := func() string { return wfText(t, rv.Get("/profile"), ".main-nav a[href='/inbox'] .nav-count") }
	add(99)
	if got := badge(); got != "99" {
		t.Fatalf("99 unread: badge %q", got)
	}
	add(51)
	if got := badge(); got != "99+" {
		t.Fatalf("150 unread: badge %q", got)
	}
	if res := rv.Get("/inbox"); !strings.Contains(res.Body, "150") {
		t.Fatal("the inbox does not say 150 unread")
	}
}
