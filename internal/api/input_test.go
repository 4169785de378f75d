package api_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"duban/internal/config"
	"duban/internal/evidence"
)

// TestProblemsSpeakTheCallersLanguage: what huma refuses before a handler
// runs (an enum, a parameter's type, an unknown field) and what the
// handlers' own JSON reading refuses come back with the fields named and
// the messages in the caller's Accept-Language, never in huma's English.
func TestProblemsSpeakTheCallersLanguage(t *testing.T) {
	e := start(t)
	pr := demoPair(t, e.p)
	co, office := e.token(pr.co, noScope), e.token("duchashi", noScope)
	period := currentPeriod(t, e, co, pr.coAsg)
	form := path("/assignments/%d/periods/%d/report", pr.coAsg, period)
	plan := path("/ledger?plan=%d", pr.plan)

	cases := []struct {
		name, token, method, path string
		body                      any
		status                    int
		field, zh, en             string
	}{
		{"enum", office, "POST", "/reports/1/review", m{"decision": "maybe"}, http.StatusUnprocessableEntity,
			"decision", "应为以下取值之一", "Expected one of"},
		{"unknown body field", office, "POST", "/reports/1/review", m{"decision": "approve", "colour": "red"}, http.StatusUnprocessableEntity,
			"colour", "不支持该字段", "not accepted"},
		{"parameter type", office, "GET", "/ledger?plan=abc", nil, http.StatusBadRequest,
			"plan", "应为整数", "Expected an integer"},
		{"parameter maximum", office, "GET", plan + "&limit=5000", nil, http.StatusBadRequest,
			"limit", "应不大于 200", "at most 200"},
		{"unknown parameter", office, "GET", plan + "&colour=red", nil, http.StatusBadRequest,
			"colour", "不支持该查询参数", "not supported"},
		{"report field type", co, "PUT", form, m{"progress_state": "on_track", "percent": "forty"}, http.StatusUnprocessableEntity,
			"percent", "应为整数", "Expected an integer"},
		{"report unknown field", co, "PUT", form, m{"progress_state": "on_track", "percentage": 40}, http.StatusUnprocessableEntity,
			"percentage", "不支持该字段", "not accepted"},
	}
	for _, c := range cases {
		for _, lang := range []string{"zh-CN", "en"} {
			var p problemJSON
			want(t, e.call(c.token, c.method, c.path, c.body, "Accept-Language", lang, "If-Match", `"1"`), c.status).json(t, &p)
			msg, detail := c.zh, "请求"
			if lang == "en" {
				msg, detail = c.en, "request"
			}
			if !strings.Contains(p.Fields[c.field], msg) {
				t.Errorf("%s (%s): field %q = %q, want %q; %+v", c.name, lang, c.field, p.Fields[c.field], msg, p)
			}
			if !strings.Contains(strings.ToLower(p.Detail), detail) || strings.Contains(p.Detail, "validation failed") {
				t.Errorf("%s (%s): detail %q", c.name, lang, p.Detail)
			}
			for f, v := range p.Fields {
				if lang == "zh-CN" && strings.HasPrefix(v, "expected") || strings.HasPrefix(v, "invalid") {
					t.Errorf("%s (%s): huma's own text for %s: %q", c.name, lang, f, v)
				}
			}
		}
	}

	// Not JSON at all: 400 saying so, in the caller's language.
	req, _ := http.NewRequest("PUT", e.p.Server.URL+"/api/v1"+form, strings.NewReader("{progress"))
	req.Header.Set("Authorization", "Bearer "+co)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept-Language", "zh-CN")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	b.ReadFrom(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(b.String(), "不是有效的 JSON") {
		t.Fatalf("malformed JSON: %d %s", res.StatusCode, b.String())
	}
}

// TestBodiesOverTheLimit: a body larger than the portal takes is 413
// problem+json before anything is stored, whether announced by its length
// or found while streaming an evidence file; the limits are the pages'
// (MaxUploadMB per file, a little more for the whole body).
func TestBodiesOverTheLimit(t *testing.T) {
	e := start(t, func(c *config.Config) { c.MaxUploadMB = 1 })
	pr := demoPair(t, e.p)
	co := e.token(pr.co, noScope)
	period := currentPeriod(t, e, co, pr.coAsg)
	form := path("/assignments/%d/periods/%d/report", pr.coAsg, period)
	want(t, e.call(co, "POST", path("/assignments/%d/sign", pr.coAsg), nil), http.StatusOK)
	before := countFiles(t, e.p.Config.DataDir)
	draft := m{"progress_state": "on_track", "percent": 40, "progress": "进展"}

	// One file over the per-file limit, inside the body limit.
	big := append(evidence.SamplePDF("big"), bytes.Repeat([]byte("%"), 1<<20+1024)...)
	var p problemJSON
	want(t, e.call(co, "PUT", form, reportWithFiles(t, draft, map[string][]byte{"大文件.pdf": big}), "Accept-Language", "zh-CN"),
		http.StatusRequestEntityTooLarge).json(t, &p)
	if !strings.Contains(p.Detail, "超过大小上限") {
		t.Fatalf("file over the limit: %+v", p)
	}
	// A whole body over the limit (two files of 0.9 MB each fit one by one,
	// four do not fit the body).
	part := append(evidence.SamplePDF("part"), bytes.Repeat([]byte("%"), 900<<10)...)
	files := map[string][]byte{"1.pdf": part, "2.pdf": part, "3.pdf": part, "4.pdf": part}
	want(t, e.call(co, "PUT", form, reportWithFiles(t, draft, files), "Accept-Language", "en"),
		http.StatusRequestEntityTooLarge).json(t, &p)
	if !strings.Contains(p.Detail, "size limit") {
		t.Fatalf("body over the limit: %+v", p)
	}
	if n := countFiles(t, e.p.Config.DataDir); n != before {
		t.Fatalf("refused bodies left %d files", n-before)
	}
	// Under the limits the same form is taken.
	want(t, e.call(co, "PUT", form, reportWithFiles(t, draft, map[string][]byte{"1.pdf": part}), "Accept-Language", "en"), http.StatusOK)
}
