package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"duban/internal/model"
	"duban/internal/store"
	"duban/internal/testutil"
)

// TestGroupCommit: many writers at once on SQLite share commits, and each
// transaction still stands alone: one that fails or panics leaves no trace
// and takes nobody else's writes with it, and when SQLite rolls the whole
// shared transaction back, the writers it held are told so and the ones
// still waiting run in the next one.
func TestGroupCommit(t *testing.T) {
	p := testutil.Start(t, testutil.NoDemo())
	st := p.App.Store
	ctx := context.Background()
	unit := func(ctx context.Context, name string) error {
		return st.Insert(ctx, &model.Unit{Name: name, Kind: model.UnitDepartment, Confirmed: true})
	}
	exists := func(name string) bool {
		var n int64
		st.DB().R.Model(&model.Unit{}).Where("name = ?", name).Count(&n)
		return n == 1
	}
	type outcome struct {
		name     string
		err      error
		panicked any
	}
	const writers = 64
	for round := range 3 {
		var wg sync.WaitGroup
		out := make([]outcome, writers)
		for i := range writers {
			name := fmt.Sprintf("r%d-w%d", round, i)
			wg.Go(func() {
				defer func() { out[i].panicked = recover() }()
				out[i].name = name
				out[i].err = st.WithTx(ctx, func(ctx context.Context) error {
					if err := unit(ctx, name); err != nil {
						return err
					}
					// Hold the writer a moment, so the others queue and
					// share commits even on a machine that runs each
					// transaction faster than the next one arrives.
					time.Sleep(time.Millisecond)
					switch {
					case i%16 == 5:
						return errors.New("refused")
					case i%16 == 9:
						panic("boom")
					case round == 2 && i == 33:
						// As if SQLite rolled everything back under us.
						_, err := st.Exec(ctx, "ROLLBACK")
						return err
					}
					return nil
				})
			})
		}
		wg.Wait()
		for i, o := range out {
			switch {
			case i%16 == 5:
				if o.err == nil || o.err.Error() != "refused" || exists(o.name) {
					t.Errorf("%s: failed transaction: err %v, written %v", o.name, o.err, exists(o.name))
				}
			case i%16 == 9:
				if o.panicked != "boom" || exists(o.name) {
					t.Errorf("%s: panicking transaction: panic %v, written %v", o.name, o.panicked, exists(o.name))
				}
			default:
				// Success means written; an error means not written.
				if (o.err == nil) != exists(o.name) || o.panicked != nil {
					t.Errorf("%s: err %v, written %v, panic %v", o.name, o.err, exists(o.name), o.panicked)
				}
				if o.err != nil && !(round == 2) {
					t.Errorf("%s: %v", o.name, o.err)
				}
			}
		}
	}
	if st.SharedCommits() == 0 {
		t.Error("no two transactions shared a commit")
	}
	t.Logf("%d transactions committed in shared batches", st.SharedCommits())
}

// TestGroupCommitFinishesOnce: transactions that share a commit and name
// one Finish run it once, after all of their writes, so every committed
// write was seen by a finish; a transaction that failed is not finished;
// a finish that fails takes its whole batch with it, and nothing else.
func TestGroupCommitFinishesOnce(t *testing.T) {
	p := testutil.Start(t, testutil.NoDemo())
	st := p.App.Store
	ctx := context.Background()
	exists := func(name string) bool {
		var n int64
		st.DB().R.Model(&model.Unit{}).Where("name = ?", name).Count(&n)
		return n == 1
	}
	var (
		mu   sync.Mutex
		runs int
		seen = map[string]bool{}
	)
	fin := store.NewFinish(func(ctx context.Context) error {
		var names []string
		if err := st.Raw(ctx, &names, "SELECT name FROM units WHERE name LIKE 'f-%'"); err != nil {
			return err
		}
		mu.Lock()
		defer mu.Unlock()
		runs++
		for _, n := range names {
			if n == "f-bad" {
				return errors.New("finish refused")
			}
			seen[n] = true
		}
		return nil
	})
	const writers = 64
	errs := make([]error, writers)
	names := make([]string, writers)
	var wg sync.WaitGroup
	for i := range writers {
		names[i] = fmt.Sprintf("f-%d", i)
		switch i {
		case 40:
			names[i] = "f-bad"
		}
		wg.Go(func() {
			errs[i] = st.WithTxFinish(ctx, fin, func(ctx context.Context) error {
				if err := st.Insert(ctx, &model.Unit{Name: names[i], Kind: model.UnitDepartment, Confirmed: true}); err != nil {
					return err
				}
				if i%16 == 7 {
					return errors.New("refused")
				}
				time.Sleep(time.Millisecond) // the others queue meanwhile
				return nil
			})
		})
	}
	wg.Wait()
	failedWithBad := 0
	for i, name := range names {
		written := exists(name)
		switch {
		case i%16 == 7:
			if errs[i] == nil || written {
				t.Errorf("%s: failed transaction: err %v, written %v", name, errs[i], written)
			}
		case name == "f-bad":
			if errs[i] == nil || written {
				t.Errorf("%s: its finish failed: err %v, written %v", name, errs[i], written)
			}
		default:
			if (errs[i] == nil) != written {
				t.Errorf("%s: err %v, written %v", name, errs[i], written)
			}
			if errs[i] != nil {
				failedWithBad++
			}
			if written && !seen[name] {
				t.Errorf("%s committed without a finish that saw it", name)
			}
		}
	}
	if seen["f-7"] || seen["f-23"] {
		t.Error("a finish saw the writes of a transaction that failed")
	}
	if ok := writers - writers/16; runs >= ok {
		t.Errorf("%d finishes for %d successful writers: none shared", runs, ok)
	}
	t.Logf("%d finishes for %d writers; %d writers failed with the refused finish's batch", runs, writers, failedWithBad)
}
