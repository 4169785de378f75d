// Package db opens the portal's database (SQLite by default, PostgreSQL for
// scale-out) and applies the embedded migrations.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"gorm.io/driver/postgres"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"duban/migrations"
)

// MinSQLite is the oldest SQLite we run on: older releases have the
// WAL-reset corruption bug.
const MinSQLite = "3.51.3"

// Dialects.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// DB is the pair of handles the stores use. On SQLite, W is a single
// connection that takes write locks up front (BEGIN IMMEDIATE) so writers
// queue instead of failing with SQLITE_BUSY mid-transaction, and R is a small
// pool of read-only connections that never block on the writer in WAL mode.
// On PostgreSQL both are the same pool.
type DB struct {
	W, R    *gorm.DB
	Dialect string
}

// Open connects to dsn: a postgres:// URL or a SQLite file path.
func Open(ctx context.Context, dsn string) (*DB, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return openPostgres(ctx, dsn)
	}
	return openSQLite(ctx, dsn)
}

func gormConfig() *gorm.Config {
	return &gorm.Config{
		Logger:                 logger.Discard,
		SkipDefaultTransaction: true,
		PrepareStmt:            false,
		NowFunc:                func() time.Time { return time.Now().UTC() },
	}
}

// sqliteGormConfig keeps prepared statements per connection, for the
// read-only connections: SQLite compiles every statement it is handed,
// which cost a tenth of a page's CPU under load, and mattn/go-sqlite3
// keeps no cache of its own (PostgreSQL's pgx does). The writer does not:
// imports and bulk writes hand it many one-off statements, and keeping
// them grew the demo's start from 110 to 590 MB. The cache is bounded, as
// a few queries have IN lists of varying length.
func sqliteGormConfig() *gorm.Config {
	c := gormConfig()
	c.PrepareStmt = true
	c.PrepareStmtMaxSize = 256
	c.PrepareStmtTTL = time.Hour
	return c
}

// privateFiles makes the database readable by its owner only: the file is
// created 0600 before SQLite opens it (SQLite gives the -wal and -shm files
// the database file's mode), and files left 0644 by an older version are
// narrowed.
func privateFiles(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("create database file: %w", err)
	}
	f.Close()
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Chmod(p, 0o600); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("database file permissions: %w", err)
		}
	}
	return nil
}

func openSQLite(ctx context.Context, path string) (*DB, error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("create database directory: %w", err)
		}
	}
	if err := privateFiles(path); err != nil {
		return nil, err
	}
	common := "_foreign_keys=on&_busy_timeout=10000&_journal_mode=WAL&_synchronous=FULL"
	// The writer keeps its own hot statements compiled in the driver's
	// bounded LRU (64): a report save runs ~30 statements in its
	// transaction, and compiling each of them again was a sixth of the
	// server's CPU under writers, on the one connection every write
	// queues for. Bounded, unlike GORM's statement cache, so the one-off
	// statements of imports and bulk writes fall out again.
	register()
	w, err := gorm.Open(sqlite.New(sqlite.Config{DriverName: sqliteDriver, DSN: "file:" + path + "?" + common + "&_txlock=immediate&_stmt_cache_size=64"}), gormConfig())
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	wsql, _ := w.DB()
	wsql.SetMaxOpenConns(1)
	wsql.SetMaxIdleConns(1)
	wsql.SetConnMaxLifetime(0)
	if err := checkSQLiteVersion(ctx, wsql); err != nil {
		wsql.Close()
		return nil, err
	}
	// The writer must have created the WAL file before read-only
	// connections open the database.
	if err := wsql.PingContext(ctx); err != nil {
		wsql.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	r, err := gorm.Open(sqlite.New(sqlite.Config{DriverName: sqliteDriver, DSN: "file:" + path + "?" + common + "&_query_only=1"}), sqliteGormConfig())
	if err != nil {
		wsql.Close()
		return nil, fmt.Errorf("open sqlite readers %s: %w", path, err)
	}
	rsql, _ := r.DB()
	// More readers than cores: a request that waits for a reader is
	// handed one at random by database/sql, which at 32 clients made the
	// kept pages' p99 several times their median; SQLite's WAL readers do
	// not block each other, and the OS shares the cores more fairly.
	n := max(8, 4*runtime.NumCPU())
	rsql.SetMaxOpenConns(n)
	rsql.SetMaxIdleConns(n)
	return &DB{W: w, R: r, Dialect: SQLite}, nil
}

func checkSQLiteVersion(ctx context.Context, db *sql.DB) error {
	var v string
	if err := db.QueryRowContext(ctx, "select sqlite_version()").Scan(&v); err != nil {
		return fmt.Errorf("read sqlite_version(): %w", err)
	}
	if versionLess(v, MinSQLite) {
		return fmt.Errorf("SQLite %s is too old: Duban needs %s or newer (older releases can corrupt WAL databases); rebuild with github.com/mattn/go-sqlite3 v1.14.49 or newer", v, MinSQLite)
	}
	slog.Debug("sqlite", "version", v)
	return nil
}

// versionLess compares dotted version strings numerically.
func versionLess(a, b string) bool {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < max(len(as), len(bs)); i++ {
		var x, y int
		if i < len(as) {
			x, _ = strconv.Atoi(as[i])
		}
		if i < len(bs) {
			y, _ = strconv.Atoi(bs[i])
		}
		if x != y {
			return x < y
		}
	}
	return false
}

func openPostgres(ctx context.Context, dsn string) (*DB, error) {
	g, err := gorm.Open(postgres.Open(dsn), gormConfig())
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	s, _ := g.DB()
	// As many kept idle as may be open: with fewer, a burst of requests
	// closed the extra connections as they came back and the next burst
	// opened them again (a PostgreSQL backend forked per connection), which
	// was the long tail of the pages at 32 clients.
	s.SetMaxOpenConns(20)
	s.SetMaxIdleConns(20)
	s.SetConnMaxIdleTime(5 * time.Minute)
	s.SetConnMaxLifetime(time.Hour)
	if err := s.PingContext(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("connect to postgres: %w", err)
	}
	return &DB{W: g, R: g, Dialect: Postgres}, nil
}

// Migrate applies every pending migration of the dialect, restores the audit
// log's append-only guards, and returns the file names applied.
func (d *DB) Migrate(ctx context.Context) ([]string, error) {
	sub, err := fs.Sub(migrations.FS, d.Dialect)
	if err != nil {
		return nil, err
	}
	dialect := goose.DialectSQLite3
	if d.Dialect == Postgres {
		dialect = goose.DialectPostgres
	}
	sqlDB, err := d.W.DB()
	if err != nil {
		return nil, err
	}
	// Migrations apply in order: a new one takes a number above every
	// landed one, so goose refuses a database that skipped one.
	var opts []goose.ProviderOption
	if d.Dialect == Postgres {
		// Several instances may start at once against one database: the
		// session lock (an advisory lock held for the whole run) makes
		// them apply the migrations one after the other.
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return nil, fmt.Errorf("migrations lock: %w", err)
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(dialect, sqlDB, sub, opts...)
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	res, err := p.Up(ctx)
	if err != nil {
		return nil, fmt.Errorf("apply migrations: %w", err)
	}
	if err := d.ensureAuditGuards(ctx); err != nil {
		return nil, err
	}
	var applied []string
	for _, r := range res {
		applied = append(applied, filepath.Base(r.Source.Path))
	}
	if len(applied) > 0 {
		if err := d.Analyze(ctx); err != nil {
			return applied, err
		}
	}
	return applied, nil
}

// Analyze gathers fresh statistics for the query planner on every table.
// Run it after migrations and bulk writes (a plan import, the demo
// history, synth): without statistics SQLite picks indexes by guesswork and
// can drive a dashboard query from an index that matches most rows.
// analysis_limit keeps it fast on a province-sized database.
func (d *DB) Analyze(ctx context.Context) error {
	sqlDB, err := d.W.DB()
	if err != nil {
		return err
	}
	stmts := []string{"ANALYZE"}
	if d.Dialect == SQLite {
		stmts = []string{"PRAGMA analysis_limit=1000", "ANALYZE"}
	}
	return execAll(ctx, sqlDB, stmts)
}

// Optimize refreshes the statistics where they have drifted (SQLite's
// PRAGMA optimize re-analyses only the tables that changed a lot), for a
// periodic run while serving. PostgreSQL's autovacuum does this itself.
func (d *DB) Optimize(ctx context.Context) error {
	if d.Dialect != SQLite {
		return nil
	}
	sqlDB, err := d.W.DB()
	if err != nil {
		return err
	}
	return execAll(ctx, sqlDB, []string{"PRAGMA analysis_limit=1000", "PRAGMA optimize=0x10002"})
}

func execAll(ctx context.Context, db *sql.DB, stmts []string) error {
	// One connection, so a PRAGMA applies to the statement after it.
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	for _, q := range stmts {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	return nil
}

// Reader is the reader pool as a database/sql handle (backups, query
// plans).
func (d *DB) Reader() (*sql.DB, error) { return d.R.DB() }

// Writer is the writer as a database/sql handle (bulk loads).
func (d *DB) Writer() (*sql.DB, error) { return d.W.DB() }

// Ping checks that the database answers, for /healthz.
func (d *DB) Ping(ctx context.Context) error {
	s, err := d.R.DB()
	if err != nil {
		return err
	}
	return s.PingContext(ctx)
}

// Close closes both handles; on SQLite it checkpoints the WAL first so the
// database file is complete on its own.
func (d *DB) Close() error {
	var errs []error
	if d.Dialect == SQLite {
		if s, err := d.R.DB(); err == nil {
			errs = append(errs, s.Close())
		}
		if s, err := d.W.DB(); err == nil {
			_, err := s.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
			errs = append(errs, err, s.Close())
		}
	} else if s, err := d.W.DB(); err == nil {
		errs = append(errs, s.Close())
	}
	return errors.Join(errs...)
}

// Background is a second pair of GORM handles over the same connection
// pools, with callbacks of their own: what the portal does by itself (the
// audit sealer) stays out of the instrumentation registered on W and R,
// which then sees request work only.
func (d *DB) Background() (*DB, error) {
	wsql, err := d.W.DB()
	if err != nil {
		return nil, err
	}
	rsql, err := d.R.DB()
	if err != nil {
		return nil, err
	}
	dialector := func(c gorm.ConnPool) gorm.Dialector {
		if d.Dialect == Postgres {
			return postgres.New(postgres.Config{Conn: c})
		}
		return sqlite.New(sqlite.Config{Conn: c})
	}
	w, err := gorm.Open(dialector(wsql), gormConfig())
	if err != nil {
		return nil, err
	}
	r, err := gorm.Open(dialector(rsql), gormConfig())
	if err != nil {
		return nil, err
	}
	return &DB{W: w, R: r, Dialect: d.Dialect}, nil
}

// Statement is what an observer sees of a statement GORM ran.
type Statement struct {
	Kind   string // query, row, raw, create, update or delete
	SQL    string
	Vars   []any
	DryRun bool // a subquery being built into its outer statement, not sent
	Writer bool // run on SQLite's one writer connection, which every write queues for
}

// Observe calls fn after every statement either handle runs; name keeps
// one observer's callbacks apart from another's. For tests that count or
// capture the queries a page costs.
func (d *DB) Observe(name string, fn func(Statement)) error {
	for i, g := range []*gorm.DB{d.R, d.W} {
		cb := g.Callback()
		for kind, register := range map[string]func(string, func(*gorm.DB)) error{
			"query":  func(n string, f func(*gorm.DB)) error { return cb.Query().After("gorm:query").Register(n, f) },
			"row":    func(n string, f func(*gorm.DB)) error { return cb.Row().After("gorm:row").Register(n, f) },
			"raw":    func(n string, f func(*gorm.DB)) error { return cb.Raw().After("gorm:raw").Register(n, f) },
			"create": func(n string, f func(*gorm.DB)) error { return cb.Create().After("gorm:create").Register(n, f) },
			"update": func(n string, f func(*gorm.DB)) error { return cb.Update().After("gorm:update").Register(n, f) },
			"delete": func(n string, f func(*gorm.DB)) error { return cb.Delete().After("gorm:delete").Register(n, f) },
		} {
			err := register(fmt.Sprintf("%s:%s%d", name, kind, i), func(g *gorm.DB) {
				fn(Statement{Kind: kind, SQL: g.Statement.SQL.String(), Vars: g.Statement.Vars, DryRun: g.DryRun,
					Writer: i == 1 && d.Dialect == SQLite})
			})
			if err != nil {
				return fmt.Errorf("observe %s: %w", kind, err)
			}
		}
	}
	return nil
}
