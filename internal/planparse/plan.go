package planparse

// Plan is the parsed structure of a policy plan document (实施方案). Its JSON
// form is the documented output of `duban plan parse FILE --json`.
type Plan struct {
	Title   string `json:"title"`
	Issuer  string `json:"issuer"`
	Date    string `json:"date"`                   // YYYY-MM-DD or ""
	Horizon int    `json:"horizon_year,omitempty"` // e.g. 2015 from (2014-2015年)
	// HorizonFrom is the first year of a plan that names its span, e.g.
	// 2014 from (2014-2015年); 0 when the title names one year or none.
	HorizonFrom int      `json:"horizon_from,omitempty"`
	Domains     []Domain `json:"domains"`
	// Warnings are English sentences about things the admin should check
	// in the preview (a truncated document, a domain without units, …).
	Warnings []string `json:"warnings"`
}

// Domain is a field of work, e.g. (一)公共教育, with its numbered measures.
type Domain struct {
	Label            string    `json:"label"` // "(一)"
	Title            string    `json:"title"` // "公共教育"
	Goal             string    `json:"goal"`  // text between the title and measure 1
	LeadUnits        []string  `json:"lead_units"`
	ResponsibleUnits []string  `json:"responsible_units"`
	Measures         []Measure `json:"measures"`
	// Start and End are rune offsets of the whole block (label to the end of
	// its unit bracket) in the normalised text.
	Start, End int `json:"-"`
}

// Measure is one numbered task of a domain.
type Measure struct {
	Label string `json:"label"` // the plan's own label: "1." or "(二)"
	Title string `json:"title"` // first sentence or clause
	Text  string `json:"text"`  // verbatim normalised text without label and trailing unit bracket
	// LeadUnits and ResponsibleUnits are effective: the measure's own bracket
	// if it has one, else the domain's.
	LeadUnits        []string `json:"lead_units"`
	ResponsibleUnits []string `json:"responsible_units"`
	// UnitsInherited: the measure names no units of its own; they are its
	// domain's or its part's.
	UnitsInherited bool     `json:"units_inherited,omitempty"`
	Targets        []Target `json:"targets"`
	// Due is the deadline (YYYY-MM-DD) the document gives the measure, ""
	// when it gives none; Ongoing marks work without an end (长期坚持,
	// 每季度). DueText is the phrase either came from.
	Due     string `json:"due,omitempty"`
	Ongoing bool   `json:"ongoing,omitempty"`
	DueText string `json:"due_text,omitempty"`
	// Start and End are rune offsets of Text in the normalised text.
	Start, End int `json:"-"`
}

// Target is a quantified target (指标) such as 学前三年毛入园率达到93%.
type Target struct {
	Text      string  `json:"text"`      // the phrase as written
	Indicator string  `json:"indicator"` // 学前三年毛入园率
	Op        string  `json:"op"`        // ">=", ">", "<=", "<", "=", "~"
	Value     float64 `json:"value"`
	Unit      string  `json:"unit"` // "%", "‰", "/10万", "岁", "万人", …
	Year      int     `json:"year"` // explicit year in the sentence, else the horizon
}

// Parse parses plan text. It normalises the text first (see Normalize; all
// offsets refer to Normalize(text)) and returns ErrNoStructure when no domain
// with at least one numbered measure is found.
func Parse(text string) (*Plan, error) {
	rs := normalizeRunes(text)
	d := newDocument(rs)
	h := parseHeader(rs)
	p := &Plan{
		Title:       h.title,
		Issuer:      h.issuer,
		Date:        h.date,
		Horizon:     h.horizon,
		HorizonFrom: h.horizonFrom,
		Domains:     []Domain{},
		Warnings:    []string{},
	}
	d.build(p)
	for _, dom := range p.Domains {
		if len(dom.Measures) > 0 {
			return p, nil
		}
	}
	return nil, ErrNoStructure
}
