package store_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"gorm.io/driver/postgres"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"duban/internal/clock"
	"duban/internal/model"
	"duban/internal/store"
	"duban/internal/store/db"
	"duban/internal/testutil"
)

// backend is a freshly migrated database of one dialect, with a separate
// raw connection that plays someone editing the database file directly.
type backend struct {
	st      *store.Store
	handle  *db.DB
	raw     *gorm.DB
	clk     *clock.Fake
	dsn     string
	dataDir string
}

func eachBackend(t *testing.T, fn func(t *testing.T, b backend)) {
	eachBackendBefore(t, nil, fn)
}

// eachBackendBefore runs before (if any) on the migrated database before the
// store loads its audit key, e.g. to write entries of the unkeyed scheme.
func eachBackendBefore(t *testing.T, before func(t *testing.T, raw *gorm.DB), fn func(t *testing.T, b backend)) {
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
			if before != nil {
				before(t, raw)
			}
			now, _ := clock.ParseNow("2015-04-03")
			clk := clock.NewFake(now)
			dataDir := t.TempDir()
			st := store.New(handle, clk)
			if err := st.OpenAuditChain(ctx, dataDir); err != nil {
				t.Fatal(err)
			}
			fn(t, backend{st: st, handle: handle, raw: raw, clk: clk, dsn: dsn, dataDir: dataDir})
		})
	}
}

var testActor = store.Actor{UserID: 1, Username: "admin", Role: "admin", ClientAddr: "192.0.2.1"}

func appendEntries(t *testing.T, b backend, n int) {
	t.Helper()
	for i := range n {
		b.clk.Advance(time.Second)
		err := b.st.Audit(context.Background(), testActor,
			store.AuditEntry{Action: "user.update", ObjectType: "user", ObjectID: int64(i + 1), Old: map[string]any{"role": "unit"}, New: map[string]any{"role": "viewer"}})
		if err != nil {
			t.Fatal(err)
		}
	}
}

var dropGuards = map[string][]string{
	"sqlite":   {"DROP TRIGGER audit_events_seal_only", "DROP TRIGGER audit_events_no_delete"},
	"postgres": {"DROP TRIGGER audit_events_guard_update ON audit_events", "DROP TRIGGER audit_events_guard_truncate ON audit_events"},
}

func (b backend) dropGuards(t *testing.T) {
	t.Helper()
	for _, s := range dropGuards[b.raw.Dialector.Name()] {
		if err := b.raw.Exec(s).Error; err != nil {
			t.Fatal(err)
		}
	}
}

func mustVerify(t *testing.T, st *store.Store, wantEntries int64) {
	t.Helper()
	c, err := st.CheckAudit(context.Background())
	if err != nil || c.BrokenID != 0 || c.Checked() != wantEntries || c.Pending != 0 {
		t.Fatalf("CheckAudit = %+v, %v; want an intact, sealed log of %d", c, err, wantEntries)
	}
}

func TestAuditLogIsAppendOnly(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		appendEntries(t, b, 3)
		stmts := []string{
			`UPDATE audit_events SET new_value = '{"role":"admin"}' WHERE id = 2`,
			`UPDATE audit_events SET hash = 'f00d'`, // pending entries: only sealing may set it, and it keeps the fields
			`DELETE FROM audit_events WHERE id = 2`,
			`DELETE FROM audit_events`,
		}
		for _, stmt := range stmts[:1] {
			if err := b.raw.Exec(stmt).Error; err == nil {
				t.Errorf("%s succeeded on a pending entry", stmt)
			}
		}
		mustVerify(t, b.st, 3) // seals them
		for _, stmt := range stmts {
			if err := b.raw.Exec(stmt).Error; err == nil {
				t.Errorf("%s succeeded on the audit log", stmt)
			}
		}
		if b.raw.Dialector.Name() == "postgres" {
			if err := b.raw.Exec("TRUNCATE audit_events").Error; err == nil {
				t.Error("TRUNCATE succeeded on the audit log")
			}
		}
		mustVerify(t, b.st, 3)
	})
}

// TestMigrateRestoresAuditGuards: guards dropped by someone with database
// access come back with the next `duban migrate`.
func TestMigrateRestoresAuditGuards(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		appendEntries(t, b, 2)
		mustVerify(t, b.st, 2)
		b.dropGuards(t)
		if _, err := b.handle.Migrate(context.Background()); err != nil {
			t.Fatal(err)
		}
		for _, stmt := range []string{`UPDATE audit_events SET action = 'x' WHERE id = 1`, `DELETE FROM audit_events WHERE id = 2`} {
			if err := b.raw.Exec(stmt).Error; err == nil {
				t.Errorf("%s succeeded after migrate", stmt)
			}
		}
		mustVerify(t, b.st, 2)
	})
}

// recomputeUnkeyed rewrites the whole log as an intruder without the key
// would after editing it: every entry in the unkeyed scheme, chained anew.
func recomputeUnkeyed(t *testing.T, raw *gorm.DB) {
	t.Helper()
	var evs []model.AuditEvent
	if err := raw.Order("id").Find(&evs).Error; err != nil {
		t.Fatal(err)
	}
	prev := ""
	for i := range evs {
		ev := &evs[i]
		if ev.ID == 2 {
			ev.NewValue = `{"role":"admin"}`
		}
		ev.Seq, ev.Mac, ev.PrevHash = nil, "", prev
		ev.Hash = store.LegacyAuditHash(ev)
		prev = ev.Hash
		if err := raw.Save(ev).Error; err != nil {
			t.Fatal(err)
		}
	}
}

// rehashWithOtherKey edits entry 2 and reseals the chain from there with a
// key of the intruder's own.
func rehashWithOtherKey(t *testing.T, b backend) {
	t.Helper()
	other := store.New(b.handle, b.clk) // a store keyed with a different key
	var evs []model.AuditEvent
	if err := b.raw.Where("id >= 2").Order("id").Find(&evs).Error; err != nil {
		t.Fatal(err)
	}
	if err := b.raw.Exec(`UPDATE audit_events SET new_value = '{"role":"admin"}', mac = '', seq = NULL, hash = '', prev_hash = '' WHERE id >= 2`).Error; err != nil {
		t.Fatal(err)
	}
	if err := b.raw.Exec(`DELETE FROM audit_events WHERE id >= 2`).Error; err != nil {
		t.Fatal(err)
	}
	for range evs {
		b.clk.Advance(time.Second)
		if err := other.Audit(context.Background(), testActor, store.AuditEntry{Action: "user.update", New: `{"role":"admin"}`}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := other.SealAudit(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// TestVerifyAuditFindsTampering removes the append-only guards the way an
// intruder with database access could, then edits or deletes entries: the
// keyed chain and the signed head name the first entry that no longer fits.
func TestVerifyAuditFindsTampering(t *testing.T) {
	tests := []struct {
		name       string
		tamper     func(t *testing.T, b backend)
		wantBroken int64
	}{
		{"edited value", sqlTamper(`UPDATE audit_events SET new_value = '{"role":"admin"}' WHERE id = 3`), 3},
		{"edited actor", sqlTamper(`UPDATE audit_events SET actor_name = 'someone' WHERE id = 4`), 4},
		{"deleted middle entry", sqlTamper(`DELETE FROM audit_events WHERE id = 2`), 3},
		{"deleted newest entries", sqlTamper(`DELETE FROM audit_events WHERE id >= 4`), 5},
		{"all entries deleted", sqlTamper(`DELETE FROM audit_events`), 5},
		{"rehashed entry", sqlTamper(`UPDATE audit_events SET new_value = '{}', hash = 'f00d' WHERE id = 2`), 2},
		{"recomputed unkeyed chain", func(t *testing.T, b backend) { recomputeUnkeyed(t, b.raw) }, 1},
		{"chain resealed with another key", rehashWithOtherKey, 6},
		{"head removed", func(t *testing.T, b backend) {
			if err := os.Remove(filepath.Join(b.dataDir, store.AuditHeadFile)); err != nil {
				t.Fatal(err)
			}
		}, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			eachBackend(t, func(t *testing.T, b backend) {
				appendEntries(t, b, 5)
				mustVerify(t, b.st, 5)
				b.dropGuards(t)
				tt.tamper(t, b)
				c, err := b.st.CheckAudit(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				if c.BrokenID != tt.wantBroken {
					t.Fatalf("CheckAudit reports entry %d (%s), want %d", c.BrokenID, c.Problem, tt.wantBroken)
				}
				t.Log(c.Problem)
			})
		})
	}
}

func sqlTamper(stmt string) func(t *testing.T, b backend) {
	return func(t *testing.T, b backend) {
		t.Helper()
		if err := b.raw.Exec(stmt).Error; err != nil {
			t.Fatal(err)
		}
	}
}

// TestAuditLegacyEntriesStillVerify: a database whose entries were written
// with the unkeyed chain before the keyed one keeps verifying after the
// upgrade, the keyed chain continues from its last entry, and rewriting the
// old segment is still detected.
func TestAuditLegacyEntriesStillVerify(t *testing.T) {
	writeLegacy := func(t *testing.T, raw *gorm.DB) {
		prev := ""
		at := time.Date(2014, 7, 1, 8, 0, 0, 0, time.UTC)
		for i := range 4 {
			ev := model.AuditEvent{At: at.Add(time.Duration(i) * time.Hour), ActorName: "admin", Role: "admin",
				Action: "plan.import", ObjectType: "plan", ObjectID: 1, NewValue: fmt.Sprintf(`{"n":%d}`, i), PrevHash: prev}
			ev.Hash = store.LegacyAuditHash(&ev)
			if err := raw.Create(&ev).Error; err != nil {
				t.Fatal(err)
			}
			prev = ev.Hash
		}
	}
	eachBackendBefore(t, writeLegacy, func(t *testing.T, b backend) {
		appendEntries(t, b, 3)
		c, err := b.st.CheckAudit(context.Background())
		if err != nil || c.BrokenID != 0 || c.Legacy != 4 || c.Entries != 3 {
			t.Fatalf("CheckAudit = %+v, %v; want 4 old and 3 keyed entries, intact", c, err)
		}
		// Rewriting an old entry and recomputing the old chain after it
		// no longer matches the link of the first keyed entry.
		b.dropGuards(t)
		var evs []model.AuditEvent
		b.raw.Where("mac = ''").Order("id").Find(&evs)
		prev := evs[1].PrevHash
		for i := 1; i < len(evs); i++ {
			evs[i].NewValue, evs[i].PrevHash = `{"n":"forged"}`, prev
			evs[i].Hash = store.LegacyAuditHash(&evs[i])
			prev = evs[i].Hash
			if err := b.raw.Save(&evs[i]).Error; err != nil {
				t.Fatal(err)
			}
		}
		if c, _ := b.st.CheckAudit(context.Background()); c.BrokenID == 0 {
			t.Fatalf("a recomputed old segment verified: %+v", c)
		}
	})
}

// TestAuditChainTwoInstancesOnPostgres: two stores on one PostgreSQL
// database (two portal instances sharing the data dir) write concurrently,
// each with its sealer running. A writer whose transaction is still open
// does not hold up the other instance, and the chain ends complete.
func TestAuditChainTwoInstancesOnPostgres(t *testing.T) {
	ctx := context.Background()
	dsn := testutil.PostgresURL(t)
	dataDir := t.TempDir()
	var stores []*store.Store
	for range 2 {
		h, err := db.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { h.Close() })
		if _, err := h.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		st := store.New(h, clock.System{})
		if err := st.OpenAuditChain(ctx, dataDir); err != nil {
			t.Fatal(err)
		}
		stores = append(stores, st)
	}

	// Instance A holds a transaction with an audit entry open…
	held := make(chan struct{})
	release := make(chan struct{})
	heldDone := make(chan error, 1)
	go func() {
		heldDone <- stores[0].WithTx(ctx, func(ctx context.Context) error {
			if err := stores[0].Audit(ctx, testActor, store.AuditEntry{Action: "held"}); err != nil {
				return err
			}
			close(held)
			<-release
			return nil
		})
	}()
	<-held
	// …while instance B appends and commits.
	done := make(chan error, 1)
	go func() { done <- stores[1].Audit(ctx, testActor, store.AuditEntry{Action: "not.blocked"}) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		close(release)
		t.Fatal("an audit write waited for another instance's open transaction")
	}
	close(release)
	if err := <-heldDone; err != nil {
		t.Fatal(err)
	}

	sealCtx, stop := context.WithCancel(ctx)
	var sealers sync.WaitGroup
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, st := range stores {
		sealers.Add(1)
		go func() { defer sealers.Done(); st.RunAuditSealer(sealCtx, 20*time.Millisecond, log) }()
	}
	const writers, each = 8, 40
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st := stores[w%2]
			for i := range each {
				err := st.WithTx(ctx, func(ctx context.Context) error {
					return st.Audit(ctx, testActor, store.AuditEntry{Action: "report.save", ObjectType: "report", ObjectID: int64(w*1000 + i)})
				})
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	stop()
	sealers.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for _, st := range stores {
		mustVerify(t, st, 2+writers*each)
	}
}
