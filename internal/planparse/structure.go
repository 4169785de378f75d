package planparse

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// labelKind is a level of the standard Chinese official-document outline.
type labelKind int

const (
	kindSection labelKind = iota // 一、
	kindParen                    // (一)
	kindNumber                   // 1. or 1、
	numKinds
)

type label struct {
	kind       labelKind
	n          int
	start, end int // rune offsets of the label itself
	// prev is the number of the label of this level before it when this
	// one does not follow it (a skipped, repeated or out-of-order number),
	// else 0; expected is the number that was due.
	prev, expected int
}

// document holds the normalised text and what was found in it.
type document struct {
	rs         []rune
	brackets   []unitBracket
	bracketEnd []bool // bracketEnd[i]: rs[i] closes a unit bracket
	masked     []bool // inside a unit bracket or 《》: no labels, no targets
	contentEnd int    // end of the plan body (before a trailing signature)
	labels     []label
	ends       []int   // ends[i]: where the block of labels[i] ends
	parents    []int   // parents[i]: the nearest higher-level label, or -1
	kids       [][]int // kids[i]: labels whose parent is labels[i]
	stray      []label // labels at a line start whose number fits nowhere
}

func newDocument(rs []rune) *document {
	d := &document{
		rs:         rs,
		bracketEnd: make([]bool, len(rs)),
		masked:     make([]bool, len(rs)),
	}
	d.brackets = findUnitBrackets(rs)
	for _, b := range d.brackets {
		d.bracketEnd[b.end-1] = true
		for i := b.start; i < b.end; i++ {
			d.masked[i] = true
		}
	}
	depth := 0
	for i, r := range rs {
		switch {
		case r == '《':
			depth++
		case r == '》' && depth > 0:
			depth--
			d.masked[i] = true
		case r == '\n':
			depth = 0
		}
		if depth > 0 {
			d.masked[i] = true
		}
	}
	d.contentEnd = signatureStart(rs)
	d.labels = d.acceptLabels(d.scanLabels())
	d.outline()
	return d
}

// outline computes block ends, parents and children of the accepted labels
// in linear time: uploads are untrusted and may hold many labels.
func (d *document) outline() {
	n := len(d.labels)
	d.ends = make([]int, n)
	d.parents = make([]int, n)
	d.kids = make([][]int, n)
	var next [numKinds]int
	for k := range next {
		next[k] = d.contentEnd
	}
	for i := n - 1; i >= 0; i-- {
		l := d.labels[i]
		end := d.contentEnd
		for k := kindSection; k <= l.kind; k++ {
			end = min(end, next[k])
		}
		d.ends[i] = end
		next[l.kind] = l.start
	}
	var last [numKinds]int
	for k := range last {
		last[k] = -1
	}
	for i, l := range d.labels {
		p := -1
		for k := kindSection; k < l.kind; k++ {
			if last[k] > p {
				p = last[k]
			}
		}
		d.parents[i] = p
		if p >= 0 {
			d.kids[p] = append(d.kids[p], i)
		}
		last[l.kind] = i
		for k := l.kind + 1; k < numKinds; k++ {
			last[k] = -1
		}
	}
}

// signatureStart returns where a trailing signature (an organ name and a
// date on the last lines) begins, or len(rs).
func signatureStart(rs []rune) int {
	end := len(rs)
	a, b, ok := lastLine(rs, end)
	if !ok || a == 0 || !reDateLine.MatchString(strings.TrimSpace(string(rs[a:b]))) {
		return end
	}
	end = a
	if a2, b2, ok := lastLine(rs, a-1); ok {
		l := strings.TrimSpace(string(rs[a2:b2]))
		if utf8.RuneCountInString(l) <= 30 && hasAnySuffix(l, orgSuffixes) {
			end = a2
		}
	}
	for end > 0 && (rs[end-1] == '\n' || rs[end-1] == ' ') {
		end--
	}
	return end
}

// lastLine returns the bounds of the last line of rs[:e] that is not blank.
func lastLine(rs []rune, e int) (int, int, bool) {
	for e >= 0 {
		a := e
		for a > 0 && rs[a-1] != '\n' {
			a--
		}
		for q := a; q < e; q++ {
			if rs[q] != ' ' {
				return a, e, true
			}
		}
		e = a - 1
	}
	return 0, 0, false
}

// scanLabels finds every rune sequence shaped like a label. Whether it is one
// is decided by acceptLabels.
func (d *document) scanLabels() []label {
	rs := d.rs
	var out []label
	for i := 0; i < d.contentEnd; i++ {
		if d.masked[i] {
			continue
		}
		switch r := rs[i]; {
		case r == '(':
			n, k := parseCNNumber(rs, i+1)
			if n > 0 && i+1+k < len(rs) && rs[i+1+k] == ')' {
				out = append(out, label{kind: kindParen, n: n, start: i, end: i + 2 + k})
			}
		case isCNDigit(r):
			if i > 0 && isCNDigit(rs[i-1]) {
				continue
			}
			n, k := parseCNNumber(rs, i)
			j := i + k
			// 二、三级医院 is not section 二.
			if n > 0 && j+1 < len(rs) && rs[j] == '、' && !isCNDigit(rs[j+1]) {
				out = append(out, label{kind: kindSection, n: n, start: i, end: j + 1})
			}
		case isDigit(r):
			if i > 0 && (isDigit(rs[i-1]) || rs[i-1] == '.' || isASCIILetter(rs[i-1])) {
				continue
			}
			if l, ok := numberLabel(rs, i); ok {
				out = append(out, l)
			}
		}
	}
	return out
}

// numberLabel reads "12." or "12、" at i. A decimal such as 1.2% or 13.5万人
// is not a label; "11.121人才梯队项目" may be one (measure 11), which
// acceptLabels settles by the expected number.
func numberLabel(rs []rune, i int) (label, bool) {
	j := i
	for j < len(rs) && isDigit(rs[j]) && j-i < 3 {
		j++
	}
	if j >= len(rs) || (rs[j] != '.' && rs[j] != '、') {
		return label{}, false
	}
	n, _ := strconv.Atoi(string(rs[i:j]))
	sep := rs[j]
	k := j + 1
	for k < len(rs) && rs[k] == ' ' {
		k++
	}
	if n == 0 || k >= len(rs) || strings.ContainsRune(",;:。、.!?)\n", rs[k]) {
		return label{}, false
	}
	if isDigit(rs[k]) {
		// "5. 65岁以上…" and "5、65岁以上…" are labels; "5.65岁" is a decimal.
		if sep == '、' || k > j+1 {
			return label{kind: kindNumber, n: n, start: i, end: j + 1}, true
		}
		p := k
		for p < len(rs) && isDigit(rs[p]) {
			p++
		}
		// After the digits of a decimal comes a unit, a symbol or punctuation.
		if p >= len(rs) || !unicode.Is(unicode.Han, rs[p]) || strings.ContainsRune(decimalFollowers, rs[p]) {
			return label{}, false
		}
	}
	return label{kind: kindNumber, n: n, start: i, end: j + 1}, true
}

// decimalFollowers are Han characters that follow a decimal number (units,
// magnitudes and comparison words), never the text of a measure title.
const decimalFollowers = "万亿千百元倍岁米平公亩吨个年月日天周以左上下余多"

// acceptLabels keeps the candidates that start a block and carry the next
// expected number of their level: 1 after a higher-level label, else the
// previous number + 1 (or the last number + 1 of that level anywhere in the
// document, for measures numbered continuously across domains). This is what
// tells the label 11. in "11.121人才梯队项目" from the decimal in "。1.5万人".
func (d *document) acceptLabels(cands []label) []label {
	var cur, last [numKinds]int
	var out []label
	for _, c := range cands {
		if !d.blockStart(c.start) && !d.afterHeading(out, c) {
			continue
		}
		k := c.kind
		// A pasted excerpt may begin at section 三、, so the top level may
		// start at any number.
		first := k == kindSection && last[k] == 0
		next := c.n == cur[k]+1 || (cur[k] == 0 && last[k] > 0 && c.n == last[k]+1)
		if !next && !first {
			// A label of its own line with another number is a numbering
			// slip of the document (skipped, repeated, out of order), not
			// text: keep it and say so.
			if !d.lineStart(c.start) {
				continue
			}
			if c.n > max(cur[k], last[k])+maxSkip {
				d.stray = append(d.stray, c)
				continue
			}
			c.prev, c.expected = cur[k], cur[k]+1
			if cur[k] == 0 && last[k] > 0 && c.n != 1 {
				c.prev, c.expected = last[k], last[k]+1
			}
		}
		cur[k], last[k] = c.n, c.n
		for j := k + 1; j < numKinds; j++ {
			cur[j] = 0
		}
		out = append(out, c)
	}
	return out
}

// maxSkip bounds how far a number may jump ahead and still be taken for a
// label with a skipped number.
const maxSkip = 5

// lineStart reports whether a label at i starts its line.
func (d *document) lineStart(i int) bool {
	j := i - 1
	for j >= 0 && d.rs[j] == ' ' {
		j--
	}
	return j < 0 || d.rs[j] == '\n'
}

// blockStart reports whether a label at i starts a block: at the start of
// the text or a line, or after a sentence end, a colon, or a unit bracket.
func (d *document) blockStart(i int) bool {
	j := i - 1
	for j >= 0 && d.rs[j] == ' ' {
		j--
	}
	if j < 0 {
		return true
	}
	return strings.ContainsRune("\n。;:!?〕", d.rs[j]) || d.bracketEnd[j]
}

// afterHeading accepts a label that follows a higher-level heading with no
// punctuation between, as in "二、主要任务(一)发展现代农业".
func (d *document) afterHeading(accepted []label, c label) bool {
	if len(accepted) == 0 {
		return false
	}
	h := accepted[len(accepted)-1]
	if h.kind >= c.kind || c.start < h.end || c.start-h.end > 25 {
		return false
	}
	for _, r := range d.rs[h.end:c.start] {
		if isDigit(r) || strings.ContainsRune(",;:。、!?()〔〕\n", r) {
			return false
		}
	}
	return true
}

// blockEnd returns where the block of labels[i] ends: at the next label of
// the same or a higher level, or at limit.
func (d *document) blockEnd(i, limit int) int { return min(d.ends[i], limit) }

// preambleTitles name sections that come before the domains and list
// principles or aims, not tasks.
var preambleTitles = []string{"指导思想", "总体要求", "基本原则", "工作原则", "总体目标", "工作目标",
	"主要目标", "目标要求", "发展目标", "实施步骤", "工作步骤", "进度安排", "时间安排", "编制依据"}

// closingTitles name sections after the tasks (保障措施 with numbered
// items); without unit brackets anywhere they are not domains either.
var closingTitles = []string{"保障措施", "组织保障", "组织实施", "工作要求", "保障机制", "工作保障", "实施保障", "组织领导"}

// container is a domain candidate: a label (or -1, the document itself)
// whose measures are labels of a lower level.
type container struct {
	idx      int
	measures []int
}

// containers groups the measure labels by the domain that holds them. A
// measure is a 1. label; its domain is its nearest higher label — a (一)
// block, or a part 一、 that holds measures directly, or the document when
// there is no higher label. Where a part has no 1. measures at all, its
// (一) blocks are its measures (一、/(一) outlines); a (一) block with a unit
// bracket but no 1. measures beside (一) domains stays a domain of its own.
func (d *document) containers() []container {
	n := len(d.labels)
	numberKids := make([]bool, n)
	for i, l := range d.labels {
		if p := d.parents[i]; l.kind == kindNumber && p >= 0 {
			numberKids[p] = true
		}
	}
	parenDomains := map[int]bool{} // parents (parts, or -1) with (一) domains
	for i, l := range d.labels {
		if l.kind == kindParen && numberKids[i] {
			parenDomains[d.parents[i]] = true
		}
	}
	byIdx := map[int]*container{}
	var order []int
	get := func(idx int) *container {
		c, ok := byIdx[idx]
		if !ok {
			c = &container{idx: idx}
			byIdx[idx] = c
			order = append(order, idx)
		}
		return c
	}
	for i, l := range d.labels {
		switch l.kind {
		case kindNumber:
			c := get(d.parents[i])
			c.measures = append(c.measures, i)
		case kindParen:
			switch {
			case numberKids[i]:
				get(i)
			case !parenDomains[d.parents[i]]:
				c := get(d.parents[i])
				c.measures = append(c.measures, i)
			case d.bracketIn(l.start, d.blockEnd(i, d.contentEnd)):
				get(i)
			}
		}
	}
	out := make([]container, 0, len(order))
	for _, idx := range order {
		out = append(out, *byIdx[idx])
	}
	sort.SliceStable(out, func(a, b int) bool { return d.containerStart(out[a]) < d.containerStart(out[b]) })
	return out
}

func (d *document) containerStart(c container) int {
	if c.idx >= 0 {
		return d.labels[c.idx].start
	}
	if len(c.measures) > 0 {
		return d.labels[c.measures[0]].start
	}
	return 0
}

// containerEnd is where a domain's block ends: a part that holds measures
// directly ends where its first (一) block begins.
func (d *document) containerEnd(c container) int {
	if c.idx < 0 {
		end := d.contentEnd
		if len(c.measures) > 0 {
			end = d.blockEnd(c.measures[len(c.measures)-1], d.contentEnd)
		}
		return end
	}
	end := d.blockEnd(c.idx, d.contentEnd)
	if d.labels[c.idx].kind == kindSection {
		for _, k := range d.kids[c.idx] {
			if d.labels[k].kind == kindParen && !slices.Contains(c.measures, k) {
				end = min(end, d.labels[k].start)
				break
			}
		}
	}
	return end
}

// titleOf returns the headline of a label's block.
func (d *document) titleOf(i int) string {
	t, _ := d.headline(d.labels[i].end, d.blockEnd(i, d.contentEnd))
	return t
}

// pickDomains keeps the containers that are domains. A block under a
// preamble title (指导思想, 基本原则, …) is none unless it names units. When
// some domains name units, a block without any is taken for a closing
// section (保障措施 with numbered items) and left out with a warning, unless
// it is the last one and the text stops inside it (a truncated document);
// without units anywhere, blocks titled as closing sections are left out.
func (d *document) pickDomains(planTitle string) (domains []container, warnings []string) {
	var cands []container
	var hasUnits []bool
	anyUnits := false
	for _, c := range d.containers() {
		start, end := d.containerStart(c), d.containerEnd(c)
		units := d.bracketIn(start, end)
		if c.idx >= 0 && !units {
			preamble := hasAnyPrefix(d.titleOf(c.idx), preambleTitles)
			if p := d.parents[c.idx]; p >= 0 && hasAnyPrefix(d.titleOf(p), preambleTitles) {
				preamble = true
			}
			if preamble {
				continue
			}
		}
		cands = append(cands, c)
		hasUnits = append(hasUnits, units)
		anyUnits = anyUnits || units
	}
	truncated := d.truncated()
	for n, c := range cands {
		if c.idx < 0 && !hasUnits[n] && (len(cands) > 1 || planTitle == "") {
			// Numbered lines before the first part, or a numbered list in
			// a text that is neither titled as a plan nor names units.
			continue
		}
		lastTruncated := n == len(cands)-1 && truncated && d.containerEnd(c) == d.contentEnd
		if c.idx >= 0 && !hasUnits[n] && !lastTruncated {
			title := d.titleOf(c.idx)
			lbl := string(d.rs[d.labels[c.idx].start:d.labels[c.idx].end])
			if anyUnits {
				warnings = append(warnings, fmt.Sprintf("%s %s has numbered items but no unit bracket while other domains have one; it was not taken as a domain", lbl, title))
				continue
			}
			if hasAnyPrefix(title, closingTitles) {
				warnings = append(warnings, fmt.Sprintf("%s %s looks like a closing section (保障措施); it was not taken as a domain", lbl, title))
				continue
			}
		}
		domains = append(domains, c)
	}
	return domains, warnings
}

// bracketsIn returns the index range [lo, hi) of the unit brackets lying
// inside [start, end). Brackets are sorted and do not overlap.
func (d *document) bracketsIn(start, end int) (lo, hi int) {
	lo = sort.Search(len(d.brackets), func(i int) bool { return d.brackets[i].start >= start })
	hi = lo
	for hi < len(d.brackets) && d.brackets[hi].end <= end {
		hi++
	}
	return lo, hi
}

func (d *document) bracketIn(start, end int) bool {
	lo, hi := d.bracketsIn(start, end)
	return hi > lo
}

// measureDraft is a measure before its units are settled.
type measureDraft struct {
	label      label
	start, end int  // block after the label, capped at the domain end
	bracket    int  // index into d.brackets of its last bracket, or -1
	trailing   bool // the bracket ends the block
	own        int  // the bracket that gives the measure its own units, or -1
}

// domainDraft is a domain before its units are settled.
type domainDraft struct {
	c             container
	label         string
	start, end    int
	titleStart    int
	measures      []measureDraft
	headerBracket int // a bracket before measure 1, or -1
	partBracket   int // a bracket in the header of the enclosing part, or -1
}

// build fills p.Domains and p.Warnings.
func (d *document) build(p *Plan) {
	picked, skipped := d.pickDomains(p.Title)
	if len(picked) == 0 {
		return
	}
	p.Warnings = append(p.Warnings, skipped...)
	drafts := make([]domainDraft, 0, len(picked))
	measureStyle := false
	labelCount := map[string]int{}
	for _, c := range picked {
		dd := domainDraft{c: c, start: d.containerStart(c), end: d.containerEnd(c), headerBracket: -1, partBracket: -1}
		if c.idx >= 0 {
			dd.label = string(d.rs[d.labels[c.idx].start:d.labels[c.idx].end])
			dd.titleStart = d.labels[c.idx].end
			labelCount[dd.label]++
		} else {
			dd.titleStart = dd.start
		}
		withBracket := 0
		for _, mi := range c.measures {
			md := measureDraft{label: d.labels[mi], start: d.labels[mi].end, end: d.blockEnd(mi, dd.end), bracket: -1}
			if lo, hi := d.bracketsIn(md.start, md.end); hi > lo {
				md.bracket = hi - 1
			}
			if md.bracket >= 0 {
				withBracket++
				md.trailing = onlyTrailer(d.rs[d.brackets[md.bracket].end:md.end])
			}
			dd.measures = append(dd.measures, md)
		}
		headerEnd := dd.end
		if len(dd.measures) > 0 {
			headerEnd = dd.measures[0].label.start
		}
		if c.idx >= 0 {
			if lo, hi := d.bracketsIn(dd.start, headerEnd); hi > lo {
				dd.headerBracket = lo
			}
			// A (一) domain inherits the units named in its part's header.
			if par := d.parents[c.idx]; par >= 0 && d.labels[c.idx].kind == kindParen {
				hEnd := d.labels[c.idx].start
				if ks := d.kids[par]; len(ks) > 0 {
					hEnd = d.labels[ks[0]].start
				}
				if lo, hi := d.bracketsIn(d.labels[par].start, hEnd); hi > lo {
					dd.partBracket = lo
				}
			}
		}
		if withBracket >= 2 {
			measureStyle = true
		}
		drafts = append(drafts, dd)
	}
	// (一) labels that restart in each part are told apart by the part: 二(一).
	for i := range drafts {
		dd := &drafts[i]
		if dd.c.idx < 0 || labelCount[dd.label] < 2 {
			continue
		}
		if par := d.parents[dd.c.idx]; par >= 0 {
			dd.label = strings.TrimSuffix(string(d.rs[d.labels[par].start:d.labels[par].end]), "、") + dd.label
		}
	}

	lastDomain := len(drafts) - 1
	midSentence := d.truncated()
	truncationWarned := false
	for n, dd := range drafts {
		dom := Domain{
			Label:            dd.label,
			LeadUnits:        []string{},
			ResponsibleUnits: []string{},
			Measures:         []Measure{},
			Start:            dd.start,
			End:              dd.end,
		}
		goalEnd := dd.end
		if len(dd.measures) > 0 {
			goalEnd = dd.measures[0].label.start
		}
		titleEnd := goalEnd
		if dd.headerBracket >= 0 {
			titleEnd = min(titleEnd, d.brackets[dd.headerBracket].start)
		}
		var goalStart int
		if dd.c.idx >= 0 {
			dom.Title, goalStart = d.headline(dd.titleStart, titleEnd)
			goal := string(d.rs[goalStart:goalEnd])
			if dd.headerBracket >= 0 { // the goal is what surrounds the bracket
				b := d.brackets[dd.headerBracket]
				goal = string(d.rs[goalStart:max(goalStart, b.start)]) + string(d.rs[max(goalStart, b.end):goalEnd])
			}
			dom.Goal = strings.TrimLeft(strings.TrimSpace(goal), "。;: ")
		} else {
			dom.Title = d.implicitTitle(dd.start, p.Title)
		}
		place := strings.TrimSpace("domain " + dom.Label + " " + dom.Title)

		// The domain's units: a bracket in the header, or (outside the
		// one-bracket-per-measure style) the bracket that ends the last
		// measure, else the units of the enclosing part.
		domainBracket := dd.headerBracket
		for j := range dd.measures {
			md := &dd.measures[j]
			md.own = md.bracket
			if !measureStyle && j == len(dd.measures)-1 && md.trailing && domainBracket < 0 {
				domainBracket, md.own = md.bracket, -1
			}
		}
		domainInherited := false
		if domainBracket < 0 && dd.partBracket >= 0 {
			domainBracket, domainInherited = dd.partBracket, true
		}
		domainDue := ""
		if domainBracket >= 0 {
			b := d.brackets[domainBracket]
			dom.LeadUnits = append(dom.LeadUnits, b.lead...)
			dom.ResponsibleUnits = append(dom.ResponsibleUnits, b.resp...)
			domainDue = b.due
		}

		unitless := 0
		var prevLabel string
		for _, md := range dd.measures {
			m := d.measure(md)
			due := domainDue
			if own := md.own; own >= 0 && len(d.brackets[own].lead)+len(d.brackets[own].resp) > 0 {
				m.LeadUnits = append([]string{}, d.brackets[own].lead...)
				m.ResponsibleUnits = append([]string{}, d.brackets[own].resp...)
				if len(m.LeadUnits) == 0 {
					// 责任单位 alone under a part that names its 牵头单位.
					m.LeadUnits = append(m.LeadUnits, dom.LeadUnits...)
					m.ResponsibleUnits = removeAll(m.ResponsibleUnits, m.LeadUnits)
				}
			} else {
				m.LeadUnits = append([]string{}, dom.LeadUnits...)
				m.ResponsibleUnits = append([]string{}, dom.ResponsibleUnits...)
				m.UnitsInherited = len(m.LeadUnits)+len(m.ResponsibleUnits) > 0
			}
			if own := md.own; own >= 0 && d.brackets[own].due != "" {
				due = d.brackets[own].due
			}
			if len(m.LeadUnits)+len(m.ResponsibleUnits) == 0 {
				unitless++
				if measureStyle && !(n == lastDomain && midSentence && md.end == d.contentEnd) {
					p.Warnings = append(p.Warnings, fmt.Sprintf("measure %s in %s has no unit bracket", m.Label, place))
				}
			} else if domainInherited && md.own < 0 {
				m.UnitsInherited = true
			}
			setDeadline(&m, due, d.rs, d.masked, p.Horizon)
			for _, st := range d.stray {
				if st.start >= md.start && st.start < md.end {
					p.Warnings = append(p.Warnings, fmt.Sprintf("a line starting with %s was kept in the text of measure %s in %s",
						string(d.rs[st.start:st.end]), m.Label, place))
				}
			}
			if w := numberWarning(md.label, prevLabel, m.Label, place); w != "" {
				p.Warnings = append(p.Warnings, w)
			}
			prevLabel = m.Label
			dom.Measures = append(dom.Measures, m)
		}
		if dd.c.idx >= 0 {
			prev := ""
			if n > 0 {
				prev = drafts[n-1].label
			}
			if w := numberWarning(d.labels[dd.c.idx], prev, dd.label, ""); w != "" {
				p.Warnings = append(p.Warnings, w)
			}
		}
		if len(dd.measures) == 0 {
			p.Warnings = append(p.Warnings, fmt.Sprintf("%s has no numbered measures", place))
		}
		if n == lastDomain && midSentence && dd.end == d.contentEnd {
			if domainBracket < 0 && unitless > 0 {
				p.Warnings = append(p.Warnings, fmt.Sprintf("document appears truncated: %s has no unit bracket and ends mid-sentence", place))
			} else {
				p.Warnings = append(p.Warnings, fmt.Sprintf("document appears truncated: %s ends mid-sentence", place))
			}
			truncationWarned = true
		} else if !measureStyle && domainBracket < 0 && unitless > 0 {
			p.Warnings = append(p.Warnings, fmt.Sprintf("%s has no unit bracket", place))
		}
		p.Domains = append(p.Domains, dom)
	}
	if midSentence && !truncationWarned {
		p.Warnings = append(p.Warnings, "document appears truncated: the text ends mid-sentence")
	}
	for i := range p.Domains {
		for j := range p.Domains[i].Measures {
			m := &p.Domains[i].Measures[j]
			m.Targets = extractTargets(d.rs, m.Start, m.End, d.masked, p.Horizon)
		}
	}
}

// numberWarning describes a label whose number does not follow the one
// before it, or returns "". place is "domain …" for measures and "" for the
// domains themselves.
func numberWarning(l label, prevLabel, text, place string) string {
	if l.expected == 0 {
		return ""
	}
	where, what := " in "+place, "numbering"
	if place == "" {
		where, what = "", "domain numbering"
	}
	switch {
	case l.n > l.expected && l.prev == 0:
		return fmt.Sprintf("%s starts at %s%s: the numbers before it are missing", what, text, where)
	case l.n > l.expected:
		return fmt.Sprintf("%s skips from %s to %s%s", what, prevLabel, text, where)
	case l.n == l.prev:
		return fmt.Sprintf("%s repeats %s%s", what, text, where)
	default:
		return fmt.Sprintf("%s puts %s after %s%s: out of order", what, text, prevLabel, where)
	}
}

// implicitTitle names the one domain of a document numbered with one level
// only: the heading line just before its first measure, else the plan's
// title, else 主要任务.
func (d *document) implicitTitle(start int, planTitle string) string {
	i := start
	for i > 0 && isSpaceRune(d.rs[i-1]) {
		i--
	}
	j := i
	for j > 0 && d.rs[j-1] != '\n' {
		j--
	}
	if line := strings.TrimSpace(string(d.rs[j:i])); line != "" && runeLen(line) <= 20 && !strings.ContainsAny(line, "。;,") {
		return strings.TrimRight(line, ":")
	}
	if planTitle != "" {
		return planTitle
	}
	return "主要任务"
}

// measure builds a Measure (without units and targets) from its draft.
func (d *document) measure(md measureDraft) Measure {
	start, end := md.start, md.end
	b := md.bracket
	if b >= 0 && md.trailing {
		end = d.brackets[b].start
	}
	for start < end && isSpaceRune(d.rs[start]) {
		start++
	}
	for end > start && isSpaceRune(d.rs[end-1]) {
		end--
	}
	titleEnd := end
	if b >= 0 && d.brackets[b].start < titleEnd && d.brackets[b].start >= start {
		titleEnd = d.brackets[b].start
	}
	title, _ := d.headline(start, titleEnd)
	return Measure{
		Label:            string(d.rs[md.label.start:md.label.end]),
		Title:            title,
		Text:             string(d.rs[start:end]),
		LeadUnits:        []string{},
		ResponsibleUnits: []string{},
		Targets:          []Target{},
		Start:            start,
		End:              end,
	}
}

// maxTitle caps titles that have no early sentence end.
const maxTitle = 40

// headline returns the first sentence of rs[start:end] as a title, and the
// offset where the rest begins. A sentence longer than maxTitle is cut to its
// first clause (skipping a leading time phrase such as 到2015年).
func (d *document) headline(start, end int) (string, int) {
	rs := d.rs
	for start < end && isSpaceRune(rs[start]) {
		start++
	}
	i := start
	for i < end && !strings.ContainsRune("。!?;:\n", rs[i]) {
		i++
	}
	next := i
	if i < end {
		next = i + 1
	}
	s := strings.TrimSpace(string(rs[start:i]))
	if runeLen(s) <= maxTitle {
		return s, next
	}
	clauses := splitTopLevel(s, ",")
	c := strings.TrimSpace(clauses[0])
	if len(clauses) > 1 && isTimePhrase(c) {
		c = strings.TrimSpace(clauses[1])
	}
	if runeLen(c) > maxTitle {
		c = string([]rune(c)[:maxTitle]) + "…"
	}
	return c, next
}

// isTimePhrase matches 到2015年, 2015年底前, 今年 and the like.
func isTimePhrase(s string) bool {
	rs := []rune(s)
	i := 0
	if i < len(rs) && strings.ContainsRune("到至在于从", rs[i]) {
		i++
	}
	j := i
	for j < len(rs) && isDigit(rs[j]) {
		j++
	}
	if j-i != 4 || j >= len(rs) || rs[j] != '年' {
		return false
	}
	rest := string(rs[j+1:])
	for _, x := range []string{"", "底", "末", "初", "前", "底前", "起", "内", "以前", "年底"} {
		if rest == x {
			return true
		}
	}
	return false
}

// truncated reports whether the text stops mid-sentence; a text that ends
// with a unit bracket or unit line (a task list) is complete.
func (d *document) truncated() bool {
	i := d.contentEnd - 1
	for i >= 0 && isSpaceRune(d.rs[i]) {
		i--
	}
	if i >= 0 && d.bracketEnd[i] {
		return false
	}
	return endsMidSentence(d.rs[:d.contentEnd])
}

// onlyTrailer reports whether rs holds nothing but spaces and sentence ends.
func onlyTrailer(rs []rune) bool {
	for _, r := range rs {
		if !isSpaceRune(r) && !strings.ContainsRune("。;.", r) {
			return false
		}
	}
	return true
}

// endsMidSentence reports whether the text stops without closing punctuation.
func endsMidSentence(rs []rune) bool {
	i := len(rs) - 1
	for i >= 0 && isSpaceRune(rs[i]) {
		i--
	}
	if i < 0 {
		return false
	}
	return !strings.ContainsRune("。!?;〕)”』」…", rs[i])
}

// cnDigit returns the value of a Chinese numeral character, or -1.
func cnDigit(r rune) int {
	switch r {
	case '〇', '零':
		return 0
	case '一':
		return 1
	case '二':
		return 2
	case '三':
		return 3
	case '四':
		return 4
	case '五':
		return 5
	case '六':
		return 6
	case '七':
		return 7
	case '八':
		return 8
	case '九':
		return 9
	case '十':
		return 10
	}
	return -1
}

func isCNDigit(r rune) bool { return cnDigit(r) >= 0 }

// parseCNNumber reads a Chinese numeral of 1–99 at i (一, 十, 十二, 二十,
// 二十一) and returns its value and length in runes, or 0, 0.
func parseCNNumber(rs []rune, i int) (int, int) {
	j := i
	for j < len(rs) && j-i < 3 && isCNDigit(rs[j]) {
		j++
	}
	s := rs[i:j]
	switch len(s) {
	case 1:
		if v := cnDigit(s[0]); v > 0 {
			return v, 1
		}
	case 2:
		a, b := cnDigit(s[0]), cnDigit(s[1])
		switch {
		case a == 10 && b >= 1 && b <= 9:
			return 10 + b, 2
		case a >= 2 && a <= 9 && b == 10:
			return a * 10, 2
		}
	case 3:
		a, b, c := cnDigit(s[0]), cnDigit(s[1]), cnDigit(s[2])
		if a >= 2 && a <= 9 && b == 10 && c >= 1 && c <= 9 {
			return a*10 + c, 3
		}
	}
	return 0, 0
}

func isDigit(r rune) bool       { return r >= '0' && r <= '9' }
func isASCIILetter(r rune) bool { return (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') }
func isSpaceRune(r rune) bool   { return r == ' ' || r == '\n' }
func runeLen(s string) int      { return len([]rune(s)) }

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}
