package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/labstack/echo/v4"
)

// Options of a page benchmark.
type Options struct {
	URL         string // http://127.0.0.1:PORT
	Password    string // the demo accounts' password
	Concurrency int
	Duration    time.Duration // per page
	Warmup      time.Duration // per page, not measured
	HelloAddr   string        // 127.0.0.1:PORT for the hello handler (port 0: any free port)
	FileKB      int
	Out         io.Writer
	PID         int // the server's process, for its peak RSS and CPU per row (0: not measured)
	// Instances are more portals on the same database (base URLs, and
	// their processes for the CPU figure): the writers take the instances
	// in turn; the pages are read from URL.
	Instances    []string
	InstancePIDs []int
	Only         *regexp.Regexp // measure only the rows whose name matches (nil: all); hello always runs
	Accounts     Accounts       // zero: the demo's
	// AllUnits adds a writer for every unit, created through the admin
	// pages as Accounts.Admin (bench-unit-ID, with Password): the three
	// demo writers hold ~50 report forms, too few for the write rows at
	// hundreds a second. Only for a portal whose data belongs to the run.
	AllUnits bool
}

// Row is one measured page.
type Row struct {
	Name     string
	Requests int
	Errors   int // not the expected status
	Conflict int // 409: another client saved the same form first (a correct answer)
	RPS      float64
	P50, P99 time.Duration
	Ratio    float64 // RPS / hello's RPS
	PeakKB   int64   // the server's peak RSS while the row ran (0: not measured)
	// CPUms is the server's CPU time per answered request in ms (0: not
	// measured): unlike req/s it hardly depends on what else the machine
	// runs, so it compares two builds measured at different times.
	CPUms float64
}

// CheckLoopback refuses any target but this machine: the tool is a load
// generator.
func CheckLoopback(rawURL string) error {
	u, err := url.Parse(rawURL)
	if err != nil {
		return err
	}
	host := u.Hostname()
	if ip := net.ParseIP(host); (ip != nil && ip.IsLoopback()) || host == "localhost" {
		return nil
	}
	return fmt.Errorf("bench targets 127.0.0.1 only, not %q", host)
}

// Hello serves "hello" from an echo router on addr (port 0: a free port),
// the ceiling the pages are compared with: the same server stack without
// the portal's work. It returns the address it listens on.
func Hello(addr string) (stop func(), bound string, err error) {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.GET("/", func(c echo.Context) error { return c.String(http.StatusOK, "hello") })
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, "", err
	}
	srv := &http.Server{Handler: e, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(l)
	return func() { srv.Close() }, l.Addr().String(), nil
}

type page struct {
	name, role, path string
}

// Accounts are the logins of a run: one per role for the pages, and the
// unit users who write (each on its unit's report forms).
type Accounts struct {
	Reviewer, Leader, Unit string
	Writers                []string
	Admin                  string // may create accounts (Options.AllUnits); "" when there is none
}

// DemoAccounts are the demo's accounts.
func DemoAccounts() Accounts {
	return Accounts{Reviewer: "duchashi", Leader: "lingdao", Unit: "canlian", Writers: []string{"canlian", "taishan", "jiaoyuju"},
		Admin: "admin"}
}

// PasswordFile holds, in a data dir made by `duban synth --bench-accounts`,
// the password of its bench accounts (a demo's is demo-password.txt).
const PasswordFile = "bench-password.txt"

func (a Accounts) orDemo() Accounts {
	if a.Reviewer == "" {
		return DemoAccounts()
	}
	return a
}

var measureRe = regexp.MustCompile(`href="/measures/(\d+)"`)

// Pages are the main pages by role; the measure is the first one the
// ledger links to.
func pages(ctx context.Context, reviewer *Client) ([]page, error) {
	p, err := reviewer.Get(ctx, "/ledger")
	if err != nil {
		return nil, err
	}
	m := measureRe.FindSubmatch(p.Body)
	if m == nil {
		return nil, errors.New("the ledger links to no measure: is the plan imported?")
	}
	return []page{
		{"reviewer /", "reviewer", "/"},
		{"reviewer /todo", "reviewer", "/todo"},
		{"reviewer /supervision", "reviewer", "/supervision"},
		{"reviewer /ledger", "reviewer", "/ledger"},
		{"reviewer /indicators", "reviewer", "/indicators"},
		{"reviewer /scorecard", "reviewer", "/scorecard"},
		{"reviewer /?plan=all", "reviewer", "/?plan=all"},
		{"reviewer /scorecard?plan=all", "reviewer", "/scorecard?plan=all"},
		{"reviewer /measures/" + string(m[1]), "reviewer", "/measures/" + string(m[1])},
		{"reviewer /ledger.xlsx", "reviewer", "/ledger.xlsx"},
		{"leader /", "leader", "/"},
		{"unit / (dashboard)", "unit", "/"},
		{"unit /todo", "unit", "/todo"},
		{"unit /measures/" + string(m[1]), "unit", "/measures/" + string(m[1])},
	}, nil
}

// LoginRoles logs in one client per role.
func LoginRoles(ctx context.Context, base, password string, acc Accounts) (map[string]*Client, error) {
	out := map[string]*Client{}
	acc = acc.orDemo()
	for role, user := range map[string]string{"reviewer": acc.Reviewer, "unit": acc.Unit, "leader": acc.Leader} {
		c := NewClient(base)
		if err := c.Login(ctx, user, password); err != nil {
			return nil, err
		}
		out[role] = c
	}
	return out, nil
}

// prepare checks the target, logs in the roles and lists their pages.
func prepare(ctx context.Context, base, password string, acc Accounts) (map[string]*Client, []page, error) {
	if err := CheckLoopback(base); err != nil {
		return nil, nil, err
	}
	clients, err := LoginRoles(ctx, base, password, acc)
	if err != nil {
		return nil, nil, err
	}
	ps, err := pages(ctx, clients["reviewer"])
	return clients, ps, err
}

// RunPages measures hello and then each page for o.Duration at
// o.Concurrency, and the unit's write flows.
func RunPages(ctx context.Context, o Options) ([]Row, error) {
	clients, ps, err := prepare(ctx, o.URL, o.Password, o.Accounts)
	if err != nil {
		return nil, err
	}
	stop, helloAddr, err := Hello(o.HelloAddr)
	if err != nil {
		return nil, fmt.Errorf("hello handler: %w", err)
	}
	defer stop()
	helloClient := NewClient("http://" + helloAddr)
	// hello runs in this process: its RSS is not the server's.
	hello := measure(ctx, Options{Concurrency: o.Concurrency, Duration: o.Duration, Warmup: o.Warmup}, "hello (echo, same run)",
		func(ctx context.Context, _ int) error { return get(ctx, helloClient.HTTP, helloClient.Base+"/") })
	rows := []Row{hello}
	for _, p := range ps {
		if o.Only != nil && !o.Only.MatchString(p.name) {
			continue
		}
		c := clients[p.role]
		row := measure(ctx, o, p.name, func(ctx context.Context, _ int) error { return get(ctx, c.HTTP, c.Base+p.path) })
		rows = append(rows, row)
	}
	var ws []writer
	if wantsWriters(o) {
		if ws, err = setUpWriters(ctx, o); err != nil {
			return nil, err
		}
	}
	apiR, err := apiRows(ctx, o, clients, ws)
	if err != nil {
		return nil, err
	}
	rows = append(rows, apiR...)
	writes, err := writeRows(ctx, o, ws)
	if err != nil {
		return nil, err
	}
	rows = append(rows, writes...)
	for i := range rows {
		if hello.RPS > 0 {
			rows[i].Ratio = rows[i].RPS / hello.RPS
		}
	}
	return rows, nil
}

var errExhausted = errors.New("no work left")

// Clone is another browser tab of the same session: same cookies, its own
// form token.
func (c *Client) Clone() *Client {
	return &Client{Base: c.Base, HTTP: c.HTTP, csrf: c.csrf}
}

func get(ctx context.Context, hc *http.Client, u string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	res, err := hc.Do(req)
	if err != nil {
		return err
	}
	_, err = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if err != nil {
		return err
	}
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d", res.StatusCode)
	}
	return nil
}

// measure runs fn from o.Concurrency workers, first for the warm-up, then
// for the duration, and sums up the measured calls.
func measure(ctx context.Context, o Options, name string, fn func(ctx context.Context, worker int) error) Row {
	if o.Warmup > 0 {
		run(ctx, o.Concurrency, o.Warmup, fn)
	}
	stopRSS := peakRSS(o.PID)
	pids := append([]int{o.PID}, o.InstancePIDs...)
	cpu0, cpuErr := cpuTimes(pids)
	lat, errs, conflicts, elapsed := run(ctx, o.Concurrency, o.Duration, fn)
	row := Row{Name: name, Requests: len(lat), Errors: errs, Conflict: conflicts, PeakKB: stopRSS()}
	if cpu1, err := cpuTimes(pids); o.PID > 0 && cpuErr == nil && err == nil && len(lat) > 0 {
		row.CPUms = ms(cpu1-cpu0) / float64(len(lat))
	}
	if elapsed > 0 {
		row.RPS = float64(len(lat)) / elapsed.Seconds()
	}
	row.P50, row.P99 = percentile(lat, 0.50), percentile(lat, 0.99)
	return row
}

// run calls fn from workers goroutines, starting calls for d; calls under
// way at the end finish and count (a page slower than d still gets a
// figure), within a minute's grace.
func run(ctx context.Context, workers int, d time.Duration, fn func(context.Context, int) error) ([]time.Duration, int, int, time.Duration) {
	ctx, cancel := context.WithTimeout(ctx, d+time.Minute)
	defer cancel()
	var mu sync.Mutex
	var all []time.Duration
	errs, conflicts := 0, 0
	start := time.Now()
	end := start.Add(d)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			var mine []time.Duration
			bad, lost := 0, 0
			for ctx.Err() == nil && time.Now().Before(end) {
				t0 := time.Now()
				err := fn(ctx, w)
				if errors.Is(err, errExhausted) {
					break
				}
				if err != nil {
					if statusOf(false, err) == http.StatusConflict {
						lost++
					} else {
						bad++
					}
					continue
				}
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			all = append(all, mine...)
			errs += bad
			conflicts += lost
			mu.Unlock()
		})
	}
	wg.Wait()
	return all, errs, conflicts, time.Since(start)
}

// peakRSS samples the RSS of process pid every 50 ms until the returned
// function is called, which returns the highest figure in kB (0 for pid 0).
func peakRSS(pid int) func() int64 {
	if pid <= 0 {
		return func() int64 { return 0 }
	}
	var peak atomic.Int64
	sample := func() {
		if kb, err := RSS(pid); err == nil && kb > peak.Load() {
			peak.Store(kb)
		}
	}
	sample()
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				sample()
			}
		}
	})
	return func() int64 {
		close(done)
		wg.Wait()
		sample()
		return peak.Load()
	}
}

func percentile(lat []time.Duration, q float64) time.Duration {
	if len(lat) == 0 {
		return 0
	}
	s := slices.Clone(lat)
	slices.Sort(s)
	return s[min(len(s)-1, int(q*float64(len(s))))]
}

// PrintRows writes the table (the ratio column when there was a hello
// run).
func PrintRows(w io.Writer, rows []Row) {
	withRatio := len(rows) > 0 && rows[0].Ratio > 0
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	ratioHead := ""
	if withRatio {
		ratioHead = "ratio to hello\t"
	}
	withRSS := slices.ContainsFunc(rows, func(r Row) bool { return r.PeakKB > 0 })
	rssHead := ""
	if withRSS {
		rssHead = "peak RSS MB\t"
	}
	if withRSS {
		rssHead += "server CPU ms/req\t"
	}
	fmt.Fprintf(tw, "page\treq/s\tp50 ms\tp99 ms\t%srequests\terrors\t409\t%s\n", ratioHead, rssHead)
	var peak int64
	for _, r := range rows {
		ratio, rss := "", ""
		if withRatio {
			ratio = fmt.Sprintf("%.4f\t", r.Ratio)
		}
		if withRSS {
			rss = "—\t—\t"
			if r.PeakKB > 0 {
				rss = fmt.Sprintf("%.1f\t%.2f\t", float64(r.PeakKB)/1024, r.CPUms)
			}
		}
		peak = max(peak, r.PeakKB)
		fmt.Fprintf(tw, "%s\t%.1f\t%.1f\t%.1f\t%s%d\t%d\t%d\t%s\n", r.Name, r.RPS, ms(r.P50), ms(r.P99), ratio, r.Requests, r.Errors, r.Conflict, rss)
	}
	tw.Flush()
	if withRSS {
		fmt.Fprintf(w, "server peak RSS over the run: %.1f MB\n", float64(peak)/1024)
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// cpuTimes sums the CPU time of the processes.
func cpuTimes(pids []int) (time.Duration, error) {
	var sum time.Duration
	for _, pid := range pids {
		d, err := CPUTime(pid)
		if err != nil {
			return 0, err
		}
		sum += d
	}
	return sum, nil
}

// CPUTime reads the user and system CPU time a process has used
// (Linux /proc, in clock ticks of 10 ms).
func CPUTime(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name (field 2) may hold spaces: count from its ")".
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return 0, errors.New("no command name in /proc stat")
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, errors.New("short /proc stat")
	}
	var ticks int64
	for _, s := range f[11:13] { // utime, stime (fields 14 and 15)
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return 0, err
		}
		ticks += n
	}
	return time.Duration(ticks) * 10 * time.Millisecond, nil
}

// RSS reads a process's resident set size in kB from /proc.
func RSS(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmRSS:") {
			f := strings.Fields(l)
			if len(f) >= 2 {
				return strconv.ParseInt(f[1], 10, 64)
			}
		}
	}
	return 0, errors.New("no VmRSS")
}

// SoakOptions of a soak run.
type SoakOptions struct {
	URL      string
	Password string
	Users    int           // simulated users
	Duration time.Duration // the whole run
	Think    time.Duration // mean pause between a user's requests
	Every    time.Duration // report interval
	PID      int           // the server's process, for RSS (0: not measured)
	FileKB   int
	Out      io.Writer
	Accounts Accounts // zero: the demo's
}

// SoakResult sums up a soak.
type SoakResult struct {
	Rows   []Row // per page, over the whole run
	Server int   // 5xx answers
	RSS    []RSSPoint
}

// RSSPoint is the server's memory at a moment of the run.
type RSSPoint struct {
	At       time.Duration
	KB       int64
	Requests int
}

// RunSoak has o.Users users (a tenth reviewers, a tenth leaders, the rest
// unit staff) read their pages with pauses, the unit staff also saving
// drafts with a file one time in ten, for o.Duration; every o.Every it
// prints the request count, the 5xx and the server's RSS.
func RunSoak(ctx context.Context, o SoakOptions) (*SoakResult, error) {
	clients, ps, err := prepare(ctx, o.URL, o.Password, o.Accounts)
	if err != nil {
		return nil, err
	}
	// xlsx exports are rare in a real day; a soak of them measures the
	// export, not the portal.
	ps = slices.DeleteFunc(ps, func(p page) bool { return strings.HasSuffix(p.path, ".xlsx") })
	byRole := map[string][]page{}
	for _, p := range ps {
		byRole[p.role] = append(byRole[p.role], p)
	}
	// Unit staff write as the three demo units, each on its unit's forms.
	units, err := loginWriters(ctx, []string{o.URL}, o.Password, o.Accounts.orDemo().Writers)
	if err != nil {
		return nil, err
	}
	writable := 0
	for _, u := range units {
		writable += len(u.forms)
	}
	if writable == 0 {
		fmt.Fprintln(o.Out, "warning: the units have no report form left to save a draft on: the soak only reads")
	}

	type sample struct {
		name   string
		d      time.Duration
		status int
	}
	samples := make(chan sample, 4096)
	ctx, cancel := context.WithTimeout(ctx, o.Duration)
	defer cancel()
	var wg sync.WaitGroup
	for u := range o.Users {
		role := "unit"
		switch u % 10 {
		case 0:
			role = "reviewer"
		case 1:
			role = "leader"
		}
		unit := units[u%len(units)]
		wg.Go(func() {
			c := clients[role].Clone()
			if role == "unit" {
				c = unit.c.Clone()
			}
			forms := unit.forms
			rnd := rand.New(rand.NewPCG(uint64(u), 7))
			first := true
			// A request under way when the soak ends finishes and counts
			// (within the client's timeout), as in the page runs.
			rctx := context.WithoutCancel(ctx)
			for ctx.Err() == nil {
				pause := time.Duration(rnd.Int64N(int64(2*o.Think) + 1))
				select {
				case <-ctx.Done():
					return
				case <-time.After(pause):
				}
				t0 := time.Now()
				name, status := "", 0
				// Unit staff come to report: their first request saves a
				// draft, then one in ten does.
				if role == "unit" && len(forms) > 0 && (first || rnd.IntN(10) == 0) {
					first = false
					name = "unit: save draft with file"
					// Each person works on a form of their own while the
					// unit has enough; people who share one see 409 when
					// the other saved first.
					form := forms[(u/len(units))%len(forms)]
					f, err := c.SaveAndSubmit(rctx, form, "soak", NewEvidence("soak.pdf", max(1, o.FileKB)*1024), false)
					status = statusOf(f.Saved, err)
				} else {
					p := byRole[role][rnd.IntN(len(byRole[role]))]
					name = p.name
					pg, err := c.Get(rctx, p.path)
					if err == nil {
						status = pg.Status
					}
				}
				samples <- sample{name, time.Since(t0), status}
			}
		})
	}
	go func() { wg.Wait(); close(samples) }()

	res := &SoakResult{}
	lat := map[string][]time.Duration{}
	bad, lost := map[string]int{}, map[string]int{}
	var order []string
	start := time.Now()
	tick := time.NewTicker(o.Every)
	defer tick.Stop()
	total := 0
	report := func() {
		p := RSSPoint{At: time.Since(start).Round(time.Second), Requests: total}
		if o.PID > 0 {
			p.KB, _ = RSS(o.PID)
		}
		res.RSS = append(res.RSS, p)
		fmt.Fprintf(o.Out, "%8s  %8d requests  %4d 5xx  server RSS %6.1f MB\n", p.At, total, res.Server, float64(p.KB)/1024)
	}
	report()
	for {
		select {
		case s, ok := <-samples:
			if !ok {
				report()
				for _, n := range order {
					r := Row{Name: n, Requests: len(lat[n]), Errors: bad[n], Conflict: lost[n], P50: percentile(lat[n], 0.5), P99: percentile(lat[n], 0.99)}
					r.RPS = float64(r.Requests) / o.Duration.Seconds()
					res.Rows = append(res.Rows, r)
				}
				return res, nil
			}
			if _, ok := lat[s.name]; !ok {
				order = append(order, s.name)
			}
			total++
			if s.status >= 500 {
				res.Server++
			}
			if s.status == http.StatusConflict {
				lost[s.name]++
				continue
			}
			if s.status != http.StatusOK && s.status != http.StatusSeeOther {
				bad[s.name]++
				continue
			}
			lat[s.name] = append(lat[s.name], s.d)
		case <-tick.C:
			report()
		}
	}
}

// statusOf maps a save's outcome to a status: 303 saved, 409 another
// user saved the same draft first (a correct answer under contention),
// 500 for a server error, 0 otherwise.
func statusOf(ok bool, err error) int {
	switch {
	case ok:
		return http.StatusSeeOther
	case err == nil:
		return 0
	case strings.Contains(err.Error(), "status 409"):
		return http.StatusConflict
	case strings.Contains(err.Error(), "status 5"):
		return http.StatusInternalServerError
	}
	return 0
}
