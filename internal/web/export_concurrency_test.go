package web_test

import (
	"archive/zip"
	"bytes"
	"io"
	"strconv"
	"strings"
	"sync"
	"testing"

	"duban/internal/figures/figurestest"
	"duban/internal/testutil"

	"github.com/xuri/excelize/v2"
)

// TestLedgerExportsAtOnce: many reviewers export the 台账 at the same time
// (the exports take turns at the gate); every one gets the whole workbook
// with its length announced, and the summary is the only selected sheet.
func TestLedgerExportsAtOnce(t *testing.T) {
	p, _, _ := figurestest.Start(t)
	const clients = 12
	var wg sync.WaitGroup
	bodies := make([]string, clients)
	for i := range clients {
		c := p.Login("duchashi")
		wg.Go(func() {
			res := c.Get("/ledger.xlsx")
			if res.StatusCode != 200 {
				t.Errorf("export %d = %d", i, res.StatusCode)
				return
			}
			if n, _ := strconv.Atoi(res.Header.Get("Content-Length")); n != len(res.Body) || n == 0 {
				t.Errorf("export %d: Content-Length %q for %d bytes", i, res.Header.Get("Content-Length"), len(res.Body))
			}
			bodies[i] = res.Body
		})
	}
	wg.Wait()
	for i, b := range bodies {
		if b == "" {
			continue
		}
		x, err := excelize.OpenReader(strings.NewReader(b))
		if err != nil {
			t.Fatalf("export %d: %v", i, err)
		}
		defer x.Close()
		if got := x.GetActiveSheetIndex(); got != 0 {
			t.Errorf("export %d: active sheet %d, want the summary", i, got)
		}
		if rows := testutil.SheetRows(t, x, "汇总"); len(rows) < 8 {
			t.Errorf("export %d: summary of %d rows", i, len(rows))
		}
		z, err := zip.NewReader(strings.NewReader(b), int64(len(b)))
		if err != nil {
			t.Fatal(err)
		}
		selected := []string{}
		for _, f := range z.File {
			if !strings.HasPrefix(f.Name, "xl/worksheets/sheet") {
				continue
			}
			r, _ := f.Open()
			body, _ := io.ReadAll(r)
			r.Close()
			if bytes.Contains(body, []byte(`tabSelected="1"`)) || bytes.Contains(body, []byte(`tabSelected="true"`)) {
				selected = append(selected, f.Name)
			}
		}
		if len(selected) != 1 || selected[0] != "xl/worksheets/sheet1.xml" {
			t.Errorf("export %d: selected sheets %v, want only the summary", i, selected)
		}
	}
}
