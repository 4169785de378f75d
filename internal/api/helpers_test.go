package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strings"
	"sync"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"

	"duban/internal/api"
	"duban/internal/auth"
	"duban/internal/model"
	"duban/internal/store"
	"duban/internal/testutil"
	"duban/internal/workflow"
)

// env is a portal with its API document loaded into a validator: every
// response a test gets through call is checked against the document.
type env struct {
	t     *testing.T
	p     *testutil.Portal
	v     validator.Validator
	mu    sync.Mutex
	calls int
}

func start(t *testing.T, opts ...testutil.Option) *env {
	t.Helper()
	p := testutil.Start(t, opts...)
	res, err := http.Get(p.Server.URL + api.OpenAPIPath)
	if err != nil {
		t.Fatal(err)
	}
	spec, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("openapi.json: %d", res.StatusCode)
	}
	doc, err := libopenapi.NewDocument(spec)
	if err != nil {
		t.Fatal(err)
	}
	v, errs := validator.NewValidator(doc)
	if len(errs) > 0 {
		t.Fatalf("validator: %v", errs)
	}
	e := &env{t: t, p: p, v: v}
	t.Cleanup(func() {
		if !t.Failed() && e.calls == 0 {
			t.Error("no API call was validated")
		}
	})
	return e
}

// token makes a token for a demo user.
func (e *env) token(username string, n auth.NewToken) string {
	e.t.Helper()
	if n.Name == "" {
		n.Name = "test"
	}
	u, err := e.p.App.Store.UserByUsername(e.t.Context(), username)
	if err != nil {
		e.t.Fatal(err)
	}
	secret, _, err := auth.NewTokens(e.p.App.Store, e.p.Clock).Create(e.t.Context(), store.ActorOf(u, "test"), u.ID, n)
	if err != nil {
		e.t.Fatal(err)
	}
	return secret
}

// resp is an API answer.
type resp struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r *resp) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

// m is a JSON object.
type m = map[string]any

// call sends a request (body: nil, a JSON value, or a *multipartBody) and
// validates the answer against the OpenAPI document.
func (e *env) call(token, method, path string, body any, hdr ...string) *resp {
	e.t.Helper()
	var rd io.Reader
	ct := ""
	switch b := body.(type) {
	case nil:
	case *multipartBody:
		rd, ct = bytes.NewReader(b.buf.Bytes()), b.w.FormDataContentType()
	default:
		j, _ := json.Marshal(b)
		rd, ct = bytes.NewReader(j), "application/json"
	}
	req, _ := http.NewRequest(method, e.p.Server.URL+api.Prefix+path, rd)
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	e.validate(req, res, b)
	return &resp{Status: res.StatusCode, Header: res.Header, Body: b}
}

// validate checks one answer against the document.
func (e *env) validate(req *http.Request, res *http.Response, body []byte) {
	e.t.Helper()
	e.mu.Lock()
	e.calls++
	e.mu.Unlock()
	vreq := req.Clone(req.Context())
	vreq.URL.Path = strings.TrimPrefix(vreq.URL.Path, api.Prefix) // the document's server is /api/v1
	vres := *res
	vres.Body = io.NopCloser(bytes.NewReader(body))
	if ok, errs := e.v.ValidateHttpResponse(vreq, &vres); !ok {
		var msgs []string
		for _, x := range errs {
			msgs = append(msgs, x.Message+": "+x.Reason)
			for _, s := range x.SchemaValidationErrors {
				msgs = append(msgs, "  "+s.Reason+" at "+s.FieldPath)
			}
		}
		e.t.Errorf("%s %s → %d does not match the OpenAPI document:\n%s\n%.400s", req.Method, req.URL.Path, res.StatusCode, strings.Join(msgs, "\n"), body)
	}
}

// want fails unless the answer has status.
func want(t *testing.T, r *resp, status int) *resp {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %s", r.Status, status, r.Body)
	}
	return r
}

// multipartBody is a report with evidence files.
type multipartBody struct {
	buf bytes.Buffer
	w   *multipart.Writer
}

func reportWithFiles(t *testing.T, report any, files map[string][]byte) *multipartBody {
	t.Helper()
	return withFiles(t, "report", report, files)
}

// withFiles is a write's JSON in the part named part, with evidence files.
func withFiles(t *testing.T, part string, body any, files map[string][]byte) *multipartBody {
	t.Helper()
	mb := &multipartBody{}
	mb.w = multipart.NewWriter(&mb.buf)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="`+part+`"`)
	h.Set("Content-Type", "application/json")
	pw, _ := mb.w.CreatePart(h)
	j, _ := json.Marshal(body)
	pw.Write(j)
	for name, b := range files {
		fw, _ := mb.w.CreateFormFile("files", name)
		fw.Write(b)
	}
	if err := mb.w.Close(); err != nil {
		t.Fatal(err)
	}
	return mb
}

// pair is a measure led by one demo unit with another demo unit as co-unit.
type pair struct {
	measure          int64
	plan             int64
	lead, co         string // usernames
	leadAsg, coAsg   int64
	leadUnit, coUnit int64
}

// tokens are tokens for the pair's co-unit and lead unit, the office and
// the third demo unit (a stranger to the pair's assignments).
func (e *env) tokens(pr pair) (co, lead, office, stranger string) {
	return e.token(pr.co, noScope), e.token(pr.lead, noScope), e.token("duchashi", noScope), e.token(pr.third(), noScope)
}

// instruction has the demo leader write an instruction on a measure.
func (e *env) instruction(measure int64, body string) *model.Instruction {
	e.t.Helper()
	leader, err := e.p.App.Store.UserByUsername(e.t.Context(), "lingdao")
	if err != nil {
		e.t.Fatal(err)
	}
	ins, err := workflow.New(e.p.App.Store, nil).WriteInstruction(e.t.Context(), store.ActorOf(leader, "test"),
		workflow.InstructionInput{MeasureID: measure, Body: body})
	if err != nil {
		e.t.Fatal(err)
	}
	return ins
}

// third is the demo unit account that is neither the lead nor the co-unit.
func (pr pair) third() string {
	for _, n := range []string{"jiaoyuju", "canlian", "taishan"} {
		if n != pr.co && n != pr.lead {
			return n
		}
	}
	return ""
}

// demoPair finds a measure of the demo plan led by one demo unit account's
// unit with another's as co-unit.
func demoPair(t *testing.T, p *testutil.Portal) pair {
	t.Helper()
	ctx := t.Context()
	users := map[int64]string{}
	for _, name := range []string{"jiaoyuju", "canlian", "taishan"} {
		u, err := p.App.Store.UserByUsername(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		users[u.UnitIDOr0()] = name
	}
	plans, err := p.App.Store.ListPlans(ctx)
	if err != nil || len(plans) == 0 {
		t.Fatalf("plans: %v", err)
	}
	rows, err := p.App.Store.AssignmentRowsOfPlan(ctx, plans[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	byMeasure := map[int64][]store.AssignmentRow{}
	for _, r := range rows {
		byMeasure[r.MeasureID] = append(byMeasure[r.MeasureID], r)
	}
	for _, r := range rows {
		if r.Role != model.AssignLead || users[r.UnitID] == "" {
			continue
		}
		for _, o := range byMeasure[r.MeasureID] {
			if o.Role == model.AssignResponsible && users[o.UnitID] != "" && o.UnitID != r.UnitID {
				return pair{measure: r.MeasureID, plan: plans[0].ID, lead: users[r.UnitID], co: users[o.UnitID],
					leadAsg: r.ID, coAsg: o.ID, leadUnit: r.UnitID, coUnit: o.UnitID}
			}
		}
	}
	t.Fatal("the demo plan has no measure led by one demo unit with another as co-unit")
	return pair{}
}

func path(format string, args ...any) string { return fmt.Sprintf(format, args...) }

// noScope is a read-write token that does not expire.
var noScope = auth.NewToken{Name: "test"}
