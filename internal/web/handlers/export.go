package handlers

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"duban/internal/clock"
	"duban/internal/export"
	"duban/internal/figures"
	"duban/internal/format"
	"duban/internal/i18n"
	"duban/internal/model"
	"duban/internal/rules"
)

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// sendXLSX answers with a workbook written to a temporary file first, so
// that a failed export is a clean error page rather than half a file and a
// large workbook is not held in memory. It calls release (the export's
// turn at h.Exports, taken before its facts were loaded) once the file is
// written, before sending it.
func sendXLSX(c echo.Context, release func(), fallback, name string, write func(io.Writer) error) error {
	f, err := os.CreateTemp("", "duban-export-*.xlsx")
	if err != nil {
		release()
		return fmt.Errorf("export: %w", err)
	}
	defer func() {
		f.Close()
		os.Remove(f.Name())
	}()
	err = write(f)
	release()
	if err != nil {
		return err
	}
	size, err := f.Seek(0, io.SeekCurrent)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	hd := c.Response().Header()
	hd.Set(echo.HeaderContentDisposition, export.ContentDisposition(fallback, export.FileName(name)))
	hd.Set(echo.HeaderContentLength, strconv.FormatInt(size, 10))
	return c.Stream(http.StatusOK, xlsxType, f)
}

// LedgerXLSX exports the 台账 with the same filters as /ledger: the plan
// in its own order, one row per measure × unit the user may see.
func (h *Handlers) LedgerXLSX(c echo.Context) error {
	ctx := c.Request().Context()
	release, err := h.Exports.Enter(ctx)
	if err != nil {
		return err
	}
	defer release()
	lr, err := h.parseLedger(c)
	if err != nil {
		return err
	}
	if len(lr.plans) == 0 {
		return model.ErrNotFound
	}
	now := h.Clock.Now()
	l, err := h.ledger(c, lr, false)
	if err != nil {
		return err
	}
	plan, rows := l.Plan, l.Rows
	u := user(c)
	filters := h.ledgerFilters(c, lr, plan)
	info := export.LedgerInfo{Plan: plan, At: now, By: u.DisplayName}
	for _, f := range filters {
		info.Filters = append(info.Filters, i18n.T(ctx, "ux.export.filter", i18n.T(ctx, f.label), f.value))
	}
	if len(filters) == 0 {
		info.Filters = []string{i18n.T(ctx, "dash.export.no_filter")}
	}
	if info.By == "" {
		info.By = u.Username
	}
	// A filtered export is named after its filter, so that it does not
	// overwrite, or pass for, the whole 台账 in the downloads folder.
	day := now.In(clock.Zone).Format("2006-01-02")
	title, fallback, values := []rune(plan.Title), "duban-ledger-"+day, []string{}
	for _, f := range filters {
		values = append(values, f.value)
		fallback += "-" + f.ascii
	}
	if len(filters) > 0 && len(title) > 24 {
		title = append(title[:23], '…') // leave the file name room for the filter
	}
	name := i18n.T(ctx, "dash.export.ledger_file", string(title), day)
	if len(values) > 0 {
		name = i18n.T(ctx, "ux.export.filtered_file", name, strings.Join(values, i18n.T(ctx, "ux.export.filter_sep")))
	}
	return sendXLSX(c, release, fallback+".xlsx", name+".xlsx", func(w io.Writer) error {
		return export.Ledger(ctx, w, info, rows)
	})
}

// ledgerFilter is one active 台账 filter: its column (a catalog key), its
// value in words, and an ASCII form for the fallback file name.
type ledgerFilter struct{ label, value, ascii string }

// ledgerFilters lists the active filters, for the summary sheet and the
// file name.
func (h *Handlers) ledgerFilters(c echo.Context, lr *ledgerRequest, plan *figures.Plan) []ledgerFilter {
	ctx := c.Request().Context()
	var out []ledgerFilter
	add := func(label, value, ascii string) { out = append(out, ledgerFilter{label, value, ascii}) }
	if lr.scope.DomainID != 0 {
		for _, d := range plan.Domains {
			if d.ID == lr.scope.DomainID {
				add("dash.col.domain", d.Label+" "+d.Title, "domain"+strconv.FormatInt(d.ID, 10))
			}
		}
	}
	if lr.unitName != "" {
		add("dash.col.unit", lr.unitName, "unit"+strconv.FormatInt(lr.scope.UnitID, 10))
	} else if lr.scope.UnitID != 0 {
		if un, err := h.Store.UnitByID(ctx, lr.scope.UnitID); err == nil {
			add("dash.col.unit", un.Name, "unit"+strconv.FormatInt(un.ID, 10))
		}
	}
	if l, ok := rules.Parse(lr.filter.Light); ok && lr.filter.Light != "" {
		add("dash.col.light", i18n.T(ctx, "light."+l.String()), l.String())
	}
	if lr.filter.PeriodID != 0 {
		for _, p := range lr.periods {
			if p.ID == lr.filter.PeriodID {
				add("dash.col.period", i18n.PeriodLabel(ctx, p.Label), p.Label)
			}
		}
	}
	if s := lr.filter.State; s != "" {
		add("dash.col.state", i18n.T(ctx, "report.state."+s), s)
	}
	if lr.scope.Text != "" {
		add("dash.ledger.q", lr.scope.Text, "search")
	}
	return out
}

// MeasureHistoryXLSX exports a measure's full report history. A unit user
// only gets their own unit's reports, and a measure their unit is not
// assigned to does not exist for them.
func (h *Handlers) MeasureHistoryXLSX(c echo.Context) error {
	ctx := c.Request().Context()
	release, err := h.Exports.Enter(ctx)
	if err != nil {
		return err
	}
	defer release()
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	hist, err := h.Flow.MeasureHistory(ctx, actor(c), id)
	if err != nil {
		return err
	}
	m := &hist.Measure
	name := i18n.T(ctx, "dash.export.history_file", format.MeasureName(hist.Domain.Label, m.Label, m.Title)) + ".xlsx"
	return sendXLSX(c, release, "duban-measure-"+strconv.FormatInt(m.ID, 10)+".xlsx", name, func(w io.Writer) error {
		return export.MeasureHistory(ctx, w, *hist)
	})
}
