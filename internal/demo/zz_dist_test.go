package demo_test

import (
	"context"
	"testing"

	"duban/internal/i18n"
	"duban/internal/metrics"
	"duban/internal/rules"
	"duban/internal/testutil"
)

func TestZZDistribution(t *testing.T) {
	p := testutil.Start(t, testutil.WithDemoHistory())
	ctx := context.Background()
	snap, err := metrics.Load(ctx, p.App.Store, metrics.Scope{}, p.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("measures %+v", snap.MeasureLights())
	t.Logf("assignments %+v", snap.AssignmentLights())
	zh := i18n.WithLocale(ctx, i18n.ZH)
	kinds := map[string]int{}
	catch, sent2 := 0, 0
	for _, a := range snap.Assignments {
		for _, r := range a.Status.Reasons {
			kinds[r.Kind]++
		}
		catch += len(a.Status.CatchUp)
		for _, c := range a.Status.Chase {
			if c.Sent >= 2 {
				sent2++
			}
		}
	}
	t.Logf("reason kinds %v, 补报 %d, chased periods prompted twice+ %d", kinds, catch, sent2)
	m := 0
	for _, a := range snap.Assignments {
		for _, r := range a.Status.Reasons {
			if r.Kind == rules.KindTargetOffPath && m < 15 {
				m++
				for _, tg := range a.Facts().Targets {
					if tg.Indicator == r.Indicator {
						t.Logf("%s %s %s %v%s year %d actuals %+v", a.Unit.Name, r.Indicator, r.Op, r.Value, r.Unit, tg.Year, tg.Actuals)
					}
				}
			}
		}
	}
	n := 0
	for _, a := range snap.Assignments {
		if a.Status.Light == rules.Red && n < 12 {
			n++
			t.Logf("%s%s %s: %s", a.Measure.Domain.Label, a.Measure.Label, a.Unit.Name, i18n.Reasons(zh, a.Status.Reasons))
		}
	}
}
