package workflow

import (
	"context"
	"sort"
	"strings"
	"time"

	"duban/internal/clock"
	"duban/internal/format"
	"duban/internal/model"
	"duban/internal/store"
)

// MeasurePage is what a measure's page shows to one viewer: the plan's own
// label, the original text with its targets marked, the targets, the
// assigned units (lead first) and the measure's neighbours in the plan.
// Every role may read it.
type MeasurePage struct {
	ID          int64
	PlanID      int64
	PlanTitle   string
	DomainID    int64
	DomainLabel string
	DomainTitle string
	PlanLabel   string // the plan's own label, e.g. (一)2
	Title       string
	DueOn       string
	Overdue     bool
	Closed      bool
	ClosedOn    string
	ClosedNote  string
	Source      []Segment // the original text, targets marked
	Targets     []TargetLine
	Assignments []MeasureUnit
	Groups      []UnitGroup
	IsAdmin     bool
	Prev, Next  *MeasureLink
}

// Segment is a piece of a measure's source text; Mark is set on a target's
// phrase.
type Segment struct {
	Text string
	Mark bool
}

// TargetLine is one quantified target.
type TargetLine struct {
	Indicator string
	Op        string // >=, >, <=, <, = or ~
	Value     string
	Unit      string
	Year      int
	Text      string // the phrase as written in the plan
}

// MeasureUnit is one unit's assignment on a measure's page.
type MeasureUnit struct {
	ID       int64
	Unit     string
	Role     string // model.AssignLead or model.AssignResponsible
	Group    string // the unit group it came with, if any
	SignedAt string // "" while not signed for (签收)
	Mine     bool
	CanOpen  bool // the viewer may open the assignment's page
}

// UnitGroup is a unit group whose members are all assigned.
type UnitGroup struct {
	Name    string
	Members []string
}

// MeasureLink points to a neighbouring measure.
type MeasureLink struct {
	ID    int64
	Label string
	Title string
}

// MeasurePage assembles measure id's page for actor at now.
func (s *Service) MeasurePage(ctx context.Context, a store.Actor, id int64, now time.Time) (*MeasurePage, error) {
	m, err := s.st.MeasureByID(ctx, id)
	if err != nil {
		return nil, err
	}
	p, err := s.st.PlanByID(ctx, m.PlanID)
	if err != nil {
		return nil, err
	}
	domains, err := s.st.DomainsOf(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	dl := map[int64]model.Domain{}
	for _, x := range domains {
		dl[x.ID] = x
	}
	d := dl[m.DomainID]
	page := &MeasurePage{
		ID: m.ID, PlanID: p.ID, PlanTitle: p.Title, DomainID: d.ID, DomainLabel: d.Label, DomainTitle: d.Title,
		PlanLabel: format.Citation(d.Label, m.Label), Title: m.Title, DueOn: clock.DayText(m.DueOn),
		Closed: m.ClosedAt != nil, ClosedNote: m.ClosedNote, IsAdmin: a.Role == model.RoleAdmin,
	}
	if m.ClosedAt != nil {
		page.ClosedOn = clock.DayText(*m.ClosedAt)
	} else {
		page.Overdue = clock.Date(m.DueOn).Before(clock.Date(now))
	}
	targets, err := s.st.TargetsOf(ctx, m.ID)
	if err != nil {
		return nil, err
	}
	var phrases []targetPhrase
	for _, t := range targets {
		page.Targets = append(page.Targets, TargetLine{Indicator: t.Indicator, Op: t.Op,
			Value: format.Num(t.Value), Unit: t.Unit, Year: t.Year, Text: t.Text})
		phrases = append(phrases, targetPhrase{t.Text, t.Indicator})
	}
	page.Source = highlightTargets(m.SourceText, phrases)
	if err := s.measureUnits(ctx, a, page); err != nil {
		return nil, err
	}
	// Neighbours in the plan's order, for reading the plan measure by measure.
	all, err := s.st.MeasuresOf(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	link := func(x model.Measure) *MeasureLink {
		return &MeasureLink{ID: x.ID, Label: format.Citation(dl[x.DomainID].Label, x.Label), Title: x.Title}
	}
	for i, x := range all {
		if x.ID != m.ID {
			continue
		}
		if i > 0 {
			page.Prev = link(all[i-1])
		}
		if i+1 < len(all) {
			page.Next = link(all[i+1])
		}
	}
	return page, nil
}

// measureUnits lists the measure's assignments and the unit groups they
// cover. A unit user opens its own assignment, and every assignment of a
// measure its unit leads (the lead unit consolidates the co-units'
// reports); other roles open them all. Links a viewer cannot follow are
// not offered.
func (s *Service) measureUnits(ctx context.Context, a store.Actor, page *MeasurePage) error {
	assigns, err := s.st.AssignmentsOf(ctx, page.ID)
	if err != nil {
		return err
	}
	var unitIDs, resp []int64
	leadsIt := false
	for _, x := range assigns {
		unitIDs = append(unitIDs, x.UnitID)
		if x.Role == model.AssignResponsible {
			resp = append(resp, x.UnitID)
		}
		if a.UnitID != 0 && x.UnitID == a.UnitID && x.Role == model.AssignLead {
			leadsIt = true
		}
	}
	names, err := s.unitNames(ctx, unitIDs)
	if err != nil {
		return err
	}
	groups, groupOf := names.coveredGroups(resp)
	for _, g := range groups {
		ug := UnitGroup{Name: g.Group.Name}
		for _, u := range g.UnitIDs {
			ug.Members = append(ug.Members, names.name(u))
		}
		page.Groups = append(page.Groups, ug)
	}
	for _, x := range assigns {
		row := MeasureUnit{ID: x.ID, Unit: names.name(x.UnitID), Role: x.Role, Mine: a.UnitID != 0 && x.UnitID == a.UnitID}
		row.CanOpen = a.Role != model.RoleUnit || row.Mine || leadsIt
		if x.Role == model.AssignResponsible {
			row.Group = groupOf[x.UnitID]
		}
		if x.SignedAt != nil {
			row.SignedAt = clock.MinuteText(*x.SignedAt)
		}
		page.Assignments = append(page.Assignments, row)
	}
	return nil
}

// targetPhrase is how a target is found in its measure's text: the phrase
// as written, else (for a target an admin has reworded) its indicator.
type targetPhrase struct{ Text, Indicator string }

// highlightTargets cuts src into plain and marked segments, marking each
// target at the first occurrence of its phrase (or indicator) that does not
// overlap an earlier mark, so two targets written alike mark two places.
func highlightTargets(src string, targets []targetPhrase) []Segment {
	if src == "" {
		return nil
	}
	type span struct{ from, to int }
	var marks []span
	overlaps := func(a, b int) bool {
		for _, m := range marks {
			if a < m.to && m.from < b {
				return true
			}
		}
		return false
	}
	find := func(ph string) bool {
		ph = strings.TrimSpace(ph)
		if ph == "" {
			return false
		}
		for off := 0; off < len(src); {
			i := strings.Index(src[off:], ph)
			if i < 0 {
				return false
			}
			a, b := off+i, off+i+len(ph)
			if !overlaps(a, b) {
				marks = append(marks, span{a, b})
				return true
			}
			off = a + 1
			for off < len(src) && !isRuneStart(src[off]) {
				off++
			}
		}
		return false
	}
	for _, t := range targets {
		if !find(t.Text) {
			find(t.Indicator)
		}
	}
	sort.Slice(marks, func(i, j int) bool { return marks[i].from < marks[j].from })
	var out []Segment
	at := 0
	for _, m := range marks {
		if m.from > at {
			out = append(out, Segment{Text: src[at:m.from]})
		}
		out = append(out, Segment{Text: src[m.from:m.to], Mark: true})
		at = m.to
	}
	if at < len(src) {
		out = append(out, Segment{Text: src[at:]})
	}
	return out
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }
