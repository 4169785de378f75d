package workflow

import (
	"context"
	"fmt"
	"time"

	"duban/internal/clock"
	"duban/internal/figures"
	"duban/internal/model"
	"duban/internal/rules"
	"duban/internal/store"
)

// AssignmentPage is what the assignment page (unit × measure) shows to one
// viewer: every period with its report, the version history, reviews,
// evidence, prompts, the measure's 办结 history and which forms the viewer
// is offered.
type AssignmentPage struct {
	Row     store.AssignmentRow
	Measure model.Measure
	Others  []store.AssignmentRow // the measure's other assignments
	Targets []model.Target
	Light   rules.Status
	// MeasureLight combines the lights of every unit on the measure.
	MeasureLight rules.Light
	OtherLights  map[int64]rules.Status
	Periods      []PeriodLine
	Versions     []HistoryLine
	Reviews      []ReviewLine
	Files        []FileLine
	Prompts      []PromptLine
	Closure      []ClosureLine
	SignedBy     string
	IsOwner      bool
	CanSign      bool
	CanPrompt    bool
	CanClose     bool
	CanReopen    bool
	Current      int64 // the period to report on now (0: none)
	// Flagged are the measure's co-units whose light is red or yellow.
	Flagged []string
	// ReturnGraceDays is the rules' setting the 催办 form's text cites.
	ReturnGraceDays int
}

// Where a period line leads the viewer.
const (
	OpensNothing = ""
	OpensForm    = "form"   // the owner's report form
	OpensReport  = "report" // the report's page
)

// PeriodLine is a reporting period and the assignment's report for it.
type PeriodLine struct {
	Period   model.Period
	Report   *model.Report
	State    string // what the viewer may know: a draft is "none" to others
	Current  bool
	Started  bool
	DaysLeft int
	Opens    string // OpensForm, OpensReport or OpensNothing
}

// HistoryLine is one submitted version.
type HistoryLine struct {
	ReportID    int64
	Period      string
	No          int
	SubmittedAt time.Time
	SubmittedBy string
	Decision    string
}

// ReviewLine is one review decision on a report version.
type ReviewLine struct {
	Period    string // stored period label ("" on a report's own page)
	ReportID  int64
	VersionNo int
	Reviewer  string
	Decision  string // approve or return
	Reason    string
	At        time.Time
}

// FileLine is an evidence file of one of the assignment's reports.
type FileLine struct {
	ID         int64
	Name       string
	Size       int64
	Period     string
	UploadedAt time.Time
	Removed    bool
}

// PromptLine is a 催办 prompt.
type PromptLine struct {
	Nth        int // 第N次 on its period
	At         time.Time
	Sender     string
	Period     string
	Message    string
	ResolvedAt *time.Time
}

// ClosureLine is a 办结 or reopen event.
type ClosureLine struct {
	At     time.Time
	Actor  string
	Action string // ActClose or ActReopen
	Text   string // the closing note or the reason to reopen
}

// Assignment loads an assignment the actor may see and its measure's lead
// unit; another unit's assignment is "not found".
func (s *Service) Assignment(ctx context.Context, a store.Actor, id int64) (*store.AssignmentRow, int64, error) {
	row, leadUnit, err := s.AssignmentRow(ctx, id)
	if err != nil {
		return nil, 0, err
	}
	if !CanSeeAssignment(a, row.UnitID, leadUnit) {
		return nil, 0, model.Refused("assignment", id)
	}
	return row, leadUnit, nil
}

// AssignmentPage assembles the assignment page for actor at now.
func (s *Service) AssignmentPage(ctx context.Context, a store.Actor, id int64, now time.Time) (*AssignmentPage, error) {
	row, leadUnit, err := s.Assignment(ctx, a, id)
	if err != nil {
		return nil, err
	}
	m, err := s.st.MeasureByID(ctx, row.MeasureID)
	if err != nil {
		return nil, err
	}
	page := &AssignmentPage{Row: *row, Measure: *m, IsOwner: IsOwner(a, row.UnitID)}
	others, err := s.st.AssignmentRowsOfMeasure(ctx, row.MeasureID)
	if err != nil {
		return nil, err
	}
	for _, o := range others {
		if o.ID != row.ID {
			page.Others = append(page.Others, o)
		}
	}
	if page.Targets, err = s.st.TargetsOf(ctx, row.MeasureID); err != nil {
		return nil, err
	}
	// What the rules say about every unit on the measure, and the measure.
	snap, err := figures.Load(ctx, s.st, figures.Scope{PlanID: row.PlanID, MeasureID: row.MeasureID}, now)
	if err != nil {
		return nil, err
	}
	me := snap.Assignment(row.ID)
	if me == nil {
		return nil, fmt.Errorf("assignment %d: %w", id, model.ErrNotFound)
	}
	page.Light, page.MeasureLight = me.Status, me.Measure.Light
	page.ReturnGraceDays = snap.Settings.ReturnGraceDays
	page.OtherLights = map[int64]rules.Status{}
	for _, o := range me.Measure.Assignments {
		page.OtherLights[o.ID] = o.Status
	}
	for _, f := range me.Measure.Flagged() {
		page.Flagged = append(page.Flagged, f.Unit.Name)
	}
	reps, err := s.st.ReportsOfAssignments(ctx, []int64{row.ID})
	if err != nil {
		return nil, err
	}
	page.Periods, page.Current = periodLines(a, row, leadUnit, me, reps, now)
	if err := s.fillHistory(ctx, page, reps); err != nil {
		return nil, err
	}
	page.CanSign = canSign(a, row, leadUnit)
	if a.Role == model.RoleReviewer {
		page.CanPrompt = !row.Closed()
	}
	if row.Role == model.AssignLead {
		kind := KindOf(a, ObjMeasure, 0, leadUnit)
		progress := ""
		if i := me.LatestSubmitted(); i >= 0 {
			progress = me.Reports[i].Progress()
		}
		page.CanClose = canClose(kind, row.Closed(), progress)
		page.CanReopen = canReopen(kind, row.Closed())
	}
	return page, nil
}

// canSign reports whether actor may 签收 the assignment now.
func canSign(a store.Actor, row *store.AssignmentRow, leadUnit int64) bool {
	state := StateUnsigned
	if row.SignedAt != nil {
		state = StateSigned
	}
	_, err := Next(ObjAssignment, state, ActSign, KindOf(a, ObjAssignment, row.UnitID, leadUnit))
	return err == nil
}

// fillHistory adds the reviews, versions, evidence files, prompts and the
// measure's 办结 history, with the names of the people behind them.
func (s *Service) fillHistory(ctx context.Context, page *AssignmentPage, reps []model.Report) error {
	row := &page.Row
	var repIDs []int64
	label := map[int64]string{}
	periodOf := map[int64]string{}
	for _, pl := range page.Periods {
		periodOf[pl.Period.ID] = pl.Period.Label
	}
	for _, r := range reps {
		repIDs = append(repIDs, r.ID)
		label[r.ID] = periodOf[r.PeriodID]
	}
	var err error
	if page.Reviews, err = s.ReviewLines(ctx, repIDs, label); err != nil {
		return err
	}
	decision := map[[2]int64]string{}
	for _, rv := range page.Reviews {
		decision[[2]int64{rv.ReportID, int64(rv.VersionNo)}] = rv.Decision
	}
	vs, err := s.st.ReportVersionsOf(ctx, repIDs)
	if err != nil {
		return err
	}
	listed := map[int64]bool{} // files some submitted version lists
	var uids []int64
	for _, v := range vs {
		sn, err := ParseSnapshot(v.Snapshot)
		if err != nil {
			return err
		}
		for _, f := range sn.Files {
			listed[f.ID] = true
		}
		if v.SubmittedBy != nil {
			uids = append(uids, *v.SubmittedBy)
		}
	}
	prompts, err := s.st.PromptsOfAssignment(ctx, row.ID)
	if err != nil {
		return err
	}
	for _, p := range prompts {
		uids = append(uids, p.SenderID)
	}
	if row.SignedBy != nil {
		uids = append(uids, *row.SignedBy)
	}
	closures, err := s.st.ClosuresOf(ctx, row.MeasureID)
	if err != nil {
		return err
	}
	for _, c := range closures {
		if c.ActorID != nil {
			uids = append(uids, *c.ActorID)
		}
	}
	names, err := s.st.UserNames(ctx, uids)
	if err != nil {
		return err
	}
	if row.SignedBy != nil {
		page.SignedBy = names[*row.SignedBy]
	}
	for i := len(vs) - 1; i >= 0; i-- {
		v := vs[i]
		line := HistoryLine{ReportID: v.ReportID, Period: label[v.ReportID], No: v.VersionNo,
			SubmittedAt: v.SubmittedAt, Decision: decision[[2]int64{v.ReportID, int64(v.VersionNo)}]}
		if v.SubmittedBy != nil {
			line.SubmittedBy = names[*v.SubmittedBy]
		}
		page.Versions = append(page.Versions, line)
	}
	files, err := s.st.AttachmentsOf(ctx, repIDs)
	if err != nil {
		return err
	}
	for _, f := range files {
		if !page.IsOwner && !listed[f.ID] {
			continue // a draft's file is the unit's own business
		}
		page.Files = append(page.Files, FileLine{ID: f.ID, Name: f.Name, Size: f.Size, Period: label[f.ReportID],
			UploadedAt: f.CreatedAt, Removed: f.RemovedAt != nil})
	}
	// Prompts come newest first; number them per period oldest first.
	nth := map[int64]int{}
	for i := len(prompts) - 1; i >= 0; i-- {
		p := prompts[i]
		pl := PromptLine{At: p.CreatedAt, Sender: names[p.SenderID], Message: p.Message, ResolvedAt: p.ResolvedAt}
		if p.PeriodID != nil {
			pl.Period = periodOf[*p.PeriodID]
			nth[*p.PeriodID]++
			pl.Nth = nth[*p.PeriodID]
		}
		page.Prompts = append([]PromptLine{pl}, page.Prompts...)
	}
	for _, c := range closures {
		cl := ClosureLine{At: c.At, Action: c.Action, Text: c.Note}
		if c.ActorID != nil {
			cl.Actor = names[*c.ActorID]
		}
		page.Closure = append(page.Closure, cl)
	}
	return nil
}

// ReviewLines lists the review decisions on reports, with the reviewers'
// names and each report's period label.
func (s *Service) ReviewLines(ctx context.Context, reportIDs []int64, periodLabel map[int64]string) ([]ReviewLine, error) {
	rvs, err := s.st.ReviewsOf(ctx, reportIDs)
	if err != nil {
		return nil, err
	}
	var uids []int64
	for _, r := range rvs {
		uids = append(uids, r.ReviewerID)
	}
	names, err := s.st.UserNames(ctx, uids)
	if err != nil {
		return nil, err
	}
	out := make([]ReviewLine, 0, len(rvs))
	for _, r := range rvs {
		out = append(out, ReviewLine{Period: periodLabel[r.ReportID], ReportID: r.ReportID, VersionNo: r.VersionNo,
			Reviewer: names[r.ReviewerID], Decision: r.Decision, Reason: r.Reason, At: r.CreatedAt})
	}
	return out, nil
}

// periodLines lists the periods of an assignment's plan with its reports
// as the viewer may see them, and the current period's ID (the rules'
// current period among those the assignment owes).
func periodLines(a store.Actor, row *store.AssignmentRow, leadUnit int64, me *figures.Assignment, reps []model.Report, now time.Time) ([]PeriodLine, int64) {
	byPeriod := map[int64]*model.Report{}
	for i := range reps {
		byPeriod[reps[i].PeriodID] = &reps[i]
	}
	owner := IsOwner(a, row.UnitID)
	var out []PeriodLine
	var curID int64
	for i, p := range me.Plan().Periods {
		l := PeriodLine{Period: p, Report: byPeriod[p.ID], Current: i == me.Status.Current,
			Started: !clock.Date(now).Before(clock.Date(p.StartsOn)), DaysLeft: clock.DaysBetween(now, p.DueOn), State: "none"}
		if l.Current {
			curID = p.ID
		}
		switch {
		case owner && l.Report != nil && (l.Report.State == model.ReportSubmitted || l.Report.State == model.ReportApproved):
			l.State, l.Opens = l.Report.State, OpensReport
		case owner && l.Started && !row.Closed():
			l.State, l.Opens = ReportState(l.Report), OpensForm
		case owner && l.Report != nil:
			l.State, l.Opens = l.Report.State, OpensReport
		case l.Report != nil && CanSeeReport(a, row.UnitID, leadUnit, l.Report):
			l.State, l.Opens = l.Report.State, OpensReport
		}
		out = append(out, l)
	}
	return out, curID
}

// ReportState is a report's state for its owner; "none" when there is no
// report yet.
func ReportState(r *model.Report) string {
	if r == nil {
		return "none"
	}
	return r.State
}
