// Package bench drives a running portal over HTTP the way a browser does:
// log in, read pages, fill and submit report forms with evidence files. The
// load tool (`duban bench`), the crash harness (`duban crashtest`) and the
// backup tests use it.
package bench

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"time"

	"duban/internal/evidence"
)

// Client is one logged-in browser.
type Client struct {
	Base string
	HTTP *http.Client
	csrf string
}

// NewClient is an anonymous client of the portal at base
// (http://127.0.0.1:PORT); it does not follow redirects.
func NewClient(base string) *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{Base: strings.TrimRight(base, "/"), HTTP: &http.Client{
		Jar:     jar,
		Timeout: 60 * time.Second,
		Transport: &http.Transport{
			MaxIdleConnsPerHost: 64,
			IdleConnTimeout:     30 * time.Second,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

var csrfRe = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// Page is a response read to the end.
type Page struct {
	Status   int
	Body     []byte
	Location string
}

// Get reads a page and remembers the form token it carries.
func (c *Client) Get(ctx context.Context, path string) (*Page, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.Base+path, nil)
	if err != nil {
		return nil, err
	}
	return c.do(req)
}

func (c *Client) do(req *http.Request) (*Page, error) {
	res, err := c.HTTP.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, err
	}
	if m := csrfRe.FindSubmatch(b); m != nil {
		c.csrf = string(m[1])
	}
	return &Page{Status: res.StatusCode, Body: b, Location: res.Header.Get("Location")}, nil
}

// Post sends a urlencoded form with the form token.
func (c *Client) Post(ctx context.Context, path string, form url.Values) (*Page, error) {
	form.Set("_csrf", c.csrf)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.Base+path, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

// Login signs in; the portal answers 303 on success.
func (c *Client) Login(ctx context.Context, username, password string) error {
	if _, err := c.Get(ctx, "/login"); err != nil {
		return err
	}
	p, err := c.Post(ctx, "/login", url.Values{"username": {username}, "password": {password}})
	if err != nil {
		return err
	}
	if p.Status != http.StatusSeeOther {
		return fmt.Errorf("login as %s: status %d", username, p.Status)
	}
	return nil
}

// LoginWriter logs a unit user in, signs for (签收) every assignment of
// the unit and lists the report forms it may then save.
func LoginWriter(ctx context.Context, base, username, password string) (*Client, []string, error) {
	c := NewClient(base)
	if err := c.Login(ctx, username, password); err != nil {
		return nil, nil, err
	}
	forms, err := c.SignedForms(ctx)
	return c, forms, err
}

// SignedForms signs for every assignment of the user's unit and lists the
// report forms on its to-do page.
func (c *Client) SignedForms(ctx context.Context) ([]string, error) {
	if err := c.SignAll(ctx); err != nil {
		return nil, err
	}
	return c.ReportForms(ctx)
}

// SignAll signs for (签收) every assignment of the user's unit. Another
// account of the unit signing at the same time makes it 409 (on
// PostgreSQL, with concurrent transactions); it then signs what is left.
func (c *Client) SignAll(ctx context.Context) error {
	for try := 0; ; try++ {
		if _, err := c.Get(ctx, "/todo"); err != nil {
			return err
		}
		p, err := c.Post(ctx, "/assignments/sign", url.Values{})
		if err != nil {
			return err
		}
		switch {
		case p.Status == http.StatusSeeOther:
			return nil
		case p.Status != http.StatusConflict || try == 2:
			return fmt.Errorf("sign all: status %d", p.Status)
		}
	}
}

var formLinkRe = regexp.MustCompile(`href="(/assignments/\d+/periods/\d+)"`)

// ReportForms lists the report forms on the user's to-do page.
func (c *Client) ReportForms(ctx context.Context) ([]string, error) {
	p, err := c.Get(ctx, "/todo")
	if err != nil {
		return nil, err
	}
	if p.Status != http.StatusOK {
		return nil, fmt.Errorf("/todo: status %d", p.Status)
	}
	seen := map[string]bool{}
	var out []string
	for _, m := range formLinkRe.FindAllSubmatch(p.Body, -1) {
		if s := string(m[1]); !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out, nil
}

var (
	lockRe = regexp.MustCompile(`name="lock_version" value="(\d+)"`)
	fileRe = regexp.MustCompile(`name="remove_file" value="(\d+)"`)
)

// keepFiles is how many evidence files a draft saved again and again keeps
// before the client takes the older ones off: a report holds at most 30
// (the portal answers 422 beyond), and a person replacing evidence removes
// the old file rather than piling up copies.
const keepFiles = 20

// ErrNotEditable: the form has no lock version, or sends its owner to the
// report (submitted, or not the user's to fill).
var ErrNotEditable = errors.New("report form not editable")

// OpenForm loads a report form and returns its lock version.
func (c *Client) OpenForm(ctx context.Context, path string) (string, error) {
	f, err := c.openForm(ctx, path)
	return f.lock, err
}

// form is what a loaded report form holds for the next post.
type form struct {
	lock  string
	files []string // IDs of the attached evidence files, oldest first
}

func (c *Client) openForm(ctx context.Context, path string) (form, error) {
	p, err := c.Get(ctx, path)
	if err != nil {
		return form{}, err
	}
	if p.Status == http.StatusSeeOther && strings.HasPrefix(p.Location, "/reports/") {
		return form{}, ErrNotEditable // submitted meanwhile: the form sends its owner to the report
	}
	if p.Status != http.StatusOK {
		return form{}, fmt.Errorf("%s: status %d", path, p.Status)
	}
	m := lockRe.FindSubmatch(p.Body)
	if m == nil {
		return form{}, ErrNotEditable
	}
	f := form{lock: string(m[1])}
	for _, id := range fileRe.FindAllSubmatch(p.Body, -1) {
		f.files = append(f.files, string(id[1]))
	}
	return f, nil
}

// Evidence is a file to attach.
type Evidence struct {
	Name   string
	Data   []byte
	SHA256 string
}

// NewEvidence makes a valid PDF of about size bytes whose content (and
// hash) is unique, named name.
func NewEvidence(name string, size int) Evidence {
	var nonce [16]byte
	_, _ = rand.Read(nonce[:])
	text := hex.EncodeToString(nonce[:]) + " " + strings.Repeat("evidence ", max(0, size-600)/9)
	data := evidence.SamplePDF(text)
	sum := sha256.Sum256(data)
	return Evidence{Name: name, Data: data, SHA256: hex.EncodeToString(sum[:])}
}

// SaveReport posts the report form: action "save" (a draft) or "submit",
// with the progress text and the files. It returns the status (303 when
// the portal accepted it).
func (c *Client) SaveReport(ctx context.Context, path, lock, action, progress string, percent int, files ...Evidence) (*Page, error) {
	return c.saveReport(ctx, path, lock, action, progress, percent, nil, files)
}

// saveReport posts the report form, taking the attachments remove (IDs)
// off the report.
func (c *Client) saveReport(ctx context.Context, path, lock, action, progress string, percent int, remove []string, files []Evidence) (*Page, error) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	fields := [][2]string{
		{"_csrf", c.csrf}, {"lock_version", lock}, {"action", action}, {"progress_state", "on_track"},
		{"percent", fmt.Sprint(percent)}, {"progress", progress}, {"problems", "无"}, {"next_steps", "继续推进"},
	}
	for _, id := range remove {
		fields = append(fields, [2]string{"remove_file", id})
	}
	for _, f := range fields {
		if err := w.WriteField(f[0], f[1]); err != nil {
			return nil, err
		}
	}
	for _, f := range files {
		fw, err := w.CreateFormFile("files", f.Name)
		if err != nil {
			return nil, err
		}
		if _, err := fw.Write(f.Data); err != nil {
			return nil, err
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.Base+path, &buf)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("X-CSRF-Token", c.csrf)
	return c.do(req)
}

// Flow is the unit's whole write: open the form, save a draft with a file,
// open the form again and submit. Saved reports whether the save was
// acknowledged (303), Submitted whether the submit was.
type Flow struct {
	Saved, Submitted bool
	File             Evidence
}

// SaveAndSubmit runs the unit flow on one report form. A draft that
// already holds keepFiles evidence files has its older ones taken off in
// the same save.
func (c *Client) SaveAndSubmit(ctx context.Context, path, progress string, file Evidence, submit bool) (Flow, error) {
	f := Flow{File: file}
	fm, err := c.openForm(ctx, path)
	if err != nil {
		return f, err
	}
	var remove []string
	if len(fm.files) >= keepFiles {
		remove = fm.files[:len(fm.files)-1]
	}
	p, err := c.saveReport(ctx, path, fm.lock, "save", progress, 50, remove, []Evidence{file})
	if err != nil {
		return f, err
	}
	if p.Status != http.StatusSeeOther {
		return f, fmt.Errorf("save %s: status %d", path, p.Status)
	}
	f.Saved = true
	if !submit {
		return f, nil
	}
	lock, err := c.OpenForm(ctx, path)
	if err != nil {
		return f, err
	}
	p, err = c.SaveReport(ctx, path, lock, "submit", progress, 60)
	if err != nil {
		return f, err
	}
	if p.Status != http.StatusSeeOther {
		return f, fmt.Errorf("submit %s: status %d", path, p.Status)
	}
	f.Submitted = true
	return f, nil
}
