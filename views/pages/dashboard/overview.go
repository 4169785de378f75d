package dashboard

import (
	"context"

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
		c.Bars = append(c.Bars, components.Bar{Label: GroupTitle(g), Value: g.Completion, Text: Pct(g.Completion), Class: cls})
	}
	return c
}

// periodChart draws the submission rate of each period.
func (p OverviewPage) periodChart(ctx context.Context) components.BarChart {
	c := components.BarChart{ID: "chart-periods", Title: i18n.T(ctx, "dash.rates.by_period"), Max: 100}
	for _, r := range p.PeriodRates {
		c.Bars = append(c.Bars, components.Bar{Label: i18n.PeriodLabel(ctx, r.Label), Short: r.Label, Value: r.Percent(),
			Text: Pct(r.Percent()), Class: RateClass(r.Percent())})
	}
	return c
}
