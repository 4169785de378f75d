package api_test

import (
	"bytes"
	"net/http"
	"slices"
	"testing"

	"duban/internal/evidence"
	"duban/internal/testutil"
)

type reportJSON struct {
	ID             int64    `json:"id"`
	State          string   `json:"state"`
	LockVersion    int      `json:"lock_version"`
	VersionNo      int      `json:"version_no"`
	AllowedActions []string `json:"allowed_actions"`
	Current        *struct {
		Progress string `json:"progress"`
		Files    []struct {
			ID int64 `json:"id"`
		} `json:"files"`
	} `json:"current"`
	Attachments []struct {
		ID       int64  `json:"id"`
		Name     string `json:"name"`
		Download string `json:"download"`
	} `json:"attachments"`
	Reviews []struct {
		Decision string `json:"decision"`
		Reason   string `json:"reason"`
	} `json:"reviews"`
}

type problemJSON struct {
	Status  int               `json:"status"`
	Code    string            `json:"code"`
	Detail  string            `json:"detail"`
	Fields  map[string]string `json:"fields"`
	Current *reportJSON       `json:"current"`
}

// currentPeriod is the newest period of an assignment that has started.
func currentPeriod(t *testing.T, e *env, token string, asg int64) int64 {
	t.Helper()
	var a struct {
		Periods []struct {
			Period struct {
				ID       int64  `json:"id"`
				StartsOn string `json:"starts_on"`
			} `json:"period"`
		} `json:"periods"`
	}
	want(t, e.call(token, "GET", path("/assignments/%d", asg), nil), http.StatusOK).json(t, &a)
	today := e.p.Clock.Now().Format("2006-01-02")
	var id int64
	for _, p := range a.Periods {
		if p.Period.StartsOn <= today {
			id = p.Period.ID
		}
	}
	if id == 0 {
		t.Fatal("no period has started")
	}
	return id
}

// TestJourney walks the whole unit journey through the API alone: a
// co-unit signs, saves a draft with a file, submits; the lead unit
// approves that input, signs and submits its own report; the office
// returns it, the lead resubmits, the office approves and closes the
// measure. Every answer is checked against the OpenAPI document.
func TestJourney(t *testing.T) {
	journey(t, start(t))
}

// TestJourneyPostgres runs the journey on PostgreSQL.
func TestJourneyPostgres(t *testing.T) {
	journey(t, start(t, testutil.WithDB(testutil.PostgresURL(t))))
}

func journey(t *testing.T, e *env) {
	pr := demoPair(t, e.p)
	co, lead, office := e.token(pr.co, noScope), e.token(pr.lead, noScope), e.token("duchashi", noScope)
	period := currentPeriod(t, e, co, pr.coAsg)

	// 签收, once.
	var asg struct {
		Signed bool `json:"signed"`
	}
	want(t, e.call(co, "POST", path("/assignments/%d/sign", pr.coAsg), nil), http.StatusOK).json(t, &asg)
	if !asg.Signed {
		t.Fatal("not signed")
	}
	want(t, e.call(co, "POST", path("/assignments/%d/sign", pr.coAsg), nil), http.StatusConflict)

	// A draft with evidence; a file of a refused type keeps nothing.
	form := path("/assignments/%d/periods/%d/report", pr.coAsg, period)
	draft := m{"progress_state": "on_track", "percent": 40, "progress": "协办单位已完成摸底调查。"}
	var p problemJSON
	want(t, e.call(co, "PUT", form, reportWithFiles(t, draft, map[string][]byte{"run.exe": []byte("MZ....")})), http.StatusUnprocessableEntity).json(t, &p)
	if p.Fields["files"] == "" {
		t.Fatalf("refused file not named: %+v", p)
	}
	pdf := evidence.SamplePDF("evidence")
	res := want(t, e.call(co, "PUT", form, reportWithFiles(t, draft, map[string][]byte{"摸底表.pdf": pdf})), http.StatusOK)
	var rep reportJSON
	res.json(t, &rep)
	if rep.State != "draft" || len(rep.Attachments) != 1 || rep.Current == nil || rep.Current.Progress != draft["progress"] {
		t.Fatalf("draft: %s", res.Body)
	}
	etag := res.Header.Get("ETag")

	// Submit, with the draft's lock version.
	res = want(t, e.call(co, "POST", form+"/submit", draft, "If-Match", etag), http.StatusOK)
	res.json(t, &rep)
	if rep.State != "submitted" || rep.VersionNo != 1 {
		t.Fatalf("submitted: %s", res.Body)
	}
	coReport := rep.ID

	// Lead consolidation: the lead unit reads its co-unit's input with the
	// evidence and approves it; a stale If-Match gets 409 and the report.
	want(t, e.call(lead, "POST", path("/assignments/%d/sign", pr.leadAsg), nil), http.StatusOK)
	res = want(t, e.call(lead, "GET", path("/reports/%d", coReport), nil), http.StatusOK)
	res.json(t, &rep)
	if !slices.Contains(rep.AllowedActions, "approve") || len(rep.Attachments) != 1 {
		t.Fatalf("lead's view of the input: %s", res.Body)
	}
	want(t, e.call(lead, "GET", path("/reports/%d", coReport), nil, "If-None-Match", res.Header.Get("ETag")), http.StatusNotModified)
	file := e.call(lead, "GET", rep.Attachments[0].Download[len("/api/v1"):], nil)
	if file.Status != http.StatusOK || !bytes.Equal(file.Body, pdf) {
		t.Fatalf("download: %d, %d bytes", file.Status, len(file.Body))
	}
	want(t, e.call(lead, "POST", path("/reports/%d/review", coReport), m{"decision": "approve"}, "If-Match", `"0"`), http.StatusConflict).json(t, &p)
	if p.Current == nil || p.Current.State != "submitted" {
		t.Fatalf("409 without the current report: %+v", p)
	}
	res = want(t, e.call(lead, "POST", path("/reports/%d/review", coReport), m{"decision": "approve"}, "If-Match", res.Header.Get("ETag")), http.StatusOK)
	res.json(t, &rep)
	if rep.State != "approved" {
		t.Fatalf("input not approved: %s", res.Body)
	}

	// The lead's official report, done.
	leadForm := path("/assignments/%d/periods/%d/report", pr.leadAsg, period)
	official := m{"progress_state": "done", "percent": 100, "progress": "牵头单位汇总各协办单位材料，任务已完成。"}
	res = want(t, e.call(lead, "PUT", leadForm, official), http.StatusOK)
	res = want(t, e.call(lead, "POST", leadForm+"/submit", official, "If-Match", res.Header.Get("ETag")), http.StatusOK)
	res.json(t, &rep)
	leadReport := rep.ID

	// The office finds it in the 台账, returns it (a reason is required),
	// the lead resubmits, the office approves.
	var ledger struct {
		Items []struct {
			AssignmentID int64  `json:"assignment_id"`
			State        string `json:"state"`
		} `json:"items"`
	}
	want(t, e.call(office, "GET", path("/ledger?plan=%d&state=submitted", pr.plan), nil), http.StatusOK).json(t, &ledger)
	if !slices.ContainsFunc(ledger.Items, func(r struct {
		AssignmentID int64  `json:"assignment_id"`
		State        string `json:"state"`
	}) bool {
		return r.AssignmentID == pr.leadAsg
	}) {
		t.Fatalf("the submitted report is not in the ledger: %+v", ledger.Items)
	}
	want(t, e.call(office, "POST", path("/reports/%d/review", leadReport), m{"decision": "return"}, "If-Match", res.Header.Get("ETag")), http.StatusUnprocessableEntity).json(t, &p)
	if p.Fields["reason"] == "" {
		t.Fatalf("return without reason: %+v", p)
	}
	res = want(t, e.call(office, "POST", path("/reports/%d/review", leadReport), m{"decision": "return", "reason": "请补充量化数据。"}, "If-Match", res.Header.Get("ETag")), http.StatusOK)
	res.json(t, &rep)
	if rep.State != "returned" {
		t.Fatalf("not returned: %s", res.Body)
	}
	official["progress"] = "牵头单位汇总各协办单位材料，任务已完成，覆盖 12 所学校。"
	res = want(t, e.call(lead, "POST", leadForm+"/submit", official, "If-Match", lockOf(t, e, lead, leadReport)), http.StatusOK)
	res.json(t, &rep)
	if rep.State != "submitted" || rep.VersionNo != 2 {
		t.Fatalf("resubmitted: %s", res.Body)
	}
	res = want(t, e.call(office, "POST", path("/reports/%d/review", leadReport), m{"decision": "approve"}, "If-Match", res.Header.Get("ETag")), http.StatusOK)
	res.json(t, &rep)
	if rep.State != "approved" || len(rep.Reviews) != 2 {
		t.Fatalf("approved: %s", res.Body)
	}

	// 办结, once.
	var ms struct {
		Closed bool `json:"closed"`
	}
	want(t, e.call(office, "POST", path("/measures/%d/close", pr.measure), m{"note": "任务完成，予以办结。"}), http.StatusOK).json(t, &ms)
	if !ms.Closed {
		t.Fatal("measure not closed")
	}
	want(t, e.call(office, "POST", path("/measures/%d/close", pr.measure), m{}), http.StatusConflict)
	var detail struct {
		Closed bool `json:"closed"`
		Light  struct {
			Color string `json:"color"`
		} `json:"light"`
	}
	want(t, e.call(lead, "GET", path("/assignments/%d", pr.leadAsg), nil), http.StatusOK).json(t, &detail)
	if !detail.Closed || detail.Light.Color != "blue" {
		t.Fatalf("after closing: %+v", detail)
	}
	// The same state machine answers the pages: the report page shows the
	// approved state to the lead unit.
	if body := e.p.Login(pr.lead).Get(path("/reports/%d", leadReport)).Body; !bytes.Contains([]byte(body), []byte("覆盖 12 所学校")) {
		t.Fatal("the page does not show the report written through the API")
	}
}

// lockOf reads a report's ETag.
func lockOf(t *testing.T, e *env, token string, id int64) string {
	t.Helper()
	return want(t, e.call(token, "GET", path("/reports/%d", id), nil), http.StatusOK).Header.Get("ETag")
}
