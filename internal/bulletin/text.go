package bulletin

import (
	"context"
	"time"

	"duban/internal/clock"
	"duban/internal/i18n"
)

// The text both the page and the .docx show, in the reader's language.

// Section is one titled part of a bulletin, in display order.
type Section string

// The sections of a bulletin.
const (
	SecOverview     Section = "overview"
	SecRanking      Section = "ranking"
	SecRed          Section = "red"
	SecClosed       Section = "closed"
	SecExtensions   Section = "extensions"
	SecInstructions Section = "instructions"
	SecPraise       Section = "praise"
	SecCriticism    Section = "criticism"
	SecRequirements Section = "requirements"
)

// Sections lists the sections in display order.
var Sections = []Section{SecOverview, SecRanking, SecRed, SecClosed, SecExtensions, SecInstructions,
	SecPraise, SecCriticism, SecRequirements}

// Heading is a section's numbered heading (一、总体情况).
func Heading(ctx context.Context, s Section) string {
	n := 0
	for i, x := range Sections {
		if x == s {
			n = i + 1
		}
	}
	return i18n.T(ctx, "bul.sec.num", numeral(ctx, n), i18n.T(ctx, "bul.sec."+string(s)))
}

func numeral(ctx context.Context, n int) string {
	if i18n.Locale(ctx) == i18n.EN {
		return i18n.T(ctx, "bul.sec.arabic", n)
	}
	zh := []string{"", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十"}
	if n < len(zh) {
		return zh[n]
	}
	return i18n.T(ctx, "bul.sec.arabic", n)
}

// Overview is the overall figures as one paragraph.
func Overview(ctx context.Context, f *Figures) string {
	m := f.Measures
	return i18n.T(ctx, "bul.overview", Date(ctx, f.AsOf), f.Plan, m.Total, m.Blue, m.Green, m.Yellow, m.Red, m.Grey, f.Completion) +
		i18n.T(ctx, "bul.overview_reporting", i18n.PeriodLabel(ctx, f.Period), Date(ctx, f.PeriodDue),
			f.Reporting.Expected, f.Reporting.Submitted, f.Reporting.OnTime, f.Reporting.OnTimePercent())
}

// Date renders a calendar day (2015年1月12日).
func Date(ctx context.Context, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	d := clock.Date(t)
	return i18n.T(ctx, "bul.date", d.Year(), int(d.Month()), d.Day())
}

// Pct renders a percentage with one decimal (95.5%).
func Pct(ctx context.Context, f float64) string { return i18n.T(ctx, "bul.pct", f) }
