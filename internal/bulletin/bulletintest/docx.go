// Package bulletintest reads a bulletin's .docx back for tests: the
// library opens it (so Word-like readers accept it), and its
// document.xml gives the paragraphs with their styles and fonts and the
// tables' cells.
package bulletintest

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomutex/godocx"
)

// Para is a body paragraph.
type Para struct {
	Style     string   // w:pStyle (Title, Heading1, …), "" for none
	Text      string   // its runs' text
	EastAsian []string // the eastAsia fonts its runs name
}

// Doc is what a .docx says.
type Doc struct {
	Paras  []Para       // body paragraphs outside tables, in order
	Tables [][][]string // tables → rows → cells' text
}

// Headings returns the text of the paragraphs with a style (Title or
// HeadingN).
func (d Doc) Headings() []string {
	var out []string
	for _, p := range d.Paras {
		if p.Style == "Title" || strings.HasPrefix(p.Style, "Heading") {
			out = append(out, p.Text)
		}
	}
	return out
}

// Read opens a .docx with the library, then parses its document.xml.
func Read(t testing.TB, b []byte) Doc {
	t.Helper()
	path := filepath.Join(t.TempDir(), "bulletin.docx")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := godocx.OpenDocument(path); err != nil {
		t.Fatalf("the docx library cannot open the file: %v", err)
	}
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	var body []byte
	for _, f := range zr.File {
		if f.Name == "word/document.xml" {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			body, err = io.ReadAll(rc)
			rc.Close()
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	if body == nil {
		t.Fatal("no word/document.xml")
	}
	d, err := parse(body)
	if err != nil {
		t.Fatalf("document.xml: %v", err)
	}
	return d
}

func attr(e xml.StartElement, name string) string {
	for _, a := range e.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

func parse(b []byte) (Doc, error) {
	var d Doc
	dec := xml.NewDecoder(bytes.NewReader(b))
	var (
		depth  int // table nesting
		para   *Para
		inText bool
		row    []string
		cell   strings.Builder
	)
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return d, nil
		}
		if err != nil {
			return d, err
		}
		switch x := tok.(type) {
		case xml.StartElement:
			switch x.Name.Local {
			case "tbl":
				depth++
				d.Tables = append(d.Tables, nil)
			case "tr":
				row = nil
			case "tc":
				cell.Reset()
			case "p":
				para = &Para{}
			case "pStyle":
				if para != nil {
					para.Style = attr(x, "val")
				}
			case "rFonts":
				if para != nil {
					para.EastAsian = append(para.EastAsian, attr(x, "eastAsia"))
				}
			case "t":
				inText = true
			}
		case xml.EndElement:
			switch x.Name.Local {
			case "tbl":
				depth--
			case "tr":
				d.Tables[len(d.Tables)-1] = append(d.Tables[len(d.Tables)-1], row)
			case "tc":
				row = append(row, strings.TrimSpace(cell.String()))
			case "p":
				if para != nil {
					if depth > 0 {
						cell.WriteString(para.Text)
					} else {
						d.Paras = append(d.Paras, *para)
					}
				}
				para = nil
			case "t":
				inText = false
			}
		case xml.CharData:
			if inText && para != nil {
				para.Text += string(x)
			}
		}
	}
}
