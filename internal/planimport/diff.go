package planimport

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"duban/internal/clock"
	"duban/internal/model"
	"duban/internal/planparse"
	"duban/internal/store"
)

// Diff is what a revised document changes in a stored plan. Measures are
// matched by their domain label and their own label, e.g. (一) 2.
type Diff struct {
	DomainsAdded []string
	Added        []MeasureChange
	Changed      []MeasureChange
	Removed      []MeasureChange
}

// MeasureChange names one measure and what changes in it.
type MeasureChange struct {
	Domain    string
	Label     string
	Title     string
	MeasureID int64    // 0 for an added measure
	Fields    []string // title, text, targets, units, due
	// DueFrom and DueTo are the stored and the document's deadline when
	// Fields has "due".
	DueFrom, DueTo *Due `json:",omitempty"`
	// Kept is set when a change cannot be applied without losing reported
	// work (a removed measure that has reports stays, and says so).
	Kept bool
}

// Empty reports whether the document changes nothing.
func (d *Diff) Empty() bool {
	return d == nil || len(d.DomainsAdded)+len(d.Added)+len(d.Changed)+len(d.Removed) == 0
}

type storedMeasure struct {
	m       model.Measure
	domain  model.Domain
	targets []model.Target
	units   map[int64]string // unit ID → role
}

// Due is a measure's deadline: its date, the phrase of the document it came
// from (完成时限), and whether the work is ongoing.
type Due struct {
	On      string // YYYY-MM-DD
	Note    string
	Ongoing bool
}

func storedDue(m model.Measure) Due {
	return Due{On: clock.DayText(m.DueOn), Note: m.DueNote, Ongoing: m.Ongoing}
}

func documentDue(m planparse.Measure, planEnd time.Time) Due {
	return Due{On: measureDue(m, planEnd).Format(time.DateOnly), Note: m.DueText, Ongoing: m.Ongoing}
}

func key(domainLabel, measureLabel string) string { return domainLabel + " " + measureLabel }

func (s *Service) loadStored(ctx context.Context, planID int64) ([]model.Domain, map[string]*storedMeasure, []string, error) {
	ds, err := s.st.DomainsOf(ctx, planID)
	if err != nil {
		return nil, nil, nil, err
	}
	ms, err := s.st.MeasuresOf(ctx, planID)
	if err != nil {
		return nil, nil, nil, err
	}
	ts, err := s.st.TargetsOfPlan(ctx, planID)
	if err != nil {
		return nil, nil, nil, err
	}
	as, err := s.st.AssignmentsOfPlan(ctx, planID)
	if err != nil {
		return nil, nil, nil, err
	}
	byDomain := map[int64]model.Domain{}
	for _, d := range ds {
		byDomain[d.ID] = d
	}
	out := map[string]*storedMeasure{}
	byID := map[int64]*storedMeasure{}
	var order []string
	for _, m := range ms {
		sm := &storedMeasure{m: m, domain: byDomain[m.DomainID], units: map[int64]string{}}
		k := key(sm.domain.Label, m.Label)
		out[k] = sm
		byID[m.ID] = sm
		order = append(order, k)
	}
	for _, t := range ts {
		if sm := byID[t.MeasureID]; sm != nil {
			sm.targets = append(sm.targets, t)
		}
	}
	for _, a := range as {
		if sm := byID[a.MeasureID]; sm != nil {
			sm.units[a.UnitID] = a.Role
		}
	}
	return ds, out, order, nil
}

func (s *Service) diff(ctx context.Context, existing *model.Plan, p *planparse.Plan, refs map[string]UnitRef) (*Diff, error) {
	ds, stored, order, err := s.loadStored(ctx, existing.ID)
	if err != nil {
		return nil, err
	}
	d := &Diff{}
	haveDomain := map[string]bool{}
	for _, x := range ds {
		haveDomain[x.Label] = true
	}
	seen := map[string]bool{}
	end := PlanEnd(p)
	for _, dom := range p.Domains {
		if !haveDomain[dom.Label] {
			d.DomainsAdded = append(d.DomainsAdded, dom.Label+" "+dom.Title)
		}
		for _, m := range dom.Measures {
			k := key(dom.Label, m.Label)
			seen[k] = true
			sm, ok := stored[k]
			if !ok {
				d.Added = append(d.Added, MeasureChange{Domain: dom.Label, Label: m.Label, Title: m.Title})
				continue
			}
			var fields []string
			if sm.m.Title != m.Title {
				fields = append(fields, "title")
			}
			if sm.m.SourceText != m.Text {
				fields = append(fields, "text")
			}
			if !sameTargets(sm.targets, m.Targets) {
				fields = append(fields, "targets")
			}
			if !sameUnits(sm.units, assignmentsOf(m, refs)) {
				fields = append(fields, "units")
			}
			var from, to *Due
			if was, is := storedDue(sm.m), documentDue(m, end); was != is {
				fields = append(fields, "due")
				from, to = &was, &is
			}
			if len(fields) > 0 {
				d.Changed = append(d.Changed, MeasureChange{Domain: dom.Label, Label: m.Label, Title: m.Title, MeasureID: sm.m.ID,
					Fields: fields, DueFrom: from, DueTo: to})
			}
		}
	}
	for _, k := range order {
		if !seen[k] {
			sm := stored[k]
			d.Removed = append(d.Removed, MeasureChange{Domain: sm.domain.Label, Label: sm.m.Label, Title: sm.m.Title, MeasureID: sm.m.ID})
		}
	}
	return d, nil
}

func targetKey(indicator, op string, value float64, unit string, year int) string {
	return fmt.Sprintf("%s|%s|%g|%s|%d", indicator, op, value, unit, year)
}

func sameTargets(have []model.Target, want []planparse.Target) bool {
	if len(have) != len(want) {
		return false
	}
	a := make([]string, 0, len(have))
	b := make([]string, 0, len(want))
	for _, t := range have {
		a = append(a, targetKey(t.Indicator, t.Op, t.Value, t.Unit, t.Year))
	}
	for _, t := range want {
		b = append(b, targetKey(t.Indicator, t.Op, t.Value, t.Unit, t.Year))
	}
	sort.Strings(a)
	sort.Strings(b)
	return slices.Equal(a, b)
}

func sameUnits(have map[int64]string, want []store.NewAssignment) bool {
	if len(have) != len(want) {
		return false
	}
	for _, a := range want {
		if have[a.UnitID] != a.Role {
			return false
		}
	}
	return true
}

// applyDiff writes a revised document over the stored plan, keeping the IDs
// of matched measures and targets so reported work stays attached. Nothing
// that has reports or reported values is deleted.
func (s *Service) applyDiff(ctx context.Context, a store.Actor, pv *Preview, d *Diff, refs map[string]UnitRef) error {
	planID := pv.Existing.ID
	ds, stored, _, err := s.loadStored(ctx, planID)
	if err != nil {
		return err
	}
	domainID := map[string]int64{}
	for _, x := range ds {
		domainID[x.Label] = x.ID
	}
	_, end := planDates(pv.Parsed)
	pos := 0
	for di, dom := range pv.Parsed.Domains {
		did, ok := domainID[dom.Label]
		if !ok {
			nd := model.Domain{PlanID: planID, Position: len(ds) + di + 1, Label: dom.Label, Title: dom.Title, Goal: dom.Goal, SourceStart: dom.Start, SourceEnd: dom.End}
			if err := s.st.CreateDomain(ctx, &nd); err != nil {
				return err
			}
			did = nd.ID
		} else if err := s.st.UpdateDomainText(ctx, did, dom.Title, dom.Goal, dom.Start, dom.End); err != nil {
			return err
		}
		for _, m := range dom.Measures {
			pos++
			sm, ok := stored[key(dom.Label, m.Label)]
			if !ok {
				nm := store.NewMeasure{
					Measure: model.Measure{PlanID: planID, DomainID: did, Position: pos, Label: m.Label, Title: m.Title,
						SourceText: m.Text, SourceStart: m.Start, SourceEnd: m.End, DueOn: measureDue(m, end), DueNote: m.DueText, Ongoing: m.Ongoing},
					Targets:     targetsOf(m),
					Assignments: assignmentsOf(m, refs),
				}
				if err := s.st.CreateMeasure(ctx, &nm); err != nil {
					return err
				}
				continue
			}
			if err := s.st.UpdateMeasureSource(ctx, sm.m.ID, pos, m.Title, m.Text, m.Start, m.End); err != nil {
				return err
			}
			// A revised deadline replaces the stored one; reports already
			// made stay, the rules judge the periods against the new date.
			if storedDue(sm.m) != documentDue(m, end) {
				if err := s.st.UpdateMeasureDue(ctx, sm.m.ID, measureDue(m, end), m.DueText, m.Ongoing); err != nil {
					return err
				}
			}
			if err := s.syncTargets(ctx, sm, m); err != nil {
				return err
			}
			if err := s.st.SyncAssignments(ctx, sm.m.ID, assignmentsOf(m, refs)); err != nil {
				return err
			}
		}
	}
	for i := range d.Removed {
		r := &d.Removed[i]
		deleted, err := s.st.DeleteMeasureIfUnreported(ctx, r.MeasureID)
		if err != nil {
			return err
		}
		if !deleted {
			r.Kept = true
			pos++
			if err := s.st.UpdateMeasurePosition(ctx, r.MeasureID, pos); err != nil {
				return err
			}
		}
	}
	warnings, _ := json.Marshal(pv.Warnings)
	if err := s.st.UpdatePlanSource(ctx, planID, pv.Parsed.Title, pv.Parsed.Issuer, pv.Parsed.Date,
		planparse.Normalize(pv.Text), pv.SHA256, string(warnings)); err != nil {
		return err
	}
	return s.st.Audit(ctx, a, store.AuditEntry{Action: "plan.reimport", ObjectType: "plan", ObjectID: planID,
		Old: map[string]any{"sha256": pv.Existing.SourceSHA256}, New: map[string]any{"sha256": pv.SHA256, "changes": d}})
}

// syncTargets matches targets by indicator: matched ones are updated in
// place, new ones added, and ones no longer in the document removed unless
// values were reported for them.
func (s *Service) syncTargets(ctx context.Context, sm *storedMeasure, m planparse.Measure) error {
	used := map[int64]bool{}
	for i, t := range m.Targets {
		var match *model.Target
		for j := range sm.targets {
			st := &sm.targets[j]
			if !used[st.ID] && strings.TrimSpace(st.Indicator) == strings.TrimSpace(t.Indicator) {
				match = st
				break
			}
		}
		nt := model.Target{MeasureID: sm.m.ID, Position: i + 1, Text: t.Text, Indicator: t.Indicator, Op: t.Op, Value: t.Value, Unit: t.Unit, Year: t.Year}
		if match != nil {
			used[match.ID] = true
			nt.ID = match.ID
		}
		if err := s.st.SaveTarget(ctx, &nt); err != nil {
			return err
		}
	}
	for _, st := range sm.targets {
		if !used[st.ID] {
			if err := s.st.DeleteTargetIfUnreported(ctx, st.ID, len(m.Targets)+1); err != nil {
				return err
			}
		}
	}
	return nil
}
