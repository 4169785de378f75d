package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"duban/internal/model"
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
