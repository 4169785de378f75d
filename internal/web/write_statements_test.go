package web_test

import (
	"net/http"
	"sync/atomic"
	"testing"

	"duban/internal/evidence"
	"duban/internal/store/db"
)

// TestReportWriteStatements bounds the statements a report save and a
// submission run (middleware, handler, workflow, read model): every write
// queues for SQLite's one writer, so a statement added to this path costs
// every unit's save. Lower the bounds when the path gets cheaper.
func TestReportWriteStatements(t *testing.T) {
	e := newFlow(t)
	c := e.signAll("canlian")["canlian"]
	form := formURL(e.CoCanlian, e.Q1)
	var n atomic.Int64
	on := atomic.Bool{}
	if err := e.P.App.DB.Observe("writecount", func(st db.Statement) {
		if !st.DryRun && on.Load() {
			n.Add(1)
		}
	}); err != nil {
		t.Fatal(err)
	}
	count := func(what string, max int64, post func() int) {
		t.Helper()
		n.Store(0)
		on.Store(true)
		status := post()
		on.Store(false)
		if status != http.StatusSeeOther {
			t.Fatalf("%s: status %d", what, status)
		}
		if got := n.Load(); got > max {
			t.Errorf("%s ran %d statements, at most %d expected", what, got, max)
		} else {
			t.Logf("%s: %d statements", what, got)
		}
	}
	lock := lockOf(t, c.Get(form))
	count("first save with a file", 27, func() int {
		return postMultipart(t, c, form, reportFields(lock, "save", "进展", 30, "on_track"),
			upload{"佐证.pdf", evidence.SamplePDF("statements")}).StatusCode
	})
	lock = lockOf(t, c.Get(form))
	count("submit", 33, func() int {
		return postMultipart(t, c, form, reportFields(lock, "submit", "进展", 60, "on_track")).StatusCode
	})
}
