// Package planimport turns a plan document into a stored plan (立项/分解):
// decode and parse it, resolve its unit names against the units, aliases
// and unit groups, preview what would be stored (or changed, for a document
// imported before), and store it only when asked.
package planimport

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"duban/internal/clock"
	"duban/internal/model"
	"duban/internal/periods"
	"duban/internal/planparse"
	"duban/internal/store"
	"duban/internal/validate"
)

// Service imports plans.
type Service struct {
	st *store.Store
}

// New makes a Service.
func New(st *store.Store) *Service { return &Service{st: st} }

// How a document's unit name was resolved.
const (
	ViaName    = "name"    // a unit of that name
	ViaAlias   = "alias"   // an alias of a unit
	ViaGroup   = "group"   // a unit group: expands to its members
	ViaUnknown = "unknown" // nothing known: create a unit (flagged) or map it
)

// UnitRef is how one unit name of the document resolves.
type UnitRef struct {
	Name    string  // as written in the document
	Via     string  // ViaName, ViaAlias, ViaGroup or ViaUnknown
	UnitIDs []int64 // resolved units (several for a group)
	Label   string  // the unit's or group's stored name
}

// Known reports whether the name resolved to something stored.
func (u UnitRef) Known() bool { return u.Via != ViaUnknown }

// Choices maps unknown unit names to existing unit IDs; a name left out is
// created as a new unit flagged for the admin to confirm or merge.
type Choices map[string]int64

// Options are the plan settings chosen at import.
type Options struct {
	Reporting string // periods.Quarterly (default) or periods.Monthly
	DueDays   int    // days after a period ends that its report is due (default 5)
	Demo      bool   // mark the plan as demo data
	// ConfirmUnits creates units for unknown names as confirmed (the demo);
	// otherwise they are flagged for the admin to confirm or merge.
	ConfirmUnits bool
}

// Preview is what an import would store, computed without writing.
type Preview struct {
	Parsed   *planparse.Plan
	Text     string // the decoded document
	Format   string // planparse.FormatText, FormatDocx, … (set by PreviewUpload)
	SHA256   string
	Warnings []string // decoding and parsing warnings
	// DecodeWarnings and Notices are what decoding the upload said (set by
	// PreviewUpload): warnings for the import, notices for the admin.
	DecodeWarnings []string
	Notices        []validate.Message
	Units          []UnitRef
	Domains        int
	Measures       int
	Targets        int
	Existing       *model.Plan // a stored plan with the same title and issuer
	Unchanged      bool        // Existing has exactly this document
	Diff           *Diff       // changes against Existing
}

// Decode reads an uploaded document — text, .docx, .xlsx or .csv, told by
// its content — into the text to parse and store; errors are planparse's
// (planparse.MessageKey gives their catalog keys). Formats that cannot be
// read (.doc, .pdf, images, …) are refused before anything is stored.
func Decode(b []byte) (string, []string, error) {
	src, err := planparse.Read(b)
	if err != nil {
		return "", []string{}, err
	}
	return src.Text, src.Warnings, nil
}

// PreviewText parses text and resolves it against the database.
func (s *Service) PreviewText(ctx context.Context, text string, decodeWarnings []string) (*Preview, error) {
	parsed, err := planparse.Parse(text)
	if err != nil {
		return nil, err
	}
	return s.PreviewPlan(ctx, text, parsed, decodeWarnings)
}

// PreviewPlan resolves a parsed plan of the document text against the
// database: the parser's result, or that result as the admin corrected it
// in the preview. The document's hash still tells a re-import of the same
// document, so corrections made at the first import survive it.
func (s *Service) PreviewPlan(ctx context.Context, text string, parsed *planparse.Plan, decodeWarnings []string) (*Preview, error) {
	sum := sha256.Sum256([]byte(text))
	p := &Preview{Parsed: parsed, Text: text, SHA256: hex.EncodeToString(sum[:])}
	p.Warnings = append(append(p.Warnings, decodeWarnings...), parsed.Warnings...)
	names := unitNames(parsed)
	refs, err := s.resolve(ctx, names)
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		p.Units = append(p.Units, refs[n])
		if !refs[n].Known() {
			p.Warnings = append(p.Warnings, fmt.Sprintf("unit name %s (%s) matches no unit, alias or group: map it to a unit or it is created as a new one", n, firstUse(parsed, n)))
		}
	}
	for _, d := range parsed.Domains {
		p.Domains++
		for _, m := range d.Measures {
			p.Measures++
			p.Targets += len(m.Targets)
		}
	}
	existing, err := s.st.PlanByTitle(ctx, parsed.Title, parsed.Issuer)
	switch {
	case err == nil:
		p.Existing = existing
		if existing.SourceSHA256 == p.SHA256 {
			p.Unchanged = true
		} else {
			p.Diff, err = s.diff(ctx, existing, parsed, refs)
			if err != nil {
				return nil, err
			}
		}
	case !errors.Is(err, model.ErrNotFound):
		return nil, err
	}
	return p, nil
}

// unitNames lists every unit name of the document once, in order of
// appearance.
func unitNames(p *planparse.Plan) []string {
	seen := map[string]bool{}
	var out []string
	add := func(ns []string) {
		for _, n := range ns {
			if n = strings.TrimSpace(n); n != "" && !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		}
	}
	for _, d := range p.Domains {
		add(d.LeadUnits)
		add(d.ResponsibleUnits)
		for _, m := range d.Measures {
			add(m.LeadUnits)
			add(m.ResponsibleUnits)
		}
	}
	return out
}

// firstUse names the first place a unit name appears: a measure such as
// (一)3., or a domain.
func firstUse(p *planparse.Plan, name string) string {
	for _, d := range p.Domains {
		for _, m := range d.Measures {
			if slices.Contains(m.LeadUnits, name) || slices.Contains(m.ResponsibleUnits, name) {
				return "measure " + d.Label + m.Label
			}
		}
		if slices.Contains(d.LeadUnits, name) || slices.Contains(d.ResponsibleUnits, name) {
			return "domain " + d.Label
		}
	}
	return "the document"
}

func (s *Service) resolve(ctx context.Context, names []string) (map[string]UnitRef, error) {
	out := map[string]UnitRef{}
	for _, n := range names {
		ref := UnitRef{Name: n, Via: ViaUnknown}
		if u, err := s.st.UnitByNameOnly(ctx, n); err == nil {
			ref.Via, ref.UnitIDs, ref.Label = ViaName, []int64{u.ID}, u.Name
		} else if !errors.Is(err, model.ErrNotFound) {
			return nil, err
		} else if u, err := s.st.UnitByAlias(ctx, n); err == nil {
			ref.Via, ref.UnitIDs, ref.Label = ViaAlias, []int64{u.ID}, u.Name
		} else if !errors.Is(err, model.ErrNotFound) {
			return nil, err
		} else if g, members, err := s.st.GroupByName(ctx, n); err == nil {
			ref.Via, ref.UnitIDs, ref.Label = ViaGroup, members, g.Name
		} else if !errors.Is(err, model.ErrNotFound) {
			return nil, err
		}
		out[n] = ref
	}
	return out, nil
}

// Result tells what an import did.
type Result struct {
	Plan         *model.Plan
	Created      bool     // a new plan was stored
	Unchanged    bool     // the same document was imported before: nothing done
	Applied      *Diff    // changes applied to an existing plan
	NewUnits     []string // units created from unknown names (flagged)
	Assignments  int
	PeriodsCount int
}

// Import stores the document: a new plan, nothing (the same document again),
// or — only with apply — the changes of a revised document.
func (s *Service) Import(ctx context.Context, a store.Actor, text string, decodeWarnings []string, opt Options, choices Choices, apply bool) (*Result, error) {
	parsed, err := planparse.Parse(text)
	if err != nil {
		return nil, err
	}
	return s.ImportPlan(ctx, a, text, parsed, decodeWarnings, opt, choices, apply)
}

// ImportPlan is Import of a parsed plan of the document text, such as the
// parser's result as the admin corrected it in the preview.
func (s *Service) ImportPlan(ctx context.Context, a store.Actor, text string, parsed *planparse.Plan, decodeWarnings []string, opt Options, choices Choices, apply bool) (*Result, error) {
	pv, err := s.PreviewPlan(ctx, text, parsed, decodeWarnings)
	if err != nil {
		return nil, err
	}
	if pv.Unchanged {
		return &Result{Plan: pv.Existing, Unchanged: true}, nil
	}
	if pv.Existing != nil && !apply {
		return &Result{Plan: pv.Existing, Applied: nil}, ErrChangedNeedsApply
	}
	if opt.Reporting == "" {
		opt.Reporting = periods.Quarterly
	}
	if opt.DueDays == 0 {
		opt.DueDays = 5
	}
	res := &Result{}
	err = s.st.WithTx(ctx, func(ctx context.Context) error {
		// Resolve again inside the transaction: units may have changed
		// since the preview.
		refs, err := s.resolve(ctx, unitNames(pv.Parsed))
		if err != nil {
			return err
		}
		if err := s.createUnknown(ctx, refs, choices, opt.ConfirmUnits, res); err != nil {
			return err
		}
		if pv.Existing != nil {
			d, err := s.diff(ctx, pv.Existing, pv.Parsed, refs)
			if err != nil {
				return err
			}
			if err := s.applyDiff(ctx, a, pv, d, refs); err != nil {
				return err
			}
			res.Plan, res.Applied = pv.Existing, d
			return nil
		}
		np, n := buildPlan(pv, refs, opt)
		if err := s.st.CreatePlan(ctx, np); err != nil {
			return err
		}
		res.Plan, res.Created, res.Assignments = &np.Plan, true, n
		return s.st.Audit(ctx, a, store.AuditEntry{Action: "plan.import", ObjectType: "plan", ObjectID: np.Plan.ID,
			New: map[string]any{"title": np.Plan.Title, "sha256": pv.SHA256, "domains": pv.Domains, "measures": pv.Measures,
				"targets": pv.Targets, "assignments": n, "new_units": res.NewUnits}})
	})
	if err != nil {
		return nil, fmt.Errorf("import plan %q: %w", pv.Parsed.Title, err)
	}
	return res, nil
}

// ErrChangedNeedsApply: the document differs from the stored plan of the
// same title; its changes are applied only when asked.
var ErrChangedNeedsApply = errors.New("the plan was imported before and this document changes it: review the changes and apply them explicitly")

func (s *Service) createUnknown(ctx context.Context, refs map[string]UnitRef, choices Choices, confirm bool, res *Result) error {
	for name, ref := range refs {
		if ref.Known() {
			continue
		}
		if id, ok := choices[name]; ok && id != 0 {
			u, err := s.st.UnitByID(ctx, id)
			if err != nil {
				return fmt.Errorf("unit chosen for %q: %w", name, err)
			}
			// Remember the choice as an alias so the next import knows it.
			if err := s.st.EnsureAlias(ctx, u.ID, name); err != nil {
				return err
			}
			refs[name] = UnitRef{Name: name, Via: ViaAlias, UnitIDs: []int64{u.ID}, Label: u.Name}
			continue
		}
		u, err := s.st.EnsureUnit(ctx, name, guessKind(name), confirm)
		if err != nil {
			return err
		}
		res.NewUnits = append(res.NewUnits, name)
		refs[name] = UnitRef{Name: name, Via: ViaName, UnitIDs: []int64{u.ID}, Label: u.Name}
	}
	return nil
}

// guessKind gives a new unit a plausible kind from its name; the admin
// confirms it.
func guessKind(name string) string {
	switch {
	case strings.HasSuffix(name, "公司") || strings.Contains(name, "集团"):
		return model.UnitCompany
	case strings.HasSuffix(name, "人民政府") || strings.HasSuffix(name, "区政府") || strings.HasSuffix(name, "县政府"):
		return model.UnitDistrict
	}
	return model.UnitDepartment
}

// planDates picks the plan's span: from its issue date (else 1 January of
// its first year) to 31 December of its horizon year.
func planDates(p *planparse.Plan) (time.Time, time.Time) {
	end := p.Horizon
	start, err := time.ParseInLocation(time.DateOnly, p.Date, clock.Zone)
	if err != nil {
		start = time.Time{}
	}
	if end == 0 {
		end = start.Year()
		for _, d := range p.Domains {
			for _, m := range d.Measures {
				for _, t := range m.Targets {
					end = max(end, t.Year)
				}
			}
		}
	}
	if start.IsZero() {
		if end == 0 {
			end = time.Now().Year()
		}
		start = time.Date(end, 1, 1, 0, 0, 0, 0, clock.Zone)
	}
	if end < start.Year() {
		end = start.Year()
	}
	return start, time.Date(end, 12, 31, 0, 0, 0, 0, clock.Zone)
}

// PlanEnd is the end of a parsed plan's span: the due date of measures for
// which the document gives none.
func PlanEnd(p *planparse.Plan) time.Time {
	_, end := planDates(p)
	return end
}

// measureDue is the deadline the document gives the measure (完成时限,
// 2015年底前), else 31 December of its latest target year, else the plan's
// end; ongoing work (长期坚持) is due at the plan's end.
func measureDue(m planparse.Measure, planEnd time.Time) time.Time {
	if m.Due != "" && !m.Ongoing {
		if t, err := time.ParseInLocation(time.DateOnly, m.Due, clock.Zone); err == nil {
			return t
		}
	}
	y := 0
	for _, t := range m.Targets {
		y = max(y, t.Year)
	}
	if y == 0 || y > planEnd.Year() {
		return planEnd
	}
	return time.Date(y, 12, 31, 0, 0, 0, 0, clock.Zone)
}

func targetsOf(m planparse.Measure) []model.Target {
	out := make([]model.Target, 0, len(m.Targets))
	for _, t := range m.Targets {
		out = append(out, model.Target{Text: t.Text, Indicator: t.Indicator, Op: t.Op, Value: t.Value, Unit: t.Unit, Year: t.Year})
	}
	return out
}

// assignmentsOf expands a measure's unit names to assignments; a unit named
// as lead is not also responsible.
func assignmentsOf(m planparse.Measure, refs map[string]UnitRef) []store.NewAssignment {
	seen := map[int64]bool{}
	var out []store.NewAssignment
	for _, set := range []struct {
		names []string
		role  string
	}{{m.LeadUnits, model.AssignLead}, {m.ResponsibleUnits, model.AssignResponsible}} {
		for _, n := range set.names {
			for _, id := range refs[strings.TrimSpace(n)].UnitIDs {
				if !seen[id] {
					seen[id] = true
					out = append(out, store.NewAssignment{UnitID: id, Role: set.role})
				}
			}
		}
	}
	return out
}

func buildPlan(pv *Preview, refs map[string]UnitRef, opt Options) (*store.NewPlan, int) {
	p := pv.Parsed
	start, end := planDates(p)
	warnings, _ := json.Marshal(pv.Warnings)
	np := &store.NewPlan{Plan: model.Plan{
		Title: p.Title, Issuer: p.Issuer, IssuedOn: p.Date, StartOn: start, EndOn: end,
		Reporting: opt.Reporting, DueDays: opt.DueDays, SourceText: planparse.Normalize(pv.Text),
		SourceSHA256: pv.SHA256, Warnings: string(warnings), Demo: opt.Demo,
	}}
	n := 0
	for _, d := range p.Domains {
		nd := store.NewDomain{Domain: model.Domain{Label: d.Label, Title: d.Title, Goal: d.Goal, SourceStart: d.Start, SourceEnd: d.End}}
		for _, m := range d.Measures {
			as := assignmentsOf(m, refs)
			n += len(as)
			nd.Measures = append(nd.Measures, store.NewMeasure{
				Measure: model.Measure{Label: m.Label, Title: m.Title, SourceText: m.Text, SourceStart: m.Start, SourceEnd: m.End,
					DueOn: measureDue(m, end), DueNote: m.DueText, Ongoing: m.Ongoing},
				Targets:     targetsOf(m),
				Assignments: as,
			})
		}
		np.Domains = append(np.Domains, nd)
	}
	return np, n
}
