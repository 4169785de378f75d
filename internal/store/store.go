// Package store holds every database query of the portal, one file per noun.
// Reads go to the reader pool, writes to the single writer (SQLite) or the
// shared pool (PostgreSQL). gorm.ErrRecordNotFound becomes model.ErrNotFound.
package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"duban/internal/clock"
	"duban/internal/db"
	"duban/internal/model"
)

// Store is the portal's data access.
type Store struct {
	db    *db.DB
	clock clock.Clock
	chain *auditChain
	tx    *gorm.DB // set by InTx: every query runs in this transaction
	memo  *Memo
	group *groupCommit // SQLite: write transactions share commits
}

// New makes a Store. Its audit log is keyed with a key that lives only in
// this process until OpenAuditChain loads the data dir's key.
func New(d *db.DB, c clock.Clock) *Store {
	s := &Store{db: d, clock: c, chain: newEphemeralChain(), memo: &Memo{}}
	if d.Dialect == db.SQLite {
		s.group = newGroupCommit(d.W)
	}
	return s
}

// WithClock is the same store on another clock (the demo history writes
// each event at its moment), sharing the audit key.
func (s *Store) WithClock(c clock.Clock) *Store {
	return &Store{db: s.db, clock: c, chain: s.chain, memo: s.memo, group: s.group}
}

// DB exposes the handles to services that run their own transactions.
func (s *Store) DB() *db.DB { return s.db }

// Clock is the store's clock.
func (s *Store) Clock() clock.Clock { return s.clock }

// InTx is the same store with every query, reads included, inside tx (the
// read model recomputes facts from what the transaction wrote).
func (s *Store) InTx(tx *gorm.DB) *Store {
	c := *s
	c.tx = tx
	return &c
}

// InTxn reports whether the store is bound to a transaction (InTx).
func (s *Store) InTxn() bool { return s.tx != nil }

func (s *Store) r(ctx context.Context) *gorm.DB {
	if s.tx != nil {
		return s.tx.WithContext(ctx)
	}
	return s.db.R.WithContext(ctx)
}

func (s *Store) w(ctx context.Context) *gorm.DB {
	if s.tx != nil {
		return s.tx.WithContext(ctx)
	}
	return s.db.W.WithContext(ctx)
}

// Ping checks that the database answers (for /healthz).
func (s *Store) Ping(ctx context.Context) error { return s.db.Ping(ctx) }

// Tx runs fn in one write transaction (BEGIN IMMEDIATE on SQLite, where
// transactions that wait for the writer share a commit, each in its own
// savepoint: see groupCommit). Reads inside fn must use the tx handle so
// they see the transaction's writes.
func (s *Store) Tx(ctx context.Context, fn func(tx *gorm.DB) error) error {
	if s.tx != nil {
		return fn(s.tx.WithContext(ctx))
	}
	if s.group != nil {
		return s.group.do(ctx, fn)
	}
	return s.w(ctx).Transaction(fn)
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
