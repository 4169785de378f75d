package demo

import (
	"context"
	"time"

	"duban/internal/clock"
	"duban/internal/model"
	"duban/internal/store"
	"duban/internal/workflow"
)

// supervision adds the office's and the leaders' side of the history: an
// approved, a rejected and a pending extension request (延期申请), and two
// leaders' instructions (领导批示), one answered and one past its reply
// date. They go to measures that stay open, preferring units whose demo
// accounts can log in, at fixed days before the demo's date (no draws from
// the history's random source, so the reports stay as they were).
func (h *history) supervision(measures []int64, byMeasure map[int64][]store.AssignmentRow, closing map[int64]bool) {
	if h.reviewer == nil {
		return
	}
	rv := store.ActorOf(h.reviewer, historyAddr)
	live := func(unitID int64) bool { u := h.users[unitID]; return u != nil && !u.Disabled }
	var leads, coUnits []store.AssignmentRow
	for pass := 0; pass < 2; pass++ { // units that can log in first
		for _, m := range measures {
			as := byMeasure[m]
			if closing[m] || as[0].Role != model.AssignLead {
				continue
			}
			for _, r := range as {
				if live(r.UnitID) != (pass == 0) {
					continue
				}
				if r.Role == model.AssignLead {
					leads = append(leads, r)
				} else {
					coUnits = append(coUnits, r)
				}
			}
		}
	}
	day := func(daysBefore int, hour int) time.Time {
		return clock.Date(h.now).AddDate(0, 0, -daysBefore).Add(time.Duration(hour) * time.Hour)
	}
	// Three co-units of different measures ask; the office rejects, grants
	// and has not decided yet.
	used := map[int64]bool{}
	var askers []store.AssignmentRow
	for _, r := range coUnits {
		if len(askers) < 3 && !used[r.MeasureID] && !usedUnit(askers, r.UnitID) {
			used[r.MeasureID] = true
			askers = append(askers, r)
		}
	}
	reasons := []string{
		"项目用地调整，需重新办理规划手续，申请延期完成。",
		"上级配套资金下半年才能到位，工程无法按原定时限完工。",
		"场馆改造涉及招投标程序，预计需延后一个季度。",
	}
	for i, r := range askers {
		r, a := r, h.actor(r.UnitID, r.UnitName)
		asked := day([]int{80, 60, 4}[i], 10)
		proposed := clock.Date(r.MeasureDueOn).AddDate(0, 3, 0)
		reason := reasons[i]
		id := new(int64)
		h.add(asked, "extension request", func(ctx context.Context, wf *workflow.Service) error {
			e, err := wf.RequestExtension(ctx, a, workflow.ExtensionInput{AssignmentID: r.ID, ProposedOn: proposed, Reason: reason})
			if err != nil {
				return err
			}
			*id = e.ID
			return nil
		})
		switch i {
		case 0:
			h.add(day(76, 15), "extension rejected", func(ctx context.Context, wf *workflow.Service) error {
				return wf.DecideExtension(ctx, rv, *id, false, time.Time{}, "用地调整不影响年度建设任务，请按原定时限推进。")
			})
		case 1:
			granted := clock.Date(r.MeasureDueOn).AddDate(0, 2, 0)
			h.add(day(55, 16), "extension approved", func(ctx context.Context, wf *workflow.Service) error {
				return wf.DecideExtension(ctx, rv, *id, true, granted, "同意延期两个月，请确保按调整后时限完成。")
			})
		}
	}
	// Two instructions of the leader on measures led by units with an
	// account: one answered with 落实情况, one past its reply date.
	if h.leader == nil || len(leads) < 2 {
		return
	}
	lead := store.ActorOf(h.leader, historyAddr)
	for i, r := range leads[:2] {
		r, a := r, h.actor(r.UnitID, r.UnitName)
		body := []string{
			"请市教育局牵头加快推进，重点解决普惠性学位不足问题，月底前报告落实情况。",
			"此项工作进度偏慢，请牵头单位认真研究，提出切实措施，按期反馈。",
		}[i]
		id := new(int64)
		written, due := day([]int{50, 24}[i], 9), clock.Date(day([]int{30, 10}[i], 0))
		h.add(written, "instruction", func(ctx context.Context, wf *workflow.Service) error {
			x, err := wf.WriteInstruction(ctx, lead, workflow.InstructionInput{MeasureID: r.MeasureID, Body: body, DueOn: due})
			if err != nil {
				return err
			}
			*id = x.ID
			return nil
		})
		if i == 0 {
			h.add(day(33, 11), "instruction answered", func(ctx context.Context, wf *workflow.Service) error {
				return wf.AnswerInstruction(ctx, a, *id,
					"已召开专题会议部署，新增普惠性幼儿园学位1200个，相关材料已报送。", nil)
			})
		}
	}
}

func usedUnit(rows []store.AssignmentRow, unitID int64) bool {
	for _, r := range rows {
		if r.UnitID == unitID {
			return true
		}
	}
	return false
}
