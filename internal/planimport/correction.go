package planimport

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"duban/internal/format"
	"duban/internal/i18n"
	"duban/internal/planparse"
	"duban/internal/validate"
)

// The admin corrects the parsed plan in the preview before confirming:
// every measure's domain, label, title, units, deadline and targets, and
// each domain's label and title; measures and targets can be added and
// removed. The corrections travel as fields of the confirm form (no state on
// the server, like the uploaded bytes): each post parses the document
// again and applies them, so the page always shows what would be stored.

// DomainFields is the admin's correction of a domain, as typed.
type DomainFields struct {
	Label, Title string
	Open         bool // the panel starts open (it has errors)
}

// MeasureFields is the admin's correction of a measure, as typed: Src
// names the parsed measure it corrects ("2.3"), empty for a new one.
type MeasureFields struct {
	Src, Domain, Label, Title, Lead, Responsible, Due string
	Ongoing                                           bool
	Targets                                           []TargetFields
	Open                                              bool // the panel starts open (new, or with errors)
}

// TargetFields is the admin's correction of a target, as typed.
type TargetFields struct {
	Src, Indicator, Op, Value, Unit, Year string
}

// Correction is the state of the correction form: the domains, and one row
// per measure with the measure it makes (built) and the domain it goes to.
type Correction struct {
	Domains []DomainFields
	Rows    []CorrectionRow
}

type CorrectionRow struct {
	Form   MeasureFields
	Domain int               // the domain it goes to
	Built  planparse.Measure // the measure it makes
}

// CorrectionFromPlan is the form on the first preview: the parser's result.
func CorrectionFromPlan(p *planparse.Plan) *Correction {
	c := &Correction{}
	for i, d := range p.Domains {
		c.Domains = append(c.Domains, DomainFields{Label: d.Label, Title: d.Title})
		for j, m := range d.Measures {
			f := MeasureFields{Src: strconv.Itoa(i) + "." + strconv.Itoa(j), Domain: strconv.Itoa(i),
				Label: m.Label, Title: m.Title, Lead: strings.Join(m.LeadUnits, "\n"),
				Responsible: strings.Join(m.ResponsibleUnits, "\n"), Due: m.Due, Ongoing: m.Ongoing}
			for n, t := range m.Targets {
				f.Targets = append(f.Targets, TargetFields{Src: strconv.Itoa(n), Indicator: t.Indicator, Op: t.Op,
					Value: format.Num(t.Value), Unit: t.Unit, Year: strconv.Itoa(t.Year)})
			}
			c.Rows = append(c.Rows, CorrectionRow{Form: f, Domain: i, Built: m})
		}
	}
	return c
}

// fitDomains makes the form's domains those of a plan of n domains: the
// form may name fewer (a field left out reads as empty) or more (ignored).
func (corr *Correction) fitDomains(n int) {
	if len(corr.Domains) > n {
		corr.Domains = corr.Domains[:n]
	}
	for len(corr.Domains) < n {
		corr.Domains = append(corr.Domains, DomainFields{})
	}
}

// Limits of the correction form: a plan has tens of domains and hundreds
// of measures; anything far beyond is not a form this page rendered.
const (
	MaxCorrectionRows    = 2000
	MaxCorrectionTargets = 100
	maxUnitNames         = 100
)

// unitLines splits a units field: one name per line (names such as
// 各有关区、县级市 hold 、, so lines are the only safe separator).
func unitLines(s string) []string {
	out := []string{}
	for _, line := range strings.Split(s, "\n") {
		if n := strings.TrimSpace(line); n != "" && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// srcMeasure finds the parsed measure a row corrects ("2.3": domain 2,
// measure 3 of the parse).
func srcMeasure(base *planparse.Plan, src string) *planparse.Measure {
	a, b, ok := strings.Cut(src, ".")
	i, err1 := strconv.Atoi(a)
	j, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || i < 0 || i >= len(base.Domains) || j < 0 || j >= len(base.Domains[i].Measures) {
		return nil
	}
	return &base.Domains[i].Measures[j]
}

// Apply validates the form against the parsed plan and makes the corrected
// plan. A field in error keeps the parsed value (or leaves a new target
// out), so the page still shows a whole plan next to the problems.
func (corr *Correction) Apply(base *planparse.Plan, errs validate.Errors) *planparse.Plan {
	out := *base
	out.Domains = make([]planparse.Domain, len(base.Domains))
	for i, d := range base.Domains {
		d.Measures = []planparse.Measure{}
		if i < len(corr.Domains) {
			f := &corr.Domains[i]
			name := func(field string) string { return "d" + strconv.Itoa(i) + "_" + field }
			if text, ok := correctedText(f.Label, 20, name("label"), errs); ok {
				d.Label = text
			} else {
				f.Open = true
			}
			if text, ok := correctedText(f.Title, 200, name("title"), errs); ok {
				d.Title = text
			} else {
				f.Open = true
			}
		}
		out.Domains[i] = d
	}
	// Each row goes to its chosen domain (else the one it was parsed in);
	// rows are ordered by domain as the page shows them, so that the field
	// names of the next page, numbered in that order, carry the errors.
	for k := range corr.Rows {
		r := &corr.Rows[k]
		r.Domain = 0
		if src := srcMeasure(base, r.Form.Src); src != nil {
			a, _, _ := strings.Cut(r.Form.Src, ".")
			r.Domain, _ = strconv.Atoi(a)
		}
		if di, err := strconv.Atoi(r.Form.Domain); err == nil && di >= 0 && di < len(out.Domains) {
			r.Domain = di
		}
	}
	slices.SortStableFunc(corr.Rows, func(a, b CorrectionRow) int { return a.Domain - b.Domain })
	for k := range corr.Rows {
		r := &corr.Rows[k]
		f := &r.Form
		name := func(field string) string { return "m" + strconv.Itoa(k) + "_" + field }
		fail := func(field string, p validate.Message) {
			errs[name(field)] = p
			f.Open = true
		}
		src := srcMeasure(base, f.Src)
		m := planparse.Measure{LeadUnits: []string{}, ResponsibleUnits: []string{}, Targets: []planparse.Target{}}
		if src != nil {
			m = *src
		}
		if di, err := strconv.Atoi(f.Domain); err != nil || di < 0 || di >= len(out.Domains) {
			fail("domain", validate.Message{Key: "plans.err.unknown_domain"})
		}
		if text, ok := correctedText(f.Label, 20, name("label"), errs); ok {
			m.Label = text
		} else {
			f.Open = true
		}
		if text, ok := correctedText(f.Title, 300, name("title"), errs); ok {
			m.Title = text
			if src == nil {
				m.Text = text // a measure the document lacks: its title is its text
			}
		} else {
			f.Open = true
		}
		lead, resp := unitLines(f.Lead), unitLines(f.Responsible)
		for field, names := range map[string][]string{"lead": lead, "responsible": resp} {
			if len(names) > maxUnitNames || slices.ContainsFunc(names, func(n string) bool { return utf8.RuneCountInString(n) > 100 }) {
				fail(field, validate.Message{Key: "plans.err.too_long"})
			}
		}
		if _, bad := errs[name("lead")]; !bad {
			if _, bad := errs[name("responsible")]; !bad {
				if src == nil || !slices.Equal(lead, src.LeadUnits) || !slices.Equal(resp, src.ResponsibleUnits) {
					m.UnitsInherited = false // the admin named them
				}
				m.LeadUnits, m.ResponsibleUnits = lead, resp
			}
		}
		due := f.Due
		if due != "" {
			if _, err := time.Parse(time.DateOnly, due); err != nil {
				fail("due", validate.Message{Key: "plans.err.date"})
				due = m.Due
			}
		}
		if src == nil || due != src.Due || f.Ongoing != src.Ongoing {
			m.DueText = "" // the admin's deadline, not a phrase of the document
		}
		m.Due, m.Ongoing = due, f.Ongoing
		m.Targets = []planparse.Target{}
		for n := range f.Targets {
			if t, ok := checkTarget(&f.Targets[n], src, base.Horizon, func(field string) string {
				return name("t" + strconv.Itoa(n) + "_" + field)
			}, errs); ok {
				m.Targets = append(m.Targets, t)
			} else {
				f.Open = true
			}
		}
		r.Built = m
		out.Domains[r.Domain].Measures = append(out.Domains[r.Domain].Measures, m)
	}
	return &out
}

// correctedText trims s and checks it as a required field of at most max
// runes.
func correctedText(s string, max int, field string, errs validate.Errors) (string, bool) {
	s = strings.TrimSpace(s)
	if key := validate.Text(s, true, max); key != "" {
		errs.Set(field, key)
		return "", false
	}
	return s, true
}

// checkTarget validates one target row. A row that corrects a parsed
// target and changes nothing keeps that target's phrase.
func checkTarget(f *TargetFields, src *planparse.Measure, horizon int, name func(string) string, errs validate.Errors) (planparse.Target, bool) {
	var st *planparse.Target
	if n, err := strconv.Atoi(f.Src); err == nil && src != nil && n >= 0 && n < len(src.Targets) {
		st = &src.Targets[n]
	}
	ok := true
	fail := func(field, key string) {
		errs.Set(name(field), key)
		ok = false
	}
	t := planparse.Target{Indicator: f.Indicator, Op: f.Op, Unit: f.Unit, Year: horizon}
	switch {
	case f.Indicator == "":
		fail("indicator", "plans.err.indicator_required")
	case utf8.RuneCountInString(f.Indicator) > 200:
		fail("indicator", "plans.err.too_long")
	}
	if !i18n.ValidOp(f.Op) {
		fail("op", "plans.err.op")
	}
	v, err := strconv.ParseFloat(f.Value, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		fail("value", "plans.err.value")
	}
	t.Value = v
	if utf8.RuneCountInString(f.Unit) > 20 {
		fail("unit", "plans.err.too_long")
	}
	if f.Year != "" {
		y, err := strconv.Atoi(f.Year)
		if err != nil || y < 1949 || y > 2100 {
			fail("year", "plans.err.year")
		}
		t.Year = y
	}
	if !ok {
		return planparse.Target{}, false
	}
	if st != nil && st.Indicator == t.Indicator && st.Op == t.Op && st.Value == t.Value && st.Unit == t.Unit && st.Year == t.Year {
		t.Text = st.Text
	} else {
		t.Text = t.Indicator + format.Num(t.Value) + t.Unit
	}
	return t, true
}

// AddMeasure appends an empty row to domain i, numbered after its last
// measure when that is a number (3. → 4.).
func (corr *Correction) AddMeasure(i int) {
	label := ""
	for _, r := range corr.Rows {
		if r.Domain == i {
			label = r.Form.Label
		}
	}
	if n, err := strconv.Atoi(strings.TrimRight(label, ".、．")); err == nil {
		label = strconv.Itoa(n+1) + strings.TrimPrefix(label, strconv.Itoa(n))
	} else {
		label = ""
	}
	at := 0 // after the domain's last row: rows stay in the page's order
	for k, r := range corr.Rows {
		if r.Domain <= i {
			at = k + 1
		}
	}
	corr.Rows = slices.Insert(corr.Rows, at, CorrectionRow{Domain: i,
		Form: MeasureFields{Domain: strconv.Itoa(i), Label: label, Open: true}})
}

// AddTarget appends an empty target row to row k.
func (corr *Correction) AddTarget(k, horizon int) {
	if k < 0 || k >= len(corr.Rows) {
		return
	}
	f := &corr.Rows[k].Form
	year := ""
	if horizon > 0 {
		year = strconv.Itoa(horizon)
	}
	f.Targets = append(f.Targets, TargetFields{Op: ">=", Year: year})
	f.Open = true
}
