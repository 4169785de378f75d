package web_test

import (
	"context"
	"testing"

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
