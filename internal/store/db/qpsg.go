package db

/*
// sqlite3_db_config is SQLite's own: the amalgamation that
// github.com/mattn/go-sqlite3 compiles (or the system library with its
// libsqlite3 build tag) is linked into the same binary.
extern int sqlite3_db_config(void *db, int op, ...);

// SQLITE_DBCONFIG_ENABLE_QPSG (sqlite3.h): with a second argument of -1
// it only reports the setting.
static int duban_qpsg(void *db, int on) {
	int now = -1;
	int rc = sqlite3_db_config(db, 1007, on, &now);
	return rc != 0 ? -1 - rc : now;
}
*/
import "C"

import (
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"unsafe"

	"github.com/mattn/go-sqlite3"
)

// sqliteDriver is the name Duban's SQLite connections are opened under:
// mattn/go-sqlite3 with a hook that turns on SQLite's query planner
// stability guarantee (QPSG) on every connection.
//
// Why: the driver calls sqlite3_clear_bindings before every execution of
// a kept statement, and SQLite expires (recompiles) a statement on that
// call whenever its planner looked at a bound value: any LIMIT ?, and an
// equality on a bound value that a join loop filters on. So nearly every
// join with a parameter was compiled again on every run — the session
// query every page reads cost 120 µs instead of 34 (issue #11). With the
// QPSG the planner does not look at bound values, so a prepared
// statement stays prepared; plans no longer depend on the values bound
// (which the query-plan test checks anyway).
const sqliteDriver = "sqlite3_duban"

var registerDriver sync.Once

func register() {
	registerDriver.Do(func() {
		sql.Register(sqliteDriver, &sqlite3.SQLiteDriver{ConnectHook: func(c *sqlite3.SQLiteConn) error {
			p, err := handleOf(c)
			if err != nil {
				return err
			}
			if got := C.duban_qpsg(p, 1); got != 1 {
				return fmt.Errorf("sqlite: enable the query planner stability guarantee: %d", int(got))
			}
			// Read back through the same path the tests use.
			if on, err := plannerStable(c); err != nil || !on {
				return fmt.Errorf("sqlite: the query planner stability guarantee did not stay on (%v)", err)
			}
			return nil
		}})
	})
}

// handleOf is the connection's sqlite3* handle, which the driver keeps in
// an unexported field (go-sqlite3 offers no sqlite3_db_config). A test
// holds this: a driver release that renames the field fails it, and
// opening a database fails with this error rather than silently running
// without the guarantee.
func handleOf(c *sqlite3.SQLiteConn) (unsafe.Pointer, error) {
	f := reflect.ValueOf(c).Elem().FieldByName("db")
	if !f.IsValid() || f.Kind() != reflect.Pointer || f.IsNil() {
		return nil, errors.New("sqlite: the driver's connection has no sqlite3 handle where expected (go-sqlite3 changed)")
	}
	return f.UnsafePointer(), nil
}

// plannerStable reports whether a connection has the guarantee on.
func plannerStable(c *sqlite3.SQLiteConn) (bool, error) {
	p, err := handleOf(c)
	if err != nil {
		return false, err
	}
	return C.duban_qpsg(p, -1) == 1, nil
}
