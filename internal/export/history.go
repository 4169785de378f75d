package export

import (
	"context"
	"fmt"
	"io"

	"duban/internal/format"

	"github.com/xuri/excelize/v2"

	"duban/internal/i18n"
	"duban/internal/store"
	"duban/internal/workflow"
)

// History is what a measure's history workbook holds
// (workflow.Service.MeasureHistory loads it).
type History = workflow.MeasureHistory

// MeasureHistory writes a measure's report history to w: one sheet of
// reports (one row per unit × period, with every target's actual) and one
// sheet of review decisions.
func MeasureHistory(ctx context.Context, w io.Writer, h History) error {
	f := excelize.NewFile()
	defer f.Close()
	st, err := newStyles(f)
	if err != nil {
		return fmt.Errorf("history styles: %w", err)
	}
	T := func(key string, args ...any) string { return i18n.T(ctx, key, args...) }
	used := map[string]bool{}
	reportsName := SheetName(T("dash.export.reports"), used)
	if err := f.SetSheetName("Sheet1", reportsName); err != nil {
		return err
	}
	values := map[[2]int64]*float64{} // report, target
	for _, v := range h.Values {
		values[[2]int64{v.ReportID, v.TargetID}] = v.Value
	}
	unitName := func(id int64) string {
		if u, ok := h.Units[id]; ok {
			return u.Name
		}
		return fmt.Sprintf("#%d", id)
	}
	periodLabel := func(id int64) string {
		if p, ok := h.Periods[id]; ok {
			return i18n.PeriodLabel(ctx, p.Label)
		}
		return ""
	}

	s, err := f.NewStreamWriter(reportsName)
	if err != nil {
		return err
	}
	widths := []float64{14, 22, 10, 11, 10, 8, 40, 30, 30}
	for i, wd := range widths {
		_ = s.SetColWidth(i+1, i+1, wd)
	}
	_ = s.SetColWidth(len(widths)+1, len(widths)+len(h.Targets)+5, 16)
	if err := s.SetPanes(&excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A3", ActiveCell: "A3", Pane: "bottomLeft"}}}); err != nil {
		return err
	}
	sw := &sheetWriter{sw: s, st: st}
	title := format.MeasureName(h.Domain.Label, h.Measure.Label, h.Measure.Title)
	if err := sw.put(sw.text(title, st.title), sw.text(h.Plan.Title, st.text)); err != nil {
		return err
	}
	head := []string{T("dash.col.period"), T("dash.col.unit"), T("dash.col.role"), T("dash.col.state"), T("dash.col.progress"),
		T("dash.col.percent"), T("dash.export.progress_text"), T("dash.export.problems"), T("dash.export.next_steps")}
	for _, t := range h.Targets {
		head = append(head, T("ux2.export.target_head", t.Indicator, format.Goal(t.Op, t.Value, t.Unit)))
	}
	head = append(head, T("dash.export.submitted_at"), T("dash.export.returned_at"), T("dash.export.approved_at"), T("dash.export.version"))
	if err := sw.header(head); err != nil {
		return err
	}
	headRow := sw.row
	for _, r := range h.Reports {
		row := []any{
			sw.text(periodLabel(r.PeriodID), st.text),
			sw.text(unitName(r.UnitID), st.text),
			sw.text(T("assignment.role."+r.Role), st.text),
			sw.text(T("report.state."+r.State), st.text),
			sw.text(T("progress."+r.ProgressState), st.text),
			r.Percent,
			sw.text(r.Progress, st.wrap),
			sw.text(r.Problems, st.wrap),
			sw.text(r.NextSteps, st.wrap),
		}
		for _, t := range h.Targets {
			if v := values[[2]int64{r.ID, t.ID}]; v != nil {
				row = append(row, *v)
			} else {
				row = append(row, nil)
			}
		}
		row = append(row, sw.dateTime(r.SubmittedAt), sw.dateTime(r.ReturnedAt), sw.dateTime(r.ApprovedAt), r.VersionNo)
		if err := sw.put(row...); err != nil {
			return err
		}
	}
	if err := sw.filterTable("Reports", headRow, len(head)); err != nil {
		return err
	}
	if err := s.Flush(); err != nil {
		return err
	}

	// Review trail.
	reviewsName := SheetName(T("dash.export.reviews"), used)
	if _, err := f.NewSheet(reviewsName); err != nil {
		return err
	}
	rs, err := f.NewStreamWriter(reviewsName)
	if err != nil {
		return err
	}
	for i, wd := range []float64{14, 22, 8, 12, 40, 18} {
		_ = rs.SetColWidth(i+1, i+1, wd)
	}
	rw := &sheetWriter{sw: rs, st: st}
	if err := rw.header([]string{T("dash.col.period"), T("dash.col.unit"), T("dash.export.version"), T("dash.export.decision"),
		T("dash.export.reason"), T("dash.export.reviewed_at")}); err != nil {
		return err
	}
	byID := map[int64]store.HistoryRow{}
	for _, r := range h.Reports {
		byID[r.ID] = r
	}
	for _, rv := range h.Reviews {
		r := byID[rv.ReportID]
		at := rv.CreatedAt
		if err := rw.put(rw.text(periodLabel(r.PeriodID), st.text), rw.text(unitName(r.UnitID), st.text), rv.VersionNo,
			rw.text(T("dash.export.decision."+rv.Decision), st.text), rw.text(rv.Reason, st.wrap), rw.dateTime(&at)); err != nil {
			return err
		}
	}
	if err := rw.filterTable("Reviews", 1, 6); err != nil {
		return err
	}
	if err := rs.Flush(); err != nil {
		return err
	}
	if err := timelineSheet(ctx, f, st, used, h.Timeline); err != nil {
		return err
	}
	// The first sheet is already the active, selected one (the new
	// workbook's Sheet1, renamed). SetActiveSheet would parse every
	// streamed sheet back into memory to clear its tab flags, which
	// costs more than writing the workbook.
	return f.Write(w)
}
