package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"time"

	"duban/internal/bench"
	"duban/internal/synth"
)

// cmdBench measures the portal's main pages and the unit's writes against
// a hello handler in the same run, or with --soak runs simulated users for
// a while and follows the server's memory.
func cmdBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		target, password, dataDir, hello string
		only, dbURL, now, accounts, tag  string
		start, allUnits                  bool
		port, pid, conc, users, fileKB   int
		instances                        int
		dur, warm, soak, think, every    time.Duration
	)
	fs.StringVar(&target, "url", "", "portal to measure, http://127.0.0.1:PORT (127.0.0.1 only)")
	fs.BoolVar(&start, "start", false, "start this binary on a fresh demo (in --data-dir, or a temporary folder) and measure it")
	fs.IntVar(&port, "port", 8091, "with --start, the port to serve on")
	fs.IntVar(&instances, "instances", 1, "with --start and a PostgreSQL --db, start this many portals on the database and one data dir (ports --port, --port+1, …); the writers take them in turn")
	fs.StringVar(&dataDir, "data-dir", "", "data dir of the portal (the demo password is read from demo-password.txt there)")
	fs.StringVar(&password, "password", "", "the demo accounts' password")
	fs.StringVar(&hello, "hello", "127.0.0.1:0", "address of the built-in hello handler (port 0: any free port)")
	fs.StringVar(&only, "only", "", "measure only the rows whose name matches this regular expression (e.g. 'xlsx|submit')")
	fs.StringVar(&dbURL, "db", "", "with --start, the database to serve (e.g. one made by duban synth; default: the data dir's SQLite file)")
	fs.StringVar(&accounts, "accounts", "demo", "whose logins: demo (the demo's accounts) or synth (made by duban synth --bench-accounts)")
	fs.StringVar(&tag, "tag", "", "with --accounts synth, the --tag the dataset was generated with")
	fs.StringVar(&now, "now", "", "with --start, the portal's date (synth data is laid out around the demo date, the default)")
	fs.IntVar(&conc, "c", 32, "concurrent clients")
	fs.DurationVar(&dur, "d", 5*time.Second, "measured duration per page")
	fs.DurationVar(&warm, "warmup", time.Second, "warm-up per page (not measured)")
	fs.IntVar(&fileKB, "file-kb", 50, "evidence file size of the writes")
	fs.DurationVar(&soak, "soak", 0, "run a soak of this length instead (e.g. 10m)")
	fs.IntVar(&users, "users", 200, "soak: simulated users")
	fs.DurationVar(&think, "think", 250*time.Millisecond, "soak: mean pause between a user's requests")
	fs.DurationVar(&every, "every", 30*time.Second, "soak: report interval")
	fs.BoolVar(&allUnits, "all-units", false, "also write as a new account per unit, created as the demo's admin (default with --start on the demo: its data belongs to the run)")
	fs.IntVar(&pid, "pid", 0, "the server's process ID, for its RSS (set by --start)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	allSet := false
	fs.Visit(func(f *flag.Flag) { allSet = allSet || f.Name == "all-units" })
	if !allSet {
		allUnits = start && accounts == "demo"
	}
	var acc bench.Accounts
	switch accounts {
	case "demo":
		acc = bench.DemoAccounts()
	case "synth":
		acc.Reviewer, acc.Leader, acc.Writers = synth.BenchAccounts(tag)
		acc.Unit = acc.Writers[0]
	default:
		return fmt.Errorf("--accounts %q: demo or synth", accounts)
	}
	var onlyRe *regexp.Regexp
	if only != "" {
		var err error
		if onlyRe, err = regexp.Compile(only); err != nil {
			return fmt.Errorf("--only: %w", err)
		}
	}
	if soak > time.Hour || dur > 5*time.Minute || conc > 512 || users > 5000 || instances < 1 || instances > 8 {
		return errors.New("bench is bounded: --soak ≤ 1h, -d ≤ 5m, -c ≤ 512, --users ≤ 5000, --instances 1–8")
	}
	if instances > 1 && (!start || !strings.HasPrefix(dbURL, "postgres")) {
		return errors.New("--instances needs --start and a PostgreSQL --db: SQLite has one writer process")
	}
	var more []string
	var morePIDs []int
	if start {
		if dataDir == "" {
			d, err := os.MkdirTemp("", "duban-bench-")
			if err != nil {
				return err
			}
			defer os.RemoveAll(d)
			dataDir = d
		}
		child, exited, err := startPortal(ctx, dataDir, dbURL, now, accounts == "demo", port, stderr)
		if err != nil {
			return err
		}
		defer func() {
			child.Process.Signal(syscall.SIGTERM)
			<-exited
		}()
		target, pid = fmt.Sprintf("http://127.0.0.1:%d", port), child.Process.Pid
		// The others start once the first has migrated and seeded the
		// database; they share its data dir (keys, evidence files).
		for i := 1; i < instances; i++ {
			c, ex, err := startPortal(ctx, dataDir, dbURL, now, accounts == "demo", port+i, stderr)
			if err != nil {
				return err
			}
			defer func() {
				c.Process.Signal(syscall.SIGTERM)
				<-ex
			}()
			more, morePIDs = append(more, fmt.Sprintf("http://127.0.0.1:%d", port+i)), append(morePIDs, c.Process.Pid)
		}
	}
	if target == "" {
		return errors.New("usage: duban bench --url http://127.0.0.1:PORT --data-dir DIR | --start  [-c 32 -d 5s] [--soak 10m --users 200]")
	}
	if err := bench.CheckLoopback(target); err != nil {
		return err
	}
	if password == "" && dataDir != "" {
		file := "demo-password.txt"
		if accounts == "synth" {
			file = bench.PasswordFile
		}
		b, err := os.ReadFile(filepath.Join(dataDir, file))
		if err != nil {
			return fmt.Errorf("password: %w (or pass --password)", err)
		}
		password = strings.TrimSpace(string(b))
	}
	if soak > 0 {
		fmt.Fprintf(stdout, "soak of %s: %d users (10%% reviewers, 10%% leaders, 80%% unit staff saving a draft first, then one request in ten), mean pause %s, against %s\n",
			soak, users, think, target)
		res, err := bench.RunSoak(ctx, bench.SoakOptions{URL: target, Password: password, Users: users, Duration: soak,
			Think: think, Every: every, PID: pid, FileKB: fileKB, Out: stdout, Accounts: acc})
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "\n%d 5xx answers\n", res.Server)
		bench.PrintRows(stdout, res.Rows)
		return nil
	}
	fmt.Fprintf(stdout, "%d clients, %s per page after %s warm-up, against %s; hello on %s\n", conc, dur, warm, target, hello)
	if len(more) > 0 {
		fmt.Fprintf(stdout, "writers also on %s (server CPU: all instances)\n", strings.Join(more, ", "))
	}
	rows, err := bench.RunPages(ctx, bench.Options{URL: target, Password: password, Concurrency: conc, Duration: dur,
		Warmup: warm, HelloAddr: hello, FileKB: fileKB, Out: stdout, PID: pid, Only: onlyRe, Accounts: acc, AllUnits: allUnits, Instances: more, InstancePIDs: morePIDs})
	if err != nil {
		return err
	}
	bench.PrintRows(stdout, rows)
	return nil
}

// startPortal runs this binary on dataDir (and dbURL, when given), with
// the demo when demo is set, and waits until it answers.
func startPortal(ctx context.Context, dataDir, dbURL, now string, demo bool, port int, stderr io.Writer) (*exec.Cmd, <-chan error, error) {
	bin, err := os.Executable()
	if err != nil {
		return nil, nil, err
	}
	// The API's per-token rate limit is policy, not cost: lifted here.
	args := []string{"serve", "--data-dir", dataDir, "--addr", fmt.Sprintf("127.0.0.1:%d", port), "--api-rate", "1000000"}
	if demo {
		args = append(args, "--demo")
	}
	if dbURL != "" {
		args = append(args, "--db", dbURL)
	}
	if now != "" {
		args = append(args, "--now", now)
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		return nil, nil, err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	deadline := time.Now().Add(3 * time.Minute) // the demo history takes a while on a busy machine
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			return nil, nil, fmt.Errorf("the portal stopped before answering: %v", err)
		default:
		}
		if res, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/healthz", port)); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return cmd, exited, nil
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	cmd.Process.Kill()
	<-exited
	return nil, nil, errors.New("the portal did not start within 3 minutes")
}
