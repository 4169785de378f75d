package testutil

import (
	"bytes"
	"net/http"
	"testing"

	"github.com/xuri/excelize/v2"
)

// XLSX opens the workbook a response carries; the test fails unless the
// response is a 200 with the xlsx content type and a readable workbook.
func XLSX(t testing.TB, res *Response) *excelize.File {
	t.Helper()
	if res.StatusCode != http.StatusOK {
		body := res.Body
		if len(body) > 600 {
			body = body[:600]
		}
		t.Fatalf("export = %d\n%s", res.StatusCode, body)
	}
	if ct := res.Header.Get("Content-Type"); ct != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
		t.Fatalf("content type %q", ct)
	}
	x, err := excelize.OpenReader(bytes.NewReader([]byte(res.Body)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { x.Close() })
	return x
}

// SheetRows is every row of a sheet of the workbook, as text.
func SheetRows(t testing.TB, x *excelize.File, sheet string) [][]string {
	t.Helper()
	rows, err := x.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}
