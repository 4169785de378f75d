package planparse

import (
	"archive/zip"
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"duban/internal/planparse/docxtest"
)

// checkRead runs Read and Parse on b: errors must be the documented ones,
// and a parsed plan's offsets must point at its measures' text.
func checkRead(t *testing.T, b []byte) {
	t.Helper()
	src, err := Read(b)
	if err != nil {
		if !errors.Is(err, ErrFormat) && !errors.Is(err, ErrBinary) && !errors.Is(err, ErrEmpty) && !errors.Is(err, ErrEncoding) {
			t.Fatalf("Read: unexpected error %v", err)
		}
		return
	}
	if src.Warnings == nil {
		t.Fatal("Read returned nil warnings")
	}
	p, err := Parse(src.Text)
	if err != nil {
		if !errors.Is(err, ErrNoStructure) {
			t.Fatalf("Parse: unexpected error %v", err)
		}
		return
	}
	checkOffsets(t, []rune(Normalize(src.Text)), p)
}

// FuzzReadDocx feeds the .docx reader zips whose body and numbering parts
// are fuzzed XML (a fuzzed zip would rarely get past the zip checksums).
func FuzzReadDocx(f *testing.F) {
	b := docxtest.Build(docxtest.Doc{
		Lists: []docxtest.List{{Levels: [][2]string{{"chineseCounting", "%1、"}, {"decimal", "%2."}}}},
		Blocks: []any{
			docxtest.Para{Text: "某市工作方案"},
			docxtest.Para{Text: "重点任务", NumID: 1},
			docxtest.Para{Text: "推进改革。(市发改局负责)", NumID: 1, Level: 1},
			[][]docxtest.Cell{{{Text: "序号"}, {Text: "重点任务"}, {Text: "牵头单位"}}, {{Text: "1"}, {Text: "甲", Merge: "restart"}, {Text: "市甲局", Span: 2}}},
		},
	})
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		f.Fatal(err)
	}
	parts := map[string][]byte{}
	for _, zf := range zr.File {
		if data, err := readPart(zf); err == nil {
			parts[zf.Name] = data
		}
	}
	f.Add(parts["word/document.xml"], parts["word/numbering.xml"])
	f.Add([]byte(`<w:document><w:body><w:p><w:pPr><w:numPr><w:ilvl w:val="9"/><w:numId w:val="1"/></w:numPr></w:pPr></w:p></w:body></w:document>`), []byte(`<w:numbering><w:num w:numId="1"><w:abstractNumId w:val="1"/></w:num></w:numbering>`))
	f.Add([]byte(`<w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val="99999"/><w:vMerge/></w:tcPr></w:tc></w:tr></w:tbl>`), []byte{})
	f.Fuzz(func(t *testing.T, document, numbering []byte) {
		checkRead(t, zipParts(t, []string{"word/document.xml", "word/numbering.xml"}, func(name string) []byte {
			if name == "word/document.xml" {
				return document
			}
			return numbering
		}))
	})
}

// zipParts builds a zip of the named parts (stored, not deflated: the
// fuzz targets need speed, not size).
func zipParts(t *testing.T, names []string, data func(name string) []byte) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range names {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data(name))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// FuzzReadXlsx feeds the .xlsx reader workbooks whose cells come from the
// fuzzed text (rows by line, cells by tab) with one fuzzed merged range.
func FuzzReadXlsx(f *testing.F) {
	f.Add("序号\t领域\t重点任务\t牵头单位\t责任单位\t完成时限\n1\t教育\t新建幼儿园3所\t区教育局\t区财政局\n区发改局\t2024年底前\n2\t\t改造校舍\t区教育局\t\t每季度", "B2", "B3")
	f.Add("任务清单\n序号\t工作任务\t配合单位\n一\t产业\n5\t65岁以上老年人健康管理率达到70%\t各街道", "A1", "C1")
	f.Add("序号,重点任务,牵头单位\n1,甲,乙局", "A1", "A1")
	f.Fuzz(func(t *testing.T, cells, from, to string) {
		if len(cells) > 4096 {
			return
		}
		x := excelize.NewFile()
		defer x.Close()
		for r, line := range strings.Split(cells, "\n") {
			if r >= 200 {
				break
			}
			for c, v := range strings.Split(line, "\t") {
				if c >= 30 {
					break
				}
				name, _ := excelize.CoordinatesToCellName(c+1, r+1)
				if err := x.SetCellStr("Sheet1", name, v); err != nil {
					return // text excelize refuses to store
				}
			}
		}
		if c1, r1, err := excelize.CellNameToCoordinates(from); err == nil && c1 <= 30 && r1 <= 200 {
			if c2, r2, err := excelize.CellNameToCoordinates(to); err == nil && c2 <= 30 && r2 <= 200 {
				_ = x.MergeCell("Sheet1", from, to)
			}
		}
		var buf bytes.Buffer
		if err := x.Write(&buf); err != nil {
			return
		}
		checkRead(t, buf.Bytes())
	})
}

// FuzzReadXlsxParts feeds the .xlsx reader workbooks whose worksheet and
// shared-strings parts are fuzzed XML, the other parts those of a real
// workbook. Building each input with excelize (FuzzReadXlsx) costs tens of
// milliseconds, so that target spends a 60 s run minimising; this one
// reaches the reader's XML handling (merged ranges, cell types, inline and
// shared strings, bad references) thousands of times a second.
func FuzzReadXlsxParts(f *testing.F) {
	x := excelize.NewFile()
	rows := [][]any{
		{"某区民生实事任务清单"},
		{"序号", "领域", "重点任务", "牵头单位", "责任单位", "完成时限"},
		{1, "教育", "新建幼儿园3所", "区教育局", "区财政局\n区发改局", "2024年底前"},
		{2, "", "改造校舍", "区教育局", "", "每季度"},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := x.SetSheetRow("Sheet1", cell, &r); err != nil {
			f.Fatal(err)
		}
	}
	if err := x.MergeCell("Sheet1", "B3", "B4"); err != nil {
		f.Fatal(err)
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		f.Fatal(err)
	}
	x.Close()
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		f.Fatal(err)
	}
	const sheetPart, stringsPart = "xl/worksheets/sheet1.xml", "xl/sharedStrings.xml"
	parts := map[string][]byte{}
	var names []string
	for _, zf := range zr.File {
		data, err := readPart(zf)
		if err != nil {
			f.Fatal(err)
		}
		parts[zf.Name] = data
		names = append(names, zf.Name)
	}
	if parts[sheetPart] == nil || parts[stringsPart] == nil {
		f.Fatalf("excelize wrote no %s or %s: %q", sheetPart, stringsPart, names)
	}
	f.Add(parts[sheetPart], parts[stringsPart])
	f.Add([]byte(`<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>序号</t></is></c><c r="B1" t="inlineStr"><is><t>重点任务</t></is></c></row><row r="2"><c r="A2"><v>1</v></c><c r="B2" t="s"><v>99</v></c></row></sheetData><mergeCells><mergeCell ref="A2:XFD1048576"/></mergeCells></worksheet>`), []byte(`<sst><si><t>牵头单位</t></si></sst>`))
	f.Fuzz(func(t *testing.T, sheet, sst []byte) {
		checkRead(t, zipParts(t, names, func(name string) []byte {
			switch name {
			case sheetPart:
				return sheet
			case stringsPart:
				return sst
			}
			return parts[name]
		}))
	})
}
