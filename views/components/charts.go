package components

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Charts are drawn on the server as SVG: no JavaScript, no inline styles
// (the CSP forbids them); colours come from CSS classes on the shapes
// (chart-* in app.css). Each chart carries its numbers in <title>/<desc>
// for screen readers, and pages show the same numbers in a table.

// Bar is one bar of a chart.
type Bar struct {
	Label string  // category, e.g. a domain or a period
	Short string  // shorter label for the axis (Label when empty)
	Value float64 // in the chart's unit
	Text  string  // the value as shown, e.g. "55%"
	Class string  // colour class suffix: red, yellow, green, blue, grey, accent
	Href  string  // optional link for the bar's label
	Note  string  // said after the value in the bar's title and the description, e.g. 未到期
}

// title is what a bar's <title> says: the full label, value and note.
func (b Bar) title() string {
	t := b.Label + ": " + b.Text
	if b.Note != "" {
		t += " (" + b.Note + ")"
	}
	return t
}

// BarChart is a set of bars against a common maximum.
type BarChart struct {
	ID    string // unique on the page, for aria references
	Title string
	Desc  string // the numbers in words; built from the bars when empty
	Max   float64
	Bars  []Bar
}

func (c BarChart) desc() string {
	if c.Desc != "" {
		return c.Desc
	}
	parts := make([]string, 0, len(c.Bars))
	for _, b := range c.Bars {
		parts = append(parts, strings.TrimSpace(b.Label+" "+b.Text+" "+b.Note))
	}
	return strings.Join(parts, "; ")
}

func (c BarChart) max() float64 {
	m := c.Max
	for _, b := range c.Bars {
		if b.Value > m {
			m = b.Value
		}
	}
	if m <= 0 {
		m = 1
	}
	return m
}

// Geometry of the horizontal bar chart (in viewBox units).
// The viewBox is about as wide as a half-width card, so text keeps its size.
const (
	hbarWidth  = 440.0
	hbarLabelW = 140.0
	hbarTextW  = 52.0
	hbarRow    = 28.0
	hbarBar    = 16.0
)

type hbar struct {
	Bar
	Label                   string // shortened
	Y, TextY, W, TrackW, X0 float64
}

func (c BarChart) hbars() []hbar {
	m := c.max()
	track := hbarWidth - hbarLabelW - hbarTextW
	out := make([]hbar, 0, len(c.Bars))
	for i, b := range c.Bars {
		y := float64(i)*hbarRow + (hbarRow-hbarBar)/2
		w := b.Value / m * track
		if w < 0 {
			w = 0
		}
		out = append(out, hbar{Bar: b, Label: shorten(axisLabel(b), 9), Y: y, TextY: y + hbarBar - 4, W: w, TrackW: track, X0: hbarLabelW})
	}
	return out
}

func (c BarChart) hheight() float64 { return float64(max(1, len(c.Bars))) * hbarRow }

// Geometry of the column chart: a fixed width, the slots shared by the bars.
const (
	colHeight = 200.0
	colTop    = 22.0
	colBottom = 44.0 // room for a label on two lines
	colChartW = 440.0
)

func (c BarChart) slot() float64 {
	return min(110, max(48, (colChartW-20)/float64(max(1, len(c.Bars)))))
}

func axisLabel(b Bar) string {
	if b.Short != "" {
		return b.Short
	}
	return b.Label
}

type column struct {
	Bar
	Lines                    []string // the axis label, on one or two lines
	X, Y, H, TextX, BaseY, W float64
}

func (c BarChart) columns() []column {
	m := c.max()
	plot := colHeight - colTop - colBottom
	out := make([]column, 0, len(c.Bars))
	slot := c.slot()
	w := slot * 0.55
	for i, b := range c.Bars {
		h := b.Value / m * plot
		if h < 0 {
			h = 0
		}
		x := float64(i)*slot + (slot-w)/2 + 10
		out = append(out, column{Bar: b, Lines: axisLines(axisLabel(b), slot-6), X: x, W: w, H: h,
			Y: colTop + plot - h, TextX: x + w/2, BaseY: colTop + plot})
	}
	return out
}

// axisLines fits a column's label into width (viewBox units, the label's
// 12px font): whole when it fits, else broken after 年 or at a space into
// two lines (2015年 / 第1季度, 2015 / Q1), each cut with … if still too
// wide. The bar's <title> keeps the full label.
func axisLines(s string, width float64) []string {
	if textWidth(s) <= width {
		return []string{s}
	}
	cut := strings.IndexRune(s, '年')
	if cut >= 0 {
		cut += len("年")
	} else if cut = strings.LastIndexByte(s, ' '); cut < 0 {
		return []string{fit(s, width)}
	}
	return []string{fit(strings.TrimSpace(s[:cut]), width), fit(strings.TrimSpace(s[cut:]), width)}
}

// textWidth estimates the width of 12px text: a full-width character
// (CJK) takes the font size, other characters a little over half of it.
func textWidth(s string) float64 {
	w := 0.0
	for _, r := range s {
		if r >= 0x2E80 {
			w += 12
		} else {
			w += 7
		}
	}
	return w
}

// fit cuts s with … until it fits width.
func fit(s string, width float64) string {
	if textWidth(s) <= width {
		return s
	}
	r := []rune(s)
	for n := len(r) - 1; n > 0; n-- {
		if cut := string(r[:n]) + "…"; textWidth(cut) <= width {
			return cut
		}
	}
	return "…"
}

// lineDY is the offset of a column label's line: the first sits on the
// text's baseline, the second one line below it.
func lineDY(i int) string {
	if i == 0 {
		return "0"
	}
	return "14"
}

func (c BarChart) cwidth() float64 { return max(colChartW, float64(len(c.Bars))*c.slot()+20) }

// Segment is one part of a stacked bar.
type Segment struct {
	Label string
	Value int
	Class string
}

// StackedBar is one bar split into parts, e.g. the light distribution.
type StackedBar struct {
	ID       string
	Title    string
	Segments []Segment
}

type seg struct {
	Segment
	X, W float64
}

const stackWidth = 440.0

func (s StackedBar) total() int {
	t := 0
	for _, x := range s.Segments {
		t += x.Value
	}
	return t
}

func (s StackedBar) segs() []seg {
	t := s.total()
	var out []seg
	x := 0.0
	for _, g := range s.Segments {
		if g.Value == 0 || t == 0 {
			continue
		}
		w := float64(g.Value) / float64(t) * stackWidth
		out = append(out, seg{Segment: g, X: x, W: w})
		x += w
	}
	return out
}

func (s StackedBar) desc() string {
	parts := make([]string, 0, len(s.Segments))
	for _, g := range s.Segments {
		parts = append(parts, g.Label+" "+strconv.Itoa(g.Value))
	}
	return strings.Join(parts, "; ")
}

// f formats a coordinate.
func f(x float64) string { return strconv.FormatFloat(x, 'f', 1, 64) }

func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
