// Package crashtest kills the real portal binary at random moments while
// units save and submit reports with evidence files, restarts it, and
// checks that nothing it acknowledged was lost: every acknowledged save's
// file is there with its sha256 and served, every acknowledged submit is
// submitted, the database passes PRAGMA integrity_check and the audit log
// verifies. `duban crashtest` and a CI test run it.
package crashtest

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	_ "github.com/mattn/go-sqlite3" // database/sql driver "sqlite3"

	"duban/internal/app"
	"duban/internal/bench"
	"duban/internal/config"
	"duban/internal/demo"
)

// Options configure a run.
type Options struct {
	Binary  string // the duban binary to start
	Dir     string // work folder (trials are made and removed under it)
	Trials  int
	Writers int           // concurrent writers (spread over three units)
	Port    int           // 127.0.0.1 port the child listens on
	MinKill time.Duration // the kill comes between MinKill and MaxKill
	MaxKill time.Duration // after the writers start
	FileKB  int
	Log     io.Writer
}

// Result sums up the trials.
type Result struct {
	Trials, Saves, Submits int // acknowledged writes checked
	Lost                   []string
	Temps, Unreferenced    int // crash leftovers seen after the restarts (the daily sweep's work)
	Elapsed                time.Duration
}

// users write; each has its own forms.
var users = []string{"canlian", "taishan", "jiaoyuju"}

// Run runs the trials; the error is about the harness itself, lost writes
// are in Result.Lost.
func Run(ctx context.Context, o Options) (*Result, error) {
	if o.Writers <= 0 {
		o.Writers = 6
	}
	if o.MaxKill <= o.MinKill {
		o.MinKill, o.MaxKill = 300*time.Millisecond, 2500*time.Millisecond
	}
	if o.FileKB <= 0 {
		o.FileKB = 50
	}
	if o.Log == nil {
		o.Log = io.Discard
	}
	start := time.Now()
	template := filepath.Join(o.Dir, "template")
	password, err := makeTemplate(ctx, template)
	if err != nil {
		return nil, err
	}
	res := &Result{}
	for i := 1; i <= o.Trials; i++ {
		dir := filepath.Join(o.Dir, fmt.Sprintf("trial-%03d", i))
		tr := trial{o: o, n: i, dir: dir, password: password}
		if err := copyDir(template, dir); err != nil {
			return res, err
		}
		lostBefore := len(res.Lost)
		if err := tr.run(ctx, res); err != nil {
			return res, fmt.Errorf("trial %d (kept in %s): %w", i, dir, err)
		}
		res.Trials++
		fmt.Fprintf(o.Log, "trial %3d: killed after %4d ms; %3d saves and %3d submits acknowledged, %d lost; leftovers: %d temporaries, %d unreferenced files\n",
			i, tr.killedAfter.Milliseconds(), tr.saves, tr.submits, len(res.Lost)-lostBefore, tr.temps, tr.unreferenced)
		if len(res.Lost) == lostBefore {
			os.RemoveAll(dir)
		}
	}
	res.Elapsed = time.Since(start)
	return res, nil
}

// makeTemplate writes the demo (accounts and plan, without the reporting
// history, so it takes a second) into dir and returns the demo password.
func makeTemplate(ctx context.Context, dir string) (string, error) {
	os.RemoveAll(dir)
	fs, cfg, finish := config.FlagSet("crashtest")
	if err := fs.Parse([]string{"--data-dir", dir, "--demo", "--now", demo.Date}); err != nil {
		return "", err
	}
	if err := finish(); err != nil {
		return "", err
	}
	cfg.SkipDemoHistory = true
	a, err := app.New(ctx, cfg, app.Options{Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		return "", fmt.Errorf("crashtest template: %w", err)
	}
	pw := a.DemoPassword
	return pw, a.Close()
}

type trial struct {
	o           Options
	n           int
	dir         string
	password    string
	killedAfter time.Duration

	clients             map[string]*bench.Client // one session per user
	mu                  sync.Mutex
	acks                []ack
	submitted           map[string]string // form → user
	saves, submits      int
	temps, unreferenced int
	child               *exec.Cmd
	base                string
	childOut            strings.Builder
}

type ack struct {
	user, form, name, sha256 string
}

func (t *trial) start(ctx context.Context) error {
	t.base = fmt.Sprintf("http://127.0.0.1:%d", t.o.Port)
	cmd := exec.CommandContext(ctx, t.o.Binary, "serve", "--data-dir", t.dir, "--now", demo.Date,
		"--addr", fmt.Sprintf("127.0.0.1:%d", t.o.Port))
	t.childOut.Reset()
	cmd.Stdout, cmd.Stderr = &t.childOut, &t.childOut
	if err := cmd.Start(); err != nil {
		return err
	}
	t.child = cmd
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		res, err := http.Get(t.base + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	cmd.Process.Kill()
	cmd.Wait()
	return fmt.Errorf("the portal did not answer /healthz within a minute:\n%s", t.childOut.String())
}

func (t *trial) run(ctx context.Context, res *Result) error {
	if err := t.start(ctx); err != nil {
		return err
	}
	t.submitted = map[string]string{}
	// Sign for everything and split each unit's forms among its writers.
	// One login per user (logins are throttled per address); the writers
	// are tabs of that session, and sessions outlive the restart.
	forms := map[string][]string{}
	t.clients = map[string]*bench.Client{}
	for _, u := range users {
		c := bench.NewClient(t.base)
		if err := c.Login(ctx, u, t.password); err != nil {
			return err
		}
		t.clients[u] = c
		if err := c.SignAll(ctx); err != nil {
			return err
		}
		f, err := c.ReportForms(ctx)
		if err != nil {
			return err
		}
		forms[u] = f
	}
	writersOf := map[string]int{}
	for w := range t.o.Writers {
		writersOf[users[w%len(users)]]++
	}
	var wg sync.WaitGroup
	for w := range t.o.Writers {
		u := users[w%len(users)]
		wg.Go(func() { t.write(ctx, w, t.clients[u].Clone(), forms[u], w/len(users), writersOf[u]) })
	}
	t.killedAfter = t.o.MinKill + rand.N(t.o.MaxKill-t.o.MinKill)
	time.Sleep(t.killedAfter)
	if err := t.child.Process.Signal(syscall.SIGKILL); err != nil {
		return err
	}
	t.child.Wait()
	wg.Wait()

	if err := t.start(ctx); err != nil {
		return err
	}
	lost, err := t.check(ctx)
	stopErr := t.stop()
	if err != nil {
		return err
	}
	if stopErr != nil {
		return stopErr
	}
	if err := t.checkFiles(); err != nil {
		return err
	}
	if out, err := exec.CommandContext(ctx, t.o.Binary, "audit", "verify", "--data-dir", t.dir, "--now", demo.Date).CombinedOutput(); err != nil {
		lost = append(lost, fmt.Sprintf("trial %d: audit verify: %v: %s", t.n, err, out))
	}
	res.Saves += t.saves
	res.Submits += t.submits
	res.Lost = append(res.Lost, lost...)
	res.Temps += t.temps
	res.Unreferenced += t.unreferenced
	return nil
}

// write saves (with a file) and submits reports until the portal dies.
func (t *trial) write(ctx context.Context, w int, c *bench.Client, forms []string, slot, slots int) {
	user := users[w%len(users)]
	var mine []string
	for i := slot; i < len(forms); i += slots {
		mine = append(mine, forms[i])
	}
	for i := 0; len(mine) > 0; i++ {
		form := mine[i%len(mine)]
		ev := bench.NewEvidence(fmt.Sprintf("t%d-w%d-%d.pdf", t.n, w, i), t.o.FileKB*1024)
		submit := rand.N(2) == 0
		f, err := c.SaveAndSubmit(ctx, form, fmt.Sprintf("crash trial %d writer %d write %d", t.n, w, i), ev, submit)
		t.mu.Lock()
		if f.Saved {
			t.acks = append(t.acks, ack{user: user, form: form, name: ev.Name, sha256: ev.SHA256})
			t.saves++
		}
		if f.Submitted {
			t.submitted[form] = user
			t.submits++
		}
		t.mu.Unlock()
		if errors.Is(err, bench.ErrNotEditable) || f.Submitted {
			mine = append(mine[:i%len(mine)], mine[i%len(mine)+1:]...)
			continue
		}
		if err != nil {
			return // the portal was killed
		}
	}
}

// check reads every acknowledged write back through the restarted portal
// and its database.
func (t *trial) check(ctx context.Context) ([]string, error) {
	conn, err := sql.Open("sqlite3", "file:"+filepath.Join(t.dir, "duban.db")+"?mode=ro&_busy_timeout=10000")
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	clients := t.clients
	var lost []string
	for _, a := range t.acks {
		var id int64
		var sum string
		err := conn.QueryRowContext(ctx, "SELECT id, sha256 FROM attachments WHERE name = ?", a.name).Scan(&id, &sum)
		if err != nil {
			lost = append(lost, fmt.Sprintf("trial %d: acknowledged save of %s on %s: no attachment row (%v)", t.n, a.name, a.form, err))
			continue
		}
		p, err := clients[a.user].Get(ctx, fmt.Sprintf("/attachments/%d", id))
		if err != nil {
			return nil, err
		}
		got := sha256.Sum256(p.Body)
		if p.Status != http.StatusOK || sum != a.sha256 || hex.EncodeToString(got[:]) != a.sha256 {
			lost = append(lost, fmt.Sprintf("trial %d: %s: status %d, sha256 of the row %s, served %x, acknowledged %s", t.n, a.name, p.Status, sum, got, a.sha256))
		}
	}
	for form := range t.submitted {
		var aID, pID int64
		fmt.Sscanf(form, "/assignments/%d/periods/%d", &aID, &pID)
		var state string
		err := conn.QueryRowContext(ctx, "SELECT state FROM reports WHERE assignment_id = ? AND period_id = ?", aID, pID).Scan(&state)
		if err != nil || state == "draft" {
			lost = append(lost, fmt.Sprintf("trial %d: acknowledged submit of %s: state %q (%v)", t.n, form, state, err))
		}
	}
	return lost, nil
}

func (t *trial) stop() error {
	if err := t.child.Process.Signal(syscall.SIGTERM); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- t.child.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("the restarted portal did not stop cleanly: %w\n%s", err, t.childOut.String())
		}
		return nil
	case <-time.After(30 * time.Second):
		t.child.Process.Kill()
		return errors.New("the restarted portal did not stop within 30 s")
	}
}

// checkFiles runs the integrity check and counts crash leftovers.
func (t *trial) checkFiles() error {
	conn, err := sql.Open("sqlite3", "file:"+filepath.Join(t.dir, "duban.db")+"?mode=ro")
	if err != nil {
		return err
	}
	defer conn.Close()
	var ok string
	if err := conn.QueryRow("PRAGMA integrity_check").Scan(&ok); err != nil || ok != "ok" {
		return fmt.Errorf("integrity_check: %q %v", ok, err)
	}
	keys := map[string]bool{}
	rows, err := conn.Query("SELECT storage_key FROM attachments")
	if err != nil {
		return err
	}
	for rows.Next() {
		var k string
		rows.Scan(&k)
		keys[k] = true
	}
	rows.Close()
	root := filepath.Join(t.dir, "attachments")
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		if strings.HasPrefix(d.Name(), ".upload-") {
			t.temps++
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		if !keys[filepath.ToSlash(rel)] {
			t.unreferenced++
		}
		return nil
	})
}

func copyDir(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o750)
		}
		in, err := os.Open(p)
		if err != nil {
			return err
		}
		defer in.Close()
		info, _ := d.Info()
		out, err := os.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, info.Mode().Perm())
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	})
}
