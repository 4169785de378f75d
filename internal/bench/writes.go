package bench

// The unit's writes: drafts saved again and again, saves and submits
// alone (POSTs only), and the full flow with its form pages.

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"sync"
)

// writer is a unit account logged in and signed for its assignments,
// with the report forms it may save.
type writer struct {
	c     *Client
	forms []string
}

// formRef is one report form of one writer (an index into the writers).
type formRef struct {
	w    int
	path string
}

// writeRowNames are the names of the write rows for a file of kb KB.
func writeRowNames(kb int) (draft, post, full string) {
	return fmt.Sprintf("unit: open form + save draft with %d KB file", kb),
		fmt.Sprintf("unit: save + submit (POST only, %d KB file)", kb),
		fmt.Sprintf("unit: form + save with %d KB file + submit", kb)
}

// wantsWriters: a row of the run writes as the units.
func wantsWriters(o Options) bool {
	if o.Only == nil {
		return true
	}
	draft, post, full := writeRowNames(max(1, o.FileKB))
	for _, n := range []string{draft, post, full, apiDraftName} {
		if o.Only.MatchString(n) {
			return true
		}
	}
	return false
}

// setUpWriters logs in the run's writers: the accounts' writers and, with
// o.AllUnits, one new account per unit.
func setUpWriters(ctx context.Context, o Options) ([]writer, error) {
	acc := o.Accounts.orDemo()
	users := acc.Writers
	if o.AllUnits {
		if acc.Admin == "" {
			return nil, errors.New("a writer per unit needs an administrator account")
		}
		more, err := AddWriters(ctx, o.URL, acc.Admin, o.Password)
		if err != nil {
			return nil, err
		}
		users = append(users[:len(users):len(users)], more...)
	}
	return loginWriters(ctx, append([]string{o.URL}, o.Instances...), o.Password, users)
}

var unitOptionRe = regexp.MustCompile(`<option value="(\d+)"`)

// AddWriters logs in as admin and opens a unit account bench-unit-ID
// (password: password) for every unit the new-account form offers, and
// returns their names. An account left by an earlier run is kept (the
// form answers 422: the name is taken; logging in tells whether it is the
// run's).
func AddWriters(ctx context.Context, base, admin, password string) ([]string, error) {
	c := NewClient(base)
	if err := c.Login(ctx, admin, password); err != nil {
		return nil, err
	}
	p, err := c.Get(ctx, "/admin/users/new")
	if err != nil {
		return nil, err
	}
	if p.Status != http.StatusOK {
		return nil, fmt.Errorf("/admin/users/new: status %d", p.Status)
	}
	var names []string
	for _, m := range unitOptionRe.FindAllSubmatch(p.Body, -1) {
		id := string(m[1])
		name := "bench-unit-" + id
		r, err := c.Post(ctx, "/admin/users", url.Values{"username": {name}, "display_name": {"bench writer " + id},
			"role": {"unit"}, "unit_id": {id}, "password": {password}, "confirm": {password}})
		if err != nil {
			return nil, err
		}
		if r.Status != http.StatusSeeOther && r.Status != http.StatusUnprocessableEntity {
			return nil, fmt.Errorf("create %s: status %d", name, r.Status)
		}
		names = append(names, name)
	}
	return names, nil
}

// loginWriters logs every user in (a few at a time: each login checks a
// password hash), on the portals at bases in turn, signs for its
// assignments and lists its report forms.
func loginWriters(ctx context.Context, bases []string, password string, users []string) ([]writer, error) {
	out := make([]writer, len(users))
	errs := make([]error, len(users))
	sem := make(chan struct{}, 4)
	var wg sync.WaitGroup
	for i, u := range users {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			c, forms, err := LoginWriter(ctx, bases[i%len(bases)], u, password)
			out[i], errs[i] = writer{c, forms}, err
		})
	}
	wg.Wait()
	return out, errors.Join(errs...)
}

// formsOf lists the writers' report forms, each once (two accounts of one
// unit see the same forms).
func formsOf(ws []writer) []formRef {
	seen := map[string]bool{}
	var out []formRef
	for i, w := range ws {
		for _, f := range w.forms {
			if !seen[f] {
				seen[f] = true
				out = append(out, formRef{i, f})
			}
		}
	}
	return out
}

// writeRows measures the unit's writes: saving a draft with a file (open
// the form, save), which can repeat; saves and submits alone (POSTs only,
// each form opened once before the row); and the full flow (open, save
// with a file, open, submit). The last two use up report forms, each on
// its own half of them: they run until the duration ends or no form is
// left.
func writeRows(ctx context.Context, o Options, ws []writer) ([]Row, error) {
	kb := max(1, o.FileKB)
	want := func(name string) bool { return o.Only == nil || o.Only.MatchString(name) }
	draftName, postName, fullName := writeRowNames(kb)
	if !want(draftName) && !want(postName) && !want(fullName) {
		return nil, nil
	}
	queue := formsOf(ws)
	if len(queue) == 0 {
		return nil, errors.New("no report form to write to")
	}
	var rows []Row
	// Drafts: each worker keeps saving one form of its own (two workers
	// share a form only when there are fewer forms than workers: their
	// conflicts are answered 409 and counted apart).
	if want(draftName) {
		rows = append(rows, measure(ctx, o, draftName, func(ctx context.Context, w int) error {
			f := queue[w%len(queue)]
			_, err := ws[f.w].c.Clone().SaveAndSubmit(ctx, f.path, "bench draft", NewEvidence(fmt.Sprintf("bench-%d.pdf", w), kb*1024), false)
			return err
		}))
	}
	postQ, fullQ := queue[:(len(queue)+1)/2], queue[(len(queue)+1)/2:]
	switch {
	case !want(postName):
		fullQ = queue
	case !want(fullName):
		postQ = queue
	}
	once := o // no warm-up: it would use forms up
	once.Warmup = 0
	if want(postName) {
		row, err := saveSubmitRow(ctx, once, postName, ws, postQ, kb)
		if err != nil {
			return nil, err
		}
		rows = append(rows, row)
	}
	if !want(fullName) {
		return rows, nil
	}
	// Full flows, each on a fresh form.
	var mu sync.Mutex
	next := 0
	rows = append(rows, measure(ctx, once, fullName, func(ctx context.Context, w int) error {
		mu.Lock()
		if next >= len(fullQ) {
			mu.Unlock()
			return errExhausted
		}
		f := fullQ[next]
		next++
		mu.Unlock()
		_, err := ws[f.w].c.Clone().SaveAndSubmit(ctx, f.path, "bench submit", NewEvidence(fmt.Sprintf("bench-submit-%d.pdf", w), kb*1024), true)
		return err
	}))
	return rows, nil
}

// openedForm is a report form read once, with the lock version it showed.
type openedForm struct {
	c    *Client
	path string
	lock int
}

// openForms reads every form of q (conc at a time) and keeps those that
// take a save.
func openForms(ctx context.Context, ws []writer, q []formRef, conc int) ([]openedForm, error) {
	out := make([]*openedForm, len(q))
	errs := make([]error, len(q))
	sem := make(chan struct{}, max(1, conc))
	var wg sync.WaitGroup
	for i, f := range q {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			c := ws[f.w].c.Clone()
			lock, err := c.OpenForm(ctx, f.path)
			if errors.Is(err, ErrNotEditable) {
				return
			}
			if err != nil {
				errs[i] = err
				return
			}
			n, err := strconv.Atoi(lock)
			out[i], errs[i] = &openedForm{c, f.path, n}, err
		})
	}
	wg.Wait()
	var forms []openedForm
	for _, f := range out {
		if f != nil {
			forms = append(forms, *f)
		}
	}
	return forms, errors.Join(errs...)
}

// saveSubmitRow measures saves and submits alone: each worker takes a
// form opened before the row, saves it with a file, then submits it (the
// save made its lock version one higher); every call is one POST.
func saveSubmitRow(ctx context.Context, o Options, name string, ws []writer, q []formRef, kb int) (Row, error) {
	forms, err := openForms(ctx, ws, q, o.Concurrency)
	if err != nil {
		return Row{}, err
	}
	var mu sync.Mutex
	next := 0
	saved := make([]*openedForm, o.Concurrency) // per worker: the form it saved and submits next
	return measure(ctx, o, name, func(ctx context.Context, w int) error {
		if f := saved[w]; f != nil {
			saved[w] = nil
			return posted("submit", f.path)(f.c.SaveReport(ctx, f.path, strconv.Itoa(f.lock+1), "submit", "bench submit", 60))
		}
		mu.Lock()
		if next >= len(forms) {
			mu.Unlock()
			return errExhausted
		}
		f := &forms[next]
		next++
		mu.Unlock()
		err := posted("save", f.path)(f.c.SaveReport(ctx, f.path, strconv.Itoa(f.lock), "save", "bench save", 50,
			NewEvidence(fmt.Sprintf("bench-post-%d.pdf", w), kb*1024)))
		if err == nil {
			saved[w] = f
		}
		return err
	}), nil
}

// posted turns a form post's answer into an error unless the portal
// accepted it (303).
func posted(action, path string) func(*Page, error) error {
	return func(p *Page, err error) error {
		if err != nil {
			return err
		}
		if p.Status != http.StatusSeeOther {
			return fmt.Errorf("%s %s: status %d", action, path, p.Status)
		}
		return nil
	}
}
