package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"duban/internal/evidence"
	"duban/internal/model"
)

// An extension and an instruction through the real router: forms, field
// errors re-rendered with 422, 409 for a second open request, 404 for
// another unit's objects, downloads of the evidence, the queue and the
// to-do page, the timeline filter.
func TestExtensionAndInstructionPages(t *testing.T) {
	e := newFlow(t)
	m := e.F.Measures[0]
	measure := fmt.Sprintf("/measures/%d", m.ID)
	taishan, canlian, jiaoyuju := e.P.Login("taishan"), e.P.Login("canlian"), e.P.Login("jiaoyuju")
	rv, leader := e.P.Login("duchashi"), e.P.Login("lingdao")

	// 台山 sees its request form; the office does not.
	if d := taishan.Get(measure).Doc(t); d.Find("form.request-form").Length() != 1 || d.Find("form.instruction-form").Length() != 0 {
		t.Fatalf("台山's measure page: request form %d, instruction form %d",
			d.Find("form.request-form").Length(), d.Find("form.instruction-form").Length())
	}
	if d := rv.Get(measure).Doc(t); d.Find("form.request-form").Length() != 0 || d.Find("form.instruction-form").Length() != 1 {
		t.Fatal("the office's measure page offers the wrong forms")
	}
	ask := fmt.Sprintf("/assignments/%d/extensions", e.CoTaishan.ID)
	res := postMultipart(t, taishan, ask, url.Values{"proposed_on": {"2015-01-01"}, "reason": {""}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad request = %d", res.StatusCode)
	}
	if d := res.Doc(t); d.Find("#proposed_on-error").Length() != 1 || d.Find("#ext-reason-error").Length() != 1 ||
		d.Find("input#proposed_on").AttrOr("value", "") != "2015-01-01" {
		t.Fatal("the refused form does not show its errors and input")
	}
	// 市残联 may not ask for 台山's assignment; 市教育局 (another unit's, as lead observer) neither.
	if res := postMultipart(t, canlian, ask, url.Values{"proposed_on": {"2016-03-31"}, "reason": {"x"}}); res.StatusCode != http.StatusNotFound {
		t.Fatalf("another unit asks = %d", res.StatusCode)
	}
	pdf := evidence.SamplePDF("场地改造说明")
	res = postMultipart(t, taishan, ask, url.Values{"proposed_on": {"2016-03-31"}, "reason": {"场地改造未完工"}},
		upload{"场地改造说明.pdf", pdf})
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), measure) {
		t.Fatalf("request = %d → %s", res.StatusCode, res.Header.Get("Location"))
	}
	if res := postMultipart(t, taishan, ask, url.Values{"proposed_on": {"2016-06-30"}, "reason": {"again"}}); res.StatusCode != http.StatusConflict {
		t.Fatalf("second open request = %d, want 409", res.StatusCode)
	}
	xs, err := e.P.App.Store.ExtensionsOfMeasure(context.Background(), m.ID)
	if err != nil || len(xs) == 0 {
		t.Fatalf("no extension request stored: %v", err)
	}
	x := xs[len(xs)-1]
	// The office's queue on / shows it with its age; its file downloads.
	home := rv.Get("/").Doc(t)
	if home.Find("#todo-extensions tbody tr").Length() != 1 || !strings.Contains(home.Find("#todo-extensions").Text(), "场地改造未完工") {
		t.Fatal("the office's queue does not list the pending request")
	}
	var cf model.CaseFile
	cfs, _ := e.P.App.Store.CaseFilesOfMeasure(context.Background(), m.ID)
	for _, f := range cfs {
		if f.ExtensionID != nil && *f.ExtensionID == x.ID {
			cf = f
		}
	}
	if res := rv.Get(fmt.Sprintf("/case-files/%d", cf.ID)); res.StatusCode != http.StatusOK || res.Body != string(pdf) {
		t.Fatalf("office downloads the evidence = %d", res.StatusCode)
	}
	if res := canlian.Get(fmt.Sprintf("/case-files/%d", cf.ID)); res.StatusCode != http.StatusNotFound {
		t.Fatalf("a co-unit downloads another's evidence = %d", res.StatusCode)
	}
	if res := jiaoyuju.Get(fmt.Sprintf("/case-files/%d", cf.ID)); res.StatusCode != http.StatusOK {
		t.Fatalf("the lead unit downloads the evidence = %d", res.StatusCode)
	}
	// The office rejects without a reason (422), then approves another date.
	decide := fmt.Sprintf("/extensions/%d/decide", x.ID)
	if res := rv.PostForm(decide, url.Values{"decision": {"reject"}, "reason": {""}}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("reject without reason = %d", res.StatusCode)
	}
	if res := taishan.PostForm(decide, url.Values{"decision": {"approve"}}); res.StatusCode != http.StatusForbidden {
		t.Fatalf("a unit decides = %d", res.StatusCode)
	}
	if res := rv.PostForm(decide, url.Values{"decision": {"approve"}, "decided_on": {"2016-02-29"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve = %d", res.StatusCode)
	}
	asg := fmt.Sprintf("/assignments/%d", e.CoTaishan.ID)
	d := taishan.Get(asg).Doc(t)
	if cells := d.Find("#deadline table.deadlines td"); !strings.Contains(cells.Text(), "2015-12-31") || !strings.Contains(cells.Text(), "2016-02-29") {
		t.Fatalf("assignment page deadlines: %q", cells.Text())
	}

	// A leader writes an instruction naming 市残联; the lead answers with a file.
	res = leader.PostForm(measure+"/instructions", url.Values{"body": {"请加快推进"}, "due_on": {"2015-04-10"},
		"co_unit": {fmt.Sprint(e.F.Units["市残联"])}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("instruction = %d", res.StatusCode)
	}
	if res := leader.PostForm(measure+"/instructions", url.Values{"body": {""}}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("empty instruction = %d", res.StatusCode)
	}
	if res := jiaoyuju.PostForm(measure+"/instructions", url.Values{"body": {"x"}}); res.StatusCode != http.StatusForbidden {
		t.Fatalf("a unit writes an instruction = %d", res.StatusCode)
	}
	if !strings.Contains(canlian.Get("/todo").Doc(t).Find("#todo-instructions").Text(), "请加快推进") {
		t.Fatal("the named co-unit's to-do page does not list the instruction")
	}
	ins, _, err := e.P.App.Store.InstructionsOfMeasure(context.Background(), m.ID)
	if err != nil || len(ins) == 0 {
		t.Fatalf("no instruction stored: %v", err)
	}
	in := ins[len(ins)-1]
	answer := fmt.Sprintf("/instructions/%d/answer", in.ID)
	if res := postMultipart(t, canlian, answer, url.Values{"reply": {"x"}}); res.StatusCode != http.StatusForbidden {
		t.Fatalf("a co-unit answers = %d", res.StatusCode)
	}
	res = postMultipart(t, jiaoyuju, answer, url.Values{"reply": {"已新增学位1200个"}}, upload{"落实情况.pdf", evidence.SamplePDF("落实")})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("answer = %d", res.StatusCode)
	}
	page := leader.Get(measure).Doc(t)
	tl := page.Find("#timeline ol.timeline")
	if tl.Find("li.tl-instruction").Length() != 1 || tl.Find("li.tl-instruction_reply").Length() != 1 ||
		tl.Find("li.tl-ext_approved").Length() != 1 || !strings.Contains(tl.Find("li.tl-instruction_reply").Text(), "落实情况.pdf") {
		t.Fatalf("leader's timeline: %q", tl.Text())
	}
	// Filtered by unit (without JavaScript: a GET form).
	f := leader.Get(fmt.Sprintf("%s?unit=%d", measure, e.F.Units["市残联"])).Doc(t)
	if f.Find("li.tl-ext_requested").Length() != 0 || f.Find("li.tl-assigned").Length() != 1 {
		t.Fatal("the unit filter keeps other units' events")
	}
	if res := leader.Get(measure + "?unit=x"); res.StatusCode != http.StatusBadRequest {
		t.Fatalf("bad unit filter = %d", res.StatusCode)
	}
	ctx := context.Background()
	if n, _ := e.P.App.Store.CountPendingExtensions(ctx); n != 0 {
		t.Fatalf("pending after approval = %d", n)
	}
}
