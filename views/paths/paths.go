// Package paths builds the portal's URL paths, for the handlers that
// redirect to a page and the views that link to one. The route table
// (internal/web/routes.go) holds the matching patterns.
package paths

import "fmt"

// Assignment is an assignment's page.
func Assignment(id int64) string { return fmt.Sprintf("/assignments/%d", id) }

// ReportForm is the report form of an assignment for a period.
func ReportForm(assignmentID, periodID int64) string {
	return fmt.Sprintf("/assignments/%d/periods/%d", assignmentID, periodID)
}

// Report is a report's page.
func Report(id int64) string { return fmt.Sprintf("/reports/%d", id) }

// ReportVersion is one submitted version of a report.
func ReportVersion(id int64, no int) string { return fmt.Sprintf("/reports/%d/versions/%d", id, no) }

// Attachment downloads an evidence file.
func Attachment(id int64) string { return fmt.Sprintf("/attachments/%d", id) }

// Measure is a measure's page.
func Measure(id int64) string { return fmt.Sprintf("/measures/%d", id) }

// Bulletin is a 督查通报's page.
func Bulletin(id int64) string { return fmt.Sprintf("/bulletins/%d", id) }

// MeasureEdit is a measure's edit form (administrators).
func MeasureEdit(id int64) string { return fmt.Sprintf("/admin/measures/%d/edit", id) }

// Plan is a plan's page.
func Plan(id int64) string { return fmt.Sprintf("/plans/%d", id) }

// PlanDomain is a plan's page at one of its domains.
func PlanDomain(planID, domainID int64) string {
	return fmt.Sprintf("/plans/%d#domain-%d", planID, domainID)
}

// PlanEdit is a plan's settings form (administrators).
func PlanEdit(id int64) string { return fmt.Sprintf("/admin/plans/%d/edit", id) }

// PlanMeasures is where a measure is added to a plan (administrators).
func PlanMeasures(id int64) string { return fmt.Sprintf("/admin/plans/%d/measures", id) }
