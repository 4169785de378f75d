package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"sync"
)

// The JSON API beside the pages: the 台账 as a data-sharing platform reads
// it, and a unit's report saved and submitted by a script. The portal's
// per-token rate limit is policy, not cost: against a portal the bench
// starts it is lifted (serve --api-rate); against another, a row's 429s
// count as errors.

var (
	tokenRe   = regexp.MustCompile(`dbn_[A-Za-z0-9_-]+`)
	apiPlanRe = regexp.MustCompile(`"id":(\d+)`)
	// lockVersionRe finds the report's lock version in a 409's current state.
	lockVersionRe = regexp.MustCompile(`"lock_version":(\d+)`)
)

// Token creates a personal access token for the signed-in user on
// /profile, as a person would, and returns its secret.
func (c *Client) Token(ctx context.Context, name string) (string, error) {
	if _, err := c.Get(ctx, "/profile"); err != nil {
		return "", err
	}
	p, err := c.Post(ctx, "/profile/tokens", url.Values{"name": {name}, "expires": {"7"}})
	if err != nil {
		return "", err
	}
	m := tokenRe.Find(p.Body)
	if p.Status != http.StatusOK || m == nil {
		return "", fmt.Errorf("create a token: status %d", p.Status)
	}
	return string(m), nil
}

// API sends one request to the JSON API with a bearer token (body: nil or
// a JSON value; ifMatch: "" or an ETag) and returns the answer's body and
// ETag; a status other than 200 is an error naming it.
func (c *Client) API(ctx context.Context, token, method, path string, body any, ifMatch string) ([]byte, string, error) {
	var rd io.Reader
	if body != nil {
		j, err := json.Marshal(body)
		if err != nil {
			return nil, "", err
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.Base+"/api/v1"+path, rd)
	if err != nil {
		return nil, "", err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if ifMatch != "" {
		req.Header.Set("If-Match", ifMatch)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := c.HTTP.Do(req)
	if err != nil {
		return nil, "", err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, "", err
	}
	if res.StatusCode != http.StatusOK {
		return b, "", fmt.Errorf("%s %s: status %d", method, path, res.StatusCode)
	}
	return b, res.Header.Get("ETag"), nil
}

// The API rows' names.
const (
	apiLedgerName = "api GET /api/v1/ledger?plan=…"
	apiDraftName  = "api: save draft (PUT, JSON, If-Match)"
)

// apiRows measures GET /api/v1/ledger for the reviewer's first plan (the
// page row "reviewer /ledger" is its counterpart) and the writers' drafts
// saved as JSON (counterpart: the page's draft row). Submissions use forms
// up (the demo has 45): BenchmarkSubmitAPIvsPage in internal/api
// compares them on a fresh portal per round.
func apiRows(ctx context.Context, o Options, clients map[string]*Client, ws []writer) ([]Row, error) {
	want := func(name string) bool { return o.Only == nil || o.Only.MatchString(name) }
	var rows []Row
	if want(apiLedgerName) {
		reviewer := clients["reviewer"]
		rtok, err := reviewer.Token(ctx, "bench")
		if err != nil {
			return nil, err
		}
		b, _, err := reviewer.API(ctx, rtok, http.MethodGet, "/plans?limit=1", nil, "")
		m := apiPlanRe.FindSubmatch(b)
		if err != nil || m == nil {
			return nil, fmt.Errorf("api plans: %v", err)
		}
		ledger := "/ledger?plan=" + string(m[1]) + "&limit=200"
		rows = append(rows, measure(ctx, o, apiLedgerName, func(ctx context.Context, _ int) error {
			_, _, err := reviewer.API(ctx, rtok, http.MethodGet, ledger, nil, "")
			return err
		}))
	}
	if !want(apiDraftName) {
		return rows, nil
	}
	drafts, err := apiDrafts(ctx, ws, o.Concurrency)
	if err != nil {
		return nil, err
	}
	// As the page row: each worker keeps saving a form of its own, with
	// the ETag of its last save (a 409 carries the current lock version).
	var mu sync.Mutex
	rows = append(rows, measure(ctx, o, apiDraftName, func(ctx context.Context, w int) error {
		d := &drafts[w%len(drafts)]
		mu.Lock()
		prev := d.tag
		mu.Unlock()
		b, tag, err := d.c.API(ctx, d.token, http.MethodPut, d.path+"/report", apiDraft, prev)
		if m := lockVersionRe.FindSubmatch(b); err != nil && m != nil {
			tag = `"` + string(m[1]) + `"`
		}
		mu.Lock()
		d.tag = tag
		mu.Unlock()
		return err
	}))
	return rows, nil
}

var apiDraft = map[string]any{"progress_state": "on_track", "percent": 50, "progress": "bench draft via the API"}

// apiForm is a report form saved through the API: its writer's token and
// the ETag of its last save.
type apiForm struct {
	c           *Client
	token, path string
	tag         string
}

// apiDrafts picks up to n report forms that take a draft now, taking the
// writers in turn (so that n workers have a form each), each saved once;
// the to-do also lists periods not open yet, refused with 409.
func apiDrafts(ctx context.Context, ws []writer, n int) ([]apiForm, error) {
	tokens := make([]string, len(ws))
	var out []apiForm
	seen := map[string]bool{}
	for round := 0; len(out) < n; round++ {
		more := false
		for i, w := range ws {
			if round >= len(w.forms) || len(out) >= n {
				continue
			}
			more = true
			f := w.forms[round]
			if seen[f] {
				continue
			}
			seen[f] = true
			if tokens[i] == "" {
				tok, err := w.c.Token(ctx, "bench")
				if err != nil {
					return nil, err
				}
				tokens[i] = tok
			}
			if _, tag, err := w.c.API(ctx, tokens[i], http.MethodPut, f+"/report", apiDraft, ""); err == nil {
				out = append(out, apiForm{w.c, tokens[i], f, tag})
			}
		}
		if !more {
			break
		}
	}
	if len(out) == 0 {
		return nil, errors.New("api rows: no report form takes a draft")
	}
	return out, nil
}
