package dashboard

import (
	"context"
	"duban/internal/format"

	"duban/internal/clock"
	"duban/internal/figures"
	"duban/internal/i18n"
	"duban/views/components"
)

// ledgerQuery links to the 台账 filtered by a light, in the page's plan.
func (p OverviewPage) ledgerQuery(light string) string {
	q := "?light=" + light
	if p.Plan != nil {
		q += "&plan=" + I64(p.Plan.ID)
	}
	return q
}

// supervisionURL links the top of the overdue and at-risk list to the
// whole list, paged on 督办 (which shows one plan: the newest when the
// overview shows every plan).
func (p OverviewPage) supervisionURL() string {
	if p.Plan != nil {
		return "/supervision?plan=" + I64(p.Plan.ID)
	}
	return "/supervision"
}

// notDue reports whether a period's reports are not yet due on the
// portal's date (its due date still counts as on time).
func (p OverviewPage) notDue(r figures.PeriodRate) bool {
	return !p.Today.IsZero() && !p.Today.After(clock.Date(r.DueOn))
}

// completionChart draws each row's completion.
func (p OverviewPage) completionChart(ctx context.Context) components.BarChart {
	c := components.BarChart{ID: "chart-completion", Title: i18n.T(ctx, "dash.chart.completion"), Max: 100}
	for _, g := range p.Groups {
		cls := "accent"
		if g.Counts.Red > 0 {
			cls = "red"
		} else if g.Counts.Yellow > 0 {
			cls = "yellow"
		} else if g.Counts.Total > 0 && g.Counts.Blue == g.Counts.Total {
			cls = "blue"
		}
		c.Bars = append(c.Bars, components.Bar{Label: GroupTitle(g), Value: g.Completion, Text: format.Pct(g.Completion), Class: cls})
	}
	return c
}

// periodChart draws the submission rate of each period.
func (p OverviewPage) periodChart(ctx context.Context) components.BarChart {
	c := components.BarChart{ID: "chart-periods", Title: i18n.T(ctx, "dash.rates.by_period"), Max: 100}
	for _, r := range p.PeriodRates {
		b := components.Bar{Label: i18n.PeriodLabel(ctx, r.Label), Value: r.Percent(),
			Text: format.Pct(r.Percent()), Class: RateClass(r.Percent(), p.notDue(r))}
		if p.notDue(r) {
			b.Note = i18n.T(ctx, "ux2.rate.not_due")
		}
		c.Bars = append(c.Bars, b)
	}
	return c
}
