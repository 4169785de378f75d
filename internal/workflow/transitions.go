package workflow

import (
	"fmt"

	"duban/internal/model"
	"duban/internal/store"
)

// Objects the state machine knows. A report is either a co-unit's input
// (a responsible unit reports to the measure's lead unit) or the official
// report (the lead unit reports to the supervision office).
const (
	ObjInput      = "report.input"
	ObjOfficial   = "report.official"
	ObjAssignment = "assignment"
	ObjMeasure    = "measure"
	ObjPrompt     = "prompt"
	// ObjExtension is a request for a later deadline (延期申请) of one
	// assignment; its state before the request is StateNone.
	ObjExtension = "extension"
	// ObjInstruction is a leader's instruction (领导批示) on a measure.
	ObjInstruction = "instruction"
)

// States besides the report states of package model.
const (
	StateNone     = "none" // no row yet: a report nobody started, a prompt not sent
	StateUnsigned = "unsigned"
	StateSigned   = "signed"
	StateOpen     = "open"
	StateClosed   = "closed"
	StateResolved = "resolved"
	StatePending  = model.ExtensionPending
	StateApproved = model.ExtensionApproved
	StateRejected = model.ExtensionRejected
	StateAnswered = "answered"
)

// Actions.
const (
	ActSave    = "save"    // 保存草稿
	ActSubmit  = "submit"  // 报送
	ActApprove = "approve" // 审核通过
	ActReturn  = "return"  // 退回
	ActSign    = "sign"    // 签收
	ActClose   = "close"   // 办结
	ActReopen  = "reopen"  // 重新打开
	ActSend    = "send"    // 催办
	ActResolve = "resolve" // a prompt is answered by the report it asked for
	ActRequest = "request" // 延期申请
	ActReject  = "reject"  // 不同意延期
	ActWrite   = "write"   // 批示
	ActAnswer  = "answer"  // 反馈落实情况
)

// Actor kinds: how the acting user stands to the object.
const (
	Owner    = "owner"     // a user of the assignment's unit
	LeadUnit = "lead_unit" // a user of the measure's lead unit, acting on a co-unit's input
	Reviewer = "reviewer"  // the supervision office (督查室)
	Leader   = "leader"    // a viewer (领导) on an instruction: may write one
	Observer = "observer"  // may read but not act: viewers, admins, a reviewer on a co-unit's input
	Stranger = "stranger"  // may not even read: another unit
)

// Transition is one allowed step: Actor may do Action on Object in state
// From, which moves it to To.
type Transition struct {
	Object, From, Action, Actor, To string
}

// Transitions is the one table of every allowed state change. Anything not
// listed is refused.
var Transitions = []Transition{
	// 交办/签收
	{ObjAssignment, StateUnsigned, ActSign, Owner, StateSigned},

	// 反馈: a co-unit's input goes to the lead unit ...
	{ObjInput, StateNone, ActSave, Owner, model.ReportDraft},
	{ObjInput, model.ReportDraft, ActSave, Owner, model.ReportDraft},
	{ObjInput, model.ReportReturned, ActSave, Owner, model.ReportReturned},
	{ObjInput, StateNone, ActSubmit, Owner, model.ReportSubmitted},
	{ObjInput, model.ReportDraft, ActSubmit, Owner, model.ReportSubmitted},
	{ObjInput, model.ReportReturned, ActSubmit, Owner, model.ReportSubmitted},
	{ObjInput, model.ReportSubmitted, ActApprove, LeadUnit, model.ReportApproved},
	{ObjInput, model.ReportSubmitted, ActReturn, LeadUnit, model.ReportReturned},

	// ... and the lead unit's official report to the supervision office.
	{ObjOfficial, StateNone, ActSave, Owner, model.ReportDraft},
	{ObjOfficial, model.ReportDraft, ActSave, Owner, model.ReportDraft},
	{ObjOfficial, model.ReportReturned, ActSave, Owner, model.ReportReturned},
	{ObjOfficial, StateNone, ActSubmit, Owner, model.ReportSubmitted},
	{ObjOfficial, model.ReportDraft, ActSubmit, Owner, model.ReportSubmitted},
	{ObjOfficial, model.ReportReturned, ActSubmit, Owner, model.ReportSubmitted},
	{ObjOfficial, model.ReportSubmitted, ActApprove, Reviewer, model.ReportApproved},
	{ObjOfficial, model.ReportSubmitted, ActReturn, Reviewer, model.ReportReturned},

	// 催办
	{ObjPrompt, StateNone, ActSend, Reviewer, StateOpen},
	{ObjPrompt, StateOpen, ActResolve, Owner, StateResolved},

	// 办结
	{ObjMeasure, StateOpen, ActClose, Reviewer, StateClosed},
	{ObjMeasure, StateClosed, ActReopen, Reviewer, StateOpen},

	// 延期申请: a unit asks for its assignment (the lead unit may ask for the
	// whole measure); one open request at a time; the office decides.
	{ObjExtension, StateNone, ActRequest, Owner, StatePending},
	{ObjExtension, StatePending, ActApprove, Reviewer, StateApproved},
	{ObjExtension, StatePending, ActReject, Reviewer, StateRejected},

	// 领导批示: a leader or the office writes, the lead unit answers once.
	{ObjInstruction, StateNone, ActWrite, Leader, StateOpen},
	{ObjInstruction, StateNone, ActWrite, Reviewer, StateOpen},
	{ObjInstruction, StateOpen, ActAnswer, Owner, StateAnswered},
}

// Next looks up a transition. A refusal says why: model.ErrNotFound for a
// stranger (who must not learn the object exists), ErrState when the actor
// could do this in another state (the object changed meanwhile),
// model.ErrForbidden otherwise.
func Next(object, from, action, actor string) (string, error) {
	canElsewhere := false
	for _, t := range Transitions {
		if t.Object != object || t.Action != action || t.Actor != actor {
			continue
		}
		if t.From == from {
			return t.To, nil
		}
		canElsewhere = true
	}
	switch {
	case actor == Stranger:
		return "", fmt.Errorf("%s %s: %w", action, object, model.Refused(object, 0))
	case canElsewhere:
		return "", fmt.Errorf("%s %s in state %s: %w", action, object, from, ErrState)
	}
	return "", fmt.Errorf("%s %s as %s: %w", action, object, actor, model.ErrForbidden)
}

// ReportObject is the state-machine object of a report of an assignment
// with the given role.
func ReportObject(assignmentRole string) string {
	if assignmentRole == model.AssignLead {
		return ObjOfficial
	}
	return ObjInput
}

// KindOf says how actor stands to an object belonging to the assignment of
// unit assignedUnit on a measure led by leadUnit (0 when it has no lead).
func KindOf(a store.Actor, object string, assignedUnit, leadUnit int64) string {
	switch a.Role {
	case model.RoleReviewer:
		if object == ObjInput || object == ObjAssignment {
			return Observer
		}
		return Reviewer
	case model.RoleViewer:
		if object == ObjInstruction {
			return Leader
		}
		return Observer
	case model.RoleAdmin:
		return Observer
	case model.RoleUnit:
		switch {
		case a.UnitID == 0:
			return Stranger
		case a.UnitID == assignedUnit:
			return Owner
		case a.UnitID == leadUnit && object == ObjInput:
			return LeadUnit
		case a.UnitID == leadUnit:
			return Observer
		}
	}
	return Stranger
}
