package synth

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
)

// batchRows is the number of rows per INSERT statement: large enough to
// amortise the statement, small enough for SQLite's variable limit.
const batchRows = 400

// batch collects rows for one table and writes them with multi-row
// INSERTs inside the load's database/sql transaction.
type batch struct {
	ctx   context.Context
	tx    *sql.Tx
	table string
	cols  []string
	pg    bool
	args  []any
	n     int
	full  *sql.Stmt // the statement for a full batch, prepared once
	// parent is the batch whose rows this one references: it is written
	// first, so foreign keys hold at every statement.
	parent *batch
}

func (b *batch) add(vals ...any) error {
	if len(vals) != len(b.cols) {
		return fmt.Errorf("synth: %s row has %d values, want %d", b.table, len(vals), len(b.cols))
	}
	b.args = append(b.args, vals...)
	b.n++
	if b.n == batchRows {
		if b.parent != nil {
			if err := b.parent.write(); err != nil {
				return err
			}
		}
		if b.full == nil {
			st, err := b.tx.PrepareContext(b.ctx, b.sql(batchRows))
			if err != nil {
				return fmt.Errorf("synth: prepare %s: %w", b.table, err)
			}
			b.full = st
		}
		if _, err := b.full.ExecContext(b.ctx, b.args...); err != nil {
			return fmt.Errorf("synth: insert into %s: %w", b.table, err)
		}
		b.args, b.n = b.args[:0], 0
	}
	return nil
}

// flush writes the pending rows and releases the prepared statement.
func (b *batch) flush() error {
	defer func() {
		if b.full != nil {
			b.full.Close()
			b.full = nil
		}
	}()
	return b.write()
}

// write writes the pending rows.
func (b *batch) write() error {
	if b.parent != nil {
		if err := b.parent.write(); err != nil {
			return err
		}
	}
	if b.n == 0 {
		return nil
	}
	if _, err := b.tx.ExecContext(b.ctx, b.sql(b.n), b.args...); err != nil {
		return fmt.Errorf("synth: insert into %s: %w", b.table, err)
	}
	b.args, b.n = b.args[:0], 0
	return nil
}

func (b *batch) sql(rows int) string {
	var s strings.Builder
	s.WriteString("INSERT INTO " + b.table + " (" + strings.Join(b.cols, ", ") + ") VALUES ")
	k := 0
	for r := 0; r < rows; r++ {
		if r > 0 {
			s.WriteByte(',')
		}
		s.WriteByte('(')
		for c := range b.cols {
			if c > 0 {
				s.WriteByte(',')
			}
			k++
			if b.pg {
				s.WriteString("$" + strconv.Itoa(k))
			} else {
				s.WriteByte('?')
			}
		}
		s.WriteByte(')')
	}
	return s.String()
}

// rebind turns ? placeholders into PostgreSQL's $n.
func rebind(pg bool, q string) string {
	if !pg {
		return q
	}
	var s strings.Builder
	k := 0
	for _, r := range q {
		if r == '?' {
			k++
			s.WriteString("$" + strconv.Itoa(k))
			continue
		}
		s.WriteRune(r)
	}
	return s.String()
}
