package planparse

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// unitClass groups units by how a number with that unit may be a target.
type unitClass int

const (
	classShare   unitClass = iota // %, ‰: also "90%以上的乡镇…"
	classRate                     // /10万
	classCount                    // 万人, 名, 个: also "建立20个基地"
	classMoney                    // 元, 万元
	classMeasure                  // 岁, 平方米, 倍: only with a comparison
	classTime                     // 年, 分钟: never a target value
)

var unitTable = []struct {
	s string
	c unitClass
}{
	{"%", classShare}, {"‰", classShare}, {"个百分点", classShare}, {"百分点", classShare},
	{"亿元", classMoney}, {"万元", classMoney}, {"千元", classMoney}, {"元", classMoney},
	{"万人次", classCount}, {"人次", classCount}, {"万人", classCount}, {"万户", classCount},
	{"万套", classCount}, {"万名", classCount}, {"万间", classCount}, {"万个", classCount},
	{"人", classCount}, {"名", classCount}, {"个", classCount}, {"所", classCount},
	{"家", classCount}, {"户", classCount}, {"套", classCount}, {"间", classCount},
	{"次", classCount}, {"场", classCount}, {"册", classCount}, {"项", classCount},
	{"座", classCount}, {"处", classCount}, {"条", classCount}, {"批", classCount},
	{"支", classCount}, {"台", classCount}, {"标台", classCount}, {"辆", classCount},
	{"张", classCount}, {"张床位", classCount}, {"床", classCount}, {"位", classCount},
	{"件", classCount}, {"宗", classCount}, {"期", classCount},
	{"周岁", classMeasure}, {"岁", classMeasure}, {"平方米", classMeasure}, {"万平方米", classMeasure},
	{"平方公里", classMeasure}, {"㎡", classMeasure}, {"公顷", classMeasure}, {"万亩", classMeasure},
	{"亩", classMeasure}, {"公里", classMeasure}, {"千米", classMeasure}, {"米", classMeasure},
	{"万吨", classMeasure}, {"吨", classMeasure}, {"倍", classMeasure}, {"千瓦", classMeasure},
	{"兆瓦", classMeasure}, {"万立方米", classMeasure}, {"立方米", classMeasure}, {"公斤", classMeasure},
	{"千克", classMeasure}, {"度", classMeasure},
	{"分钟", classTime}, {"小时", classTime}, {"个月", classTime}, {"个工作日", classTime},
	{"工作日", classTime}, {"天", classTime}, {"日", classTime}, {"周", classTime}, {"月", classTime},
	{"年", classTime}, {"季度", classTime}, {"秒", classTime}, {"分", classTime},
}

// unitBlockers lists, per one-character unit, the characters after which it
// is part of a word instead: 121人才 is not 121 people.
var unitBlockers = map[string]string{
	"人": "才口民员群均大工事寿身防社力文", "个": "人体性别", "名": "单称医牌校录额义",
	"家": "庭长政属乡", "所": "有属在得以", "户": "籍口外", "场": "所地馆景",
	"处": "理置罚", "台": "账", "条": "件例", "支": "持出付撑", "项": "目",
	"座": "谈", "次": "数", "套": "餐", "间": "隔", "批": "准次", "期": "间限",
	"位": "于置", "度": "过", "元": "素",
}

// prefixOps are comparison words before a value, longest first where one is
// a suffix of another. An empty op is neutral (在, 为, 占): it ends the
// indicator but implies no comparison.
var prefixOps = []struct {
	s, op string
}{
	{"达到或超过", ">="}, {"不低于", ">="}, {"不少于", ">="}, {"不小于", ">="},
	{"不高于", "<="}, {"不超过", "<="}, {"不大于", "<="}, {"不多于", "<="},
	{"控制在", "<="}, {"控制到", "<="}, {"降低到", "<="}, {"降低至", "<="},
	{"下降到", "<="}, {"下降至", "<="}, {"减少到", "<="}, {"减少至", "<="},
	{"压缩到", "<="}, {"缩短到", "<="}, {"缩小到", "<="},
	{"提高到", ">="}, {"提高至", ">="}, {"提升到", ">="}, {"提升至", ">="},
	{"增加到", ">="}, {"增加至", ">="}, {"增长到", ">="}, {"增长至", ">="},
	{"扩大到", ">="}, {"扩大至", ">="}, {"上升到", ">="}, {"上升至", ">="},
	{"稳定在", ""}, {"保持在", ""}, {"维持在", ""},
	{"达到", ">="}, {"超过", ">"}, {"高于", ">"}, {"大于", ">"}, {"多于", ">"},
	{"低于", "<"}, {"小于", "<"}, {"少于", "<"}, {"降到", "<="}, {"降至", "<="}, {"减至", "<="},
	{"≥", ">="}, {">=", ">="}, {"≤", "<="}, {"<=", "<="}, {"达", ">="}, {">", ">"}, {"<", "<"},
	{"约", "~"}, {"在", ""}, {"为", ""}, {"占", ""}, {"是", ""}, {"=", ""},
}

var suffixOps = []struct {
	s, op string
}{
	{"及以上", ">="}, {"以上", ">="}, {"及以下", "<="}, {"以下", "<="}, {"以内", "<="},
	{"左右", "~"}, {"上下", "~"},
}

// Words trimmed from the ends of an indicator.
var (
	leadingNoise = []string{"一是", "二是", "三是", "四是", "五是", "六是", "七是", "八是", "九是", "十是",
		"其中", "同时", "另外", "此外", "并且", "而且", "以及", "力争", "争取", "确保", "努力", "按照", "达到"}
	trailingNoise = []string{"分别", "进一步", "稳步", "逐步", "统一", "力争", "必须", "总体", "全部",
		"普遍", "基本", "实现", "均", "能", "要", "将", "可", "也", "都", "已", "需", "应", "到", "至", "在", "达"}
	// A bare physical quantity is a target only after one of these:
	// 建成高标准农田15万亩, but not 规划用地面积40公顷.
	completionVerbs = []string{"建成", "新建", "完成", "新增", "累计", "改造", "治理", "造林", "修复", "整治", "种植", "铺设", "新改建"}
	cutWords        = []string{"实现", "确保", "力争", "争取", "使得"}
	areaHeads       = []string{"中心城区", "城镇", "农村", "城市", "乡镇", "街道", "社区", "城区", "镇", "街", "村", "居", "市", "县", "区", "省"}
)

const (
	clauseBreaks = ",;。:!?\n" // sentence breaks are 。!? and line ends
	maxQualifier = 15         // runes between a comparison word and its value
	maxAfter     = 40         // runes of noun phrase after a leading value
	maxBefore    = 120        // runes of indicator before a value
)

// valueCand is a number with a unit in the measure text.
type valueCand struct {
	vs, ve, ue, se int // value start/end, unit end, suffix-op end
	value          float64
	unit           string
	class          unitClass
	suffixOp       string
	skip           bool
	low            float64 // the low end of a range (80%—90%, 5至8个)
	isRange        bool
	cn             bool // written in Chinese numerals (两所)
}

// found is an accepted target with what later values may inherit.
type found struct {
	t            Target
	base         string
	prefixOp     string
	fenbie       bool // 分别: values share the indicator
	clause, sent int
	consumedEnd  int
	group        int
	hasQual      bool
}

// extractTargets finds quantified targets in rs[start:end].
func extractTargets(rs []rune, start, end int, masked []bool, horizon int) []Target {
	cands := scanValues(rs, start, end, masked)
	if len(cands) == 0 {
		return []Target{}
	}
	clause := make([]int, end-start+1)
	sent := make([]int, end-start+1)
	for i := start; i < end; i++ {
		clause[i-start+1], sent[i-start+1] = clause[i-start], sent[i-start]
		switch rs[i] {
		case '。', '!', '?', '\n':
			sent[i-start+1]++
			clause[i-start+1]++
		case ',', ';', ':':
			clause[i-start+1]++
		}
	}
	clauseOf := func(i int) int { return clause[i-start] }
	sentOf := func(i int) int { return sent[i-start] }
	// lastValue[c]: the start of the last value in clause c.
	lastValue := make(map[int]int)
	for _, c := range cands {
		if !c.skip {
			lastValue[clauseOf(c.vs)] = c.vs
		}
	}
	laterInClause := func(pos int) bool {
		v, ok := lastValue[clauseOf(pos)]
		return ok && v > pos
	}
	years := yearMarkers(rs, start, end, masked, sentOf)

	var out []*found
	groups := 0
	for _, c := range cands {
		if c.skip {
			continue
		}
		// What follows the value: the end of a clause, or a noun phrase
		// that the value quantifies (90%以上的乡镇…).
		f := c.se
		for f < end && rs[f] == ' ' {
			f++
		}
		followsEnd := f >= end || strings.ContainsRune(clauseBreaks+")〕”", rs[f]) ||
			(strings.ContainsRune("、和及与或", rs[f]) && laterInClause(f))

		// The segment before the value, back to the clause start, an
		// unmatched opening bracket, or the previous target of the clause.
		seg := c.vs
		for seg > start && seg > c.vs-maxBefore && !strings.ContainsRune(clauseBreaks, rs[seg-1]) {
			seg--
		}
		var prev *found
		if n := len(out); n > 0 {
			prev = out[n-1]
		}
		prevInClause := prev != nil && prev.clause == clauseOf(c.vs)
		prevInSent := prev != nil && prev.sent == sentOf(c.vs)
		if prevInClause && prev.consumedEnd > seg {
			seg = min(prev.consumedEnd, c.vs)
		}
		seg = afterUnmatchedOpener(rs, seg, c.vs)

		prefixOp, opStart, qual, hasOp := findPrefixOp(rs, seg, c.vs)
		before := string(rs[seg:opStart])
		if strings.Contains(before, "解决") {
			continue // 解决人均住房建筑面积14㎡以下…: an eligibility line, not a target
		}

		// Accept the value?
		after, afterEnd := "", c.se
		if followsEnd {
			if c.class == classMeasure && !hasOp && c.suffixOp == "" && !containsAny(before, completionVerbs) {
				continue // 规划用地面积40公顷: a description, not a target
			}
		} else {
			if c.class != classShare && c.class != classCount {
				continue // 80岁以上高龄, 500米覆盖率, 2万平方米以上的广场
			}
			a := f
			if rs[a] == '的' {
				a++
			}
			b := a
			depth := 0
			for b < end && b-a < maxAfter {
				r := rs[b]
				if strings.ContainsRune(clauseBreaks+"〕", r) || isDigit(r) ||
					(r == ')' && depth == 0) ||
					(strings.ContainsRune("、和及与", r) && laterInClause(b)) {
					break
				}
				if r == '(' {
					depth++
				} else if r == ')' {
					depth--
				}
				b++
			}
			afterEnd = b
			if c.cn && b < end && isDigit(rs[b]) {
				// 建设一所规划用地面积40公顷,总建筑面积…的体育中心: the
				// numbers describe the facility; the target is its head noun.
				h, e, ok := headNoun(rs, a, end)
				if !ok {
					continue
				}
				a, afterEnd = h, e
			}
			after = trimAfter(string(rs[a:afterEnd]))
		}

		ba, bb, fenbie := trimIndicator(rs, seg, opStart)
		base := string(rs[ba:bb])
		if m := reFromValue.FindStringIndex(base); m != nil && m[0] > 0 {
			base = base[:m[0]] // 比例由60%提高到…: the indicator is 比例
		}
		t := &found{
			prefixOp:    prefixOp,
			fenbie:      fenbie,
			clause:      clauseOf(c.vs),
			sent:        sentOf(c.vs),
			consumedEnd: afterEnd,
			group:       -1,
		}
		switch {
		case base == "" && after == "" && (prevInClause || prevInSent):
			// 分别达到100%、90% / 30万元和20万元: the indicator carries over.
			t.fenbie = prev.fenbie || fenbie
			base = prev.base
			if !hasOp {
				t.prefixOp = prev.prefixOp
			}
			if prevInClause && prev.fenbie && !prev.hasQual && qual == "" {
				if prev.group < 0 {
					prev.group = groups
					groups++
				}
				t.group = prev.group
			}
		case !hasOp && prevInClause && prev.fenbie && after == "" && base != "":
			// 分别提高到当地职工平均工资的8倍左右和当地居民…的8倍左右
			qual = strings.TrimSuffix(base, "的")
			base = prev.base
			t.prefixOp = prev.prefixOp
			t.fenbie = true
		case base == "" && after != "" && prevInClause && c.cn && prev.base != "":
			// 行政村建有一个篮球场、两张以上室外乒乓球台
			base = prev.base
		case prevInSent && after == "" && isAreaWord(base) && prev.base != "":
			// 提高到城镇500元,农村不低于350元
			qual = base
			base = prev.base
		}
		t.base = base
		t.hasQual = qual != ""
		indicator := base
		switch {
		case qual != "" && base == "":
			indicator = qual + after
		case qual != "":
			indicator = base + "(" + qual + ")" + after
		default:
			indicator += after
		}
		if indicator == "" {
			continue
		}
		textStart := c.vs
		switch {
		case bb > ba:
			textStart = ba
		case hasOp:
			textStart = opStart
		}
		textEnd := afterEnd
		for textEnd > c.se && strings.ContainsRune(" 、和及与的", rs[textEnd-1]) {
			textEnd--
		}
		if strings.HasSuffix(string(rs[c.se:textEnd]), "的目标") {
			textEnd -= 3
		}
		t.t = Target{
			Text:      string(rs[textStart:textEnd]),
			Indicator: indicator,
			Op:        resolveOp(t.prefixOp, c.suffixOp, c.value, c.unit),
			Value:     c.value,
			Unit:      c.unit,
			Year:      yearFor(years, c.vs, sentOf(c.vs), horizon),
		}
		if c.isRange {
			// A range is two targets on one indicator: at least its low
			// end, at most its high end.
			lo := *t
			lo.t.Op, lo.t.Value = ">=", c.low
			t.t.Op = "<="
			out = append(out, &lo)
		}
		out = append(out, t)
	}
	splitGroups(out)
	targets := make([]Target, 0, len(out))
	for _, t := range out {
		targets = append(targets, t.t)
	}
	return targets
}

// scanValues finds numbers followed by a unit in rs[start:end]. Years,
// durations, ordinals (第3), codes (4G) and numbers in 《》 are left out.
func scanValues(rs []rune, start, end int, masked []bool) []valueCand {
	var out []valueCand
	for i := start; i < end; i++ {
		if !isDigit(rs[i]) {
			continue
		}
		j := i
		for j < end && isDigit(rs[j]) {
			j++
		}
		if j+1 < end && rs[j] == '.' && isDigit(rs[j+1]) {
			j += 2
			for j < end && isDigit(rs[j]) {
				j++
			}
		}
		vs, ve := i, j
		i = j - 1
		if masked[vs] || (vs > start && (isASCIILetter(rs[vs-1]) || rs[vs-1] == '.' || rs[vs-1] == '/' ||
			strings.ContainsRune("第从由", rs[vs-1]))) || (ve < end && isASCIILetter(rs[ve])) {
			continue
		}
		value, err := strconv.ParseFloat(string(rs[vs:ve]), 64)
		if err != nil {
			continue
		}
		k := ve
		for k < end && rs[k] == ' ' {
			k++
		}
		unit, class, ue := matchUnit(rs, k, end)
		if unit == "" || class == classTime {
			continue
		}
		c := valueCand{vs: vs, ve: ve, ue: ue, se: ue, value: value, unit: unit, class: class}
		s := ue
		for s < end && rs[s] == ' ' {
			s++
		}
		for _, op := range suffixOps {
			if hasRunesAt(rs, s, op.s) && s+utf8.RuneCountInString(op.s) <= end {
				c.suffixOp, c.se = op.op, s+utf8.RuneCountInString(op.s)
				break
			}
		}
		// The low end of a range (80%—90%) is read with its high end.
		if c.se+1 < end && strings.ContainsRune(rangeSeps, rs[c.se]) && isDigit(rs[c.se+1]) {
			c.skip = true
		}
		if low, ls, ok := rangeLow(rs, start, vs, unit); ok && !masked[ls] {
			c.low, c.isRange, c.vs = low, true, ls
			for len(out) > 0 && out[len(out)-1].vs >= ls {
				out = out[:len(out)-1]
			}
		}
		out = append(out, c)
	}
	if cn := scanCNValues(rs, start, end, masked); len(cn) > 0 {
		out = append(out, cn...)
		sort.SliceStable(out, func(a, b int) bool { return out[a].vs < out[b].vs })
	}
	return out
}

// headNoun finds the noun a value in Chinese numerals counts when a
// description with numbers comes between them: the phrase after the last 的
// before the clause ends (;。!? or a line end), at most 2×maxAfter runes on.
// It returns the phrase's start and end.
func headNoun(rs []rune, a, end int) (int, int, bool) {
	e := a
	for e < end && e-a < 2*maxAfter && !strings.ContainsRune(";。!?\n〕", rs[e]) {
		e++
	}
	if e-a >= 2*maxAfter {
		return 0, 0, false
	}
	h := -1
	for q := e - 1; q >= a; q-- {
		if rs[q] == '的' {
			h = q + 1
			break
		}
	}
	if h < 0 || h == e {
		return 0, 0, false
	}
	for q := h; q < e; q++ {
		if isDigit(rs[q]) || strings.ContainsRune(",、", rs[q]) {
			return 0, 0, false
		}
	}
	return h, e, true
}

// reFromValue is a starting value before 提高到/降低到: 由60%.
var reFromValue = regexp.MustCompile(`由\d+(?:\.\d+)?[%‰]?$`)

// rangeSeps join the two ends of a range.
const rangeSeps = "-~—–至到"

// rangeLow reads the low end before a range's high value at vs: 80% in
// 80%—90%, 5 in 5至8个, 80亿 in 80亿—100亿元. It returns the value and
// where it starts.
func rangeLow(rs []rune, start, vs int, unit string) (float64, int, bool) {
	p := vs
	for p > start && rs[p-1] == ' ' {
		p--
	}
	if p-1 <= start || !strings.ContainsRune(rangeSeps, rs[p-1]) {
		return 0, 0, false
	}
	q := p - 1
	for q > start && rs[q-1] == ' ' {
		q--
	}
	// The low end may repeat the unit or its first characters (80亿).
	ur := []rune(unit)
	for k := len(ur); k >= 1; k-- {
		if q-k >= start && string(rs[q-k:q]) == string(ur[:k]) {
			q -= k
			break
		}
	}
	e := q
	for q > start && (isDigit(rs[q-1]) || rs[q-1] == '.') {
		q--
	}
	if q == e || rs[q] == '.' || (q > start && (isASCIILetter(rs[q-1]) || rs[q-1] == '/')) {
		return 0, 0, false
	}
	v, err := strconv.ParseFloat(string(rs[q:e]), 64)
	if err != nil {
		return 0, 0, false
	}
	return v, q, true
}

// cnVerbs are the words after which a value in Chinese numerals is a
// target: 新建两所学校, 建成一个中心. Elsewhere (一是, 一批, 一次性) such
// numerals are ordinary words.
var cnVerbs = []string{"新建", "建成", "建设", "建立", "建有", "配备", "新增", "培育", "打造", "创建", "设立", "组建", "增加", "达到", "完成", "改造", "引进", "扶持", "认定", "开通", "开设", "举办", "不少于", "不低于", "超过", "至少"}

// scanCNValues finds values in Chinese numerals with a count or money unit
// right after a verb of cnVerbs: 新建两所, 建成一个, 新增三十万元.
func scanCNValues(rs []rune, start, end int, masked []bool) []valueCand {
	var out []valueCand
	listFrom := -1 // after an accepted value: a list (一个篮球场、两张球台) may go on
	for i := start; i < end; i++ {
		if listFrom >= 0 && strings.ContainsRune(clauseBreaks, rs[i]) {
			listFrom = -1
		}
		if masked[i] || !isCNCount(rs[i]) || (i > start && strings.ContainsRune(cnNumeralRunes, rs[i-1])) {
			continue
		}
		verb := listFrom >= 0 && strings.ContainsRune("、和及与", rs[i-1])
		for _, v := range cnVerbs {
			if n := utf8.RuneCountInString(v); i-n >= start && hasRunesAt(rs, i-n, v) {
				verb = true
				break
			}
		}
		if !verb {
			continue
		}
		value, ve := cnValue(rs, i, end, false)
		unit, class, ue := matchUnit(rs, ve, end)
		if unit == "" {
			value, ve = cnValue(rs, i, end, true)
			unit, class, ue = matchUnit(rs, ve, end)
		}
		if value <= 0 || unit == "" || (class != classCount && class != classMoney) || strings.Contains("次批期项位", unit) {
			continue
		}
		c := valueCand{vs: i, ve: ve, ue: ue, se: ue, value: value, unit: unit, class: class, cn: true}
		for _, op := range suffixOps {
			if hasRunesAt(rs, ue, op.s) && ue+utf8.RuneCountInString(op.s) <= end {
				c.suffixOp, c.se = op.op, ue+utf8.RuneCountInString(op.s)
				break
			}
		}
		out = append(out, c)
		listFrom = c.se
		i = c.se - 1
	}
	return out
}

// isCNCount reports whether r can start a count in Chinese numerals. It is
// a switch, not strings.ContainsRune, because it runs on every rune.
func isCNCount(r rune) bool {
	switch r {
	case '一', '两', '二', '三', '四', '五', '六', '七', '八', '九', '十':
		return true
	}
	return false
}

const cnNumeralRunes = "零〇一两二三四五六七八九十百千万亿"

// cnValue reads a number in Chinese numerals at i (一, 两, 十二, 三十, 一百
// 二十, and with magnitudes 三十万) and returns it and where it ends.
func cnValue(rs []rune, i, end int, magnitudes bool) (float64, int) {
	total, section, digit := 0.0, 0.0, -1.0
	j := i
	for ; j < end && j-i < 10; j++ {
		r := rs[j]
		switch {
		case r == '两':
			digit = 2
		case cnDigit(r) >= 0 && cnDigit(r) < 10:
			digit = float64(cnDigit(r))
		case r == '十' || r == '百' || r == '千':
			m := map[rune]float64{'十': 10, '百': 100, '千': 1000}[r]
			if digit < 0 {
				digit = 1
			}
			section += digit * m
			digit = -1
		case magnitudes && (r == '万' || r == '亿'):
			m := map[rune]float64{'万': 1e4, '亿': 1e8}[r]
			if digit > 0 {
				section += digit
			}
			total += section * m
			section, digit = 0, -1
		default:
			goto done
		}
	}
done:
	if digit > 0 {
		section += digit
	}
	return total + section, j
}

// matchUnit returns the longest unit at rs[k:end].
func matchUnit(rs []rune, k, end int) (string, unitClass, int) {
	if k >= end {
		return "", 0, k
	}
	if rs[k] == '/' { // 15/10万
		m := k + 1
		for m < end && isDigit(rs[m]) {
			m++
		}
		if m == k+1 {
			return "", 0, k
		}
		if m < end && strings.ContainsRune("万千百亿", rs[m]) {
			m++
		}
		return string(rs[k:m]), classRate, m
	}
	best, bestClass, bestLen := "", unitClass(0), 0
	for _, u := range unitTable {
		if r0, _ := utf8.DecodeRuneInString(u.s); r0 != rs[k] {
			continue
		}
		n := utf8.RuneCountInString(u.s)
		if n <= bestLen || k+n > end || !hasRunesAt(rs, k, u.s) {
			continue
		}
		if bl, ok := unitBlockers[u.s]; ok && k+n < end && strings.ContainsRune(bl, rs[k+n]) {
			continue
		}
		best, bestClass, bestLen = u.s, u.c, n
	}
	return best, bestClass, k + bestLen
}

// findPrefixOp looks for a comparison word right before the value, or a
// longer one a few runes before it with a qualifier between (不低于当地上年度
// 农村人均纯收入65%). It returns the op, where the word starts, the qualifier
// and whether a word was found.
func findPrefixOp(rs []rune, seg, vs int) (op string, opStart int, qual string, ok bool) {
	p := vs
	for p > seg && rs[p-1] == ' ' {
		p--
	}
	if p <= seg {
		return "", p, "", false
	}
	for _, o := range prefixOps {
		if last, _ := utf8.DecodeLastRuneInString(o.s); last != rs[p-1] {
			continue
		}
		n := utf8.RuneCountInString(o.s)
		if p-n >= seg && hasRunesAt(rs, p-n, o.s) {
			return o.op, p - n, "", true
		}
	}
	for q := p - 1; q > seg && p-q <= maxQualifier; q-- {
		if isDigit(rs[q]) || strings.ContainsRune(clauseBreaks+"、()〔〕", rs[q]) {
			break
		}
		for _, o := range prefixOps {
			if last, _ := utf8.DecodeLastRuneInString(o.s); last != rs[q-1] {
				continue
			}
			n := utf8.RuneCountInString(o.s)
			if n < 2 || o.s[0] < utf8.RuneSelf || o.op == "" || q-n < seg || !hasRunesAt(rs, q-n, o.s) {
				continue
			}
			return o.op, q - n, strings.TrimSuffix(strings.TrimSpace(string(rs[q:p])), "的"), true
		}
	}
	return "", p, "", false
}

// afterUnmatchedOpener moves seg past an opening bracket that is still open
// at vs: in "(100%乡镇有客运站…" the indicator starts inside the bracket.
func afterUnmatchedOpener(rs []rune, seg, vs int) int {
	depth := 0
	for q := vs - 1; q >= seg; q-- {
		switch rs[q] {
		case ')', '〕':
			depth++
		case '(', '〔':
			if depth == 0 {
				return q + 1
			}
			depth--
		}
	}
	return seg
}

// trimIndicator trims time phrases, enumerators and modal words from the
// noun phrase rs[a:b]; fenbie reports a trailing 分别.
func trimIndicator(rs []rune, a, b int) (int, int, bool) {
	fenbie := false
	for changed := true; changed && a < b; {
		changed = false
		for a < b && strings.ContainsRune(" ,;:、和及与且并", rs[a]) && !keepLeading(rs, a, b) {
			a++
			changed = true
		}
		for b > a && strings.ContainsRune(" ,;:、", rs[b-1]) {
			b--
			changed = true
		}
		for _, w := range leadingNoise {
			if n := utf8.RuneCountInString(w); a+n <= b && hasRunesAt(rs, a, w) {
				a += n
				changed = true
				break
			}
		}
		if n := timePhraseLen(rs, a, b); n > 0 {
			a += n
			changed = true
		}
		for _, w := range trailingNoise {
			if n := utf8.RuneCountInString(w); b-n >= a && hasRunesAt(rs, b-n, w) {
				b -= n
				changed = true
				fenbie = fenbie || w == "分别"
				break
			}
		}
		for _, w := range cutWords {
			n := utf8.RuneCountInString(w)
			for q := b - n - 1; q >= a; q-- {
				if hasRunesAt(rs, q, w) {
					a = q + n
					changed = true
					break
				}
			}
		}
	}
	return a, b, fenbie
}

// keepLeading protects words that start with a connective: 和谐, 及时, 并发.
func keepLeading(rs []rune, a, b int) bool {
	if a+1 >= b {
		return false
	}
	switch rs[a] {
	case '和':
		return rs[a+1] == '谐'
	case '及':
		return rs[a+1] == '时' || rs[a+1] == '格'
	case '并':
		return rs[a+1] == '发'
	}
	return false
}

// timePhraseLen returns the length of a leading 到2015年 / 2015年底前 / 2014年.
func timePhraseLen(rs []rune, a, b int) int {
	i := a
	if i < b && strings.ContainsRune("到至在于从", rs[i]) {
		i++
	}
	j := i
	for j < b && isDigit(rs[j]) {
		j++
	}
	if j-i != 4 || j >= b || rs[j] != '年' {
		return 0
	}
	j++
	for _, w := range []string{"底前", "以前", "以后", "开始", "底", "末", "初", "中", "前", "起", "内", "时"} {
		if n := utf8.RuneCountInString(w); j+n <= b && hasRunesAt(rs, j, w) {
			j += n
			break
		}
	}
	return j - a
}

func trimAfter(s string) string {
	s = strings.TrimSpace(s)
	for changed := true; changed; {
		changed = false
		for _, w := range []string{"的目标", "的要求", "目标", "的", "和", "、", "及", "与"} {
			if strings.HasSuffix(s, w) && s != w {
				s = strings.TrimSuffix(s, w)
				changed = true
			}
		}
	}
	return s
}

func isAreaWord(s string) bool {
	if runeLen(s) > 2 || s == "" {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(s)
	return strings.ContainsRune("镇村市区县乡城", r) || s == "社区" || s == "街道"
}

// resolveOp combines the words before and after a value: 左右 wins, a strict
// 超过/低于 wins over 以上/以下, else the suffix, else the prefix, else "=".
// A 100% target is "=" (DESIGN.md: "bare values, 100%").
func resolveOp(prefix, suffix string, value float64, unit string) string {
	op := "="
	switch {
	case suffix == "~":
		op = "~"
	case prefix == ">" || prefix == "<":
		op = prefix
	case suffix != "":
		op = suffix
	case prefix != "":
		op = prefix
	}
	if unit == "%" && value == 100 && op == ">=" {
		op = "="
	}
	return op
}

// yearMark is a year marker (2014年, 到2015年底) in the measure text.
type yearMark struct{ pos, year, sent int }

func yearMarkers(rs []rune, start, end int, masked []bool, sentOf func(int) int) []yearMark {
	var out []yearMark
	for i := start; i+4 < end; i++ {
		if masked[i] || !isDigit(rs[i]) || (i > start && isDigit(rs[i-1])) {
			continue
		}
		if !(isDigit(rs[i+1]) && isDigit(rs[i+2]) && isDigit(rs[i+3]) && rs[i+4] == '年') {
			continue
		}
		if y, _ := strconv.Atoi(string(rs[i : i+4])); plausibleYear(y) {
			out = append(out, yearMark{i, y, sentOf(i)})
		}
	}
	return out
}

// yearFor returns the year marker nearest before the value in its sentence,
// else the first one after it, else the horizon.
func yearFor(years []yearMark, vs, sent, horizon int) int {
	i := sort.Search(len(years), func(i int) bool { return years[i].pos >= vs })
	if i > 0 && years[i-1].sent == sent {
		return years[i-1].year
	}
	if i < len(years) && years[i].sent == sent {
		return years[i].year
	}
	return horizon
}

// splitGroups gives each value of a 分别 list its own indicator when the
// indicator lists as many places as there are values:
// 镇(街)、社区劳动就业服务平台信息网络覆盖分别达到100%、90%.
func splitGroups(out []*found) {
	byGroup := map[int][]*found{}
	for _, t := range out {
		if t.group >= 0 {
			byGroup[t.group] = append(byGroup[t.group], t)
		}
	}
	for _, ts := range byGroup {
		items := splitTopLevel(ts[0].base, "、")
		if len(items) != len(ts) || len(ts) < 2 {
			continue
		}
		last := items[len(items)-1]
		tail := ""
		for _, h := range areaHeads {
			if strings.HasPrefix(last, h) {
				rest := strings.TrimPrefix(last, h)
				if strings.HasPrefix(rest, "(") {
					if i := strings.Index(rest, ")"); i > 0 {
						rest = rest[i+1:]
					}
				}
				tail = rest
				break
			}
		}
		if tail == "" {
			continue
		}
		for i, t := range ts {
			if i < len(items)-1 {
				t.t.Indicator = items[i] + tail
			} else {
				t.t.Indicator = last
			}
		}
	}
}

func containsAny(s string, words []string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}
