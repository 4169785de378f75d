package planparse

import (
	"sort"
	"strings"
	"unicode/utf8"
)

// unitBracket is a 〔牵头单位:…;责任单位:…〕 or (A、B负责) block.
type unitBracket struct {
	start, end int // rune offsets: the opener, and just after the closer
	lead, resp []string
}

// unitLabels maps bracket labels to whether they name the lead unit. Longer
// labels come first so that 牵头单位 wins over 牵头.
var unitLabels = []struct {
	label string
	lead  bool
}{
	{"牵头单位", true}, {"牵头部门", true}, {"主办单位", true}, {"主责单位", true},
	{"责任单位", false}, {"责任部门", false}, {"配合单位", false}, {"配合部门", false},
	{"协办单位", false}, {"协办部门", false}, {"参与单位", false}, {"参与部门", false},
	{"参加单位", false}, {"协助单位", false}, {"负责单位", false}, {"实施单位", false},
	{"牵头", true}, {"配合", false}, {"协办", false},
}

// Role markers that end a clause in an unlabelled bracket: (A牵头,B、C配合).
var (
	leadMarkers = []string{"牵头"}
	respMarkers = []string{"负责", "配合", "参与", "协助", "协办", "落实"}
)

// maxBracket bounds the length of a unit bracket in runes.
const maxBracket = 400

// findUnitBrackets finds every unit bracket in rs, in order. A 〔〕 or ()
// counts when it starts with a unit label and a colon, or when it is a list of
// units ending with a role marker (负责, 牵头 + 配合, …). Document numbers such
// as 〔2012〕 do not qualify. Brackets are matched in one pass (parentheses
// nest inside 〔〕; no bracket spans a sentence end or a line), and only
// plausible ones are parsed, so the cost stays linear.
func findUnitBrackets(rs []rune) []unitBracket {
	type pair struct{ open, close int }
	var pairs []pair
	var stack []int
	for i, r := range rs {
		switch r {
		case '(', '〔':
			stack = append(stack, i)
		case ')':
			if n := len(stack); n > 0 && rs[stack[n-1]] == '(' {
				pairs = append(pairs, pair{stack[n-1], i})
				stack = stack[:n-1]
			}
		case '〕':
			for len(stack) > 0 && rs[stack[len(stack)-1]] == '(' {
				stack = stack[:len(stack)-1]
			}
			if n := len(stack); n > 0 {
				pairs = append(pairs, pair{stack[n-1], i})
				stack = stack[:n-1]
			}
		case '。', '\n':
			stack = stack[:0]
		}
	}
	sort.Slice(pairs, func(a, b int) bool { return pairs[a].open < pairs[b].open })
	var out []unitBracket
	next := 0
	for _, p := range pairs {
		if p.open < next || p.close-p.open > maxBracket || !plausibleBracket(rs, p.open+1, p.close) {
			continue
		}
		lead, resp, ok := parseUnitContent(rs[p.open+1 : p.close])
		if !ok {
			continue
		}
		out = append(out, unitBracket{start: p.open, end: p.close + 1, lead: lead, resp: resp})
		next = p.close + 1
	}
	return out
}

// plausibleBracket is a cheap test run before parsing rs[a:b]: it starts
// with a unit label or ends with a role marker.
func plausibleBracket(rs []rune, a, b int) bool {
	for a < b && rs[a] == ' ' {
		a++
	}
	for b > a && rs[b-1] == ' ' {
		b--
	}
	for _, l := range unitLabels {
		if hasRunesAt(rs, a, l.label) {
			return true
		}
	}
	for _, markers := range [][]string{leadMarkers, respMarkers} {
		for _, m := range markers {
			if n := utf8.RuneCountInString(m); b-n >= a && hasRunesAt(rs, b-n, m) {
				return true
			}
		}
	}
	return false
}

func parseUnitContent(c []rune) (lead, resp []string, ok bool) {
	s := strings.TrimSpace(string(c))
	if s == "" || strings.ContainsAny(s, "。《\n") {
		return nil, nil, false
	}
	if lead, resp, ok = parseLabelledUnits(s); ok {
		return lead, resp, true
	}
	return parseMarkedUnits(s)
}

// parseLabelledUnits reads 牵头单位:A,责任单位:B、C.
func parseLabelledUnits(s string) (lead, resp []string, ok bool) {
	rs := []rune(s)
	type seg struct {
		lead       bool
		start, end int // value range
	}
	var segs []seg
	depth := 0
	for i := 0; i < len(rs); i++ {
		switch rs[i] {
		case '(':
			depth++
			continue
		case ')':
			depth--
			continue
		}
		if depth != 0 {
			continue
		}
		if i > 0 && !strings.ContainsRune(",;、 ", rs[i-1]) {
			continue
		}
		for _, l := range unitLabels {
			n := utf8.RuneCountInString(l.label)
			if !hasRunesAt(rs, i, l.label) {
				continue
			}
			j := i + n
			for j < len(rs) && rs[j] == ' ' {
				j++
			}
			if j >= len(rs) || rs[j] != ':' {
				continue
			}
			if len(segs) > 0 {
				segs[len(segs)-1].end = i
			}
			segs = append(segs, seg{lead: l.lead, start: j + 1, end: len(rs)})
			i = j
			break
		}
		if len(segs) == 0 {
			return nil, nil, false // text before the first label: not a unit bracket
		}
	}
	for _, sg := range segs {
		units := splitUnits(string(rs[sg.start:sg.end]))
		if sg.lead {
			lead = append(lead, units...)
		} else {
			resp = append(resp, units...)
		}
	}
	if len(lead)+len(resp) == 0 {
		return nil, nil, false
	}
	return dedupe(lead), dedupe(resp), true
}

// parseMarkedUnits reads (A、B、C等负责) and (A牵头,B、C配合). With only 负责,
// the first named unit leads and the rest are responsible.
func parseMarkedUnits(s string) (lead, resp []string, ok bool) {
	if utf8.RuneCountInString(s) > 200 || strings.ContainsAny(s, "0123456789%:") {
		return nil, nil, false
	}
	var plain [][]string // clauses that ended with 负责 or similar
	for _, clause := range splitTopLevel(s, ",;") {
		clause = strings.TrimSpace(clause)
		if clause == "" {
			continue
		}
		role, body := "", ""
		for _, m := range leadMarkers {
			if strings.HasSuffix(clause, m) {
				role, body = "lead", strings.TrimSuffix(clause, m)
			}
		}
		for _, m := range respMarkers {
			if role == "" && strings.HasSuffix(clause, m) {
				role, body = "resp", strings.TrimSuffix(clause, m)
				if m == "负责" {
					role = "plain"
				}
			}
		}
		body = strings.TrimSuffix(strings.TrimSpace(body), "共同")
		body = strings.TrimSuffix(strings.TrimSpace(body), "分别")
		units := splitUnits(body)
		if role == "" || len(units) == 0 {
			return nil, nil, false
		}
		for _, u := range units {
			if utf8.RuneCountInString(u) > 30 {
				return nil, nil, false
			}
		}
		switch role {
		case "lead":
			lead = append(lead, units...)
		case "resp":
			resp = append(resp, units...)
		default:
			plain = append(plain, units)
		}
	}
	for _, units := range plain {
		if len(lead) == 0 {
			lead = append(lead, units[0])
			units = units[1:]
		}
		resp = append(resp, units...)
	}
	if len(lead)+len(resp) == 0 {
		return nil, nil, false
	}
	return dedupe(lead), dedupe(resp), true
}

// splitUnits splits a unit list on 、 , ; and space outside parentheses,
// keeps collective names such as 各区、县级市 whole, splits on 和/及 only
// between two complete unit names, and trims 等.
func splitUnits(s string) []string {
	var out []string
	for _, p := range splitTopLevel(s, "、,; ") {
		p = strings.TrimSpace(p)
		p = strings.TrimPrefix(p, "由")
		for _, suf := range []string{"等单位", "等部门", "等"} {
			if strings.HasSuffix(p, suf) && p != suf {
				p = strings.TrimSuffix(p, suf)
				break
			}
		}
		if p == "" {
			continue
		}
		if n := len(out); n > 0 && continuesCollective(out[n-1], p) {
			out[n-1] += "、" + p
			continue
		}
		out = append(out, splitAnd(p)...)
	}
	if out == nil {
		return []string{}
	}
	return out
}

// continuesCollective reports whether cur completes a collective name begun
// by prev, as 县级市 does after 各有关区.
func continuesCollective(prev, cur string) bool {
	if !strings.HasPrefix(prev, "各") || !hasAnySuffix(prev, areaWords) {
		return false
	}
	c := strings.TrimSuffix(strings.TrimSuffix(cur, "政府"), "人民")
	if i := strings.Index(c, "("); i > 0 && strings.HasSuffix(c, ")") {
		c = c[:i] // 县(市、区)
	}
	for _, a := range areaWords {
		if c == a {
			return true
		}
	}
	return false
}

var areaWords = []string{"县级市", "乡镇", "街道", "区", "市", "县", "镇", "乡"}

// splitAnd splits 市教育局和市财政局 but not 市人力资源和社会保障局.
func splitAnd(p string) []string {
	for _, sep := range []string{"和", "及"} {
		i := strings.Index(p, sep)
		if i <= 0 {
			continue
		}
		left, right := p[:i], p[i+len(sep):]
		if endsWithOrg(left) && startsWithJurisdiction(right) {
			return append([]string{left}, splitAnd(right)...)
		}
	}
	return []string{p}
}

func endsWithOrg(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(s)
	return strings.ContainsRune("局委办院会府心司部厅所站队团联社行处科署馆室组位门", r)
}

func startsWithJurisdiction(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return strings.ContainsRune("市区县省镇乡街各团", r)
}

// splitTopLevel splits s at any rune of seps outside ()〔〕《》.
func splitTopLevel(s, seps string) []string {
	var out []string
	depth, start := 0, 0
	for i, r := range s {
		switch {
		case r == '(' || r == '〔' || r == '《':
			depth++
		case (r == ')' || r == '〕' || r == '》') && depth > 0:
			depth--
		case depth == 0 && strings.ContainsRune(seps, r):
			out = append(out, s[start:i])
			start = i + utf8.RuneLen(r)
		}
	}
	return append(out, s[start:])
}

func dedupe(xs []string) []string {
	out := make([]string, 0, len(xs))
	seen := make(map[string]bool, len(xs))
	for _, x := range xs {
		if x != "" && !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

func hasRunesAt(rs []rune, i int, s string) bool {
	for _, r := range s {
		if i >= len(rs) || rs[i] != r {
			return false
		}
		i++
	}
	return true
}
