// Package export writes the Excel workbooks of the portal with excelize:
// the 台账 (one row per measure × unit, in the plan's own order, one sheet
// per domain plus a summary) and a measure's report history. Rows are
// written with excelize's StreamWriter so a large plan does not build the
// whole sheet in memory.
//
// Text from users and plans is always written as a string cell, never as a
// formula; text that a spreadsheet would take for a formula when edited
// (starting with = + - @, a tab or a CR) also gets the text number format.
package export

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"duban/internal/clock"
)

// sheetWriter wraps a StreamWriter with the workbook's styles.
type sheetWriter struct {
	sw  *excelize.StreamWriter
	st  *styles
	row int
}

// styles are the cell styles of a workbook.
type styles struct {
	header, text, wrap, textFmt, number, title int
	date, dateTime, total                      int
	light                                      map[string]int
}

func newStyles(f *excelize.File) (*styles, error) {
	s := &styles{light: map[string]int{}}
	border := []excelize.Border{{Type: "bottom", Color: "999999", Style: 1}}
	var err error
	mk := func(st *excelize.Style) int {
		if err != nil {
			return 0
		}
		var id int
		id, err = f.NewStyle(st)
		return id
	}
	s.header = mk(&excelize.Style{Font: &excelize.Font{Bold: true}, Border: border,
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E8EAED"}},
		Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}})
	s.title = mk(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	s.text = mk(&excelize.Style{Alignment: &excelize.Alignment{Vertical: "top"}})
	s.wrap = mk(&excelize.Style{Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}})
	s.textFmt = mk(&excelize.Style{NumFmt: 49, Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}})
	s.number = mk(&excelize.Style{Alignment: &excelize.Alignment{Vertical: "top"}})
	dateFmt, dateTimeFmt := "yyyy-mm-dd", "yyyy-mm-dd hh:mm"
	s.date = mk(&excelize.Style{CustomNumFmt: &dateFmt, Alignment: &excelize.Alignment{Vertical: "top", Horizontal: "left"}})
	s.dateTime = mk(&excelize.Style{CustomNumFmt: &dateTimeFmt, Alignment: &excelize.Alignment{Vertical: "top", Horizontal: "left"}})
	s.total = mk(&excelize.Style{Font: &excelize.Font{Bold: true}, Border: []excelize.Border{{Type: "top", Color: "666666", Style: 1}}})
	for name, colour := range map[string]string{"red": "F4C7C3", "yellow": "FCE8B2", "green": "B7E1CD", "blue": "C6DAFC", "grey": "E0E0E0"} {
		s.light[name] = mk(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{colour}},
			Alignment: &excelize.Alignment{Vertical: "top"}})
	}
	return s, err
}

// risky reports whether a spreadsheet could read s as a formula.
func risky(s string) bool {
	if s == "" {
		return false
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return true
	}
	return false
}

// Text is a string cell (never a formula) in the given style.
func (w *sheetWriter) text(s string, style int) excelize.Cell {
	if risky(s) {
		style = w.st.textFmt
	}
	return excelize.Cell{StyleID: style, Value: s}
}

// date is a typed date cell (yyyy-mm-dd) of t's local day, or an empty
// cell for the zero time.
func (w *sheetWriter) date(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	l := t.In(clock.Zone)
	return excelize.Cell{StyleID: w.st.date, Value: time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, time.UTC)}
}

// dateTime is a typed local date-and-time cell to the minute, or an
// empty cell for nil or the zero time.
func (w *sheetWriter) dateTime(t *time.Time) any {
	if t == nil || t.IsZero() {
		return nil
	}
	l := t.In(clock.Zone)
	return excelize.Cell{StyleID: w.st.dateTime,
		Value: time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), 0, 0, time.UTC)}
}

// filterTable makes rows from the header row (1-based) to the last row
// written, cols columns wide, an Excel table: every header gets an
// autofilter button. name must be unique in the workbook; header cells
// must be unique strings (uniqueHeaders).
func (w *sheetWriter) filterTable(name string, headerRow, cols int) error {
	if w.row <= headerRow {
		return nil // a table needs a row under its header
	}
	from, _ := excelize.CoordinatesToCellName(1, headerRow)
	to, _ := excelize.CoordinatesToCellName(cols, w.row)
	off := false
	return w.sw.AddTable(&excelize.Table{Range: from + ":" + to, Name: name, ShowRowStripes: &off})
}

// uniqueHeaders numbers repeated column names (two targets may share an
// indicator's wording), as a table's headers must differ.
func uniqueHeaders(cols []string) []string {
	seen := map[string]int{}
	out := make([]string, len(cols))
	for i, c := range cols {
		seen[c]++
		out[i] = c
		if n := seen[c]; n > 1 {
			out[i] = fmt.Sprintf("%s (%d)", c, n)
		}
	}
	return out
}

func (w *sheetWriter) put(values ...any) error {
	w.row++
	cell, _ := excelize.CoordinatesToCellName(1, w.row)
	return w.sw.SetRow(cell, values)
}

func (w *sheetWriter) header(cols []string) error {
	cols = uniqueHeaders(cols)
	vals := make([]any, len(cols))
	for i, c := range cols {
		vals[i] = w.text(c, w.st.header)
	}
	return w.put(vals...)
}

// SheetName makes a valid, unique worksheet name (at most 31 characters,
// none of []:*?/\).
func SheetName(name string, used map[string]bool) string {
	name = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return '_'
		}
		return r
	}, strings.TrimSpace(name))
	name = strings.Trim(name, "'")
	if name == "" {
		name = "Sheet"
	}
	cut := func(s string, n int) string {
		if utf8.RuneCountInString(s) <= n {
			return s
		}
		return string([]rune(s)[:n])
	}
	base := cut(name, 31)
	out := base
	for i := 2; used[strings.ToLower(out)]; i++ {
		suffix := fmt.Sprintf("~%d", i)
		out = cut(name, 31-len(suffix)) + suffix
	}
	used[strings.ToLower(out)] = true
	return out
}

// ContentDisposition is an attachment header with an ASCII fallback and
// the real (Chinese) name in RFC 5987 encoding.
func ContentDisposition(fallback, name string) string {
	return fmt.Sprintf(`attachment; filename="%s"; filename*=UTF-8''%s`, fallback, rfc5987(name))
}

// rfc5987 percent-encodes everything but RFC 5987's attr-char.
func rfc5987(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

// FileName removes characters that are not allowed in file names.
func FileName(s string) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`/\:*?"<>|`, r) || r < 32 {
			return '_'
		}
		return r
	}, s)
	if utf8.RuneCountInString(s) > 80 {
		s = string([]rune(s)[:80])
	}
	return s
}
