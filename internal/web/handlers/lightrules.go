package handlers

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"duban/internal/rules"
	"duban/internal/validate"
	"duban/internal/web/render"
	"duban/views/pages/lightrules"
)

// lightRuleFields describes the three thresholds of rules.Settings: form
// name, catalog keys, allowed range and default.
var lightRuleFields = []struct {
	name, label, hint string
	min, max          int
	get               func(rules.Settings) int
	set               func(*rules.Settings, int)
}{
	{"return_grace_days", "dash.lightrules.return_grace_days", "dash.lightrules.return_grace_days.hint", 0, 60,
		func(r rules.Settings) int { return r.ReturnGraceDays }, func(r *rules.Settings, v int) { r.ReturnGraceDays = v }},
	{"due_soon_days", "dash.lightrules.due_soon_days", "dash.lightrules.due_soon_days.hint", 0, 30,
		func(r rules.Settings) int { return r.DueSoonDays }, func(r *rules.Settings, v int) { r.DueSoonDays = v }},
	{"behind_points", "dash.lightrules.behind_points", "dash.lightrules.behind_points.hint", 0, 100,
		func(r rules.Settings) int { return r.BehindPoints }, func(r *rules.Settings, v int) { r.BehindPoints = v }},
}

func lightRulesPage(values map[string]string, errs validate.Errors) lightrules.Page {
	p := lightrules.Page{Errors: errs, MeasureRule: values["measure_rule"]}
	for _, f := range lightRuleFields {
		p.Fields = append(p.Fields, lightrules.Field{Name: f.name, Label: f.label, Hint: f.hint, Value: values[f.name],
			Min: f.min, Max: f.max, Default: f.get(rules.DefaultSettings), Error: errs[f.name]})
	}
	return p
}

// LightRulesForm shows the traffic-light thresholds for the admin to edit.
func (h *Handlers) LightRulesForm(c echo.Context) error {
	r, err := h.Store.LightRules(c.Request().Context())
	if err != nil {
		return err
	}
	values := map[string]string{}
	for _, f := range lightRuleFields {
		values[f.name] = strconv.Itoa(f.get(r))
	}
	values["measure_rule"] = r.MeasureRule
	return render.Page(c, http.StatusOK, lightrules.Form(lightRulesPage(values, nil)))
}

// SaveLightRules validates and stores new thresholds and the measure rule
// (audited by the store); a bad value re-renders the form with 422 and
// what was typed.
func (h *Handlers) SaveLightRules(c echo.Context) error {
	var r rules.Settings
	values, errs := map[string]string{}, validate.Errors{}
	for _, f := range lightRuleFields {
		v := strings.TrimSpace(c.FormValue(f.name))
		values[f.name] = v
		n, err := strconv.Atoi(v)
		switch {
		case v == "":
			errs.Set(f.name, "form.required")
		case err != nil:
			errs.Set(f.name, "dash.lightrules.err.number")
		case n < f.min || n > f.max:
			errs.Set(f.name, "dash.lightrules.err.range")
		default:
			f.set(&r, n)
		}
	}
	r.MeasureRule = c.FormValue("measure_rule")
	values["measure_rule"] = r.MeasureRule
	if r.MeasureRule != rules.MeasureByLead && r.MeasureRule != rules.MeasureByWorst {
		errs.Set("measure_rule", "rules.admin.measure_rule.err")
	}
	if len(errs) > 0 {
		return render.Page(c, http.StatusUnprocessableEntity, lightrules.Form(lightRulesPage(values, errs)))
	}
	if err := h.Store.SetLightRules(c.Request().Context(), actor(c), r); err != nil {
		return err
	}
	return render.Redirect(c, "/admin/lights", "ok", "dash.lightrules.saved")
}
