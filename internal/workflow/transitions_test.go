package workflow_test

import (
	"errors"
	"fmt"
	"testing"

	"duban/internal/model"
	"duban/internal/workflow"
)

// The expected machine, written out as the spec says it rather than as the
// table is laid out, so a slip in either shows.
func expected(obj, from, action, actor string) (string, bool) {
	report := obj == workflow.ObjInput || obj == workflow.ObjOfficial
	// Who reviews which report: the lead unit the co-units' inputs, the
	// supervision office the lead units' official reports.
	reviewerOf := workflow.LeadUnit
	if obj == workflow.ObjOfficial {
		reviewerOf = workflow.Reviewer
	}
	switch {
	case report && actor == workflow.Owner && (action == workflow.ActSave || action == workflow.ActSubmit):
		switch from {
		case workflow.StateNone, model.ReportDraft:
			if action == workflow.ActSave {
				return model.ReportDraft, true
			}
			return model.ReportSubmitted, true
		case model.ReportReturned:
			if action == workflow.ActSave {
				return model.ReportReturned, true // still to be resubmitted
			}
			return model.ReportSubmitted, true
		}
	case report && actor == reviewerOf && from == model.ReportSubmitted && action == workflow.ActApprove:
		return model.ReportApproved, true
	case report && actor == reviewerOf && from == model.ReportSubmitted && action == workflow.ActReturn:
		return model.ReportReturned, true
	case obj == workflow.ObjAssignment && actor == workflow.Owner && from == workflow.StateUnsigned && action == workflow.ActSign:
		return workflow.StateSigned, true
	case obj == workflow.ObjMeasure && actor == workflow.Reviewer && from == workflow.StateOpen && action == workflow.ActClose:
		return workflow.StateClosed, true
	case obj == workflow.ObjMeasure && actor == workflow.Reviewer && from == workflow.StateClosed && action == workflow.ActReopen:
		return workflow.StateOpen, true
	case obj == workflow.ObjPrompt && actor == workflow.Reviewer && from == workflow.StateNone && action == workflow.ActSend:
		return workflow.StateOpen, true
	case obj == workflow.ObjPrompt && actor == workflow.Owner && from == workflow.StateOpen && action == workflow.ActResolve:
		return workflow.StateResolved, true
	// 延期申请: the unit asks while nothing is pending; the office decides.
	case obj == workflow.ObjExtension && actor == workflow.Owner && from == workflow.StateNone && action == workflow.ActRequest:
		return workflow.StatePending, true
	case obj == workflow.ObjExtension && actor == workflow.Reviewer && from == workflow.StatePending && action == workflow.ActApprove:
		return workflow.StateApproved, true
	case obj == workflow.ObjExtension && actor == workflow.Reviewer && from == workflow.StatePending && action == workflow.ActReject:
		return workflow.StateRejected, true
	// 领导批示: leaders and the office write; the lead unit answers once.
	case obj == workflow.ObjInstruction && (actor == workflow.Leader || actor == workflow.Reviewer) &&
		from == workflow.StateNone && action == workflow.ActWrite:
		return workflow.StateOpen, true
	case obj == workflow.ObjInstruction && actor == workflow.Owner && from == workflow.StateOpen && action == workflow.ActAnswer:
		return workflow.StateAnswered, true
	}
	return "", false
}

func TestTransitionTableIsTheSpec(t *testing.T) {
	objects := map[string][]string{
		workflow.ObjInput:       {workflow.StateNone, model.ReportDraft, model.ReportSubmitted, model.ReportReturned, model.ReportApproved},
		workflow.ObjOfficial:    {workflow.StateNone, model.ReportDraft, model.ReportSubmitted, model.ReportReturned, model.ReportApproved},
		workflow.ObjAssignment:  {workflow.StateUnsigned, workflow.StateSigned},
		workflow.ObjMeasure:     {workflow.StateOpen, workflow.StateClosed},
		workflow.ObjPrompt:      {workflow.StateNone, workflow.StateOpen, workflow.StateResolved},
		workflow.ObjExtension:   {workflow.StateNone, workflow.StatePending, workflow.StateApproved, workflow.StateRejected},
		workflow.ObjInstruction: {workflow.StateNone, workflow.StateOpen, workflow.StateAnswered},
	}
	actions := []string{workflow.ActSave, workflow.ActSubmit, workflow.ActApprove, workflow.ActReturn, workflow.ActSign,
		workflow.ActClose, workflow.ActReopen, workflow.ActSend, workflow.ActResolve,
		workflow.ActRequest, workflow.ActReject, workflow.ActWrite, workflow.ActAnswer}
	actors := []string{workflow.Owner, workflow.LeadUnit, workflow.Reviewer, workflow.Leader, workflow.Observer, workflow.Stranger}
	allowed, refused := 0, 0
	for obj, states := range objects {
		for _, from := range states {
			for _, act := range actions {
				for _, who := range actors {
					name := fmt.Sprintf("%s/%s/%s/%s", obj, from, act, who)
					want, ok := expected(obj, from, act, who)
					got, err := workflow.Next(obj, from, act, who)
					if ok {
						allowed++
						if err != nil || got != want {
							t.Errorf("%s = %q, %v; want %q", name, got, err, want)
						}
						continue
					}
					refused++
					switch {
					case err == nil:
						t.Errorf("%s allowed (→ %s), want refused", name, got)
					case who == workflow.Stranger && !errors.Is(err, model.ErrNotFound):
						t.Errorf("%s: a stranger must get not-found, got %v", name, err)
					case who != workflow.Stranger && errors.Is(err, model.ErrNotFound):
						t.Errorf("%s: only strangers get not-found, got %v", name, err)
					case errors.Is(err, workflow.ErrState) != canElsewhere(objects[obj], obj, act, who):
						t.Errorf("%s: state refusal = %v, want %v", name, errors.Is(err, workflow.ErrState), !errors.Is(err, workflow.ErrState))
					}
				}
			}
		}
	}
	if allowed != len(workflow.Transitions) {
		t.Errorf("the spec allows %d transitions, the table has %d", allowed, len(workflow.Transitions))
	}
	t.Logf("%d allowed, %d refused combinations checked", allowed, refused)
}

func canElsewhere(states []string, obj, act, who string) bool {
	if who == workflow.Stranger {
		return false
	}
	for _, s := range states {
		if _, ok := expected(obj, s, act, who); ok {
			return true
		}
	}
	return false
}
