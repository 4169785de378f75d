package web_test

import (
	"net/http"
	"sync/atomic"
	"testing"

	"duban/internal/evidence"
	"duban/internal/store/db"
)

// TestReportWriteStatements bounds the statements a report save and a
// submission run (middleware, handler, workflow, read model), and apart
// the ones on SQLite's one writer: every write queues for it, so a
// statement added there costs every unit's save (the reads before the
// write transaction run beside the queue). Lower the bounds when the path
// gets cheaper.
func TestReportWriteStatements(t *testing.T) {
	e := newFlow(t)
	c := e.signAll("canlian")["canlian"]
	form := formURL(e.CoCanlian, e.Q1)
	var n, w atomic.Int64
	on := atomic.Bool{}
	if err := e.P.App.DB.Observe("writecount", func(st db.Statement) {
		if !st.DryRun && on.Load() {
			n.Add(1)
			if st.Writer {
				w.Add(1)
			}
		}
	}); err != nil {
		t.Fatal(err)
	}
	count := func(what string, max, maxWriter int64, post func() int) {
		t.Helper()
		n.Store(0)
		w.Store(0)
		on.Store(true)
		status := post()
		on.Store(false)
		if status != http.StatusSeeOther {
			t.Fatalf("%s: status %d", what, status)
		}
		if got, gotW := n.Load(), w.Load(); got > max || gotW > maxWriter {
			t.Errorf("%s ran %d statements, %d on the writer; at most %d and %d expected", what, got, gotW, max, maxWriter)
		} else {
			t.Logf("%s: %d statements, %d on the writer", what, got, gotW)
		}
	}
	lock := lockOf(t, c.Get(form))
	count("first save with a file", 21, 17, func() int {
		return postMultipart(t, c, form, reportFields(lock, "save", "进展", 30, "on_track"),
			upload{"佐证.pdf", evidence.SamplePDF("statements")}).StatusCode
	})
	lock = lockOf(t, c.Get(form))
	count("submit", 26, 20, func() int {
		return postMultipart(t, c, form, reportFields(lock, "submit", "进展", 60, "on_track")).StatusCode
	})
}
