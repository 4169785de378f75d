package planparse

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode"
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
	lines := strings.Split(string(rs), "\n")
	end := len(rs)
	pos := make([]int, len(lines))
	off := 0
	for i, l := range lines {
		pos[i] = off
		off += len([]rune(l)) + 1
	}
	i := len(lines) - 1
	for i >= 0 && strings.TrimSpace(lines[i]) == "" {
		i--
	}
	if i < 1 || !reDateLine.MatchString(strings.TrimSpace(lines[i])) {
		return end
	}
	end = pos[i]
	j := i - 1
	for j >= 0 && strings.TrimSpace(lines[j]) == "" {
		j--
	}
	if j >= 0 {
		l := strings.TrimSpace(lines[j])
		if len([]rune(l)) <= 30 && hasAnySuffix(l, orgSuffixes) {
			end = pos[j]
		}
	}
	for end > 0 && (rs[end-1] == '\n' || rs[end-1] == ' ') {
		end--
	}
	return end
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
		if sep != '.' || k != j+1 {
			return label{}, false
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
		if c.n != cur[k]+1 && !(cur[k] == 0 && last[k] > 0 && c.n == last[k]+1) && !first {
			continue
		}
		cur[k], last[k] = c.n, c.n
		for j := k + 1; j < numKinds; j++ {
			cur[j] = 0
		}
		out = append(out, c)
	}
	return out
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

// children returns the indexes of the labels of kind ck whose nearest
// higher-level label is labels[i].
func (d *document) children(i int, ck labelKind) []int {
	var out []int
	for _, j := range d.kids[i] {
		if d.labels[j].kind == ck {
			out = append(out, j)
		}
	}
	return out
}

// preambleTitles name sections that come before the domains and list
// principles or aims, not tasks.
var preambleTitles = []string{"指导思想", "总体要求", "基本原则", "工作原则", "总体目标", "工作目标",
	"主要目标", "目标要求", "发展目标", "实施步骤", "工作步骤", "进度安排", "时间安排", "编制依据"}

// domainLevels picks the outline levels of domains and measures: (一) with
// 1. children (the usual shape), else 一、 with (一) children, else 一、 with
// 1. children. It returns the label indexes of the domains and warnings about
// blocks it left out.
//
// When some domains carry unit brackets, a block without any is taken for a
// closing section (保障措施 with numbered items) and left out, unless it is
// the last one and the text stops inside it (a truncated document).
func (d *document) domainLevels() (dk, mk labelKind, domains []int, warnings []string) {
	for _, lv := range [][2]labelKind{{kindParen, kindNumber}, {kindSection, kindParen}, {kindSection, kindNumber}} {
		dk, mk = lv[0], lv[1]
		var cands, bracketed []int
		withMeasures := 0
		for i, l := range d.labels {
			if l.kind != dk {
				continue
			}
			hasMeasures := len(d.children(i, mk)) > 0
			hasBracket := d.bracketIn(l.start, d.blockEnd(i, d.contentEnd))
			if !hasMeasures && !hasBracket {
				continue
			}
			if dk == kindSection && !hasBracket {
				title, _ := d.headline(l.end, d.blockEnd(i, d.contentEnd))
				if hasAnyPrefix(title, preambleTitles) {
					continue
				}
			}
			if hasMeasures {
				withMeasures++
			}
			cands = append(cands, i)
			if hasBracket {
				bracketed = append(bracketed, i)
			}
		}
		if withMeasures == 0 {
			continue
		}
		if len(bracketed) == 0 {
			return dk, mk, cands, nil
		}
		domains = domains[:0]
		truncated := endsMidSentence(d.rs[:d.contentEnd])
		for n, i := range cands {
			end := d.blockEnd(i, d.contentEnd)
			if d.bracketIn(d.labels[i].start, end) || (n == len(cands)-1 && truncated && end == d.contentEnd) {
				domains = append(domains, i)
				continue
			}
			title, _ := d.headline(d.labels[i].end, end)
			warnings = append(warnings, fmt.Sprintf("%s %s has numbered items but no unit bracket while other domains have one; it was not taken as a domain",
				string(d.rs[d.labels[i].start:d.labels[i].end]), title))
		}
		return dk, mk, domains, warnings
	}
	return 0, 0, nil, nil
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

// build fills p.Domains and p.Warnings.
func (d *document) build(p *Plan) {
	_, mk, domainIdx, skipped := d.domainLevels()
	if len(domainIdx) == 0 {
		return
	}
	p.Warnings = append(p.Warnings, skipped...)
	type domainDraft struct {
		label         label
		start, end    int
		measures      []measureDraft
		headerBracket int // a bracket before measure 1, or -1
	}
	drafts := make([]domainDraft, 0, len(domainIdx))
	measureStyle := false
	for _, di := range domainIdx {
		dd := domainDraft{label: d.labels[di], start: d.labels[di].start, end: d.blockEnd(di, d.contentEnd), headerBracket: -1}
		withBracket := 0
		for _, mi := range d.children(di, mk) {
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
		if lo, hi := d.bracketsIn(dd.start, headerEnd); hi > lo {
			dd.headerBracket = lo
		}
		if withBracket >= 2 {
			measureStyle = true
		}
		drafts = append(drafts, dd)
	}

	lastDomain := len(drafts) - 1
	midSentence := endsMidSentence(d.rs[:d.contentEnd])
	truncationWarned := false
	for n, dd := range drafts {
		dom := Domain{
			Label:            string(d.rs[dd.label.start:dd.label.end]),
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
		dom.Title, goalStart = d.headline(dd.label.end, titleEnd)
		goal := string(d.rs[goalStart:goalEnd])
		if dd.headerBracket >= 0 { // the goal is what surrounds the bracket
			b := d.brackets[dd.headerBracket]
			goal = string(d.rs[goalStart:max(goalStart, b.start)]) + string(d.rs[max(goalStart, b.end):goalEnd])
		}
		dom.Goal = strings.TrimLeft(strings.TrimSpace(goal), "。;: ")

		// The domain's units: a bracket in the header, or (outside the
		// one-bracket-per-measure style) the bracket that ends the last measure.
		domainBracket := dd.headerBracket
		for j := range dd.measures {
			md := &dd.measures[j]
			md.own = md.bracket
			if !measureStyle && j == len(dd.measures)-1 && md.trailing && domainBracket < 0 {
				domainBracket, md.own = md.bracket, -1
			}
		}
		if domainBracket >= 0 {
			b := d.brackets[domainBracket]
			dom.LeadUnits = append(dom.LeadUnits, b.lead...)
			dom.ResponsibleUnits = append(dom.ResponsibleUnits, b.resp...)
		}

		unitless := 0
		for _, md := range dd.measures {
			m := d.measure(md)
			if own := md.own; own >= 0 {
				m.LeadUnits = append([]string{}, d.brackets[own].lead...)
				m.ResponsibleUnits = append([]string{}, d.brackets[own].resp...)
			} else {
				m.LeadUnits = append([]string{}, dom.LeadUnits...)
				m.ResponsibleUnits = append([]string{}, dom.ResponsibleUnits...)
			}
			if len(m.LeadUnits)+len(m.ResponsibleUnits) == 0 {
				unitless++
				if measureStyle && !(n == lastDomain && midSentence && md.end == d.contentEnd) {
					p.Warnings = append(p.Warnings, fmt.Sprintf("measure %s in domain %s %s has no unit bracket", m.Label, dom.Label, dom.Title))
				}
			}
			dom.Measures = append(dom.Measures, m)
		}
		if len(dd.measures) == 0 {
			p.Warnings = append(p.Warnings, fmt.Sprintf("domain %s %s has no numbered measures", dom.Label, dom.Title))
		}
		if n == lastDomain && midSentence && dd.end == d.contentEnd {
			if domainBracket < 0 && unitless > 0 {
				p.Warnings = append(p.Warnings, fmt.Sprintf("document appears truncated: domain %s %s has no unit bracket and ends mid-sentence", dom.Label, dom.Title))
			} else {
				p.Warnings = append(p.Warnings, fmt.Sprintf("document appears truncated: domain %s %s ends mid-sentence", dom.Label, dom.Title))
			}
			truncationWarned = true
		} else if !measureStyle && domainBracket < 0 && unitless > 0 {
			p.Warnings = append(p.Warnings, fmt.Sprintf("domain %s %s has no unit bracket", dom.Label, dom.Title))
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
