// Package docxtest writes small .docx files for tests: paragraphs (with
// Word list numbering), tables with merged cells, a header part that the
// reader must ignore. It writes what Word writes for these features and no
// more.
package docxtest

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"strings"
)

// Para is a body paragraph. A paragraph with NumID > 0 is a list item: Word
// renders its label from the list's level format, not from the text.
type Para struct {
	Text  string
	NumID int
	Level int
}

// List is a numbering definition: the label format of each level, e.g.
// {"decimal", "%1."} or {"chineseCounting", "（%1）"}.
type List struct {
	Levels [][2]string
}

// Cell is a table cell; Span merges it across columns, Merge "restart" or
// "continue" merges it down rows.
type Cell struct {
	Text  string
	Span  int
	Merge string
}

// Doc is a document: blocks are *Para or [][]Cell (a table), in order.
type Doc struct {
	Blocks []any
	Lists  []List // list i has numId i+1
	Header string // text of a page header, which is not body text
}

func esc(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

func para(p Para) string {
	var b strings.Builder
	b.WriteString("<w:p>")
	if p.NumID > 0 {
		fmt.Fprintf(&b, `<w:pPr><w:numPr><w:ilvl w:val="%d"/><w:numId w:val="%d"/></w:numPr></w:pPr>`, p.Level, p.NumID)
	}
	for i, line := range strings.Split(p.Text, "\n") {
		if i > 0 {
			b.WriteString("<w:r><w:br/></w:r>")
		}
		fmt.Fprintf(&b, `<w:r><w:t xml:space="preserve">%s</w:t></w:r>`, esc(line))
	}
	b.WriteString("</w:p>")
	return b.String()
}

// Build returns the bytes of a .docx.
func Build(d Doc) []byte {
	var body strings.Builder
	for _, bl := range d.Blocks {
		switch x := bl.(type) {
		case Para:
			body.WriteString(para(x))
		case *Para:
			body.WriteString(para(*x))
		case [][]Cell:
			body.WriteString("<w:tbl>")
			for _, row := range x {
				body.WriteString("<w:tr>")
				for _, c := range row {
					body.WriteString("<w:tc><w:tcPr>")
					if c.Span > 1 {
						fmt.Fprintf(&body, `<w:gridSpan w:val="%d"/>`, c.Span)
					}
					switch c.Merge {
					case "restart":
						body.WriteString(`<w:vMerge w:val="restart"/>`)
					case "continue":
						body.WriteString(`<w:vMerge/>`)
					}
					body.WriteString("</w:tcPr>")
					body.WriteString(para(Para{Text: c.Text}))
					body.WriteString("</w:tc>")
				}
				body.WriteString("</w:tr>")
			}
			body.WriteString("</w:tbl>")
		}
	}
	const ns = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"`
	doc := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document ` + ns + `><w:body>` + body.String() +
		`<w:sectPr><w:headerReference w:type="default" r:id="rIdH"/></w:sectPr></w:body></w:document>`
	var num strings.Builder
	num.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:numbering ` + ns + `>`)
	for i, l := range d.Lists {
		fmt.Fprintf(&num, `<w:abstractNum w:abstractNumId="%d">`, i)
		for lv, f := range l.Levels {
			fmt.Fprintf(&num, `<w:lvl w:ilvl="%d"><w:start w:val="1"/><w:numFmt w:val="%s"/><w:lvlText w:val="%s"/></w:lvl>`, lv, f[0], esc(f[1]))
		}
		num.WriteString(`</w:abstractNum>`)
	}
	for i := range d.Lists {
		fmt.Fprintf(&num, `<w:num w:numId="%d"><w:abstractNumId w:val="%d"/></w:num>`, i+1, i)
	}
	num.WriteString(`</w:numbering>`)
	header := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:hdr ` + ns + `>` + para(Para{Text: d.Header}) + `</w:hdr>`

	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	files := []struct{ name, body string }{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/><Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`},
		{"word/_rels/document.xml.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rIdN" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/><Relationship Id="rIdH" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/></Relationships>`},
		{"word/document.xml", doc},
		{"word/numbering.xml", num.String()},
		{"word/header1.xml", header},
	}
	for _, f := range files {
		w, err := zw.Create(f.name)
		if err != nil {
			panic(err)
		}
		if _, err := w.Write([]byte(f.body)); err != nil {
			panic(err)
		}
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return buf.Bytes()
}
