package web_test

import (
	"net/http"
	"strings"
	"testing"

	"duban/internal/model"
)

// TestOverLongInputComesBackInTheForm: a client that ignores maxlength
// and sends 100,000 characters gets the report form again with what it
// typed, the field marked too long, and nothing saved; the form says the
// limit under each long field.
func TestOverLongInputComesBackInTheForm(t *testing.T) {
	e := newFlow(t)
	c := e.signAll("canlian")["canlian"]
	form := formURL(e.CoCanlian, e.Q1)

	page := c.Get(form)
	mustStatus(t, page, http.StatusOK, "the form")
	if got := wfText(t, page, "#progress-count"); got != "最多 5000 字" {
		t.Errorf("counter under 工作进展 = %q, want 最多 5000 字", got)
	}

	long := strings.Repeat("推进", 50_000) // 100,000 characters, 300 KB
	res := postMultipart(t, c, form, reportFields("0", "save", long, 10, "on_track"))
	mustStatus(t, res, http.StatusUnprocessableEntity, "100,000 characters")
	doc := res.Doc(t)
	field := doc.Find("textarea#progress").Closest(".field")
	if !field.HasClass("has-error") || !strings.Contains(field.Find(".field-error").Text(), "内容过长") {
		t.Errorf("the 工作进展 field is not marked too long: %q", field.Text()[:min(200, len(field.Text()))])
	}
	if got := doc.Find("textarea#progress").Text(); !strings.HasPrefix(got, "推进推进推进") || len(got) < 20_000 {
		t.Errorf("the typed text is not kept (%d bytes)", len(got))
	}
	if got := doc.Find("textarea#next_steps").Text(); got != "继续推进" {
		t.Errorf("下步计划 = %q, want the typed 继续推进", got)
	}
	if n := e.Count(&model.Report{}, "assignment_id = ?", e.CoCanlian.ID); n != 0 {
		t.Fatalf("an over-long report was saved")
	}
}
