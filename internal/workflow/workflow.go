// Package workflow is the state machine of 督查督办: every change of a
// report's, an assignment's or a measure's state goes through Service, is
// checked against the one Transitions table and writes its audit entry and
// notifications in the same transaction as the change.
package workflow

import (
	"context"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"duban/internal/clock"
	"duban/internal/evidence"
	"duban/internal/model"
	"duban/internal/readmodel"
	"duban/internal/store"
)

// Refusals beyond the model's sentinel errors; all are model.ErrConflict,
// so a handler that does not know them still answers 409.
var (
	ErrState         = fmt.Errorf("not allowed in the current state: %w", model.ErrConflict)
	ErrStale         = fmt.Errorf("changed by someone else: %w", model.ErrConflict)
	ErrNotSigned     = fmt.Errorf("the assignment is not signed for: %w", model.ErrConflict)
	ErrMeasureClosed = fmt.Errorf("the measure is closed: %w", model.ErrConflict)
	ErrPeriodNotOpen = fmt.Errorf("the reporting period has not started: %w", model.ErrConflict)
	ErrNotDone       = fmt.Errorf("the lead unit has not reported the measure done: %w", model.ErrConflict)
)

// MessageKey is the catalog key explaining a refusal to the user.
func MessageKey(err error) string {
	switch {
	case errors.Is(err, ErrNotSigned):
		return "flow.err.not_signed"
	case errors.Is(err, ErrMeasureClosed):
		return "flow.err.measure_closed"
	case errors.Is(err, ErrPeriodNotOpen):
		return "flow.err.period_not_open"
	case errors.Is(err, ErrNotDone):
		return "flow.err.not_done"
	case errors.Is(err, ErrStale):
		return "form.conflict"
	case errors.Is(err, ErrState):
		return "flow.err.state"
	case errors.Is(err, model.ErrForbidden):
		return "error.403"
	case errors.Is(err, model.ErrNotFound):
		return "error.404"
	}
	return "error.500"
}

// Limits of free text.
const (
	MaxTextRunes   = 5000 // 工作进展, 存在问题, 下步计划
	MaxReasonRunes = 2000 // return reasons, closing notes, reopen reasons
	MaxPromptRunes = 500
	MaxFiles       = 30 // evidence files on one report
)

func tooLong(s string, n int) bool { return utf8.RuneCountInString(s) > n }

// Service runs the workflow.
type Service struct {
	st    *store.Store
	files evidence.Storage
	flush *store.Finish // the read model's flush, last in every transaction of run
}

// New makes a Service over a store and the evidence storage.
func New(st *store.Store, files evidence.Storage) *Service {
	s := &Service{st: st, files: files}
	s.flush = store.NewFinish(func(ctx context.Context) error { return readmodel.Flush(ctx, st, s.now()) })
	return s
}

// Files is the evidence storage.
func (s *Service) Files() evidence.Storage { return s.files }

// Store is the service's store.
func (s *Service) Store() *store.Store { return s.st }

func (s *Service) now() time.Time { return s.st.Clock().Now() }

// run runs fn in a new transaction and, last before commit, refreshes the
// read model of the assignments fn's writes touched (the triggers list
// them), so no page sees it stale. Writes that share a commit share one
// refresh: SQLite's group commit runs the flush once, after all of them,
// which is what lets the single writer keep up with many units. Inside the caller's transaction (ctx
// carries one: the demo history writes hundreds of events in one) the
// caller's commit is not ours: the list waits for its Flush or the next
// read, and files a change removes are left on disk.
func (s *Service) run(ctx context.Context, fn func(ctx context.Context) error) error {
	if s.st.InTransaction(ctx) {
		return fn(ctx)
	}
	return s.st.WithTxFinish(ctx, s.flush, fn)
}

// leadUnit is the unit leading a measure, 0 when none does.
func (s *Service) leadUnit(ctx context.Context, measureID int64) (int64, error) {
	lead, err := s.st.LeadOfMeasure(ctx, measureID)
	if errors.Is(err, model.ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return lead.UnitID, nil
}

// assignmentOf loads an assignment with its measure and the unit leading
// the measure (0 when none does): what every decision about it needs.
func (s *Service) assignmentOf(ctx context.Context, id int64) (*model.Assignment, *model.Measure, int64, error) {
	asg, err := s.st.AssignmentByID(ctx, id)
	if err != nil {
		return nil, nil, 0, err
	}
	m, err := s.st.MeasureByID(ctx, asg.MeasureID)
	if err != nil {
		return nil, nil, 0, err
	}
	leadUnit, err := s.leadUnit(ctx, m.ID)
	if err != nil {
		return nil, nil, 0, err
	}
	return asg, m, leadUnit, nil
}

func userPtr(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

// today is the local calendar day of t.
func today(t time.Time) time.Time { return clock.Date(t) }
