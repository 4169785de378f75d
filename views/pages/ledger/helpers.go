// Package ledger is the 督办台账 page: one row per measure × unit with
// filters in the URL.
package ledger

import (
	"duban/internal/figures"
	"duban/internal/format"
)

func stateKey(s string) string {
	if s == "none" {
		return ""
	}
	return s
}

// actual is the newest actual an assignment reported for a target, or "—".
func actual(a *figures.Assignment, targetID int64) string {
	if _, v, ok := a.Actual(targetID); ok {
		return format.Num(v)
	}
	return "—"
}

// rowDomain groups 台账 rows by their measure's domain.
func rowDomain(r figures.LedgerRow) int64 { return r.Assignment.Measure.DomainID }
