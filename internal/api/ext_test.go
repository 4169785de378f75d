package api_test

import (
	"net/http"
	"net/url"
	"testing"
)

// TestExtensionsAndInstructions: a unit asks for a later deadline through
// the API, the office approves it, the record shows the new deadline; the
// lead unit answers a leader's instruction once; another unit can do
// neither.
func TestExtensionsAndInstructions(t *testing.T) {
	e := start(t)
	pr := demoPair(t, e.p)
	co, lead, office, stranger := e.tokens(pr)
	third := pr.third()

	want(t, e.call(co, "POST", path("/assignments/%d/extensions", pr.coAsg), m{"reason": "需协调资金"}), http.StatusUnprocessableEntity)
	want(t, e.call(stranger, "POST", path("/assignments/%d/extensions", pr.coAsg), m{"proposed_on": "2015-12-31", "reason": "x"}), http.StatusNotFound)
	var ext struct {
		ID    int64  `json:"id"`
		State string `json:"state"`
	}
	want(t, e.call(co, "POST", path("/assignments/%d/extensions", pr.coAsg), m{"proposed_on": "2016-06-30", "reason": "需协调资金"}), http.StatusOK).json(t, &ext)
	if ext.State != "pending" {
		t.Fatalf("extension %+v", ext)
	}
	want(t, e.call(co, "POST", path("/assignments/%d/extensions", pr.coAsg), m{"proposed_on": "2016-06-30", "reason": "again"}), http.StatusConflict)
	want(t, e.call(office, "POST", path("/extensions/%d/decide", ext.ID), m{"decision": "reject"}), http.StatusUnprocessableEntity)
	want(t, e.call(office, "POST", path("/extensions/%d/decide", ext.ID), m{"decision": "approve"}), http.StatusOK).json(t, &ext)
	if ext.State != "approved" {
		t.Fatalf("decided %+v", ext)
	}
	var rec struct {
		Deadlines []struct {
			AssignmentID int64  `json:"assignment_id"`
			Adjusted     string `json:"adjusted"`
		} `json:"deadlines"`
		Extensions []struct {
			State string `json:"state"`
		} `json:"extensions"`
	}
	want(t, e.call(co, "GET", path("/measures/%d/record", pr.measure), nil), http.StatusOK).json(t, &rec)
	found := false
	for _, d := range rec.Deadlines {
		if d.AssignmentID == pr.coAsg && d.Adjusted == "2016-06-30" {
			found = true
		}
	}
	if !found || len(rec.Extensions) != 1 || rec.Extensions[0].State != "approved" {
		t.Fatalf("record: %+v", rec)
	}

	// A leader's instruction, answered once by the lead unit.
	ins := e.instruction(pr.measure, "请加快进度。")
	// Another unit is refused as the page refuses it (the same service).
	page := e.p.Login(third).PostForm(path("/instructions/%d/answer", ins.ID), url.Values{"reply": {"x"}})
	if page.StatusCode < 400 {
		t.Fatalf("the page let another unit answer: %d", page.StatusCode)
	}
	want(t, e.call(stranger, "POST", path("/instructions/%d/answer", ins.ID), m{"reply": "x"}), page.StatusCode)
	want(t, e.call(lead, "POST", path("/instructions/%d/answer", ins.ID), m{"reply": "已部署落实。"}), http.StatusOK)
	want(t, e.call(lead, "POST", path("/instructions/%d/answer", ins.ID), m{"reply": "again"}), http.StatusConflict)
	var rec2 struct {
		Instructions []struct {
			Reply string `json:"reply"`
		} `json:"instructions"`
	}
	want(t, e.call(office, "GET", path("/measures/%d/record", pr.measure), nil), http.StatusOK).json(t, &rec2)
	if len(rec2.Instructions) != 1 || rec2.Instructions[0].Reply != "已部署落实。" {
		t.Fatalf("instructions: %+v", rec2)
	}
}
