package planparse

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Deadline phrases (完成时限). A date needs a word that makes it a limit —
// 前, 以前, 底, 完成, 内 — so that 到2015年 (a target year) is not one.
var (
	reDueYear    = regexp.MustCompile(`(\d{4})\s*年\s*(?:(\d{1,2})\s*月\s*(?:(\d{1,2})\s*日)?|(上半年|下半年|年中|年底|年末|第?[一二三四1-4]季度))?\s*(底|末)?\s*(前|以前|之前|完成|内|止|为止)?`)
	reDueMonth   = regexp.MustCompile(`(\d{1,2})\s*月\s*(?:(\d{1,2})\s*日)?\s*(底|末)?\s*(前|以前|之前|完成|内|止|为止)?`)
	reDueNumeric = regexp.MustCompile(`(\d{4})[-/.](\d{1,2})(?:[-/.](\d{1,2}))?`)
	ongoingWords = []string{"长期坚持", "持续推进", "长期推进", "常态化推进", "长期", "持续", "常态化", "每季度", "每月", "每半年", "每年", "逐年", "按季度", "按月", "按年度", "定期"}
	// In running text only unambiguous ongoing phrases count: 每年举办 is a
	// task done yearly within the plan, not open-ended work.
	ongoingTextWords = []string{"长期坚持", "持续推进", "长期推进", "常态化推进", "每季度"}
)

// dueMatch is a deadline read from a phrase.
type dueMatch struct {
	date    time.Time
	text    string
	ongoing bool
}

// parseDue reads a deadline from a column or bracket value such as
// 2023年6月底前, 2015年底, 2023年12月, 每季度 or 长期坚持. Without a year
// (6月底前) the year is defYear; limit requires a limiting word (前, 底, …).
func parseDue(s string, defYear int, limit bool) []dueMatch {
	var out []dueMatch
	if !limit {
		// 2023-06-30, 2023/6/30, 2023.6: dates as spreadsheets write them.
		for _, m := range reDueNumeric.FindAllStringSubmatch(s, -1) {
			y, _ := strconv.Atoi(m[1])
			mo, _ := strconv.Atoi(m[2])
			day, _ := strconv.Atoi(m[3])
			if !plausibleYear(y) || mo < 1 || mo > 12 {
				continue
			}
			last := time.Date(y, time.Month(mo)+1, 0, 0, 0, 0, 0, time.UTC)
			if day < 1 || day > last.Day() {
				day = last.Day()
			}
			out = append(out, dueMatch{date: time.Date(y, time.Month(mo), day, 0, 0, 0, 0, time.UTC), text: m[0]})
		}
		if len(out) > 0 {
			return out
		}
	}
	add := func(yearS, monS, dayS, partS, text string) {
		year := defYear
		if yearS != "" {
			year, _ = strconv.Atoi(yearS)
		}
		if !plausibleYear(year) {
			return
		}
		month, day := 12, 0
		switch {
		case monS != "":
			month, _ = strconv.Atoi(monS)
			if dayS != "" {
				day, _ = strconv.Atoi(dayS)
			}
		case partS != "":
			month = partMonth(partS)
		}
		if month < 1 || month > 12 {
			return
		}
		last := time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC)
		if day < 1 || day > last.Day() {
			day = last.Day()
		}
		out = append(out, dueMatch{date: time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC), text: strings.TrimSpace(text)})
	}
	sub := func(m []int, i int) string {
		if m[2*i] < 0 {
			return ""
		}
		return s[m[2*i]:m[2*i+1]]
	}
	var years [][]int
	if strings.Contains(s, "年") {
		years = reDueYear.FindAllStringSubmatchIndex(s, -1)
	}
	for _, m := range years {
		if m[0] > 0 && isDigit(rune(s[m[0]-1])) {
			continue // 12015年: not a year
		}
		if limit && sub(m, 5) == "" && sub(m, 6) == "" {
			continue
		}
		add(sub(m, 1), sub(m, 2), sub(m, 3), sub(m, 4), s[m[0]:m[1]])
	}
	if !strings.Contains(s, "月") {
		return out
	}
	// Year-less limits (6月底前) take defYear; a month inside a dated
	// phrase was read above.
	for _, m := range reDueMonth.FindAllStringSubmatchIndex(s, -1) {
		inYear := false
		for _, y := range years {
			if m[0] >= y[0] && m[0] < y[1] {
				inYear = true
			}
		}
		if inYear || (m[0] > 0 && isDigit(rune(s[m[0]-1]))) {
			continue
		}
		if limit && sub(m, 3) == "" && sub(m, 4) == "" {
			continue
		}
		add("", sub(m, 1), sub(m, 2), "", s[m[0]:m[1]])
	}
	return out
}

func partMonth(s string) int {
	switch {
	case s == "上半年" || s == "年中":
		return 6
	case s == "下半年":
		return 12
	case strings.ContainsAny(s, "一1"):
		return 3
	case strings.ContainsAny(s, "二2"):
		return 6
	case strings.ContainsAny(s, "三3"):
		return 9
	}
	return 12
}

// setDeadline gives a measure its deadline: the 完成时限 of its bracket,
// column or line if there is one, else the latest dated limit in its text
// (2015年底前完成), else an ongoing phrase (长期坚持, 每季度). A measure
// without any keeps Due "" and the importer uses the plan's horizon.
func setDeadline(m *Measure, given string, rs []rune, masked []bool, horizon int) {
	defYear := horizon
	if defYear == 0 {
		defYear = time.Now().Year()
	}
	if given = strings.TrimSpace(given); given != "" {
		m.DueText = given
		if ds := parseDue(given, defYear, false); len(ds) > 0 {
			best := ds[0]
			for _, x := range ds[1:] {
				if x.date.After(best.date) {
					best = x
				}
			}
			m.Due = best.date.Format(time.DateOnly)
			return
		}
		m.Ongoing = containsAny(given, ongoingWords)
		if !m.Ongoing {
			m.DueText = "" // a 完成时限 that says nothing readable
		} else {
			return
		}
	}
	// A dated limit needs one of 前底末内止完 (see parseDue) and an ongoing
	// phrase one of 长持常每: most measures have neither, and skipping the
	// regexps for them halves the cost of this step.
	limitWord, ongoingWord := false, false
	for i := m.Start; i < m.End && !(limitWord && ongoingWord); i++ {
		if masked[i] {
			continue
		}
		switch rs[i] {
		case '前', '底', '末', '内', '止':
			limitWord = true
		case '完': // 完成, not 完善
			limitWord = limitWord || (i+1 < m.End && rs[i+1] == '成')
		case '长', '持', '常', '每':
			ongoingWord = true
		}
	}
	if !limitWord && !ongoingWord {
		return
	}
	var b strings.Builder
	b.Grow(3 * (m.End - m.Start))
	for i := m.Start; i < m.End; i++ {
		if masked[i] {
			b.WriteRune(' ')
		} else {
			b.WriteRune(rs[i])
		}
	}
	text := b.String()
	if limitWord {
		if ds := parseDue(text, defYear, true); len(ds) > 0 {
			best := ds[0]
			for _, x := range ds[1:] {
				if x.date.After(best.date) {
					best = x
				}
			}
			m.Due, m.DueText = best.date.Format(time.DateOnly), best.text
			return
		}
	}
	for _, w := range ongoingTextWords {
		if strings.Contains(text, w) {
			m.Ongoing, m.DueText = true, w
			return
		}
	}
}

// FormatDue renders a measure's deadline for people: the date or 持续, with
// the source phrase.
func FormatDue(m Measure) string {
	switch {
	case m.Ongoing:
		return fmt.Sprintf("ongoing (%s)", m.DueText)
	case m.Due != "":
		return fmt.Sprintf("%s (%s)", m.Due, m.DueText)
	}
	return ""
}
