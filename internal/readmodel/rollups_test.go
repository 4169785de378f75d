package readmodel_test

import (
	"context"
	"testing"
	"time"

	"duban/internal/readmodel"
	"duban/internal/synth"
	"duban/internal/testutil"
)

// TestRollupsOfSeveralPlans checks the rollups of the all-plans pages on
// a synthetic history of several plans (written in bulk, outside the
// workflow): built from the dirty list, carried through period ends by
// the clock alone, and rebuilt, they equal a recomputation and the
// figures of every assignment each time.
func TestRollupsOfSeveralPlans(t *testing.T) {
	onEachDatabase(t, func(t *testing.T, p *testutil.Portal) {
		ctx, st := context.Background(), p.App.Store
		if _, err := synth.Generate(ctx, st, synth.Options{Units: 30, Plans: 3, Measures: 12, UnitsPerMeasure: 3,
			Periods: 4, Now: p.Clock.Now(), Seed: 5, Tag: "R"}); err != nil {
			t.Fatal(err)
		}
		check := func(when string) {
			t.Helper()
			diffs, err := readmodel.CheckRollups(ctx, st, p.Clock.Now())
			if err != nil {
				t.Fatal(err)
			}
			if len(diffs) > 0 {
				t.Fatalf("%s: %d rollups differ from a recomputation, e.g. %s", when, len(diffs), diffs[0])
			}
			sameSummary(t, ctx, st, p.Clock.Now(), when)
		}
		check("after the import")
		// Through the next period ends and deadlines, by the clock alone.
		for range 8 {
			p.Clock.Advance(12 * 24 * time.Hour)
			check("later")
		}
		if _, err := readmodel.Rebuild(ctx, st, p.Clock.Now()); err != nil {
			t.Fatal(err)
		}
		check("after a rebuild")
	})
}
