package figures

import (
	"time"

	"duban/internal/model"
	"duban/internal/rules"
)

// LedgerFilter narrows the 台账 beyond the Scope (which the database
// applies): by light, by report state and by period. Zero values mean all.
type LedgerFilter struct {
	Light    string // lights name: red, yellow, green, blue, grey
	State    string // LedgerStates
	PeriodID int64  // show (and filter on) this period's report instead of the latest
}

// LedgerStates are the report states the 台账 filters on; "none" means no
// report was started.
var LedgerStates = []string{"none", model.ReportDraft, model.ReportSubmitted, model.ReportReturned, model.ReportApproved}

// LedgerRow is one line of the 台账: a measure × unit with the report
// shown for it.
type LedgerRow struct {
	Assignment *Assignment
	Period     int    // index of the shown report's period; -1 when there is none
	Report     Report // zero when none
	// OriginalDue is the measure's deadline (原定时限); AdjustedDue the date
	// an approved extension set (调整后时限), zero when none.
	OriginalDue, AdjustedDue time.Time
}

// Ledger returns the 台账 rows in the plan's own order: measures by
// position, lead unit first.
func (s *Snapshot) Ledger(f LedgerFilter) []LedgerRow {
	var want rules.Light
	filterLight := false
	if f.Light != "" {
		want, filterLight = rules.Parse(f.Light)
	}
	var out []LedgerRow
	for _, a := range s.Assignments {
		if filterLight && a.Status.Light != want {
			continue
		}
		row := LedgerRow{Assignment: a, Period: -1, OriginalDue: a.Measure.DueOn}
		if a.Extended() {
			row.AdjustedDue = a.DueOn()
		}
		if f.PeriodID != 0 {
			row.Period = a.Measure.Plan.PeriodIndex(f.PeriodID)
			if row.Period < 0 {
				continue // another plan's period
			}
		} else {
			row.Period = a.Latest()
		}
		if row.Period >= 0 {
			row.Report = a.Reports[row.Period]
		}
		if f.State != "" {
			st := row.Report.State()
			if st == "" {
				st = "none"
			}
			if st != f.State {
				continue
			}
		}
		out = append(out, row)
	}
	return out
}
