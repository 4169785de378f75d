package planparse

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

var (
	// 江门市人民政府关于印发X的通知
	reNotice = regexp.MustCompile(`^(.{0,40}?)关于(?:印发|转发|颁布|发布)(.+?)的(?:通知|通告|公告|决定)`)
	reBook   = regexp.MustCompile(`《([^《》\n]{4,120}?)》`)
	// 发布时间:2014年06月17日
	reLabeledDate = regexp.MustCompile(`(?:发布时间|发布日期|成文日期|印发日期|发文日期)\s*:\s*(\d{4})\s*[年./-]\s*(\d{1,2})\s*[月./-]\s*(\d{1,2})`)
	// 江门市人民政府2014年6月17日 (the signature)
	reSignature = regexp.MustCompile(`(\p{Han}{2,30}?(?:人民政府办公室|人民政府办公厅|人民政府|委员会|办公室|办公厅|政府))\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日`)
	reIssuedBy  = regexp.MustCompile(`发布部门\s*:\s*(\p{Han}{2,30})`)
	reYearRange = regexp.MustCompile(`(\d{4})\s*[-~—–至到]\s*(\d{4})\s*年`)
	reYear      = regexp.MustCompile(`(\d{4})\s*年`)
	reToYear    = regexp.MustCompile(`(?:到|至)(\d{4})\s*年`)
	reDateLine  = regexp.MustCompile(`^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$`)
	// Document kinds that name a plan.
	planSuffixes = []string{"方案", "规划", "计划", "意见", "办法", "纲要", "要点", "措施", "细则", "行动"}
	orgSuffixes  = []string{"政府", "办公室", "办公厅", "委员会", "局", "厅", "委", "办", "部", "中心"}
)

type header struct {
	title, issuer, date string
	horizon             int
}

func parseHeader(rs []rune) header {
	var h header
	text := string(rs)
	first := strings.TrimSpace(strings.SplitN(text, "\n", 2)[0])
	head := prefixRunes(text, 3000)

	if m := reNotice.FindStringSubmatch(first); m != nil {
		h.title = strings.Trim(m[2], "《》 ")
		if iss := strings.TrimSpace(m[1]); iss != "" && hasAnySuffix(iss, orgSuffixes) {
			h.issuer = iss
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

	if m := reLabeledDate.FindStringSubmatch(head); m != nil {
		h.date = ymd(m[1], m[2], m[3])
	}
	if m := reSignature.FindStringSubmatch(text); m != nil {
		if h.issuer == "" {
			iss := m[1]
			for _, p := range []string{"特此通知", "特此公告", "特此通告", "此复", "此函"} {
				if i := strings.LastIndex(iss, p); i >= 0 {
					iss = iss[i+len(p):]
				}
			}
			h.issuer = iss
		}
		if h.date == "" {
			h.date = ymd(m[2], m[3], m[4])
		}
	}
	if h.issuer == "" {
		if m := reIssuedBy.FindStringSubmatch(head); m != nil && hasAnySuffix(m[1], orgSuffixes) {
			h.issuer = m[1]
		}
	}

	if m := reYearRange.FindStringSubmatch(h.title); m != nil {
		h.horizon, _ = strconv.Atoi(m[2])
	} else if m := reYear.FindStringSubmatch(h.title); m != nil {
		h.horizon, _ = strconv.Atoi(m[1])
	}
	if !plausibleYear(h.horizon) {
		h.horizon = 0
		for _, m := range reToYear.FindAllStringSubmatch(text, -1) {
			if y, _ := strconv.Atoi(m[1]); plausibleYear(y) && y > h.horizon {
				h.horizon = y
			}
		}
	}
	return h
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

func prefixRunes(s string, n int) string {
	i := 0
	for pos := range s {
		if i == n {
			return s[:pos]
		}
		i++
	}
	return s
}
