package workflow

import (
	"context"
	"sort"
	"time"

	"duban/internal/clock"
	"duban/internal/model"
	"duban/internal/rules"
	"duban/internal/store"
)

// Timeline event kinds (catalog key timeline.kind.<kind>).
const (
	EvAssigned         = "assigned"
	EvSigned           = "signed"
	EvSubmitted        = "submitted"
	EvApproved         = "approved"
	EvReturned         = "returned"
	EvPrompt           = "prompt"
	EvExtRequested     = "ext_requested"
	EvExtApproved      = "ext_approved"
	EvExtRejected      = "ext_rejected"
	EvInstruction      = "instruction"
	EvInstructionReply = "instruction_reply"
	EvClosed           = "closed"
	EvReopened         = "reopened"
)

// Event is one step of a measure's full record (全过程留痕).
type Event struct {
	At       time.Time
	Kind     string
	UnitID   int64 // 0: the measure as a whole (办结, reopen)
	Unit     string
	Actor    string
	Period   string // stored period label, e.g. 2014Q4
	Version  int
	Date     time.Time // the date the event names: proposed, granted, reply due
	Text     string
	ReportID int64 // with Version: the submitted version to open
	Files    []model.CaseFile
}

// Deadline is one assignment's deadline: the plan's, and the one an
// approved extension set (zero when none).
type Deadline struct {
	AssignmentID int64
	UnitID       int64
	Unit         string
	Role         string
	Original     time.Time
	Adjusted     time.Time
}

// ExtensionView is an extension request with the names it needs.
type ExtensionView struct {
	model.Extension
	UnitID    int64
	Unit      string
	Requester string
	Decider   string
	Files     []model.CaseFile
	AgeDays   int  // days since asked
	CanDecide bool // the actor may approve or reject it now
}

// InstructionView is an instruction with the names it needs.
type InstructionView struct {
	model.Instruction
	Author    string
	Replier   string
	Lead      string
	CoUnits   []string
	Files     []model.CaseFile
	Overdue   bool // past its reply date, unanswered
	CanAnswer bool
}

// Record is what the measure page shows of a measure's supervision: the
// deadlines, extension requests, instructions and the timeline, as the
// actor may see them.
type Record struct {
	Visible      bool // the actor may see the record (units only where they work)
	Deadlines    []Deadline
	Extensions   []ExtensionView
	Instructions []InstructionView
	Timeline     []Event
	Units        []Deadline // the units the timeline can be filtered by
	UnitFilter   int64
	// What the actor may start: an extension request for its assignment
	// (0: none; whole: also for the measure), an instruction.
	RequestFor          int64
	RequestWhole        bool
	RequestDue          time.Time // the deadline a request would move
	CanWriteInstruction bool
	CoUnits             []Deadline // the co-units an instruction may name
}

// MeasureRecord builds a measure's record for actor; unitFilter (0: all)
// narrows the timeline to one unit's events and the measure's own.
func (s *Service) MeasureRecord(ctx context.Context, a store.Actor, measureID, unitFilter int64) (*Record, error) {
	m, err := s.st.MeasureByID(ctx, measureID)
	if err != nil {
		return nil, err
	}
	return s.MeasureRecordOf(ctx, a, m, unitFilter)
}

// MeasureRecordOf is MeasureRecord of a measure already loaded.
func (s *Service) MeasureRecordOf(ctx context.Context, a store.Actor, m *model.Measure, unitFilter int64) (*Record, error) {
	measureID := m.ID
	as, err := s.st.AssignmentsOf(ctx, measureID)
	if err != nil {
		return nil, err
	}
	var leadUnit int64
	var leadAsg *model.Assignment
	for i := range as {
		if as[i].Role == model.AssignLead {
			leadUnit, leadAsg = as[i].UnitID, &as[i]
		}
	}
	// Which units' records the actor may see: all for the office, leaders
	// and admins, and for the lead unit; its own for a co-unit.
	seeAll := a.Role != model.RoleUnit || (a.UnitID != 0 && a.UnitID == leadUnit)
	mine := func(unitID int64) bool { return seeAll || (a.UnitID != 0 && unitID == a.UnitID) }
	rec := &Record{UnitFilter: unitFilter}
	for _, x := range as {
		if x.UnitID == a.UnitID && a.Role == model.RoleUnit {
			rec.Visible = true
		}
	}
	rec.Visible = rec.Visible || a.Role != model.RoleUnit
	if !rec.Visible {
		return rec, nil
	}
	var unitIDs []int64
	for _, x := range as {
		unitIDs = append(unitIDs, x.UnitID)
	}
	units, err := s.st.UnitsByID(ctx, unitIDs)
	if err != nil {
		return nil, err
	}
	unitOf := map[int64]int64{} // assignment → unit
	for _, x := range as {
		unitOf[x.ID] = x.UnitID
		d := Deadline{AssignmentID: x.ID, UnitID: x.UnitID, Unit: units[x.UnitID].Name, Role: x.Role, Original: clock.Date(m.DueOn)}
		if x.DueOn != nil {
			d.Adjusted = clock.Date(*x.DueOn)
		}
		if x.Role == model.AssignResponsible {
			rec.CoUnits = append(rec.CoUnits, d)
		}
		rec.Units = append(rec.Units, d)
		if mine(x.UnitID) {
			rec.Deadlines = append(rec.Deadlines, d)
		}
		if IsOwner(a, x.UnitID) && m.ClosedAt == nil {
			rec.RequestFor, rec.RequestWhole, rec.RequestDue = x.ID, x.Role == model.AssignLead, DueOf(&x, m)
		}
	}
	if leadAsg != nil && m.ClosedAt == nil {
		_, err := Next(ObjInstruction, StateNone, ActWrite, KindOf(a, ObjInstruction, leadUnit, leadUnit))
		rec.CanWriteInstruction = err == nil
	}

	exts, err := s.st.ExtensionsOfMeasure(ctx, measureID)
	if err != nil {
		return nil, err
	}
	ins, named, err := s.st.InstructionsOfMeasure(ctx, measureID)
	if err != nil {
		return nil, err
	}
	files, err := s.st.CaseFilesOfMeasure(ctx, measureID)
	if err != nil {
		return nil, err
	}
	vs, revs, err := s.st.VersionsAndReviewsOfMeasure(ctx, measureID)
	if err != nil {
		return nil, err
	}
	prompts, err := s.st.PromptsOfMeasure(ctx, measureID)
	if err != nil {
		return nil, err
	}
	closures, err := s.st.ClosuresOf(ctx, measureID)
	if err != nil {
		return nil, err
	}
	pers, err := s.st.PeriodsOfPlans(ctx, []int64{m.PlanID})
	if err != nil {
		return nil, err
	}
	periodLabel := map[int64]string{}
	for _, p := range pers[m.PlanID] {
		periodLabel[p.ID] = p.Label
	}

	var uids []int64
	for _, x := range as {
		if x.SignedBy != nil {
			uids = append(uids, *x.SignedBy)
		}
	}
	for _, e := range exts {
		uids = append(uids, e.RequestedBy)
		if e.DecidedBy != nil {
			uids = append(uids, *e.DecidedBy)
		}
	}
	for _, in := range ins {
		uids = append(uids, in.AuthorID)
		if in.RepliedBy != nil {
			uids = append(uids, *in.RepliedBy)
		}
	}
	for _, v := range vs {
		if v.SubmittedBy != nil {
			uids = append(uids, *v.SubmittedBy)
		}
	}
	for _, r := range revs {
		uids = append(uids, r.ReviewerID)
	}
	for _, p := range prompts {
		uids = append(uids, p.SenderID)
	}
	for _, c := range closures {
		if c.ActorID != nil {
			uids = append(uids, *c.ActorID)
		}
	}
	names, err := s.st.UserNames(ctx, uids)
	if err != nil {
		return nil, err
	}
	nameOf := func(id *int64) string {
		if id == nil {
			return ""
		}
		return names[*id]
	}
	extFiles, insFiles := map[int64][]model.CaseFile{}, map[int64][]model.CaseFile{}
	for _, f := range files {
		switch {
		case f.ExtensionID != nil:
			extFiles[*f.ExtensionID] = append(extFiles[*f.ExtensionID], f)
		case f.InstructionID != nil:
			insFiles[*f.InstructionID] = append(insFiles[*f.InstructionID], f)
		}
	}
	now := s.now()
	var tl []Event
	add := func(e Event) {
		if !mine(e.UnitID) && e.UnitID != 0 {
			return
		}
		if unitFilter != 0 && e.UnitID != 0 && e.UnitID != unitFilter {
			return
		}
		e.Unit = units[e.UnitID].Name
		tl = append(tl, e)
	}
	var planStart time.Time
	if ps := pers[m.PlanID]; len(ps) > 0 {
		planStart = ps[0].StartsOn
	}
	for _, x := range as {
		// Work that came with the plan (made with its measure) was given
		// on the plan's start, not when the plan was typed in.
		at := x.CreatedAt
		if !clock.Date(at).After(clock.Date(m.CreatedAt)) && !planStart.IsZero() {
			at = clock.Date(planStart)
		}
		add(Event{At: at, Kind: EvAssigned, UnitID: x.UnitID, Text: x.Role})
		if x.SignedAt != nil {
			add(Event{At: *x.SignedAt, Kind: EvSigned, UnitID: x.UnitID, Actor: nameOf(x.SignedBy)})
		}
	}
	for _, v := range vs {
		add(Event{At: v.SubmittedAt, Kind: EvSubmitted, UnitID: unitOf[v.AssignmentID], Actor: nameOf(v.SubmittedBy),
			Period: periodLabel[v.PeriodID], Version: v.VersionNo, ReportID: v.ReportID})
	}
	for _, r := range revs {
		k := EvApproved
		if r.Decision == ActReturn {
			k = EvReturned
		}
		add(Event{At: r.CreatedAt, Kind: k, UnitID: unitOf[r.AssignmentID], Actor: names[r.ReviewerID],
			Period: periodLabel[r.PeriodID], Version: r.VersionNo, ReportID: r.ReportID, Text: r.Reason})
	}
	for _, p := range prompts {
		e := Event{At: p.CreatedAt, Kind: EvPrompt, UnitID: p.UnitID, Actor: names[p.SenderID], Text: p.Message}
		if p.PeriodID != nil {
			e.Period = periodLabel[*p.PeriodID]
		}
		add(e)
	}
	for _, e := range exts {
		unit := unitOf[e.AssignmentID]
		if mine(unit) {
			v := ExtensionView{Extension: e, UnitID: unit, Unit: units[unit].Name, Requester: names[e.RequestedBy],
				Decider: nameOf(e.DecidedBy), Files: extFiles[e.ID], AgeDays: clock.DaysBetween(e.CreatedAt, now)}
			_, err := Next(ObjExtension, e.State, ActApprove, KindOf(a, ObjExtension, unit, leadUnit))
			v.CanDecide = err == nil
			rec.Extensions = append(rec.Extensions, v)
		}
		add(Event{At: e.CreatedAt, Kind: EvExtRequested, UnitID: unit, Actor: names[e.RequestedBy], Date: e.ProposedOn,
			Text: e.Reason, Files: extFiles[e.ID]})
		if e.DecidedAt != nil {
			d := Event{At: *e.DecidedAt, Kind: EvExtRejected, UnitID: unit, Actor: nameOf(e.DecidedBy), Text: e.DecisionReason}
			if e.State == model.ExtensionApproved {
				d.Kind = EvExtApproved
				if e.DecidedOn != nil {
					d.Date = *e.DecidedOn
				}
			}
			add(d)
		}
	}
	for _, in := range ins {
		v := InstructionView{Instruction: in, Author: names[in.AuthorID], Replier: nameOf(in.RepliedBy), Lead: units[leadUnit].Name,
			Files: insFiles[in.ID]}
		for _, u := range named[in.ID] {
			v.CoUnits = append(v.CoUnits, units[u].Name)
		}
		if in.DueOn != nil {
			ri := rules.Instruction{Due: *in.DueOn}
			if in.RepliedAt != nil {
				ri.AnsweredAt = *in.RepliedAt
			}
			v.Overdue = rules.InstructionOverdue(ri, now)
		}
		if in.RepliedAt == nil && m.ClosedAt == nil {
			_, err := Next(ObjInstruction, StateOpen, ActAnswer, KindOf(a, ObjInstruction, leadUnit, leadUnit))
			v.CanAnswer = err == nil
		}
		rec.Instructions = append(rec.Instructions, v)
		e := Event{At: in.CreatedAt, Kind: EvInstruction, UnitID: leadUnit, Actor: names[in.AuthorID], Text: in.Body}
		if in.DueOn != nil {
			e.Date = *in.DueOn
		}
		add(e)
		if in.RepliedAt != nil {
			add(Event{At: *in.RepliedAt, Kind: EvInstructionReply, UnitID: leadUnit, Actor: nameOf(in.RepliedBy), Text: in.Reply,
				Files: insFiles[in.ID]})
		}
	}
	for _, c := range closures {
		k := EvClosed
		if c.Action == ActReopen {
			k = EvReopened
		}
		add(Event{At: c.At, Kind: k, Actor: nameOf(c.ActorID), Text: c.Note})
	}
	sort.SliceStable(tl, func(i, j int) bool { return tl[i].At.Before(tl[j].At) })
	rec.Timeline = tl
	return rec, nil
}

// CaseFile returns an extension's or a reply's evidence file if actor may
// download it: the office, leaders and admins; the lead unit of the
// measure; the unit that asked for the extension; for a reply, the units
// working on the measure. Others get model.ErrNotFound.
func (s *Service) CaseFile(ctx context.Context, a store.Actor, id int64) (*model.CaseFile, error) {
	f, err := s.st.CaseFileByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if a.Role != model.RoleUnit {
		return f, nil
	}
	var measureID, ownUnit int64
	switch {
	case f.ExtensionID != nil:
		e, err := s.st.ExtensionByID(ctx, *f.ExtensionID)
		if err != nil {
			return nil, err
		}
		asg, err := s.st.AssignmentByID(ctx, e.AssignmentID)
		if err != nil {
			return nil, err
		}
		measureID, ownUnit = e.MeasureID, asg.UnitID
	case f.InstructionID != nil:
		in, err := s.st.InstructionByID(ctx, *f.InstructionID)
		if err != nil {
			return nil, err
		}
		measureID = in.MeasureID
	}
	as, err := s.st.AssignmentsOf(ctx, measureID)
	if err != nil {
		return nil, err
	}
	for _, x := range as {
		if a.UnitID == 0 || x.UnitID != a.UnitID {
			continue
		}
		if x.Role == model.AssignLead || f.InstructionID != nil || x.UnitID == ownUnit {
			return f, nil
		}
	}
	return nil, model.Refused("case_file", id)
}
