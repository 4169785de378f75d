package api_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"duban/internal/api"
	"duban/internal/auth"
	"duban/internal/model"
	"duban/internal/store"
	"duban/internal/testutil"
	"duban/internal/workflow"
)

// benchAPI sends one API request and drains the answer.
func benchAPI(b *testing.B, p *testutil.Portal, token, method, path string, body []byte, hdr ...string) int {
	req, _ := http.NewRequest(method, p.Server.URL+api.Prefix+path, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode
}

func benchToken(b *testing.B, p *testutil.Portal, username string) string {
	u, err := p.App.Store.UserByUsername(b.Context(), username)
	if err != nil {
		b.Fatal(err)
	}
	secret, _, err := auth.NewTokens(p.App.Store, p.Clock).Create(b.Context(), store.ActorOf(u, "bench"), u.ID, auth.NewToken{Name: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	return secret
}

// BenchmarkLedgerAPIvsPage times GET /api/v1/ledger?plan=… (first page of
// 50 rows, JSON) beside the /ledger page (first page of 50 rows, HTML) on
// the demo plan with its reporting history, alternating the two in one
// loop; it reports each one's time per request and their ratio.
func BenchmarkLedgerAPIvsPage(b *testing.B) {
	p := testutil.Start(b, testutil.WithDemoHistory())
	p.App.Server.API.SetRate(1e6, 1e6)
	tok := benchToken(b, p, "duchashi")
	page := p.Login("duchashi")
	plans, _ := p.App.Store.ListPlans(b.Context())
	plan := strconv.FormatInt(plans[0].ID, 10)
	var apiTime, pageTime time.Duration
	b.ResetTimer()
	for b.Loop() {
		t0 := time.Now()
		if s := benchAPI(b, p, tok, "GET", "/ledger?plan="+plan, nil); s != http.StatusOK {
			b.Fatalf("api ledger: %d", s)
		}
		t1 := time.Now()
		if res := page.Get("/ledger?plan=" + plan); res.StatusCode != http.StatusOK {
			b.Fatalf("page ledger: %d", res.StatusCode)
		}
		apiTime += t1.Sub(t0)
		pageTime += time.Since(t1)
	}
	reportPair(b, apiTime, pageTime)
}

func reportPair(b *testing.B, apiTime, pageTime time.Duration) {
	n := float64(b.N)
	b.ReportMetric(float64(apiTime.Microseconds())/n, "api-µs/req")
	b.ReportMetric(float64(pageTime.Microseconds())/n, "page-µs/req")
	b.ReportMetric(n/apiTime.Seconds(), "api-req/s")
	b.ReportMetric(n/pageTime.Seconds(), "page-req/s")
	b.ReportMetric(apiTime.Seconds()/pageTime.Seconds(), "api/page-time")
}

// BenchmarkSubmitAPIvsPage times a report submission through the API (JSON,
// If-Match) beside the report form's POST, on two assignments of one
// unit; after each submission the office returns the report (untimed), so
// the next one is a resubmission.
func BenchmarkSubmitAPIvsPage(b *testing.B) {
	p := testutil.Start(b)
	p.App.Server.API.SetRate(1e6, 1e6)
	ctx := b.Context()
	tok := benchToken(b, p, "jiaoyuju")
	page := p.Login("jiaoyuju")
	unit, _ := p.App.Store.UserByUsername(ctx, "jiaoyuju")
	office, _ := p.App.Store.UserByUsername(ctx, "duchashi")
	all, err := p.App.Store.AssignmentRowsOfUnit(ctx, unit.UnitIDOr0())
	if err != nil {
		b.Fatal(err)
	}
	var rows []store.AssignmentRow // official reports: the office returns them
	for _, r := range all {
		if r.Role == model.AssignLead {
			rows = append(rows, r)
		}
	}
	if len(rows) < 2 {
		b.Fatalf("%d lead assignments", len(rows))
	}
	flow := workflow.New(p.App.Store, nil)
	periods, _ := p.App.Store.PeriodsOf(ctx, rows[0].PlanID)
	var period model.Period
	for _, pe := range periods {
		if !pe.StartsOn.After(p.Clock.Now()) {
			period = pe
		}
	}
	ua, oa := store.ActorOf(unit, "bench"), store.ActorOf(office, "bench")
	apiAsg, pageAsg := rows[0], rows[1]
	for _, r := range []store.AssignmentRow{apiAsg, pageAsg} {
		if err := flow.Sign(ctx, ua, r.ID); err != nil {
			b.Fatal(err)
		}
	}
	lockOf := func(asg int64) int {
		r, err := p.App.Store.ReportOf(ctx, asg, period.ID)
		if err != nil {
			return 0
		}
		return r.LockVersion
	}
	giveBack := func(asg int64) {
		r, err := p.App.Store.ReportOf(ctx, asg, period.ID)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := flow.Review(ctx, oa, r.ID, r.LockVersion, store.DecisionReturn, "bench"); err != nil {
			b.Fatal(err)
		}
	}
	body, _ := json.Marshal(map[string]any{"progress_state": "on_track", "percent": 50, "progress": "进展顺利，按计划推进。"})
	apiPath := "/assignments/" + strconv.FormatInt(apiAsg.ID, 10) + "/periods/" + strconv.FormatInt(period.ID, 10) + "/report/submit"
	pagePath := "/assignments/" + strconv.FormatInt(pageAsg.ID, 10) + "/periods/" + strconv.FormatInt(period.ID, 10)
	var apiTime, pageTime time.Duration
	b.ResetTimer()
	for b.Loop() {
		lock := strconv.Itoa(lockOf(apiAsg.ID))
		t0 := time.Now()
		if s := benchAPI(b, p, tok, "POST", apiPath, body, "If-Match", `"`+lock+`"`); s != http.StatusOK {
			b.Fatalf("api submit: %d", s)
		}
		apiTime += time.Since(t0)
		giveBack(apiAsg.ID)

		form := url.Values{"action": {"submit"}, "progress_state": {"on_track"}, "percent": {"50"},
			"progress": {"进展顺利，按计划推进。"}, "lock_version": {strconv.Itoa(lockOf(pageAsg.ID))}}
		t1 := time.Now()
		if res := page.PostForm(pagePath, form); res.StatusCode != http.StatusSeeOther {
			b.Fatalf("page submit: %d %.300s", res.StatusCode, res.Body)
		}
		pageTime += time.Since(t1)
		giveBack(pageAsg.ID)
	}
	reportPair(b, apiTime, pageTime)
}
