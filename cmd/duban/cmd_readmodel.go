package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"duban/internal/app"
	"duban/internal/readmodel"
)

// cmdReadModel rebuilds the read model (assignment states and their
// rollups) from the raw
// tables, for operators: after a restore from an old backup, or to check
// that nothing drifted (`--check` compares without writing).
func cmdReadModel(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "rebuild" {
		return errors.New("usage: duban readmodel rebuild [--check]")
	}
	var check bool
	cfg, _, err := parseFlags("readmodel rebuild", args[1:], stderr, func(fs *flag.FlagSet) {
		fs.BoolVar(&check, "check", false, "compare the stored rows with a recomputation; change nothing")
	})
	if err != nil {
		return err
	}
	st, closeStore, err := app.OpenStore(ctx, cfg, newLogger(cfg, stderr))
	if err != nil {
		return err
	}
	defer closeStore()
	clk := st.Clock()
	start := time.Now()
	if check {
		diffs, n, err := readmodel.Check(ctx, st, clk.Now())
		if err != nil {
			return err
		}
		if len(diffs) > 0 {
			for _, x := range diffs[:min(20, len(diffs))] {
				fmt.Fprintln(stdout, x)
			}
			return fmt.Errorf("read model differs from the raw tables on %d of %d assignments", len(diffs), n)
		}
		rdiffs, err := readmodel.CheckRollups(ctx, st, clk.Now())
		if err != nil {
			return err
		}
		if len(rdiffs) > 0 {
			for _, x := range rdiffs[:min(20, len(rdiffs))] {
				fmt.Fprintln(stdout, x)
			}
			return fmt.Errorf("read model's rollups differ from a recomputation on %d rows", len(rdiffs))
		}
		fmt.Fprintf(stdout, "read model and rollups match the raw tables: %d assignments (%s)\n", n, time.Since(start).Round(time.Millisecond))
		return nil
	}
	n, err := readmodel.Rebuild(ctx, st, clk.Now())
	if err != nil {
		return err
	}
	if err := st.DB().Analyze(ctx); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "read model rebuilt: %d assignments (%s)\n", n, time.Since(start).Round(time.Millisecond))
	return nil
}
