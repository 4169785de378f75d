package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"gorm.io/gorm"
)

// groupCommit runs the write transactions that arrive while SQLite's single
// writer is busy as one transaction with one COMMIT, each in its own
// savepoint. A commit in FULL synchronous mode waits for the disk (a few
// milliseconds), and with one writer that wait, not the work, bounded the
// writes per second; a batch pays it once. A transaction that fails rolls
// back to its savepoint and leaves the others' writes alone; nobody hears
// "done" before the COMMIT that holds their writes succeeded.
type groupCommit struct {
	w        *gorm.DB
	maxBatch int

	mu      sync.Mutex
	pending []*groupTx
	running bool // a goroutine is committing batches

	shared atomic.Int64 // transactions committed in a batch of several (for tests)
}

type groupTx struct {
	ctx      context.Context
	fn       func(tx *gorm.DB) error
	fin      *Finish                 // runs once per batch, after the fns that name it
	last     func(tx *gorm.DB) error // fin in this transaction's context
	err      error
	panicked any
	done     chan struct{}
}

// errRolledBack: SQLite rolled the whole transaction back under a batch
// (an interrupted statement, a full disk); none of its writes were kept.
var errRolledBack = errors.New("store: the write transaction was rolled back")

func newGroupCommit(w *gorm.DB) *groupCommit { return &groupCommit{w: w, maxBatch: 64} }

// do runs fn in a write transaction, possibly together with others, and
// returns once its writes are committed (or not written at all). A context
// cancelled before fn starts keeps it from running; once it runs, it runs
// to the end: its statements get a context without cancellation (see
// Store.WithTxFinish).
func (g *groupCommit) do(ctx context.Context, fn func(tx *gorm.DB) error, fin *Finish, last func(tx *gorm.DB) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	t := &groupTx{ctx: ctx, fn: fn, fin: fin, last: last, done: make(chan struct{})}
	g.mu.Lock()
	g.pending = append(g.pending, t)
	lead := !g.running
	g.running = true
	g.mu.Unlock()
	if lead {
		g.drain(t)
	}
	<-t.done
	if t.panicked != nil {
		panic(t.panicked)
	}
	return t.err
}

// drain commits batches while transactions are waiting. Called with mine,
// it stops once mine is committed and hands what is still waiting to a
// goroutine, so that the request that happened to lead answers without
// delay; a lone writer never starts one.
func (g *groupCommit) drain(mine *groupTx) {
	for {
		g.mu.Lock()
		n := min(len(g.pending), g.maxBatch)
		if n == 0 {
			g.running = false
			g.mu.Unlock()
			return
		}
		if mine != nil && isDone(mine) {
			g.mu.Unlock()
			go g.drain(nil)
			return
		}
		batch := g.pending[:n:n]
		g.pending = append([]*groupTx(nil), g.pending[n:]...)
		g.mu.Unlock()
		g.commit(batch)
	}
}

func isDone(t *groupTx) bool {
	select {
	case <-t.done:
		return true
	default:
		return false
	}
}

// protect runs fn, turning a panic into a value for the caller's
// goroutine to raise again.
func protect(fn func() error) (err error, panicked any) {
	defer func() {
		if p := recover(); p != nil {
			panicked = p
		}
	}()
	return fn(), nil
}

// commit runs a batch. A batch of one is a plain transaction.
func (g *groupCommit) commit(batch []*groupTx) {
	defer func() {
		for _, t := range batch {
			close(t.done)
		}
	}()
	if len(batch) == 1 {
		t := batch[0]
		t.err, t.panicked = protect(func() error {
			return g.w.WithContext(context.WithoutCancel(t.ctx)).Transaction(func(tx *gorm.DB) error {
				if err := t.fn(tx); err != nil || t.last == nil {
					return err
				}
				return t.last(tx)
			})
		})
		return
	}
	// failAll tells the batch's transactions that succeeded that their
	// writes are not kept; the ones that failed keep their own error.
	failAll := func(err error) {
		for _, t := range batch {
			if t.panicked == nil && t.err == nil {
				t.err = err
			}
		}
	}
	tx := g.w.WithContext(context.Background()).Begin()
	if tx.Error != nil {
		failAll(fmt.Errorf("begin write transaction: %w", tx.Error))
		return
	}
	// A row in a temporary table marks the transaction: if SQLite rolls
	// it back, the row is gone, and the statements after would run
	// outside any transaction.
	if err := tx.Exec("CREATE TEMP TABLE IF NOT EXISTS group_commit_mark (x INTEGER)").Error; err != nil {
		tx.Rollback()
		failAll(fmt.Errorf("group commit: %w", err))
		return
	}
	if err := tx.Exec("INSERT INTO temp.group_commit_mark (x) VALUES (1)").Error; err != nil {
		tx.Rollback()
		failAll(fmt.Errorf("group commit: %w", err))
		return
	}
	for i, t := range batch {
		if err := t.ctx.Err(); err != nil {
			t.err = err
			continue
		}
		// Inside a transaction gorm runs fn in a savepoint and rolls
		// back to it when fn fails or panics.
		t.err, t.panicked = protect(func() error { return tx.WithContext(context.WithoutCancel(t.ctx)).Transaction(t.fn) })
		var marks int64
		if err := tx.Raw("SELECT count(*) FROM temp.group_commit_mark").Scan(&marks).Error; err != nil || marks != 1 {
			tx.Rollback()
			// The ones not run yet go into the next batch.
			rest := batch[i+1:]
			batch = batch[:i+1]
			failAll(errRolledBack)
			g.mu.Lock()
			g.pending = append(append([]*groupTx(nil), rest...), g.pending...)
			g.mu.Unlock()
			return
		}
	}
	if !g.finish(tx, batch) {
		tx.Rollback()
		return
	}
	if err := tx.Exec("DELETE FROM temp.group_commit_mark").Error; err != nil {
		tx.Rollback()
		failAll(errRolledBack)
		return
	}
	if err := tx.Commit().Error; err != nil {
		tx.Rollback()
		failAll(fmt.Errorf("%w: commit: %v", errRolledBack, err))
		return
	}
	g.shared.Add(int64(len(batch)))
}

// finish runs, once each and in its own savepoint, the Finishes the
// batch's successful transactions name, in the order they were first
// named. When one fails (or SQLite rolled the transaction back under it)
// nothing of the batch may commit: it tells every transaction why and
// answers false.
func (g *groupCommit) finish(tx *gorm.DB, batch []*groupTx) bool {
	done := map[*Finish]bool{}
	for _, t := range batch {
		if t.fin == nil || done[t.fin] || t.err != nil || t.panicked != nil {
			continue
		}
		done[t.fin] = true
		err, panicked := protect(func() error { return tx.WithContext(context.WithoutCancel(t.ctx)).Transaction(t.last) })
		if err == nil && panicked == nil {
			var marks int64
			if e := tx.Raw("SELECT count(*) FROM temp.group_commit_mark").Scan(&marks).Error; e != nil || marks != 1 {
				err = errRolledBack
			}
		}
		if err == nil && panicked == nil {
			continue
		}
		for _, u := range batch {
			switch {
			case u.err != nil || u.panicked != nil:
			case u.fin == t.fin && panicked != nil:
				u.panicked = panicked
			case u.fin == t.fin:
				u.err = err
			default:
				u.err = errRolledBack
			}
		}
		return false
	}
	return true
}
