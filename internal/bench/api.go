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

// apiRows measures GET /api/v1/ledger for the reviewer's first plan (the
// page row "reviewer /ledger" is its counterpart) and a unit's draft saved
// as JSON (counterpart: the page's draft row). Submissions use forms up
// (the demo has 45): BenchmarkSubmitAPIvsPage in internal/api
// compares them on a fresh portal per round.
func apiRows(ctx context.Context, o Options, clients map[string]*Client) ([]Row, error) {
	want := func(name string) bool { return o.Only == nil || o.Only.MatchString(name) }
	const ledgerName, draftName = "api GET /api/v1/ledger?plan=…", "api: save draft (PUT, JSON)"
	if !want(ledgerName) && !want(draftName) {
		return nil, nil
	}
	reviewer, unit := clients["reviewer"], clients["unit"]
	rtok, err := reviewer.Token(ctx, "bench")
	if err != nil {
		return nil, err
	}
	utok, err := unit.Token(ctx, "bench")
	if err != nil {
		return nil, err
	}
	var rows []Row
	if want(ledgerName) {
		b, _, err := reviewer.API(ctx, rtok, http.MethodGet, "/plans?limit=1", nil, "")
		m := apiPlanRe.FindSubmatch(b)
		if err != nil || m == nil {
			return nil, fmt.Errorf("api plans: %v", err)
		}
		ledger := "/ledger?plan=" + string(m[1]) + "&limit=200"
		rows = append(rows, measure(ctx, o, ledgerName, func(ctx context.Context, _ int) error {
			_, _, err := reviewer.API(ctx, rtok, http.MethodGet, ledger, nil, "")
			return err
		}))
	}
	if !want(draftName) {
		return rows, nil
	}
	forms, err := unit.SignedForms(ctx)
	if err != nil {
		return nil, err
	}
	if len(forms) == 0 {
		return rows, errors.New("api rows: the unit has no report form")
	}
	draft := map[string]any{"progress_state": "on_track", "percent": 50, "progress": "bench draft via the API"}
	// Keep the forms that take a draft now (the to-do also lists periods
	// not open yet, refused with 409), with the ETag of that first save.
	var open, tags []string
	for _, f := range forms {
		if _, tag, err := unit.API(ctx, utok, http.MethodPut, f+"/report", draft, ""); err == nil {
			open, tags = append(open, f), append(tags, tag)
		}
	}
	if len(open) == 0 {
		return rows, errors.New("api rows: no report form takes a draft")
	}
	// As the page row: each worker keeps saving a form of its own, with
	// the ETag of its last save (a 409 carries the current lock version).
	var mu sync.Mutex
	rows = append(rows, measure(ctx, o, draftName, func(ctx context.Context, w int) error {
		i := w % len(open)
		mu.Lock()
		prev := tags[i]
		mu.Unlock()
		b, tag, err := unit.API(ctx, utok, http.MethodPut, open[i]+"/report", draft, prev)
		if m := lockVersionRe.FindSubmatch(b); err != nil && m != nil {
			tag = `"` + string(m[1]) + `"`
		}
		mu.Lock()
		tags[i] = tag
		mu.Unlock()
		return err
	}))
	return rows, nil
}
