package figures_test

import (
	"context"
	"os"
	"testing"

	"duban/internal/clock"
	"duban/internal/demo"
	"duban/internal/figures"
	"duban/internal/store"
	"duban/internal/store/db"
	"duban/internal/synth"
)

// benchStore opens the database named by DUBAN_BENCH_DB (e.g. one made by
// `duban synth`), or generates a small dataset into a temporary file.
func benchStore(b *testing.B) *store.Store {
	b.Helper()
	ctx := context.Background()
	now, _ := clock.ParseNow(demo.Date)
	path := os.Getenv("DUBAN_BENCH_DB")
	generate := path == ""
	if generate {
		path = b.TempDir() + "/bench.db"
	}
	d, err := db.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { d.Close() })
	if _, err := d.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	st := store.New(d, clock.NewFake(now))
	if generate {
		if _, err := synth.Generate(ctx, st, synth.Options{Units: 200, Plans: 10, Measures: 60, UnitsPerMeasure: 6,
			Periods: 8, Now: now, Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
	return st
}

// BenchmarkLoad measures the facts loader alone (queries and lights).
func BenchmarkLoad(b *testing.B) {
	st := benchStore(b)
	ctx := context.Background()
	plans, err := st.ListPlans(ctx)
	if err != nil || len(plans) == 0 {
		b.Fatal("no plans", err)
	}
	now := st.Clock().Now()
	for _, bc := range []struct {
		name  string
		scope figures.Scope
		cold  bool // a write between loads: no cached snapshot
	}{
		{"one plan", figures.Scope{PlanID: plans[0].ID}, false},
		{"one plan uncached", figures.Scope{PlanID: plans[0].ID}, true},
		{"all plans uncached", figures.Scope{}, true},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if bc.cold {
					if err := st.BumpGeneration(ctx); err != nil {
						b.Fatal(err)
					}
				}
				snap, err := figures.Load(ctx, st, bc.scope, now)
				if err != nil {
					b.Fatal(err)
				}
				_ = snap.Scorecard()
				_ = snap.DomainGroups()
			}
		})
	}
}
