package store_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"gorm.io/driver/postgres"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"duban/internal/clock"
	"duban/internal/db"
	"duban/internal/store"
	"duban/internal/testutil"
)

// backend is a freshly migrated database of one dialect, with a separate
// raw connection that plays someone editing the database file directly.
type backend struct {
	st  *store.Store
	raw *gorm.DB
	clk *clock.Fake
}

func eachBackend(t *testing.T, fn func(t *testing.T, b backend)) {
	dialects := []struct {
		name string
		open func(t *testing.T) (dsn string, raw gorm.Dialector)
	}{
		{"sqlite", func(t *testing.T) (string, gorm.Dialector) {
			path := filepath.Join(t.TempDir(), "duban.db")
			return path, sqlite.Open("file:" + path + "?_busy_timeout=10000")
		}},
		{"postgres", func(t *testing.T) (string, gorm.Dialector) {
			u := testutil.PostgresURL(t)
			return u, postgres.Open(u)
		}},
	}
	for _, d := range dialects {
		t.Run(d.name, func(t *testing.T) {
			ctx := context.Background()
			dsn, rawDialector := d.open(t)
			handle, err := db.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { handle.Close() })
			if _, err := handle.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			raw, err := gorm.Open(rawDialector, &gorm.Config{Logger: logger.Discard})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				if s, err := raw.DB(); err == nil {
					s.Close()
				}
			})
			now, _ := clock.ParseNow("2015-04-03")
			clk := clock.NewFake(now)
			fn(t, backend{st: store.New(handle, clk), raw: raw, clk: clk})
		})
	}
}

func appendEntries(t *testing.T, b backend, n int) {
	t.Helper()
	for i := range n {
		b.clk.Advance(time.Second)
		err := b.st.Audit(context.Background(), nil, store.Actor{UserID: 1, Username: "admin", Role: "admin", ClientAddr: "192.0.2.1"},
			store.AuditEntry{Action: "user.update", ObjectType: "user", ObjectID: int64(i + 1), Old: map[string]any{"role": "unit"}, New: map[string]any{"role": "viewer"}})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestAuditLogIsAppendOnly(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		appendEntries(t, b, 3)
		for _, stmt := range []string{
			`UPDATE audit_events SET new_value = '{"role":"admin"}' WHERE id = 2`,
			`DELETE FROM audit_events WHERE id = 2`,
			`DELETE FROM audit_events`,
		} {
			if err := b.raw.Exec(stmt).Error; err == nil {
				t.Errorf("%s succeeded on the audit log", stmt)
			}
		}
		if b.raw.Dialector.Name() == "postgres" {
			if err := b.raw.Exec("TRUNCATE audit_events").Error; err == nil {
				t.Error("TRUNCATE succeeded on the audit log")
			}
		}
		broken, n, err := b.st.VerifyAudit(context.Background())
		if err != nil || broken != 0 || n != 3 {
			t.Fatalf("VerifyAudit = %d, %d, %v; want an intact chain of 3", broken, n, err)
		}
	})
}

// TestVerifyAuditFindsTampering removes the append-only trigger the way an
// intruder with database access could, then edits or deletes an entry:
// the hash chain names the first entry that no longer fits.
func TestVerifyAuditFindsTampering(t *testing.T) {
	dropTriggers := map[string][]string{
		"sqlite":   {"DROP TRIGGER audit_events_no_update", "DROP TRIGGER audit_events_no_delete"},
		"postgres": {"DROP TRIGGER audit_events_no_update ON audit_events"},
	}
	tests := []struct {
		name       string
		tamper     string
		wantBroken int64
	}{
		{"edited value", `UPDATE audit_events SET new_value = '{"role":"admin"}' WHERE id = 3`, 3},
		{"edited actor", `UPDATE audit_events SET actor_name = 'someone' WHERE id = 4`, 4},
		{"deleted entry", `DELETE FROM audit_events WHERE id = 2`, 3},
		{"rehashed entry", `UPDATE audit_events SET new_value = '{}', hash = 'f00d' WHERE id = 2`, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			eachBackend(t, func(t *testing.T, b backend) {
				appendEntries(t, b, 5)
				for _, s := range dropTriggers[b.raw.Dialector.Name()] {
					if err := b.raw.Exec(s).Error; err != nil {
						t.Fatal(err)
					}
				}
				if err := b.raw.Exec(tt.tamper).Error; err != nil {
					t.Fatal(err)
				}
				broken, _, err := b.st.VerifyAudit(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				if broken != tt.wantBroken {
					t.Fatalf("VerifyAudit reports entry %d, want %d", broken, tt.wantBroken)
				}
			})
		})
	}
}
