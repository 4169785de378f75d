// Package store holds every database query of the portal, one file per noun.
// Reads go to the reader pool, writes to the single writer (SQLite) or the
// shared pool (PostgreSQL). gorm.ErrRecordNotFound becomes model.ErrNotFound.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"duban/internal/clock"
	"duban/internal/model"
	"duban/internal/store/db"
)

// Store is the portal's data access.
type Store struct {
	db    *db.DB
	clock clock.Clock
	chain *auditChain
	memo  *Memo
	group *groupCommit // SQLite: write transactions share commits
	reads *preparedReads
}

// New makes a Store. Its audit log is keyed with a key that lives only in
// this process until OpenAuditChain loads the data dir's key.
func New(d *db.DB, c clock.Clock) *Store {
	s := &Store{db: d, clock: c, chain: newEphemeralChain(), memo: &Memo{}, reads: &preparedReads{m: map[string]*sql.Stmt{}}}
	if d.Dialect == db.SQLite {
		s.group = newGroupCommit(d.W)
	}
	return s
}

// WithClock is the same store on another clock (the demo history writes
// each event at its moment), sharing the audit key and the transactions
// its context carries.
func (s *Store) WithClock(c clock.Clock) *Store {
	return &Store{db: s.db, clock: c, chain: s.chain, memo: s.memo, group: s.group, reads: s.reads}
}

// DB exposes the database handles (migrations, backup, ANALYZE).
func (s *Store) DB() *db.DB { return s.db }

// Clock is the store's clock.
func (s *Store) Clock() clock.Clock { return s.clock }

// txKey carries the write transaction of WithTx in a context, together
// with the database it belongs to, so a store over another database never
// picks it up.
type txKey struct{}

type txValue struct {
	db *db.DB
	tx *gorm.DB
}

// txOf is the transaction ctx carries for this store's database, or nil.
func (s *Store) txOf(ctx context.Context) *gorm.DB {
	if v, ok := ctx.Value(txKey{}).(txValue); ok && v.db == s.db {
		return v.tx
	}
	return nil
}

// InTransaction reports whether ctx carries a write transaction of this
// store (what it reads there may not be committed yet).
func (s *Store) InTransaction(ctx context.Context) bool { return s.txOf(ctx) != nil }

// r is the handle for reads: the context's transaction, else the reader pool.
func (s *Store) r(ctx context.Context) *gorm.DB {
	if tx := s.txOf(ctx); tx != nil {
		return tx.WithContext(ctx)
	}
	return s.db.R.WithContext(ctx)
}

// w is the handle for writes: the context's transaction, else the writer.
func (s *Store) w(ctx context.Context) *gorm.DB {
	if tx := s.txOf(ctx); tx != nil {
		return tx.WithContext(ctx)
	}
	return s.db.W.WithContext(ctx)
}

// Ping checks that the database answers (for /healthz).
func (s *Store) Ping(ctx context.Context) error { return s.db.Ping(ctx) }

// WithTx runs fn in one write transaction carried by the context fn gets:
// every store method called with that context, reads included, runs in it
// and sees its writes. Inside a transaction already (a WithTx further up
// the call chain) fn joins it; the outermost WithTx commits. On SQLite
// the transactions that wait for the writer share a commit, each in its
// own savepoint (see groupCommit); PostgreSQL runs a plain transaction.
func (s *Store) WithTx(ctx context.Context, fn func(ctx context.Context) error) error {
	return s.WithTxFinish(ctx, nil, fn)
}

// A Finish is the work a write transaction runs last, before its commit
// (the read model's flush). Transactions that share a commit (SQLite's
// group commit) and name the same Finish run it once, after all of them:
// its fixed cost is paid once per commit, not once per write.
type Finish struct {
	fn func(ctx context.Context) error
}

// NewFinish makes a Finish of fn; fn gets the transaction in its context.
func NewFinish(fn func(ctx context.Context) error) *Finish { return &Finish{fn: fn} }

// WithTxFinish is WithTx that runs fin (if not nil) after fn, in the same
// transaction, before the commit; fn failing rolls its writes back and
// fin does not run for it. Inside a transaction already, fn joins it and
// fin is left to the transaction's owner.
func (s *Store) WithTxFinish(ctx context.Context, fin *Finish, fn func(ctx context.Context) error) error {
	if s.txOf(ctx) != nil {
		return fn(ctx)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	// Begun, a transaction runs to its end: its statements get a context
	// without the request's cancellation. A statement interrupted half way
	// would fail the batch it shares SQLite's writer with, and with a
	// cancellable context mattn/go-sqlite3 runs every statement on a
	// goroutine of its own and waits for it: two hand-offs per statement
	// on the one connection all writes queue for.
	// (Until it begins, the group commit still drops a transaction whose
	// request went away while it waited.)
	begun := context.WithoutCancel(ctx)
	in := func(tx *gorm.DB) context.Context {
		return context.WithValue(begun, txKey{}, txValue{db: s.db, tx: tx})
	}
	run := func(tx *gorm.DB) error { return fn(in(tx)) }
	var last func(tx *gorm.DB) error
	if fin != nil {
		last = func(tx *gorm.DB) error { return fin.fn(in(tx)) }
	}
	if s.group != nil {
		return s.group.do(ctx, run, fin, last)
	}
	return s.db.W.WithContext(begun).Transaction(func(tx *gorm.DB) error {
		if err := run(tx); err != nil || last == nil {
			return err
		}
		return last(tx)
	})
}

// translate maps driver errors to the model's sentinel errors.
func translate(err error, what string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return fmt.Errorf("%s: %w", what, model.ErrNotFound)
	}
	msg := err.Error()
	if strings.Contains(msg, "UNIQUE constraint") || strings.Contains(msg, "duplicate key") {
		return fmt.Errorf("%s: %w", what, model.ErrConflict)
	}
	return fmt.Errorf("%s: %w", what, err)
}
