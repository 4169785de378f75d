package export

import (
	"context"
	"strings"

	"github.com/xuri/excelize/v2"

	"duban/internal/clock"
	"duban/internal/i18n"
	"duban/internal/workflow"
)

// timelineSheet adds a measure's full record (全过程留痕), oldest first,
// as its own sheet.
func timelineSheet(ctx context.Context, f *excelize.File, st *styles, used map[string]bool, events []workflow.Event) error {
	T := func(key string, args ...any) string { return i18n.T(ctx, key, args...) }
	name := SheetName(T("timeline.sheet"), used)
	if _, err := f.NewSheet(name); err != nil {
		return err
	}
	s, err := f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	for i, wd := range []float64{17, 14, 22, 14, 16, 12, 50} {
		_ = s.SetColWidth(i+1, i+1, wd)
	}
	w := &sheetWriter{sw: s, st: st}
	head := []string{T("timeline.col.at"), T("timeline.col.event"), T("timeline.col.unit"), T("timeline.col.period"),
		T("timeline.col.by"), T("timeline.col.date"), T("timeline.col.text")}
	if err := w.header(head); err != nil {
		return err
	}
	for _, ev := range events {
		at := ev.At
		what := T("timeline.kind." + ev.Kind)
		if ev.Version > 0 {
			what += " " + T("report.versions.label", ev.Version)
		}
		text := ev.Text
		if ev.Kind == workflow.EvAssigned {
			text = T("assignment.role." + ev.Text)
		}
		var files []string
		for _, cf := range ev.Files {
			files = append(files, cf.Name)
		}
		if len(files) > 0 {
			text = strings.TrimSpace(text + "\n" + strings.Join(files, "、"))
		}
		var date any
		if !ev.Date.IsZero() {
			date = w.date(clock.Date(ev.Date))
		}
		period := ""
		if ev.Period != "" {
			period = i18n.PeriodLabel(ctx, ev.Period)
		}
		if err := w.put(w.dateTime(&at), w.text(what, st.text), w.text(ev.Unit, st.text), w.text(period, st.text),
			w.text(ev.Actor, st.text), date, w.text(text, st.wrap)); err != nil {
			return err
		}
	}
	if err := w.filterTable("Timeline", 1, len(head)); err != nil {
		return err
	}
	return s.Flush()
}
