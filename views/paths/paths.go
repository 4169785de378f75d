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

// MeasureAt is a measure's page at one of its sections (extensions,
// extension-3, instruction-5, …).
func MeasureAt(id int64, anchor string) string { return fmt.Sprintf("/measures/%d#%s", id, anchor) }

// MeasureHistory downloads a measure's history workbook.
func MeasureHistory(id int64) string { return fmt.Sprintf("/measures/%d/history.xlsx", id) }

// MeasureInstructions is where a 领导批示 on a measure is written.
func MeasureInstructions(id int64) string { return fmt.Sprintf("/measures/%d/instructions", id) }

// MeasureDelete deletes a measure nobody has reported on (administrators).
func MeasureDelete(id int64) string { return fmt.Sprintf("/admin/measures/%d/delete", id) }

// AssignmentExtensions is where a 延期申请 for an assignment is made.
func AssignmentExtensions(id int64) string { return fmt.Sprintf("/assignments/%d/extensions", id) }

// ExtensionDecide is where the office approves or rejects a 延期申请.
func ExtensionDecide(id int64) string { return fmt.Sprintf("/extensions/%d/decide", id) }

// InstructionAnswer is where the lead unit answers a 领导批示.
func InstructionAnswer(id int64) string { return fmt.Sprintf("/instructions/%d/answer", id) }

// CaseFile downloads an extension's or an answer's evidence file.
func CaseFile(id int64) string { return fmt.Sprintf("/case-files/%d", id) }

// ProfileTokenRevoke revokes one of the user's own API tokens.
func ProfileTokenRevoke(id int64) string { return fmt.Sprintf("/profile/tokens/%d/revoke", id) }

// AdminTokenRevoke revokes anyone's API token (administrators).
func AdminTokenRevoke(id int64) string { return fmt.Sprintf("/admin/tokens/%d/revoke", id) }

// AdminUser is a user's page (administrators).
func AdminUser(id int64) string { return fmt.Sprintf("/admin/users/%d", id) }

// AdminUnit is a unit's page (administrators).
func AdminUnit(id int64) string { return fmt.Sprintf("/admin/units/%d", id) }

// AdminGroup is a unit group's page (administrators).
func AdminGroup(id int64) string { return fmt.Sprintf("/admin/groups/%d", id) }

// InboxRead marks one inbox notification read.
func InboxRead(id int64) string { return fmt.Sprintf("/inbox/%d/read", id) }
