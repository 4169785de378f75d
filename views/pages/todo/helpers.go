package todo

import (
	"context"
	"time"

	"duban/internal/clock"
	"duban/internal/i18n"
	"duban/internal/reqctx"
	"duban/internal/workflow"
	"duban/views/paths"
)

// promptLink goes to the report form the prompt asks for, else the
// assignment.
func promptLink(it workflow.PromptItem) string {
	if it.Period != nil && !it.Row.Closed() {
		return paths.ReportForm(it.Row.ID, it.Period.ID)
	}
	return paths.Assignment(it.Row.ID)
}

func derefID(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// waited says how long ago something was sent or submitted, in days, by
// the portal's clock.
func waited(ctx context.Context, t time.Time) string {
	return i18n.T(ctx, "rules.queue.days", clock.DaysBetween(t, reqctx.Get(ctx).Now))
}

// waitedPtr is waited for a time that may be unset.
func waitedPtr(ctx context.Context, t *time.Time) string {
	if t == nil {
		return ""
	}
	return waited(ctx, *t)
}

// rowDomain groups 督办 rows by their measure's domain.
func rowDomain(r SupervisionRow) int64 { return r.Row.DomainID }

// supervisionCols is the column count of the 督办 table (for the domain
// heading rows).
func supervisionCols(p SupervisionPage) string {
	if p.CanAct {
		return "7"
	}
	return "6"
}
