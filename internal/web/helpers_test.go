package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"duban/internal/model"
	"duban/internal/store"
	"duban/internal/testutil"
)

// auditEntries returns the audit entries with action, newest first.
func auditEntries(t *testing.T, p *testutil.Portal, action string) []model.AuditEvent {
	t.Helper()
	evs, _, err := p.App.Store.ListAudit(context.Background(), store.AuditFilter{Action: action})
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

func countAudit(t *testing.T, p *testutil.Portal, action string) int {
	t.Helper()
	return len(auditEntries(t, p, action))
}

// auditAddrs is the set of client addresses of the entries with action.
func auditAddrs(t *testing.T, p *testutil.Portal, action string) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	for _, ev := range auditEntries(t, p, action) {
		out[ev.ClientAddr] = true
	}
	return out
}

// snapshot copies the client's cookies, to replay them later from another
// client (as a thief of the cookie would).
func snapshot(p *testutil.Portal, c *testutil.Client) []*http.Cookie {
	u, _ := url.Parse(p.Server.URL)
	var out []*http.Cookie
	for _, ck := range c.HTTP.Jar.Cookies(u) {
		out = append(out, &http.Cookie{Name: ck.Name, Value: ck.Value})
	}
	return out
}

// replay makes a client that carries cookies.
func replay(p *testutil.Portal, cookies []*http.Cookie) *testutil.Client {
	c := p.Client()
	u, _ := url.Parse(p.Server.URL)
	c.HTTP.Jar.SetCookies(u, cookies)
	return c
}

// loggedIn reports whether the client's session is alive: the dashboard
// answers 200 rather than a redirect to the login page.
func loggedIn(t *testing.T, c *testutil.Client) bool {
	t.Helper()
	res := c.Get("/")
	switch {
	case res.StatusCode == http.StatusOK:
		return true
	case res.StatusCode == http.StatusSeeOther && strings.HasPrefix(res.Header.Get("Location"), "/login"):
		return false
	}
	t.Fatalf("GET / = %d → %s", res.StatusCode, res.Header.Get("Location"))
	return false
}

// fixture is a minimal plan (one domain, measures and one period) written
// straight into the database: tests of sixty measures or of backdated rows
// (reports submitted at set times) that the importer and the forms, which
// stamp everything now, cannot write.
type fixture struct {
	measures []int64
	period   int64
}

func seedPlan(t *testing.T, p *testutil.Portal, measures int) fixture {
	t.Helper()
	db := p.App.DB.W
	now := p.Clock.Now().UTC()
	start := time.Date(2014, 6, 17, 0, 0, 0, 0, time.UTC)
	end := time.Date(2015, 12, 31, 0, 0, 0, 0, time.UTC)
	plan := model.Plan{Title: "测试方案", StartOn: start, EndOn: end, Reporting: "quarterly", DueDays: 5, Warnings: "[]", Version: 1, CreatedAt: now, UpdatedAt: now}
	must(t, db.Create(&plan).Error)
	dom := model.Domain{PlanID: plan.ID, Position: 1, Label: "(一)", Title: "基本公共教育"}
	must(t, db.Create(&dom).Error)
	var f fixture
	for i := range measures {
		m := model.Measure{PlanID: plan.ID, DomainID: dom.ID, Position: i + 1, Label: fmt.Sprint(i + 1), Title: fmt.Sprintf("措施%d", i+1),
			DueOn: end, Version: 1, CreatedAt: now, UpdatedAt: now}
		must(t, db.Create(&m).Error)
		f.measures = append(f.measures, m.ID)
	}
	per := model.Period{PlanID: plan.ID, Seq: 1, Label: "2015年第一季度", StartsOn: start, EndsOn: end, DueOn: end}
	must(t, db.Create(&per).Error)
	f.period = per.ID
	return f
}

func assign(t *testing.T, p *testutil.Portal, measureID, unitID int64, role string) int64 {
	t.Helper()
	a := model.Assignment{MeasureID: measureID, UnitID: unitID, Role: role, CreatedAt: p.Clock.Now().UTC()}
	must(t, p.App.DB.W.Create(&a).Error)
	return a.ID
}

func addReport(t *testing.T, p *testutil.Portal, assignmentID, periodID int64) {
	t.Helper()
	now := p.Clock.Now().UTC()
	r := model.Report{AssignmentID: assignmentID, PeriodID: periodID, State: model.ReportDraft, ProgressState: model.ProgressOnTrack,
		LockVersion: 1, CreatedAt: now, UpdatedAt: now}
	must(t, p.App.DB.W.Create(&r).Error)
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func userNamed(t *testing.T, p *testutil.Portal, username string) *model.User {
	t.Helper()
	u, err := p.App.Store.UserByUsername(context.Background(), username)
	must(t, err)
	return u
}

func idStr(n int64) string { return strconv.FormatInt(n, 10) }

// untranslated finds catalog keys shown as text: i18n.T shows an unknown
// key as itself.
var untranslated = regexp.MustCompile(`>\s*(admin|audit|profile|unit|form|login|password|error|nav|role)\.[a-z_.]+\s*<`)

var codeElem = regexp.MustCompile(`<code[^>]*>[^<]*</code>`)

func checkTranslated(t *testing.T, res *testutil.Response) {
	t.Helper()
	body := codeElem.ReplaceAllString(res.Body, "") // action codes are shown as such
	if m := untranslated.FindString(body); m != "" {
		t.Errorf("%s shows an untranslated key: %s", res.Request.URL.Path, m)
	}
}

type goquerySelection = goquery.Selection

func atoi(s string) int64 {
	n, _ := strconv.ParseInt(s, 10, 64)
	return n
}
