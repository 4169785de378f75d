package web_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"duban/internal/clock"
	"duban/internal/model"
	"duban/internal/testutil"
)

// TestImportPreviewCorrections corrects a parsed plan in the preview with
// plain form posts (no JS): a field in error comes back with 422, the input
// kept and the problem next to it; corrections applied show in the tree;
// measures and targets are added and removed; the confirm stores the
// corrected plan.
func TestImportPreviewCorrections(t *testing.T) {
	p := testutil.Start(t)
	ctx := context.Background()
	c := p.Login("admin")
	res := uploadPlan(t, c, "plan.txt", []byte(testutil.SmallPlan), nil)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("preview = %d", res.StatusCode)
	}
	doc := res.Doc(t)
	if got := text(doc.Find(".preview-horizon")); got != "2014–2015" {
		t.Errorf("horizon = %q, want 2014–2015 for a two-year plan", got)
	}
	if n := doc.Find("form.confirm-form details.measure-edit").Length(); n != 3 {
		t.Fatalf("%d correction panels, want one per measure", n)
	}
	before := counts(t, p)
	post := func(v map[string]string, action string) *testutil.Response {
		t.Helper()
		form := confirmForm(t, doc, nil)
		for k, x := range v {
			form.Set(k, x)
		}
		if action != "" {
			form.Set("action", action)
		}
		return c.PostForm("/admin/plans/import/confirm", form)
	}

	// Wrong input: the page comes back with 422, the input kept, the
	// problems at their fields, nothing stored.
	res = post(map[string]string{"m0_title": " ", "m0_t0_value": "九十五", "m0_due": "2015-13-01", "m1_t0_op": "≈"}, "update")
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("invalid corrections = %d, want 422", res.StatusCode)
	}
	bad := res.Doc(t)
	for field, want := range map[string]string{"m0_title": "", "m0_t0_value": "九十五", "m0_due": "2015-13-01"} {
		in := bad.Find(`[name="` + field + `"]`)
		if got, _ := in.Attr("value"); got != want {
			t.Errorf("%s = %q after the error, want the input %q", field, got, want)
		}
		if in.Closest(".has-error").Find(".field-error").Length() == 0 {
			t.Errorf("%s has no problem shown next to it", field)
		}
	}
	if bad.Find(`details.measure-edit[open]`).Length() != 2 {
		t.Errorf("the panels with errors should be open: %d open", bad.Find(`details.measure-edit[open]`).Length())
	}
	if counts(t, p) != before {
		t.Fatal("an invalid correction stored something")
	}

	// Add a target to (一)1 and a measure to (二): the page comes back with
	// empty rows to fill.
	res = post(nil, "add_target:0")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("add target = %d", res.StatusCode)
	}
	doc = res.Doc(t)
	if got, _ := doc.Find(`input[name="m0_targets"]`).Attr("value"); got != "2" {
		t.Fatalf("targets of row 0 after adding = %q", got)
	}
	res = post(nil, "add_measure:1")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("add measure = %d", res.StatusCode)
	}
	doc = res.Doc(t)
	if got, _ := doc.Find(`input[name="rows"]`).Attr("value"); got != "4" {
		t.Fatalf("rows after adding a measure = %q", got)
	}
	if got, _ := doc.Find(`input[name="m3_label"]`).Attr("value"); got != "2." {
		t.Errorf("the new measure of (二) is labelled %q, want 2.", got)
	}

	// Correct everything and apply: the tree shows the corrected plan.
	fix := map[string]string{
		"d1_title":        "就业创业",
		"m0_title":        "建立普惠性学前教育体系",
		"m0_label":        "1.",
		"m0_lead":         "市教育局\n市发展改革局",
		"m0_due":          "2015-06-30",
		"m0_t0_value":     "95",
		"m0_t1_indicator": "公办幼儿园在园幼儿占比", "m0_t1_op": ">=", "m0_t1_value": "50", "m0_t1_unit": "%", "m0_t1_year": "2015",
		"m1_remove":    "1",
		"m2_ongoing":   "1",
		"m2_t0_remove": "1",
		"m3_title":     "援助就业困难人员",
		"m3_lead":      "市人力资源社会保障局",
	}
	res = post(fix, "update")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("apply corrections = %d: %s", res.StatusCode, text(res.Doc(t).Find(".field-error")))
	}
	doc = res.Doc(t)
	var tree []string
	doc.Find(".preview-measure").Each(func(_ int, s *goquery.Selection) { tree = append(tree, text(s.Find("div").First())) })
	if strings.Join(tree, "|") != "(一)1 建立普惠性学前教育体系|(二)1 扩大就业|(二)2 援助就业困难人员" {
		t.Errorf("tree after corrections = %q", tree)
	}
	if got := text(doc.Find(".preview-counts")); got != "2 个领域、3 项任务、2 个量化指标" {
		t.Errorf("counts = %q", got)
	}
	if got := text(doc.Find(".preview-domain > summary").Eq(1)); !strings.Contains(got, "就业创业") {
		t.Errorf("domain title = %q", got)
	}
	if got := text(doc.Find(".measure-due").First()); !strings.Contains(got, "2015-06-30") {
		t.Errorf("due of (一)1 = %q", got)
	}
	if counts(t, p) != before {
		t.Fatal("applying corrections stored something")
	}

	// Confirm: the corrected plan is stored.
	form := confirmForm(t, doc, nil)
	res = c.PostForm("/admin/plans/import/confirm", form)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("confirm = %d: %s", res.StatusCode, text(res.Doc(t).Find(".flash-error, .field-error")))
	}
	planID, _ := strconv.ParseInt(strings.TrimPrefix(res.Header.Get("Location"), "/plans/"), 10, 64)
	ms, _ := p.App.Store.MeasuresOf(ctx, planID)
	if len(ms) != 3 {
		t.Fatalf("stored %d measures, want 3", len(ms))
	}
	m0 := ms[0]
	if m0.Title != "建立普惠性学前教育体系" || clock.DayText(m0.DueOn) != "2015-06-30" || m0.DueNote != "" {
		t.Errorf("(一)1 stored as %q due %s %q", m0.Title, clock.DayText(m0.DueOn), m0.DueNote)
	}
	ts, _ := p.App.Store.TargetsOf(ctx, m0.ID)
	if len(ts) != 2 || ts[0].Value != 95 || ts[1].Indicator != "公办幼儿园在园幼儿占比" || ts[1].Op != ">=" || ts[1].Value != 50 {
		t.Errorf("targets of (一)1 = %+v", ts)
	}
	as, _ := p.App.Store.AssignmentsOf(ctx, m0.ID)
	edu, _ := p.App.Store.UnitByName(ctx, "市教育局")
	fresh, err := p.App.Store.UnitByName(ctx, "市发展改革局")
	if err != nil {
		t.Fatalf("a unit typed in the correction was not created: %v", err)
	}
	var leads []int64
	for _, a := range as {
		if a.Role == model.AssignLead {
			leads = append(leads, a.UnitID)
		}
	}
	if len(leads) != 2 || leads[0] != edu.ID || leads[1] != fresh.ID {
		t.Errorf("(一)1 leads = %v, want 市教育局 %d and 市发展改革局 %d", leads, edu.ID, fresh.ID)
	}
	if !ms[1].Ongoing || ms[1].Title != "扩大就业" {
		t.Errorf("(二)1 = %q ongoing %v", ms[1].Title, ms[1].Ongoing)
	}
	if ts, _ := p.App.Store.TargetsOf(ctx, ms[1].ID); len(ts) != 0 {
		t.Errorf("the removed target of (二)1 was stored: %+v", ts)
	}
	if ms[2].Title != "援助就业困难人员" || ms[2].Label != "2." {
		t.Errorf("the added measure = %s %q", ms[2].Label, ms[2].Title)
	}
	ds, _ := p.App.Store.DomainsOf(ctx, planID)
	if len(ds) != 2 || ds[1].Title != "就业创业" || ms[2].DomainID != ds[1].ID {
		t.Errorf("domains = %+v", ds)
	}
}
