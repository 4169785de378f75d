package web_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"testing"

	"duban/internal/model"
	"duban/internal/synth"
	"duban/internal/testutil"
)

// BenchmarkDashboards requests each dashboard through the real router as
// a reviewer. With DUBAN_BENCH_DB set it reads that database (e.g. the
// province made by `duban synth`; a bench reviewer account is added to
// it), otherwise it generates a small dataset first.
//
//	DUBAN_BENCH_DB=/tmp/province/duban.db go test ./internal/web -run XXX -bench Dashboards -benchtime 5x
func BenchmarkDashboards(b *testing.B) {
	var p *testutil.Portal
	if path := os.Getenv("DUBAN_BENCH_DB"); path != "" {
		p = testutil.Start(b, testutil.WithDB(path), testutil.NoDemo())
	} else {
		p = testutil.Start(b, testutil.NoDemo())
		if _, err := synth.Generate(context.Background(), p.App.Store, synth.Options{Units: 200, Plans: 10, Measures: 60,
			UnitsPerMeasure: 6, Periods: 8, Now: p.Clock.Now(), Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
	c := benchLogin(b, p)
	ctx := context.Background()
	plans, err := p.App.Store.ListPlans(ctx)
	if err != nil || len(plans) == 0 {
		b.Fatal("no plans", err)
	}
	ms, _ := p.App.Store.MeasuresOf(ctx, plans[0].ID)
	plan := fmt.Sprint(plans[0].ID)
	m := fmt.Sprint(ms[len(ms)/2].ID)
	for _, bc := range []struct{ name, path string }{
		{"overview/one-plan", "/?plan=" + plan},
		{"ledger/one-plan", "/ledger?plan=" + plan},
		{"indicators/one-plan", "/indicators?plan=" + plan},
		{"scorecard/one-plan", "/scorecard?plan=" + plan},
		{"print/measure", "/print/measures/" + m},
		{"export/ledger.xlsx", "/ledger.xlsx?plan=" + plan},
		{"export/history.xlsx", "/measures/" + m + "/history.xlsx"},
		{"overview/all-plans", "/?plan=all"},
		{"scorecard/all-plans", "/scorecard?plan=all"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			var size int
			for b.Loop() {
				res := c.Get(bc.path)
				if res.StatusCode != http.StatusOK {
					b.Fatalf("GET %s = %d", bc.path, res.StatusCode)
				}
				size = len(res.Body)
			}
			b.ReportMetric(float64(size), "bytes/page")
		})
	}
}

// benchLogin logs in as a reviewer made for the benchmark.
func benchLogin(b *testing.B, p *testutil.Portal) *testutil.Client {
	b.Helper()
	ctx := context.Background()
	const name, password = "bench-web-reviewer", "bench-web-password-1"
	hash, err := p.App.Hasher.Hash(ctx, password)
	if err != nil {
		b.Fatal(err)
	}
	if u, err := p.App.Store.UserByUsername(ctx, name); err == nil {
		err = p.App.Store.SetPassword(ctx, testutil.SystemActor, u.ID, hash)
		if err != nil {
			b.Fatal(err)
		}
	} else if errors.Is(err, model.ErrNotFound) {
		u := &model.User{Username: name, PasswordHash: hash, Role: model.RoleReviewer}
		if err := p.App.Store.CreateUser(ctx, u); err != nil {
			b.Fatal(err)
		}
	} else {
		b.Fatal(err)
	}
	c := p.Client()
	if res := c.PostForm("/login", url.Values{"username": {name}, "password": {password}}); res.StatusCode != http.StatusSeeOther {
		b.Fatalf("bench login = %d", res.StatusCode)
	}
	return c
}
