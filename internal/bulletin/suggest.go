package bulletin

import (
	"context"
	"fmt"
	"strings"

	"duban/internal/i18n"
)

// maxNamed is how many units or measures a suggested sentence names
// before it says "and N more".
const maxNamed = 10

// Suggest writes the suggested title and text sections from the figures,
// in the language of ctx; the office edits them before publishing.
func Suggest(ctx context.Context, f *Figures) Text {
	per := i18n.PeriodLabel(ctx, f.Period)
	t := Text{Title: i18n.T(ctx, "bul.suggest.title", per)}

	// 表扬: units that handed in every owed report on time, and closures.
	var good, bad []string
	for _, u := range f.Units {
		if u.Expected > 0 && u.OnTime == u.Expected {
			good = append(good, u.Unit)
		}
		if u.Missing() > 0 {
			bad = append(bad, i18n.T(ctx, "bul.suggest.unit_missing", u.Unit, u.Missing()))
		}
	}
	var praise []string
	if len(good) > 0 {
		praise = append(praise, i18n.T(ctx, "bul.suggest.praise_units", names(ctx, good), len(good), per))
	}
	if len(f.Closed) > 0 {
		var ms []string
		for _, c := range f.Closed {
			ms = append(ms, c.Measure)
		}
		praise = append(praise, i18n.T(ctx, "bul.suggest.praise_closed", len(f.Closed), names(ctx, ms)))
	}
	if len(praise) == 0 {
		praise = append(praise, i18n.T(ctx, "bul.suggest.praise_none", per))
	}
	t.Praise = strings.Join(praise, "\n")

	// 通报批评: units with reports not handed in, red lights, instructions
	// left without an answer.
	var crit []string
	if len(bad) > 0 {
		crit = append(crit, i18n.T(ctx, "bul.suggest.crit_missing", per, names(ctx, bad)))
	}
	if len(f.Red) > 0 {
		crit = append(crit, i18n.T(ctx, "bul.suggest.crit_red", f.Measures.Red, len(f.Red)))
	}
	if len(f.Instructions) > 0 {
		crit = append(crit, i18n.T(ctx, "bul.suggest.crit_instructions", len(f.Instructions)))
	}
	if len(crit) == 0 {
		crit = append(crit, i18n.T(ctx, "bul.suggest.crit_none"))
	}
	t.Criticism = strings.Join(crit, "\n")

	// 下步要求.
	req := []string{i18n.T(ctx, "bul.suggest.req_general")}
	if len(bad) > 0 {
		req = append(req, i18n.T(ctx, "bul.suggest.req_missing"))
	}
	if len(f.Red) > 0 {
		req = append(req, i18n.T(ctx, "bul.suggest.req_red"))
	}
	if len(f.Instructions) > 0 {
		req = append(req, i18n.T(ctx, "bul.suggest.req_instructions"))
	}
	for i := range req {
		req[i] = fmt.Sprintf("%d. %s", i+1, req[i])
	}
	t.Requirements = strings.Join(req, "\n")
	return t
}

// names lists names with the language's separator, cut after maxNamed.
func names(ctx context.Context, ns []string) string {
	sep := i18n.T(ctx, "bul.suggest.sep")
	if len(ns) > maxNamed {
		return strings.Join(ns[:maxNamed], sep) + i18n.T(ctx, "bul.suggest.more", len(ns)-maxNamed)
	}
	return strings.Join(ns, sep)
}
