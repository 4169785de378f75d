package demo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"time"

	"duban/internal/clock"
	"duban/internal/evidence"
	"duban/internal/figures"
	"duban/internal/i18n"
	"duban/internal/model"
	"duban/internal/periods"
	"duban/internal/readmodel"
	"duban/internal/rules"
	"duban/internal/store"
	"duban/internal/validate"
	"duban/internal/workflow"
)

// historyAddr marks the audit entries of the generated history.
const historyAddr = "demo-history"

// SeedHistory writes a plausible reporting history up to now for every
// plan in the database: assignments signed for, reports for the past
// periods from most units (some approved, some returned with reasons and
// revised, some overdue or missing), drafts and fresh submissions for the
// current period, a few 催办 prompts, one or two measures closed, and
// small evidence files. Units without an account get a disabled demo
// account to be the author of their reports. Everything goes through the
// workflow service, so the audit log, versions and notifications are as
// real use makes them, each stamped with its moment in the past. It is
// deterministic (seeded) and does nothing when any report exists.
func SeedHistory(ctx context.Context, st *store.Store, files evidence.Storage, now time.Time) error {
	if n, err := st.CountReports(ctx); err != nil || n > 0 {
		return err
	}
	plans, err := st.ListPlans(ctx)
	if err != nil {
		return err
	}
	h := &history{rnd: rand.New(rand.NewPCG(2014, 617)), now: now, users: map[int64]*model.User{}}
	units, err := st.UsersByRole(ctx, model.RoleUnit)
	if err != nil {
		return err
	}
	for i := range units {
		if id := units[i].UnitIDOr0(); id != 0 && h.users[id] == nil {
			h.users[id] = &units[i]
		}
	}
	if err := h.standIns(ctx, st, plans); err != nil {
		return err
	}
	if rvs, err := st.UsersByRole(ctx, model.RoleReviewer); err != nil {
		return err
	} else if len(rvs) > 0 {
		h.reviewer = &rvs[0]
	}
	if ls, err := st.UsersByRole(ctx, model.RoleViewer); err != nil {
		return err
	} else if len(ls) > 0 {
		h.leader = &ls[0]
	}
	// Plans oldest first, so the timeline reads naturally.
	slices.Reverse(plans)
	for _, p := range plans {
		if err := h.plan(ctx, st, p); err != nil {
			return fmt.Errorf("demo history of plan %d: %w", p.ID, err)
		}
	}
	sort.SliceStable(h.events, func(i, j int) bool { return h.events[i].at.Before(h.events[j].at) })

	// Each event runs at its moment: a store on a clock set to it stamps the
	// rows and audit entries, and one transaction keeps it fast.
	fake := clock.NewFake(now)
	past := st.WithClock(fake)
	wf := workflow.New(past, files)
	err = past.WithTx(ctx, func(ctx context.Context) error {
		for _, ev := range h.events {
			fake.Set(ev.at)
			if err := ev.run(ctx, wf); err != nil {
				return fmt.Errorf("%s at %s: %w", ev.what, ev.at.Format(time.DateTime), err)
			}
		}
		fake.Set(now)
		// Old news is read; the last week's stays in the inboxes.
		if err := past.MarkNotificationsReadBefore(ctx, now.AddDate(0, 0, -7)); err != nil {
			return err
		}
		// The read model of everything the history touched, in its transaction.
		return readmodel.Flush(ctx, past, now)
	})
	if err != nil {
		for _, k := range h.stored {
			_ = files.Remove(ctx, k)
		}
		return fmt.Errorf("demo history: %w", err)
	}
	return nil
}

type history struct {
	rnd      *rand.Rand
	now      time.Time
	users    map[int64]*model.User // a unit's first account
	reviewer *model.User
	leader   *model.User // writes the demo's 领导批示
	events   []event
	stored   []string // storage keys written, removed again on failure
}

type event struct {
	at   time.Time
	what string
	run  func(ctx context.Context, wf *workflow.Service) error
}

func (h *history) add(at time.Time, what string, run func(ctx context.Context, wf *workflow.Service) error) {
	if at.After(h.now) {
		return
	}
	h.events = append(h.events, event{at: at, what: what, run: run})
}

// standIns gives every assigned unit without an account a disabled demo
// account (its 填报员), so its reports and reviews have an author. Nobody
// can log in with them; they are marked demo like the rest.
func (h *history) standIns(ctx context.Context, st *store.Store, plans []model.Plan) error {
	for _, p := range plans {
		rows, err := st.AssignmentRowsOfPlan(ctx, p.ID)
		if err != nil {
			return err
		}
		for _, r := range rows {
			if h.users[r.UnitID] != nil {
				continue
			}
			name := fmt.Sprintf("demo-unit-%d", r.UnitID)
			u, err := st.UserByUsername(ctx, name)
			if errors.Is(err, model.ErrNotFound) {
				unit := r.UnitID
				u = &model.User{Username: name, DisplayName: r.UnitName + "填报员", Role: model.RoleUnit, UnitID: &unit,
					PasswordHash: "!demo-stand-in", Disabled: true, Demo: true, PasswordChangedAt: p.StartOn}
				err = st.CreateUser(ctx, u)
			}
			if err != nil {
				return fmt.Errorf("demo account of %s: %w", r.UnitName, err)
			}
			h.users[r.UnitID] = u
		}
	}
	return nil
}

// actor is the unit's (first) account.
func (h *history) actor(unitID int64, unitName string) store.Actor {
	if u := h.users[unitID]; u != nil {
		return store.ActorOf(u, historyAddr)
	}
	return store.Actor{Username: unitName, Role: model.RoleUnit, UnitID: unitID, ClientAddr: historyAddr}
}

// at is a working-hours moment on day d plus days.
func (h *history) at(d time.Time, days int) time.Time {
	day := clock.Date(d).AddDate(0, 0, days)
	switch day.Weekday() {
	case time.Saturday:
		day = day.AddDate(0, 0, 2)
	case time.Sunday:
		day = day.AddDate(0, 0, 1)
	}
	return day.Add(time.Duration(8*60+30+h.rnd.IntN(9*60)) * time.Minute)
}

func (h *history) chance(p float64) bool { return h.rnd.Float64() < p }

func (h *history) pick(xs []string) string { return xs[h.rnd.IntN(len(xs))] }

// track is how one assignment's work goes: its pace against the expected
// progress and where its numbers start.
type track struct {
	row     store.AssignmentRow
	actor   store.Actor
	lead    store.AssignmentRow
	pace    float64 // 1: exactly on schedule
	tpace   float64 // the same for the targets' numbers
	percent int
	signed  time.Time
	closing bool // the measure will be closed
}

func (h *history) plan(ctx context.Context, st *store.Store, p model.Plan) error {
	rows, err := st.AssignmentRowsOfPlan(ctx, p.ID)
	if err != nil {
		return err
	}
	ps, err := st.PeriodsOf(ctx, p.ID)
	if err != nil {
		return err
	}
	ts, err := st.TargetsOfPlan(ctx, p.ID)
	if err != nil {
		return err
	}
	targets := map[int64][]model.Target{}
	for _, t := range ts {
		targets[t.MeasureID] = append(targets[t.MeasureID], t)
	}
	cur := periods.Current(figures.PeriodsOf(ps), h.now)
	if cur < 0 {
		return nil // the plan has not started
	}
	// Measures by ID with their assignments, lead first.
	var measures []int64
	byMeasure := map[int64][]store.AssignmentRow{}
	for _, r := range rows {
		if _, ok := byMeasure[r.MeasureID]; !ok {
			measures = append(measures, r.MeasureID)
		}
		byMeasure[r.MeasureID] = append(byMeasure[r.MeasureID], r)
	}
	// One or two measures get done and closed after the last full period.
	closing := map[int64]bool{}
	if cur >= 2 {
		cands := slices.Clone(measures)
		sort.SliceStable(cands, func(i, j int) bool {
			return byMeasure[cands[i]][0].MeasureDueOn.Before(byMeasure[cands[j]][0].MeasureDueOn)
		})
		n := 1
		if len(cands) >= 10 {
			n = 2
		}
		for _, m := range cands {
			if len(closing) == n {
				break
			}
			if byMeasure[m][0].Role == model.AssignLead && h.users[byMeasure[m][0].UnitID] != nil {
				closing[m] = true
			}
		}
	}
	for _, m := range measures {
		as := byMeasure[m]
		if as[0].Role != model.AssignLead {
			continue // a measure without a lead unit has nobody to consolidate
		}
		tracks := make([]*track, len(as))
		for i, r := range as {
			tr := &track{row: r, actor: h.actor(r.UnitID, r.UnitName), lead: as[0], closing: closing[m],
				pace: 0.75 + h.rnd.Float64()*0.45, tpace: 1.2 + h.rnd.Float64()*0.25}
			if h.chance(0.1) {
				tr.tpace = 0.7 + h.rnd.Float64()*0.15 // a few numbers lag behind their path
			}
			tr.signed = h.at(p.StartOn, 3+h.rnd.IntN(25))
			if !tr.closing && h.chance(0.01) {
				tr.signed = time.Time{} // never signed for: shows on 督办
			} else {
				id, a := r.ID, tr.actor
				h.add(tr.signed, "sign", func(ctx context.Context, wf *workflow.Service) error {
					return wf.Sign(ctx, a, id)
				})
			}
			tracks[i] = tr
		}
		last := cur
		if closing[m] {
			last = cur - 1 // done in the last full period, closed after it
		}
		for pi := 0; pi <= last; pi++ {
			h.period(p, ps[pi], pi == cur, closing[m] && pi == last, tracks, targets[m])
		}
		if closing[m] && h.reviewer != nil {
			lead := tracks[0].row
			at := h.at(ps[last].DueOn, 6+h.rnd.IntN(6))
			rv := store.ActorOf(h.reviewer, historyAddr)
			note := "牵头单位报告全部工作已完成,指标达到目标值,经核实予以办结。"
			h.add(at, "close", func(ctx context.Context, wf *workflow.Service) error {
				return wf.CloseMeasure(ctx, rv, lead.MeasureID, at, note)
			})
		}
	}
	// A few reminders: about overdue reports of the last closed period and
	// reports due in the next days.
	if h.reviewer != nil {
		h.prompts(ps, cur, rows, closing)
	}
	h.supervision(measures, byMeasure, closing)
	return nil
}

// period writes one period's reports of one measure: co-units first, then
// the lead unit, reviewed by the lead unit and the supervision office.
func (h *history) period(p model.Plan, per model.Period, current, final bool, tracks []*track, targets []model.Target) {
	expected := rules.ExpectedPercent(p.StartOn, tracks[0].row.MeasureDueOn, per.EndsOn)
	leadUser := h.users[tracks[0].row.UnitID]
	var latestInput time.Time
	for i, tr := range tracks {
		if tr.signed.IsZero() {
			continue
		}
		isLead := i == 0
		// Whether and when this period's report goes in: most units report
		// every period; a few miss one (a 补报 item once they report again).
		report := h.chance(0.95)
		if tr.closing {
			report = true
		}
		var sub time.Time
		switch {
		case !report:
			continue
		case current:
			// The current period is still open: some are in, some drafted.
			if h.chance(0.7) {
				sub = h.at(per.EndsOn, -2+h.rnd.IntN(4))
			} else if h.chance(0.4) {
				h.draft(tr, per, expected, targets, h.at(per.EndsOn, h.rnd.IntN(3)))
				continue
			} else {
				continue
			}
		case h.chance(0.8) || tr.closing:
			sub = h.at(per.EndsOn, -3+h.rnd.IntN(7)) // on time (due 5 days after the end)
		default:
			sub = h.at(per.DueOn, 1+h.rnd.IntN(10)) // late
		}
		if isLead && !latestInput.IsZero() && !sub.After(latestInput) {
			sub = latestInput.Add(26 * time.Hour)
		}
		if sub.After(h.now) || sub.Before(tr.signed) {
			continue
		}
		in := h.content(tr, per, expected, targets)
		if final {
			in.ProgressState, in.Percent = model.ProgressDone, 100
			in.Progress = fmt.Sprintf("%s:%s各项工作已全部完成,量化指标均达到目标值。", tr.row.UnitName, tr.row.MeasureTitle)
			for id := range in.Targets {
				for _, t := range targets {
					if t.ID == id {
						v := doneValue(t)
						in.Targets[id] = &v
					}
				}
			}
		}
		h.submit(tr, in, h.files(tr, per, false), sub)
		if !isLead && sub.After(latestInput) {
			latestInput = sub
		}
		// Reviews: the lead unit reviews inputs, the office the lead's report.
		var reviewer *model.User
		if isLead {
			reviewer = h.reviewer
		} else {
			reviewer = leadUser
		}
		if reviewer == nil {
			continue // nobody to review it: it waits
		}
		rv := store.ActorOf(reviewer, historyAddr)
		at := h.at(sub, 1+h.rnd.IntN(4))
		if current && h.chance(0.5) {
			continue // not reviewed yet
		}
		if tr.closing || !h.chance(0.15) {
			h.review(tr, per, rv, at, store.DecisionApprove, "")
			continue
		}
		reason := h.pick(returnReasons)
		h.review(tr, per, rv, at, store.DecisionReturn, reason)
		// Almost all revise within days; a few let it lie (red after 5 days).
		if h.chance(0.93) {
			again := h.at(at, 2+h.rnd.IntN(4))
			rev := in
			rev.Progress += "(已按审核意见补充:" + strings.TrimSuffix(reason, "。") + "。)"
			var files []pendingFile
			if h.chance(0.6) {
				files = h.files(tr, per, true)
			}
			h.submit(tr, rev, files, again)
			h.review(tr, per, rv, h.at(again, 1+h.rnd.IntN(3)), store.DecisionApprove, "")
		}
	}
}

// content is a report's text and numbers for a period.
func (h *history) content(tr *track, per model.Period, expected float64, targets []model.Target) workflow.ReportInput {
	pct := int(math.Round(expected*tr.pace + float64(h.rnd.IntN(7)-3)))
	pct = max(tr.percent, min(95, max(pct, 0)))
	tr.percent = pct
	state := model.ProgressOnTrack
	switch {
	case pct == 0:
		state = model.ProgressNotStarted
	case float64(pct) < expected-12:
		state = model.ProgressBehind
	}
	in := workflow.ReportInput{AssignmentID: tr.row.ID, PeriodID: per.ID, ProgressState: state, Percent: pct,
		Progress: fmt.Sprintf("%s:本期围绕“%s”,%s,%s,累计完成年度任务的%d%%。", tr.row.UnitName, tr.row.MeasureTitle,
			h.pick(progressPhrases), fmt.Sprintf(h.pick(countPhrases), 2+h.rnd.IntN(9)), pct),
		Problems:  h.pick(problems),
		NextSteps: h.pick(nextSteps),
		Targets:   map[int64]*float64{},
	}
	if state == model.ProgressBehind {
		in.Problems = "进度滞后于序时进度,主要是" + strings.TrimSuffix(h.pick(problems[:4]), "。") + "。"
	}
	for _, t := range targets {
		v := h.targetValue(t, tr, per, expected)
		in.Targets[t.ID] = &v
	}
	return in
}

// targetValue moves from a baseline towards the target by the end of the
// target's year, slower for the few assignments whose numbers lag.
func (h *history) targetValue(t model.Target, tr *track, per model.Period, _ float64) float64 {
	share := math.Min(1, rules.ExpectedPercent(tr.row.PlanStartOn, rules.YearEnd(t.Year), per.EndsOn)/100*tr.tpace)
	var base float64
	switch t.Op {
	case "<=", "<":
		base = t.Value * 1.3
	default:
		base = t.Value * 0.88
	}
	v := base + (t.Value-base)*share + (h.rnd.Float64()-0.5)*math.Abs(t.Value)*0.005
	if math.Abs(t.Value) < 10 {
		return math.Round(v*100) / 100 // small numbers (1.2%, 1 册) need two decimals to move
	}
	return math.Round(v*10) / 10
}

func doneValue(t model.Target) float64 {
	switch t.Op {
	case "<=", "<":
		return t.Value * 0.95
	case ">":
		return t.Value * 1.02
	}
	return t.Value
}

// pendingFile is evidence to store when its report's event runs, so
// events that fall after now leave no files behind.
type pendingFile struct {
	name, contentType string
	data              []byte
}

// files makes small evidence files for a report now and then (always for
// a revision, which adds what the reviewer asked for).
func (h *history) files(tr *track, per model.Period, revision bool) []pendingFile {
	if !revision && !h.chance(0.35) {
		return nil
	}
	name := fmt.Sprintf("%s%s工作进展佐证.pdf", tr.row.UnitName, per.Label)
	if revision {
		name = fmt.Sprintf("%s补充材料.pdf", per.Label)
	}
	out := []pendingFile{{name, "application/pdf",
		evidence.SamplePDF(fmt.Sprintf("Duban demo evidence: assignment %d, %s", tr.row.ID, per.Label))}}
	if h.chance(0.3) {
		out = append(out, pendingFile{"现场照片.png", "image/png", evidence.SamplePNG(int(tr.row.ID) + h.rnd.IntN(100))})
	}
	return out
}

// store writes pending files and attaches them to in.
func (h *history) store(ctx context.Context, wf *workflow.Service, in *workflow.ReportInput, pending []pendingFile) error {
	in.AddFiles = nil
	for _, f := range pending {
		b, err := wf.Files().Create(ctx, bytes.NewReader(f.data), int64(len(f.data)))
		if err != nil {
			return err
		}
		h.stored = append(h.stored, b.Key)
		in.AddFiles = append(in.AddFiles, workflow.NewFile{Name: f.name, ContentType: f.contentType, Blob: b})
	}
	return nil
}

func (h *history) lockOf(ctx context.Context, wf *workflow.Service, asgID, periodID int64) (int64, int, error) {
	r, err := wf.Store().ReportOf(ctx, asgID, periodID)
	if err != nil {
		return 0, 0, nil // no report yet: lock 0
	}
	return r.ID, r.LockVersion, nil
}

func (h *history) draft(tr *track, per model.Period, expected float64, targets []model.Target, at time.Time) {
	in := h.content(tr, per, expected, targets)
	a := tr.actor
	h.add(at, "draft", func(ctx context.Context, wf *workflow.Service) error {
		_, lock, _ := h.lockOf(ctx, wf, in.AssignmentID, in.PeriodID)
		in.LockVersion = lock
		_, err := wf.SaveReport(ctx, a, in, false)
		return err
	})
}

func (h *history) submit(tr *track, in workflow.ReportInput, files []pendingFile, at time.Time) {
	a := tr.actor
	h.add(at, "submit", func(ctx context.Context, wf *workflow.Service) error {
		_, lock, _ := h.lockOf(ctx, wf, in.AssignmentID, in.PeriodID)
		in.LockVersion = lock
		if err := h.store(ctx, wf, &in, files); err != nil {
			return err
		}
		_, err := wf.SaveReport(ctx, a, in, true)
		return err
	})
}

func (h *history) review(tr *track, per model.Period, rv store.Actor, at time.Time, decision, reason string) {
	asg := tr.row.ID
	h.add(at, "review "+decision, func(ctx context.Context, wf *workflow.Service) error {
		id, lock, _ := h.lockOf(ctx, wf, asg, per.ID)
		if id == 0 {
			return nil // the report was never written (its submission fell after now)
		}
		_, err := wf.Review(ctx, rv, id, lock, decision, reason)
		return err
	})
}

// prompts sends 催办 about the reports of the last closed period still
// missing a few days after their deadline, again three weeks later (第2次)
// and, for some, once more (第3次); and reminders of the current period's
// deadline. Each is sent only if the report is still missing then.
func (h *history) prompts(ps []model.Period, cur int, rows []store.AssignmentRow, closing map[int64]bool) {
	rv := store.ActorOf(h.reviewer, historyAddr)
	zh := i18n.WithLocale(context.Background(), i18n.ZH)
	if cur >= 1 {
		per := ps[cur-1]
		for i, r := range rows {
			if closing[r.MeasureID] {
				continue
			}
			asg, pid := r.ID, per.ID
			rounds := []int{2 + h.rnd.IntN(5)}
			if i%2 == 0 {
				rounds = append(rounds, 24+h.rnd.IntN(5))
			}
			if i%6 == 0 {
				rounds = append(rounds, 55+h.rnd.IntN(10))
			}
			for _, days := range rounds {
				at := h.at(per.DueOn, days)
				by := clock.Date(at).AddDate(0, 0, 7)
				msg := i18n.T(zh, "rules.prompt.default", i18n.MonthDay(zh, by), i18n.PeriodLabel(zh, per.Label))
				h.add(at, "prompt", func(ctx context.Context, wf *workflow.Service) error {
					if rep, err := wf.Store().ReportOf(ctx, asg, pid); err == nil && rep.VersionNo > 0 {
						return nil
					}
					return h.prompt(ctx, wf, rv, asg, pid, msg)
				})
			}
		}
	}
	sent := 0
	// Reminders of the current period's deadline, sent yesterday.
	if cur >= 0 {
		per := ps[cur]
		for i, r := range rows {
			if closing[r.MeasureID] || i%5 != 0 || sent >= 16 {
				continue
			}
			at := h.at(h.now, -1)
			asg, pid := r.ID, per.ID
			h.add(at, "prompt", func(ctx context.Context, wf *workflow.Service) error {
				if rep, err := wf.Store().ReportOf(ctx, asg, pid); err == nil && rep.VersionNo > 0 {
					return nil
				}
				return h.prompt(ctx, wf, rv, asg, pid, "本期报告即将到期，请按时报送。")
			})
			sent++
		}
	}
}

// prompt sends a 催办 for one period; a period the rules do not chase at
// that moment is skipped, as the office would not send it.
func (h *history) prompt(ctx context.Context, wf *workflow.Service, rv store.Actor, asg, periodID int64, msg string) error {
	_, err := wf.SendPrompt(ctx, rv, asg, []int64{periodID}, msg)
	if validate.FieldsOf(err) != nil {
		return nil
	}
	return err
}

var (
	progressPhrases = []string{
		"召开专题推进会研究部署", "印发年度工作方案并分解任务", "开展专项督导检查", "完善配套政策措施",
		"推进项目建设和资金落实", "组织业务培训提升基层能力", "建立工作台账实行销号管理", "开展调研摸底掌握基本情况",
	}
	countPhrases = []string{
		"召开协调会%d次", "下发文件%d份", "开展督导检查%d次", "落实项目%d个", "举办培训班%d期",
	}
	problems = []string{
		"部分基层单位推进不平衡。", "资金拨付进度偏慢。", "专业技术人员不足。", "部门间数据共享不够顺畅。",
		"无。", "暂无突出问题。",
	}
	nextSteps = []string{
		"加强督导检查,确保按期完成年度任务。", "加快资金拨付和项目建设进度。", "完善考核评价机制,压实工作责任。",
		"加强部门协作,推动信息共享。", "总结推广经验做法,查漏补缺。",
	}
	returnReasons = []string{
		"佐证材料不足,请补充相关文件或照片。", "完成百分比与工作进展描述不一致,请核实。",
		"量化指标实际值缺少数据来源说明,请补充统计口径。", "存在问题一栏过于笼统,请具体说明。",
		"未反映协办单位工作情况,请汇总后重新报送。",
	}
)
