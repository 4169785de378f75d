package assignments

import (
	"time"

	"duban/internal/workflow"
	"duban/views/paths"
)

// periodLink is where a period's line leads: the owner's report form or
// the report's page; "" for nowhere.
func periodLink(assignmentID int64, l workflow.PeriodLine) string {
	switch l.Opens {
	case workflow.OpensForm:
		return paths.ReportForm(assignmentID, l.Period.ID)
	case workflow.OpensReport:
		return paths.Report(l.Report.ID)
	}
	return ""
}

// dueOf is the assignment's deadline: an approved extension's date, else
// the measure's.
func dueOf(p Page) time.Time {
	if p.Row.DueOn != nil {
		return *p.Row.DueOn
	}
	return p.Measure.DueOn
}
