package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"duban/internal/app"
	"duban/internal/auth"
	"duban/internal/bench"
	"duban/internal/clock"
	"duban/internal/demo"
	"duban/internal/readmodel"
	"duban/internal/store"
	"duban/internal/synth"
)

// cmdSynth generates a synthetic province-sized dataset, or (synth bench)
// measures the dashboards against one.
func cmdSynth(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "bench" {
		return cmdSynthBench(ctx, args[1:], stdout, stderr)
	}
	o := synth.Options{}
	var appendData, benchAccounts bool
	cfg, _, err := parseFlags("synth", args, stderr, func(fs *flag.FlagSet) {
		fs.IntVar(&o.Units, "units", 2000, "units to create")
		fs.IntVar(&o.Plans, "plans", 400, "plans to create")
		fs.IntVar(&o.Measures, "measures", 60, "measures per plan")
		fs.IntVar(&o.UnitsPerMeasure, "units-per-measure", 6, "assignments per measure (one lead)")
		fs.IntVar(&o.Periods, "periods", 8, "quarterly reporting periods per plan")
		fs.Uint64Var(&o.Seed, "seed", 1, "random seed")
		fs.StringVar(&o.Tag, "tag", "", "name tag, to add a second generated set to the same database")
		fs.BoolVar(&appendData, "append", false, "add to a database that already has plans")
		fs.BoolVar(&benchAccounts, "bench-accounts", false, "open a reviewer, a leader and three unit accounts for duban bench (password in DATA_DIR/bench-password.txt)")
	})
	if err != nil {
		return err
	}
	log := newLogger(cfg, stderr)
	d, err := app.Open(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer d.Close()
	clk, err := synthClock(cfg.Now)
	if err != nil {
		return err
	}
	st, err := app.NewStore(ctx, d, cfg, clk)
	if err != nil {
		return err
	}
	defer st.SealAudit(ctx)
	if n, err := st.CountPlans(ctx); err != nil {
		return err
	} else if n > 0 && !appendData {
		return fmt.Errorf("%s already has %d plans: synthetic data goes into an empty database (or pass --append and a --tag)", redact(cfg.DB), n)
	}
	o.Now = clk.Now()
	o.Log = stdout
	o.RebuildReadModel = func(ctx context.Context, st *store.Store) error {
		_, err := readmodel.Rebuild(ctx, st, o.Now)
		return err
	}
	var benchPassword string
	if benchAccounts {
		b := make([]byte, 12)
		if _, err := rand.Read(b); err != nil {
			return err
		}
		benchPassword = "Bench-" + hex.EncodeToString(b)
		if o.BenchPasswordHash, err = auth.NewHasher(2).Hash(ctx, benchPassword); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "Generating %d plans × %d measures × %d units × %d periods over %d units into %s (seen at %s)…\n",
		o.Plans, o.Measures, o.UnitsPerMeasure, o.Periods, o.Units, redact(cfg.DB), o.Now.Format("2006-01-02"))
	res, err := synth.Generate(ctx, st, o)
	if err != nil {
		return err
	}
	if err := d.Analyze(ctx); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "Done:", res)
	if benchAccounts {
		if err := store.WriteFileAtomic(filepath.Join(cfg.DataDir, bench.PasswordFile), []byte(benchPassword+"\n"), 0o600); err != nil {
			return err
		}
		reviewer, leader, units := synth.BenchAccounts(o.Tag)
		fmt.Fprintf(stdout, "Bench accounts: %s, %s, %s (password in %s)\n", reviewer, leader, strings.Join(units, ", "),
			filepath.Join(cfg.DataDir, bench.PasswordFile))
	}
	fmt.Fprintf(stdout, "Serve it with: duban serve --db %s --now %s\n", redact(cfg.DB), o.Now.Format("2006-01-02"))
	return nil
}

// synthClock is the fixed instant the data is seen at: --now, else the demo
// date (the generated periods are laid out around it).
func synthClock(now string) (clock.Clock, error) {
	if now == "" {
		now = demo.Date
	}
	t, err := clock.ParseNow(now)
	if err != nil {
		return nil, err
	}
	return clock.NewFake(t), nil
}

func cmdSynthBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var bo synth.BenchOptions
	cfg, _, err := parseFlags("synth bench", args, stderr, func(fs *flag.FlagSet) {
		fs.IntVar(&bo.Runs, "n", 10, "requests per page")
		fs.Int64Var(&bo.PlanID, "plan", 0, "the plan of the one-plan pages (default: the newest)")
	})
	if err != nil {
		return err
	}
	if cfg.Now == "" {
		cfg.Now = demo.Date
	}
	log := newLogger(cfg, io.Discard)
	a, err := app.New(ctx, cfg, app.Options{Log: log})
	if err != nil {
		return err
	}
	defer a.Close()
	if n, err := a.Store.CountPlans(ctx); err != nil {
		return err
	} else if n == 0 {
		return errors.New("the database has no plans: generate some with duban synth first")
	}
	bo.Out = stdout
	start := time.Now()
	if err := synth.Bench(ctx, a, bo); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "total %s\n", time.Since(start).Round(time.Millisecond))
	return nil
}
