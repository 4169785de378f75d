package export

import (
	"context"
	"duban/internal/format"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"duban/internal/figures"
	"duban/internal/i18n"
	"duban/internal/model"
	"duban/internal/rules"
)

// LedgerInfo describes the export for its summary sheet.
type LedgerInfo struct {
	Plan    *figures.Plan
	Filters []string // the filters in words, e.g. "灯:红灯"
	By      string   // who exported
	At      time.Time
}

// ledgerColumns are the 台账 columns: catalog key and width.
var ledgerColumns = []struct {
	key   string
	width float64
}{
	{"dash.col.domain", 16}, {"dash.col.label", 7}, {"dash.col.measure", 40}, {"dash.col.unit", 22},
	{"dash.col.role", 10}, {"ledger.col.original_due", 12}, {"ledger.col.adjusted_due", 12}, {"dash.col.period", 14}, {"dash.col.state", 11},
	{"dash.col.progress", 10}, {"dash.col.percent", 9}, {"dash.col.targets", 42}, {"dash.col.light", 12},
	{"dash.col.reasons", 36}, {"dash.col.last_report", 13}, {"dash.col.review", 11},
}

// Ledger writes the 台账 workbook of rows (one per measure × unit, already
// filtered to what the user may see) to w: a summary sheet, then one sheet
// per domain in the plan's order.
func Ledger(ctx context.Context, w io.Writer, info LedgerInfo, rows []figures.LedgerRow) error {
	f := excelize.NewFile()
	defer f.Close()
	st, err := newStyles(f)
	if err != nil {
		return fmt.Errorf("ledger styles: %w", err)
	}
	T := func(key string, args ...any) string { return i18n.T(ctx, key, args...) }
	used := map[string]bool{}
	summaryName := SheetName(T("dash.export.summary"), used)
	if err := f.SetSheetName("Sheet1", summaryName); err != nil {
		return err
	}

	// Group the rows by domain, keeping the plan's order.
	type domainRows struct {
		d    *figures.Domain
		rows []figures.LedgerRow
	}
	var groups []*domainRows
	byDomain := map[int64]*domainRows{}
	for _, r := range rows {
		d := r.Assignment.Measure.Domain
		g := byDomain[d.ID]
		if g == nil {
			g = &domainRows{d: d}
			byDomain[d.ID] = g
			groups = append(groups, g)
		}
		g.rows = append(g.rows, r)
	}

	// Summary sheet.
	sum, err := f.NewStreamWriter(summaryName)
	if err != nil {
		return err
	}
	sw := &sheetWriter{sw: sum, st: st}
	_ = sum.SetColWidth(1, 1, 34)
	_ = sum.SetColWidth(2, 8, 11)
	if err := sw.put(sw.text(T("dash.export.title"), st.title)); err != nil {
		return err
	}
	if info.Plan != nil {
		if err := sw.put(sw.text(T("dash.plan"), st.header), sw.text(info.Plan.Title, st.text)); err != nil {
			return err
		}
	}
	at := info.At
	meta := [][2]any{
		{T("dash.export.generated"), sw.dateTime(&at)},
		{T("dash.export.by"), sw.text(info.By, st.text)},
		{T("dash.export.filters"), sw.text(strings.Join(info.Filters, T("dash.list_sep")), st.text)},
		{T("dash.export.rows"), len(rows)},
	}
	for _, m := range meta {
		if err := sw.put(sw.text(m[0].(string), st.header), m[1]); err != nil {
			return err
		}
	}
	sw.row++ // blank line
	head := []string{T("dash.col.domain"), T("dash.col.measures"), T("dash.col.rows")}
	for _, l := range rules.All {
		head = append(head, T("light."+l.String()))
	}
	if err := sw.header(head); err != nil {
		return err
	}
	headRow := sw.row
	var total figures.Counts
	totalMeasures := 0
	for _, g := range groups {
		var c figures.Counts
		ms := map[int64]bool{}
		for _, r := range g.rows {
			c.Add(r.Assignment.Status.Light)
			total.Add(r.Assignment.Status.Light)
			ms[r.Assignment.MeasureID] = true
		}
		totalMeasures += len(ms)
		vals := []any{sw.text(g.d.Label+" "+g.d.Title, st.text), len(ms), c.Total}
		for _, l := range rules.All {
			vals = append(vals, c.Of(l))
		}
		if err := sw.put(vals...); err != nil {
			return err
		}
	}
	if err := sw.filterTable("Summary", headRow, len(head)); err != nil {
		return err
	}
	// The totals row, under the table so that sorting or filtering the
	// domains leaves it where it is.
	totals := []any{sw.text(T("dash.total"), st.total), excelize.Cell{StyleID: st.total, Value: totalMeasures},
		excelize.Cell{StyleID: st.total, Value: total.Total}}
	for _, l := range rules.All {
		totals = append(totals, excelize.Cell{StyleID: st.total, Value: total.Of(l)})
	}
	if err := sw.put(totals...); err != nil {
		return err
	}
	if err := sum.Flush(); err != nil {
		return err
	}

	// One sheet per domain.
	for _, g := range groups {
		name := SheetName(g.d.Label+g.d.Title, used)
		if _, err := f.NewSheet(name); err != nil {
			return err
		}
		s, err := f.NewStreamWriter(name)
		if err != nil {
			return err
		}
		for i, c := range ledgerColumns {
			if err := s.SetColWidth(i+1, i+1, c.width); err != nil {
				return err
			}
		}
		if err := s.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
			Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}}); err != nil {
			return err
		}
		dw := &sheetWriter{sw: s, st: st}
		head := make([]string, len(ledgerColumns))
		for i, c := range ledgerColumns {
			head[i] = T(c.key)
		}
		if err := dw.header(head); err != nil {
			return err
		}
		for _, r := range g.rows {
			if err := dw.put(ledgerRow(ctx, dw, r)...); err != nil {
				return err
			}
		}
		if err := dw.filterTable(fmt.Sprintf("Ledger%d", len(used)), 1, len(ledgerColumns)); err != nil {
			return err
		}
		if err := s.Flush(); err != nil {
			return err
		}
	}
	// The first sheet is already the active, selected one (the new
	// workbook's Sheet1, renamed). SetActiveSheet would parse every
	// streamed sheet back into memory to clear its tab flags, which
	// costs more than writing the workbook.
	return f.Write(w)
}

func ledgerRow(ctx context.Context, w *sheetWriter, r figures.LedgerRow) []any {
	T := func(key string, args ...any) string { return i18n.T(ctx, key, args...) }
	a := r.Assignment
	m := a.Measure
	st := w.st
	period, state, progress, review := "", T("report.state.none"), "", ""
	var percent any
	if r.Period >= 0 {
		period = i18n.PeriodLabel(ctx, m.Plan.Periods[r.Period].Label)
	}
	if rs := r.Report.State(); rs != "" {
		state = T("report.state." + rs)
		progress = T("progress." + r.Report.Progress())
		percent = r.Report.Percent()
		switch rs {
		case model.ReportSubmitted:
			review = T("dash.review.waiting")
		case model.ReportReturned:
			review = T("dash.review.returned")
		case model.ReportApproved:
			review = T("dash.review.approved")
		}
	}
	var targets []string
	for _, t := range m.Targets {
		actual := "—"
		if _, v, ok := a.Actual(t.ID); ok {
			actual = format.Num(v) + t.Unit
		}
		targets = append(targets, T("ux2.target_actual", format.Target(t.Indicator, t.Op, t.Value, t.Unit), actual))
	}
	light := a.Status.Light.String()
	return []any{
		w.text(m.Domain.Label+" "+m.Domain.Title, st.text),
		w.text(format.Citation(m.Domain.Label, m.Label), st.text),
		w.text(m.Title, st.wrap),
		w.text(a.Unit.Name, st.text),
		w.text(T("assignment.role."+a.Role), st.text),
		w.date(r.OriginalDue), // 原定时限
		w.date(r.AdjustedDue), // 调整后时限 (empty: not extended)
		w.text(period, st.text),
		w.text(state, st.text),
		w.text(progress, st.text),
		percentCell(percent, st.number),
		w.text(strings.Join(targets, "\n"), st.wrap),
		w.text(T("light."+light), st.light[light]),
		w.text(i18n.Reasons(ctx, a.Status.Reasons), st.wrap),
		w.date(a.LastSubmittedAt()),
		w.text(review, st.text),
	}
}

func percentCell(v any, style int) any {
	if v == nil {
		return nil
	}
	return excelize.Cell{StyleID: style, Value: v}
}
