package bulletin

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/gomutex/godocx"
	"github.com/gomutex/godocx/docx"
	"github.com/gomutex/godocx/wml/ctypes"
	"github.com/gomutex/godocx/wml/stypes"

	"duban/internal/i18n"
)

// Fonts as government documents name them (GB/T 9704): 仿宋_GB2312 for the
// body, 黑体 for headings. Word picks a run's Chinese font from its
// eastAsia attribute; the Latin names are the fonts' English names, which
// Word and WPS map to the same faces.
var (
	fontBody    = runFont{east: "仿宋_GB2312", latin: "FangSong"}
	fontHeading = runFont{east: "黑体", latin: "SimHei"}
)

type runFont struct{ east, latin string }

// Sizes in points: 三号 16pt for body and headings, 二号 22pt for the
// title, 小四 12pt in tables.
const (
	sizeMasthead = 36
	sizeTitle    = 22
	sizeBody     = 16
	sizeTable    = 12
)

// WriteDocx writes the bulletin as a Word document in the language of ctx:
// the red masthead, its number and date, the title, the sections with
// their tables, all with the Chinese fonts named.
func WriteDocx(ctx context.Context, w io.Writer, p *Page) error {
	doc, err := godocx.NewDocument()
	if err != nil {
		return fmt.Errorf("new docx: %w", err)
	}
	b, f := &p.Bulletin, p.Figures

	mast := doc.AddParagraph(i18n.T(ctx, "bul.doc.masthead"))
	mast.Justification(stypes.JustificationCenter)
	style(mast, fontHeading, sizeMasthead, true, "C00000")
	num := doc.AddParagraph(Number(ctx, b))
	num.Justification(stypes.JustificationCenter)
	style(num, fontBody, sizeBody, false, "")
	issued := i18n.T(ctx, "bul.doc.draft_date", Date(ctx, f.AsOf))
	if b.PublishedAt != nil {
		issued = Date(ctx, *b.PublishedAt)
	}
	by := doc.AddParagraph(i18n.T(ctx, "bul.doc.issuer") + "    " + issued)
	by.Justification(stypes.JustificationCenter)
	style(by, fontBody, sizeBody, false, "")

	title, err := doc.AddHeading(b.Title, 0)
	if err != nil {
		return err
	}
	title.Justification(stypes.JustificationCenter)
	style(title, fontHeading, sizeTitle, false, "000000")
	sub := doc.AddParagraph(i18n.T(ctx, "bul.subtitle", f.Plan, i18n.PeriodLabel(ctx, f.Period)))
	sub.Justification(stypes.JustificationCenter)
	style(sub, fontBody, sizeBody, false, "")

	heading := func(s Section) error {
		h, err := doc.AddHeading(Heading(ctx, s), 1)
		if err != nil {
			return err
		}
		style(h, fontHeading, sizeBody, false, "000000")
		return nil
	}
	para := func(text string) {
		for _, line := range strings.Split(text, "\n") {
			if line = strings.TrimSpace(line); line == "" {
				continue
			}
			style(doc.AddParagraph(line), fontBody, sizeBody, false, "")
		}
	}
	table := func(head []string, rows [][]string) {
		t := doc.AddTable()
		t.Style("TableGrid")
		r := t.AddRow()
		for _, h := range head {
			style(r.AddCell().AddParagraph(h), fontHeading, sizeTable, false, "")
		}
		for _, row := range rows {
			r := t.AddRow()
			for _, c := range row {
				style(r.AddCell().AddParagraph(c), fontBody, sizeTable, false, "")
			}
		}
	}
	for _, s := range Sections {
		if err := heading(s); err != nil {
			return err
		}
		switch s {
		case SecOverview:
			para(Overview(ctx, f))
		case SecPraise:
			para(orNone(ctx, b.Praise))
		case SecCriticism:
			para(orNone(ctx, b.Criticism))
		case SecRequirements:
			para(orNone(ctx, b.Requirements))
		default:
			if head, rows := Table(ctx, f, s); len(rows) > 0 {
				table(head, rows)
			} else {
				para(i18n.T(ctx, "bul.none"))
			}
		}
	}
	if err := doc.Write(w); err != nil {
		return fmt.Errorf("write docx: %w", err)
	}
	return nil
}

// Table is a tabular section as a header row and rows of text (no rows:
// the section has nothing to show).
func Table(ctx context.Context, f *Figures, s Section) ([]string, [][]string) {
	col := func(keys ...string) []string {
		out := make([]string, len(keys))
		for i, k := range keys {
			out[i] = i18n.T(ctx, "bul.col."+k)
		}
		return out
	}
	var rows [][]string
	switch s {
	case SecRanking:
		for _, u := range f.Units {
			rows = append(rows, []string{strconv.Itoa(u.Rank), u.Unit, strconv.Itoa(u.Expected), strconv.Itoa(u.Submitted),
				strconv.Itoa(u.OnTime), Pct(ctx, u.OnTimePercent())})
		}
		return RankingHead(ctx), rows
	case SecRed:
		for _, r := range f.Red {
			rows = append(rows, []string{r.Measure, UnitRole(ctx, r.Unit, r.Lead), i18n.Reasons(ctx, r.Reasons)})
		}
		return col("measure", "unit", "reasons"), rows
	case SecClosed:
		for _, c := range f.Closed {
			rows = append(rows, []string{c.Measure, c.Unit, Date(ctx, c.ClosedOn)})
		}
		return col("measure", "lead", "closed_on"), rows
	case SecExtensions:
		for _, e := range f.Extensions {
			rows = append(rows, []string{e.Measure, e.Unit, Date(ctx, e.Original), Date(ctx, e.Granted)})
		}
		return col("measure", "unit", "original_due", "granted_due"), rows
	case SecInstructions:
		for _, in := range f.Instructions {
			rows = append(rows, []string{in.Measure, in.Unit, in.Author + i18n.T(ctx, "bul.list_sep") + in.Text, Date(ctx, in.ReplyBy)})
		}
		return col("measure", "unit", "instruction", "reply_by"), rows
	}
	return nil, nil
}

// RankingHead is the ranking table's header row.
func RankingHead(ctx context.Context) []string {
	return []string{i18n.T(ctx, "bul.col.rank"), i18n.T(ctx, "bul.col.unit"), i18n.T(ctx, "bul.col.expected"),
		i18n.T(ctx, "bul.col.submitted"), i18n.T(ctx, "bul.col.on_time"), i18n.T(ctx, "bul.col.on_time_rate")}
}

// UnitRole names a unit with 牵头 when it leads the measure.
func UnitRole(ctx context.Context, unit string, lead bool) string {
	if lead {
		return i18n.T(ctx, "bul.unit_lead", unit)
	}
	return unit
}

func orNone(ctx context.Context, s string) string {
	if strings.TrimSpace(s) == "" {
		return i18n.T(ctx, "bul.none")
	}
	return s
}

// style sets the font (with its eastAsia name), size, weight and colour of
// every run of a paragraph.
func style(p *docx.Paragraph, f runFont, pt uint64, bold bool, color string) {
	for _, ch := range p.GetCT().Children {
		r := ch.Run
		if r == nil {
			continue
		}
		if r.Property == nil {
			r.Property = &ctypes.RunProperty{}
		}
		r.Property.Fonts = &ctypes.RunFonts{Hint: stypes.FontTypeHintEastAsia, EastAsia: f.east, Ascii: f.latin, HAnsi: f.latin, CS: f.latin}
		r.Property.Size = ctypes.NewFontSize(pt * 2)
		r.Property.SizeCs = ctypes.NewFontSizeCS(pt * 2)
		if bold {
			r.Property.Bold = ctypes.OnOffFromBool(true)
		}
		if color != "" {
			r.Property.Color = ctypes.NewColor(color)
		}
	}
}
