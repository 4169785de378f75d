package planparse

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

var (
	reBook = regexp.MustCompile(`《([^《》\n]{4,120}?)》`)
	// 发布时间:2014年06月17日
	reLabeledDate = regexp.MustCompile(`(?:发布时间|发布日期|成文日期|印发日期|发文日期)\s*:\s*(\d{4})\s*[年./-]\s*(\d{1,2})\s*[月./-]\s*(\d{1,2})`)
	reIssuedBy    = regexp.MustCompile(`发布部门\s*:\s*(\p{Han}{2,30})`)
	reYearRange   = regexp.MustCompile(`(\d{4})\s*[-~—–至到]\s*(\d{4})\s*年`)
	reYear        = regexp.MustCompile(`(\d{4})\s*年`)
	reDateLine    = regexp.MustCompile(`^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$`)
	// Document kinds that name a plan.
	planSuffixes = []string{"方案", "规划", "计划", "意见", "办法", "纲要", "要点", "措施", "细则", "行动", "清单", "分解表", "分工表", "任务表"}
	orgSuffixes  = []string{"政府", "办公室", "办公厅", "委员会", "局", "厅", "委", "办", "部", "中心"}
	// Organs that sign a plan; the signature is such a name and a date.
	signerSuffixes = []string{"人民政府办公室", "人民政府办公厅", "人民政府", "委员会", "办公室", "办公厅", "政府"}
	noticeVerbs    = []string{"印发", "转发", "颁布", "发布"}
	noticeKinds    = []string{"的通知", "的通告", "的公告", "的决定"}
)

type header struct {
	title, issuer, date  string
	horizon, horizonFrom int
}

func parseHeader(rs []rune) header {
	var h header
	// Only the head of the document is read here (the signature has its
	// own scan); converting the whole text to a string cost a tenth of Parse.
	head := string(rs[:min(len(rs), 3000)])
	first := strings.TrimSpace(strings.SplitN(head, "\n", 2)[0])

	if issuer, title, ok := noticeLine(first); ok {
		h.title = title
		if hasAnySuffix(issuer, orgSuffixes) {
			h.issuer = issuer
		}
	}
	if h.title == "" {
		for _, m := range reBook.FindAllStringSubmatch(head, -1) {
			if t := strings.TrimSpace(m[1]); namesPlan(t) {
				h.title = t
				break
			}
		}
	}
	if h.title == "" && first != "" && len([]rune(first)) <= 80 && !strings.ContainsAny(first, "。;") && namesPlan(first) {
		h.title = first
	}

	if strings.Contains(head, "日期") || strings.Contains(head, "时间") {
		if m := reLabeledDate.FindStringSubmatch(head); m != nil {
			h.date = ymd(m[1], m[2], m[3])
		}
	}
	if iss, date := signature(rs); iss != "" {
		if h.issuer == "" {
			h.issuer = iss
		}
		if h.date == "" {
			h.date = date
		}
	}
	if h.issuer == "" && strings.Contains(head, "发布部门") {
		if m := reIssuedBy.FindStringSubmatch(head); m != nil && hasAnySuffix(m[1], orgSuffixes) {
			h.issuer = m[1]
		}
	}

	if m := reYearRange.FindStringSubmatch(h.title); m != nil {
		h.horizon, _ = strconv.Atoi(m[2])
		if from, _ := strconv.Atoi(m[1]); plausibleYear(from) && from < h.horizon {
			h.horizonFrom = from
		}
	} else if m := reYear.FindStringSubmatch(h.title); m != nil {
		h.horizon, _ = strconv.Atoi(m[1])
	}
	if !plausibleYear(h.horizon) {
		h.horizon = latestToYear(rs)
	}
	return h
}

// noticeLine splits "江门市人民政府关于印发X的通知" into issuer and title.
func noticeLine(line string) (issuer, title string, ok bool) {
	i := strings.Index(line, "关于")
	if i < 0 || utf8.RuneCountInString(line[:i]) > 40 {
		return "", "", false
	}
	rest := line[i+len("关于"):]
	verb := false
	for _, v := range noticeVerbs {
		if strings.HasPrefix(rest, v) {
			rest, verb = rest[len(v):], true
			break
		}
	}
	if !verb {
		return "", "", false
	}
	end := -1
	for _, k := range noticeKinds {
		if j := strings.Index(rest, k); j > 0 && (end < 0 || j < end) {
			end = j
		}
	}
	if end < 0 {
		return "", "", false
	}
	return strings.TrimSpace(line[:i]), strings.Trim(rest[:end], "《》 "), true
}

// signature finds the first date preceded by the name of a signing organ
// (江门市人民政府2014年6月17日) and returns both.
func signature(rs []rune) (issuer, date string) {
	for i := 0; i+4 < len(rs); i++ {
		if !isDigit(rs[i]) || (i > 0 && isDigit(rs[i-1])) {
			continue
		}
		d, ok := dateAt(rs, i)
		if !ok {
			continue
		}
		j := i
		for j > 0 && isSpaceRune(rs[j-1]) {
			j--
		}
		start := j
		for start > 0 && j-start < 40 && unicode.Is(unicode.Han, rs[start-1]) {
			start--
		}
		name := string(rs[start:j])
		if j-start < 3 || !hasAnySuffix(name, signerSuffixes) {
			continue
		}
		for _, p := range []string{"特此通知", "特此公告", "特此通告", "此复", "此函"} {
			if k := strings.LastIndex(name, p); k >= 0 {
				name = name[k+len(p):]
			}
		}
		if name != "" {
			return name, d
		}
	}
	return "", ""
}

// dateAt reads 2014年6月17日 at rs[i:].
func dateAt(rs []rune, i int) (string, bool) {
	var parts [3]string
	for n, sep := range []rune{'年', '月', '日'} {
		j := i
		for j < len(rs) && isDigit(rs[j]) && j-i < 4 {
			j++
		}
		if j == i || (n == 0 && j-i != 4) || (n > 0 && j-i > 2) || j >= len(rs) || rs[j] != sep {
			return "", false
		}
		parts[n] = string(rs[i:j])
		i = j + 1
	}
	d := ymd(parts[0], parts[1], parts[2])
	return d, d != ""
}

// latestToYear returns the latest year in 到2020年 / 至2020年, or 0.
func latestToYear(rs []rune) int {
	best := 0
	for i := 0; i+5 < len(rs); i++ {
		if (rs[i] != '到' && rs[i] != '至') || !isDigit(rs[i+1]) {
			continue
		}
		if isDigit(rs[i+2]) && isDigit(rs[i+3]) && isDigit(rs[i+4]) && rs[i+5] == '年' {
			if y, _ := strconv.Atoi(string(rs[i+1 : i+5])); plausibleYear(y) && y > best {
				best = y
			}
		}
	}
	return best
}

func namesPlan(s string) bool {
	t := strings.TrimSpace(s)
	if i := strings.LastIndex(t, "("); i > 0 && strings.HasSuffix(t, ")") {
		t = t[:i] // 方案(2014-2015年)
	}
	return hasAnySuffix(t, planSuffixes)
}

func hasAnySuffix(s string, suffixes []string) bool {
	for _, x := range suffixes {
		if strings.HasSuffix(s, x) {
			return true
		}
	}
	return false
}

func ymd(y, m, d string) string {
	yi, _ := strconv.Atoi(y)
	mi, _ := strconv.Atoi(m)
	di, _ := strconv.Atoi(d)
	if !plausibleYear(yi) || mi < 1 || mi > 12 || di < 1 || di > 31 {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", yi, mi, di)
}

func plausibleYear(y int) bool { return y >= 1949 && y <= 2100 }
