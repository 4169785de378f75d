package web_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"duban/internal/figures/figurestest"
	"duban/internal/testutil"

	"github.com/xuri/excelize/v2"
)

// TestExportsAreSpreadsheetsNotText: the 台账 and history workbooks have an
// autofilter on every list, numbers and dates as typed cells, a totals row
// on 汇总, and a filtered export is named after its filter.
func TestExportsAreSpreadsheetsNotText(t *testing.T) {
	p, f, _ := figurestest.Start(t)
	rev := p.Login("duchashi")
	res := rev.Get("/ledger.xlsx")
	x := testutil.XLSX(t, res)

	raw := func(sheet, cell string) string {
		t.Helper()
		v, err := x.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	number := func(sheet, cell, what string) float64 {
		t.Helper()
		n, err := strconv.ParseFloat(raw(sheet, cell), 64)
		if err != nil {
			t.Errorf("%s (%s!%s) is not a number: %q", what, sheet, cell, raw(sheet, cell))
		}
		return n
	}
	for _, sheet := range x.GetSheetList() {
		tables, err := x.GetTables(sheet)
		if err != nil || len(tables) != 1 {
			t.Errorf("sheet %s: %d tables (autofilters), want 1: %v", sheet, len(tables), err)
		}
	}
	if tables, _ := x.GetTables("(一)公共教育"); len(tables) == 1 && tables[0].Range != "A1:P7" {
		t.Errorf("the domain sheet's autofilter covers %s, want A1:P7", tables[0].Range)
	}

	// Domain sheet: 原定时限 and 最近报送 are dates, 完成百分比 a number;
	// 调整后时限 is empty where no extension was granted.
	rows := testutil.SheetRows(t, x, "(一)公共教育")
	for i, r := range rows[1:] {
		row := i + 2
		if n := number("(一)公共教育", fmt.Sprintf("F%d", row), "原定时限"); n < 40000 || n > 50000 {
			t.Errorf("原定时限 of row %d = %v, not a date serial", row, n)
		}
		if r[5] != "2015-12-31" || r[6] != "" {
			t.Errorf("原定时限/调整后时限 show %q/%q, want 2015-12-31 and nothing", r[5], r[6])
		}
		if r[10] != "" {
			number("(一)公共教育", fmt.Sprintf("K%d", row), "完成百分比")
		}
		if r[14] != "" {
			number("(一)公共教育", fmt.Sprintf("O%d", row), "最近报送")
		}
	}

	// 汇总: generated-at is a date-time, 台账行数 a number, totals at the bottom.
	sum := testutil.SheetRows(t, x, "汇总")
	number("汇总", "B3", "生成时间")
	ledgerRows := 0
	for _, sheet := range x.GetSheetList()[1:] {
		ledgerRows += len(testutil.SheetRows(t, x, sheet)) - 1
	}
	if n := number("汇总", "B6", "台账行数"); n != float64(ledgerRows) {
		t.Errorf("台账行数 = %v, want %d", n, ledgerRows)
	}
	if got := sum[len(sum)-1]; got[0] != "合计" || got[2] != strconv.Itoa(ledgerRows) {
		t.Errorf("totals row = %v, want 合计 of %d rows", got, ledgerRows)
	}
	total, domains := sum[len(sum)-1], sum[8:len(sum)-1]
	for col := 1; col < len(total); col++ {
		s := 0
		for _, d := range domains {
			n, _ := strconv.Atoi(d[col])
			s += n
		}
		if strconv.Itoa(s) != total[col] {
			t.Errorf("totals column %d = %s, the domains add up to %d", col, total[col], s)
		}
	}

	// File names: the whole 台账 and a filtered one differ.
	cd := res.Header.Get("Content-Disposition")
	red := rev.Get("/ledger.xlsx?light=red")
	testutil.XLSX(t, red)
	redCD := red.Header.Get("Content-Disposition")
	if !strings.Contains(redCD, `filename="duban-ledger-2015-04-03-red.xlsx"`) || !strings.Contains(redCD, "%EF%BC%88%E7%BA%A2%E7%81%AF%EF%BC%89.xlsx") {
		t.Errorf("the red export is named %s (whole: %s), want the filter （红灯） in it", redCD, cd)
	}

	// History: version a number, submitted-at a date-time, an autofilter.
	h := testutil.XLSX(t, rev.Get(fmt.Sprintf("/measures/%d/history.xlsx", f.Measures[1].ID)))
	x = h
	reps := testutil.SheetRows(t, h, "报告记录")
	head := reps[1]
	for col, name := range head {
		cell, _ := excelize.CoordinatesToCellName(col+1, 3)
		switch name {
		case "版本", "完成百分比":
			number("报告记录", cell, name)
		case "报送时间":
			if n := number("报告记录", cell, name); n < 40000 {
				t.Errorf("报送时间 = %v, not a date serial", n)
			}
		}
	}
	for _, sheet := range h.GetSheetList() {
		if tables, _ := h.GetTables(sheet); len(tables) != 1 {
			t.Errorf("history sheet %s: %d autofilter tables", sheet, len(tables))
		}
	}
}
