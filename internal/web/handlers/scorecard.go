package handlers

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"duban/internal/figures"
	"duban/internal/paging"
	"duban/internal/web/render"
	"duban/views/components"
	"duban/views/pages/scorecard"
)

// scoreColumns are the sortable columns in display order with their
// catalog keys.
var scoreColumns = []struct{ key, label, class string }{
	{"unit", "dash.col.unit", ""},
	{"on_time", "dash.col.on_time_rate", "num"},
	{"return", "dash.col.return_rate", "num"},
	{"outstanding", "dash.col.outstanding", "num"},
	{"closed", "dash.col.closed_measures", "num"},
}

// parseSort reads "key" or "-key" (descending) from the allow-list;
// anything else is the default unit order.
func parseSort(v string) (key string, desc bool) {
	desc = strings.HasPrefix(v, "-")
	key = strings.TrimPrefix(v, "-")
	if !slices.Contains(figures.ScoreSortKeys(), key) {
		return "unit", false
	}
	return key, desc
}

// Scorecard is the unit scorecard (评价): per unit the on-time rate, the
// return rate, the reports outstanding and the measures closed, sortable
// by ?sort=key or ?sort=-key.
func (h *Handlers) Scorecard(c echo.Context) error {
	ctx := c.Request().Context()
	plans, planID, err := h.choosePlan(c, true)
	if err != nil {
		return err
	}
	if len(plans) == 0 {
		return render.Page(c, http.StatusOK, scorecard.Scorecard(scorecard.Page{}))
	}
	p := scorecard.Page{Picker: picker("/scorecard", plans, planID, true), HasPlan: true}
	if planID == 0 {
		// Every plan: from the read model's rollups, a row per unit.
		sum, err := figures.LoadSummary(ctx, h.Store, h.Clock.Now())
		if err != nil {
			return err
		}
		p.Scores = sum.Scorecard()
	} else {
		snap, err := figures.Load(ctx, h.Store, figures.Scope{PlanID: planID}, h.Clock.Now())
		if err != nil {
			return err
		}
		p.Plan, p.Scores = snap.Plan(planID), snap.Scorecard()
	}
	key, desc := parseSort(c.QueryParam("sort"))
	figures.SortScores(p.Scores, key, desc)
	// A province has thousands of units: 50 a page, as 督办 and the 台账.
	no, pages, from, to := paging.Of(c.QueryParam("page"), len(p.Scores))
	p.Scores = p.Scores[from:to]
	pq := url.Values{"plan": {planParam(planID)}}
	if c.QueryParam("sort") != "" {
		pq.Set("sort", c.QueryParam("sort"))
	}
	p.Pager = components.NewPager("/scorecard", pq, no, pages)
	for _, col := range scoreColumns {
		v := url.Values{"plan": {planParam(planID)}}
		sc := scorecard.Column{Key: col.label, Class: col.class}
		next := col.key
		if col.key == key {
			sc.Sort = "ascending"
			if desc {
				sc.Sort = "descending"
			} else {
				next = "-" + col.key
			}
		}
		v.Set("sort", next)
		sc.URL = "/scorecard?" + v.Encode()
		p.Columns = append(p.Columns, sc)
	}
	return render.Page(c, http.StatusOK, scorecard.Scorecard(p))
}

// planParam is the plan query parameter: an ID, or "all".
func planParam(planID int64) string {
	if planID == 0 {
		return "all"
	}
	return strconv.FormatInt(planID, 10)
}
