package handlers

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"duban/internal/format"
	"duban/internal/i18n"
	"duban/internal/planparse"
	"duban/internal/validate"
	"duban/views/pages/planadmin"
)

// The admin corrects the parsed plan in the preview before confirming:
// every measure's domain, label, title, units, deadline and targets, and
// each domain's label and title; measures and targets can be added and
// removed. The corrections travel as fields of the confirm form (no state on
// the server, like the uploaded bytes): each post parses the document
// again and applies them, so the page always shows what would be stored.

// correction is the state of the correction form: the domains, and one row
// per measure with the measure it makes (built) and the domain it goes to.
type correction struct {
	domains []planadmin.DomainFields
	rows    []correctionRow
}

type correctionRow struct {
	form   planadmin.MeasureFields
	domain int
	built  planparse.Measure
}

// correctionFromPlan is the form on the first preview: the parser's result.
func correctionFromPlan(p *planparse.Plan) *correction {
	c := &correction{}
	for i, d := range p.Domains {
		c.domains = append(c.domains, planadmin.DomainFields{Label: d.Label, Title: d.Title})
		for j, m := range d.Measures {
			f := planadmin.MeasureFields{Src: strconv.Itoa(i) + "." + strconv.Itoa(j), Domain: strconv.Itoa(i),
				Label: m.Label, Title: m.Title, Lead: strings.Join(m.LeadUnits, "\n"),
				Responsible: strings.Join(m.ResponsibleUnits, "\n"), Due: m.Due, Ongoing: m.Ongoing}
			for n, t := range m.Targets {
				f.Targets = append(f.Targets, planadmin.TargetFields{Src: strconv.Itoa(n), Indicator: t.Indicator, Op: t.Op,
					Value: format.Num(t.Value), Unit: t.Unit, Year: strconv.Itoa(t.Year)})
			}
			c.rows = append(c.rows, correctionRow{form: f, domain: i, built: m})
		}
	}
	return c
}

// Limits of the correction form: a plan has tens of domains and hundreds
// of measures; anything far beyond is not a form this page rendered.
const (
	maxCorrectionRows    = 2000
	maxCorrectionTargets = 100
	maxUnitNames         = 100
)

// readCorrection reads the correction form; nil when the post has none (a
// form from before corrections existed, or the CLI-like minimal post).
// Removed measures and targets are left out.
func readCorrection(c echo.Context, domains int) *correction {
	if c.FormValue("edit") != "1" {
		return nil
	}
	corr := &correction{}
	for i := range domains {
		corr.domains = append(corr.domains, planadmin.DomainFields{
			Label: strings.TrimSpace(c.FormValue("d" + strconv.Itoa(i) + "_label")),
			Title: strings.TrimSpace(c.FormValue("d" + strconv.Itoa(i) + "_title"))})
	}
	rows, _ := strconv.Atoi(c.FormValue("rows"))
	for k := range min(max(rows, 0), maxCorrectionRows) {
		v := func(field string) string { return c.FormValue("m" + strconv.Itoa(k) + "_" + field) }
		if v("remove") == "1" {
			continue
		}
		f := planadmin.MeasureFields{Src: v("src"), Domain: v("domain"), Label: strings.TrimSpace(v("label")),
			Title: strings.TrimSpace(v("title")), Lead: v("lead"), Responsible: v("responsible"),
			Due: strings.TrimSpace(v("due")), Ongoing: v("ongoing") == "1"}
		targets, _ := strconv.Atoi(v("targets"))
		for n := range min(max(targets, 0), maxCorrectionTargets) {
			t := func(field string) string { return strings.TrimSpace(v("t" + strconv.Itoa(n) + "_" + field)) }
			if t("remove") == "1" {
				continue
			}
			f.Targets = append(f.Targets, planadmin.TargetFields{Src: t("src"), Indicator: t("indicator"), Op: t("op"),
				Value: t("value"), Unit: t("unit"), Year: t("year")})
		}
		corr.rows = append(corr.rows, correctionRow{form: f})
	}
	return corr
}

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

// apply validates the form against the parsed plan and makes the corrected
// plan. A field in error keeps the parsed value (or leaves a new target
// out), so the page still shows a whole plan next to the problems.
func (corr *correction) apply(base *planparse.Plan, errs validate.Errors) *planparse.Plan {
	out := *base
	out.Domains = make([]planparse.Domain, len(base.Domains))
	for i, d := range base.Domains {
		d.Measures = []planparse.Measure{}
		if i < len(corr.domains) {
			f := &corr.domains[i]
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
	for k := range corr.rows {
		r := &corr.rows[k]
		r.domain = 0
		if src := srcMeasure(base, r.form.Src); src != nil {
			a, _, _ := strings.Cut(r.form.Src, ".")
			r.domain, _ = strconv.Atoi(a)
		}
		if di, err := strconv.Atoi(r.form.Domain); err == nil && di >= 0 && di < len(out.Domains) {
			r.domain = di
		}
	}
	slices.SortStableFunc(corr.rows, func(a, b correctionRow) int { return a.domain - b.domain })
	for k := range corr.rows {
		r := &corr.rows[k]
		f := &r.form
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
		r.built = m
		out.Domains[r.domain].Measures = append(out.Domains[r.domain].Measures, m)
	}
	return &out
}

// correctedText trims s and checks it as a required field of at most max
// runes.
func correctedText(s string, max int, field string, errs validate.Errors) (string, bool) {
	s = strings.TrimSpace(s)
	if key := checkText(s, true, max); key != "" {
		errs.Set(field, key)
		return "", false
	}
	return s, true
}

// checkTarget validates one target row. A row that corrects a parsed
// target and changes nothing keeps that target's phrase.
func checkTarget(f *planadmin.TargetFields, src *planparse.Measure, horizon int, name func(string) string, errs validate.Errors) (planparse.Target, bool) {
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

// addMeasure appends an empty row to domain i, numbered after its last
// measure when that is a number (3. → 4.).
func (corr *correction) addMeasure(i int) {
	label := ""
	for _, r := range corr.rows {
		if r.domain == i {
			label = r.form.Label
		}
	}
	if n, err := strconv.Atoi(strings.TrimRight(label, ".、．")); err == nil {
		label = strconv.Itoa(n+1) + strings.TrimPrefix(label, strconv.Itoa(n))
	} else {
		label = ""
	}
	at := 0 // after the domain's last row: rows stay in the page's order
	for k, r := range corr.rows {
		if r.domain <= i {
			at = k + 1
		}
	}
	corr.rows = slices.Insert(corr.rows, at, correctionRow{domain: i,
		form: planadmin.MeasureFields{Domain: strconv.Itoa(i), Label: label, Open: true}})
}

// addTarget appends an empty target row to row k.
func (corr *correction) addTarget(k, horizon int) {
	if k < 0 || k >= len(corr.rows) {
		return
	}
	f := &corr.rows[k].form
	year := ""
	if horizon > 0 {
		year = strconv.Itoa(horizon)
	}
	f.Targets = append(f.Targets, planadmin.TargetFields{Op: ">=", Year: year})
	f.Open = true
}
