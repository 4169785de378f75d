package store_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"duban/internal/clock"
	"duban/internal/model"
	"duban/internal/store"
	"duban/internal/store/db"
)

// TestWithTxCarriesTheTransaction: the context WithTx hands on carries the
// transaction, so every store call with it, reads included, runs inside;
// a nested WithTx joins it; a rollback takes every write with it; and a
// store over another database does not pick it up.
func TestWithTxCarriesTheTransaction(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		st := b.st
		unit := func(name string) *model.Unit {
			return &model.Unit{Name: name, Kind: model.UnitDepartment, Confirmed: true}
		}
		exists := func(ctx context.Context, name string) bool {
			_, err := st.UnitByName(ctx, name)
			if err != nil && !errors.Is(err, model.ErrNotFound) {
				t.Fatal(err)
			}
			return err == nil
		}
		other := otherStore(t)
		refused := errors.New("refused")
		if st.InTransaction(ctx) {
			t.Fatal("a plain context carries a transaction")
		}
		err := st.WithTx(ctx, func(ctx context.Context) error {
			if !st.InTransaction(ctx) {
				t.Error("WithTx's context carries no transaction")
			}
			if err := st.Insert(ctx, unit("外层单位")); err != nil {
				return err
			}
			if !exists(ctx, "外层单位") {
				t.Error("a read in the transaction does not see its write")
			}
			if exists(context.Background(), "外层单位") {
				t.Error("a read outside sees the uncommitted write")
			}
			if err := st.WithTx(ctx, func(ctx context.Context) error { return st.Insert(ctx, unit("内层单位")) }); err != nil {
				return err
			}
			if other.InTransaction(ctx) {
				t.Error("a store over another database picks up the transaction")
			}
			if err := other.Insert(ctx, unit("别处单位")); err != nil {
				return err
			}
			return refused
		})
		if !errors.Is(err, refused) {
			t.Fatalf("WithTx = %v, want fn's error", err)
		}
		if exists(ctx, "外层单位") || exists(ctx, "内层单位") {
			t.Error("the rolled-back transaction left writes, the nested one's included")
		}
		if _, err := other.UnitByName(ctx, "别处单位"); err != nil {
			t.Errorf("the other database's write went with this rollback: %v", err)
		}
		err = st.WithTx(ctx, func(ctx context.Context) error {
			if err := st.Insert(ctx, unit("提交单位")); err != nil {
				return err
			}
			return st.WithTx(ctx, func(ctx context.Context) error { return st.Insert(ctx, unit("嵌套单位")) })
		})
		if err != nil {
			t.Fatal(err)
		}
		if !exists(ctx, "提交单位") || !exists(ctx, "嵌套单位") {
			t.Error("the committed transaction's writes are missing")
		}
	})
}

// otherStore is a store over a database of its own (SQLite).
func otherStore(t *testing.T) *store.Store {
	t.Helper()
	ctx := context.Background()
	h, err := db.Open(ctx, filepath.Join(t.TempDir(), "other.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	if _, err := h.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return store.New(h, clock.System{})
}
