package planparse

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Document formats Read accepts.
const (
	FormatText = "text"
	FormatDocx = "docx"
	FormatXlsx = "xlsx"
	FormatCSV  = "csv"
)

// Source is an uploaded document turned into the text the parser reads.
// For .docx, Text holds the body's paragraphs (with the labels Word
// numbers) and tables; for task lists, the rows rendered as an outline
// (see renderTaskTable). This text is what an import stores as the plan's
// source and what measure offsets count in.
type Source struct {
	Text     string
	Format   string
	Warnings []string
}

// FormatError refuses a format that cannot be read, naming it; errors.Is
// matches ErrFormat.
type FormatError struct {
	Kind string // doc, xls, pdf, ofd, image, rtf, zip
}

// ErrFormat: the upload is a document format that is not read (.doc, .wps,
// .pdf, .ofd, images); save it as .docx, .xlsx or text.
var ErrFormat = errors.New("planparse: this file format cannot be read")

func (e *FormatError) Error() string {
	save := map[string]string{
		"doc": "a Word 97-2003 or WPS document (.doc/.wps): save it as .docx or text",
		"xls": "an Excel 97-2003 workbook (.xls/.et): save it as .xlsx or .csv",
		"pdf": "a PDF document: save the original as .docx or text",
		"ofd": "an OFD document: save the original as .docx or text",
		"rtf": "an RTF document: save it as .docx or text",
		"zip": "a ZIP archive that is neither .docx nor .xlsx: upload a .docx, .xlsx, .csv or text file",
	}[e.Kind]
	if save == "" {
		save = "an image: upload the document itself as .docx, .xlsx or text"
	}
	return "planparse: the file is " + save
}

func (e *FormatError) Is(target error) bool { return target == ErrFormat }

// Size limits for what a document may expand to when unzipped.
const (
	maxXMLPart = 64 << 20
	maxSheets  = 50
)

// Read detects the format of an upload by its content — a zip holding
// word/document.xml is a .docx, one holding xl/workbook.xml an .xlsx; text
// whose first lines are a task list's header is a .csv (or a pasted
// spreadsheet) — and returns the text to parse. Formats it cannot read are
// refused with a *FormatError; empty and undecodable uploads with Decode's
// errors. Warnings are English sentences and never nil.
func Read(b []byte) (*Source, error) {
	switch {
	case bytes.HasPrefix(b, []byte("PK\x03\x04")) || bytes.HasPrefix(b, []byte("PK\x05\x06")):
		return readZip(b)
	case bytes.HasPrefix(b, []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")):
		if bytes.Contains(b, []byte("W\x00o\x00r\x00k\x00b\x00o\x00o\x00k")) || bytes.Contains(b, []byte("B\x00o\x00o\x00k")) {
			return nil, &FormatError{Kind: "xls"}
		}
		return nil, &FormatError{Kind: "doc"}
	case bytes.HasPrefix(b, []byte("%PDF-")):
		return nil, &FormatError{Kind: "pdf"}
	case bytes.HasPrefix(b, []byte("{\\rtf")):
		return nil, &FormatError{Kind: "rtf"}
	case bytes.HasPrefix(b, []byte("\x89PNG")), bytes.HasPrefix(b, []byte("\xff\xd8\xff")), bytes.HasPrefix(b, []byte("GIF8")),
		bytes.HasPrefix(b, []byte("II*\x00")), bytes.HasPrefix(b, []byte("MM\x00*")), bytes.HasPrefix(b, []byte("BM")) && len(b) > 14 && b[14] == 40,
		len(b) > 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP":
		return nil, &FormatError{Kind: "image"}
	}
	text, warnings, err := Decode(b)
	if err != nil {
		return nil, err
	}
	if src, ok := readCSV(text); ok {
		src.Warnings = append(warnings, src.Warnings...)
		return src, nil
	}
	return &Source{Text: text, Format: FormatText, Warnings: warnings}, nil
}

func readZip(b []byte) (*Source, error) {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, &FormatError{Kind: "zip"}
	}
	names := map[string]*zip.File{}
	for _, f := range zr.File {
		names[f.Name] = f
	}
	switch {
	case names["word/document.xml"] != nil:
		return readDocx(names)
	case names["xl/workbook.xml"] != nil:
		return readXlsx(b)
	case names["OFD.xml"] != nil:
		return nil, &FormatError{Kind: "ofd"}
	}
	return nil, &FormatError{Kind: "zip"}
}

// readPart reads one part of a zip, bounded.
func readPart(f *zip.File) ([]byte, error) {
	if f == nil {
		return nil, nil
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	out, err := io.ReadAll(io.LimitReader(rc, maxXMLPart+1))
	if err != nil {
		return nil, err
	}
	if len(out) > maxXMLPart {
		return nil, fmt.Errorf("%w (%s expands beyond %d MB)", ErrBinary, f.Name, maxXMLPart>>20)
	}
	return out, nil
}

// readXlsx reads every sheet of a workbook. Sheets with a task list's
// header are rendered as outlines; without any, the cells are read as
// lines of text.
func readXlsx(b []byte) (*Source, error) {
	f, err := excelize.OpenReader(bytes.NewReader(b), excelize.Options{UnzipSizeLimit: 256 << 20, UnzipXMLSizeLimit: maxXMLPart})
	if err != nil {
		return nil, fmt.Errorf("%w (unreadable .xlsx: %v)", ErrBinary, err)
	}
	defer f.Close()
	var tables []table
	for i, sheet := range f.GetSheetList() {
		if i >= maxSheets {
			break
		}
		rows, err := f.GetRows(sheet)
		if err != nil {
			continue
		}
		if merged, err := f.GetMergeCells(sheet); err == nil {
			for _, m := range merged {
				fillMerged(rows, m.GetStartAxis(), m.GetEndAxis(), m.GetCellValue())
			}
		}
		tables = append(tables, table{name: "sheet " + sheet, rows: rows})
	}
	return fromTables(tables, "", FormatXlsx), nil
}

// fillMerged copies a merged range's value into each of its cells, so a
// 领域 merged down several rows names the group of each.
func fillMerged(rows [][]string, from, to, value string) {
	c1, r1, err1 := excelize.CellNameToCoordinates(from)
	c2, r2, err2 := excelize.CellNameToCoordinates(to)
	if err1 != nil || err2 != nil || r2-r1 > 10000 || c2-c1 > 200 {
		return
	}
	for r := r1; r <= r2 && r-1 < len(rows); r++ {
		for c := c1; c <= c2; c++ {
			for len(rows[r-1]) < c {
				rows[r-1] = append(rows[r-1], "")
			}
			rows[r-1][c-1] = value
		}
	}
}

// fromTables renders the task lists among tables (or, without any, all of
// them as lines) after the preamble text.
func fromTables(tables []table, preamble, format string) *Source {
	src := &Source{Format: format, Warnings: []string{}}
	var b strings.Builder
	b.WriteString(preamble)
	found := false
	for _, t := range tables {
		h, ok := findTaskHeader(t)
		if !ok {
			continue
		}
		if !found && preamble == "" {
			if title := titleAbove(t, h); title != "" {
				b.WriteString(title + "\n")
			}
		}
		found = true
		text, warnings := renderTaskTable(t, h)
		b.WriteString(text)
		src.Warnings = append(src.Warnings, warnings...)
	}
	if !found {
		for _, t := range tables {
			b.WriteString(tableText(t))
		}
	}
	src.Text = b.String()
	return src
}

// readCSV reads comma- or tab-separated text whose header names a task
// list's columns.
func readCSV(text string) (*Source, bool) {
	head := text
	if i := strings.IndexByte(head, '\n'); i >= 0 {
		if j := strings.IndexByte(head[i+1:], '\n'); j >= 0 {
			head = head[:i+1+j]
		}
	}
	sep := ','
	if strings.Count(head, "\t") > strings.Count(head, ",") {
		sep = '\t'
	}
	if !strings.ContainsRune(head, sep) {
		return nil, false
	}
	r := csv.NewReader(strings.NewReader(text))
	r.Comma, r.FieldsPerRecord, r.LazyQuotes = sep, -1, true
	var rows [][]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, false
		}
		rows = append(rows, rec)
	}
	t := table{name: "the table", rows: rows}
	if _, ok := findTaskHeader(t); !ok {
		return nil, false
	}
	return fromTables([]table{t}, "", FormatCSV), true
}
