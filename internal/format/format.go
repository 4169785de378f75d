// Package format is how every page, print view, Excel export, notification
// and 催办 text writes numbers, percentages, target operators, dates and
// measure citations, so that the same thing reads the same everywhere.
// Period labels need the reader's language and live with the catalog
// (i18n.PeriodLabel).
package format

import (
	"math"
	"strconv"
	"strings"
	"time"

	"duban/internal/clock"
)

// Num writes a reported or target value without needless decimals: 93,
// 88.5, 1.25.
func Num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// NumPtr is Num of an optional value ("" when nil).
func NumPtr(v *float64) string {
	if v == nil {
		return ""
	}
	return Num(*v)
}

// Pct writes a percentage without decimals ("67%"), halves rounded up.
func Pct(f float64) string { return strconv.FormatFloat(math.Round(f), 'f', 0, 64) + "%" }

// Op writes a target operator as people write it: ≥, ≤, ≈.
func Op(op string) string {
	switch op {
	case ">=":
		return "≥"
	case "<=":
		return "≤"
	case "~":
		return "≈"
	}
	return op
}

// Goal writes a target's operator, value and unit: 「≥ 93%」.
func Goal(op string, value float64, unit string) string {
	return strings.TrimSpace(Op(op) + " " + Num(value) + unit)
}

// Target writes a target with its indicator: 「学前三年毛入园率 ≥ 93%」.
func Target(indicator, op string, value float64, unit string) string {
	return strings.TrimSpace(indicator + " " + Goal(op, value, unit))
}

// Date writes a calendar day in the portal's zone: 2015-04-03 ("" for
// the zero time).
func Date(t time.Time) string { return clock.DayText(t) }

// DatePtr is Date of an optional day ("" when nil).
func DatePtr(t *time.Time) string {
	if t == nil {
		return ""
	}
	return Date(*t)
}

// DateTime writes an instant in the portal's zone to the minute.
func DateTime(t time.Time) string { return clock.MinuteText(t) }

// DateTimePtr is DateTime of an optional instant ("" when nil).
func DateTimePtr(t *time.Time) string {
	if t == nil {
		return ""
	}
	return DateTime(*t)
}

// Citation is how a measure is cited: its domain's label and its own
// number without the trailing 「.」, 「．」 or 「、」 — (一)3, or 二(一)3 where
// (一) restarts in each part (the importer gives such domains the part
// prefix). A bare 「3.」 is ambiguous across domains.
func Citation(domainLabel, measureLabel string) string {
	return strings.TrimSpace(domainLabel) + strings.TrimRight(strings.TrimSpace(measureLabel), ".．、 ")
}

// MeasureName is a measure's citation and title: 「(一)3 推进义务教育均衡发展」.
func MeasureName(domainLabel, measureLabel, title string) string {
	return strings.TrimSpace(Citation(domainLabel, measureLabel) + " " + title)
}
