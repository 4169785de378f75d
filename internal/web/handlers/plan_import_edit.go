package handlers

// The admin corrects the parsed plan in the preview before confirming (see
// planimport.Correction); the corrections travel as fields of the confirm
// form, read here.

import (
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"duban/internal/planimport"
)

// readCorrection reads the correction form; nil when the post has none (a
// form from before corrections existed, or the CLI-like minimal post).
// Removed measures and targets are left out.
func readCorrection(c echo.Context) *planimport.Correction {
	if c.FormValue("edit") != "1" {
		return nil
	}
	corr := &planimport.Correction{}
	// The domains the form names, d0_… to the last; planimport fits them to
	// the parsed plan's.
	domains := 0
	params, _ := c.FormParams()
	for k := range params {
		rest, ok := strings.CutPrefix(k, "d")
		n, _, cut := strings.Cut(rest, "_")
		if i, err := strconv.Atoi(n); ok && cut && err == nil && i >= domains && i < planimport.MaxCorrectionRows {
			domains = i + 1
		}
	}
	for i := range domains {
		corr.Domains = append(corr.Domains, planimport.DomainFields{
			Label: strings.TrimSpace(c.FormValue("d" + strconv.Itoa(i) + "_label")),
			Title: strings.TrimSpace(c.FormValue("d" + strconv.Itoa(i) + "_title"))})
	}
	rows, _ := strconv.Atoi(c.FormValue("rows"))
	for k := range min(max(rows, 0), planimport.MaxCorrectionRows) {
		v := func(field string) string { return c.FormValue("m" + strconv.Itoa(k) + "_" + field) }
		if v("remove") == "1" {
			continue
		}
		f := planimport.MeasureFields{Src: v("src"), Domain: v("domain"), Label: strings.TrimSpace(v("label")),
			Title: strings.TrimSpace(v("title")), Lead: v("lead"), Responsible: v("responsible"),
			Due: strings.TrimSpace(v("due")), Ongoing: v("ongoing") == "1"}
		targets, _ := strconv.Atoi(v("targets"))
		for n := range min(max(targets, 0), planimport.MaxCorrectionTargets) {
			t := func(field string) string { return strings.TrimSpace(v("t" + strconv.Itoa(n) + "_" + field)) }
			if t("remove") == "1" {
				continue
			}
			f.Targets = append(f.Targets, planimport.TargetFields{Src: t("src"), Indicator: t("indicator"), Op: t("op"),
				Value: t("value"), Unit: t("unit"), Year: t("year")})
		}
		corr.Rows = append(corr.Rows, planimport.CorrectionRow{Form: f})
	}
	return corr
}
