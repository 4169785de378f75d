package planparse

import (
	"slices"
	"sort"
	"strings"
	"unicode/utf8"
)

// unitBracket is a 〔牵头单位:…;责任单位:…〕 or (A、B负责) block.
type unitBracket struct {
	start, end int // rune offsets: the opener, and just after the closer
	lead, resp []string
	due        string // a 完成时限 part, as written
}

// unitLabels maps bracket labels to whether they name the lead unit. Longer
// labels come first so that 牵头单位 wins over 牵头.
var unitLabels = []struct {
	label string
	lead  bool
	due   bool
}{
	{"牵头单位", true, false}, {"牵头部门", true, false}, {"主办单位", true, false}, {"主责单位", true, false},
	{"责任单位", false, false}, {"责任部门", false, false}, {"配合单位", false, false}, {"配合部门", false, false},
	{"协办单位", false, false}, {"协办部门", false, false}, {"参与单位", false, false}, {"参与部门", false, false},
	{"参加单位", false, false}, {"协助单位", false, false}, {"负责单位", false, false}, {"实施单位", false, false},
	{"牵头", true, false}, {"配合", false, false}, {"协办", false, false},
	{"完成时限", false, true}, {"完成时间", false, true}, {"时间节点", false, true}, {"完成期限", false, true},
	{"时限要求", false, true}, {"时间要求", false, true}, {"时间进度", false, true}, {"时限", false, true},
}

// Role markers that end a clause in an unlabelled bracket: (A牵头,B、C配合).
var (
	leadMarkers = []string{"牵头"}
	respMarkers = []string{"负责", "配合", "参与", "协助", "协办", "落实"}
)

// maxBracket bounds the length of a unit bracket in runes.
const maxBracket = 400

// findUnitBrackets finds every unit bracket in rs, in order. A 〔〕 or ()
// counts when it starts with a unit label and a colon, when it is a list of
// units ending with a role marker (负责, 牵头 + 配合, …), or when it closes a
// measure and holds nothing but unit names. Document numbers such as
// 〔2012〕 do not qualify. Lines of their own that start with a unit label
// (牵头单位:区发改局 / 责任单位:… / 完成时限:…) count as one bracket each
// run. Brackets are matched in one pass (parentheses nest inside 〔〕; no
// bracket spans a sentence end or a line), and only plausible ones are
// parsed, so the cost stays linear.
func findUnitBrackets(rs []rune) []unitBracket {
	lines := findUnitLines(rs)
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
	next, li := 0, 0
	for _, p := range pairs {
		for li < len(lines) && lines[li].end <= p.open {
			out = append(out, lines[li])
			next = max(next, lines[li].end)
			li++
		}
		if li < len(lines) && p.close >= lines[li].start {
			continue // inside a unit line: 牵头单位:市政府办(市法制局)
		}
		if p.open < next || p.close-p.open > maxBracket || !plausibleBracket(rs, p.open+1, p.close) {
			continue
		}
		lead, resp, due, ok := parseUnitContent(rs[p.open+1 : p.close])
		if !ok && closesBlock(rs, p.close+1) {
			lead, resp, ok = parseBareUnits(string(rs[p.open+1 : p.close]))
		}
		if !ok {
			continue
		}
		out = append(out, unitBracket{start: p.open, end: p.close + 1, lead: lead, resp: resp, due: due})
		next = p.close + 1
	}
	return append(out, lines[li:]...)
}

// findUnitLines finds runs of lines (or sentences) that start with a unit
// or deadline label and a colon: 牵头单位:区发改局 / 责任单位:立山经济开发区,各街道.
// A run ends at a line end or 。 and consecutive ones merge into one bracket.
func findUnitLines(rs []rune) []unitBracket {
	var out []unitBracket
	depth := 0
	for i := 0; i < len(rs); i++ {
		if i > 0 {
			switch rs[i-1] {
			case '(', '〔':
				depth++
			case ')', '〕':
				depth = max(depth-1, 0)
			case '\n':
				depth = 0
			}
		}
		if depth > 0 || (i > 0 && rs[i-1] != '\n' && rs[i-1] != '。' && rs[i-1] != ';') {
			continue
		}
		if !startsWithUnitLabel(rs, i) {
			continue
		}
		end := i
		for end < len(rs) && rs[end] != '\n' && rs[end] != '。' && end-i < maxBracket {
			end++
		}
		lead, resp, due, ok := parseLabelledUnits(string(rs[i:end]))
		if !ok {
			continue
		}
		if n := len(out); n > 0 && onlyTrailer(rs[out[n-1].end:i]) {
			b := &out[n-1]
			b.end = end
			b.lead = dedupe(append(b.lead, lead...))
			b.resp = dedupe(append(b.resp, resp...))
			if due != "" {
				b.due = due
			}
		} else {
			out = append(out, unitBracket{start: i, end: end, lead: lead, resp: resp, due: due})
		}
		i = end - 1
	}
	return out
}

func startsWithUnitLabel(rs []rune, i int) bool {
	for _, l := range unitLabels {
		if hasRunesAt(rs, i, l.label) {
			j := i + utf8.RuneCountInString(l.label)
			for j < len(rs) && rs[j] == ' ' {
				j++
			}
			if j < len(rs) && rs[j] == ':' {
				return true
			}
		}
	}
	return false
}

// closesBlock reports whether a bracket ending just before i closes its
// sentence or line: only then may a bare list of names be its units.
func closesBlock(rs []rune, i int) bool {
	for i < len(rs) && strings.ContainsRune(" 。;.", rs[i]) {
		i++
	}
	return i >= len(rs) || rs[i] == '\n' || isDigit(rs[i]) || isCNDigit(rs[i]) || rs[i] == '(' || rs[i] == '〔'
}

// plausibleBracket is a cheap test run before parsing rs[a:b]: it starts
// with a unit label, ends with a role marker or an organisation's last
// character, or carries a lead note.
func plausibleBracket(rs []rune, a, b int) bool {
	for a < b && rs[a] == ' ' {
		a++
	}
	for b > a && rs[b-1] == ' ' {
		b--
	}
	if a >= b {
		return false
	}
	for _, l := range unitLabels {
		if hasRunesAt(rs, a, l.label) {
			return true
		}
	}
	for _, markers := range [][]string{leadMarkers, respMarkers, {"下同", "牵头单位", "牵头部门"}} {
		for _, m := range markers {
			if n := utf8.RuneCountInString(m); b-n >= a && hasRunesAt(rs, b-n, m) {
				return true
			}
		}
	}
	return endsWithOrg(string(rs[b-1]))
}

// parseUnitContent reads the inside of a bracket. A note that the first
// listed unit leads (列第一位者为牵头单位,下同) is dropped; the units beside
// it still count.
func parseUnitContent(c []rune) (lead, resp []string, due string, ok bool) {
	s := strings.TrimSpace(string(c))
	if s == "" || strings.ContainsAny(s, "。《\n") {
		return nil, nil, "", false
	}
	s, note := dropLeadNote(s)
	if lead, resp, due, ok = parseLabelledUnits(s); ok {
		return lead, resp, due, true
	}
	if lead, resp, ok = parseMarkedUnits(s); ok {
		return lead, resp, "", true
	}
	if note {
		lead, resp, ok = parseBareUnits(s)
		return lead, resp, "", ok || s == ""
	}
	return nil, nil, "", false
}

// dropLeadNote removes clauses that say the first listed unit leads:
// 列第一位者为牵头单位 / 排在首位的为牵头单位 / 下同.
func dropLeadNote(s string) (string, bool) {
	if !strings.Contains(s, "牵头") && !strings.Contains(s, "下同") {
		return s, false
	}
	var keep []string
	note := false
	for _, c := range splitTopLevel(s, ",;") {
		t := strings.TrimSpace(c)
		isNote := t == "下同" || (strings.Contains(t, "牵头") && containsAny(t, []string{"第一", "首位", "首个", "排首", "排前", "前列"}))
		if isNote {
			note = true
			continue
		}
		keep = append(keep, c)
	}
	if !note {
		return s, false
	}
	return strings.TrimSpace(strings.Join(keep, ",")), true
}

// parseBareUnits reads a bracket that holds only unit names, (A、B、C): the
// first listed leads. Every name must look like an organisation.
func parseBareUnits(s string) (lead, resp []string, ok bool) {
	if strings.ContainsAny(s, "0123456789%:") || strings.Contains(s, "简称") || strings.Contains(s, "下称") {
		return nil, nil, false
	}
	units := splitUnits(s)
	if len(units) == 0 || len(units) > 30 {
		return nil, nil, false
	}
	for _, u := range units {
		u = strings.TrimSuffix(strings.TrimSuffix(u, "(牵头)"), "牵头")
		if runeLen(u) < 2 || runeLen(u) > 30 || !(endsWithOrg(u) || strings.HasPrefix(u, "各") || hasAnySuffix(u, areaWords) || hasAnySuffix(u, []string{"开发区", "园区", "集团", "公司"})) {
			return nil, nil, false
		}
	}
	lead, rest := markedLeads(units)
	if len(lead) == 0 {
		lead, rest = units[:1], units[1:]
	}
	return dedupe(lead), dedupe(rest), true
}

// markedLeads picks the names written with 牵头 inside a list,
// A(牵头)、B or A牵头、B, as leads.
func markedLeads(units []string) (lead, rest []string) {
	for _, u := range units {
		switch {
		case strings.HasSuffix(u, "(牵头)") && runeLen(u) > 4:
			lead = append(lead, strings.TrimSuffix(u, "(牵头)"))
		case strings.HasSuffix(u, "牵头") && runeLen(u) > 3:
			lead = append(lead, strings.TrimSuffix(u, "牵头"))
		default:
			rest = append(rest, u)
		}
	}
	return lead, rest
}

// parseLabelledUnits reads 牵头单位:A,责任单位:B、C;完成时限:2015年底.
func parseLabelledUnits(s string) (lead, resp []string, due string, ok bool) {
	rs := []rune(s)
	type seg struct {
		lead, due  bool
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
			segs = append(segs, seg{lead: l.lead, due: l.due, start: j + 1, end: len(rs)})
			i = j
			break
		}
		if len(segs) == 0 {
			return nil, nil, "", false // text before the first label: not a unit bracket
		}
	}
	for _, sg := range segs {
		v := string(rs[sg.start:sg.end])
		if sg.due {
			due = strings.Trim(strings.TrimSpace(v), ",;、 ")
			continue
		}
		units := splitUnits(v)
		l, rest := markedLeads(units)
		if sg.lead {
			lead = append(lead, units...)
		} else {
			lead = append(lead, l...)
			resp = append(resp, rest...)
		}
	}
	if len(lead)+len(resp) == 0 && due == "" {
		return nil, nil, "", false
	}
	lead, resp = dedupe(lead), dedupe(resp)
	return lead, removeAll(resp, lead), due, true
}

// parseMarkedUnits reads (A、B、C等负责), (A牵头,B、C配合) and (A、B牵头负责).
// With only 负责, the first named unit leads and the rest are responsible;
// 牵头负责 makes every named unit a lead.
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
		for _, m := range []string{"牵头负责", "共同牵头", "牵头"} {
			if role == "" && strings.HasSuffix(clause, m) {
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
		marked, rest := markedLeads(units)
		lead = append(lead, marked...)
		switch role {
		case "lead":
			lead = append(lead, rest...)
		case "resp":
			resp = append(resp, rest...)
		default:
			if len(marked) > 0 {
				resp = append(resp, rest...)
			} else {
				plain = append(plain, rest)
			}
		}
	}
	for _, units := range plain {
		if len(lead) == 0 && len(units) > 0 {
			lead = append(lead, units[0])
			units = units[1:]
		}
		resp = append(resp, units...)
	}
	if len(lead)+len(resp) == 0 {
		return nil, nil, false
	}
	lead, resp = dedupe(lead), dedupe(resp)
	return lead, removeAll(resp, lead), true
}

// removeAll drops from xs the names in drop: a lead is not also responsible.
func removeAll(xs, drop []string) []string {
	out := xs[:0:0]
	for _, x := range xs {
		if !slices.Contains(drop, x) {
			out = append(out, x)
		}
	}
	return out
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
