package planparse

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"
)

// A .docx is a zip of XML parts. The body (word/document.xml) is read in
// document order: each paragraph becomes a line, each table a grid. Word
// generates list labels (1. / (一) / 一、) from word/numbering.xml rather
// than storing them as text, so readDocx renders them from the paragraph's
// numbering (its own or its style's), keeping one counter per list and
// level as Word does. Headers, footers, footnotes and deleted text live in
// other parts or elements and are not read.
//
// This is encoding/xml over archive/zip: no served, maintained Go library
// reads Word's numbering (the candidates are unserved or paid), and a body
// reader needs only the few elements below.

const wNS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

// numLevel is one level of a list definition.
type numLevel struct {
	format string // decimal, chineseCounting, bullet, …
	text   string // %1. / （%1） / %1、
	start  int
}

type numbering struct {
	abstract map[string]map[int]numLevel // abstractNumId → level → def
	nums     map[string]string           // numId → abstractNumId
	starts   map[string]map[int]int      // numId → level → startOverride
	counters map[string][]int            // numId (or abstract) → counters
	styles   map[string][2]string        // style id → numId, ilvl
}

func attr(e xml.StartElement, local string) string {
	for _, a := range e.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

func readNumbering(b []byte) *numbering {
	n := &numbering{abstract: map[string]map[int]numLevel{}, nums: map[string]string{}, starts: map[string]map[int]int{},
		counters: map[string][]int{}, styles: map[string][2]string{}}
	if len(b) == 0 {
		return n
	}
	dec := xml.NewDecoder(bytes.NewReader(b))
	var abs, num string
	lvl := -1
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "abstractNum":
			abs, num = attr(se, "abstractNumId"), ""
			n.abstract[abs] = map[int]numLevel{}
		case "num":
			num, abs = attr(se, "numId"), ""
		case "lvl", "lvlOverride":
			lvl, _ = strconv.Atoi(attr(se, "ilvl"))
			if abs != "" {
				n.abstract[abs][lvl] = numLevel{start: 1}
			}
		case "abstractNumId":
			if num != "" {
				n.nums[num] = attr(se, "val")
			}
		case "startOverride":
			if num != "" {
				if n.starts[num] == nil {
					n.starts[num] = map[int]int{}
				}
				n.starts[num][lvl], _ = strconv.Atoi(attr(se, "val"))
			}
		case "start", "numFmt", "lvlText":
			if abs == "" || lvl < 0 {
				continue
			}
			l := n.abstract[abs][lvl]
			switch se.Name.Local {
			case "start":
				l.start, _ = strconv.Atoi(attr(se, "val"))
			case "numFmt":
				l.format = attr(se, "val")
			case "lvlText":
				l.text = attr(se, "val")
			}
			n.abstract[abs][lvl] = l
		}
	}
	return n
}

// readStyles records which paragraph styles number their paragraphs
// (a 标题 style tied to a list).
func (n *numbering) readStyles(b []byte) {
	if len(b) == 0 {
		return
	}
	dec := xml.NewDecoder(bytes.NewReader(b))
	style := ""
	for {
		tok, err := dec.Token()
		if err != nil {
			return
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "style":
			style = attr(se, "styleId")
		case "numId":
			if style != "" {
				v := n.styles[style]
				v[0] = attr(se, "val")
				n.styles[style] = v
			}
		case "ilvl":
			if style != "" {
				v := n.styles[style]
				v[1] = attr(se, "val")
				n.styles[style] = v
			}
		}
	}
}

// label advances the counter of list numID at level ilvl and renders the
// label Word would show, or "" for bullets and unknown lists.
func (n *numbering) label(numID string, ilvl int) string {
	abs, ok := n.nums[numID]
	if !ok || numID == "0" || ilvl < 0 || ilvl > 8 {
		return ""
	}
	levels := n.abstract[abs]
	def, ok := levels[ilvl]
	if !ok || def.format == "bullet" || def.format == "none" {
		return ""
	}
	cs := n.counters[numID]
	if cs == nil {
		cs = make([]int, 9)
		n.counters[numID] = cs
	}
	startOf := func(l int) int {
		if s, ok := n.starts[numID][l]; ok {
			return s
		}
		return levels[l].start
	}
	if cs[ilvl] == 0 {
		cs[ilvl] = startOf(ilvl)
	} else {
		cs[ilvl]++
	}
	for l := ilvl + 1; l < 9; l++ {
		cs[l] = 0
	}
	text := def.text
	for l := 0; l <= ilvl; l++ {
		v := cs[l]
		if v == 0 {
			v = startOf(l)
		}
		text = strings.ReplaceAll(text, "%"+strconv.Itoa(l+1), formatNumber(v, levels[l].format))
	}
	return text
}

// formatNumber writes v in a Word number format.
func formatNumber(v int, format string) string {
	switch format {
	case "chineseCounting", "chineseCountingThousand", "ideographTraditional", "japaneseCounting", "chineseLegalSimplified", "taiwaneseCounting", "taiwaneseCountingThousand":
		return cnNumeral(v)
	case "decimalEnclosedCircle", "decimalEnclosedCircleChinese":
		if v >= 1 && v <= 20 {
			return string(rune('①' + v - 1))
		}
	case "upperLetter":
		if v >= 1 && v <= 26 {
			return string(rune('A' + v - 1))
		}
	case "lowerLetter":
		if v >= 1 && v <= 26 {
			return string(rune('a' + v - 1))
		}
	}
	return strconv.Itoa(v)
}

// docxBlock is a paragraph (text) or a table (rows) of the body.
type docxBlock struct {
	text  string
	table *table
}

func readDocx(parts map[string]*zip.File) (*Source, error) {
	doc, err := readPart(parts["word/document.xml"])
	if err != nil {
		return nil, err
	}
	numXML, err := readPart(parts["word/numbering.xml"])
	if err != nil {
		return nil, err
	}
	stylesXML, err := readPart(parts["word/styles.xml"])
	if err != nil {
		return nil, err
	}
	num := readNumbering(numXML)
	num.readStyles(stylesXML)
	blocks, err := docxBody(doc, num)
	if err != nil {
		return nil, err
	}
	// A task table (任务分解表) carries the measures: the body before the
	// first part is kept for the title, issuer and date.
	var tables []table
	for _, bl := range blocks {
		if bl.table != nil {
			if _, ok := findTaskHeader(*bl.table); ok {
				tables = append(tables, *bl.table)
			}
		}
	}
	if len(tables) > 0 {
		var pre strings.Builder
		for _, bl := range blocks {
			if bl.table != nil || startsOutline(bl.text) {
				break
			}
			pre.WriteString(bl.text + "\n")
		}
		src := fromTables(tables, pre.String(), FormatDocx)
		src.Warnings = append([]string{"the measures were read from the document's task table; the body text was not searched for measures"}, src.Warnings...)
		return src, nil
	}
	var b strings.Builder
	for _, bl := range blocks {
		if bl.table != nil {
			b.WriteString(tableText(*bl.table))
		} else {
			b.WriteString(bl.text + "\n")
		}
	}
	if strings.TrimSpace(b.String()) == "" {
		return nil, ErrEmpty
	}
	return &Source{Text: b.String(), Format: FormatDocx, Warnings: []string{}}, nil
}

func startsOutline(s string) bool {
	rs := []rune(Normalize(s))
	if len(rs) == 0 {
		return false
	}
	n, k := parseCNNumber(rs, 0)
	return n > 0 && k < len(rs) && rs[k] == '、'
}

// docxBody walks the body in document order.
func docxBody(doc []byte, num *numbering) ([]docxBlock, error) {
	dec := xml.NewDecoder(bytes.NewReader(doc))
	var out []docxBlock
	type cellState struct {
		text     strings.Builder
		span     int
		vmerge   string // "", "restart" or "continue"
		hasMerge bool
	}
	var (
		para     strings.Builder
		inPara   bool
		inText   bool
		numID    string
		ilvl     = -1
		style    string
		depth    int // table nesting
		rows     [][]string
		vmerges  [][]bool
		cell     *cellState
		inTblRow bool
	)
	flushPara := func() string {
		label := ""
		id, lv := numID, ilvl
		if id == "" && style != "" {
			if s, ok := num.styles[style]; ok && s[0] != "" {
				id = s[0]
				lv, _ = strconv.Atoi(s[1])
			}
		}
		if id != "" {
			if lv < 0 {
				lv = 0
			}
			label = num.label(id, lv)
		}
		s := label + para.String()
		para.Reset()
		numID, ilvl, style = "", -1, ""
		return s
	}
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Space != wNS && t.Name.Space != "" {
				continue
			}
			switch t.Name.Local {
			case "p":
				inPara = true
			case "t":
				inText = inPara
			case "tab":
				if inPara {
					para.WriteByte(' ')
				}
			case "br", "cr":
				if inPara {
					para.WriteByte('\n')
				}
			case "numId":
				numID = attr(t, "val")
			case "ilvl":
				ilvl, _ = strconv.Atoi(attr(t, "val"))
			case "pStyle":
				style = attr(t, "val")
			case "tbl":
				depth++
				if depth == 1 {
					rows, vmerges = nil, nil
				}
			case "tr":
				if depth == 1 {
					rows = append(rows, nil)
					vmerges = append(vmerges, nil)
					inTblRow = true
				}
			case "tc":
				if depth == 1 {
					cell = &cellState{span: 1}
				}
			case "gridSpan":
				if cell != nil && depth == 1 {
					cell.span, _ = strconv.Atoi(attr(t, "val"))
					cell.span = min(max(cell.span, 1), 64)
				}
			case "vMerge":
				if cell != nil && depth == 1 {
					cell.hasMerge = true
					cell.vmerge = attr(t, "val")
				}
			case "del", "delText", "instrText", "footnoteReference":
				if t.Name.Local == "del" {
					if err := dec.Skip(); err != nil {
						return nil, fmt.Errorf("%w (broken .docx: %v)", ErrBinary, err)
					}
				}
			}
		case xml.CharData:
			if inText {
				para.Write(t)
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "t":
				inText = false
			case "p":
				inPara = false
				s := flushPara()
				switch {
				case cell != nil && depth >= 1:
					if cell.text.Len() > 0 {
						cell.text.WriteByte('\n')
					}
					cell.text.WriteString(s)
				case depth == 0:
					out = append(out, docxBlock{text: s})
				}
			case "tc":
				if depth == 1 && cell != nil && inTblRow && len(rows) > 0 {
					r := len(rows) - 1
					v := cell.text.String()
					cont := cell.hasMerge && cell.vmerge != "restart"
					for k := 0; k < cell.span; k++ {
						c := len(rows[r])
						if cont && r > 0 && c < len(rows[r-1]) {
							v = rows[r-1][c] // a cell merged down: the value above
						}
						rows[r] = append(rows[r], v)
						vmerges[r] = append(vmerges[r], cont)
					}
					cell = nil
				}
			case "tr":
				if depth == 1 {
					inTblRow = false
				}
			case "tbl":
				if depth == 1 {
					out = append(out, docxBlock{table: &table{name: fmt.Sprintf("table %d", countTables(out)+1), rows: rows}})
				}
				depth--
			}
		}
		if len(out) > 200000 {
			return nil, fmt.Errorf("%w (the .docx body is too large)", ErrBinary)
		}
	}
	return out, nil
}

func countTables(bs []docxBlock) int {
	n := 0
	for _, b := range bs {
		if b.table != nil {
			n++
		}
	}
	return n
}
