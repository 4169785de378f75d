package db

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/mattn/go-sqlite3"
)

// TestPlannerStableOnEveryConnection: the writer and every reader open
// with SQLite's query planner stability guarantee, so kept statements
// are not compiled again on each run (see sqliteDriver). Several readers
// are held at once so that more than one connection is checked.
func TestPlannerStableOnEveryConnection(t *testing.T) {
	ctx := context.Background()
	d, err := Open(ctx, filepath.Join(t.TempDir(), "duban.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	check := func(name string, pool *sql.DB, n int) {
		var conns []*sql.Conn
		defer func() {
			for _, c := range conns {
				c.Close()
			}
		}()
		for i := range n {
			c, err := pool.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			conns = append(conns, c)
			err = c.Raw(func(dc any) error {
				sc, ok := dc.(*sqlite3.SQLiteConn)
				if !ok {
					t.Fatalf("%s connection %d is a %T", name, i, dc)
				}
				on, err := plannerStable(sc)
				if err != nil {
					return err
				}
				if !on {
					t.Errorf("%s connection %d: the query planner stability guarantee is off", name, i)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	w, err := d.Writer()
	if err != nil {
		t.Fatal(err)
	}
	check("writer", w, 1)
	r, err := d.Reader()
	if err != nil {
		t.Fatal(err)
	}
	check("reader", r, 3)
}
