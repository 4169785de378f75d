package todo

import (
	"duban/internal/workflow"
	"duban/views/pages/reports"
)

// promptLink goes to the report form the prompt asks for, else the
// assignment.
func promptLink(it workflow.PromptItem) string {
	if it.Period != nil && !it.Row.Closed() {
		return reports.FormURL(it.Row.ID, it.Period.ID)
	}
	return reports.AssignmentURL(it.Row.ID)
}
