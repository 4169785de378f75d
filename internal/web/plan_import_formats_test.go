package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"duban/internal/testutil"
)

// TestImportDocxPreviewAndConfirm: a .docx goes through the same preview
// and confirm as text; the preview shows its format, each deadline with its
// phrase, inherited units and every warning, in the admin's language, and
// offers the text it read for correction; the deadlines are stored.
func TestImportDocxPreviewAndConfirm(t *testing.T) {
	p := testutil.Start(t)
	c := p.Login("admin")
	before := counts(t, p)
	res := uploadPlan(t, c, "分工方案.docx", testutil.DividedPlanDocx(), nil)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("preview = %d: %s", res.StatusCode, text(res.Doc(t).Find(".flash-error, .field-error")))
	}
	doc := res.Doc(t)
	if got := text(doc.Find(".preview-format")); !strings.Contains(got, ".docx") {
		t.Errorf("format = %q", got)
	}
	if got := text(doc.Find(".preview-counts")); !strings.Contains(got, "2") {
		t.Errorf("counts = %q", got)
	}
	dues := doc.Find(".measure-due")
	if dues.Length() != 4 {
		t.Fatalf("got %d deadlines, want one per measure (4)", dues.Length())
	}
	for i, want := range [][2]string{{"2023-06-30", "2023年6月底前"}, {"长期", "长期坚持"}, {"长期", "持续推进"}, {"方案期末 2023-12-31", ""}} {
		got, phrase := text(dues.Eq(i)), text(dues.Eq(i).Find("q.due-source"))
		if !strings.Contains(got, want[0]) || phrase != want[1] {
			t.Errorf("deadline %d = %q with phrase %q, want %q and %q", i, got, phrase, want[0], want[1])
		}
	}
	if got := doc.Find(".preview-measure").Eq(2).Find(".units-inherited").Length(); got != 1 {
		t.Errorf("measure 二、1. takes its part's units: inherited badge %d", got)
	}
	if got := doc.Find(".preview-measure").Eq(0).Find(".units-inherited").Length(); got != 0 {
		t.Errorf("measure 一、1. has its own units: inherited badge %d", got)
	}
	warnings := text(doc.Find(".warnings-list"))
	for _, want := range []string{"编号从 1. 跳到 4.", "测试区市场监管局", "没有对应的单位"} {
		if !strings.Contains(warnings, want) {
			t.Errorf("warnings %q lack %q", warnings, want)
		}
	}
	if strings.Contains(warnings, "numbering") || strings.Contains(warnings, "matches no unit") {
		t.Errorf("a warning is not translated: %q", warnings)
	}
	corr := doc.Find("details.correct-text textarea[name=text]").Text()
	if !strings.Contains(corr, "一、提升政务服务效能") || !strings.Contains(corr, "完成时限:长期坚持") {
		t.Errorf("the text to correct = %q", corr)
	}
	if after := counts(t, p); after != before {
		t.Fatalf("the preview stored something: %v → %v", before, after)
	}

	// The admin corrects the text: the skipped number and a deadline.
	fixed := strings.Replace(strings.Replace(corr, "4.规范涉企收费。", "2.规范涉企收费。", 1), "完成时限:长期坚持", "完成时限:2023年9月底前", 1)
	res = uploadPlan(t, c, "", nil, map[string]string{"text": fixed})
	doc = res.Doc(t)
	if res.StatusCode != http.StatusOK || strings.Contains(text(doc.Find(".warnings-list")), "跳到") ||
		!strings.Contains(text(doc.Find(".measure-due").Eq(1)), "2023-09-30") {
		t.Fatalf("corrected preview = %d, warnings %q, due %q", res.StatusCode, text(doc.Find(".warnings-list")), text(doc.Find(".measure-due").Eq(1)))
	}

	// Confirm the .docx as uploaded.
	res = uploadPlan(t, c, "分工方案.docx", testutil.DividedPlanDocx(), nil)
	res = c.PostForm("/admin/plans/import/confirm", confirmForm(t, res.Doc(t), nil))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("confirm = %d", res.StatusCode)
	}
	ctx := context.Background()
	plans, err := p.App.Store.ListPlans(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var planID int64
	for _, pl := range plans {
		if pl.Title == "测试区优化营商环境重点任务分工方案(2023年)" {
			planID = pl.ID
		}
	}
	if planID == 0 {
		t.Fatal("the plan was not stored")
	}
	ms, err := p.App.Store.MeasuresOf(ctx, planID)
	if err != nil || len(ms) != 4 {
		t.Fatalf("measures = %d, %v", len(ms), err)
	}
	if d := ms[0].DueOn.Format("2006-01-02"); d != "2023-06-30" || ms[0].DueNote != "2023年6月底前" || ms[0].Ongoing {
		t.Errorf("measure 1 due %s %q %v", d, ms[0].DueNote, ms[0].Ongoing)
	}
	if d := ms[1].DueOn.Format("2006-01-02"); d != "2023-12-31" || ms[1].DueNote != "长期坚持" || !ms[1].Ongoing {
		t.Errorf("measure 2 due %s %q %v", d, ms[1].DueNote, ms[1].Ongoing)
	}
}
