package store_test

import (
	"context"
	"net/http"
	"testing"

	"duban/internal/testutil"
)

// TestPostgresRoundTrip runs the portal on PostgreSQL: migrations, the demo
// seed, a plan tree written and read back, the audit chain, and a login
// through the real router.
func TestPostgresRoundTrip(t *testing.T) {
	p := testutil.Start(t, testutil.WithDB(testutil.PostgresURL(t)))
	st := p.App.Store
	ctx := context.Background()
	f := testutil.SeedFixture(t, st)
	got, err := st.PlanByID(ctx, f.Plan.ID)
	if err != nil || got.Title != f.Plan.Title || !got.StartOn.Equal(f.Plan.StartOn) {
		t.Fatalf("plan read back = %+v, %v", got, err)
	}
	as, err := st.AssignmentsOfPlan(ctx, f.Plan.ID)
	if err != nil || len(as) != 8 {
		t.Fatalf("assignments = %d, %v", len(as), err)
	}
	c := p.Login("duchashi")
	if res := c.Get("/"); res.StatusCode != http.StatusOK {
		t.Fatalf("dashboard on PostgreSQL = %d", res.StatusCode)
	}
	if id, n, err := st.VerifyAudit(ctx); err != nil || id != 0 || n < 2 {
		t.Fatalf("audit chain on PostgreSQL: broken=%d n=%d err=%v", id, n, err)
	}
	// The audit log refuses edits on PostgreSQL too.
	if err := st.DB().W.Exec("UPDATE audit_events SET action = 'x'").Error; err == nil {
		t.Fatal("UPDATE on audit_events succeeded")
	}
	if err := st.DB().W.Exec("DELETE FROM audit_events").Error; err == nil {
		t.Fatal("DELETE on audit_events succeeded")
	}
}
