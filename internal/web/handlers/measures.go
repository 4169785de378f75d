package handlers

import (
	"net/http"
	"sort"
	"strings"

	"github.com/labstack/echo/v4"

	"duban/internal/clock"
	"duban/internal/format"
	"duban/internal/model"
	"duban/internal/web/render"
	measurepages "duban/views/pages/measures"
	"duban/views/pages/record"
)

// Measure shows one measure: the plan's own label, the original text with
// its targets marked, the targets, and the assigned units (lead first), each
// linking to its assignment page. Every role may read it.
func (h *Handlers) Measure(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	return h.showMeasure(c, id, http.StatusOK, record.Form{})
}

// showMeasure renders the measure page with status; form is a refused
// form of its record (extension, instruction) to show again.
func (h *Handlers) showMeasure(c echo.Context, id int64, status int, form record.Form) error {
	ctx := c.Request().Context()
	m, err := h.Store.MeasureByID(ctx, id)
	if err != nil {
		return err
	}
	p, err := h.Store.PlanByID(ctx, m.PlanID)
	if err != nil {
		return err
	}
	d, err := h.Store.DomainByID(ctx, m.DomainID)
	if err != nil {
		return err
	}
	targets, err := h.Store.TargetsOf(ctx, m.ID)
	if err != nil {
		return err
	}
	assigns, err := h.Store.AssignmentsOf(ctx, m.ID)
	if err != nil {
		return err
	}
	var unitIDs []int64
	for _, a := range assigns {
		unitIDs = append(unitIDs, a.UnitID)
	}
	names, err := h.newUnitNamer(ctx, unitIDs)
	if err != nil {
		return err
	}
	page := measurepages.ShowPage{
		ID: m.ID, PlanID: p.ID, PlanTitle: p.Title, DomainID: d.ID, DomainLabel: d.Label, DomainTitle: d.Title,
		PlanLabel: format.Citation(d.Label, m.Label), Title: m.Title, DueOn: clock.DayText(m.DueOn),
		Closed: m.ClosedAt != nil, ClosedNote: m.ClosedNote, IsAdmin: user(c).Role == model.RoleAdmin,
	}
	if m.ClosedAt != nil {
		page.ClosedOn = clock.DayText(*m.ClosedAt)
	} else {
		page.Overdue = clock.Date(m.DueOn).Before(clock.Date(h.Clock.Now()))
	}
	var phrases []targetPhrase
	for _, t := range targets {
		page.Targets = append(page.Targets, measurepages.TargetRow{Indicator: t.Indicator, OpKey: opKey(t.Op),
			Value: format.Num(t.Value), Unit: t.Unit, Year: t.Year, Text: t.Text})
		phrases = append(phrases, targetPhrase{t.Text, t.Indicator})
	}
	page.Source = highlightTargets(m.SourceText, phrases)

	var resp []int64
	for _, a := range assigns {
		if a.Role == model.AssignResponsible {
			resp = append(resp, a.UnitID)
		}
	}
	groups, groupOf := names.coveredGroups(resp)
	for _, g := range groups {
		gv := measurepages.GroupView{Name: g.Group.Name}
		for _, u := range g.UnitIDs {
			gv.Members = append(gv.Members, names.name(u))
		}
		page.Groups = append(page.Groups, gv)
	}
	// A unit user opens its own assignment, and every assignment of a
	// measure its unit leads (the lead unit consolidates the co-units'
	// reports); other roles open them all. Links a user cannot follow are
	// not shown.
	myUnit := user(c).UnitIDOr0()
	leadsIt := false
	for _, a := range assigns {
		if myUnit != 0 && a.UnitID == myUnit && a.Role == model.AssignLead {
			leadsIt = true
		}
	}
	for _, a := range assigns {
		row := measurepages.AssignmentRow{ID: a.ID, Unit: names.name(a.UnitID), RoleKey: "assignment.role." + a.Role,
			Mine: myUnit != 0 && a.UnitID == myUnit}
		row.CanOpen = user(c).Role != model.RoleUnit || row.Mine || leadsIt
		if un, ok := names.units[a.UnitID]; ok {
			row.KindKey = "unit.kind." + un.Kind
		}
		if a.Role == model.AssignResponsible {
			row.Group = groupOf[a.UnitID]
		}
		if a.SignedAt != nil {
			row.SignedAt = a.SignedAt.In(clock.Zone).Format("2006-01-02 15:04")
		}
		page.Assignments = append(page.Assignments, row)
	}

	// Neighbours in the plan's order, for reading the plan measure by measure.
	all, err := h.Store.MeasuresOf(ctx, p.ID)
	if err != nil {
		return err
	}
	domains, err := h.Store.DomainsOf(ctx, p.ID)
	if err != nil {
		return err
	}
	dl := map[int64]string{}
	for _, x := range domains {
		dl[x.ID] = x.Label
	}
	for i, x := range all {
		if x.ID != m.ID {
			continue
		}
		if i > 0 {
			page.Prev = &measurepages.Link{ID: all[i-1].ID, Label: format.Citation(dl[all[i-1].DomainID], all[i-1].Label), Title: all[i-1].Title}
		}
		if i+1 < len(all) {
			page.Next = &measurepages.Link{ID: all[i+1].ID, Label: format.Citation(dl[all[i+1].DomainID], all[i+1].Label), Title: all[i+1].Title}
		}
	}
	if page.Record, err = h.recordPage(c, m.ID, form); err != nil {
		return err
	}
	return render.Page(c, status, measurepages.Show(page))
}

// targetOps is the allow-list of target operators, in the order the edit
// form offers them, with the catalog key of each in words.
var targetOps = []struct{ Op, Key string }{
	{">=", "plans.op.ge"}, {">", "plans.op.gt"}, {"<=", "plans.op.le"},
	{"<", "plans.op.lt"}, {"=", "plans.op.eq"}, {"~", "plans.op.about"},
}

// opKey is the catalog key of a target operator in words (不低于, 超过, …).
func opKey(op string) string {
	for _, o := range targetOps {
		if o.Op == op {
			return o.Key
		}
	}
	return "plans.op.unknown"
}

func validOp(op string) bool { return opKey(op) != "plans.op.unknown" }

// targetPhrase is how a target is found in its measure's text: the phrase
// as written, else (for a target an admin has reworded) its indicator.
type targetPhrase struct{ Text, Indicator string }

// highlightTargets cuts src into plain and marked segments, marking each
// target at the first occurrence of its phrase (or indicator) that does not
// overlap an earlier mark, so two targets written alike mark two places.
func highlightTargets(src string, targets []targetPhrase) []measurepages.Segment {
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
	var out []measurepages.Segment
	at := 0
	for _, m := range marks {
		if m.from > at {
			out = append(out, measurepages.Segment{Text: src[at:m.from]})
		}
		out = append(out, measurepages.Segment{Text: src[m.from:m.to], Mark: true})
		at = m.to
	}
	if at < len(src) {
		out = append(out, measurepages.Segment{Text: src[at:]})
	}
	return out
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }
