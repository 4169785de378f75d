// Package record renders a measure's supervision record on the measure and
// assignment pages: deadlines and extension requests (延期申请), leaders'
// instructions (领导批示) with their replies, and the timeline of everything
// that happened (全过程留痕).
package record

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"duban/internal/clock"
	"duban/internal/model"
	"duban/internal/reqctx"
	"duban/internal/rules"
	"duban/internal/validate"
	"duban/internal/workflow"
	"duban/views/paths"
)

// Page is the record's part of the measure page.
type Page struct {
	MeasureID   int64
	Rec         *workflow.Record
	Form        Form // the form that failed, to show again with its input
	Accept      string
	MaxUploadMB int64
	Today       string
}

// Form is the typed input and field errors of a form that was refused.
type Form struct {
	Name   string // FormRequest, FormInstruction, "decide-<id>", "answer-<id>"
	Values map[string]string
	Errors validate.Errors
}

// Form names.
const (
	FormRequest     = "request"
	FormInstruction = "instruction"
)

// DecideFormName and AnswerFormName name the per-row forms.
func DecideFormName(id int64) string { return fmt.Sprintf("decide-%d", id) }
func AnswerFormName(id int64) string { return fmt.Sprintf("answer-%d", id) }

func (f Form) errs(name string) validate.Errors {
	if f.Name != name {
		return nil
	}
	return f.Errors
}

func (f Form) val(name, field, def string) string {
	if f.Name != name {
		return def
	}
	if v, ok := f.Values[field]; ok {
		return v
	}
	return def
}

func id(n int64) string { return strconv.FormatInt(n, 10) }

func stateKey(state string) string { return "ext.state." + state }

func selected(v int64, cur int64) bool { return v == cur }

func pendingOf(rec *workflow.Record, assignmentID int64) bool {
	for _, e := range rec.Extensions {
		if e.AssignmentID == assignmentID && e.State == model.ExtensionPending {
			return true
		}
	}
	return false
}

// daysSince counts whole days from t to the portal's now.
func daysSince(ctx context.Context, t time.Time) int {
	return clock.DaysBetween(t, reqctx.Get(ctx).Now)
}

// overdue reports whether a reply date has passed (the rules' test).
func overdue(now time.Time, due *time.Time) bool {
	return rules.InstructionOverdue(rules.Instruction{Due: *due}, now)
}

func measureURL(id int64, anchor string) string { return paths.Measure(id) + anchor }

func deadlinesOf(rec *workflow.Record, assignmentID int64) []workflow.Deadline {
	var out []workflow.Deadline
	for _, d := range rec.Deadlines {
		if d.AssignmentID == assignmentID {
			out = append(out, d)
		}
	}
	return out
}

func extensionsOf(rec *workflow.Record, assignmentID int64) []workflow.ExtensionView {
	var out []workflow.ExtensionView
	for _, e := range rec.Extensions {
		if e.AssignmentID == assignmentID {
			e.CanDecide = false // decided on the measure page
			out = append(out, e)
		}
	}
	return out
}
